"""Secrets for the channels (SMTP password, webhook URLs): from an environment variable, else the OS keyring
(service `calamiteit`, the variable's name as the entry). Never from the command line or a YAML file."""

from __future__ import annotations

import os

KEYRING_SERVICE = "calamiteit"


def secret(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    try:
        import keyring
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, name)
    except Exception:  # no keyring on this machine (a server, CI): as if the entry were not there
        return None
    return found or None


def missing(name: str, what: str) -> str:
    return f"{what} ontbreekt: zet {name} of bewaar het in de sleutelbos (dienst '{KEYRING_SERVICE}', item '{name}')"
