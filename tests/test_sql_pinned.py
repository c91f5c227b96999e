"""The SQL that guards the record, pinned rule by rule on both engines (issue 24, `tools/mutate.py --sql`): each
trigger refuses exactly what it names and lets the next honest step through (the edge of each comparison), on
SQLite from its migrations in memory and on PostgreSQL as the database owner, who is held to them too; and the
role block of docs/shared-logbook.md, run as written, gives each role exactly its privileges, no more. Written
with plain SQL, not through the stores, so that one run is quick and each refusal is the trigger's own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from dso_calamiteit.adapters.stores import sqlite as sqlite_store

from .postgres import Cluster
from .test_postgres import documented_roles

GENESIS = "0" * 64
AT = ["", "2026-03-01T10:00:00+00:00", "2026-03-01T10:05:00+00:00", "2026-03-01T10:10:00+00:00",
      "2026-03-01T10:15:00+00:00"]
FOLLOWS = "the incidents row follows its entries"


# --- SQLite -----------------------------------------------------------------------------------------------------


@pytest.fixture
def lite() -> Iterator[sqlite3.Connection]:
    """A logbook from the migrations as written, with incident I-1 of two entries, one action and one sitrap."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for step in sqlite_store.MIGRATIONS:
        conn.executescript(step)
    for n in (1, 2):
        entry(conn, n)
    conn.execute("INSERT INTO incidents (id, title, opened_at, level, closed_at, entries, actions, reports, head) "
                 "VALUES ('I-1', 'Storing', ?, 1, NULL, 2, 1, 1, 'h2')", (AT[1],))
    yield conn
    conn.close()


def entry(conn: sqlite3.Connection, n: int, at: str | None = None) -> None:
    conn.execute(
        "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) VALUES ('I-1', ?, ?, 'Piet', "
        "'observation', '{}', ?, ?)", (n, at or AT[n], f"h{n - 1}" if n > 1 else GENESIS, f"h{n}"))


def row(conn: sqlite3.Connection) -> tuple[object, ...]:
    return tuple(conn.execute("SELECT * FROM incidents").fetchone())


BASE = ("I-1", "Storing", AT[1], 1, None, 2, 1, 1, "h2")


def test_sqlite_entries_are_never_changed_or_removed(lite: sqlite3.Connection) -> None:
    stored = lite.execute("SELECT * FROM entries ORDER BY n").fetchall()
    with pytest.raises(sqlite3.IntegrityError, match=r"^logbook entries are append-only$"):
        lite.execute("UPDATE entries SET author = 'Kees' WHERE n = 2")
    with pytest.raises(sqlite3.IntegrityError, match=r"^logbook entries are append-only$"):
        lite.execute("DELETE FROM entries WHERE n = 2")
    assert lite.execute("SELECT * FROM entries ORDER BY n").fetchall() == stored
    with pytest.raises(sqlite3.IntegrityError, match=r"^incidents are never removed$"):
        lite.execute("DELETE FROM incidents")
    assert row(lite) == BASE


def test_sqlite_the_incidents_row_moves_only_with_its_entries(lite: sqlite3.Connection) -> None:
    # no new entry: the row stays (entries equal to before is refused, though nothing else is wrong)
    with pytest.raises(sqlite3.IntegrityError, match=rf"^{FOLLOWS}$"):
        lite.execute("UPDATE incidents SET level = 2")
    entry(lite, 3)
    entry(lite, 4)
    forward = "entries = 4, head = 'h4'"
    for wrong in ("title = 'Anders'", "opened_at = '2026-03-01T09:00:00+00:00'", "actions = 0", "reports = 0",
                  "id = 'I-2'"):
        with pytest.raises(sqlite3.IntegrityError, match=rf"^{FOLLOWS}$"):
            lite.execute(f"UPDATE incidents SET {forward}, {wrong}")
    with pytest.raises(sqlite3.IntegrityError, match=rf"^{FOLLOWS}$"):
        lite.execute("UPDATE incidents SET entries = 3, head = 'h3'")  # not the last entry
    with pytest.raises(sqlite3.IntegrityError, match=rf"^{FOLLOWS}$"):
        lite.execute("UPDATE incidents SET entries = 4, head = 'h3'")  # not the last entry's hash
    assert row(lite) == BASE
    # the honest step: the last entry and its hash; counts that stay are fine, the level and closing may change
    lite.execute(f"UPDATE incidents SET {forward}, actions = 1, reports = 1, level = 3, closed_at = ?", (AT[4],))
    assert row(lite) == ("I-1", "Storing", AT[1], 3, AT[4], 4, 1, 1, "h4")


