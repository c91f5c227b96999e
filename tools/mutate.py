"""Mutation testing with mutmut 3, one module at a time: does a small deliberate bug in the code fail the tests?

    .venv/bin/python tools/mutate.py domain/assessment.py          # quick: one module, its own tests
    .venv/bin/python tools/mutate.py --all                           # every module in MODULES (slow: not in CI)
    .venv/bin/python tools/mutate.py --list                          # the modules and their tests
    .venv/bin/python tools/mutate.py domain/assessment.py --rescore  # the last run's verdicts, scored again
    .venv/bin/python tools/mutate.py domain/assessment.py --again    # its survivors and timeouts, run again
    .venv/bin/python tools/mutate.py --sql                           # the stores' SQL and the documented roles

mutmut 3 mutates code inside functions only; the schema's triggers and the roles' GRANT/REVOKE are text (module
constants and a block in docs/shared-logbook.md), so `--sql` mutates those itself: each trigger or grant left out,
each comparison in a trigger flipped, each refusal turned into a notice; one test run per mutant.

Each module is mutated in its own staging folder (`.mutation/<module>/`, a copy of the project with a
`[tool.mutmut]` section for that module only), so runs are isolated from each other and never touch the work tree. The
survivors are printed with their diff; a survivor that is equivalent (no test can tell it from the original) is
written in `tools/mutation-equivalent.txt` with one line why, and is not counted against the score; one kind is
equivalent by rule (`sql_case_only`: SQL text in another case). Exit 1 when a
non-equivalent mutant survives or mutmut gives no verdicts (the module's tests fail unmutated), 2 on a
usage error.
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
    "domain/assessment.py": ["tests/test_assessment.py"],
    "domain/confirmation.py": ["tests/test_confirmation_pinned.py", "tests/test_confirmation.py"],
    "domain/hashing.py": ["tests/test_hashing_pinned.py", "tests/test_logbook_pinned.py"],
    "domain/logbook.py": ["tests/test_logbook_pinned.py", "tests/test_logbook.py", "tests/test_record.py",
                          "tests/test_hostile.py"],
    "domain/entry_rules.py": ["tests/test_entry_rules_pinned.py", "tests/test_record_reads.py", "tests/test_record.py",
                              "tests/test_hostile.py"],
    "domain/dutchtime.py": ["tests/test_dutchtime_pinned.py", "tests/test_moments.py", "tests/test_night.py",
                            "tests/test_typed_text.py"],
    "domain/intervals.py": ["tests/test_intervals.py", "tests/test_readiness.py"],
    "domain/readiness.py": ["tests/test_readiness_pinned.py", "tests/test_readiness.py", "tests/test_call_now.py"],
    "domain/overview.py": ["tests/test_overview_pinned.py", "tests/test_overview.py"],
    "adapters/metrics.py": ["tests/test_monitor.py"],
    "adapters/stores/rollups.py": ["tests/test_rollups_pinned.py", "tests/test_overview.py"],
    "adapters/notifiers/email.py": ["tests/test_email_pinned.py", "tests/test_callout.py"],
    "adapters/notifiers/webhook.py": ["tests/test_webhook_pinned.py", "tests/test_callout.py"],
}

# What the tests read besides the package and the tests themselves.
ALSO_COPY = ["criteria.yaml", "contacts.yaml", "config", "schemas", "voorbeelden", "docs", "README.md", ".ci"]

# The SQL that guards the record, and the tests that run it on both engines.
SQL_FILES = {
    f"{PACKAGE}/adapters/stores/sqlite.py": ("MIGRATIONS", "SCHEMA_VERSION"),
    f"{PACKAGE}/adapters/stores/postgres.py": ("MIGRATIONS", "SCHEMA_VERSION"),
    "docs/shared-logbook.md": ("\n## Roles", "\n## Errors"),
}
SQL_TESTS = ["tests/test_sql_pinned.py", "tests/test_postgres.py", "tests/test_logbook.py",
             "tests/test_logbook_faults.py", "tests/test_record.py"]
SQL_LEFT_OUT = re.compile(
    r"CREATE TRIGGER[^;]*?(?:BEGIN[^;]*;\s*END;|;)|^(?:GRANT|REVOKE)[^;]*;", re.MULTILINE
)
SQL_GUARD = re.compile(
    r"CREATE (?:OR REPLACE )?FUNCTION[\s\S]*?END \$\$;|CREATE TRIGGER(?:(?!CREATE)[\s\S])*?END;"
)
# A function that a later step replaces (CREATE OR REPLACE) never runs once `db upgrade` is done: only the last
# version of each is mutated, the guard in force.
SQL_FUNCTION = re.compile(r"FUNCTION\s+([\w.]+)\(")
SQL_FLIPS = [(" <= ", " < "), (" < ", " <= "), (" >= ", " > "), (" > ", " >= "), (" <> ", " = "),
             (" IS NOT ", " IS "), (" IS DISTINCT FROM", " IS NOT DISTINCT FROM"), (" OR ", " AND "),
             ("RAISE EXCEPTION", "RAISE NOTICE"), ("RAISE(ABORT", "RAISE(IGNORE")]

MUTANT = re.compile(r"^\s*(\S+): (.+)$")


def equivalents() -> dict[str, str]:
    """Mutant -> why it cannot be told from the original: one line each, `NAME # why` ('#' first: a comment)."""
    found: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                name, _, why = line.partition(" # ")
                found[name.strip()] = why.strip()
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
        if match and "__mutmut_" in match.group(1):  # functions (x_f__mutmut_3) and methods (xǁClassǁf__mutmut_3)
            found[match.group(1)] = match.group(2).strip()
    return found


def diff(folder: Path, mutmut: Path, name: str) -> str:
    shown = subprocess.run([str(mutmut), "show", name], cwd=folder, capture_output=True, text=True)
    return "\n".join(
        line for line in shown.stdout.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


# An upsert's SET list goes on over lines of its own; `excluded.` (the row that conflicted) marks those as SQL.
SQL_WORDS = re.compile(
    r"\b(?:(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ON CONFLICT|GROUP BY|ORDER BY|WHERE)\b|EXCLUDED\.)", re.IGNORECASE
)


def sql_case_only(change: str) -> bool:
    """Equivalent by rule: a mutant that only changes the case of SQL text (keywords and unquoted names are
    case-insensitive in SQLite and PostgreSQL alike)."""
    removed = [line[1:] for line in change.splitlines() if line.startswith("-")]
    added = [line[1:] for line in change.splitlines() if line.startswith("+")]
    return (
        bool(removed)
        and len(removed) == len(added)
        and all(a != b and a.lower() == b.lower() and SQL_WORDS.search(a) for a, b in zip(removed, added, strict=True))
    )


def run(
    module: str, tests: list[str], children: int, known: dict[str, str], again: bool = True
) -> tuple[Counter[str], list[str]]:
    """Mutate `module` and run `tests` against each mutant; `again=False` only counts the verdicts of the last run
    (kept in its staging folder) against the equivalents as they are written now."""
    folder = STAGING / module.replace("/", ".").removesuffix(".py") if not again else stage(module, tests)
    mutmut = Path(sys.executable).parent / "mutmut"
    env = {**os.environ, "TMPDIR": str(folder / "tmp")}
    started = time.monotonic()
    returncode = 0
    if again:
        try:
            done = subprocess.run(
                [str(mutmut), "run", "--max-children", str(children)],
                cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
            )
        finally:
            stop_left_servers(folder)
        returncode = done.returncode
    seconds = time.monotonic() - started
    states = results(folder, mutmut) if folder.is_dir() else {}
    if returncode != 0 or not states:
        # e.g. "failed to collect stats": the module's tests fail unmutated. Never a score of nothing.
        tail = [line for line in done.stdout.splitlines() if line.strip()][-8:]
        raise SystemExit(f"mutate: mutmut found no verdicts for {module} (exit {done.returncode}):\n" + "\n".join(tail))
    return score(module, folder, mutmut, states, known, f"{seconds:.0f} s")


def rescore(module: str, known: dict[str, str]) -> tuple[Counter[str], list[str]]:
    """The verdicts of the module's last run, scored again with the equivalents as they are now (a survivor
    written down as equivalent after the run needs no rerun); the tests are not run again."""
    folder = STAGING / module.replace("/", ".").removesuffix(".py")
    mutmut = Path(sys.executable).parent / "mutmut"
    states = results(folder, mutmut) if (folder / "mutants").is_dir() else {}
    if not states:
        raise SystemExit(f"mutate: no finished run of {module} in {folder} to score again")
    return score(module, folder, mutmut, states, known, "scored again, not rerun")


# A rerun's own timeout: a loaded machine (one verdict took 17 s where 0.07 s was estimated) must not pass for a hang.
AGAIN_TIMEOUT = ("timeout_constant = 20.0", "timeout_multiplier = 3.0")


def again(module: str, children: int, known: dict[str, str]) -> tuple[Counter[str], list[str]]:
    """Rerun, in the module's staging folder, only the mutants the last run did not kill for sure (survivors not
    written down as equivalent, timeouts, unchecked ones) against the tests as they are now, with a timeout a
    loaded machine does not cross; every other verdict stands. Then score the whole run."""
    folder = STAGING / module.replace("/", ".").removesuffix(".py")
    mutmut = Path(sys.executable).parent / "mutmut"
    states = results(folder, mutmut) if (folder / "mutants").is_dir() else {}
    if not states:
        raise SystemExit(f"mutate: no finished run of {module} in {folder} to run again")
    for target in (folder / "tests", folder / "mutants" / "tests"):
        shutil.copytree(ROOT / "tests", target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    project = (folder / "pyproject.toml").read_text(encoding="utf-8")
    for setting in AGAIN_TIMEOUT:
        if setting not in project:
            project = project.replace("\n[tool.mutmut]\n", f"\n[tool.mutmut]\n{setting}\n", 1)
    (folder / "pyproject.toml").write_text(project, encoding="utf-8")
    (folder / "mutants" / "pyproject.toml").write_text(project, encoding="utf-8")
    names = [n for n, s in states.items() if s in ("timeout", "no tests", "not checked") or (s == "survived"
                                                                                             and n not in known)]
    started = time.monotonic()
    if names:
        env = {**os.environ, "TMPDIR": str(folder / "tmp")}
        try:
            done = subprocess.run([str(mutmut), "run", "--max-children", str(children), *names], cwd=folder,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        finally:
            stop_left_servers(folder)
        if done.returncode != 0:  # e.g. mutmut cannot hand a parametrized test id with a backslash back to pytest
            tail = [line[:300] for line in done.stdout.splitlines() if line.strip()][-4:]
            raise SystemExit(f"mutate: mutmut could not run them again (exit {done.returncode}):\n" + "\n".join(tail))
    return score(module, folder, mutmut, results(folder, mutmut), known,
                 f"{len(names)} run again in {time.monotonic() - started:.0f} s")


def score(module: str, folder: Path, mutmut: Path, states: dict[str, str], known: dict[str, str],
          how: str) -> tuple[Counter[str], list[str]]:
    counts: Counter[str] = Counter()
    lost: list[str] = []
    for name, state in sorted(states.items()):
        if state == "survived" and (name in known or sql_case_only(diff(folder, mutmut, name))):
            counts["equivalent"] += 1
        elif state in ("survived", "no tests", "not checked"):
            counts[state] += 1
            lost.append(name)
        else:
            counts[state] += 1
    judged = sum(counts.values()) - counts["equivalent"]
    killed = counts["killed"] + counts["timeout"]
    percent = 100.0 * killed / judged if judged else 100.0
    unfinished = f", {counts['not checked']} not checked" if counts["not checked"] else ""
    print(
        f"{module}: {sum(counts.values())} mutants, {killed} killed, {counts['equivalent']} equivalent, "
        f"{counts['survived']} survived, {counts['no tests']} without a test{unfinished}; score {percent:.1f}% "
        f"of non-equivalent mutants ({how})"
    )
    for name in lost:
        print(f"  {states[name]}: {name}")
        for line in diff(folder, mutmut, name).splitlines():
            print(f"      {line}")
    return counts, lost


def sql_mutants() -> list[tuple[str, int, int, str, str]]:
    """(file, start, end, replacement, description) for every SQL mutant."""
    found = []
    for name, (first, last) in SQL_FILES.items():
        text = (ROOT / name).read_text(encoding="utf-8")
        low = text.index(first)
        high = text.index(last, low)
        region = text[low:high]
        for match in SQL_LEFT_OUT.finditer(region):
            head = " ".join(match.group(0).split()[:4])
            found.append((name, low + match.start(), low + match.end(), "", f"left out: {head} …"))
        guards = list(SQL_GUARD.finditer(region))
        last = {}
        for index, guard in enumerate(guards):
            function = SQL_FUNCTION.search(guard.group(0))
            last[function.group(1) if function else f"trigger {index}"] = index
        for index, guard in enumerate(guards):
            function = SQL_FUNCTION.search(guard.group(0))
            if last[function.group(1) if function else f"trigger {index}"] != index:
                continue  # replaced by a later step
            replacing = guard.group(0).startswith("CREATE OR REPLACE")
            head = " ".join(guard.group(0).split()[: 5 if replacing else 3])
            body = guard.group(0).index("$$") if "$$" in guard.group(0) else 0  # not the "OR" of OR REPLACE
            for old, new in SQL_FLIPS:
                for hit in re.finditer(re.escape(old), guard.group(0)[body:]):
                    if old == " IS NOT " and guard.group(0)[body + hit.end():].startswith("DISTINCT"):
                        continue
                    at = low + guard.start() + body + hit.start()
                    line = text.count("\n", 0, at) + 1
                    what = f"{head} (line {line}): '{old.strip()}' → '{new.strip()}'"
                    found.append((name, at, at + len(old), new, what))
    return found


def run_sql(tests: list[str]) -> int:
    """Each SQL mutant in a staging copy, the SQL tests against it (PostgreSQL required); 1 if one survives."""
    folder = STAGING / "sql"
    for part in ("src", "tests", *ALSO_COPY, "pyproject.toml"):
        target, source = folder / part, ROOT / part
        if target.is_dir():
            shutil.rmtree(target)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (folder / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(folder / "src"), "TMPDIR": str(folder / "tmp"),
           "CALAMITEIT_REQUIRE_POSTGRES": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    spread = ["-n", "2"] if len(tests) > 1 else []  # one file (a pinning file): one PostgreSQL server, not two
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *spread, *tests]

    last: list[str] = []

    def passes() -> bool:
        try:
            done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return False
        finally:
            stop_left_servers(folder)
        last[:] = done.stdout.splitlines()[-12:]
        return done.returncode == 0

    if not passes():
        print("mutate --sql: the tests fail on the unmutated copy; fix that first:", *last, sep="\n", file=sys.stderr)
        return 2
    known = equivalents()
    killed, lost, equivalent = 0, [], 0
    mutants = sql_mutants()
    started = time.monotonic()
    for name, start, end, new, what in mutants:
        original = (ROOT / name).read_text(encoding="utf-8")
        (folder / name).write_text(original[:start] + new + original[end:], encoding="utf-8")
        try:
            survived = passes()
        finally:
            (folder / name).write_text(original, encoding="utf-8")
        label = f"{name}: {what}"
        # One line per mutant as it is judged: a run of an hour that is cut off still shows how far it got.
        print(f"  {'survived' if survived else 'killed'}: {label}", flush=True)
        if not survived:
            killed += 1
        elif label in known:
            equivalent += 1
        else:
            lost.append(label)
    judged = len(mutants) - equivalent
    print(f"SQL: {len(mutants)} mutants, {killed} killed, {equivalent} equivalent, {len(lost)} survived; "
          f"score {100.0 * killed / judged if judged else 100.0:.1f}% ({time.monotonic() - started:.0f} s)")
    for label in lost:
        print(f"  survived: {label}")
    return 1 if lost else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths under src/dso_calamiteit, e.g. domain/assessment.py")
    parser.add_argument("--all", action="store_true", help="every module in the list (slow)")
    parser.add_argument("--list", action="store_true", help="the modules and the tests that pin them")
    parser.add_argument("--sql", action="store_true", help="the stores' SQL and the documented roles")
    parser.add_argument("--rescore", "--report", action="store_true",
                        help="score the last run's verdicts again with tools/mutation-equivalent.txt as it is now")
    parser.add_argument("--again", action="store_true",
                        help="rerun only the last run's survivors and timeouts against the tests as they are now")
    parser.add_argument("--tests", nargs="+", help="run these tests instead of the module's own (e.g. tests/)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if args.list:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    if args.sql:
        return run_sql(args.tests or SQL_TESTS)
    chosen = list(MODULES) if args.all else args.modules
    unknown = [m for m in chosen if not (ROOT / PACKAGE / m).is_file()]
    if not chosen or unknown:
        print(f"mutate: give a module under {PACKAGE} (see --list){': ' + ', '.join(unknown) if unknown else ''}",
              file=sys.stderr)
        return 2
    known = equivalents()
    survived = 0
    for module in chosen:
        if args.rescore:
            _, lost = rescore(module, known)
        elif args.again:
            _, lost = again(module, args.max_children, known)
        else:
            _, lost = run(module, args.tests or MODULES.get(module, ["tests/"]), args.max_children, known)
        survived += len(lost)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
