"""Every benchmark, one after the other, each in its own process; a summary line each at the end.

    python benchmarks/all.py [--quick] [NAME ...]

`--quick` (what the tests run on every CI run): small data and few runs, so that in a minute or two each
benchmark shows that it still runs, that its commands exit as they should and print what they should; the
figures are printed but not judged. Without `--quick` the full runs (minutes each), judged against their
targets. Exit 1 when any benchmark failed (or, in full runs, missed a target).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = (
    "startup", "scale", "readiness", "yaml_parsers", "logbook", "overview", "monitor", "callout",
    "callout_status", "web", "postgres_startup", "postgres_read", "cold_check",
)


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    cli.add_argument("--quick", action="store_true", help="small data, few runs: check that each runs")
    cli.add_argument("names", nargs="*", metavar="NAME", help=f"only these, of {', '.join(NAMES)}")
    args = cli.parse_args()
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        cli.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    outcome: dict[str, tuple[int, float]] = {}
    for name in args.names or NAMES:
        print(f"\n===== benchmarks/{name}.py{' --quick' if args.quick else ''}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if args.quick else [])],
                              check=False)
        outcome[name] = (done.returncode, time.perf_counter() - started)
    print("\n===== summary")
    for name, (code, seconds) in outcome.items():
        print(f"{name:<14} {'ok' if code == 0 else f'FAILED (exit {code})':<16} {seconds:6.1f} s")
    return 1 if any(code for code, _ in outcome.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
