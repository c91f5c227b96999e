"""The logbook in PostgreSQL: one timeline that a whole OCT writes to and reads at once.

Same tables, same chain, same rules as SQLite (interface.Store); what differs is the engine's part. Every
write transaction first locks the table `writer_lock` (a lock only a role that may update it can take), as
SQLite's BEGIN IMMEDIATE takes its write lock: what a
writer reads (the tip of the chain, the next action or sitrap number) is still true when it commits. The
database itself refuses what no client should do: triggers keep entries append-only, admit an entry only
directly after its predecessor (no gaps, no branches), record the database role that stored it, and keep
the `incidents` row in step. A NOTIFY on every entry lets `incident show --follow` wait without polling.

libpq (through the small ctypes binding in libpq.py, not psycopg: issue 27) is loaded here only: a command on
a SQLite logbook never loads it.

Over 400 lines on purpose: one engine's connection, errors, schema, triggers and migrations, which change
together (the chain rules both engines share are in interface.py, the roll-ups in rollups.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from ...domain.language import N_, _
from ...domain.logbook import Entry
from .. import interrupts
from .errors import BusyError, StorageError
from .interface import Store, new_code
from .libpq import IDLE, Connection, Error, parse_conninfo
from .location import Location
from .rollups import Check

SCHEMA = "calamiteit"
CHANNEL = "calamiteit"
NOTIFIES_AT_ONCE = 10_000  # at most this many notifications taken in one wait; the rest at the next
MIGRATE_LOCK = 7_366_000_113  # pg_advisory_xact_lock key held by `db upgrade` (the writers' lock is a table lock)
# Every writer locks `writer_lock` first. EXCLUSIVE mode needs UPDATE, DELETE or TRUNCATE on that table (a lock that
# stops it, ROW EXCLUSIVE, needs INSERT too; from PostgreSQL 17 MAINTAIN gives both), which of the documented roles
# only the writers' has, so a reader can block nothing (an advisory lock any role could take and hold). Until
# session 36 it was the row lock `SELECT … FOR UPDATE` of its one row, which the server writes to its log on every
# write transaction; a table lock lives in memory only. The two conflict (FOR UPDATE takes ROW SHARE on the
# table), so writers of both versions still wait for each other. VACUUM and ANALYZE of that one-row table now wait
# for a writer too (autovacuum skips a locked table, except against wraparound): milliseconds.
WRITE_LOCK_SQL = "LOCK TABLE calamiteit.writer_lock IN EXCLUSIVE MODE"
LOCK_TIMEOUT_MS = 10_000  # as long as SQLite's busy timeout: a writer waits this long for another
CONNECT_TIMEOUT_S = 5
BULK_CHUNK = 5_000
CLOCK_SLACK_S = 30  # how far an entry's time may be from the server's clock (the insert trigger refuses more)
# `role` is not among them: the insert trigger sets it to the database role that stores the entry.
INSERT_SQL = (
    "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
UPGRADE_HINT = N_("Laat de beheerder 'calamiteit db upgrade --db …' draaien (docs/shared-logbook.md).")  # said with _()

# Each step brings the schema from version i to i + 1; never edit a released step, add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE calamiteit.meta (key text PRIMARY KEY, value text NOT NULL);
    CREATE TABLE calamiteit.incidents (
        id text PRIMARY KEY,
        title text NOT NULL,
        opened_at text NOT NULL,
        level integer NOT NULL,
        closed_at text,
        entries integer NOT NULL,
        actions integer NOT NULL DEFAULT 0,
        reports integer NOT NULL DEFAULT 0,
        head text NOT NULL
    );
    CREATE TABLE calamiteit.entries (
        incident text NOT NULL REFERENCES calamiteit.incidents (id),
        n integer NOT NULL CHECK (n >= 1),
        at text NOT NULL,
        author text NOT NULL,
        kind text NOT NULL,
        body text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        role text NOT NULL DEFAULT current_user,
        PRIMARY KEY (incident, n)
    );
    CREATE INDEX entries_by_kind ON calamiteit.entries (incident, kind, n);
    CREATE TABLE calamiteit.checks (
        at text NOT NULL,
        name text NOT NULL,
        env text NOT NULL,
        url text NOT NULL,
        state text NOT NULL,
        status integer,
        latency_ms double precision,
        reason text NOT NULL
    );
    CREATE INDEX checks_by_time ON calamiteit.checks (at);

    CREATE FUNCTION calamiteit.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0];
    END $$;
    CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON calamiteit.entries
        FOR EACH ROW EXECUTE FUNCTION calamiteit.refuse('logbook entries are append-only');
    CREATE TRIGGER entries_never_truncated BEFORE TRUNCATE ON calamiteit.entries
        FOR EACH STATEMENT EXECUTE FUNCTION calamiteit.refuse('logbook entries are append-only');
    CREATE TRIGGER incidents_kept BEFORE DELETE ON calamiteit.incidents
        FOR EACH ROW EXECUTE FUNCTION calamiteit.refuse('incidents are never removed');
    CREATE TRIGGER incidents_never_truncated BEFORE TRUNCATE ON calamiteit.incidents
        FOR EACH STATEMENT EXECUTE FUNCTION calamiteit.refuse('incidents are never removed');

    CREATE FUNCTION calamiteit.entry_stored() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.role := current_user;  -- who stored it, as the database knows it: not the client's say
        IF NEW.n = 1 THEN
            IF NEW.prev_hash <> repeat('0', 64) THEN
                RAISE EXCEPTION 'the first entry of a chain follows the genesis hash';
            END IF;
        ELSIF NEW.prev_hash IS DISTINCT FROM
                (SELECT hash FROM calamiteit.entries WHERE incident = NEW.incident AND n = NEW.n - 1) THEN
            RAISE EXCEPTION 'an entry follows the one before it: no gaps, no branches';
        END IF;
        PERFORM pg_notify('calamiteit', NEW.incident);
        RETURN NEW;
    END $$;
    CREATE TRIGGER entries_chained BEFORE INSERT ON calamiteit.entries
        FOR EACH ROW EXECUTE FUNCTION calamiteit.entry_stored();

    CREATE FUNCTION calamiteit.incident_follows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id IS DISTINCT FROM OLD.id OR NEW.title IS DISTINCT FROM OLD.title
                OR NEW.opened_at IS DISTINCT FROM OLD.opened_at
                OR NEW.entries <= OLD.entries OR NEW.actions < OLD.actions OR NEW.reports < OLD.reports
                OR NEW.entries IS DISTINCT FROM (SELECT max(n) FROM calamiteit.entries WHERE incident = NEW.id)
                OR NEW.head IS DISTINCT FROM
                    (SELECT hash FROM calamiteit.entries WHERE incident = NEW.id AND n = NEW.entries) THEN
            RAISE EXCEPTION 'the incidents row follows its entries';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER incidents_follow_entries BEFORE UPDATE ON calamiteit.incidents
        FOR EACH ROW EXECUTE FUNCTION calamiteit.incident_follows();
    """,
    """
    CREATE TABLE calamiteit.usage (
        day text NOT NULL,
        application text NOT NULL,
        metric text NOT NULL,
        count bigint NOT NULL CHECK (count >= 0),
        PRIMARY KEY (day, application, metric)
    );
    """,
    """
    CREATE TABLE calamiteit.check_hours (
        name text NOT NULL, env text NOT NULL, hour text NOT NULL,
        checks bigint NOT NULL, up bigint NOT NULL, maintenance bigint NOT NULL,
        PRIMARY KEY (name, env, hour)
    );
    CREATE TABLE calamiteit.latency_days (
        name text NOT NULL, env text NOT NULL, day text NOT NULL, bucket integer NOT NULL, count bigint NOT NULL,
        PRIMARY KEY (name, env, day, bucket)
    );
    CREATE TABLE calamiteit.down_runs (
        name text NOT NULL, env text NOT NULL, first text NOT NULL, last text NOT NULL, checks bigint NOT NULL,
        PRIMARY KEY (name, env, first)
    );
    CREATE INDEX down_runs_by_last ON calamiteit.down_runs (last);
    CREATE TABLE calamiteit.check_tips (
        name text NOT NULL, env text NOT NULL, at text NOT NULL, state text NOT NULL, run_first text,
        PRIMARY KEY (name, env)
    );
    """,
    # The database vouches for who and when: the role recorded is the login (session_user: a SET ROLE changes
    # nothing), an entry is not older than the one before it, and its time is the server's own, within
    # CLOCK_SLACK_S, unless the transaction brings in entries from elsewhere (an import, a copy: the chain's own
    # times are kept) and its login may do that: a superuser, the schema's owner, or a member of the role
    # calamiteit_import that the administrator grants (docs/shared-logbook.md). Any client can set the setting;
    # only the server decides whose setting counts. The account that brought the entries in is still recorded.
    f"""
    CREATE OR REPLACE FUNCTION calamiteit.entry_stored() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        before_at text;
    BEGIN
        NEW.role := session_user;
        IF abs(extract(epoch FROM NEW.at::timestamptz - clock_timestamp())) > {CLOCK_SLACK_S} THEN
            IF coalesce(current_setting('calamiteit.import', true), '') <> 'on' THEN
                RAISE EXCEPTION 'the entry''s time is not the server''s time';
            END IF;
            IF NOT (
                (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
                OR session_user = (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'calamiteit')
                OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'calamiteit_import')
                    AND pg_has_role(session_user, 'calamiteit_import', 'MEMBER'))
            ) THEN
                RAISE EXCEPTION 'bringing in entries with their own times needs the role calamiteit_import';
            END IF;
        END IF;
        IF NEW.n = 1 THEN
            IF NEW.prev_hash <> repeat('0', 64) THEN
                RAISE EXCEPTION 'the first entry of a chain follows the genesis hash';
            END IF;
        ELSE
            SELECT at INTO before_at FROM calamiteit.entries
                WHERE incident = NEW.incident AND n = NEW.n - 1 AND hash = NEW.prev_hash;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'an entry follows the one before it: no gaps, no branches';
            END IF;
            IF NEW.at::timestamptz < before_at::timestamptz THEN
                RAISE EXCEPTION 'an entry is not older than the one before it';
            END IF;
        END IF;
        PERFORM pg_notify('calamiteit', NEW.incident);
        RETURN NEW;
    END $$;
    """,
    # The writers' lock: the table every write transaction locks first (see WRITE_LOCK_SQL).
    """
    CREATE TABLE calamiteit.writer_lock (id integer PRIMARY KEY CHECK (id = 1));
    INSERT INTO calamiteit.writer_lock VALUES (1);
    """,
    # The call-out's deliveries: the intent before sending, each outcome as it is known (see sqlite.py).
    """
    CREATE TABLE calamiteit.deliveries (
        callout text NOT NULL,
        incident text NOT NULL REFERENCES calamiteit.incidents (id),
        channel text NOT NULL,
        recipient text NOT NULL,
        message_id text NOT NULL,
        outcome text NOT NULL,
        reason text NOT NULL,
        at text NOT NULL,
        PRIMARY KEY (callout, channel, recipient)
    );
    CREATE INDEX deliveries_by_incident ON calamiteit.deliveries (incident, callout);
    INSERT INTO calamiteit.meta (key, value)
        VALUES ('confirm_key', replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''))
        ON CONFLICT DO NOTHING;
    """,
    # The confirmation key in a table of its own, out of the reader's reach: `meta` is readable by every role
    # (the reader could sign confirmation tokens with it). docs/shared-logbook.md revokes it from the reader.
    """
    CREATE TABLE calamiteit.confirm_key (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        value text NOT NULL
    );
    REVOKE ALL ON calamiteit.confirm_key FROM PUBLIC;
    INSERT INTO calamiteit.confirm_key (value) SELECT value FROM calamiteit.meta WHERE key = 'confirm_key';
    INSERT INTO calamiteit.confirm_key (value)
        VALUES (replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''))
        ON CONFLICT DO NOTHING;
    DELETE FROM calamiteit.meta WHERE key = 'confirm_key';
    """,
)


