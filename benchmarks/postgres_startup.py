"""PostgreSQL start-up and append (issue 27): the commands a coordinator runs most on a shared logbook (`log`,
`incident show`, `acties`) against the issue's floor (`python -c "import typer, rich.console, pydantic, yaml"`)
and against that floor plus `import psycopg` (the driver the commands imported until session 35: they now load
libpq through the tool's own binding, adapters/stores/libpq.py), interleaved, each
figure the median of the per-round ratios to the floor of the same round; then `Store.append` in-process
beside the least a durable append can cost over the same connection (benchmarks/logbook.transaction_floor).

    python benchmarks/postgres_startup.py [--runs N] [--quick] [--db postgresql://…]

Without --db a throw-away cluster is started as the tests start it (tests/postgres.py: loopback), but durable
(fsync and synchronous_commit on, as a real server is: the tests' cluster has them off), its logbook schema made
with `db upgrade`; the password goes in PGPASSWORD. Targets: each command within 1.3x the floor, the append
within 1.3x the bare durable transaction over the same server with the same settings, one of each in turn.
The append is also shown with synchronous_commit off in both sessions (what the statements cost; not judged), and
against the same bare transaction sent through the tool's own binding (not judged: the issue's floor is psycopg's).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench
import logbook

FLOOR = "import typer, rich.console, pydantic, yaml"
LIBPQ = ("import ctypes, glob, importlib.util, os; "
         "ctypes.CDLL(glob.glob(os.path.dirname(importlib.util.find_spec('psycopg_binary').origin)"
         " + '.libs/libpq*')[0])")


def main() -> int:
    args = bench.arguments(__doc__, {"runs": (15, 1), "appends": (400, 20)},
                           lambda cli: cli.add_argument("--db", default=None, help="an empty logbook database"))
    exe = bench.executable()
    cluster = None
    url = args.db
    env = dict(os.environ)
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests import postgres

        why = postgres.missing()
        if why is not None:
            raise bench.Failed(f"no PostgreSQL here: {why[0]} ({why[1]})")
        cluster = postgres.start(durable=True)  # the append is compared with a durable transaction
        env["PGPASSWORD"] = cluster.password
        os.environ["PGPASSWORD"] = cluster.password
        import psycopg

        with psycopg.connect(cluster.admin_url, autocommit=True, password=cluster.password) as admin:
            admin.execute("CREATE DATABASE bench")
        url = cluster.url("bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env.update(CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"), CALAMITEIT_AUTEUR="benchmark",
                       CALAMITEIT_DB=url, XDG_CONFIG_HOME=str(Path(tmp) / "xdg"))
            for name in ("PYTHONDONTWRITEBYTECODE", "CALAMITEIT_DATA_DIR", "CALAMITEIT_CONFIG_DIR"):
                env.pop(name, None)
            subprocess.run([exe, "db", "upgrade"], env=env, check=True, capture_output=True)
            opened = subprocess.run([exe, "incident", "open", "Benchmark", "--level", "1"], env=env, check=True,
                                    capture_output=True, text=True)
            incident = opened.stdout.strip()
            subprocess.run([exe, "log", incident, "Besluit", "--besluit", "--actiehouder", "Anna de Vries"],
                           env=env, check=True, capture_output=True)
            commands = {
                "floor": [sys.executable, "-c", FLOOR],
                "floor + import psycopg": [sys.executable, "-c", FLOOR + ", psycopg"],
                # The parts of the driver's import that no trimming of psycopg's Python can avoid (shown, not
                # judged): the libpq it ships, with its SSL and Kerberos libraries, loaded; and what
                # psycopg_binary's version file (importlib.metadata) and psycopg.errors (asyncio) import.
                "floor + libpq loaded": [sys.executable, "-c", FLOOR + "; " + LIBPQ],
                "floor + metadata, asyncio": [sys.executable, "-c", FLOOR + ", importlib.metadata, asyncio"],
                "log --beeld": [exe, "log", incident, "Nieuwe regel", "--beeld"],
                "incident show": [exe, "incident", "show", incident],
                "acties": [exe, "acties", incident],
            }
            times = bench.interleaved(commands, env, args.runs)
            report = bench.Report(args.quick)
            print(f"{'command':<28}{'median ms':>10}{'x floor':>9}{'x floor+psycopg':>17}")
            for name in commands:
                ratio = statistics.median(t / f for t, f in zip(times[name], times["floor"], strict=True))
                driver = statistics.median(
                    t / f for t, f in zip(times[name], times["floor + import psycopg"], strict=True)
                )
                print(f"{name:<28}{bench.median_ms(times[name]):>10.0f}{ratio:>9.2f}{driver:>17.2f}")
                if not name.startswith("floor"):
                    report.at_most(f"{name} / floor", ratio, 1.3)
            _appends(url, incident, args.appends, report)
            print(f"({args.runs} interleaved rounds; load {os.getloadavg()[0]:.1f}, {time.strftime('%H:%M')})")
            return report.finish()
    finally:
        if cluster is not None:
            cluster.stop()


def _appends(url: str, incident: str, count: int, report: bench.Report) -> None:
    """`Store.append` in-process beside the bare durable transaction (benchmarks/logbook.bare_transaction), one
    of each in turn over two connections to the same database, so both see the same load. Twice: as the server
    is set (judged: on the throw-away cluster fsync and synchronous_commit are on, as on a real server), and
    with synchronous_commit off in both sessions (not durable; shown, not judged: what the statements cost
    without the wait for the disk)."""
    import psycopg

    from dso_calamiteit.adapters.stores import Location, open_store

    store = open_store(Location(url=url))
    other = open_store(Location(url=url))  # its connection sends the bare transaction through the tool's binding
    with psycopg.connect(url, autocommit=True) as bare:
        settings = bare.execute("SELECT current_setting('fsync'), current_setting('synchronous_commit')").fetchone()
        print(f"\nserver: fsync={settings[0]}, synchronous_commit={settings[1]}")
        bare.execute("CREATE TABLE IF NOT EXISTS public.benchmark_floor (n integer, body text)")
        for durable in (True, False):
            mode = "on" if durable else "off"
            for conn in (bare, store.conn, other.conn):  # type: ignore[attr-defined]
                conn.execute(f"SET synchronous_commit = {'DEFAULT' if durable else 'off'}")
            store.append(incident, "observation", {"text": "warm"}, "benchmark", logbook._now())
            ours, floor, binding = [], [], []
            for i in range(count):
                floor.append(logbook.bare_transaction(bare, i))
                ours.append(_append(store, incident))
                binding.append(logbook.bare_transaction_binding(other.conn, count + i))  # type: ignore[attr-defined]
            bare.execute("TRUNCATE public.benchmark_floor")
            ratio = statistics.median(ours) / statistics.median(floor)
            what = "Store.append / bare durable transaction" if durable else "(synchronous_commit off, not judged)"
            print(f"Store.append {bench.median_ms(ours):.2f} ms; bare transaction {bench.median_ms(floor):.2f} ms; "
                  f"{ratio:.2f}x (synchronous_commit {settings[1] if durable else mode}; {count} of each, in turn)")
            print(f"  shown, not judged: the bare transaction through the tool's binding "
                  f"{bench.median_ms(binding):.2f} ms; Store.append "
                  f"{statistics.median(ours) / statistics.median(binding):.2f}x that")
            if durable:
                report.at_most(what, ratio, 1.3)
        bare.execute("DROP TABLE public.benchmark_floor")
    store.close()
    other.close()


def _append(store: object, incident: str) -> float:
    started = time.perf_counter()
    store.append(incident, "observation", {"text": "meting"}, "benchmark", logbook._now())  # type: ignore[attr-defined]
    return time.perf_counter() - started


if __name__ == "__main__":
    bench.main(main)
