"""The logbook under load and faults: concurrent writers, a killed writer, a lock held too long."""

from __future__ import annotations

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters.stores import BusyError
from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE as FILE_NAME
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.errors import TamperedError
from dso_calamiteit.domain.logbook import fold, verify

from . import backends
from .conftest import Invoke, open_logbook, reaped

pytestmark = pytest.mark.usefixtures("backend")  # every test on SQLite and on PostgreSQL

AT = "2026-11-28T10:00:00+00:00"
WRITERS, EACH = 8, 200


def new_incident(folder: Path) -> str:
    store = open_logbook(folder)
    try:
        return store.open_incident("Belasting", {"title": "Belasting", "level": 0, "situation": None}, "t", AT).incident
    finally:
        store.close()


def writer(folder: str, incident: str, worker: int) -> None:
    store = open_logbook(Path(folder))
    try:
        for i in range(EACH):
            store.append(incident, "observation", {"text": f"w{worker}-{i}"}, f"schrijver {worker}", AT)
    finally:
        store.close()


def test_eight_processes_append_at_once(tmp_path: Path) -> None:
    incident = new_incident(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=writer, args=(str(tmp_path), incident, w)) for w in range(WRITERS)]
    with reaped(*procs):
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=240)
            assert p.exitcode == 0
    store = open_logbook(tmp_path)
    try:
        entries = store.entries(incident)
        summary = store.summary(incident)
    finally:
        store.close()
    assert [e.n for e in entries] == list(range(1, WRITERS * EACH + 2))  # none lost, none twice
    texts = [e.data["text"] for e in entries[1:]]
    assert sorted(texts) == sorted(f"w{w}-{i}" for w in range(WRITERS) for i in range(EACH))
    for w in range(WRITERS):  # each writer's own entries keep their order
        mine = [t for t in texts if t.startswith(f"w{w}-")]
        assert mine == [f"w{w}-{i}" for i in range(EACH)]
    assert verify(incident, entries, summary.head) == []


KILLED_WRITER = """
import os, sys
from pathlib import Path
from typing import Any
from dso_calamiteit.app.logbook import locate
from dso_calamiteit.adapters.stores import open_store
store = open_store(locate(None if os.environ.get("CALAMITEIT_DB") else Path(sys.argv[1])))
i = 0
while True:
    store.append(sys.argv[2], "observation", {"text": f"regel {i}" * 50}, "schrijver", "2026-11-28T10:00:00+00:00")
    i += 1
    if i == 20:
        print("bezig", flush=True)
"""


def test_writer_killed_half_way(tmp_path: Path) -> None:
    incident = new_incident(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path), incident], stdout=subprocess.PIPE)
    with reaped(proc):
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"bezig"
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    store = open_logbook(tmp_path)
    try:
        entries = store.entries(incident)
        assert len(entries) > 20
        assert verify(incident, entries, store.summary(incident).head) == []
        store.append(incident, "observation", {"text": "na de crash"}, "t", AT)  # and it goes on
        assert fold(store.entries(incident)).entries == len(entries) + 1
    finally:
        store.close()


def test_lock_held_too_long_is_a_clear_error(tmp_path: Path) -> None:
    incident = new_incident(tmp_path)
    store = open_logbook(tmp_path, busy_ms=300)
    try:
        with backends.write_lock_held(tmp_path):
            started = time.monotonic()
            with pytest.raises(BusyError, match="bezet"):
                store.append(incident, "observation", {"text": "x"}, "t", AT)
            assert 0.25 < time.monotonic() - started < 5
        store.append(incident, "observation", {"text": "x"}, "t", AT)
    finally:
        store.close()


def test_a_short_lock_is_waited_for(tmp_path: Path) -> None:
    """An append that meets another writer's lock waits for it (no fixed sleep: the lock is released only once
    the append is seen waiting for it) and goes in after it, as the next entry."""
    import threading

    incident = new_incident(tmp_path)
    attempting = threading.Event()
    outcome: list[object] = []

    def append() -> None:
        store = open_logbook(tmp_path)
        try:
            if not backends.postgres():  # SQLite: the append's BEGIN IMMEDIATE is where it meets the lock
                store.conn.set_trace_callback(lambda sql: attempting.set() if sql.startswith("BEGIN") else None)
            outcome.append(store.append(incident, "observation", {"text": "gewacht"}, "t", AT))
        except Exception as exc:  # said by the assertion below
            outcome.append(exc)
        finally:
            attempting.set()
            store.close()

    writer = threading.Thread(target=append)
    with backends.write_lock_held(tmp_path):
        writer.start()
        if backends.postgres():  # the append is waiting once the server shows its lock request not granted
            waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted"  # the writers' row lock, waited for
            while backends.rows(tmp_path, waiting) == [(0,)] and writer.is_alive():
                time.sleep(0.01)
        else:
            assert attempting.wait(timeout=60)
        writer.join(timeout=0.2)
        assert writer.is_alive() and outcome == [], outcome  # held up by the lock, not refused at once
    writer.join(timeout=60)
    assert not writer.is_alive()
    (entry,) = outcome
    assert getattr(entry, "n", entry) == 2


