"""Logbook benchmark: reading, reporting and verifying a big incident beside the limit; appending at 10 vs N.

    python benchmarks/logbook.py [--entries 100000] [--runs 5] [--exe PATH] [--only NAME ...] [--db URL] [--quick]

Targets (issues 3 and 12): appending one entry costs the same at N entries as at 10; `incident show --json`,
`rapport` and `acties` within 1.5x the limit and the human `show` within 2x `show --json`, at 100,000 and at
1,000,000 entries. The limit is the least any reader of a verified log must do, measured in-process in the
same run: `SELECT` the incident's rows, one SHA-256 and one `json.dumps` per entry. A command's own cost is its
time at N entries less its time at 10 (the start-up, which benchmarks/startup.py holds to its own targets).
Whole commands run as subprocesses (what an operator waits for); `Store.append` also in-process (less noisy).
The big incident is built with the store's own import, hash chain included.

`--db postgresql://…` (an empty database; its schema is made with `db upgrade`) runs the same on PostgreSQL
beside SQLite in the same run, and prints both side by side. Target (issue 13): one append over a loopback
connection within 2x the SQLite append, and as flat from 10 to N entries. The password comes from PGPASSWORD or
~/.pgpass, as for calamiteit itself.

Every command's exit code is checked, and before the timed runs what each prints of the big incident: all its
entries in `show --json`, a verified chain, a numbered sitrap, the open actions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bench

from dso_calamiteit.adapters.stores import Location, Store, location, open_store
from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE as FILE_NAME
from dso_calamiteit.domain.logbook import GENESIS, Entry, canonical, entry_hash, fold

# An hour ago, as the server sees it: a PostgreSQL logbook refuses an appended entry whose time is not its clock's,
# and an entry is never older than the one before it (the imported log is at AT, the appends at now).
AT = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def body(i: int) -> tuple[str, dict[str, object]]:
    """A realistic mix: mostly observations and judgements, some decisions, done actions and reports."""
    if i % 10 == 3:
        return "decision", {"text": f"Besluit {i}", "owner": "Anna de Vries", "deadline": None, "action": i // 10 + 1}
    if i % 10 == 4:
        return "action_done", {"action": i // 10 + 1, "note": "gereed"}
    if i % 50 == 7:
        return "report", {"number": i // 50 + 1, "next_update": AT}
    kind = "judgement" if i % 3 else "observation"
    return kind, {"text": f"Regel {i}: de servicedesk meldt een wisselend beeld bij het Omgevingsloket."}


def build(store: Store, incident: str, count: int) -> None:
    entries: list[Entry] = []
    prev = GENESIS
    for n in range(1, count + 1):
        kind, data = ("open", {"title": "Benchmark", "level": 1, "situation": None}) if n == 1 else body(n)
        text = canonical(data)
        digest = entry_hash(incident, n, AT, "benchmark", kind, text, prev)
        entries.append(Entry(incident, n, AT, "benchmark", kind, text, prev, digest))
        prev = digest
    state = fold(entries)
    store.import_entries(entries, "Benchmark", 1, max(state.actions, default=0), state.reports)


def where(place: str) -> Location:
    """A folder of a SQLite logbook, or a PostgreSQL URL."""
    return Location(url=place) if "://" in place else location.folder(Path(place))


def build_both(place: str, count: int) -> None:
    store = open_store(where(place), upgrade=True)
    build(store, "BIG-1", count)
    build(store, "SMALL-1", 10)
    store.close()


def limit(place: str, incident: str) -> float:
    """Seconds for the least a verified read must do: the rows, one SHA-256 and one json.dumps per entry."""
    sql = "SELECT incident, n, at, author, kind, body, prev_hash, hash FROM entries WHERE incident = ? ORDER BY n"
    if "://" in place:
        import psycopg

        conn = psycopg.connect(place, options="-c search_path=calamiteit")
        started = time.perf_counter()
        rows = conn.cursor().stream(sql.replace("?", "%s"), (incident,), size=2000)
    else:
        conn = sqlite3.connect(f"file:{Path(place) / FILE_NAME}?mode=ro", uri=True)
        started = time.perf_counter()
        rows = conn.execute(sql, (incident,))
    out = []
    for inc, n, at, author, kind, text, prev, digest in rows:
        hashlib.sha256("\x1f".join((inc, str(n), at, author, kind, text, prev)).encode()).hexdigest()
        out.append(json.dumps({"n": n, "at": at, "author": author, "kind": kind, "data": text, "hash": digest}))
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time in seconds and peak resident memory in MiB of one run of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise bench.Failed(f"{' '.join(argv)}: exit {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss / 1024


def concurrent(exe: str, env: dict[str, str], runs: int) -> float:
    """How long a colleague's `log` waits while a `rapport` of the big incident is being made (issue 12:
    under 100 ms at any size): each `log` starts at a different moment of the report's run."""
    alone = [timed([exe, "log", "SMALL-1", "alleen", "--beeld"], env)[0] for _ in range(runs)]
    report = statistics.median(timed([exe, "rapport", "BIG-1"], env)[0] for _ in range(2))
    during: list[float] = []
    for i in range(runs):
        proc = subprocess.Popen([exe, "rapport", "BIG-1"], env=env, stdout=subprocess.DEVNULL)
        time.sleep(report * (i + 1) / (runs + 1))  # spread over the report's run, start to end
        during.append(timed([exe, "log", "BIG-1", f"tijdens rapport {i}", "--beeld"], env)[0])
        if proc.wait() != 0:
            raise bench.Failed("rapport failed while a colleague appended")
    base = statistics.median(alone)
    print(f"\nlog during a rapport of BIG-1 ({report * 1000:.0f} ms), {runs} moments spread over its run:")
    print(f"  log alone: median {base * 1000:.0f} ms; during: max {max(during) * 1000:.0f} ms, ", end="")
    print(f"longest wait {max(0.0, max(during) - base) * 1000:.0f} ms (target < 100 ms)")
    return max(0.0, max(during) - base) * 1000


