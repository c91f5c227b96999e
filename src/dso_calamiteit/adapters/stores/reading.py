"""A plain read of what `oproep ID --status` shows, from a SQLite logbook, without opening a Store: no model of
the logbook, no migrations (benchmarks/callout_status.py: the status costs little more than reading its rows).

Only the ordinary case is read here: a SQLite file that is there, is SQLite, has this version's schema, opens
read-only, and holds an incident of exactly that id. Anything else (a PostgreSQL logbook, a short id, an unknown
incident, an older or newer schema, a busy or unreadable file) returns None, and the caller opens the Store,
which says what is wrong or does what is needed. The queries are the Store's own (interface.Store).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# The schema version of sqlite.py (sqlite.SCHEMA_VERSION; a test holds them equal): another version is read by the
# Store, which migrates or refuses it.
SCHEMA_VERSION = 10
SQLITE_HEADER = b"SQLite format 3\x00"

Delivery = tuple[str, str, str, str, str, str]  # (callout, channel, recipient, outcome, reason, at)
Stored = tuple[int, str, str, str, str, str, str]  # (n, at, author, kind, body, prev_hash, hash)

DELIVERIES_SQL = (
    "SELECT callout, channel, recipient, outcome, reason, at FROM deliveries WHERE incident = ? "
    "ORDER BY at, callout, channel, recipient"
)
CONFIRMATIONS_SQL = (
    "SELECT n, at, author, kind, body, prev_hash, hash FROM entries INDEXED BY entries_by_kind "
    "WHERE incident = ? AND kind = 'confirmation' ORDER BY n"
)


def callout_status(path: Path | None, incident: str) -> tuple[list[Delivery], list[Stored]] | None:
    """The incident's deliveries (oldest first) and its confirmation entries, as stored, read at one moment;
    None when this is not the ordinary case (see above): then the Store reads it."""
    if path is None:
        return None
    try:
        if path.is_symlink():
            return None
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0, isolation_level=None)
    except (OSError, sqlite3.Error):
        return None
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        conn.execute("BEGIN")  # both reads at one moment
        if conn.execute("SELECT 1 FROM incidents WHERE id = ?", (incident,)).fetchone() is None:
            return None
        deliveries = conn.execute(DELIVERIES_SQL, (incident,)).fetchall()
        confirmations = conn.execute(CONFIRMATIONS_SQL, (incident,)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return deliveries, confirmations
