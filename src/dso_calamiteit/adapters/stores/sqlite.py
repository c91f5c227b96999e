"""The logbook as one SQLite file: append-only entries with a hash chain, safe for several writers at once.

One file in the user's data folder (platformdirs; `--data-dir` / CALAMITEIT_DATA_DIR override), created 0600
because it holds names and decisions. WAL and a busy timeout let several terminals and a runbook write at
the same time; every append is one IMMEDIATE transaction, so numbering and the chain never interleave.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...domain.errors import CalamiteitError, os_reason
from ...domain.language import _
from ...domain.logbook import Entry
from .. import interrupts
from .errors import BusyError, StorageError
from .interface import ENTRY_SQL, TIP_SQL, Delivered, Store, new_code
from .rollups import Check

BUSY_TIMEOUT_MS = 10_000
INSERT_SQL = (
    "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash, role) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SQLITE_HEADER = b"SQLite format 3\x00"

# Each step brings a database from version i to i + 1; never edit a released step, add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        level INTEGER NOT NULL,
        closed_at TEXT,
        entries INTEGER NOT NULL,
        actions INTEGER NOT NULL DEFAULT 0,
        reports INTEGER NOT NULL DEFAULT 0,
        head TEXT NOT NULL
    ) STRICT;
    CREATE TABLE entries (
        incident TEXT NOT NULL,
        n INTEGER NOT NULL,
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (incident, n)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX entries_by_kind ON entries (incident, kind, n);
    CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'logbook entries are append-only'); END;
    CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'logbook entries are append-only'); END;
    """,
    """
    CREATE TABLE checks (
        at TEXT NOT NULL,
        name TEXT NOT NULL,
        env TEXT NOT NULL,
        url TEXT NOT NULL,
        state TEXT NOT NULL,
        status INTEGER,
        latency_ms REAL,
        reason TEXT NOT NULL
    ) STRICT;
    CREATE INDEX checks_by_time ON checks (at);
    """,
    # The incidents row is a cache of its entries for listing: it may only move forward with them.
    """
    CREATE TRIGGER incidents_follow_entries BEFORE UPDATE ON incidents
        WHEN NEW.id IS NOT OLD.id OR NEW.title IS NOT OLD.title OR NEW.opened_at IS NOT OLD.opened_at
            OR NEW.entries <= OLD.entries OR NEW.actions < OLD.actions OR NEW.reports < OLD.reports
            OR NEW.entries IS NOT (SELECT max(n) FROM entries WHERE incident = NEW.id)
            OR NEW.head IS NOT (SELECT hash FROM entries WHERE incident = NEW.id AND n = NEW.entries)
        BEGIN SELECT RAISE(ABORT, 'the incidents row follows its entries'); END;
    CREATE TRIGGER incidents_kept BEFORE DELETE ON incidents
        BEGIN SELECT RAISE(ABORT, 'incidents are never removed'); END;
    """,
    # The logbook's own code, part of every incident id it gives out: ids from two logbooks never collide.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    """,
    # Who stored each entry: the login of the process (SQLite has no roles of its own). Not hashed.
    """
    ALTER TABLE entries ADD COLUMN role TEXT;
    """,
    # Usage figures of the applications (`calamiteit gebruik import`): one count per day, application, metric.
    """
    CREATE TABLE usage (
        day TEXT NOT NULL,
        application TEXT NOT NULL,
        metric TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (day, application, metric)
    ) STRICT, WITHOUT ROWID;
    """,
    # Roll-ups of the recorded checks, kept as they are recorded: the period overview reads these, never the
    # millions of rows of a year (interface.Store._roll_up; filled from the checks already held on migration).
    """
    CREATE TABLE check_hours (
        name TEXT NOT NULL, env TEXT NOT NULL, hour TEXT NOT NULL,
        checks INTEGER NOT NULL, up INTEGER NOT NULL, maintenance INTEGER NOT NULL,
        PRIMARY KEY (name, env, hour)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE latency_days (
        name TEXT NOT NULL, env TEXT NOT NULL, day TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (name, env, day, bucket)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE down_runs (
        name TEXT NOT NULL, env TEXT NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL, checks INTEGER NOT NULL,
        PRIMARY KEY (name, env, first)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX down_runs_by_last ON down_runs (last);
    CREATE TABLE check_tips (
        name TEXT NOT NULL, env TEXT NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL, run_first TEXT,
        PRIMARY KEY (name, env)
    ) STRICT, WITHOUT ROWID;
    """,
    # Time never runs backwards in a chain: an entry is not older than the one before it (as on PostgreSQL).
    """
    CREATE TRIGGER entries_time_forward BEFORE INSERT ON entries
        WHEN NEW.n > 1 AND julianday(NEW.at) < (SELECT julianday(at) FROM entries
                                                 WHERE incident = NEW.incident AND n = NEW.n - 1)
        BEGIN SELECT RAISE(ABORT, 'an entry is not older than the one before it'); END;
    """,
    # The call-out's deliveries, one row per (call-out, channel, recipient): written as the intent before the
    # first message goes out ('pending', with its Message-ID), and moved to its outcome as each one is known, one
    # transaction each, so a call-out that is killed half-way resumes without sending anything twice.
    """
    CREATE TABLE deliveries (
        callout TEXT NOT NULL,
        incident TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        message_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (callout, channel, recipient)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX deliveries_by_incident ON deliveries (incident, callout);
    INSERT OR IGNORE INTO meta (key, value) VALUES ('confirm_key', lower(hex(randomblob(32))));
    """,
    # The confirmation key in a table of its own (on PostgreSQL out of the reader role's reach; see postgres.py).
    """
    CREATE TABLE confirm_key (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        value TEXT NOT NULL
    ) STRICT;
    INSERT INTO confirm_key (only_row, value) SELECT 1, value FROM meta WHERE key = 'confirm_key';
    INSERT OR IGNORE INTO confirm_key (only_row, value) VALUES (1, lower(hex(randomblob(32))));
    DELETE FROM meta WHERE key = 'confirm_key';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
ROLLUPS = 7  # the schema version that has the roll-ups of the checks
DELIVERIES = next(i + 1 for i, m in enumerate(MIGRATIONS) if "CREATE TABLE deliveries" in m)


DATA_VERSION_S = 0.05  # how often `wait` looks whether another connection committed


class SqliteStore(Store):
    conn: sqlite3.Connection
    # without the hint the planner walks the primary key back over other kinds
    latest_hint = " INDEXED BY entries_by_kind"
    tip_sql = TIP_SQL.format(hint=latest_hint)

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.where = str(path)
        self._role: str | None = None

    @classmethod
    def open(
        cls, path: Path, *, create: bool = True, busy_ms: int | None = None, readonly: bool = False
    ) -> SqliteStore:
        """Open (and if needed create or migrate) the logbook file; refuse a file it cannot trust.

        `readonly` is for commands that only read: they work with read access alone (a colleague's copy,
        a file of another user) and never migrate, create or change anything.
        """
        busy_ms = BUSY_TIMEOUT_MS if busy_ms is None else busy_ms
        if path.is_symlink():
            raise StorageError(
                _("{path}: is een symbolische koppeling; calamiteit volgt die niet").format(path=path),
                _("Zet het logboek zelf in de map, of wijs de map aan met --data-dir of CALAMITEIT_DATA_DIR."),
            )
        if not path.exists():
            if not create:
                raise StorageError(
                    _("{path}: er is nog geen logboek").format(path=path), _("Open eerst een incident.")
                )
            _create(path.parent, path)
            readonly = False
        _check_header_once(path)
        _private(path)
        conn = _connect(path, busy_ms, readonly)
        store = cls(conn, path)
        try:
            store._prepare(busy_ms, readonly)
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self, busy_ms: int, readonly: bool = False) -> None:
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not readonly:
                raise _operational(self.path, exc) from None
            said = _("{path}: geen bruikbare database ({reason})")
            raise StorageError(said.format(path=self.path, reason=exc)) from None
        if version > SCHEMA_VERSION:
            raise StorageError(
                _(
                    "{where}: gemaakt door een nieuwere versie van calamiteit (schema {version}, deze versie kent "
                    "t/m {known})"
                ).format(where=self.path, version=version, known=SCHEMA_VERSION),
                _("Werk calamiteit bij; het bestand is niet aangeraakt."),
            )
        self.version = self.upgraded_from = version
        if version < 5:  # a read-only look at an older logbook: it has no roles yet
            self.entry_sql = ENTRY_SQL.replace(", role FROM", ", NULL FROM")
        if readonly:
            return
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            if version < SCHEMA_VERSION:
                self._migrate()
            has_meta = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
            if has_meta and self.code is None:
                with self.transaction(noted=False):
                    self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('code', ?)", (new_code(),))
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")  # a logbook of decisions must survive power loss
        except sqlite3.OperationalError as exc:
            raise _operational(self.path, exc) from None

    def _migrate(self) -> None:
        with self.transaction(noted=False):
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {step + 1}")
            if version < ROLLUPS <= SCHEMA_VERSION:
                self._rebuild_rollups()
        self.version, self.entry_sql = SCHEMA_VERSION, ENTRY_SQL

    @contextmanager
    def transaction(self, noted: bool = True) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT: the write lock is taken up front, so what is read inside is still true
        at the commit. Inside another transaction it joins that one: read, decide and write as one step."""
        if self.conn.in_transaction:
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _operational(self.path, exc) from None
        if noted:  # a migration is not what an interrupted user asks about
            interrupts.began()
        try:
            yield
        except sqlite3.OperationalError as exc:
            self.conn.execute("ROLLBACK")
            raise _operational(self.path, exc) from None
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        with interrupts.no_interrupt():  # Ctrl-C waits until the outcome is known and noted
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self.conn.execute("ROLLBACK")
                raise _operational(self.path, exc) from None
            if noted:
                interrupts.committed()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A deferred BEGIN: the first read fixes the moment (WAL keeps it for this connection) and every
        read up to the end sees that moment, whatever is committed meanwhile."""
        if self.conn.in_transaction:
            yield
            return
        try:
            self.conn.execute("BEGIN")
        except sqlite3.OperationalError as exc:
            raise _operational(self.path, exc) from None
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # nothing was written: the read transaction just ends

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, params)

    @property
    def code(self) -> str | None:
        """This logbook's code (None in a read-only look at a logbook from before schema 4)."""
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        except sqlite3.OperationalError:
            return None
        return str(row[0]) if row else None

    def stream(self, incident: str, after: int = 0, upto: int | None = None) -> Iterator[Entry]:
        bounded = " AND n <= ?" if upto is not None else ""
        given = (incident, after) if upto is None else (incident, after, upto)
        for row in self.conn.execute(self.entry_sql + " WHERE incident = ? AND n > ?" + bounded + " ORDER BY n", given):
            yield Entry(*row)

    def last_of_kind(self, incident: str, kind: str) -> Entry | None:
        row = self.conn.execute(  # without the hint the planner walks the primary key back over other kinds
            self.entry_sql + " INDEXED BY entries_by_kind WHERE incident = ? AND kind = ? ORDER BY n DESC LIMIT 1",
            (incident, kind),
        ).fetchone()
        return Entry(*row) if row else None

    def schema_version(self) -> int:
        return int(self.version)

    def deliveries(self, callout: str) -> list[Delivered]:
        return super().deliveries(callout) if self.version >= DELIVERIES else []  # a read-only look at an old file

    def callouts(self, incident: str) -> list[str]:
        return super().callouts(incident) if self.version >= DELIVERIES else []

    def incident_deliveries(self, incident: str) -> list[tuple[str, str, str, str, str, str]]:
        return super().incident_deliveries(incident) if self.version >= DELIVERIES else []

    def require_writer(self) -> None:
        """Refused when this process may not write the file (or its folder, where SQLite keeps its journal)."""
        folder = self.path.parent
        if not (os.access(self.path, os.W_OK) and os.access(folder, os.W_OK)) or self.version < SCHEMA_VERSION:
            raise StorageError(
                _("{path}: geen schrijfrechten op het logboek").format(path=self.path),
                _("Vraag schrijfrechten op het bestand en de map, of werk in een eigen logboek (--data-dir)."),
            )
        with self.transaction(noted=False):  # the write lock can be had: a writer, not only a reader
            pass

    def record_checks(self, rows: Sequence[Check]) -> None:
        with self.transaction():
            self.conn.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if self.version >= ROLLUPS:
                self._roll_up(rows)

    def wait(self, incident: str, seconds: float) -> None:
        """SQLite cannot tell another process that it wrote, but `PRAGMA data_version` changes when another
        connection commits: look at it 20 times a second, for at most a second (then the caller reads again
        anyway: a file read as it is on disk, without write access, never changes its version)."""
        end = time.monotonic() + min(seconds, 1.0)
        version = self.conn.execute("PRAGMA data_version").fetchone()
        while time.monotonic() < end:
            time.sleep(min(DATA_VERSION_S, max(0.0, end - time.monotonic())))
            if self.conn.execute("PRAGMA data_version").fetchone() != version:
                return

    def _insert(self, e: Entry) -> None:
        row = (e.incident, e.n, e.at, e.author, e.kind, e.body, e.prev_hash, e.hash)
        if self.version < 5:  # the schema of an older release (tests of migrations write with it)
            self.conn.execute(INSERT_SQL.replace(", role)", ")").replace(", ?)", ")"), row)
            return
        if self._role is None:
            try:
                self._role = getpass.getuser()
            except (KeyError, OSError):
                self._role = ""
        e.role = self._role or None
        self.conn.execute(INSERT_SQL, (*row, e.role))


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers hold ';' inside BEGIN … END)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _create(folder: Path, path: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass  # another process created it first: fine
    except OSError as exc:
        raise StorageError(
            _("{folder}: kan het logboek niet aanmaken: {reason}").format(folder=folder, reason=os_reason(exc)),
            _("Kies een schrijfbare map met --data-dir of CALAMITEIT_DATA_DIR."),
        ) from None


def _connect(path: Path, busy_ms: int, readonly: bool) -> sqlite3.Connection:
    """A connection; read-only ones need no write access to the file or its folder.

    SQLite's read-only mode still wants to create the WAL index (-shm) beside the file. Without write access
    to the folder, the file is read as immutable, which is exact only while no write-ahead log holds
    entries that are not yet in the file: then the reader is told to wait rather than shown an old state.
    """
    try:
        if not readonly:
            return sqlite3.connect(path, timeout=busy_ms / 1000, isolation_level=None, check_same_thread=False)
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=busy_ms / 1000, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA user_version").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StorageError(
                _("{path}: alleen leesrechten, en er wordt op dit moment in het logboek geschreven").format(path=path),
                _("Probeer het zo opnieuw, of lees met schrijfrechten op de map."),
            )
        return sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StorageError(_("{path}: kan niet geopend worden: {reason}").format(path=path, reason=exc)) from None


