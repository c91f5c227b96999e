"""The suite itself: a missing real part is said at the end of the run (or fails it where CI requires the part),
and CI runs the README's own test command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO
from .parts import CHROMIUM_ENV

PG_TEST = "tests/test_postgres.py::test_a_database_without_the_schema"
HTML_TEST = "tests/test_overview.py::test_the_html_overview_opens_offline_with_its_charts"


def run_pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """This suite run again in a child, with its own environment (nothing of the xdist worker we are in)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PYTEST_", "CALAMITEIT_REQUIRE_")) and k not in ("COLUMNS",)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO, env={**clean, "COLUMNS": "200", **env}, capture_output=True, text=True, timeout=300,
    )


def closing_lines(output: str) -> list[str]:
    """What follows pytest's short summary: the lines of the "overgeslagen" section and the count."""
    lines = output.rstrip("\n").splitlines()
    start = max(i for i, line in enumerate(lines) if re.fullmatch(r"=+ overgeslagen =+", line))
    return lines[start + 1:]


def without_postgres() -> str:
    """A PATH with this Python's folder only: none of PostgreSQL's server programs."""
    return str(Path(sys.executable).parent)


def test_a_missing_postgresql_is_said_at_the_end_with_how_to_install_it() -> None:
    skipped = run_pytest(PG_TEST, PATH=without_postgres())
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    closing = closing_lines(skipped.stdout)
    assert closing[0] == (
        "1 test overgeslagen, ontbreekt: PostgreSQL: serverprogramma 'initdb' staat niet op PATH; "
        "installeer met: apt-get install postgresql (en zet /usr/lib/postgresql/<versie>/bin op PATH)"
    )
    assert re.fullmatch(r"1 skipped in [\d.]+s.*", closing[-1])


def test_ci_fails_where_postgresql_is_required_but_missing() -> None:
    required = run_pytest(PG_TEST, PATH=without_postgres(), CALAMITEIT_REQUIRE_POSTGRES="1")
    assert required.returncode == 1
    assert "PostgreSQL vereist (CALAMITEIT_REQUIRE_POSTGRES=1) maar: serverprogramma 'initdb'" in required.stdout
    assert "1 error" in required.stdout.splitlines()[-1]  # in the fixture that starts the server


def test_a_missing_chromium_is_said_at_the_end_and_fails_where_required() -> None:
    skipped = run_pytest(HTML_TEST + "[sqlite]", **{CHROMIUM_ENV: "/bestaat/niet"})
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert closing_lines(skipped.stdout)[0] == (
        "1 test overgeslagen, ontbreekt: chromium: geen chromium gevonden; installeer met: apt-get install chromium")
    required = run_pytest(HTML_TEST + "[sqlite]", CALAMITEIT_REQUIRE_CHROMIUM="1", **{CHROMIUM_ENV: "/bestaat/niet"})
    assert required.returncode == 1 and "chromium vereist (CALAMITEIT_REQUIRE_CHROMIUM=1)" in required.stdout


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = [line.strip() for line in readme.splitlines() if "-m pytest" in line and line.startswith("    ")]
    assert len(commands) == 1, commands
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[0] in ci.splitlines()
