"""Logbook benchmark: reading, reporting and verifying a 100,000-entry incident; appending at 10 vs 100,000.

    python benchmarks/logbook.py [--entries 100000] [--runs 5] [--exe PATH] [--only NAME ...]

Targets (issue 3): `incident show --json`, `rapport` and `incident verify` each well under a second on an
incident of 100,000 entries; appending one entry costs the same at 100,000 entries as at 10. Everything is
measured in one run: whole commands as subprocesses (what an operator waits for), and `Store.append` in-process
(the append alone, less noisy). The big incident is built with the store's own import, hash chain included.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dso_calamiteit.logbook import GENESIS, Entry, canonical, entry_hash, fold
from dso_calamiteit.store import Store

BIN = Path(sys.executable).parent
AT = "2026-11-28T10:00:00+00:00"


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


def build_both(folder: str, count: int) -> None:
    store = Store.open(Path(folder))
    build(store, "BIG-1", count)
    build(store, "SMALL-1", 10)
    store.close()


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time in seconds and peak resident memory in MiB of one run of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--exe", help="another calamiteit to measure (e.g. an older checkout's), same data")
    parser.add_argument("--only", nargs="*", help="measure only these commands (names as printed)")
    args = parser.parse_args()
    exe = args.exe or shutil.which("calamiteit", path=str(BIN)) or "calamiteit"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        started = time.perf_counter()
        # Built in a child process: Linux carries a parent's peak memory over into its children's ru_maxrss.
        context = multiprocessing.get_context("spawn")
        child = context.Process(target=build_both, args=(str(data), args.entries))
        child.start()
        child.join()
        print(f"built {args.entries:,} entries in {time.perf_counter() - started:.1f} s")
        env = dict(
            os.environ,
            CALAMITEIT_DATA_DIR=str(data),
            CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"),
            CALAMITEIT_AUTEUR="benchmark",
        )
        commands = {
            "incident show --json": ["incident", "show", "{id}", "--json"],
            "incident show (table)": ["incident", "show", "{id}"],
            "incident show --alles": ["incident", "show", "{id}", "--alles"],
            "rapport (md)": ["rapport", "{id}"],
            "incident verify": ["incident", "verify", "{id}"],
            "log --beeld (append)": ["log", "{id}", "Nieuwe regel", "--beeld"],
        }
        if args.only:
            commands = {k: v for k, v in commands.items() if k in args.only}
        subprocess.run([exe, "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
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
        print(
            f"\n{'command (median of ' + str(args.runs) + ')':<30}{'10 entries':>12}{big_label:>18}{'peak memory':>14}"
        )
        for name in commands:
            small = statistics.median(times[(name, "SMALL-1")]) * 1000
            big = statistics.median(times[(name, "BIG-1")]) * 1000
            print(f"{name:<30}{small:>10.0f} ms{big:>15.0f} ms{peaks[(name, 'BIG-1')]:>10.0f} MiB")

        store = Store.open(data)
        print("\nStore.append in-process, 400 appends alternating between the two incidents (same WAL, same noise):")
        before = {incident: store.summary(incident).entries for incident in ("SMALL-1", "BIG-1")}
        samples: dict[str, list[float]] = {"SMALL-1": [], "BIG-1": []}
        for i in range(400):
            incident = ("SMALL-1", "BIG-1")[i % 2]
            t = time.perf_counter()
            store.append(incident, "observation", {"text": f"meting {i}"}, "benchmark", AT)
            samples[incident].append(time.perf_counter() - t)
        per = {k: statistics.median(v) * 1000 for k, v in samples.items()}
        for incident in samples:
            print(f"  {incident:<8} from {before[incident]:>8,} entries: median {per[incident]:.3f} ms per append")
        print(f"  ratio at {args.entries:,} vs 10: {per['BIG-1'] / per['SMALL-1']:.2f}x")
        store.close()


if __name__ == "__main__":
    main()