def _notify_with_number(stored: str) -> str:
    """Step 8: the insert trigger's NOTIFY names the incident AND the entry number ("<incident> <n>"), so a
    listener (the live pages) knows what was stored without reading the logbook again. The function of step 4
    with that one line changed (it is replaced whole, as CREATE OR REPLACE does)."""
    before = "PERFORM pg_notify('calamiteit', NEW.incident);"
    assert stored.count(before) == 1
    return stored.replace(before, "PERFORM pg_notify('calamiteit', NEW.incident || ' ' || NEW.n);")


# Step 9: every look-up a trigger makes is a point look-up, whatever the planner knows of the table. The kind
# index led with the incident, so for "incident = x AND n = y" it tied with the primary key on a table not yet
# analysed, and a trigger's plan (kept for the session) could take it: the tamper guard of the incidents row
# then read every entry of the incident for max(n) on every append (0.5 ms at 1,200 entries, growing with the
# incident). Led by the kind it serves only the look-ups by kind, and the primary key every one by number. The
# guard itself now compares the row with the incident's last entry, one backward step on the primary key: the
# same rule as before (entries = the highest n, head = that entry's hash), without an aggregate.
FOLLOWS_BY_LAST_ENTRY = """
    DROP INDEX calamiteit.entries_by_kind;
    CREATE INDEX entries_by_kind ON calamiteit.entries (kind, incident, n);
    CREATE OR REPLACE FUNCTION calamiteit.incident_follows() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        last_n integer;
        last_hash text;
    BEGIN
        -- no entry (or another id): last_n stays NULL, and entries (NOT NULL) is distinct from it
        SELECT n, hash INTO last_n, last_hash FROM calamiteit.entries
            WHERE incident = NEW.id ORDER BY n DESC LIMIT 1;
        IF NEW.id IS DISTINCT FROM OLD.id OR NEW.title IS DISTINCT FROM OLD.title
                OR NEW.opened_at IS DISTINCT FROM OLD.opened_at
                OR NEW.entries <= OLD.entries OR NEW.actions < OLD.actions OR NEW.reports < OLD.reports
                OR NEW.entries IS DISTINCT FROM last_n OR NEW.head IS DISTINCT FROM last_hash THEN
            RAISE EXCEPTION 'the incidents row follows its entries';
        END IF;
        RETURN NEW;
    END $$;
"""

