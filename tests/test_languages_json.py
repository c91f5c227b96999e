"""Every `--json` document is the same in Dutch and in English except its free-text fields (issue 25): a script
reads ids, kinds, numbers and moments, so the language of the run must not change them. The free-text fields are
named here and in docs/design.md ("Languages"); a new field that differs between the languages fails this test
until it is made language-neutral or named as free text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters import clock

from .conftest import Invoke, all_answers

NIGHT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # wo 02-12-2026 03:00 in Amsterdam: the night rota is on duty
MOMENT = ["--op", "2026-12-02 03:00"]

# Key names whose values are worded for a person in the asked language (docs/design.md, "Languages").
FREE_TEXT = {
    "instead",  # why a seat has nobody to call now, and who is reachable again when
    "warnings",  # check's and gebruik import's warnings
    "subject",  # the call-out's subject line and text as they go out
    "text",
}


def differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """The paths where two JSON values differ, skipping keys named in FREE_TEXT."""
    if type(a) is not type(b):
        yield path or "/"
    elif isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key in FREE_TEXT:
                continue
            if key not in a or key not in b:
                yield f"{path}/{key} (only in one)"
            else:
                yield from differences(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            yield f"{path} (length {len(a)} vs {len(b)})"
        else:
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                yield from differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield path


def test_differences_finds_a_changed_value_and_skips_free_text() -> None:
    """The comparison itself: a value that differs is named with its path; free text is not."""
    a = {"kind": "x", "items": [{"id": 1, "text": "hallo"}], "reason": "traag"}
    b = {"kind": "x", "items": [{"id": 1, "text": "hello"}], "reason": "slow"}
    assert list(differences(a, b)) == ["/reason"]
    assert list(differences(a, {**a, "extra": 1})) == ["/extra (only in one)"]
    assert list(differences({"l": [1]}, {"l": [1, 2]})) == ["/l (length 1 vs 2)"]


@pytest.fixture
def incident(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """An incident at Niveau 1 with an open action with a weekday deadline, a beeld and a sitrap, made at one
    fixed moment (the clock does not move between the two languages' runs)."""
    monkeypatch.setattr(clock, "now", lambda: NIGHT)
    monkeypatch.setenv("CALAMITEIT_AUTEUR", "Coördinator Één")
    opened = calamiteit("incident", "open", "Omgevingsloket traag", "--level", "1")
    assert opened.code == 0, opened.err
    found = opened.out.strip()
    for args in (
        ("log", found, "Leverancier gebeld", "--besluit", "--actiehouder", "Jan Smit", "--deadline", "vr 17:00"),
        ("log", found, "Loket reageert na 40 s", "--beeld"),
        ("rapport", found),
    ):
        done = calamiteit(*args)
        assert done.code == 0, done.err
    return found


COMMANDS = {
    "assess": ["assess", "--json", *all_answers("ja")],
    "contacts": ["contacts", "iplo", "--json"],
    "criteria": ["criteria", "--json"],
    "routes": ["routes", "--json"],
    "team": ["team", "OCT", "--json", *MOMENT],
    "paraatheid": ["paraatheid", "--json", *MOMENT],
    "paraatheid period": ["paraatheid", "--json", "--van", "2026-11-30", "--tot", "2026-12-07"],
    "check": ["check", "--json"],
    "incident list": ["incident", "list", "--json", "--all"],
    "incident show": ["incident", "show", "{id}", "--json"],
    "acties": ["acties", "{id}", "--json"],
    "rapport": ["rapport", "{id}", "--concept", "--format", "json"],
    "oproep": ["oproep", "{id}", "--json", *MOMENT],
    "oproep status": ["oproep", "{id}", "--status", "--json"],
    "overzicht": ["overzicht", "--van", "2026-11-01", "--tot", "2026-12-02", "--json"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_json_document_is_the_same_in_either_language(calamiteit: Invoke, incident: str, name: str) -> None:
    args = [a.replace("{id}", incident) for a in COMMANDS[name]]
    docs = []
    for lang in ("nl", "en"):
        result = calamiteit("--lang", lang, *args)
        assert result.code in (0, 7), result.err  # 7: paraatheid with a requirement not covered, still a document
        docs.append(json.loads(result.out))
    assert docs[0]["kind"] == docs[1]["kind"]
    assert list(differences(*docs)) == []


def test_the_free_text_fields_do_follow_the_language(calamiteit: Invoke, incident: str) -> None:
    """The exceptions are real: each named free-text field that this scenario fills is worded in the reader's
    language (so the list above is not a place to hide a field that should have been neutral)."""
    worded = {}
    for lang in ("nl", "en"):
        team = json.loads(calamiteit("--lang", lang, "team", "OCT", "--json", *MOMENT).out)
        call = json.loads(calamiteit("--lang", lang, "oproep", incident, "--json", *MOMENT).out)
        insteads = [m["instead"] for m in team["teams"]["OCT"] if m["instead"]]
        worded[lang] = (insteads, call["subject"], call["text"])
    (nl_instead, nl_subject, nl_text), (en_instead, en_subject, en_text) = worded["nl"], worded["en"]
    assert nl_instead and any("bereikbaar" in s for s in nl_instead)
    assert en_instead and any("reachable" in s for s in en_instead) and not any("bereikbaar" in s for s in en_instead)
    assert nl_subject != en_subject and nl_text != en_text
