"""Mutation testing with mutmut 3, one module at a time: does a small deliberate bug in the code fail the tests?

    .venv/bin/python tools/mutate.py domain/assessment.py          # quick: one module, its own tests
    .venv/bin/python tools/mutate.py --all                           # every module in MODULES (slow: not in CI)
    .venv/bin/python tools/mutate.py --list                          # the modules and their tests

Each module is mutated in its own staging folder (`.mutation/<module>/`, a copy of the project with a
`[tool.mutmut]` section for that module only), so runs are isolated from each other and never touch the work tree. The
survivors are printed with their diff; a survivor that is equivalent (no test can tell it from the original) is
written in `tools/mutation-equivalent.txt` with one line why, and is not counted against the score. Exit 1 when a
non-equivalent mutant survives, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "src/dso_calamiteit"
STAGING = ROOT / ".mutation"
EQUIVALENT = ROOT / "tools" / "mutation-equivalent.txt"

# Where a silent bug costs most (issue 24), and the tests that pin each. Quick mode runs only these tests.
MODULES: dict[str, list[str]] = {
    "domain/assessment.py": ["tests/test_assessment.py", "tests/test_cli.py"],
    "domain/logbook.py": ["tests/test_logbook.py", "tests/test_record.py", "tests/test_hostile.py"],
    "domain/entry_rules.py": ["tests/test_record.py", "tests/test_hostile.py", "tests/test_logbook.py"],
    "domain/dutchtime.py": ["tests/test_night.py", "tests/test_typed_text.py", "tests/test_logbook.py"],
    "domain/intervals.py": ["tests/test_readiness.py"],
    "domain/readiness.py": ["tests/test_readiness.py"],
    "domain/overview.py": ["tests/test_overview.py"],
    "adapters/metrics.py": ["tests/test_monitor.py"],
    "adapters/stores/rollups.py": ["tests/test_overview.py"],
    "adapters/notifiers/email.py": ["tests/test_callout.py"],
    "adapters/notifiers/webhook.py": ["tests/test_callout.py"],
}

# What the tests read besides the package and the tests themselves.
ALSO_COPY = ["criteria.yaml", "contacts.yaml", "config", "schemas", "voorbeelden", "docs", "README.md", ".ci"]

MUTANT = re.compile(r"^\s*(\S+): (.+)$")


def equivalents() -> dict[str, str]:
    """Mutant name -> why it cannot be told from the original (one line each; '#' starts a comment line)."""
    found: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                name, _, why = line.partition(" ")
                found[name] = why.strip()
    return found


def stage(module: str, tests: list[str]) -> Path:
    """A fresh copy of the project whose pyproject.toml tells mutmut to mutate this module only."""
    folder = STAGING / module.replace("/", ".").removesuffix(".py")
    # mutmut 3 keeps a verdict per mutant and does not rerun a survivor when only the tests changed: start afresh.
    shutil.rmtree(folder / "mutants", ignore_errors=True)
    for part in ("src", "tests", *ALSO_COPY):
        target = folder / part
        if target.is_dir():
            shutil.rmtree(target)
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = project.split("\n[tool.mutmut]")[0]
    copies = ", ".join(f'"{p}"' for p in ALSO_COPY if (ROOT / p).exists())
    selection = ", ".join(f'"{t}"' for t in tests)
    project += (
        "\n[tool.mutmut]\n"
        f'source_paths = ["{PACKAGE}"]\n'
        f'only_mutate = ["{PACKAGE}/{module}"]\n'
        f"also_copy = [{copies}]\n"
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]\n'
    )
    (folder / "pyproject.toml").write_text(project, encoding="utf-8")
    (folder / "tmp").mkdir(exist_ok=True)
    return folder


def stop_left_servers(folder: Path) -> None:
    """A mutant that hangs is killed by mutmut, and the PostgreSQL server its test started lives on: stop it."""
    for pid_file in (folder / "tmp").glob("calamiteit-pg-*/data/postmaster.pid"):
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)
        except (OSError, ValueError, IndexError):
            continue
    for old in (folder / "tmp").glob("calamiteit-pg-*"):
        shutil.rmtree(old, ignore_errors=True)


def results(folder: Path, mutmut: Path) -> dict[str, str]:
    shown = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=folder, capture_output=True, text=True)
    if shown.returncode != 0:
        shown = subprocess.run([str(mutmut), "results"], cwd=folder, capture_output=True, text=True)
    found = {}
    for line in shown.stdout.splitlines():
        match = MUTANT.match(line)
        if match and ".x_" in match.group(1):
            found[match.group(1)] = match.group(2).strip()
    return found


def diff(folder: Path, mutmut: Path, name: str) -> str:
    shown = subprocess.run([str(mutmut), "show", name], cwd=folder, capture_output=True, text=True)
    return "\n".join(
        line for line in shown.stdout.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def run(module: str, tests: list[str], children: int, known: dict[str, str]) -> tuple[Counter[str], list[str]]:
    folder = stage(module, tests)
    mutmut = Path(sys.executable).parent / "mutmut"
    env = {**os.environ, "TMPDIR": str(folder / "tmp")}
    started = time.monotonic()
    try:
        subprocess.run(
            [str(mutmut), "run", "--max-children", str(children)],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )
    finally:
        stop_left_servers(folder)
    seconds = time.monotonic() - started
    states = results(folder, mutmut)
    counts: Counter[str] = Counter()
    lost: list[str] = []
    for name, state in sorted(states.items()):
        if state == "survived" and name in known:
            counts["equivalent"] += 1
        elif state in ("survived", "no tests"):
            counts[state] += 1
            lost.append(name)
        else:
            counts[state] += 1
    judged = sum(counts.values()) - counts["equivalent"]
    killed = counts["killed"] + counts["timeout"]
    score = 100.0 * killed / judged if judged else 100.0
    print(
        f"{module}: {sum(counts.values())} mutants, {killed} killed, {counts['equivalent']} equivalent, "
        f"{counts['survived']} survived, {counts['no tests']} without a test; score {score:.1f}% "
        f"of non-equivalent mutants ({seconds:.0f} s)"
    )
    for name in lost:
        print(f"  {states[name]}: {name}")
        for line in diff(folder, mutmut, name).splitlines():
            print(f"      {line}")
    return counts, lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths under src/dso_calamiteit, e.g. domain/assessment.py")
    parser.add_argument("--all", action="store_true", help="every module in the list (slow)")
    parser.add_argument("--list", action="store_true", help="the modules and the tests that pin them")
    parser.add_argument("--tests", nargs="+", help="run these tests instead of the module's own (e.g. tests/)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if args.list:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    chosen = list(MODULES) if args.all else args.modules
    unknown = [m for m in chosen if not (ROOT / PACKAGE / m).is_file()]
    if not chosen or unknown:
        print(f"mutate: give a module under {PACKAGE} (see --list){': ' + ', '.join(unknown) if unknown else ''}",
              file=sys.stderr)
        return 2
    known = equivalents()
    survived = 0
    for module in chosen:
        _, lost = run(module, args.tests or MODULES.get(module, ["tests/"]), args.max_children, known)
        survived += len(lost)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
