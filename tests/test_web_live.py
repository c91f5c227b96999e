"""Live pages of `calamiteit web`: an entry logged from the CLI reaches an open event stream (server-sent
events) on SQLite and on PostgreSQL, carrying only the incident and its entry number; the JavaScript that
re-reads the page is shipped in the package and runs under the site's CSP (no inline script)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import Invoke, reaped
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")


def first_event(url: str, found: list[tuple[float, str]], ready: threading.Event) -> None:
    with httpx.stream("GET", url, timeout=10) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        ready.set()
        lines: list[str] = []
        for line in answer.iter_lines():
            if line.startswith("data:") and lines and lines[-1] == "event: regel":
                found.append((time.monotonic(), line[5:].strip()))
                return
            lines.append(line)


@pytest.mark.usefixtures("backend")
def test_an_entry_from_the_cli_reaches_an_open_stream(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Live").out.strip()
    other = calamiteit("incident", "open", "Een ander").out.strip()
    with serving() as site:
        found: list[tuple[float, str]] = []
        ready = threading.Event()
        reader = threading.Thread(target=first_event, args=(f"{site.url}/live/incident/{incident}", found, ready))
        reader.start()
        assert ready.wait(10)
        time.sleep(0.5)  # the watcher has read the counts once
        assert calamiteit("log", other, "niet dit incident", "--beeld").code == 0
        time.sleep(1.0)
        assert found == []  # another incident's entry is not this page's news
        written = time.monotonic()
        assert calamiteit("log", incident, "Loket weer bereikbaar", "--beeld").code == 0
        reader.join(10)
    assert [data for _, data in found] == [f"{incident} 2"]  # the incident and the entry number, nothing else
    assert found[0][0] - written < 1.0, f"{found[0][0] - written:.2f} s"


def test_the_pages_script_is_shipped_and_never_inline(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Script").out.strip()
    with serving() as site:
        pages = [httpx.get(site.url + p) for p in ("/", f"/incident/{incident}", f"/incident/{incident}?pagina=1")]
        script = httpx.get(site.url + "/static/live.js")
        unknown = httpx.get(site.url + "/live/incident/%3Cx%3E")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "EventSource" in script.text and "http" not in script.text.replace("https", "")
    assert not re.search(r"//[a-z0-9.-]+\.[a-z]{2,}", script.text)  # no external source
    for page in pages:
        tags = re.findall(r"<script[^>]*>", page.text)
        assert tags == ['<script src="/static/live.js" defer>'], tags
        assert "<script>" not in page.text and " on" not in "".join(re.findall(r"<[^>]+>", page.text)).lower()
    assert 'data-live="/live/"' in pages[0].text and f'data-live="/live/incident/{incident}"' in pages[1].text
    assert unknown.status_code == 404


@pytest.mark.usefixtures("backend")
def test_a_waiting_reader_wakes_when_another_connection_writes(calamiteit: Invoke) -> None:
    """What the live pages (and `show --follow`) wait on: a NOTIFY on PostgreSQL, PRAGMA data_version on SQLite;
    never the whole wait (10 s asked; SQLite looks for at most 1 s). Measured from the moment the write is
    committed, by a plain append in another connection, so a loaded machine's slow start-up does not count."""
    from dso_calamiteit.app.incidents import record_note
    from dso_calamiteit.app.logbook import opened

    incident = calamiteit("incident", "open", "Wachten").out.strip()
    written: list[float] = []

    def write() -> None:
        record_note(None, incident, "observation", "nu", "test")
        written.append(time.monotonic())

    with opened(None, readonly=True) as store:
        store.wait(incident, 0)
        writer = threading.Timer(0.2, write)
        writer.start()
        store.wait(incident, 10.0)
        woke = time.monotonic()
        seen = store.summary(incident).entries  # read before the writer is joined: it woke because of the write
        writer.join()
    assert seen == 2
    assert woke - written[0] < 0.5, f"woke {woke - written[0]:.2f} s after the write"


def test_ctrl_c_stops_the_site_with_streams_open(calamiteit: Invoke) -> None:
    import signal

    incident = calamiteit("incident", "open", "Stoppen").out.strip()
    with serving() as site:
        ready = threading.Event()
        reader = threading.Thread(target=lambda: _hold(f"{site.url}/live/incident/{incident}", ready), daemon=True)
        reader.start()
        assert ready.wait(10)
        site.process.send_signal(signal.SIGINT)
        code = site.process.wait(10)
        assert site.process.stderr is not None
        said = site.process.stderr.read()
    assert code == 130 and "Traceback" not in said and "ERROR" not in said  # as every command on Ctrl-C
    assert said.strip().splitlines()[-1] == "calamiteit: onderbroken", said


