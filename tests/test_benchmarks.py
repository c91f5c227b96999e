"""The benchmarks still run: each in its quick mode (small data, one run) with its commands' exit codes and
output checked; the figures are not judged here (a machine running the suite says nothing about speed)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

from .conftest import REPO

BENCHMARKS = REPO / "benchmarks"
NAMES = (
    "startup", "scale", "readiness", "yaml_parsers", "logbook", "overview", "monitor", "callout",
    "callout_status", "web", "postgres_startup", "postgres_read", "cold_check",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("name", NAMES)
def test_each_benchmark_runs_in_quick_mode(name: str) -> None:
    if name.startswith("postgres_"):  # starts its own cluster, as the PostgreSQL tests do
        from . import postgres

        why = postgres.missing()
        if why is not None and not os.environ.get(postgres.REQUIRE):
            pytest.skip(f"PostgreSQL: {why[0]} ({why[1]})")
    done = run(str(BENCHMARKS / "all.py"), "--quick", name)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "quick mode: every command ran and printed what it should" in done.stdout
    assert "(quick: not judged)" in done.stdout  # its targets were worked out and shown
    assert done.stdout.rstrip().splitlines()[-1].split()[:2] == [name, "ok"]


def test_all_names_every_benchmark() -> None:
    assert {p.stem for p in BENCHMARKS.glob("*.py")} - {"all", "bench", "paired"} == set(NAMES)
    assert run(str(BENCHMARKS / "all.py"), "--quick", "nosuch").returncode == 2


def test_paired_runs_commands_in_turn_against_the_first() -> None:
    """benchmarks/paired.py (a runner, not a benchmark with targets): each command's median of its per-round
    ratios to the first; a command with the wrong exit code fails it."""
    floor, same = f"floor={sys.executable} -c pass", f"same={sys.executable} -c pass"
    done = run(str(BENCHMARKS / "paired.py"), "--runs", "3", floor, same)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[1:3]}
    assert rows["floor"][-1] == "1.00" and float(rows["same"][-1]) > 0
    failing = run(str(BENCHMARKS / "paired.py"), "--runs", "1", floor, "false=/bin/false")
    assert failing.returncode == 1 and "FAILED: /bin/false: exit 1" in failing.stderr


def test_a_command_that_fails_fails_the_benchmark() -> None:
    done = run(str(BENCHMARKS / "monitor.py"), "--quick", "--exe", "/bin/false")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "FAILED: /bin/false monitor --json exited 1"


def test_a_missed_target_fails_a_full_run_but_not_a_quick_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench = importlib.import_module("bench")
    for quick, code in ((False, 1), (True, 0)):
        report = bench.Report(quick)
        report.at_most("snel genoeg", 1.2, 1.5)
        report.at_most("te traag", 2100.0, 2000.0, "ms", 0)
        assert report.finish() == code
        rows = [line.split() for line in capsys.readouterr().out.splitlines()]
        judged = [row[-1] for row in rows if row[:2] in (["snel", "genoeg"], ["te", "traag"])]
        assert judged == (["yes", "NO"] if not quick else ["judged)", "judged)"])


def test_paired_with_cpu_times_the_cpu_not_the_wait() -> None:
    """`paired.py --cpu` (issue 27, a machine loaded far past its cores): a command that sleeps a second spends
    less CPU than one that counts, though it takes longer."""
    busy = f"busy={sys.executable} -c 'sum(range(3 * 10**6))'"
    asleep = f"asleep={sys.executable} -c 'import time; time.sleep(1)'"
    by_cpu = run(str(BENCHMARKS / "paired.py"), "--runs", "3", "--cpu", busy, asleep)
    by_wall = run(str(BENCHMARKS / "paired.py"), "--runs", "3", busy, asleep)
    assert by_cpu.returncode == 0 and by_wall.returncode == 0, by_cpu.stderr + by_wall.stderr
    ratio = {done: float(done.stdout.splitlines()[2].split()[-1]) for done in (by_cpu, by_wall)}
    assert "CPU" in by_cpu.stdout.splitlines()[0]
    assert ratio[by_cpu] < 1 < ratio[by_wall]