def test_busy_logbook_through_the_cli(calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = calamiteit("incident", "open", "x").out.strip()
    monkeypatch.setattr("dso_calamiteit.adapters.stores.sqlite.BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr("dso_calamiteit.adapters.stores.postgres.LOCK_TIMEOUT_MS", 200)
    with backends.write_lock_held(tmp_path / "data"):
        result = calamiteit("log", incident, "x", "--beeld")
    assert result.code == exitcodes.FAILURE
    assert "bezet" in result.err and "Traceback" not in result.err


@pytest.mark.sqlite_only
def test_a_first_release_logbook_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dso_calamiteit.adapters.stores import sqlite as store_mod

    with monkeypatch.context() as old:  # the store as the first release shipped it: schema 1
        old.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
        old.setattr(store_mod, "SCHEMA_VERSION", 1)
        incident = new_incident(tmp_path)
        with sqlite3.connect(tmp_path / FILE_NAME) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
            assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'checks'").fetchall()
    store = open_logbook(tmp_path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == store_mod.SCHEMA_VERSION
        assert store.code is not None and len(store.code) == 4  # a migrated logbook gets its code too
        store.record_checks([(AT, "Loket", "prod", "https://example.nl/", "beschikbaar", 200, 12.0, "")])
        store.append(incident, "observation", {"text": "na de migratie"}, "test", AT)  # the guards let it through
        with pytest.raises(sqlite3.DatabaseError, match="follows its entries"):
            store.conn.execute("UPDATE incidents SET actions = 0")
        assert verify(incident, store.entries(incident), store.summary(incident).head) == []
    finally:
        store.close()


def _colleague_writes_during_render(
    monkeypatch: pytest.MonkeyPatch, folder: Path, incident: str, times: int
) -> list[int]:
    """Make every render of a sitrap (the first `times`) be interrupted by a colleague's append that may
    not wait for a lock (busy_ms=0): it fails with "bezet" if the report holds the write lock meanwhile."""
    from dso_calamiteit.views import sitrap as reports

    written: list[int] = []
    render = reports.FORMATS["md"]

    def slow_render(report: object, names: dict[str, str], *, anyway: str) -> str:
        if len(written) < times:
            colleague = open_logbook(folder, busy_ms=0)
            try:
                written.append(
                    colleague.append(incident, "observation", {"text": f"tussendoor {len(written)}"}, "collega", AT).n
                )
            finally:
                colleague.close()
        return render(report, names, anyway=anyway)  # type: ignore[arg-type]

    monkeypatch.setitem(reports.FORMATS, "md", slow_render)
    return written


def test_a_colleague_writes_while_the_report_is_built(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is built outside the write lock: an append during it never waits; the report catches up
    with it, takes the next entry and shows what the colleague wrote."""
    incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
    calamiteit("log", incident, "eerste beeld", "--beeld")
    written = _colleague_writes_during_render(monkeypatch, tmp_path / "data", incident, times=1)
    result = calamiteit("rapport", incident)
    assert result.code == exitcodes.OK, result.err
    assert written == [3]
    assert "Situatierapport 1" in result.out and "tussendoor 0" in result.out
    store = open_logbook(tmp_path / "data")
    try:
        entries = store.entries(incident)
        assert [e.kind for e in entries][-2:] == ["observation", "report"]
        assert entries[-1].n == 4 and entries[-1].data["number"] == 1
        assert f"Logboek: 4 regels, laatste hash `{entries[-1].hash[:16]}`" in result.out
        assert verify(incident, entries, store.summary(incident).head) == []
    finally:
        store.close()


def test_a_report_that_never_catches_up_records_nothing(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
    out = tmp_path / "sitrap.md"
    written = _colleague_writes_during_render(monkeypatch, tmp_path / "data", incident, times=100)
    result = calamiteit("rapport", incident, "--output", str(out))
    assert result.code == exitcodes.FAILURE
    assert "veranderde 5 keer" in result.err and "Traceback" not in result.err
    assert len(written) == 5 and not out.exists() and not list(tmp_path.glob(".sitrap.md.*"))
    store = open_logbook(tmp_path / "data")
    try:
        assert "report" not in [e.kind for e in store.entries(incident)]
    finally:
        store.close()


SNAPSHOT_WRITERS = 4
SNAPSHOT_SECONDS = 10.0  # per engine, at least: a verify every few ms against four writers, hundreds of rounds
SNAPSHOT_GROWTH = 200  # and at least this many appends made while the reads ran, however loaded the machine
SNAPSHOT_CAP = 180.0  # a machine so loaded that the writers cannot make that many in this time fails the test


def appender(folder: str, incident: str, worker: int, stop: Any) -> None:
    """Append until the reader sets `stop` (it decides when enough has been read against enough appends)."""
    store = open_logbook(Path(folder))
    try:
        i = 0
        while not stop.is_set():
            store.append(incident, "observation", {"text": f"w{worker}-{i}"}, f"schrijver {worker}", AT)
            i += 1
    finally:
        store.close()


def test_verify_against_appending_colleagues_never_cries_tamper(tmp_path: Path) -> None:
    """Issue 27: the incident's row and its entries are read in one snapshot, so a colleague's append during
    `incident verify` (or `check`, `show --json`, `export`) is wholly seen or not at all: no false alarm."""
    from dso_calamiteit.app import handover
    from dso_calamiteit.app import incidents as use
    from dso_calamiteit.app import logbook as app_logbook
    from dso_calamiteit.app.place import Place

    incident = new_incident(tmp_path)
    where = Place(None if backends.postgres() else tmp_path)
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    procs = [ctx.Process(target=appender, args=(str(tmp_path), incident, w, stop)) for w in range(SNAPSHOT_WRITERS)]
    for p in procs:
        p.start()
    alarms: list[str] = []
    rounds = 0
    store = open_logbook(tmp_path)

    def entries() -> int:
        return store.summary(incident).entries

    # Counted from the writers' first append, not from their start: spawning four interpreters on a loaded
    # machine can take longer than the whole window, and reads against a log that does not grow prove nothing.
    begun = entries()
    cap = time.monotonic() + SNAPSHOT_CAP
    with reaped(*procs):
        try:
            while entries() == begun and time.monotonic() < cap:
                time.sleep(0.01)
            first = entries()
            since = time.monotonic()
            while time.monotonic() < cap and (
                time.monotonic() - since < SNAPSHOT_SECONDS or entries() - first < SNAPSHOT_GROWTH or rounds < 5
            ):
                verified = use.verify(where, incident, None)
                alarms += [f"verify: {f.n} {f.message}" for f in verified.faults]
                alarms += [f"check: {p.message}" for p in app_logbook.check(where).broken]
                _, _, faults, _ = use.each_entry(where, incident, lambda e: e.n)
                alarms += [f"show: {f.n} {f.message}" for f in faults]
                try:
                    exported = handover.export_incident(where, incident)
                except TamperedError as exc:
                    alarms.append(f"export: {exc.message}")
                else:
                    if exported.summary.entries != len(exported.entries):
                        alarms.append(f"export: row {exported.summary.entries}, entries {len(exported.entries)}")
                rounds += 1
            grown = entries() - first
        finally:
            stop.set()
            for p in procs:
                p.join(timeout=60)
            store.close()
    assert all(p.exitcode == 0 for p in procs)
    assert alarms == [], f"{len(alarms)} false alarms in {rounds} rounds: {alarms[:3]}"
    # reads ran while the log grew; missing this means the cap was reached (a machine too loaded to judge)
    assert rounds >= 5 and grown >= SNAPSHOT_GROWTH, (rounds, grown)


def test_a_read_that_stops_half_way_leaves_the_logbook_usable(tmp_path: Path) -> None:
    """A snapshot left by an exception while its entries are still streaming (a broken entry, an interrupt) ends
    at once and the store reads on; on PostgreSQL a half-read stream held the connection and ROLLBACK waited on it
    for ever (a hang found in the merged suite)."""
    import threading

    incident = new_incident(tmp_path)
    store = open_logbook(tmp_path)
    for i in range(3):
        store.append(incident, "observation", {"text": f"regel {i}"}, "Coördinator Test", AT)
    outcome: list[object] = []

    def stop_half_way() -> None:
        try:
            with store.snapshot():
                entries = store.stream(incident)
                next(entries)
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            outcome.append(store.summary(incident).entries)

    reader = threading.Thread(target=stop_half_way, daemon=True)
    reader.start()
    reader.join(timeout=30)
    try:
        assert not reader.is_alive(), "the snapshot did not end: the half-read stream held the connection"
        assert outcome == [4]
    finally:
        if not reader.is_alive():
            store.close()


BIG = 200_000
MEMORY_BOUND_MIB = 64  # issue 27: flat in the number of entries (measured 40 MiB; `show --json` was 200 MiB)


def build_big(folder: str, count: int) -> None:
    """An incident BIG-1 of `count` entries, in a child process (spawned: the test's own memory stays small,
    and a child forked from it would carry its peak into the measured command's)."""
    from dso_calamiteit.domain.logbook import GENESIS, Entry, canonical, entry_hash

    entries, prev = [], GENESIS
    for n in range(1, count + 1):
        kind, data = ("open", {"title": "Groot", "level": 1, "situation": None}) if n == 1 else (
            "observation", {"text": f"Regel {n}: de servicedesk meldt een wisselend beeld."})
        text = canonical(data)
        digest = entry_hash("BIG-1", n, AT, "t", kind, text, prev)
        entries.append(Entry("BIG-1", n, AT, "t", kind, text, prev, digest))
        prev = digest
    store = open_logbook(Path(folder))
    try:
        store.import_entries(entries, "Groot", 1, 0, 0)
    finally:
        store.close()


PEAK_OF = """
import atexit, sys
def peak():  # VmHWM: this process's own high-water mark since exec (ru_maxrss would count a parent's peak)
    with open("/proc/self/status") as status:
        found = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    print("VmHWM", found[0], file=sys.stderr)
atexit.register(peak)
sys.argv = ["calamiteit", *sys.argv[1:]]
from dso_calamiteit.cli.entry import main
main()
"""


@pytest.mark.sqlite_only
def test_reading_a_big_incident_keeps_memory_flat(tmp_path: Path) -> None:
    """`incident show --json`, `incident verify`, `incident export`, `rapport` and `oproep` of 200,000 entries
    stay under 64 MiB peak (the command's own high-water mark): documents are written while the entries stream
    past, a sitrap keeps only the notes it shows."""
    import json
    import os

    child = multiprocessing.get_context("spawn").Process(target=build_big, args=(str(tmp_path), BIG))
    with reaped(child):
        child.start()
        child.join(timeout=300)
        assert child.exitcode == 0
    env = dict(os.environ, CALAMITEIT_DATA_DIR=str(tmp_path))
    env.pop("CALAMITEIT_DB", None)
    out, exported, report = tmp_path / "show.json", tmp_path / "export.json", tmp_path / "sitrap.json"
    for argv, stdout in (
        (["incident", "show", "BIG-1", "--json"], out),
        (["incident", "verify", "BIG-1"], None),
        (["incident", "export", "BIG-1", "-o", str(exported)], None),  # to a file, streamed and renamed
        (["incident", "export", "BIG-1"], None),  # to stdout
        (["rapport", "BIG-1", "--concept"], None),  # Markdown
        (["oproep", "BIG-1"], None),  # what would go to whom; nothing is sent
        (["rapport", "BIG-1", "--format", "json"], report),  # numbered: its entry recorded
    ):
        with open(stdout or os.devnull, "wb") as sink:
            done = subprocess.run([sys.executable, "-c", PEAK_OF, *argv], env=env, stdout=sink,
                                  stderr=subprocess.PIPE, text=True, check=False, timeout=300)
        assert done.returncode == 0, done.stderr
        peak = int(done.stderr.split("VmHWM")[-1].split()[0]) / 1024
        assert peak < MEMORY_BOUND_MIB, f"{' '.join(argv)}: {peak:.0f} MiB at {BIG:,} entries"
    doc = json.loads(out.read_text(encoding="utf-8"))  # and the document is whole and right
    assert doc["kind"] == "timeline" and doc["chain"] == {"verified": True, "faults": []}
    assert len(doc["entries"]) == BIG and doc["entries"][-1]["n"] == BIG and doc["incident"] == "BIG-1"
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["kind"] == "incident-export" and "chain" not in doc and doc["head"] == doc["entries"][-1]["hash"]
    assert len(doc["entries"]) == BIG
    assert doc["entries"][1]["body"] == {"text": "Regel 2: de servicedesk meldt een wisselend beeld."}
    doc = json.loads(report.read_text(encoding="utf-8"))  # the newest 50 observations, the rest counted
    assert doc["number"] == 1 and doc["earlier_observations"] == BIG - 1 - 50
    assert [o["text"] for o in doc["observations"]][-1].startswith(f"Regel {BIG}:") and len(doc["observations"]) == 50
