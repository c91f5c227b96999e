"""The documentation says what the code does: the README is the front door and its test command is what CI
runs, the runbook contract lists every JSON kind and exit code, links lead somewhere, and every test a document
names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.logbook import EXPORT_KIND

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def test_the_readme_is_the_front_door() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    for heading in ("## Set-up", "## A calamity night in ten minutes", "## Read on"):
        assert heading in readme


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls the README's test command verbatim: change one, change both."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = readme.split("Test (installs the test extras and runs the tests):", 1)[1].strip().splitlines()[0].strip()
    assert command.startswith("python3 -m venv .venv")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()


def json_kinds() -> set[str]:
    """Every `kind` the views write: the first argument of each jsondoc.dumps call, and the export's kind."""
    kinds: set[str] = set()
    for path in (REPO / "src" / "dso_calamiteit" / "views").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "dumps" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    kinds.add(first.value)
                else:
                    assert isinstance(first, ast.Name) and first.id == "EXPORT_KIND", ast.unparse(node)
                    kinds.add(EXPORT_KIND)
    return kinds


def test_every_json_kind_is_in_the_runbook_contract() -> None:
    runbook = (REPO / "docs" / "runbook.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", runbook, flags=re.M))
    written = json_kinds()
    assert len(written) >= 20
    assert written == documented, {"not documented": written - documented, "not written": documented - written}


def test_every_exit_code_is_in_the_runbook_contract() -> None:
    runbook = (REPO / "docs" / "runbook.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (\d+(?: \+ N)?) \|", runbook, flags=re.M))
    codes = {
        name: value
        for name, value in vars(exitcodes).items()
        if name.isupper() and isinstance(value, int) and name != "MAX_LEVEL_NUMBER"
    }
    expected = {str(v) for n, v in codes.items() if n != "LEVEL_BASE"} | {f"{exitcodes.LEVEL_BASE} + N"}
    assert rows == expected


def test_every_exit_code_is_in_the_tools_own_help() -> None:
    """`calamiteit --help` lists the exit codes a runbook branches on: each of them, in both languages."""
    from dso_calamiteit.cli import root

    text = " ".join((root._root.__doc__ or "").split())
    codes = {v for n, v in vars(exitcodes).items() if n.isupper() and isinstance(v, int) and n != "MAX_LEVEL_NUMBER"}
    said = {int(n) for n in re.findall(r"(?:Exitcodes:|,) (\d+)(?:\+N)? ", text)}
    assert said == codes, sorted(codes ^ said)


def test_links_between_the_documents_lead_somewhere() -> None:
    broken = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" not in target and not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(REPO)} -> {target}")
    assert broken == []


def test_every_test_a_document_names_exists() -> None:
    """A statement that says which test checks it names a real test file and function."""
    missing = []
    for doc in DOCS:
        for file, name in re.findall(r"(tests/test_\w+\.py)(?:::(\w+))?", doc.read_text(encoding="utf-8")):
            path = REPO / file
            if not path.is_file():
                missing.append(f"{doc.relative_to(REPO)}: {file}")
            elif name and not re.search(rf"^def {name}\(", path.read_text(encoding="utf-8"), flags=re.M):
                missing.append(f"{doc.relative_to(REPO)}: {file}::{name}")
    assert missing == []