def test_sqlite_time_never_runs_backwards(lite: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError, match=r"^an entry is not older than the one before it$"):
        entry(lite, 3, "2026-03-01T10:04:59+00:00")
    assert lite.execute("SELECT max(n) FROM entries").fetchone() == (2,)
    entry(lite, 3, "2026-03-01T11:05:00+01:00")  # the same moment as entry 2, in another zone
    entry(lite, 4, "2026-03-01T10:05:01+00:00")
    assert lite.execute("SELECT max(n) FROM entries").fetchone() == (4,)


# --- PostgreSQL -----------------------------------------------------------------------------------------------


@pytest.fixture
def pg(pg_database: str) -> Iterator[psycopg.Connection]:
    """The owner's connection to a new logbook with incident I-1 of two entries, one action and one sitrap."""
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("SET search_path = calamiteit")
        conn.execute("INSERT INTO incidents (id, title, opened_at, level, closed_at, entries, actions, reports, head) "
                     "VALUES ('I-1', 'Storing', %s, 1, NULL, 0, 0, 0, '')", (AT[1],))
        for n in (1, 2):
            pg_entry(conn, n)
        conn.execute("UPDATE incidents SET entries = 2, head = 'h2', actions = 1, reports = 1")
        yield conn


def pg_entry(conn: psycopg.Connection, n: int, at: str | None = None, prev: str | None = None,
             incident: str = "I-1") -> None:
    conn.execute(
        "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) VALUES (%s, %s, %s, 'Piet', "
        "'observation', '{}', %s, %s)",
        (incident, n, at or AT[n], prev if prev is not None else (f"h{n - 1}" if n > 1 else GENESIS), f"h{n}"))


def pg_row(conn: psycopg.Connection) -> tuple[object, ...]:
    found = conn.execute("SELECT * FROM incidents WHERE id = 'I-1'").fetchone()
    assert found is not None
    return tuple(found)


refused = psycopg.errors.RaiseException


def test_postgres_entries_are_never_changed_or_removed(pg: psycopg.Connection) -> None:
    stored = pg.execute("SELECT * FROM entries ORDER BY n").fetchall()
    with pytest.raises(refused, match=r"^logbook entries are append-only"):
        pg.execute("UPDATE entries SET author = 'Kees' WHERE n = 2")
    with pytest.raises(refused, match=r"^logbook entries are append-only"):
        pg.execute("DELETE FROM entries WHERE n = 2")
    with pytest.raises(refused, match=r"^logbook entries are append-only"):
        pg.execute("TRUNCATE entries")
    assert pg.execute("SELECT * FROM entries ORDER BY n").fetchall() == stored


def test_postgres_incidents_are_never_removed(pg: psycopg.Connection) -> None:
    pg.execute("INSERT INTO incidents (id, title, opened_at, level, entries, head) "
               "VALUES ('I-9', 'Leeg', %s, 1, 0, '')", (AT[1],))  # no entries: no foreign key holds it
    with pytest.raises(refused, match=r"^incidents are never removed"):
        pg.execute("DELETE FROM incidents WHERE id = 'I-9'")
    with pytest.raises(refused, match=r"^incidents are never removed"):  # its own trigger, before the cascade's
        pg.execute("TRUNCATE incidents CASCADE")
    assert pg.execute("SELECT count(*) FROM incidents").fetchone() == (2,)


def test_postgres_the_incidents_row_moves_only_with_its_entries(pg: psycopg.Connection) -> None:
    base = pg_row(pg)
    with pytest.raises(refused, match=rf"^{FOLLOWS}"):
        pg.execute("UPDATE incidents SET level = 2")
    pg_entry(pg, 3)
    pg_entry(pg, 4)
    forward = "entries = 4, head = 'h4'"
    for wrong in ("title = 'Anders'", "opened_at = '2026-03-01T09:00:00+00:00'", "actions = 0", "reports = 0"):
        with pytest.raises(refused, match=rf"^{FOLLOWS}"):
            pg.execute(f"UPDATE incidents SET {forward}, {wrong}")
    with pytest.raises(refused, match=rf"^{FOLLOWS}"):
        pg.execute("UPDATE incidents SET entries = 3, head = 'h3'")
    with pytest.raises(refused, match=rf"^{FOLLOWS}"):
        pg.execute("UPDATE incidents SET entries = 4, head = 'h3'")
    pg.execute("INSERT INTO incidents (id, title, opened_at, level, entries, head) VALUES ('I-2', 'Storing', %s, 1, "
               "0, '')", (AT[1],))
    with pytest.raises(refused, match=rf"^{FOLLOWS}"):  # another incident's id, even one whose row would fit
        pg.execute(f"UPDATE incidents SET {forward}, id = 'I-3' WHERE id = 'I-1'")
    assert pg_row(pg) == base
    pg.execute(f"UPDATE incidents SET {forward}, actions = 1, reports = 1, level = 3, closed_at = %s "
               "WHERE id = 'I-1'", (AT[4],))
    assert pg_row(pg)[3:] == (3, AT[4], 4, 1, 1, "h4")


