"""Secrets for the channels (SMTP password, webhook URLs): from an environment variable, else the OS keyring
(service `calamiteit`, the variable's name as the entry). Never from the command line or a YAML file."""

from __future__ import annotations

import os
import sys
from types import ModuleType

KEYRING_SERVICE = "calamiteit"
# keyring loads every backend it knows to pick one. Its macOS backend, off macOS, still asks ctypes to find the
# Security, CoreServices and Foundation libraries at import, and on Linux ctypes does that by running ldconfig
# and gcc (a dry-run `oproep` at 10,000 contacts: about 200 ms of its 520). That backend then refuses itself
# ("macOS required"), so off macOS its library look-up is kept out: keyring's choice of backend is the same.
_MACOS_LIBRARIES = "keyring.backends.macOS.api"
# keyring's first rule for its backend is the PYTHON_KEYRING_BACKEND variable (a server without a keyring sets it,
# docs/speed.md); these two hold nothing (fail raises, null answers None), so with either one no secret can be in
# the keyring and keyring's start (its imports and its backends, about 130 ms) is not paid to be told so.
_HOLDS_NOTHING = frozenset({"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"})


def _keyring() -> ModuleType:
    if sys.platform != "darwin":
        sys.modules.setdefault(_MACOS_LIBRARIES, None)  # type: ignore[arg-type]  # its `from . import api` fails
    import keyring

    return keyring


def secret(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    if "keyring" not in sys.modules and os.environ.get("PYTHON_KEYRING_BACKEND") in _HOLDS_NOTHING:
        return None  # (once keyring is loaded, a backend set in code with keyring.set_keyring wins, as in keyring)
    try:
        keyring = _keyring()
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, name)
    except Exception:  # no keyring on this machine (a server, CI): as if the entry were not there
        return None
    return found or None

