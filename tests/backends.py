"""What a test does to the logbook behind calamiteit's back, on whichever engine it runs (CALAMITEIT_DB set:
PostgreSQL, else the SQLite file in the data folder): tamper as someone with full access, hold the write
lock as another writer, or talk to the database as a plain client would."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE


def postgres() -> str | None:
    return os.environ.get("CALAMITEIT_DB") or None


@contextmanager
def client(folder: Path) -> Iterator[Any]:
    """A plain connection to the logbook, triggers and all (autocommit)."""
    url = postgres()
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True, options="-c search_path=calamiteit") as conn:
            yield conn
    else:
        conn = sqlite3.connect(folder / LOGBOOK_FILE, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()


def refused() -> type[Exception]:
    """What a plain client gets when a trigger refuses its change."""
    if postgres():
        import psycopg

        return psycopg.errors.RaiseException
    return sqlite3.DatabaseError


Statement = str | tuple[str, tuple[Any, ...]]


def tamper(folder: Path, *statements: Statement) -> None:
    """Change the logbook as someone with full access (the file in hand, or a superuser) would: past the
    triggers. What calamiteit then finds is what the tests are about. Parameters are written `?`."""
    with client(folder) as conn:
        if postgres():
            conn.execute("SET session_replication_role = replica")  # a superuser's way past the triggers
        else:
            for trigger in ("entries_append_only_update", "entries_append_only_delete", "incidents_follow_entries",
                            "entries_time_forward"):
                conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            conn.execute(sql.replace("?", "%s") if postgres() else sql, params)


def rows(folder: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with client(folder) as conn:
        return list(conn.execute(sql.replace("?", "%s") if postgres() else sql, params).fetchall())


@contextmanager
def write_lock_held(folder: Path) -> Iterator[None]:
    """Another writer in the middle of its transaction."""
    url = postgres()
    if url:
        import psycopg

        from dso_calamiteit.adapters.stores.postgres import WRITE_LOCK_SQL

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"BEGIN; {WRITE_LOCK_SQL}")
            try:
                yield
            finally:
                conn.execute("ROLLBACK")
        return
    with client(folder) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")