def test_postgres_entries_follow_their_chain(pg: psycopg.Connection) -> None:
    with pytest.raises(refused, match=r"^the first entry of a chain follows the genesis hash"):
        pg_entry(pg, 1, prev="1" * 64, incident="I-9")
    for n, prev in ((3, "h1"), (4, "h2"), (3, "")):  # a branch, a gap, nothing
        with pytest.raises(refused, match=r"^an entry follows the one before it: no gaps, no branches"):
            pg_entry(pg, n, prev=prev)
    with pytest.raises(refused, match=r"^an entry is not older than the one before it"):
        pg_entry(pg, 3, "2026-03-01T10:04:59+00:00")
    pg_entry(pg, 3, "2026-03-01T11:05:00+01:00")  # the same moment as entry 2, in another zone
    assert pg.execute("SELECT max(n), min(role), max(role) FROM entries").fetchone() == (3, "postgres", "postgres")


def test_postgres_the_time_of_an_entry_is_the_servers(pg: psycopg.Connection, pg_cluster: Cluster) -> None:
    """Outside an import an entry's time is the server's own (within 30 s); an import needs the role for it."""
    pg.execute("SET calamiteit.import = 'off'")
    now = datetime.now(UTC)
    with pytest.raises(refused, match=r"^the entry's time is not the server's time"):
        pg_entry(pg, 3, (now + timedelta(seconds=300)).isoformat())
    with pytest.raises(refused, match=r"^the entry's time is not the server's time"):
        pg_entry(pg, 3, (now - timedelta(days=1)).isoformat())
    pg_entry(pg, 3, now.isoformat())
    # importing: the owner may (a superuser here); a login without calamiteit_import may not
    pg.execute("SET calamiteit.import = 'on'")
    pg_entry(pg, 4, (now + timedelta(days=1)).isoformat())
    name = pg.execute("SELECT current_database()").fetchone()
    assert name is not None
    pg.execute(f"CREATE ROLE truus LOGIN PASSWORD '{pg_cluster.password}'")
    try:
        pg.execute("GRANT USAGE ON SCHEMA calamiteit TO truus")
        pg.execute("GRANT SELECT, INSERT ON entries TO truus")
        with psycopg.connect(pg_cluster.url(name[0], "truus"), autocommit=True) as truus:
            truus.execute("SET search_path = calamiteit")
            truus.execute("SET calamiteit.import = 'on'")
            with pytest.raises(refused, match=r"^bringing in entries with their own times needs the role "):
                pg_entry(truus, 5, (now + timedelta(days=2)).isoformat(), prev="h4")
            pg.execute("DO $$ BEGIN CREATE ROLE calamiteit_import NOLOGIN; "
                       "EXCEPTION WHEN duplicate_object THEN NULL; END $$")  # a role of the cluster: maybe there
            pg.execute("GRANT calamiteit_import TO truus")
            pg_entry(truus, 5, (now + timedelta(days=2)).isoformat(), prev="h4")
        assert pg.execute("SELECT role FROM entries WHERE n = 5").fetchone() == ("truus",)
        # the schema's owner may, though no superuser and not in calamiteit_import
        pg.execute(f"CREATE ROLE olga LOGIN PASSWORD '{pg_cluster.password}'")
        pg.execute("GRANT SELECT, INSERT ON entries TO olga")
        pg.execute("ALTER SCHEMA calamiteit OWNER TO olga")
        with psycopg.connect(pg_cluster.url(name[0], "olga"), autocommit=True) as olga:
            olga.execute("SET search_path = calamiteit")
            olga.execute("SET calamiteit.import = 'on'")
            pg_entry(olga, 6, (now + timedelta(days=3)).isoformat(), prev="h5")
        assert pg.execute("SELECT role FROM entries WHERE n = 6").fetchone() == ("olga",)
    finally:
        pg.execute("ALTER SCHEMA calamiteit OWNER TO postgres")
        for role in ("truus", "olga"):
            if pg.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                pg.execute(f"DROP OWNED BY {role}")
                pg.execute(f"DROP ROLE {role}")