MIGRATIONS = (*MIGRATIONS, _notify_with_number(MIGRATIONS[3]), FOLLOWS_BY_LAST_ENTRY)
SCHEMA_VERSION = len(MIGRATIONS)
ROLLUPS = 3  # the schema version that has the roll-ups of the checks

# The SQLSTATEs that mean "another writer has it": lock_not_available, deadlock_detected, serialization_failure
BUSY = ("55P03", "40P01", "40001")


class PostgresStore(Store):
    conn: Connection

    def __init__(self, conn: Connection, location: Location) -> None:
        self.conn = conn
        self.where = location.shown
        self._code: str | None = None
        self._role: str | None = None
        self._listening = False
        self._writing = False
        # Entry streams not read to their end: one holds the connection while it is open, so a read that
        # stops early (a broken entry, an exception) must close it before the connection can say ROLLBACK.
        self._streams: list[Iterator[Any]] = []

    @classmethod
    def open(
        cls, location: Location, *, readonly: bool = False, upgrade: bool = False, busy_ms: int | None = None
    ) -> PostgresStore:
        assert location.url is not None
        conn = _connect(location, readonly, LOCK_TIMEOUT_MS if busy_ms is None else busy_ms)
        store = cls(conn, location)
        try:
            if upgrade:
                store._upgrade()
            store._check_schema()
        except BaseException:
            conn.close()
            raise
        return store

    # --- schema ---------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        return self.version()

    def version(self) -> int:
        """The schema version of this database (0: no logbook in it yet)."""
        row = self._one("SELECT to_regclass('calamiteit.meta') IS NOT NULL")
        if not row or not row[0]:
            return 0
        found = self._one("SELECT value FROM meta WHERE key = 'schema'")
        return int(found[0]) if found else 0

    def _check_schema(self) -> None:
        version = self.version()
        if version == 0:
            raise StorageError(
                _("{where}: deze database heeft nog geen calamiteit-logboek").format(where=self.where), _(UPGRADE_HINT)
            )
        if version > SCHEMA_VERSION:
            raise StorageError(
                _(
                    "{where}: gemaakt door een nieuwere versie van calamiteit (schema {version}, deze versie kent "
                    "t/m {known})"
                ).format(where=self.where, version=version, known=SCHEMA_VERSION),
                _("Werk calamiteit bij; de database is niet aangeraakt."),
            )
        if version < SCHEMA_VERSION:
            raise StorageError(
                _("{where}: het logboek heeft schema {version}, deze versie van calamiteit werkt met {known}").format(
                    where=self.where, version=version, known=SCHEMA_VERSION
                ),
                _(UPGRADE_HINT),
            )

    def _upgrade(self) -> None:
        """Create the schema or bring it up to date, in one transaction; refused on a newer one. Not in
        pipeline mode: a migration step is a script of many statements."""
        self._run(f"BEGIN; SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")
        try:
            self._migrate()
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _migrate(self) -> None:
        self._run(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        version = self.upgraded_from = self.version()
        if version > SCHEMA_VERSION:
            return  # _check_schema says so
        for step in range(version, SCHEMA_VERSION):
            self._run(MIGRATIONS[step])
            if step + 1 == ROLLUPS:
                self._rebuild_rollups()
            self._run(
                "INSERT INTO meta (key, value) VALUES ('schema', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(step + 1),),
            )
        self._run("INSERT INTO meta (key, value) VALUES ('code', ?) ON CONFLICT DO NOTHING", (new_code(),))

    # --- the engine's part of the interface -------------------------------------------------------------

    @contextmanager
    def transaction(self, noted: bool = True) -> Iterator[None]:
        """BEGIN, the write lock and everything up to the first read go to the server in one round trip,
        the writes, the COMMIT and the one Sync that ends the pipeline in one more (libpq's pipeline mode): an
        append over the network costs two round trips, not one per statement.
        The transaction is committed (and durable, as the server is set) before this block is left."""
        if self._writing or self.conn.transaction_status != IDLE:
            yield  # inside another transaction: join it
            return
        self._writing = True
        commit_sent = False
        try:
            with ExitStack() as committing:
                self.conn.enter_pipeline()
                self.conn.send("BEGIN")
                self.conn.send(WRITE_LOCK_SQL)
                if noted:
                    interrupts.began()
                yield
                # Ctrl-C waits until the outcome is known and noted: held from before the COMMIT is sent
                # until after the pipeline's end, whose one Sync brings the COMMIT's answer back (a Sync
                # before the COMMIT would cost a second one, one more round trip, for nothing).
                committing.enter_context(interrupts.no_interrupt())
                self.conn.send("COMMIT")
                commit_sent = True
                self.conn.sync()
                if noted:
                    interrupts.committed()
        except Error as exc:
            self._rollback()
            if commit_sent and not_known(exc):
                raise self._unknown(exc) from None
            raise self._failed(exc) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._writing = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """REPEATABLE READ: every query inside sees the snapshot of the first, whatever is committed meanwhile."""
        if self._writing or self.conn.transaction_status != IDLE:
            yield
            return
        try:
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        except Error as exc:
            raise self._failed(exc) from None
        try:
            yield
        finally:
            self._rollback()  # nothing was written: the read transaction just ends

    def _rollback(self) -> None:
        while self._streams:  # a stream left half-read holds the connection: end it first
            self._streams.pop().close()  # type: ignore[attr-defined]
        try:
            self.conn.abort_pipeline()  # a write that failed: its pipeline read to its end and left
            if not self.conn.closed and self.conn.transaction_status != IDLE:
                self.conn.execute("ROLLBACK")
        except Error:
            pass  # the connection is gone: the server rolls back by itself

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Inside a write (pipeline mode) what was sent before goes along, in the same round trip."""
        try:
            if self.conn.in_pipeline:
                return self.conn.fetch(sql, params)
            return self.conn.execute(sql, params)
        except Error as exc:
            raise self._failed(exc) from None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Inside a write only sent: an error is raised at the next read or at the COMMIT's Sync."""
        try:
            if self.conn.in_pipeline:
                self.conn.send(sql, params)
            else:
                self.conn.execute(sql, params)
        except Error as exc:
            raise self._failed(exc) from None

    @property
    def code(self) -> str | None:
        if self._code is None:
            row = self._one("SELECT value FROM meta WHERE key = 'code'")
            self._code = str(row[0]) if row else None
        return self._code

    def stream(self, incident: str, after: int = 0, upto: int | None = None) -> Iterator[Entry]:
        bounded = " AND n <= ?::integer" if upto is not None else ""
        sql = self.entry_sql + " WHERE incident = ? AND n > ?::integer" + bounded + " ORDER BY n"
        given = (incident, after) if upto is None else (incident, after, upto)
        rows: Iterator[Entry] | None = None
        try:
            if self.conn.in_pipeline:  # inside a write (db copy): no streaming
                for row in self.conn.fetch(sql, given):
                    yield Entry(*row)
                return
            rows = self.conn.copy_rows(sql, given, _entry)
            self._streams.append(rows)
            yield from rows
        except Error as exc:
            raise self._failed(exc) from None
        finally:
            if rows in self._streams:
                self._streams.remove(rows)

    def last_of_kind(self, incident: str, kind: str) -> Entry | None:
        row = self._one(self.entry_sql + " WHERE incident = ? AND kind = ? ORDER BY n DESC LIMIT 1", (incident, kind))
        return Entry(*row) if row else None

    def record_checks(self, rows: Sequence[Check]) -> None:
        with self.transaction():
            try:
                self.conn.send_many("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            except Error as exc:
                raise self._failed(exc) from None
            self._roll_up(rows)

    def wait(self, incident: str, seconds: float) -> list[tuple[str, int]] | None:
        """Sleep until any entry is stored (NOTIFY from the insert trigger) or `seconds` pass. The entries the
        notifications named, (incident, n) each, every one waiting at that moment; [] when none came; None when
        one cannot be read (then read the logbook again)."""
        try:
            if not self._listening:
                self.conn.execute(f"LISTEN {CHANNEL}")
                self._listening = True
            heard = self.conn.notifies(timeout=seconds, stop_after=1)
            if heard:  # the others already here (a transaction of many entries sends one each)
                heard += self.conn.notifies(timeout=0.0, stop_after=NOTIFIES_AT_ONCE)
        except Error as exc:
            raise self._failed(exc) from None
        told = []
        for payload in heard:
            ref, _, number = payload.rpartition(" ")
            if not ref or not number.isdigit():
                return None
            told.append((ref, int(number)))
        return told

    def require_writer(self) -> None:
        """Refused when this role may not store entries and deliveries (the documented reader role)."""
        row = self._one(
            "SELECT has_table_privilege('calamiteit.entries', 'INSERT')"
            " AND has_table_privilege('calamiteit.deliveries', 'INSERT')"
            " AND has_any_column_privilege('calamiteit.deliveries', 'UPDATE')"
            " AND current_setting('transaction_read_only') = 'off'"
        )
        if not row or not row[0]:
            raise StorageError(
                _("{where}: geen rechten hiervoor (rol {role} mag het logboek niet schrijven)").format(
                    where=self.where, role=self.role
                ),
                _("Vraag de beheerder om de rol van de coördinatoren (docs/shared-logbook.md)."),
            )

    def _insert(self, e: Entry) -> None:
        self._run(INSERT_SQL, _values(e))
        e.role = self.role

    def _bringing_in(self) -> None:
        self._run("SELECT set_config('calamiteit.import', 'on', true)")  # for this transaction only

    @property
    def role(self) -> str:
        """The database role this connection writes as: what the insert trigger records (session_user). The
        server reports it when the session starts (`session_authorization`), so a one-append command does not
        spend a round trip in the middle of its write asking for it; asked only of a server that does not."""
        if self._role is None:
            reported = self.conn.parameter("session_authorization")
            if reported is None:
                row = self._one("SELECT session_user")
                reported = str(row[0]) if row else ""
            self._role = reported
        return self._role

    def _insert_many(self, entries: Sequence[Entry]) -> None:
        """Many entries (a copied logbook) pipelined, in chunks with the table's statistics brought up to
        date in between: the triggers' look-ups are planned once per session, and a plan made while the
        table was empty scans it whole, which makes a big first copy quadratic (100,000 entries: 119 s)."""
        try:
            for start in range(0, len(entries), BULK_CHUNK):
                if start:
                    self._run("ANALYZE entries")
                self.conn.send_many(INSERT_SQL, [_values(e) for e in entries[start : start + BULK_CHUNK]])
        except Error as exc:
            raise self._failed(exc) from None

    def _unknown(self, exc: Error) -> StorageError:
        """The connection went after the COMMIT was sent: whether it was stored only the logbook can say now.
        ("Not stored" here would have a runbook that tries again store the same entry twice.)"""
        first = _first_line(exc)
        return StorageError(
            _(
                "{where}: de verbinding met de databaseserver viel weg terwijl het vastleggen werd afgerond "
                "({reason}); of het is vastgelegd, is niet zeker"
            ).format(where=self.where, reason=first),
            _(
                "Kijk of het er staat voordat u het opnieuw probeert: een regel met 'calamiteit incident show ID', "
                "een nieuw incident met 'calamiteit incident list'."
            ),
        )

    def _failed(self, exc: Error) -> StorageError | BusyError:
        first = _first_line(exc)
        state = exc.sqlstate
        if state in BUSY:
            return BusyError(
                _("{where}: het logboek is bezet door een ander proces").format(where=self.where),
                _("Probeer het zo opnieuw."),
            )
        if state == "P0001" and "server's time" in first:
            return StorageError(
                _(
                    "{where}: de klok van deze computer wijkt meer dan {seconds} s af van die van de "
                    "databaseserver; er is niets vastgelegd"
                ).format(where=self.where, seconds=CLOCK_SLACK_S),
                _("Zet de klok gelijk (NTP) en probeer het opnieuw."),
            )
        if state == "P0001" and "calamiteit_import" in first:
            return StorageError(
                _(
                    "{where}: regels met hun eigen tijden inlezen (import, db copy) mag alleen wie de rol "
                    "calamiteit_import heeft; er is niets vastgelegd"
                ).format(where=self.where),
                _("Vraag de beheerder om: GRANT calamiteit_import TO <uw login>;"),
            )
        if state == "P0001":  # raise_exception
            said = _("{where}: geweigerd door de database: {reason}")
            return StorageError(said.format(where=self.where, reason=first))
        if state in ("42501", "25006"):  # insufficient_privilege, read_only_sql_transaction
            return StorageError(
                _("{where}: geen rechten hiervoor ({reason})").format(where=self.where, reason=first),
                _("Vraag de beheerder om de rol van de coördinatoren (docs/shared-logbook.md)."),
            )
        if state == "42P01":  # undefined_table
            return StorageError(
                _("{where}: het logboek ontbreekt in deze database ({reason})").format(where=self.where, reason=first),
                _(UPGRADE_HINT),
            )
        if exc.operational or self.conn.closed:
            return StorageError(
                _("{where}: de verbinding met de databaseserver is verbroken ({reason})").format(
                    where=self.where, reason=first
                ),
                _("Probeer het opnieuw; wat niet bevestigd is, is niet vastgelegd."),
            )
        return StorageError(f"{self.where}: {first}")


def _first_line(exc: Error) -> str:
    """What the server or libpq said, its first line (the rest is detail and context for a log, not a message)."""
    said = str(exc).strip()
    return said.splitlines()[0] if said else type(exc).__name__


def not_known(exc: Error) -> bool:
    """Whether a write whose COMMIT was sent may have been committed, given the error it ended with. Known not to
    be only on the server's own word: it refused a statement before the COMMIT (a pipeline stops at its first
    error; a session that ended there ended before the COMMIT), or refused the COMMIT itself with an ERROR. Not
    known when no answer came (the connection went), when the answer is not the server's (a pooler's own error
    about its lost server connection has no severity field, class 08, and libpq gives it to whichever statement
    was next: the COMMIT may have run), or when the COMMIT's answer is FATAL or PANIC (a session ended while it
    waited for a synchronous standby has committed locally)."""
    if exc.sqlstate is None or exc.severity is None or exc.sqlstate.startswith("08"):
        return True
    return exc.last and exc.severity != "ERROR"


def _entry(row: list[Any]) -> Entry:
    """An entry from its row as COPY gives it: text each (the columns are NOT NULL), the number converted."""
    row[1] = int(row[1])
    return Entry(*row)


def _values(e: Entry) -> tuple[str, int, str, str, str, str, str, str]:
    return (e.incident, e.n, e.at, e.author, e.kind, e.body, e.prev_hash, e.hash)


def _connect(location: Location, readonly: bool, busy_ms: int) -> Connection:
    """A connection in autocommit mode (transactions are explicit) with the logbook's search path.

    The password comes from libpq's own means (PGPASSWORD, ~/.pgpass, PGSERVICE) or the URL in
    CALAMITEIT_DB; no message ever shows it.
    """
    assert location.url is not None
    try:
        params = parse_conninfo(location.url)
    except ValueError:
        raise StorageError(_("{where}: geen geldige PostgreSQL-URL").format(where=location.shown)) from None
    # lock_timeout 0 would mean "wait for ever": a writer that may not wait gets 1 ms
    options = f"-c search_path={SCHEMA} -c lock_timeout={max(int(busy_ms), 1)}"
    if readonly:
        options += " -c default_transaction_read_only=on"
    params["options"] = f"{params.get('options') or ''} {options}".strip()
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    # A server or network that goes silent is noticed within ~25 s, not waited for until someone presses Ctrl-C:
    # TCP keepalives while waiting for an answer, and a bound on unacknowledged sends.
    for key, value in (("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
                       ("tcp_user_timeout", "30000")):
        params.setdefault(key, value)
    params.setdefault("application_name", "calamiteit")
    params["client_encoding"] = "UTF8"  # the binding reads and writes UTF-8
    try:
        return Connection(params)
    except Error as exc:
        raise _unreachable(location, params, exc) from None


def _unreachable(location: Location, params: dict[str, Any], exc: Error) -> StorageError:
    text = str(exc)
    who = params.get("user") or _("(standaardgebruiker)")
    if "password authentication failed" in text or "no password supplied" in text:
        return StorageError(
            _("{where}: aanmelden geweigerd voor gebruiker {user}: wachtwoord onjuist of niet gegeven").format(
                where=location.shown, user=who
            ),
            _("Zet het wachtwoord in PGPASSWORD of ~/.pgpass (nooit op de opdrachtregel)."),
        )
    if "does not exist" in text and "database" in text:
        return StorageError(
            _("{where}: deze database bestaat niet").format(where=location.shown), _("Controleer de naam in de URL.")
        )
    if "does not exist" in text and "role" in text:
        return StorageError(
            _("{where}: gebruiker {user} bestaat niet op de server").format(where=location.shown, user=who)
        )
    if any(s in text for s in ("Connection refused", "could not connect", "timeout expired", "could not translate")):
        return StorageError(
            _("{where}: de databaseserver is niet bereikbaar").format(where=location.shown),
            _("Controleer host en poort, of werk tijdelijk in een eigen logboek (--data-dir) en lees later in."),
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    password = params.get("password")
    if password:
        first = first.replace(str(password), "***")
    return StorageError(_("{where}: kan niet verbinden ({reason})").format(where=location.shown, reason=first))
