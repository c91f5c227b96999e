"""Reading a big incident from PostgreSQL: this checkout's `calamiteit` beside another one (`--exe`, e.g. an
older checkout's, run with its own code), the same logbook, interleaved, each figure the median of the per-round
ratios; and each command's peak memory. Written for the switch from psycopg to the tool's own libpq binding
(issue 27): the rows stream through ctypes calls, one per value, where psycopg's C code converted them.

    python benchmarks/postgres_read.py --exe OTHER [--entries N] [--runs N] [--db URL] [--quick]

Without --db a throw-away cluster is started as the tests start it (tests/postgres.py). Target: every command
within 1.2x of the other checkout's (without --exe only this checkout is measured), and each command's peak
memory within 64 MiB (issue 27: flat in the number of entries).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
from pathlib import Path

import bench
import logbook

COMMANDS = {
    "incident show --json": ["incident", "show", "BIG-1", "--json"],
    "incident show --alles": ["incident", "show", "BIG-1", "--alles"],
    "incident export": ["incident", "export", "BIG-1"],
    "incident verify": ["incident", "verify", "BIG-1"],
}


def main() -> int:
    args = bench.arguments(__doc__, {"entries": (100_000, 2_000), "runs": (5, 1)}, _options)
    exe = bench.executable()
    cluster = None
    url = args.db
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests import postgres

        why = postgres.missing()
        if why is not None:
            raise bench.Failed(f"no PostgreSQL here: {why[0]} ({why[1]})")
        cluster = postgres.start()
        os.environ["PGPASSWORD"] = cluster.password
        import psycopg

        with psycopg.connect(cluster.admin_url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
            admin.execute("ALTER DATABASE bench SET calamiteit.import = 'on'")
        url = cluster.url("bench")
    try:
        child = multiprocessing.get_context("spawn").Process(target=logbook.build_both, args=(url, args.entries))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise bench.Failed("building the logbook failed")
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"), CALAMITEIT_AUTEUR="benchmark",
                       CALAMITEIT_DB=url)
            env.pop("CALAMITEIT_DATA_DIR", None)
            exes = {"this": exe} | ({"other": args.exe} if args.exe else {})
            times: dict[tuple[str, str], list[float]] = {}
            peaks: dict[tuple[str, str], float] = {}
            for _ in range(args.runs):
                for name, argv in COMMANDS.items():
                    for which, program in exes.items():
                        seconds, mib = logbook.timed([program, *argv], env)  # exit code checked
                        times.setdefault((name, which), []).append(seconds)
                        peaks[(name, which)] = max(peaks.get((name, which), 0.0), mib)
            report = bench.Report(args.quick)
            print(f"\n{args.entries:,} entries on PostgreSQL, {args.runs} interleaved rounds")
            print(f"{'command':<24}{'this ms':>9}{'MiB':>6}{'other ms':>10}{'MiB':>6}{'this/other':>12}")
            for name in COMMANDS:
                this = times[(name, "this")]
                line = f"{name:<24}{bench.median_ms(this):>9.0f}{peaks[(name, 'this')]:>6.0f}"
                if args.exe:
                    other = times[(name, "other")]
                    ratio = statistics.median(t / o for t, o in zip(this, other, strict=True))
                    line += f"{bench.median_ms(other):>10.0f}{peaks[(name, 'other')]:>6.0f}{ratio:>12.2f}"
                    report.at_most(f"{name}: this / other", ratio, 1.2)
                print(line)
                report.at_most(f"{name}: peak memory", peaks[(name, "this")], 64.0, "MiB", 0)
            print(f"(load {os.getloadavg()[0]:.1f})")
            return report.finish()
    finally:
        if cluster is not None:
            cluster.stop()


def _options(cli: object) -> None:
    cli.add_argument("--exe", default=None, help="the other calamiteit (e.g. an older checkout's)")  # type: ignore[attr-defined]
    cli.add_argument("--db", default=None, help="an empty PostgreSQL database")  # type: ignore[attr-defined]


if __name__ == "__main__":
    bench.main(main)
