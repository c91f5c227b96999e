"""Period-overview benchmark: `calamiteit overzicht` over a year of checks every five minutes for 20 applications
(2.1 million rows) and 500 incidents, beside a plain SQL aggregate over the same table in the same run.

    python benchmarks/overview.py [--apps 20] [--days 365] [--incidents 500] [--runs 3]

Targets (issue 15): the whole `overzicht --json` within 1.5x of the plain aggregate (count and available per
application over the period, in-process), and under 2 s; recording one check as fast at 2 million rows as at 100.
SQLite (the default logbook).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dso_calamiteit.adapters.stores import location, open_store
from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE
from dso_calamiteit.domain.logbook import GENESIS, Entry, canonical, entry_hash

BIN = Path(sys.executable).parent
START = datetime(2024, 1, 1, tzinfo=UTC)


def checks(apps: int, days: int) -> list[tuple[str, str, str, str, str, int | None, float | None, str]]:
    rng = random.Random(15)
    rows = []
    for i in range(days * 288):
        at = (START + timedelta(minutes=5 * i)).isoformat(timespec="seconds")
        for a in range(apps):
            down = (i // 12 + a) % 500 == 0  # an hour down now and then
            state = "onbeschikbaar" if down else ("traag" if rng.random() < 0.01 else "beschikbaar")
            rows.append((at, f"Applicatie {a}", "prod", f"https://a{a}.example.nl/", state,
                         None if down else 200, None if down else rng.uniform(40, 900), "time-out" if down else ""))
    return rows


def incident(n: int) -> list[Entry]:
    ident = f"2024-{n:03d}-bnch"
    opened = START + timedelta(hours=17 * n)
    bodies = [
        ("open", {"title": f"Storing {n}", "level": 0, "situation": None}),
        ("level_change", {"before": 0, "after": 1, "action": "opschalen", "reason": "OCT"}),
        ("decision", {"text": "Leverancier bellen", "owner": "IPLO", "action": 1}),
        ("action_done", {"action": 1}),
        ("report", {"number": 1}),
        ("close", {"reason": "Opgelost"}),
    ]
    out, prev = [], GENESIS
    for k, (kind, body) in enumerate(bodies, start=1):
        at = (opened + timedelta(minutes=20 * k)).isoformat(timespec="seconds")
        text = canonical(body)
        digest = entry_hash(ident, k, at, "benchmark", kind, text, prev)
        out.append(Entry(ident, k, at, "benchmark", kind, text, prev, digest))
        prev = digest
    return out


def plain(path: Path, first: str, last: str) -> float:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    started = time.perf_counter()
    conn.execute(
        "SELECT name, env, count(*), sum(CASE WHEN state IN ('beschikbaar', 'traag') THEN 1 ELSE 0 END) "
        "FROM checks WHERE at >= ? AND at < ? GROUP BY name, env",
        (first, last),
    ).fetchall()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def one_check(store: object, at: str) -> float:
    started = time.perf_counter()
    store.record_checks([(at, "Applicatie 0", "prod", "https://a0.example.nl/", "beschikbaar", 200, 50.0, "")])  # type: ignore[attr-defined]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("calamiteit", path=str(BIN)) or "calamiteit"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        small = open_store(location.folder(Path(tmp) / "small"))
        small.record_checks(checks(5, 1)[:100])
        at_100 = statistics.median(one_check(small, f"2025-01-01T00:{i:02d}:00+00:00") for i in range(50))
        small.close()

        started = time.perf_counter()
        store = open_store(location.folder(folder))
        rows = checks(args.apps, args.days)
        store.record_checks(rows)
        for n in range(1, args.incidents + 1):
            store.import_entries(incident(n), f"Storing {n}", 1, 1, 1)
        print(f"built {len(rows):,} checks and {args.incidents} incidents in {time.perf_counter() - started:.1f} s")
        at_big = statistics.median(one_check(store, f"2025-01-01T00:{i:02d}:00+00:00") for i in range(50))
        store.close()

        end = START + timedelta(days=args.days)
        first, last = START.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")
        env = dict(os.environ, CALAMITEIT_DATA_DIR=str(folder), CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"))
        env.pop("CALAMITEIT_DB", None)
        last_day = (end - timedelta(days=1)).date().isoformat()
        argv = [exe, "overzicht", "--van", START.date().isoformat(), "--tot", last_day, "--json"]
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)  # warm the caches
        whole, floor, startup = [], [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
            whole.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([exe, "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
            startup.append(time.perf_counter() - t)
            floor.append(plain(folder / LOGBOOK_FILE, first, last))
        w, f, s = (statistics.median(x) * 1000 for x in (whole, floor, startup))
        print(f"\noverzicht --json over {args.days} days, {args.apps} applications, {args.incidents} incidents "
              f"(median of {args.runs}):")
        print(f"  whole command: {w:.0f} ms (target < 2000 ms); start-up alone ({exe} --version): {s:.0f} ms")
        print(f"  plain SQL aggregate (count and available per application, in-process): {f:.0f} ms")
        print(f"  whole / plain: {w / f:.2f}x; (whole - start-up) / plain: {(w - s) / f:.2f}x  (target <= 1.5x)")
        print(f"\nrecording one check: at 100 rows {at_100 * 1000:.2f} ms, "
              f"at {len(rows):,} rows {at_big * 1000:.2f} ms ({at_big / at_100:.2f}x)")


if __name__ == "__main__":
    main()
