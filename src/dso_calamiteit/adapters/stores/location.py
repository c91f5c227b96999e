"""Which logbook: a SQLite file (a path, `sqlite:///path`) or a PostgreSQL database (`postgresql://…`).

Parsed without any driver, so a command that uses SQLite never imports psycopg. The text shown in messages
never holds a password.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ... import APP
from ...domain.errors import UsageError

POSTGRES_SCHEMES = ("postgresql", "postgres")
LOGBOOK_FILE = "logboek.sqlite"  # the file's name in a folder given by --data-dir or CALAMITEIT_DATA_DIR
ENV_DATA_DIR = "CALAMITEIT_DATA_DIR"


@dataclass(frozen=True)
class Location:
    """A SQLite file (`path`) or a PostgreSQL connection string (`url`); `shown` is safe to print."""

    path: Path | None = None
    url: str | None = None

    @property
    def shown(self) -> str:
        return str(self.path) if self.path is not None else redact(self.url or "")

    @property
    def postgres(self) -> bool:
        return self.url is not None


def folder(path: Path) -> Location:
    return Location(path=path / LOGBOOK_FILE)


def default_folder() -> Path:
    """Where the logbook lives when nothing names one: CALAMITEIT_DATA_DIR, else the user's data folder."""
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR])
    from platformdirs import user_data_path

    return user_data_path(APP)


def parse(text: str, origin: str, *, password_allowed: bool) -> Location:
    """`origin` names where the text came from (--db, CALAMITEIT_DB, a file) for the message."""
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        if not text:
            raise UsageError(f"{origin} is leeg", "Geef een pad naar een logboek of een postgresql://-URL.")
        path = Path(text).expanduser()
        return Location(path=path / LOGBOOK_FILE if path.is_dir() or text.endswith("/") else path)
    if scheme.lower() == "sqlite":
        if not rest.strip("/"):
            raise UsageError(f"{origin}: sqlite:// zonder pad", "Bijvoorbeeld sqlite:///srv/calamiteit/logboek.sqlite")
        return parse(rest, origin, password_allowed=password_allowed)
    if scheme.lower() not in POSTGRES_SCHEMES:
        raise UsageError(
            f"{origin}: onbekend soort database '{scheme}://'",
            "Gebruik postgresql://gebruiker@host/database, sqlite:///pad of een pad naar een logboekbestand.",
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise UsageError(f"{origin}: geen geldige URL ({exc})") from None
    if parts.password is not None and not password_allowed:
        raise UsageError(
            f"{origin}: een wachtwoord hoort niet op de opdrachtregel (het blijft in de shellgeschiedenis "
            "en is voor andere gebruikers zichtbaar)",
            "Gebruik PGPASSWORD, ~/.pgpass of PGSERVICE, of zet de hele URL in CALAMITEIT_DB.",
        )
    return Location(url=text)


def redact(url: str) -> str:
    """The URL without password or query (which may hold one): for messages, JSON and the logbook."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = (f"{parts.username}@" if parts.username else "") + host
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return url.partition("://")[0] + "://…"
