"""The logbook's SQLite file: append-only entries with a hash chain, safe for several writers at once.

One file in the user's data folder (platformdirs; `--data-dir` / CALAMITEIT_DATA_DIR override), created 0600
because it holds names and decisions. WAL and a busy timeout let several terminals and a runbook write at
the same time; every append is one IMMEDIATE transaction, so numbering and the chain never interleave.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from . import commits, exitcodes
from .config import LOGBOOK_FILE as FILE_NAME
from .errors import CalamiteitError, UsageError, suggest
from .logbook import GENESIS, Entry, Summary, Tip, canonical, chained

BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"
ENTRY_SQL = "SELECT incident, n, at, author, kind, body, prev_hash, hash FROM entries"
SUMMARY_SQL = "SELECT id, title, opened_at, level, closed_at, entries, actions, reports, head FROM incidents"

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
)
CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o: nothing to mistake for 1 or 0 when read aloud or typed
CODE_LENGTH = 4
SCHEMA_VERSION = len(MIGRATIONS)


class StorageError(CalamiteitError):
    """The logbook file cannot be used as it is; it is left untouched."""

    exit_code = exitcodes.CONFIG


class BusyError(CalamiteitError):
    exit_code = exitcodes.FAILURE


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, folder: Path, *, create: bool = True, busy_ms: int | None = None, readonly: bool = False) -> Store:
        """Open (and if needed create or migrate) the logbook in `folder`; refuse a file it cannot trust.

        `readonly` is for commands that only read: they work with read access alone (a colleague's copy,
        a file of another user) and never migrate, create or change anything.
        """
        busy_ms = BUSY_TIMEOUT_MS if busy_ms is None else busy_ms
        path = folder / FILE_NAME
        if path.is_symlink():
            raise StorageError(
                f"{path}: is een symbolische koppeling; calamiteit volgt die niet",
                "Zet het logboek zelf in de map, of wijs de map aan met --data-dir of CALAMITEIT_DATA_DIR.",
            )
        if not path.exists():
            if not create:
                raise StorageError(f"{path}: er is nog geen logboek", "Open eerst een incident.")
            _create(folder, path)
            readonly = False
        _check_header(path)
        _private(path)
        conn = _connect(path, busy_ms, readonly)
        store = cls(conn, path)
        try:
            store._prepare(busy_ms, readonly)
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def _prepare(self, busy_ms: int, readonly: bool = False) -> None:
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not readonly:
                raise _operational(self.path, exc) from None
            raise StorageError(f"{self.path}: geen bruikbare database ({exc})") from None
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: gemaakt door een nieuwere versie van calamiteit (schema {version}, "
                f"deze versie kent t/m {SCHEMA_VERSION})",
                "Werk calamiteit bij; het bestand is niet aangeraakt.",
            )
        if readonly:
            return
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            if version < SCHEMA_VERSION:
                self._migrate()
            has_meta = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
            if has_meta and self.code is None:
                with self.transaction(noted=False) as conn:
                    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('code', ?)", (_new_code(),))
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

    @contextmanager
    def transaction(self, noted: bool = True) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: the write lock is taken up front, so what is read inside is still true
        at the commit. Inside another transaction it joins that one: read, decide and write as one step."""
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _operational(self.path, exc) from None
        if noted:  # a migration is not what an interrupted user asks about
            commits.began()
        try:
            yield self.conn
        except sqlite3.OperationalError as exc:
            self.conn.execute("ROLLBACK")
            raise _operational(self.path, exc) from None
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        with commits.no_interrupt():  # Ctrl-C waits until the outcome is known and noted
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self.conn.execute("ROLLBACK")
                raise _operational(self.path, exc) from None
            if noted:
                commits.committed()

    # --- reading ---------------------------------------------------------------------------------------

    @property
    def code(self) -> str | None:
        """This logbook's code (None in a read-only look at a logbook from before schema 4)."""
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        except sqlite3.OperationalError:
            return None
        return str(row[0]) if row else None

    def resolve(self, ref: str) -> str:
        """The full id for what the operator typed: the id itself, or the one id that starts with `ref-`."""
        if self.conn.execute("SELECT 1 FROM incidents WHERE id = ?", (ref,)).fetchone():
            return ref
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
        rows = self.conn.execute(
            "SELECT id, title FROM incidents WHERE id LIKE ? ESCAPE '\\' ORDER BY opened_at, id", (pattern,)
        ).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if rows:
            shown = "; ".join(f"{i} ({title})" for i, title in rows[:5])
            raise UsageError(f"'{ref}' past bij {len(rows)} incidenten: {shown}", "Geef het volledige id.")
        self.summary(ref)  # unknown: the usual message with a suggestion
        return ref

    def summaries(self, include_closed: bool = True) -> list[Summary]:
        sql = SUMMARY_SQL
        if not include_closed:
            sql += " WHERE closed_at IS NULL"
        return [Summary(*row) for row in self.conn.execute(sql + " ORDER BY opened_at, id")]

    def summary(self, incident: str) -> Summary:
        row = self.conn.execute(
            SUMMARY_SQL + " WHERE id = ?",
            (incident,),
        ).fetchone()
        if row is None:
            known = [r[0] for r in self.conn.execute("SELECT id FROM incidents")]
            raise UsageError(
                f"onbekend incident '{incident}'.{suggest(incident, known)}",
                "`calamiteit incident list --all` toont alle incidenten.",
            )
        return Summary(*row)

    def tip(self, incident: str) -> Tip:
        """The end of the chain and the numbers a next entry needs, from the entries (point look-ups only)."""
        conn = self.conn
        last = conn.execute(
            "SELECT n, hash, kind FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1", (incident,)
        ).fetchone()
        if last is None:
            self.summary(incident)  # unknown id: the usual message with a suggestion
            raise StorageError(f"{self.path}: incident {incident} heeft geen regels")

        def latest(kind: str) -> dict[str, Any] | None:
            entry = self.last_of_kind(incident, kind)
            return entry.data if entry else None

        change = latest("level_change") or {"after": (latest("open") or {}).get("level", 0)}
        decision, report = latest("decision"), latest("report")
        return Tip(
            n=last[0],
            hash=last[1],
            level=int(change["after"]),
            actions=int(decision["action"]) if decision else 0,
            reports=int(report["number"]) if report else 0,
            closed=last[2] == "close",
        )

    def stream(self, incident: str, after: int = 0) -> Iterator[Entry]:
        """The entries oldest first (those after entry `after`), one at a time from the cursor: memory stays
        flat at any size."""
        for row in self.conn.execute(ENTRY_SQL + " WHERE incident = ? AND n > ? ORDER BY n", (incident, after)):
            yield Entry(*row)

    def has_hash(self, incident: str, prefix: str) -> bool:
        """Whether an entry's hash starts with `prefix` (as printed on a sitrap)."""
        row = self.conn.execute(
            "SELECT 1 FROM entries WHERE incident = ? AND substr(hash, 1, ?) = ? LIMIT 1",
            (incident, len(prefix), prefix),
        ).fetchone()
        return row is not None

    def entries(self, incident: str) -> list[Entry]:
        rows = self.conn.execute(ENTRY_SQL + " WHERE incident = ? ORDER BY n", (incident,))
        return [Entry(*row) for row in rows]

    def entry(self, incident: str, n: int) -> Entry | None:
        row = self.conn.execute(ENTRY_SQL + " WHERE incident = ? AND n = ?", (incident, n)).fetchone()
        return Entry(*row) if row else None

    def last_of_kind(self, incident: str, kind: str) -> Entry | None:
        row = self.conn.execute(  # without the hint the planner walks the primary key back over other kinds
            ENTRY_SQL + " INDEXED BY entries_by_kind WHERE incident = ? AND kind = ? ORDER BY n DESC LIMIT 1",
            (incident, kind),
        ).fetchone()
        return Entry(*row) if row else None

    def checks_since(self, since: str) -> list[tuple[str, str, str, float | None]]:
        rows = self.conn.execute("SELECT name, env, state, latency_ms FROM checks WHERE at >= ? ORDER BY at", (since,))
        return list(rows)

    # --- writing ---------------------------------------------------------------------------------------

    def open_incident(self, title: str, body: Mapping[str, Any], author: str, at: str) -> Entry:
        """A new incident with a typeable id that no other logbook gives out: `2026-007-kxqm` is the Dutch
        year, the number within it in this logbook, and this logbook's code. `2026-007` alone still finds it
        while no other incident's id starts with that."""
        from .dutchtime import LOCAL

        year = datetime.fromisoformat(at).astimezone(LOCAL).year
        with self.transaction() as conn:
            code = f"-{self.code}" if self.code else ""  # a logbook before schema 4 has no code
            mine = f"{year}-%{code}"
            count = conn.execute("SELECT count(*) FROM incidents WHERE id LIKE ?", (mine,)).fetchone()[0]
            incident = f"{year}-{count + 1:03d}{code}"
            while conn.execute("SELECT 1 FROM incidents WHERE id = ?", (incident,)).fetchone():
                count += 1
                incident = f"{year}-{count + 1:03d}{code}"
            entry = chained(incident, 1, at, author, "open", canonical(body), GENESIS)
            conn.execute(
                "INSERT INTO incidents (id, title, opened_at, level, entries, head) VALUES (?, ?, ?, ?, 1, ?)",
                (incident, title, at, int(body["level"]), entry.hash),
            )
            _insert(conn, entry)
        return entry

    def append(self, incident: str, kind: str, body: dict[str, Any], author: str, at: str) -> Entry:
        """Add one entry at the end of the chain; refused once the incident is closed.

        Decisions and reports get their next number here, inside the transaction and from the entries
        themselves, so two writers never share one and an edited `incidents` row cannot bend it.
        """
        with self.transaction() as conn:
            tip = self.tip(incident)
            if tip.closed:
                raise UsageError(f"incident {incident} is gesloten; er kan niets meer worden vastgelegd")
            if kind == "decision":
                body = {**body, "action": tip.actions + 1}
            if kind == "report":
                body = {**body, "number": tip.reports + 1}
            entry = chained(incident, tip.n + 1, at, author, kind, canonical(body), tip.hash)
            _advance(conn, tip, entry, body)
        return entry

    def append_made(self, entry: Entry) -> bool:
        """Add an entry the caller made in full from the chain as it read it, if the chain is still where
        it was (False when a colleague wrote in between: catch up and make it again).

        This lets a slow writer (a sitrap of a million entries) build its text outside the write lock and
        hold the lock only for this check and one insert.
        """
        with self.transaction() as conn:
            tip = self.tip(entry.incident)
            if tip.closed or (tip.n + 1, tip.hash) != (entry.n, entry.prev_hash):
                return False
            body = entry.data
            numbered = {"decision": ("action", tip.actions), "report": ("number", tip.reports)}.get(entry.kind)
            if numbered is not None and body.get(numbered[0]) != numbered[1] + 1:
                return False
            if entry.expected_hash() != entry.hash:
                raise StorageError(f"{self.path}: regel {entry.n} van {entry.incident} heeft een onjuiste hash")
            _advance(conn, tip, entry, body)
        return True

    def record_checks(self, rows: Sequence[tuple[str, str, str, str, str, int | None, float | None, str]]) -> None:
        """Monitoring results: (at, name, env, url, state, status, latency_ms, reason); never the API key."""
        with self.transaction() as conn:
            conn.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def import_entries(self, entries: list[Entry], title: str, level: int, actions: int, reports: int) -> int:
        """Store an exported incident (the caller has verified its chain); returns how many entries were new.

        An incident this logbook already holds is taken as a handover back: when its stored chain is the
        start of the exported one, the newer entries are appended (0 when there are none); when the two
        chains part ways, nothing is stored.
        """
        first, last = entries[0], entries[-1]
        with self.transaction() as conn:
            held = conn.execute(
                "SELECT n, hash FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1", (first.incident,)
            ).fetchone()
            new = entries
            if held is not None:
                n, digest = held
                if n >= len(entries):  # the export may be an earlier state of what is held: then nothing is new
                    n = len(entries)
                    digest = conn.execute(
                        "SELECT hash FROM entries WHERE incident = ? AND n = ?", (first.incident, n)
                    ).fetchone()[0]
                if entries[n - 1].hash != digest:
                    raise UsageError(
                        f"incident {first.incident} staat al in dit logboek, met een andere regel {n} dan de "
                        "export: beide zijn na de overdracht verder geschreven",
                        "Niets ingelezen. Leg de verschillen vast in één van beide logboeken.",
                    )
                new = entries[n:]
            closed = last.at if last.kind == "close" else None
            if held is None:
                conn.execute(
                    "INSERT INTO incidents (id, title, opened_at, level, closed_at, entries, actions, reports, head) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (first.incident, title, first.at, level, closed, last.n, actions, reports, last.hash),
                )
            for entry in new:
                _insert(conn, entry)
            if held is not None and new:
                conn.execute(
                    "UPDATE incidents SET entries = ?, head = ?, level = ?, closed_at = ?, actions = ?, reports = ? "
                    "WHERE id = ?",
                    (last.n, last.hash, level, closed, actions, reports, first.incident),
                )
        return len(new)