def printed(exe: str, env: dict[str, str], count: int) -> None:
    """What the commands print of the big incident, checked once before they are timed."""

    def entries(out: str) -> str | None:
        doc = json.loads(out)
        ok = doc["kind"] == "timeline" and doc["chain"]["verified"] and len(doc["entries"]) == count
        return None if ok else f"timeline of {len(doc['entries'])} entries, expected {count} verified"

    def says(*texts: str):  # type: ignore[no-untyped-def]
        return lambda out: None if all(t in out for t in texts) else f"output lacks {texts}"

    bench.run([exe, "incident", "show", "BIG-1", "--json"], env, check=entries)
    bench.run([exe, "incident", "verify", "BIG-1"], env, check=says("Logboek van BIG-1 klopt"))
    bench.run([exe, "acties", "BIG-1"], env, check=says("Geen open acties."))  # every action in it is done
    bench.run([exe, "rapport", "BIG-1", "--concept"], env, check=says("# CONCEPT situatierapport", "BIG-1"))


def appends(store: Store, count: int = 400) -> dict[str, float]:
    """Median ms of `Store.append` in-process, alternating between the two incidents (same WAL, same noise)."""
    samples: dict[str, list[float]] = {"SMALL-1": [], "BIG-1": []}
    for i in range(count):
        incident = ("SMALL-1", "BIG-1")[i % 2]
        t = time.perf_counter()
        store.append(incident, "observation", {"text": f"meting {i}"}, "benchmark", _now())
        samples[incident].append(time.perf_counter() - t)
    return {k: statistics.median(v) * 1000 for k, v in samples.items()}


def transaction_floor(url: str, count: int = 400) -> float:
    """Median ms of the least a durable append over this connection can cost, whatever the code: one read
    and one insert in a committed transaction, pipelined as the store does (two round trips and a WAL flush).
    Into a scratch table of the benchmark database, dropped afterwards."""
    import psycopg

    samples = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.benchmark_floor (n integer, body text)")
        for i in range(count):
            samples.append(bare_transaction(conn, i))
        conn.execute("DROP TABLE public.benchmark_floor")
    return statistics.median(samples) * 1000