def _hold(url: str, ready: threading.Event) -> None:
    try:
        with httpx.stream("GET", url, timeout=20) as answer:
            ready.set()
            for _ in answer.iter_lines():
                pass
    except httpx.HTTPError:
        pass


@pytest.mark.postgres_only
@pytest.mark.usefixtures("backend")
def test_the_notify_names_the_incident_and_the_entry_number(
    calamiteit: Invoke, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against the real PostgreSQL server: a logbook of the schema before (7) is brought up by `db upgrade`, and
    from then on every stored entry's NOTIFY says "<incident> <n>", to any listener."""
    import json

    import psycopg

    from dso_calamiteit.adapters.stores import postgres as engine

    from . import backends

    with backends.client(tmp_path) as conn:
        conn.execute("DROP SCHEMA calamiteit CASCADE")
    with monkeypatch.context() as old:
        old.setattr(engine, "MIGRATIONS", engine.MIGRATIONS[:7])
        old.setattr(engine, "SCHEMA_VERSION", 7)
        assert calamiteit("db", "upgrade", "--json").code == 0
        incident = calamiteit("incident", "open", "Voor de upgrade").out.strip()
    upgraded = calamiteit("db", "upgrade", "--json")
    assert json.loads(upgraded.out)["after"] == engine.SCHEMA_VERSION >= 8, upgraded.out + upgraded.err
    url = backends.postgres()
    assert url
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("LISTEN calamiteit")
        assert calamiteit("log", incident, "Na de upgrade", "--beeld").code == 0
        assert calamiteit("log", incident, "En nog een", "--beeld").code == 0
        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=2)]
    assert heard == [f"{incident} 2", f"{incident} 3"]


@pytest.mark.postgres_only
@pytest.mark.usefixtures("backend")
def test_the_watcher_takes_the_entry_number_from_the_notify(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the live pages follow (app.incidents.watch): on PostgreSQL a stored entry wakes it at once and the
    NOTIFY's number is the new count: the logbook is not read again for it."""
    from dso_calamiteit.adapters.stores.postgres import PostgresStore
    from dso_calamiteit.app import incidents
    from dso_calamiteit.app.place import Place

    incident = calamiteit("incident", "open", "Gevolgd").out.strip()
    reads: list[int] = []
    real = PostgresStore.summaries

    def counted(self: PostgresStore, *args, **kwargs):
        reads.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PostgresStore, "summaries", counted)
    monkeypatch.setattr(incidents, "WATCH_S", 30.0)  # no read because nothing was heard for a while
    follow = incidents.watch(Place(None, None, None))
    try:
        assert next(follow) == {incident: 1} and len(reads) == 1
        reads.clear()
        other = calamiteit("incident", "open", "Nieuw").out.strip()
        assert calamiteit("log", incident, "Een", "--beeld").code == 0
        assert calamiteit("log", incident, "Twee", "--beeld").code == 0
        reads_by_cli = len(reads)  # the CLI's own reads, in this process
        started = time.monotonic()
        seen = next(follow)
        while seen.get(incident) != 3:
            seen = next(follow)
        waited = time.monotonic() - started
    finally:
        follow.close()
    assert seen == {incident: 3, other: 1}
    assert len(reads) == reads_by_cli, "the watcher read the logbook again instead of taking the NOTIFY's number"
    assert waited < 2.0, f"{waited:.2f} s"