def _advance(conn: sqlite3.Connection, tip: Tip, entry: Entry, body: Mapping[str, Any]) -> None:
    """Insert `entry` after `tip` and move the incident's row along with it (the triggers check both)."""
    _insert(conn, entry)
    kind = entry.kind
    conn.execute(
        "UPDATE incidents SET entries = ?, head = ?, actions = ?, reports = ?, level = ?, closed_at = ? WHERE id = ?",
        (
            entry.n,
            entry.hash,
            tip.actions + (kind == "decision"),
            tip.reports + (kind == "report"),
            int(body["after"]) if kind == "level_change" else tip.level,
            entry.at if kind == "close" else None,
            entry.incident,
        ),
    )


def _insert(conn: sqlite3.Connection, e: Entry) -> None:
    conn.execute(
        "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (e.incident, e.n, e.at, e.author, e.kind, e.body, e.prev_hash, e.hash),
    )


def _new_code() -> str:
    import secrets

    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


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
            f"{folder}: kan het logboek niet aanmaken: {exc.strerror}",
            "Kies een schrijfbare map met --data-dir of CALAMITEIT_DATA_DIR.",
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
                f"{path}: alleen leesrechten, en er wordt op dit moment in het logboek geschreven",
                "Probeer het zo opnieuw, of lees met schrijfrechten op de map.",
            )
        return sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: kan niet geopend worden: {exc}") from None


def _private(path: Path) -> None:
    """An empty file that becomes the logbook gets the mode a new one gets: 0600 (names and decisions)."""
    try:
        info = path.stat()
        if info.st_size == 0 and info.st_mode & 0o077 and info.st_uid == os.geteuid():
            path.chmod(0o600)
    except OSError:
        pass  # not ours to change: opening will say what is wrong


def _check_header(path: Path) -> None:
    """A non-empty file that is not SQLite is refused before SQLite ever touches it."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"{path}: kan niet gelezen worden: {exc.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StorageError(
            f"{path}: dit is geen logboekdatabase (geen SQLite-bestand)",
            "Het bestand is niet aangeraakt; kies een andere --data-dir of verplaats het bestand.",
        )


def _operational(path: Path, exc: sqlite3.OperationalError) -> CalamiteitError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return BusyError(f"{path}: het logboek is bezet door een ander proces", "Probeer het zo opnieuw.")
    if "readonly" in text or "read-only" in text or "unable to open" in text or "disk I/O" in text:
        return StorageError(
            f"{path}: het logboek is niet schrijfbaar ({text})",
            "Kies een schrijfbare map met --data-dir of CALAMITEIT_DATA_DIR.",
        )
    return StorageError(f"{path}: {text}")