def bare_transaction_binding(conn: Any, i: int) -> float:
    """The same bare transaction through the tool's own libpq binding (a `libpq.Connection` that has
    public.benchmark_floor): the read answered first (a flush request, as psycopg's fetchone sends), one Sync."""
    t = time.perf_counter()
    conn.enter_pipeline()
    conn.send("BEGIN")
    conn.send("SELECT pg_advisory_xact_lock(1)")
    conn.fetch("SELECT count(*) FROM public.benchmark_floor WHERE n = ?", (i,))
    conn.send("INSERT INTO public.benchmark_floor VALUES (?, ?)", (i, "meting"))
    conn.send("COMMIT")
    conn.sync()
    return time.perf_counter() - t


def bare_transaction(conn: Any, i: int) -> float:
    """One bare durable transaction (see transaction_floor) over `conn`, which has public.benchmark_floor: seconds.
    One Sync, at the pipeline's end, as a plain client needs (a pipe.sync() before it would add a round trip)."""
    t = time.perf_counter()
    with conn.pipeline():  # its end sends the one Sync and waits for the COMMIT's answer
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(1)")
        conn.execute("SELECT count(*) FROM public.benchmark_floor WHERE n = %s", (i,)).fetchone()
        conn.execute("INSERT INTO public.benchmark_floor VALUES (%s, %s)", (i, "meting"))
        conn.execute("COMMIT")
    return time.perf_counter() - t


def measure(
    engine: str, place: str, exe: str, args: argparse.Namespace, tmp: str, report: bench.Report
) -> dict[str, float]:
    """The tables for one engine; returns each command's median ms at N entries, and the append figures."""
    started = time.perf_counter()
    # Built in a child process: Linux carries a parent's peak memory over into its children's ru_maxrss.
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=build_both, args=(place, args.entries))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"building the {engine} logbook failed")
    print(f"\n=== {engine}: built {args.entries:,} entries in {time.perf_counter() - started:.1f} s")
    env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"), CALAMITEIT_AUTEUR="benchmark")
    env.pop("CALAMITEIT_DB", None)
    env["CALAMITEIT_DB" if "://" in place else "CALAMITEIT_DATA_DIR"] = place
    commands = {
        "incident show --json": ["incident", "show", "{id}", "--json"],
        "incident show (table)": ["incident", "show", "{id}"],
        "incident show --alles": ["incident", "show", "{id}", "--alles"],
        "rapport (md)": ["rapport", "{id}"],
        "acties": ["acties", "{id}"],
        "incident verify": ["incident", "verify", "{id}"],
        "log --beeld (append)": ["log", "{id}", "Nieuwe regel", "--beeld"],
    }
    if args.only:
        commands = {k: v for k, v in commands.items() if k in args.only}
    bench.run([exe, "--version"], env)
    printed(exe, env, args.entries)
    times: dict[tuple[str, str], list[float]] = {}
    peaks: dict[tuple[str, str], float] = {}
    for _ in range(args.runs):
        for name, argv in commands.items():
            for incident in ("SMALL-1", "BIG-1"):
                line = [exe, *(a.replace("{id}", incident) for a in argv)]
                seconds, mib = timed(line, env)
                times.setdefault((name, incident), []).append(seconds)
                peaks[(name, incident)] = max(peaks.get((name, incident), 0.0), mib)
    big_label = f"{args.entries:,} entries"
    print(f"\n{'command (median of ' + str(args.runs) + ')':<30}{'10 entries':>12}{big_label:>18}{'peak memory':>14}")
    for name in commands:
        small = statistics.median(times[(name, "SMALL-1")]) * 1000
        big = statistics.median(times[(name, "BIG-1")]) * 1000
        print(f"{name:<30}{small:>10.0f} ms{big:>15.0f} ms{peaks[(name, 'BIG-1')]:>10.0f} MiB")

    floor = statistics.median(limit(place, "BIG-1") for _ in range(args.runs)) * 1000
    print(f"\nlimit at {big_label} (SELECT + SHA-256 + json.dumps per entry, in-process): {floor:.0f} ms")
    print(f"{'own cost (N less 10 entries)':<30}{'ms':>8}{'x limit':>10}{'x show --json':>15}")
    own = {
        name: (statistics.median(times[(name, "BIG-1")]) - statistics.median(times[(name, "SMALL-1")])) * 1000
        for name in commands
    }
    reference = own.get("incident show --json")
    for name, ms in own.items():
        versus = f"{ms / reference:>14.2f}x" if reference else ""
        print(f"{name:<30}{ms:>8.0f}{ms / floor:>9.2f}x{versus}")
    for name in ("incident show --json", "rapport (md)", "acties"):
        if name in own:
            report.at_most(f"{engine}: {name}, own cost / limit", own[name] / floor, 1.5)
    for human in ("incident show (table)", "incident show --alles"):  # the human timeline: newest 50, and all
        if reference and human in own:
            report.at_most(f"{engine}: {human.removeprefix('incident ')} / show --json, own cost",
                           own[human] / reference, 2.0)

    if not args.only or "concurrent" in args.only:
        report.at_most(f"{engine}: a log's wait during a rapport", concurrent(exe, env, args.runs), 100.0, "ms", 0)

    store = open_store(where(place))
    print("\nStore.append in-process, 400 appends alternating between the two incidents (same WAL, same noise):")
    before = {incident: store.summary(incident).entries for incident in ("SMALL-1", "BIG-1")}
    per = appends(store)
    for incident in per:
        print(f"  {incident:<8} from {before[incident]:>8,} entries: median {per[incident]:.3f} ms per append")
    print(f"  ratio at {args.entries:,} vs 10: {per['BIG-1'] / per['SMALL-1']:.2f}x")
    report.at_most(f"{engine}: one append at {args.entries:,} / at 10 entries", per["BIG-1"] / per["SMALL-1"], 1.2)
    store.close()
    if "://" in place:
        per["floor"] = transaction_floor(place)
        print(f"  floor: a bare durable read-then-write transaction over this connection: {per['floor']:.3f} ms")
    figures = {name: statistics.median(times[(name, "BIG-1")]) * 1000 for name in commands}
    figures.update({f"append at {k}": v for k, v in per.items() if k != "floor"})
    if "floor" in per:
        figures["floor"] = per["floor"]
    return figures


