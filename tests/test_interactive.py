"""A person at a terminal: prompts on stderr, answers typed, Ctrl-C and end of input handled."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from dso_calamiteit.cli import prompt
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, default_sigint

CRITERIA_COUNT = 14


def console_script() -> str:
    beside = Path(sys.executable).with_name("calamiteit")
    found = str(beside) if beside.exists() else shutil.which("calamiteit")
    assert found, "the calamiteit console script is not installed (pip install '.[test]')"
    return found


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)


def test_prompts_on_stderr_result_on_stdout(
    calamiteit: Invoke, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = ["misschien", "ja"] + ["n"] * (CRITERIA_COUNT - 1)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    result = calamiteit("assess", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)  # stdout holds the document and nothing else
    assert doc["level"] == 1 and doc["answers"]["serviceketen-ontoereikend"] is True
    assert "Wanneer spreken we van een calamiteit?" in result.err
    assert "Is afhandeling in de serviceketen niet (meer) mogelijk of gewenst?" in result.err
    assert "Antwoord met j(a) of n(ee)." in result.err
    assert f"[{CRITERIA_COUNT}/{CRITERIA_COUNT}]" in result.err


def test_only_unanswered_criteria_are_asked(
    calamiteit: Invoke, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n" * (CRITERIA_COUNT - 1)))
    result = calamiteit("assess", "--json", "--answer", "pers-en-media=ja")
    assert result.code == 0, result.err
    assert json.loads(result.out)["level"] == 2
    assert "landelijke pers en media?" not in result.err
    assert f"[{CRITERIA_COUNT - 1}/{CRITERIA_COUNT - 1}]" in result.err


def test_end_of_input_half_way(calamiteit: Invoke, terminal: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("j\nn\n"))
    result = calamiteit("assess")
    assert result.code == exitcodes.USAGE
    assert "invoer beëindigd" in result.err and result.out == ""


def test_no_input_wins_over_a_terminal(calamiteit: Invoke, terminal: None) -> None:
    result = calamiteit("assess", "--no-input")
    assert result.code == exitcodes.USAGE and "geen antwoord op 14 criteria" in result.err


# --- through a real pseudo-terminal and the installed console script -------------------------------------


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "pty-cache"), COLUMNS="120", TERM="xterm")
    return pexpect.spawn(
        console_script(),
        list(args),
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
        preexec_fn=default_sigint,  # a Ctrl-C typed here must reach it even where the runner ignores SIGINT
    )


def test_assess_in_a_real_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path, "assess", "--current", "0")
    child.expect("Wanneer spreken we van een calamiteit")
    child.expect(r"Is afhandeling in de serviceketen.*\[j/n\]")
    child.sendline("nee")
    child.expect(r"Is snelle besluitvorming vereist\?.*\[j/n\]")
    child.sendline("ja")
    for _ in range(CRITERIA_COUNT - 2):
        child.expect(r"\[j/n\]")
        child.sendline("n")
    child.expect("Geadviseerd niveau")
    child.expect("OCT")
    child.expect("Advies: opschalen")
    child.expect("Nu bellen")
    child.expect("Alle contacten langs deze lijnen")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


def test_ctrl_c_half_way(tmp_path: Path) -> None:
    child = spawn(tmp_path, "assess")
    for answer in ("j", "n", "j"):
        child.expect(r"\[j/n\]")
        child.sendline(answer)
    child.expect(r"\[j/n\]")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == exitcodes.INTERRUPTED
    assert "onderbroken" in (child.before or "")
    assert "Traceback" not in (child.before or "")


def run_script(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script as a runbook runs it: no terminal, stdin closed."""
    return subprocess.run(
        [console_script(), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        timeout=60,
        env=dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "c")),
    )


def test_installed_console_script(tmp_path: Path) -> None:
    run = run_script(tmp_path, "contacts", "iplo", "--json")
    assert run.returncode == 0, run.stderr
    assert {c["org"] for c in json.loads(run.stdout)["contacts"]} == {"iplo"}


def test_assess_without_a_terminal_never_waits(tmp_path: Path) -> None:
    run = run_script(tmp_path, "assess")
    assert run.returncode == exitcodes.USAGE and "geen antwoord op" in run.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "dso_calamiteit", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.startswith("calamiteit ")


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    shell = f"'{console_script()}' criteria | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    run = subprocess.run(
        ["bash", "-c", shell],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env=dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "c")),
    )
    assert "Traceback" not in run.stderr and "Error" not in run.stderr
    assert run.stdout.strip() == str(exitcodes.FAILURE)  # output was cut short: not a success


def colour_codes(tmp_path: Path, **env: str) -> int:
    child = pexpect.spawn(
        console_script(),
        ["criteria"],
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=20,
        env=dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "c"), TERM="xterm", **env),
    )
    child.expect(pexpect.EOF)
    child.close()
    text = child.before or ""
    return text.count("\x1b[3") + text.count("\x1b[9")  # foreground colour sequences


def test_colour_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    assert colour_codes(tmp_path) > 0
    assert colour_codes(tmp_path, NO_COLOR="1") == 0


def complete(line: str) -> list[str]:
    """What bash's completion gets from the installed console script for the words typed so far."""
    words = line.split(" ")
    env = {**os.environ, "_CALAMITEIT_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    done = subprocess.run([console_script()], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.split()


def test_shell_completion_knows_every_command_and_choice(calamiteit: Invoke) -> None:
    """Completion sees the command groups that a normal run registers only when named (cli.GROUPS), their
    subcommands and the choices of an option; its options are explained in Dutch like the rest of the help."""
    from .test_cli import GROUPS, TOP

    assert complete("calamiteit ") == TOP
    assert complete("calamiteit ov") == ["overzicht"]
    assert complete("calamiteit incident ") == GROUPS["incident"]
    assert complete("calamiteit gebruik ") == ["import"]
    assert complete("calamiteit overzicht --format ") == ["tabel", "md", "json", "html"]
    shown = " ".join(calamiteit("--help").out.split())
    assert "--install-completion Installeer aanvulling (tab-completion) voor de huidige shell." in shown
