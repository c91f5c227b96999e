"""What every benchmark shares: `--quick`, commands run with their exit code and output checked, the floors that
a command is measured against, and the closing table with one line per target: target / measured / holds.

A benchmark exits 1 when a command failed or printed something wrong, and when a target is missed. With
`--quick` (what `benchmarks/all.py --quick` and the tests run) the data are small and the runs few: every
command must still run and print what it should, but the figures are shown without being judged, because a
shared machine running a test suite says nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
# A command measured with PYTHONDONTWRITEBYTECODE set compiles every module of the tool again on every run
# (some shells and CI images set it): that is not the tool's start-up, so no benchmark passes it on.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# What a command must import to do its work, measured in the same run as the commands (never a guess, never
# the whole stack): every command is a Typer program; one that draws tables also needs Rich's console and
# tables. A JSON command that imported Rich anyway would be measured against the smaller floor, and show it.
FLOORS = {
    "python -c pass": "pass",
    "import typer": "import typer",
    "import typer, rich": "import typer, rich.console, rich.table",
    # A call-out's preview says when a channel's secret is missing; when the environment does not hold it, only
    # the OS keyring can say, so keyring's start (its backends, its choice among them) is part of that work. The
    # same macOS shortcut as adapters/notifiers/secrets.py, and nothing when keyring is not installed.
    "import typer, rich, keyring": (
        "import sys\nimport typer, rich.console, rich.table\n"
        "sys.modules.setdefault('keyring.backends.macOS.api', None)\n"
        "try:\n    import keyring\nexcept ImportError:\n    pass\nelse:\n    keyring.get_keyring()"
    ),
}


# A call-out's preview asks the OS keyring for a secret the environment does not hold, unless keyring could hold
# nothing here (adapters/notifiers/secrets.py: on Linux no session bus, no display, no keyring configuration).
# Each form is measured in an environment that makes it so on any Linux machine, whatever this one has.
DESKTOP = ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "PYTHON_KEYRING_BACKEND")


def no_keyring_here(env: Mapping[str, str], folder: Path) -> dict[str, str]:
    """`env` as a server has it: no session bus (XDG_RUNTIME_DIR an empty `folder`), no display."""
    folder.mkdir(parents=True, exist_ok=True)
    return {**{k: v for k, v in env.items() if k not in DESKTOP}, "XDG_RUNTIME_DIR": str(folder)}


def keyring_asked(env: Mapping[str, str], folder: Path) -> dict[str, str]:
    """`env` with a session bus named (one that is not there: keyring starts, looks, and holds nothing)."""
    return {**no_keyring_here(env, folder), "DBUS_SESSION_BUS_ADDRESS": f"unix:path={folder / 'geen-bus'}"}


class Failed(Exception):
    """A command exited with the wrong code or printed the wrong thing: the benchmark measured nothing."""


def executable(given: str | None = None) -> str:
    """The calamiteit to measure: `--exe`, else the one beside this Python."""
    return given or shutil.which("calamiteit", path=str(BIN)) or "calamiteit"


def arguments(
    doc: str | None,
    sizes: Mapping[str, tuple[int, int]],
    more: Callable[[argparse.ArgumentParser], object] | None = None,
) -> argparse.Namespace:
    """The benchmark's command line: each of `sizes` (option: (full, quick)) as an integer option, whatever
    `more` adds, and `--quick`, which sets every size to its quick value (small data, few runs)."""
    cli = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    cli.add_argument("--quick", action="store_true", help="small data, few runs: check that it runs, not how fast")
    for option, (full, _) in sizes.items():
        cli.add_argument(f"--{option.replace('_', '-')}", type=int, default=full)
    if more is not None:
        more(cli)
    args = cli.parse_args()
    if args.quick:
        for option, (_, quick) in sizes.items():
            setattr(args, option, quick)
    return args


def floor_argv(name: str) -> list[str]:
    return [sys.executable, "-c", FLOORS[name]]


def run(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: Path | None = None,
    *,
    code: int = 0,
    check: Callable[[str], str | None] | None = None,
    stdin: bytes | None = None,
) -> float:
    """One run of a command: its wall time in seconds. The exit code must be `code`, and `check(stdout)`, when
    given, returns what is wrong with the output (None when it is right)."""
    started = time.perf_counter()
    done = subprocess.run(list(argv), env=dict(env), cwd=cwd, input=stdin, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    shown = " ".join(str(a) for a in argv[:5])
    if done.returncode != code:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise Failed(f"{shown}: exit {done.returncode}, expected {code}: {said[-1] if said else 'no message'}")
    if check is not None:
        wrong = check(done.stdout.decode(errors="replace"))
        if wrong:
            raise Failed(f"{shown}: {wrong}")
    return elapsed


def interleaved(commands: Mapping[str, Sequence[str]], env: Mapping[str, str], runs: int) -> dict[str, list[float]]:
    """Each command once unmeasured (caches warm, exit codes checked), then `runs` rounds of all of them in turn,
    so a noisy machine weighs on every command of a round alike: the wall times per command."""
    for argv in commands.values():
        run(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(run(argv, env))
    return times


def median_ms(values: Sequence[float]) -> float:
    return statistics.median(values) * 1000


@dataclass
class Report:
    """The targets of one benchmark, printed as one table at the end."""

    quick: bool
    lines: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def at_most(self, what: str, measured: float, limit: float, unit: str = "x", digits: int = 2) -> None:
        """A target `measured <= limit` (a ratio by default; unit 'ms' for times)."""
        shown = f"{measured:.{digits}f}{unit}" if unit == "x" else f"{measured:,.{digits}f} {unit}"
        target = f"<= {limit:.{digits}f}{unit}" if unit == "x" else f"<= {limit:,.{digits}f} {unit}"
        self.lines.append((what, target, shown, measured <= limit))

    def finish(self) -> int:
        """Print the table; 1 when a target is missed (never in quick mode, where figures are not judged)."""
        width = max([len(w) for w, *_ in self.lines] + [6])
        print(f"\n{'target':<{width}}  {'limit':>12}  {'measured':>12}  holds")
        for what, target, measured, holds in self.lines:
            verdict = "(quick: not judged)" if self.quick else ("yes" if holds else "NO")
            print(f"{what:<{width}}  {target:>12}  {measured:>12}  {verdict}")
        missed = [what for what, _, _, holds in self.lines if not holds]
        if self.quick:
            print("\nquick mode: every command ran and printed what it should; the figures are not judged")
            return 0
        if missed:
            print(f"\n{len(missed)} of {len(self.lines)} targets missed: {', '.join(missed)}")
            return 1
        print(f"\nall {len(self.lines)} targets hold")
        return 0


def main(body: Callable[[], int]) -> None:
    """Run a benchmark's body and exit with its code; a failed command ends it with 1 and one line."""
    try:
        code = body()
    except Failed as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        code = 1
    sys.exit(code)
