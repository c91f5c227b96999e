"""The tool's own libpq binding (adapters/stores/libpq.py) against a real server: values both ways, errors with
their SQLSTATE, a connection the server ends, notifications with a timeout, the pipeline, streaming, memory,
and that a command on a PostgreSQL logbook never imports psycopg (issue 27)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest

from .conftest import default_sigint, reaped
from .postgres import Cluster


@pytest.fixture
def conn(pg_cluster: Cluster, pg_database: str) -> Iterator[object]:
    from dso_calamiteit.adapters.stores import libpq

    made = libpq.Connection(
        libpq.parse_conninfo(pg_database) | {"password": pg_cluster.password, "client_encoding": "UTF8"}
    )
    try:
        yield made
    finally:
        made.close()


def other(cluster: Cluster, url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, password=cluster.password)


def test_values_come_back_as_their_type(conn) -> None:  # type: ignore[no-untyped-def]
    """Each column by its type OID; a NULL of every type is None (libpq gives "" for NULL and for '')."""
    row = conn.execute(
        "SELECT 1::int2, 2::int4, 3::int8, 26::oid, true, false, 'tekst'::text, 'v'::varchar, 'n'::name,"
        " 'c'::char(2), '{\"a\": 1}'::json, 1.5::float4, 2.25::float8, 12::numeric, (-7)::numeric,"
        " 2.5::numeric, '2024-01-02 03:04:05+00'::timestamptz, ''::text"
    )
    assert row == [(1, 2, 3, 26, True, False, "tekst", "v", "n", "c ", '{"a": 1}', 1.5, 2.25, 12, -7, 2.5,
                    "2024-01-02 03:04:05+00", "")]
    assert [type(v) for v in row[0][:4]] == [int] * 4 and type(row[0][13]) is int
    nulls = conn.execute(
        "SELECT NULL::int2, NULL::int4, NULL::int8, NULL::bool, NULL::text, NULL::float8, NULL::numeric,"
        " NULL::timestamptz"
    )
    assert nulls == [(None,) * 8]


def test_parameters_are_data_never_sql(conn) -> None:  # type: ignore[no-untyped-def]
    """Every kind of value the store passes goes in as itself: quotes, backslashes, an attempt at SQL
    injection, accents and emoji (counted by the server in characters: UTF-8 both ways), NULL, big integers,
    floats, booleans."""
    conn.execute("CREATE TABLE public.t (s text, i bigint, f float8, b boolean)")
    tricky = ["O'Brien", "back\\slash \\' \\\\", "'); DROP TABLE public.t; --", "$1 ? %s %%", "Zoë café ☕ 🚒",
              "regel\nregel"]
    for s in tricky:
        conn.execute("INSERT INTO public.t VALUES (?, ?, ?, ?)", (s, 2**62, 0.1, True))
    conn.execute("INSERT INTO public.t VALUES (?, ?, ?, ?)", (None, None, None, False))
    back = conn.execute("SELECT s, i, f, b, char_length(s) FROM public.t ORDER BY i NULLS LAST, s")
    assert sorted(r[0] for r in back[:-1]) == sorted(tricky)
    assert all(r[1:4] == (2**62, 0.1, True) and r[4] == len(r[0]) for r in back[:-1])
    assert back[-1] == (None, None, None, False, None)
    assert conn.execute("SELECT count(*) FROM public.t WHERE s = ?", ("Zoë café ☕ 🚒",)) == [(1,)]
    assert conn.execute("SELECT ?::text || ?::text", ("é", "🚒")) == [("é🚒",)]


def test_a_nul_in_a_text_is_refused_not_cut(conn) -> None:  # type: ignore[no-untyped-def]
    """libpq takes each value as a C string, which ends at a NUL: 'a\\x00b' would be stored as 'a' without a word
    (an imported entry's author, a hash no longer its text's). It is refused, as psycopg and the server refuse
    it, in a statement and in a pipeline alike, and nothing is stored."""
    from dso_calamiteit.adapters.stores import libpq

    conn.execute("CREATE TABLE public.nul (s text)")
    with pytest.raises(libpq.Error) as refused:
        conn.execute("INSERT INTO public.nul VALUES (?)", ("a\x00b",))
    assert refused.value.sqlstate == "22021" and "NUL" in str(refused.value)
    conn.enter_pipeline()
    with pytest.raises(libpq.Error):
        conn.send("INSERT INTO public.nul VALUES (?)", ("c\x00d",))
    conn.abort_pipeline()
    assert conn.execute("SELECT count(*) FROM public.nul") == [(0,)]


def test_an_error_carries_its_sqlstate_and_the_servers_message(conn) -> None:  # type: ignore[no-untyped-def]
    from dso_calamiteit.adapters.stores import libpq

    conn.execute("CREATE TABLE public.u (k int PRIMARY KEY)")
    conn.execute("INSERT INTO public.u VALUES (1)")
    with pytest.raises(libpq.Error) as caught:
        conn.execute("INSERT INTO public.u VALUES (?)", (1,))
    assert caught.value.sqlstate == "23505" and not caught.value.operational and not caught.value.broken
    assert str(caught.value).startswith('duplicate key value violates unique constraint "u_pkey"')
    with pytest.raises(libpq.Error) as caught:
        conn.execute("SELECT * FROM public.nowhere")
    assert caught.value.sqlstate == "42P01" and str(caught.value).splitlines()[0] == (
        'relation "public.nowhere" does not exist')
    with pytest.raises(libpq.Error) as caught:
        conn.execute("DO $$ BEGIN RAISE EXCEPTION 'eigen reden'; END $$")
    assert caught.value.sqlstate == "P0001" and str(caught.value).splitlines()[0] == "eigen reden"
    assert conn.execute("SELECT 1") == [(1,)]  # the connection goes on
    with pytest.raises(ValueError):
        libpq.parse_conninfo("host=db dbname")


def test_a_connection_the_server_ends_is_said_as_lost(pg_cluster: Cluster, pg_database: str) -> None:
    """The server ends the backend (pg_terminate_backend): the next read is "verbinding verbroken", one line
    and a hint, no traceback; the binding knows the connection is gone."""
    from dso_calamiteit.adapters.stores import Location, StorageError, open_store

    store = open_store(Location(url=pg_database))
    pid = store.conn.execute("SELECT pg_backend_pid()")[0][0]  # type: ignore[attr-defined]
    with other(pg_cluster, pg_database) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)
    with pytest.raises(StorageError, match="de verbinding met de databaseserver is verbroken") as caught:
        store.summaries()
    assert caught.value.hint is not None and "Probeer het opnieuw" in caught.value.hint
    assert store.conn.closed  # type: ignore[attr-defined]
    store.close()


def test_a_write_on_a_lost_connection_is_said_as_lost(pg_cluster: Cluster, pg_database: str) -> None:
    """The same inside a write's pipeline: the append fails with the lost connection, nothing half-done."""
    from dso_calamiteit.adapters.stores import Location, StorageError, open_store

    store = open_store(Location(url=pg_database))
    incident = store.open_incident("Storing", {"title": "Storing", "level": 1}, "Anna", _now()).incident
    pid = store.conn.execute("SELECT pg_backend_pid()")[0][0]  # type: ignore[attr-defined]
    with other(pg_cluster, pg_database) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)
    with pytest.raises(StorageError, match="de verbinding met de databaseserver is verbroken"):
        store.append(incident, "observation", {"text": "weg"}, "Anna", _now())
    store.close()
    again = open_store(Location(url=pg_database))
    assert [e.n for e in again.entries(incident)] == [1]
    again.close()


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def test_notifications_wait_at_most_their_timeout(conn, pg_cluster: Cluster, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    conn.execute("LISTEN calamiteit")
    started, cpu = time.monotonic(), time.process_time()
    assert conn.notifies(0.3, 1) == []
    assert 0.25 <= time.monotonic() - started < 3
    assert time.process_time() - cpu < 0.1  # asleep while it waits, not polling the socket in a loop
    with other(pg_cluster, pg_database) as sender:
        for payload in ("I-1 1", "Zoë 🚒 2", "I-1 3"):
            sender.execute("SELECT pg_notify('calamiteit', %s)", (payload,))
    started = time.monotonic()
    assert conn.notifies(5, 1) == ["I-1 1"]
    assert time.monotonic() - started < 2  # came at once, not at the timeout
    assert conn.notifies(0.0, 10) == ["Zoë 🚒 2", "I-1 3"]


def test_a_failed_pipeline_applies_nothing_after_its_error(conn) -> None:  # type: ignore[no-untyped-def]
    """BEGIN, a good insert, a failing one, another good one and COMMIT in one pipeline with one Sync: the
    error is the failing statement's, the rest is not applied, and the connection is usable afterwards."""
    from dso_calamiteit.adapters.stores import libpq

    conn.execute("CREATE TABLE public.p (k int PRIMARY KEY)")
    conn.execute("INSERT INTO public.p VALUES (2)")
    conn.enter_pipeline()
    for sql, params in (("BEGIN", ()), ("INSERT INTO public.p VALUES (?)", (1,)),
                        ("INSERT INTO public.p VALUES (?)", (2,)), ("INSERT INTO public.p VALUES (?)", (3,)),
                        ("COMMIT", ())):
        conn.send(sql, params)
    with pytest.raises(libpq.Error) as caught:
        conn.sync()
    assert caught.value.sqlstate == "23505"
    conn.abort_pipeline()
    assert not conn.in_pipeline
    if conn.transaction_status != libpq.IDLE:
        conn.execute("ROLLBACK")
    assert conn.execute("SELECT k FROM public.p ORDER BY k") == [(2,)]
    # and a fetch in the middle raises the first error, the rest read away by abort_pipeline
    conn.enter_pipeline()
    conn.send("BEGIN")
    conn.send("INSERT INTO public.p VALUES (?)", (2,))
    with pytest.raises(libpq.Error, match="duplicate key"):
        conn.fetch("SELECT count(*) FROM public.p")
    conn.abort_pipeline()
    conn.execute("ROLLBACK")
    assert conn.transaction_status == libpq.IDLE and conn.execute("SELECT count(*) FROM public.p") == [(1,)]


def test_many_statements_in_one_pipeline(conn) -> None:  # type: ignore[no-untyped-def]
    """send_many past the point where it reads the answers in between (DRAIN_EVERY), all of them applied."""
    from dso_calamiteit.adapters.stores import libpq

    conn.execute("CREATE TABLE public.m (k int, s text)")
    count = libpq.DRAIN_EVERY * 2 + 7
    conn.enter_pipeline()
    conn.send("BEGIN")
    conn.send_many("INSERT INTO public.m VALUES (?, ?)", [(i, f"r{i}") for i in range(count)])
    conn.send("COMMIT")
    conn.sync()
    assert conn.execute("SELECT count(*), sum(k) FROM public.m") == [(count, count * (count - 1) // 2)]


def test_a_stream_stopped_early_leaves_the_connection_usable(conn) -> None:  # type: ignore[no-untyped-def]
    """Ten million rows asked for, three read: the COPY is cancelled (not read to its end: that would take
    seconds) and the connection answers the next statement; an error in the middle of a stream is raised with
    its SQLSTATE, and the connection goes on after that too."""
    from dso_calamiteit.adapters.stores import libpq

    started = time.monotonic()
    rows = conn.copy_rows("SELECT g, 'regel ' || g FROM generate_series(1, 10000000) g")
    assert [next(rows) for _ in range(3)] == [["1", "regel 1"], ["2", "regel 2"], ["3", "regel 3"]]
    rows.close()
    assert time.monotonic() - started < 5
    assert conn.transaction_status == libpq.IDLE
    assert conn.execute("SELECT 'nog', ?::int", (1,)) == [("nog", 1)]
    assert list(conn.copy_rows("SELECT g FROM generate_series(1, 3) g")) == [["1"], ["2"], ["3"]]
    with pytest.raises(libpq.Error) as caught:
        list(conn.copy_rows("SELECT 1 / (300000 - g) FROM generate_series(1, 500000) g"))
    assert caught.value.sqlstate == "22012"
    assert conn.execute("SELECT 2") == [(2,)]


def test_a_stream_gives_back_what_was_stored(conn) -> None:  # type: ignore[no-untyped-def]
    """COPY's text format escapes tabs, newlines and backslashes, and writes NULL as \\N: each read back as
    it was (the string "\\N" too); the parameters, given to the COPY through settings, stay data."""
    conn.execute("CREATE TABLE public.c (k int, s text)")
    values = ["tab\there", "regel\nregel\r\n", "back\\slash \\N \\t", "\\N", "", "Zoë 🚒 \b\f\v\x01",
              "O'Brien'); DROP TABLE public.c; --", None]
    for k, v in enumerate(values):
        conn.execute("INSERT INTO public.c VALUES (?, ?)", (k, v))
    back = list(conn.copy_rows("SELECT k, s FROM public.c WHERE k >= ?::integer AND s IS DISTINCT FROM ? ORDER BY k",
                               (0, "nothing")))
    assert back == [[str(k), v] for k, v in enumerate(values)]
    assert list(conn.copy_rows("SELECT ?::text, ?::integer + 1", ("a'b\\", 5))) == [["a'b\\", "6"]]
    with pytest.raises(TypeError):  # a setting cannot be NULL: refused, not read as ''
        list(conn.copy_rows("SELECT ?::text IS NULL", (None,)))
    assert conn.execute("SELECT count(*) FROM public.c") == [(len(values),)]


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmRSS:")))


def test_a_stream_of_a_million_rows_keeps_memory_flat(conn) -> None:  # type: ignore[no-untyped-def]
    """Every row is freed (PQfreemem) as it passes: after the first 50,000 rows memory does not grow over the
    next 950,000 (rows kept would be hundreds of MiB)."""
    seen = 0
    warm = 0
    for row in conn.copy_rows("SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g"):
        seen += 1
        if seen == 50_000:
            warm = _rss_kib()
        assert len(row[1]) == 100
    assert seen == 1_000_000
    grown = (_rss_kib() - warm) / 1024
    assert grown < 16, f"{grown:.0f} MiB grown over 950,000 rows"


def test_a_big_incident_streams_from_postgres_with_flat_memory(pg_database: str) -> None:
    """Store.stream over an incident of 20,000 entries: every entry in order, whole, and this process does not
    grow while they pass (the entries are not kept: the rows come one at a time from the COPY)."""
    from dso_calamiteit.adapters.stores import Location, open_store
    from dso_calamiteit.domain.logbook import GENESIS, Entry, canonical, entry_hash

    store = open_store(Location(url=pg_database))
    entries, prev = [], GENESIS
    for n in range(1, 20_001):
        kind, data = ("open", {"title": "Groot", "level": 1, "situation": None}) if n == 1 else (
            "observation", {"text": f"Regel {n}: \"aanhalingen\", tab\t en é 🚒"})
        text = canonical(data)
        digest = entry_hash("BIG-1", n, "2024-01-01T00:00:00+00:00", "t", kind, text, prev)
        entries.append(Entry("BIG-1", n, "2024-01-01T00:00:00+00:00", "t", kind, text, prev, digest))
        prev = digest
    store.import_entries(entries, "Groot", 1, 0, 0)
    warm = 0
    for seen, e in enumerate(store.stream("BIG-1"), 1):
        assert (e.n, e.body, e.hash) == (seen, entries[seen - 1].body, entries[seen - 1].hash)
        if seen == 2_000:
            warm = _rss_kib()
    assert seen == 20_000 and (_rss_kib() - warm) / 1024 < 8
    assert [e.n for e in store.stream("BIG-1", after=19_997)] == [19_998, 19_999, 20_000]
    assert [e.n for e in store.stream("BIG-1", after=5, upto=7)] == [6, 7]
    store.close()


def test_an_append_traced_is_one_sync(pg_database: str) -> None:
    """The binding's trace is libpq's own: what the client sent and what the server answered."""
    import tempfile

    from dso_calamiteit.adapters.stores import Location, open_store

    store = open_store(Location(url=pg_database))
    incident = store.open_incident("Storing", {"title": "Storing", "level": 1}, "Anna", _now()).incident
    with tempfile.TemporaryFile("w+") as traced:
        store.conn.trace(traced.fileno())  # type: ignore[attr-defined]
        store.append(incident, "observation", {"text": "nu"}, "Anna", _now())
        store.conn.untrace()  # type: ignore[attr-defined]
        traced.seek(0)
        lines = traced.read().splitlines()
    sent = [line.split("\t")[2] for line in lines if line.startswith("F\t")]
    assert sent.count("Sync") == 1 and sent.count("Parse") >= 4, lines
    store.close()


def test_a_command_on_a_postgres_logbook_never_imports_psycopg(pg_database: str) -> None:
    """`log`, `incident show` and `acties` on a shared logbook: libpq through the binding, psycopg not imported
    (its import alone cost as much as the whole start-up floor: issue 27)."""
    env = dict(os.environ, CALAMITEIT_DB=pg_database, CALAMITEIT_AUTEUR="Anna")
    env.pop("CALAMITEIT_DATA_DIR", None)
    opened = subprocess.run([sys.executable, "-m", "dso_calamiteit", "incident", "open", "Storing", "--level", "1"],
                            env=env, capture_output=True, text=True, check=False)
    if opened.returncode != 0:  # no `python -m`: through the entry point
        opened = subprocess.run([sys.executable, "-c", "import sys; sys.argv = ['calamiteit', *sys.argv[1:]]; "
                                 "from dso_calamiteit.cli.entry import main; main()", "incident", "open", "Storing",
                                 "--level", "1"], env=env, capture_output=True, text=True, check=True)
    incident = opened.stdout.strip().splitlines()[-1]
    program = (
        "import json, sys\n"
        "sys.argv = ['calamiteit', *sys.argv[1:]]\n"
        "from dso_calamiteit.cli.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as ended:\n"
        "    sys.stderr.write('EXIT %s MODULES %s' % (ended.code, json.dumps(sorted(sys.modules))))\n"
    )
    for argv in (["log", incident, "Nieuwe regel", "--beeld"], ["incident", "show", incident], ["acties", incident]):
        done = subprocess.run([sys.executable, "-c", program, *argv], env=env, capture_output=True, text=True,
                              check=False)
        _head, _, tail = done.stderr.rpartition("EXIT ")
        code, _, modules = tail.partition(" MODULES ")
        assert code in ("0", "None"), done.stderr[-2000:]
        loaded = set(json.loads(modules))
        assert "dso_calamiteit.adapters.stores.libpq" in loaded, argv  # it did use the shared logbook
        assert sorted(m for m in loaded if m.split(".")[0] in ("psycopg", "psycopg_binary")) == [], argv


def test_a_statement_used_often_is_prepared_and_a_failed_preparation_made_again(conn) -> None:  # type: ignore[no-untyped-def]
    """A statement sent PREPARE_AFTER times in pipelines is prepared (planned once, as psycopg did); prepared
    in a pipeline that an earlier error aborts, it never reached the server, so it is prepared again, under a
    new name, at its next use, and that use works."""
    from dso_calamiteit.adapters.stores import libpq

    conn.execute("CREATE TABLE public.q (k int PRIMARY KEY)")
    insert = "INSERT INTO public.q VALUES (?)"
    for k in range(libpq.PREPARE_AFTER - 1):
        conn.enter_pipeline()
        conn.send(insert, (k,))
        conn.sync()
    assert conn.execute("SELECT count(*) FROM pg_prepared_statements") == [(0,)]
    conn.enter_pipeline()
    conn.send("SELECT 1 / 0")
    conn.send(insert, (100,))  # its PREPARE_AFTER-th use: prepared, but after the error
    with pytest.raises(libpq.Error, match="division by zero"):
        conn.sync()
    conn.abort_pipeline()
    for k in (101, 102):
        conn.enter_pipeline()
        conn.send(insert, (k,))
        conn.sync()
    assert conn.execute("SELECT count(*) FROM pg_prepared_statements") == [(1,)]
    assert conn.execute("SELECT k FROM public.q WHERE k >= 100 ORDER BY k") == [(101,), (102,)]


@pytest.mark.parametrize("url", ["postgresql://[::1/db", "host=db dbname", "postgresql://a@h/db?bogus=1"])
def test_what_libpq_cannot_parse_is_not_a_url(url: str) -> None:
    """libpq's own parser decides (PQconninfoParse): one line, nothing tried against a server."""
    from dso_calamiteit.adapters.stores import Location, StorageError, open_store

    with pytest.raises(StorageError, match="geen geldige PostgreSQL-URL") as caught:
        open_store(Location(url=url))
    assert caught.value.lines() == [f"{Location(url=url).shown}: geen geldige PostgreSQL-URL"]


def test_without_the_systems_libpq_the_wheels_is_used(pg_database: str) -> None:
    """A machine without libpq5: the libpq inside psycopg-binary's wheel is loaded (found, not imported) and
    a command works through it; psycopg itself is still not imported."""
    code = (
        "import sys, ctypes, json\n"
        "real = ctypes.CDLL.__init__\n"
        "def refuse(self, name, *a, **k):\n"
        "    if name == 'libpq.so.5': raise OSError(name)\n"
        "    real(self, name, *a, **k)\n"
        "ctypes.CDLL.__init__ = refuse\n"
        "from dso_calamiteit.adapters.stores import Location, libpq, open_store\n"
        "store = open_store(Location(url=sys.argv[1]))\n"
        "print(json.dumps([libpq.pq._name, store.summaries(), 'psycopg' in sys.modules]))\n"
        "store.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, pg_database], capture_output=True, text=True, check=False,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    name, summaries, psycopg_loaded = json.loads(done.stdout)
    assert "psycopg_binary.libs" in name and "libpq" in name
    assert summaries == [] and psycopg_loaded is False


def test_a_copy_that_fails_half_way_leaves_the_connection_idle(conn) -> None:  # type: ignore[no-untyped-def]
    """An error in the middle of a COPY stream (here a division by zero at the sixth row) is raised, and the
    COPY's results are read to their end: the connection is idle again, not busy, so a transaction after it
    begins as one (one that found it busy would join it and write without BEGIN or the writers' lock)."""
    from dso_calamiteit.adapters.stores import libpq

    rows = []
    with pytest.raises(libpq.Error) as failed:
        for row in conn.copy_rows("SELECT 10 / (n - 6) FROM generate_series(1, 10) AS n"):
            rows.append(row)
    assert failed.value.sqlstate == "22012" and len(rows) == 5
    assert conn.transaction_status == libpq.IDLE
    assert conn.execute("SELECT 1") == [(1,)]


def test_a_connection_dropped_unclosed_ends_its_session_at_once(conn, pg_cluster: Cluster,  # type: ignore[no-untyped-def]
                                                                 pg_database: str) -> None:
    """Nothing holds a connection in a cycle (the notice receiver holds it weakly): the last reference gone, its
    session ends without waiting for the collector."""
    import gc

    from dso_calamiteit.adapters.stores import libpq

    dropped = libpq.Connection(
        libpq.parse_conninfo(pg_database) | {"password": pg_cluster.password, "client_encoding": "UTF8"}
    )
    pid = dropped.execute("SELECT pg_backend_pid()")[0][0]
    was_on = gc.isenabled()
    gc.disable()
    try:
        del dropped
        deadline = time.monotonic() + 5
        while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", (pid,)) != [(0,)]:
            assert time.monotonic() < deadline, "the dropped connection's session is still there"
            time.sleep(0.05)
    finally:
        if was_on:
            gc.enable()


def test_notifications_are_waited_for_on_a_descriptor_above_1023(pg_cluster: Cluster, pg_database: str) -> None:
    """A long-running server with many files open gets sockets numbered 1024 and up, which select() refuses."""
    import resource

    from dso_calamiteit.adapters.stores import libpq

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"at most {hard} open files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = []
    try:
        while not held or held[-1] < 1030:
            held.append(os.open(os.devnull, os.O_RDONLY))
        high = libpq.Connection(
            libpq.parse_conninfo(pg_database) | {"password": pg_cluster.password, "client_encoding": "UTF8"}
        )
        try:
            assert libpq.pq.PQsocket(high._pg) >= 1024
            high.execute("LISTEN hoog")
            assert high.notifies(timeout=0.05, stop_after=1) == []
            high.execute("NOTIFY hoog, 'er'")
            assert high.notifies(timeout=1.0, stop_after=1) == ["er"]
        finally:
            high.close()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_text_that_is_not_utf8_is_said_not_a_traceback(pg_cluster: Cluster) -> None:
    """A SQL_ASCII database passes its bytes through unchecked: one that is not UTF-8 is an error with its
    SQLSTATE (said to the operator in Dutch by the store), in a result and in a COPY stream alike."""
    from dso_calamiteit.adapters.stores import libpq

    with other(pg_cluster, pg_cluster.admin_url) as admin:
        admin.execute("CREATE DATABASE ascii ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
    ascii_db = libpq.Connection(
        libpq.parse_conninfo(pg_cluster.url("ascii")) | {"password": pg_cluster.password, "client_encoding": "UTF8"}
    )
    try:
        with pytest.raises(libpq.Error) as said:
            ascii_db.execute("SELECT E'caf\\351'::text")
        assert said.value.sqlstate == "22021"
        with pytest.raises(libpq.Error) as streamed:
            list(ascii_db.copy_rows("SELECT E'caf\\351'::text"))
        assert streamed.value.sqlstate == "22021"
        assert ascii_db.execute("SELECT 'café'") == [("café",)]
    finally:
        ascii_db.close()


def test_ctrl_c_while_a_colleague_holds_the_writers_lock_ends_at_once(pg_cluster: Cluster, pg_database: str) -> None:
    """libpq's calls wait inside C, where Ctrl-C is not taken: the binding waits for each answer in Python, so
    Ctrl-C during a wait for the writers' lock asks the server to cancel and ends the command at once (exit 130,
    nothing recorded), not when the lock timeout (10 s) runs out."""
    from dso_calamiteit.domain import exitcodes

    env = dict(os.environ, CALAMITEIT_DB=pg_database, CALAMITEIT_AUTEUR="Anna", CALAMITEIT_LANG="nl")
    env.pop("CALAMITEIT_DATA_DIR", None)
    run = [sys.executable, "-c", "import sys; sys.argv = ['calamiteit', *sys.argv[1:]]; "
           "from dso_calamiteit.cli.entry import main; main()"]
    opened = subprocess.run([*run, "incident", "open", "Storing", "--level", "1"], env=env, capture_output=True,
                            text=True, check=True)
    incident = opened.stdout.strip().splitlines()[-1]
    with other(pg_cluster, pg_database) as colleague, other(pg_cluster, pg_database) as watcher:
        colleague.execute("BEGIN")
        # the writers' row lock of before session 36: it still stops today's table lock (a writer of an older
        # version, tests/test_postgres.py), and so does for this test what a colleague's write would
        colleague.execute("SELECT 1 FROM calamiteit.writer_lock WHERE id = 1 FOR UPDATE")
        proc = subprocess.Popen([*run, "log", incident, "Wacht op het slot", "--beeld"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
        try:
            with reaped(proc):  # ended with the block, whatever happens in it
                deadline = time.monotonic() + 15
                waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"  # (no transaction)
                while watcher.execute(waiting).fetchone() == (0,):
                    assert time.monotonic() < deadline and proc.poll() is None, "the command never waited for the lock"
                    time.sleep(0.05)
                sent = time.monotonic()
                proc.send_signal(signal.SIGINT)
                _, err = proc.communicate(timeout=30)
                took = time.monotonic() - sent
        finally:
            colleague.execute("ROLLBACK")
        entries = colleague.execute("SELECT count(*) FROM calamiteit.entries WHERE incident = %s", (incident,))
        stored = entries.fetchone()
    assert proc.returncode == exitcodes.INTERRUPTED, err
    assert took < 3, f"Ctrl-C was taken after {took:.1f} s"
    assert "onderbroken" in err and "niets vastgelegd" in err and "Traceback" not in err
    assert stored == (1,)  # the incident's opening only
