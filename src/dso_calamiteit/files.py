"""Writing output files so that a reader never sees half of one, whatever happens half-way."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import CalamiteitError


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path` in one step."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CalamiteitError(f"{path}: kan niet schrijven: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CalamiteitError(f"{path}: kan niet schrijven: {exc.strerror}") from None
        raise
