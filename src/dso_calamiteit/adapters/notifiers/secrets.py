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


def _no_keyring_here() -> bool:
    """Whether keyring, started here, could only end at its fail backend, told without starting it (its imports
    and its choice of backend are ~80 ms, most of a dry-run `oproep` at 10,000 contacts). On Linux each backend
    keyring brings (Secret Service, KWallet, libsecret) speaks D-Bus to a desktop session: with no session bus
    (no DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR/bus), no display, no keyring configuration of one's own
    (PYTHON_KEYRING_BACKEND, keyringrc.cfg) and no backend from another package, none of them can hold a secret.
    A server as CI or a runbook runs it; anywhere else keyring is asked."""
    if not sys.platform.startswith("linux"):
        return False
    env = os.environ
    if any(env.get(v) for v in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "PYTHON_KEYRING_BACKEND")):
        return False
    runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    config = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    if os.path.exists(os.path.join(runtime, "bus")) or os.path.exists(
        os.path.join(config, "python_keyring", "keyringrc.cfg")
    ):
        return False
    return not _other_backends()


def _other_backends() -> bool:
    """Whether an installed package other than keyring names a keyring backend (an entry point of the group
    `keyring.backends`, as keyrings.alt does), read from the packages' entry_points.txt as importlib.metadata
    reads them: importing importlib.metadata alone is 12 ms, reading the files 1 ms."""
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as found:
                infos = [e.path for e in found if e.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
        for info in infos:
            try:
                with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as file:
                    text = file.read()
            except (OSError, UnicodeDecodeError):
                continue
            if "keyring.backends" in text and any(
                not value.strip().startswith("keyring.backends.") for value in _group(text, "keyring.backends")
            ):
                return True
    return False


def _group(text: str, group: str) -> list[str]:
    """The values (`name = value`) of one [group] of an entry_points.txt."""
    values, inside = [], False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            inside = line == f"[{group}]"
        elif inside and "=" in line and not line.startswith(("#", ";")):
            values.append(line.partition("=")[2])
    return values


def secret(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    if "keyring" not in sys.modules and (
        os.environ.get("PYTHON_KEYRING_BACKEND") in _HOLDS_NOTHING or _no_keyring_here()
    ):
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