def _private(path: Path) -> None:
    """An empty file that becomes the logbook gets the mode a new one gets: 0600 (names and decisions)."""
    try:
        info = path.stat()
        if info.st_size == 0 and info.st_mode & 0o077 and info.st_uid == os.geteuid():
            path.chmod(0o600)
    except OSError:
        pass  # not ours to change: opening will say what is wrong


_HEADERS_CHECKED: set[tuple[int, int]] = set()  # (device, inode) of the files whose header this process read


def _check_header_once(path: Path) -> None:
    """`_check_header`, once per file (device and inode) per process. Reading the header opens and closes a
    file handle of its own, and closing any handle on a file drops every POSIX lock this process holds on it,
    SQLite's included (sqlite.org/howtocorrupt.html 2.2): with a connection of this process open (the web
    site's watcher, a page read in another thread) another process then takes itself for the last one and
    deletes the write-ahead log under it (tests/test_web_live.py). The first open of a process comes before
    any connection; a file replaced since (another inode) is read again, and its locks are its own."""
    try:
        found = path.stat()
    except OSError:
        _check_header(path)  # says what is wrong
        return
    key = (found.st_dev, found.st_ino)
    if key in _HEADERS_CHECKED:
        return
    _check_header(path)
    if found.st_size > 0:  # an empty file is checked again once it holds something
        _HEADERS_CHECKED.add(key)


def _check_header(path: Path) -> None:
    """A non-empty file that is not SQLite is refused before SQLite ever touches it."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        said = _("{path}: kan niet gelezen worden: {reason}")
        raise StorageError(said.format(path=path, reason=os_reason(exc))) from None
    if header and header != SQLITE_HEADER:
        raise StorageError(
            _("{path}: dit is geen logboekdatabase (geen SQLite-bestand)").format(path=path),
            _("Het bestand is niet aangeraakt; kies een andere --data-dir of verplaats het bestand."),
        )


def _operational(path: Path, exc: sqlite3.OperationalError) -> CalamiteitError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return BusyError(
            _("{where}: het logboek is bezet door een ander proces").format(where=path), _("Probeer het zo opnieuw.")
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text or "disk I/O" in text:
        return StorageError(
            _("{path}: het logboek is niet schrijfbaar ({reason})").format(path=path, reason=text),
            _("Kies een schrijfbare map met --data-dir of CALAMITEIT_DATA_DIR."),
        )
    return StorageError(f"{path}: {text}")
