"""Web benchmark: `calamiteit web`, the incident page of a 10,000-entry incident beside `incident show --json` of
the same incident, and the public status page.

    python benchmarks/web.py [--entries 10000] [--runs 7] [--quick]

The server runs as a user starts it (the console script, on loopback); pages are fetched over one kept-alive
HTTP connection, after one warm-up fetch each, and their median is taken. `show --json` is the whole command
(start-up included), as an operator or a script gets it. The running site verifies the open incidents' chains
whole before it listens (so the time until it listens is shown too), then beside the readers at most every 30 s
(web/site.py WHOLE_S, app.incidents.KeptTimelines), and the entries added since on every read; a page further
back is read and held to the hashes that whole verification saw. Targets (issue 26): the incident page under
300 ms, on the first fetch after start as on later ones and on page 2 (and the index page `/`), and
within 1.5x `show --json` of the same incident; the status page within 50 ms (with the same incident holding 10
public updates and a month of checks for 20 applications); 200 page loads at once all answered, and 200 open
event streams all told of an entry logged from the CLI (the time to the last one is shown: it includes the
CLI's own start-up). The status page is worked out at most every 5 s
for all readers (web/site.py, PUBLIC_S): the target is what a reader gets; the first fetch, which works it out,
is shown beside it. The pages' status and content are checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bench
import httpx
import logbook

from dso_calamiteit.adapters.stores import location, open_store
from dso_calamiteit.domain import dutchtime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def checks(apps: int, days: int) -> list[tuple[str, str, str, str, str, int | None, float | None, str]]:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rows = []
    for i in range(days * 24 * 4):  # every 15 minutes
        at = dutchtime.stamp(now - timedelta(minutes=15 * i))
        for a in range(apps):
            down = (i + a) % 400 == 0
            rows.append((at, f"Applicatie {a}", "prod", f"https://a{a}.example.nl/",
                         "onbeschikbaar" if down else "beschikbaar", None if down else 200, 80.0, ""))
    return rows


def timed_get(client: httpx.Client, url: str, runs: int, must: str) -> tuple[float, float]:
    """The first fetch (warm-up: templates compiled; for the status page the one that works it out) and the
    median of the next `runs`, in ms."""
    started = time.perf_counter()
    answer = client.get(url)
    first = (time.perf_counter() - started) * 1000
    if answer.status_code != 200 or must not in answer.text:
        raise bench.Failed(f"GET {url}: {answer.status_code}, {must!r} not in the page")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(url)
        times.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise bench.Failed(f"GET {url}: {answer.status_code}")
    return first, bench.median_ms(times)


@dataclass
class Crowd:
    pages: int  # page loads answered 200
    streams: int  # event streams opened (200)
    told: int  # streams told of the new entry
    reach_s: float  # seconds from the log to the last stream told
    again: int  # streams opened on a second try: their kept-alive connection was closed before any answer
    failed: Counter[str]  # why a stream did not open or was not told, per cause


async def crowd(base: str, readers: int, exe: str, env: dict[str, str]) -> Crowd:
    """`readers` page loads at once, and `readers` open event streams of which each must see an entry logged
    from the CLI.

    The streams go over the connections the page loads left open. The server closes a connection idle for
    5 s (uvicorn's keep-alive timeout); a request sent on one at that very moment gets no answer at all
    ("Server disconnected without sending a response", or a reset when the request reached the server as it
    closed): the race every HTTP/1.1 client has, which a browser meets by sending that GET again on a new
    connection (RFC 9112 9.3.1; an EventSource reconnects as well). So does this client, once, and counts it;
    any other failure is counted with its cause."""
    limits = httpx.Limits(max_connections=readers * 2 + 10, max_keepalive_connections=readers * 2 + 10)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        answers = await asyncio.gather(*(client.get("/incident/SMALL-1" if i % 2 else "/status/")
                                         for i in range(readers)))
        pages = sum(a.status_code == 200 for a in answers)
        opened, told = asyncio.Event(), []
        count, again, failed = [0], [0], Counter[str]()

        async def listen() -> None:
            for attempt in (1, 2):
                answered = False
                try:
                    async with client.stream("GET", "/live/incident/SMALL-1") as stream:
                        answered = True
                        if stream.status_code != 200:
                            failed[f"HTTP {stream.status_code}"] += 1
                            return
                        count[0] += 1
                        again[0] += attempt - 1
                        if count[0] == readers:
                            opened.set()
                        async for line in stream.aiter_lines():
                            if line.startswith("data: SMALL-1"):
                                told.append(time.perf_counter())
                                return
                    failed["stream ended before the entry"] += 1
                    return
                except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                    if answered or attempt == 2:  # (a reset shows as a ReadError or WriteError, with no text)
                        failed[f"{type(exc).__name__}: {exc}"] += 1
                        return
                except httpx.HTTPError as exc:
                    failed[f"{type(exc).__name__}: {exc}"] += 1
                    return

        tasks = [asyncio.create_task(listen()) for _ in range(readers)]
        with contextlib.suppress(TimeoutError):  # fewer opened: counted below
            await asyncio.wait_for(opened.wait(), 60)
        await asyncio.sleep(0.5)
        logged = time.perf_counter()
        await asyncio.to_thread(bench.run, [exe, "log", "SMALL-1", "Nieuw voor iedereen", "--beeld"], env)
        _, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            task.cancel()
        failed["not told within 10 s"] += len(pending)
        reach_s = (max(told) - logged) if told else float("inf")
        return Crowd(pages, count[0], len(told), reach_s, again[0], +failed)


def main() -> int:
    args = bench.arguments(
        __doc__, {"entries": (10_000, 300), "runs": (7, 2), "apps": (20, 3), "days": (30, 2), "readers": (200, 20)}
    )
    exe = bench.executable()
    report = bench.Report(args.quick)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(location.folder(Path(folder)), upgrade=True)
        logbook.build(store, "BIG-1", args.entries)
        logbook.build(store, "SMALL-1", 10)
        at = dutchtime.stamp(datetime.now(UTC))
        for i in range(10):
            store.append("BIG-1", "public_update", {"text": f"Publieke update {i}"}, "benchmark", at)
        store.record_checks(checks(args.apps, args.days))
        store.close()
        env = {**os.environ, "CALAMITEIT_DATA_DIR": folder, "CALAMITEIT_AUTEUR": "benchmark"}

        def complete(out: str) -> str | None:
            found = len(json.loads(out)["entries"])
            return None if found == args.entries + 10 else f"{found} entries, expected {args.entries + 10}"

        show = [bench.run([exe, "incident", "show", "BIG-1", "--json"], env, check=complete)
                for _ in range(args.runs + 1)][1:]
        show_ms = bench.median_ms(show)
        port = free_port()
        launched = time.perf_counter()
        server = subprocess.Popen([exe, "web", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise bench.Failed("calamiteit web did not start") from None
                    time.sleep(0.05)
            listening_ms = (time.perf_counter() - launched) * 1000
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                first_ms, page_ms = timed_get(client, "/incident/BIG-1", args.runs, "Hashketen <strong>klopt</strong>")
                _, further_ms = timed_get(client, "/incident/BIG-1?pagina=2", args.runs, 'id="regel-')
                _, index_ms = timed_get(client, "/", args.runs, 'href="/incident/BIG-1"')
                worked_out_ms, status_ms = timed_get(client, "/status/", args.runs, "Publieke update 9")
            many = asyncio.run(crowd(f"http://127.0.0.1:{port}", args.readers, exe, env))
        finally:
            server.terminate()
            server.wait(10)
    print(f"incident page, {args.entries:,} entries: {page_ms:,.1f} ms")
    print(f"incident page, first fetch after start: {first_ms:,.1f} ms (verified whole before it listened)")
    print(f"incident page 2 (further back):         {further_ms:,.1f} ms")
    print(f"index page / (both open incidents):     {index_ms:,.1f} ms (kept chains: only their new entries checked)")
    print(f"calamiteit web listening after:         {listening_ms:,.1f} ms (start-up, the whole verification in it)")
    print(f"incident show --json (whole command):   {show_ms:,.1f} ms")
    print(f"status page:                            {status_ms:,.1f} ms")
    print(f"status page, worked out (first fetch):  {worked_out_ms:,.1f} ms (then kept 5 s for every reader)")
    print(f"{args.readers} page loads at once: {many.pages} answered; {args.readers} event streams: {many.streams} "
          f"open ({many.again} on a second try: connection closed idle before any answer), {many.told} told of a "
          f"new entry, the last {many.reach_s:.2f} s after it was logged (from the CLI's start)")
    for cause, times in many.failed.items():
        print(f"  streams failed: {times}x {cause}")
    report.at_most(f"page loads at once not answered (of {args.readers})", args.readers - many.pages, 0, "", 0)
    report.at_most(f"event streams not told (of {args.readers})", args.readers - many.told, 0, "", 0)
    report.at_most("incident page", page_ms, 300.0, "ms", 1)
    report.at_most("incident page, first fetch after start", first_ms, 300.0, "ms", 1)
    report.at_most("incident page 2", further_ms, 300.0, "ms", 1)
    report.at_most("index page", index_ms, 300.0, "ms", 1)
    report.at_most("incident page / show --json", page_ms / show_ms, 1.5)
    report.at_most("status page", status_ms, 50.0, "ms", 1)
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
