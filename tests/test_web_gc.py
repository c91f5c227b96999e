"""The cyclic garbage collector is paused while a store is open for a read or a write (app.logbook.opened), and
on again when the last of them closes, in whichever thread: a store kept open for as long as the site runs (the
web's watcher) does not switch it off for the life of the process."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from dso_calamiteit.app import incidents
from dso_calamiteit.app.logbook import opened
from dso_calamiteit.app.place import Place

from .conftest import Invoke
from .web import free_port

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def collecting() -> Iterator[None]:
    """The collector on at the start, no store counted as open, and both again after the test."""
    from dso_calamiteit.app import logbook

    assert logbook._pausing == 0
    gc.enable()
    yield
    gc.enable()
    assert logbook._pausing == 0


def test_the_collector_is_on_again_only_when_the_last_store_closes_in_whichever_thread(
    calamiteit: Invoke, collecting: None
) -> None:
    calamiteit("incident", "open", "Draden")
    where = Place(None, None, None)
    holding, release, closed = threading.Event(), threading.Event(), threading.Event()

    def long_read() -> None:
        with opened(where, readonly=True):
            holding.set()
            release.wait(10)
        closed.set()

    other = threading.Thread(target=long_read)
    other.start()
    assert holding.wait(10)
    assert not gc.isenabled()  # paused while a store is open
    with opened(where, readonly=True):
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's store is still open
    # and the other way round: the first opener closes while a store opened after it is still open
    with opened(where, readonly=True):
        release.set()
        other.join(10)
        assert closed.is_set() and not gc.isenabled()  # this one is still open
    assert gc.isenabled()  # the last one closed: on again


def test_the_watcher_open_for_ever_leaves_the_collector_on(calamiteit: Invoke, collecting: None) -> None:
    incident = calamiteit("incident", "open", "Kijker").out.strip()
    where = Place(None, None, None)
    seen: list[dict[str, int]] = []
    stop = threading.Event()

    def watching() -> None:
        for counts in incidents.watch(where):  # closed (and its store) when the loop ends
            seen.append(counts)
            if stop.is_set():
                break

    watcher = threading.Thread(target=watching, daemon=True)
    watcher.start()
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen and seen[0] == {incident: 1}
    assert gc.isenabled()  # the watcher's store is open (and stays so): the collector is not paused for it
    with opened(where, readonly=True):
        assert not gc.isenabled()
    assert gc.isenabled()
    stop.set()
    assert calamiteit("log", incident, "Stop maar", "--beeld").code == 0  # the watcher sees it and stops
    watcher.join(10)
    assert not watcher.is_alive()


def test_the_running_site_collects_while_it_serves(calamiteit: Invoke, collecting: None) -> None:
    """The site's own app, served by uvicorn in this process: after its live pages started the watcher and
    pages were read, the collector is on."""
    import uvicorn

    from dso_calamiteit.web import pages, site

    incident = calamiteit("incident", "open", "Site").out.strip()
    settings = pages.Settings(Place(None, None, None), None, None, "127.0.0.1")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(site.build(settings), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=10) as client, client.stream("GET", "/live/") as stream:
            lines = stream.iter_lines()
            time.sleep(0.5)  # the watcher thread started by this stream has read the counts once
            assert calamiteit("log", incident, "Nieuw", "--beeld").code == 0
            told = next(line for line in lines if line.startswith("data:"))
            assert told.strip() == f"data: {incident} 2"  # the watcher's store is open and read
            for _ in range(3):
                assert client.get("/").status_code == 200
                assert client.get(f"/incident/{incident}").status_code == 200
            assert gc.isenabled()
    finally:
        server.should_exit = True
        serving.join(10)