@pytest.mark.sqlite_only
def test_the_watcher_still_sees_new_entries_after_the_write_ahead_log_was_deleted_under_it(
    calamiteit: Invoke,
) -> None:
    """Found by running benchmarks/web.py's crowd three times against one site: from then on no page was told
    of a new entry. Other connections of the same process opening and closing (every page read does) while
    another process writes and closes: the logbook's -wal and -shm files were deleted and made anew, and a
    connection that stays open (the site's watcher) kept reading the deleted ones, so it saw the logbook as of
    then, for ever (the cause: the test below). Each of three entries logged from the CLI must reach the
    watcher within 2 s."""
    import subprocess

    from dso_calamiteit.app import incidents
    from dso_calamiteit.app.logbook import opened

    from .web import SCRIPT

    incident = calamiteit("incident", "open", "Waakhond").out.strip()
    seen: list[tuple[float, int]] = []
    stop = threading.Event()

    def watch() -> None:
        for counts in incidents.watch(None):
            seen.append((time.monotonic(), counts.get(incident, 0)))
            if stop.is_set():
                return

    def churn() -> None:  # what the site's page reads do: open, read, close
        while not stop.is_set():
            with opened(None, readonly=True) as store:
                store.summaries()
            time.sleep(0.02)

    threads = [threading.Thread(target=watch, daemon=True), threading.Thread(target=churn, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        for n in (2, 3, 4):
            done = subprocess.run([str(SCRIPT), "log", incident, f"regel {n}", "--beeld"], capture_output=True,
                                  text=True, check=False)
            assert done.returncode == 0, done.stderr
            logged = time.monotonic()
            deadline = logged + 2.0
            while not any(count >= n for _, count in seen) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert any(count >= n for _, count in seen), f"entry {n} not seen by the watcher within 2 s"
    finally:
        stop.set()
        calamiteit("log", incident, "wekt de watcher om te stoppen", "--beeld")


@pytest.mark.sqlite_only
def test_a_waiting_reader_left_on_deleted_files_still_wakes_at_once(calamiteit: Invoke) -> None:
    """The wait itself, as the site's watcher waits (a connection kept open while others of this process open
    and close and other processes write): its PRAGMA data_version must go on changing with each commit (it
    did not once the files were deleted under it). While a second process writes, a 1 s wait must end early
    at least once (woken by a commit), not always run its full second."""
    import subprocess

    from dso_calamiteit.app.logbook import opened

    from .web import SCRIPT

    incident = calamiteit("incident", "open", "Verweesd").out.strip()
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            with opened(None, readonly=True) as other:
                other.summaries()
            time.sleep(0.02)

    def logged_while_waiting(store: object, text: str) -> list[float]:
        other = subprocess.Popen([str(SCRIPT), "log", incident, text, "--beeld"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        waits = []
        with reaped(other):
            deadline = time.monotonic() + 120  # a bound for a failure only
            while other.poll() is None and time.monotonic() < deadline:  # waiting as the site's watcher waits
                started = time.monotonic()
                store.wait(incident, 1.0)  # type: ignore[attr-defined]
                waits.append(time.monotonic() - started)
            assert other.wait(timeout=1) == 0, other.stderr.read() if other.stderr else ""
        return waits

    churning = threading.Thread(target=churn, daemon=True)
    with opened(None, readonly=True) as store:
        store.wait(incident, 0)
        churning.start()
        try:
            logged_while_waiting(store, "eerste, uit een ander proces")  # deleted the files under `store`
            # two writers: a commit in the last 50 ms of a wait ends it at its second anyway (0.25 % for both)
            waits = logged_while_waiting(store, "tweede") + logged_while_waiting(store, "derde")
        finally:
            stop.set()
            churning.join()
    assert min(waits) < 0.9, f"every wait ran its full second: {waits}"


@pytest.mark.sqlite_only
def test_opening_the_logbook_again_keeps_the_locks_of_connections_already_open(calamiteit: Invoke) -> None:
    """Why the connection above was left on deleted files: opening a store read the file's first bytes with a
    file handle of its own and closed it, and closing any handle on a file drops every POSIX lock this
    process holds on it, SQLite's too (sqlite.org/howtocorrupt.html 2.2). Another process that then closes
    takes itself for the last one and deletes the write-ahead log under the connections still open here. So:
    with a connection open, opening (and closing) another store and then a write from another process must
    leave the -wal file in place."""
    import subprocess

    from dso_calamiteit.app.logbook import opened

    from .web import SCRIPT

    incident = calamiteit("incident", "open", "Sloten").out.strip()
    with opened(None, readonly=True) as store:
        store.summaries()
        with opened(None, readonly=True) as other:
            other.summaries()
        done = subprocess.run([str(SCRIPT), "log", incident, "uit een ander proces", "--beeld"], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
        wal = Path(f"{store.where}-wal")
        assert wal.exists(), "the other process deleted the write-ahead log while this one had it open"
        assert store.summary(incident).entries == 2
