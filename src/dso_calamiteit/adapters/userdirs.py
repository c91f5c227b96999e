"""The user's folders for configuration, cache and data (platformdirs), without importing platformdirs where the
answer is plain: on Linux, `$XDG_CONFIG_HOME` (etc.) when it is an absolute path, else `$HOME/.config` (etc.) when
HOME is absolute — what platformdirs answers there (tests/test_startup_imports.py compares the two). Anything
else (macOS, Windows, no usable HOME) asks platformdirs, whose import brings tempfile and random (~5 ms of every
command's start-up)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import APP

XDG = {"config": ("XDG_CONFIG_HOME", ".config"), "cache": ("XDG_CACHE_HOME", ".cache"),
       "data": ("XDG_DATA_HOME", ".local/share")}


def user_path(kind: str) -> Path:
    """The user's folder of this kind ('config', 'cache' or 'data') for this application."""
    variable, below_home = XDG[kind]
    if sys.platform.startswith("linux"):
        given = os.environ.get(variable, "")
        if os.path.isabs(given):
            return Path(given) / APP
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):
            return Path(home) / below_home / APP
    import platformdirs

    found: Path = getattr(platformdirs, f"user_{kind}_path")(APP)
    return found