def options(cli: argparse.ArgumentParser) -> None:
    cli.add_argument("--exe", help="another calamiteit to measure (e.g. an older checkout's), same data")
    cli.add_argument("--only", nargs="*", help="measure only these commands (names as printed)")
    cli.add_argument("--db", help="an empty PostgreSQL database (postgresql://…) to measure beside SQLite")


def main() -> int:
    args = bench.arguments(__doc__, {"entries": (100_000, 2_000), "runs": (5, 1)}, options)
    exe = bench.executable(args.exe)
    report = bench.Report(args.quick)
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"sqlite": str(Path(tmp) / "data")}
        if args.db:
            engines["postgres"] = args.db
        results = {engine: measure(engine, place, exe, args, tmp, report) for engine, place in engines.items()}
    if len(results) == 2:
        sq, pg = results["sqlite"], results["postgres"]
        print(f"\n=== side by side at {args.entries:,} entries (median ms)")
        print(f"{'':<30}{'SQLite':>10}{'PostgreSQL':>12}{'PG / SQLite':>13}")
        for name in sq:
            print(f"{name:<30}{sq[name]:>10.1f}{pg[name]:>12.1f}{pg[name] / sq[name]:>12.2f}x")
        floor = pg["floor"]
        print(f"{'PG floor (bare transaction)':<30}{'':>10}{floor:>12.3f}{floor / sq['append at BIG-1']:>12.2f}x")
        flat = {e: r["append at BIG-1"] / r["append at SMALL-1"] for e, r in results.items()}
        print(f"append at {args.entries:,} vs at 10: SQLite {flat['sqlite']:.2f}x, PostgreSQL {flat['postgres']:.2f}x")
        report.at_most("one append: PostgreSQL / SQLite", pg["append at BIG-1"] / sq["append at BIG-1"], 2.0)
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
