"""Which logbook: a SQLite file (a path, `sqlite:///path`) or a PostgreSQL database (`postgresql://…`).

Parsed without any driver, so a command that uses SQLite never imports psycopg. The text shown in messages
never holds a password.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ...domain.errors import UsageError
from ...domain.language import _
from ...domain.records import record
from ..userdirs import user_path

POSTGRES_SCHEMES = ("postgresql", "postgres")
LOGBOOK_FILE = "logboek.sqlite"  # the file's name in a folder given by --data-dir or CALAMITEIT_DATA_DIR
ENV_DATA_DIR = "CALAMITEIT_DATA_DIR"


@record
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
    return user_path("data")


# libpq's keyword/value form ("host=db dbname=calamiteit user=anna"): PostgreSQL, never a file name
KEYWORDS = frozenset(
    {
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding", "connect_timeout",
        "client_encoding", "options", "application_name", "fallback_application_name", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication",
        "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert",
        "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version",
        "krbsrvname", "gsslib", "gssdelegation", "service", "target_session_attrs", "load_balance_hosts",
    }
)
SECRET_KEYS = frozenset({"password", "sslpassword"})  # what may never be on a command line or in a file name
_PAIR = re.compile(r"\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)")


def keywords(text: str) -> list[tuple[str, str]] | None:
    """The keyword/value pairs of a libpq connection string, or None when `text` is not one (a path)."""
    pairs, at = [], 0
    while at < len(text.rstrip()):
        found = _PAIR.match(text, at)
        if found is None or found.group(1).lower() not in KEYWORDS:
            return None
        pairs.append((found.group(1).lower(), found.group(2)))
        at = found.end()
    return pairs or None


def _secret_said(origin: str, in_file: bool) -> UsageError:
    said = (
        _(
            "{origin}: een wachtwoord hoort niet in een bestand (het blijft in de shellgeschiedenis en is voor "
            "andere gebruikers zichtbaar)"
        )
        if in_file
        else _(
            "{origin}: een wachtwoord hoort niet op de opdrachtregel (het blijft in de shellgeschiedenis en is "
            "voor andere gebruikers zichtbaar)"
        )
    )
    return UsageError(
        said.format(origin=origin),
        _("Gebruik PGPASSWORD, ~/.pgpass of PGSERVICE, of zet de hele URL in CALAMITEIT_DB."),
    )


def parse(text: str, origin: str, *, password_allowed: bool, in_file: bool = False) -> Location:
    """`origin` names where the text came from (--db, CALAMITEIT_DB, a file: `in_file`) for the message."""
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    pairs = None if sep else keywords(text)
    if pairs is not None:
        if not password_allowed and any(key in SECRET_KEYS for key, _ in pairs):
            raise _secret_said(origin, in_file)
        return Location(url=text)
    if not sep:
        if not text:
            raise UsageError(
                _("{origin} is leeg").format(origin=origin),
                _("Geef een pad naar een logboek of een postgresql://-URL."),
            )
        path = Path(text).expanduser()
        return Location(path=path / LOGBOOK_FILE if path.is_dir() or text.endswith("/") else path)
    if scheme.lower() == "sqlite":
        if not rest.strip("/"):
            raise UsageError(
                _("{origin}: sqlite:// zonder pad").format(origin=origin),
                _("Bijvoorbeeld sqlite:///srv/calamiteit/logboek.sqlite"),
            )
        return parse(rest, origin, password_allowed=password_allowed, in_file=in_file)
    if scheme.lower() not in POSTGRES_SCHEMES:
        raise UsageError(
            _("{origin}: onbekend soort database '{scheme}://'").format(origin=origin, scheme=scheme),
            _("Gebruik postgresql://gebruiker@host/database, sqlite:///pad of een pad naar een logboekbestand."),
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise UsageError(_("{origin}: geen geldige URL ({reason})").format(origin=origin, reason=exc)) from None
    query = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if (parts.password is not None or query & SECRET_KEYS) and not password_allowed:
        raise _secret_said(origin, in_file)
    return Location(url=text)


def redact(url: str) -> str:
    """The URL without password or query (which may hold one): for messages, JSON and the logbook; a keyword/value
    string without its password."""
    pairs = None if "://" in url else keywords(url)
    if pairs is not None:
        return " ".join(f"{key}={value}" for key, value in pairs if key not in SECRET_KEYS)
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
