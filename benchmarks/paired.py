"""Paired, interleaved timing of a few whole commands on a loaded machine: each round runs every command once,
in turn, and each command's time is divided by the first command's (the floor) of the same round; the figure
is the median of those paired ratios, which a busy neighbour on the machine moves far less than a median of
times taken minutes apart.

    python benchmarks/paired.py --runs 21 \\
        "floor=python -c 'import typer'" "before=/tmp/old/calamiteit routes" "after=calamiteit routes"

Each command is `name=command line` (split like a shell would, no shell run). `--entries N` first builds a
logbook with an incident BIG-1 of N entries and SMALL-1 of 10 (as benchmarks/logbook.py does) and points
CALAMITEIT_DATA_DIR at it; the floor may then be `limit`: the in-process least a verified read of BIG-1 must do
(SELECT the rows, one SHA-256 and one json.dumps per entry). `--contacts N` writes a config folder with N
contacts (as benchmarks/startup.py does) and replaces `{config}` in the commands with it; `--readiness N` writes
benchmarks/readiness.py's year of cover for N contacts there instead. Exit codes must be 0
(or `--code`). `--cpu` compares the CPU each command spends (user + system, its children included) instead of
its wall time: on a machine loaded far past its cores the wall ratios move by ±0.2 between runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("commands", nargs="+", help="name=command; the first is the floor")
    cli.add_argument("--runs", type=int, default=15)
    cli.add_argument("--entries", type=int, default=0, help="build a logbook of BIG-1 with this many entries")
    cli.add_argument("--contacts", type=int, default=0, help="write a config folder with this many contacts")
    cli.add_argument("--readiness", type=int, default=0, help="write benchmarks/readiness.py's year for N contacts")
    cli.add_argument("--code", type=int, default=0, help="the exit code every command but the floor must give")
    cli.add_argument("--cpu", action="store_true",
                     help="time each command by its CPU (user + system, its own children included), not wall")
    args = cli.parse_args()
    named = [c.partition("=") for c in args.commands]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"), CALAMITEIT_AUTEUR="benchmark")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every run compiles every module of the tool again
        place = str(Path(tmp) / "data")
        if args.entries:
            import logbook

            child = multiprocessing.get_context("spawn").Process(target=logbook.build_both, args=(place, args.entries))
            child.start()
            child.join()
            env["CALAMITEIT_DATA_DIR"] = place
        config = ""
        if args.contacts:
            import shutil

            import startup

            shipped = startup.config.shipped_dir()
            big = Path(tmp) / "big"
            (big / "config").mkdir(parents=True)
            (big / "contacts.yaml").write_text(startup.big_contacts(shipped, args.contacts), encoding="utf-8")
            shutil.copy(shipped / "config" / "routing.yaml", big / "config" / "routing.yaml")
            config = str(big)
        if args.readiness:
            import readiness

            big = Path(tmp) / "readiness"
            readiness.generate(big, readiness.config.shipped_dir(), args.readiness, 20)
            config = str(big)
        commands = {name: shlex.split(line.replace("{config}", config)) for name, _, line in named}
        floor = next(iter(commands))
        codes = {name: 0 if name == floor else args.code for name in commands}
        for name, argv in commands.items():  # once each, unmeasured: caches warm, exit codes checked
            if argv != ["limit"]:
                bench.run(argv, env, code=codes[name])
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                if argv == ["limit"]:
                    import logbook

                    times[name].append(logbook.limit(place, "BIG-1"))
                elif args.cpu:
                    times[name].append(cpu(lambda argv=argv, name=name: bench.run(argv, env, code=codes[name])))
                else:
                    times[name].append(bench.run(argv, env, code=codes[name]))
    what = "median CPU ms" if args.cpu else "median ms"
    print(f"{'command':<24}{what:>11}{'x ' + floor + ' (median of paired ratios)':>40}")
    for name in commands:
        ratios = [t / f for t, f in zip(times[name], times[floor], strict=True)]
        print(f"{name:<24}{statistics.median(times[name]) * 1000:>11.0f}{statistics.median(ratios):>40.2f}")
    load = os.getloadavg()[0]
    print(f"({args.runs} interleaved rounds, load average {load:.1f} at the end, {time.strftime('%H:%M')})")
    return 0


def cpu(run: Callable[[], object]) -> float:
    """The CPU seconds (user + system) of the child that `run` starts and waits for, with its own children: on
    a machine loaded far past its cores, wall time is mostly waiting for a turn and moves by ±0.2 between runs;
    the CPU a command spends moves far less (a busy neighbour still slows caches and clocks a little)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    bench.main(main)