# --- the roles of docs/shared-logbook.md --------------------------------------------------------------------------


def run_roles(conn: psycopg.Connection) -> None:
    for statement in documented_roles().split(";\n"):
        if statement.strip().startswith("CREATE ROLE calamiteit_"):  # roles belong to the cluster: maybe there
            conn.execute(f"DO $$ BEGIN {statement.rstrip(';')}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        elif statement.strip():
            conn.execute(statement)


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")


def granted(conn: psycopg.Connection, role: str) -> dict[str, set[str]]:
    """Per table of the schema: the privileges `role` has on the whole table, and `UPDATE(column)` for columns."""
    found: dict[str, set[str]] = {}
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'calamiteit' ORDER BY tablename").fetchall()]
    for table in tables:
        have = {p for p in PRIVILEGES if conn.execute(
            "SELECT has_table_privilege(%s, %s, %s)", (role, f"calamiteit.{table}", p)).fetchone() == (True,)}
        if "UPDATE" not in have:
            columns = [r[0] for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (f"calamiteit.{table}",)).fetchall()]
            have |= {f"UPDATE({c})" for c in columns
                     if conn.execute("SELECT has_column_privilege(%s, %s, %s, 'UPDATE')",
                                     (role, f"calamiteit.{table}", c)).fetchone() == (True,)}
        found[table] = have
    return found


def test_the_documented_roles_give_exactly_their_privileges(pg: psycopg.Connection) -> None:
    run_roles(pg)
    pg.execute("CREATE ROLE bram IN ROLE calamiteit_coordinator")
    pg.execute("CREATE ROLE els IN ROLE calamiteit_reader")
    try:
        read = {"SELECT"}
        rollups = {"SELECT", "INSERT", "UPDATE"}
        assert granted(pg, "bram") == {
            "check_hours": rollups, "check_tips": rollups, "down_runs": rollups, "latency_days": rollups,
            "usage": rollups,
            "checks": {"SELECT", "INSERT"},
            "entries": {"SELECT", "INSERT"},
            "incidents": {"SELECT", "INSERT"} | {f"UPDATE({c})" for c in
                                                 ("entries", "head", "level", "closed_at", "actions", "reports")},
            "deliveries": {"SELECT", "INSERT", "UPDATE(outcome)", "UPDATE(reason)", "UPDATE(at)"},
            "writer_lock": {"SELECT", "UPDATE"},
            "meta": read, "confirm_key": read,  # the coordinator signs confirmation links
        }
        assert granted(pg, "els") == {
            table: (set() if table == "confirm_key" else read) for table in granted(pg, "bram")
        }
        for role in ("bram", "els"):
            assert pg.execute("SELECT has_schema_privilege(%s, 'calamiteit', 'USAGE')", (role,)).fetchone() == (True,)
        assert pg.execute("SELECT has_schema_privilege('public', 'calamiteit', 'USAGE')").fetchone() == (False,)
    finally:
        pg.execute("DROP OWNED BY bram, els, calamiteit_coordinator, calamiteit_reader")
        pg.execute("DROP ROLE bram, els")


def test_the_documented_roles_take_back_what_was_given_to_all(pg: psycopg.Connection) -> None:
    """Where someone once granted everything to everyone: no DELETE or TRUNCATE remains for anyone, and the reader
    cannot read the signing key."""
    pg.execute("GRANT ALL ON ALL TABLES IN SCHEMA calamiteit TO PUBLIC")
    run_roles(pg)
    pg.execute("CREATE ROLE bram IN ROLE calamiteit_coordinator")
    pg.execute("CREATE ROLE els IN ROLE calamiteit_reader")
    try:
        for role in ("bram", "els"):
            have = granted(pg, role)
            assert {t for t, p in have.items() if p & {"DELETE", "TRUNCATE"}} == set(), role
        assert "SELECT" not in granted(pg, "els")["confirm_key"]
    finally:
        pg.execute("DROP OWNED BY bram, els, calamiteit_coordinator, calamiteit_reader")
        pg.execute("DROP ROLE bram, els")
