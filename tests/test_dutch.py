"""Dutch throughout (issue 23, first part): each phrase the issue found fails here if it comes back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import Invoke

SRC = Path(__file__).resolve().parent.parent / "src" / "dso_calamiteit"
# Click's own msgid, which the catalogue words in Dutch.
ALLOWED = {"Got unexpected extra argument(s) ({args})"}
SKIP: set[str] = set()


def test_clicks_suggestion_is_dutch(calamiteit: Invoke) -> None:
    typo = calamiteit("asess")
    assert "Bedoelde u 'assess'?" in typo.err and "Did you mean" not in typo.err


def test_no_plural_written_with_brackets() -> None:
    """'1 fout(en)', '2 ontvanger(s)': a count's word comes from ngettext or words.count, not '(en)'."""
    found = []
    for path in SRC.rglob("*.py"):
        if str(path.relative_to(SRC)) in SKIP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if text not in ALLOWED and re.search(r"[a-z]\((en|s)\)(?!-)", text) and "http(s)" not in text:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:60]!r}")
    assert not found, found


def test_the_team_table_names_organisations_and_says_nobody_once(calamiteit: Invoke, monkeypatch) -> None:
    from datetime import UTC, datetime

    from dso_calamiteit.adapters import clock

    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 1, 10, tzinfo=UTC))  # Saturday night
    shown = " ".join(calamiteit("team", "OCT").out.split())
    assert "Organisatie: IPLO" in shown and "Organisatie: iplo" not in shown
    assert "niemand bereikbaar" not in shown.replace("weer bereikbaar", "")  # not "Nu bereikbaar: niemand bereikbaar"


def test_an_overview_counts_incidents_in_words(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("incident", "close", incident, "--reden", "Opgelost")
    report = calamiteit("overzicht", "--tot", "morgen", "--format", "md").out
    assert "1 incident;" in report and "incident(en)" not in report and "hoogste niveau niveau" not in report


# Every phrase issue 23 lists, as a pattern; the session below runs the commands that printed each.
PHRASES = {
    "Did you mean": r"Did you mean",
    "Soort: contacts / reporting": r"(?m)^\s*(Soort:\s*)?(contacts|reporting|readiness|logbook|callout|maintenance)\b",
    "Not a directory": r"Not a directory|No such file|Permission denied",
    "1 nieuwe regels": r"\b1 nieuwe regels",
    "1 fout(en)": r"\w\((en|s)\)",
    "Logboek: 1 regels": r"\b1 regels",
    "hoogste niveau niveau 2": r"niveau niveau",
    "Nu bereikbaar: niemand bereikbaar": r"Nu bereikbaar:\s*niemand bereikbaar",
    "applicatie Omgevingslokket Bedoelde u": r"Omgevingslokket Bedoelde u",
    "Woordvoerder (iplo)": r"\((iplo|dso-lv|bzk|vng)\)|Eis:\s+(iplo|dso-lv)\b",
    "backticks": r"`",
    "an empty Periode": r"(?m)Periode:\s*$",
    "Usage: … {incident} {text}": r"Usage:|\{incident\}|\{text\}|\[OPTIONS\]",
}


def test_no_phrase_the_issue_found_is_printed(
    calamiteit: Invoke, make_config, monkeypatch, tmp_path: Path
) -> None:
    """A short session through every command that printed one of the issue's phrases, at 60 columns (blocks:
    'Periode:' with nothing after it shows), all its output read at once."""
    from datetime import UTC, datetime

    from dso_calamiteit.adapters import clock

    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 1, 10, tzinfo=UTC))  # Saturday 02:10
    said: list[str] = []

    def run(*args: str) -> str:
        result = calamiteit(*args)
        said.append(f"$ {' '.join(args)}\n{result.out}{result.err}")
        return result.out

    run("asess")
    run("check")
    a_file = tmp_path / "een-bestand"
    a_file.write_text("x", encoding="utf-8")
    run("overzicht", "--format", "md", "-o", str(a_file / "overzicht.md"))
    run("gebruik", "import", str(a_file / "gebruik.csv"))
    broken = make_config(criteria="levels: [\n")
    run("check", "--config-dir", str(broken))
    incident = run("incident", "open", "Storing Omgevingsloket").strip()
    run("log", incident, "Loket traag", "--beeld")
    run("niveau", incident, "2", "--reden", "Landelijk")
    run("rapport", incident, "--format", "text")
    run("team", "OCT")
    run("team")
    run("paraatheid")
    run("paraatheid", "--van", "2026-12-01", "--tot", "2026-12-31")
    run("overzicht", "--tot", "morgen")
    usage = tmp_path / "gebruik.csv"
    usage.write_text("datum;applicatie;metriek;aantal\n2026-12-01;Omgevingslokket;indieningen;10\n", encoding="utf-8")
    run("gebruik", "import", str(usage))
    run("log", "--help")
    run("incident", "--help")
    run("incident", "show", "2099-999-xxxx")
    run("acties")
    handed = tmp_path / "export.json"
    run("incident", "export", incident, "-o", str(handed))
    run("incident", "import", str(handed))
    text = "\n".join(said)
    found = {name: re.search(pattern, text) for name, pattern in PHRASES.items()}
    found = {name: m for name, m in found.items() if m}
    assert not found, {n: text[max(0, m.start() - 80): m.end() + 40] for n, m in found.items()}
    assert re.search(r"(?m)^Periode:\s+gewoon$", text)  # the blocks leave an empty field out: it is named
    assert "Gebruik: calamiteit log [OPTIES] INCIDENT TEKST" in text


MARKDOWN = {"views/overview.py", "views/sitrap.py", "domain/safetext.py", "adapters/config/yamlfile.py"}


def test_no_backtick_in_a_message() -> None:
    """Backticks are Markdown: in a message a person reads in a terminal they are noise. Allowed: docstrings and
    help texts (Typer renders them as Markdown), field descriptions (the JSON schemas), and the Markdown writers."""
    found = []
    for path in SRC.rglob("*.py"):
        name = str(path.relative_to(SRC))
        if name in MARKDOWN:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                allowed.add(id(body[0].value))
            if isinstance(node, ast.keyword) and node.arg in ("help", "description"):
                allowed.update(id(n) for n in ast.walk(node.value))
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                allowed.add(id(node.value))  # an attribute's docstring (a pydantic field's description)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "`" in node.value \
                    and id(node) not in allowed:
                found.append(f"{name}:{node.lineno}: {node.value[:60]!r}")
    assert not found, found
