"""Handover between logbooks: ids never collide, an import never fails for numbering, chains stay verifiable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dso_calamiteit.domain import exitcodes

from .conftest import Invoke

pytestmark = pytest.mark.usefixtures("backend")  # every test on SQLite and on PostgreSQL


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest):
    """Switch between coordinator A's and coordinator B's logbook (two files, or two databases)."""
    databases = {}
    if backend == "postgres":
        make = request.getfixturevalue("pg_databases")
        databases = {"A": make(), "B": make()}

    def use(who: str) -> None:
        monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(tmp_path / who))
        if databases:
            monkeypatch.setenv("CALAMITEIT_DB", databases[who])
        monkeypatch.setenv("CALAMITEIT_AUTEUR", f"Coördinator {who}")

    return use


def test_two_logbooks_hand_an_incident_over_and_back(calamiteit: Invoke, two, tmp_path: Path) -> None:
    two("A")
    mine = calamiteit("incident", "open", "Omgevingsloket geeft 503").out.strip()
    calamiteit("log", mine, "Loket geeft 503 sinds 10:40", "--beeld")
    head = json.loads(calamiteit("rapport", mine, "--format", "json").out)["log"]["head"]  # sent to the team
    handover = tmp_path / "overdracht.json"
    assert calamiteit("incident", "export", mine, "-o", str(handover)).code == 0

    two("B")
    theirs = calamiteit("incident", "open", "Eigen storing bij B").out.strip()
    short = mine.rsplit("-", 1)[0]
    assert theirs.rsplit("-", 1)[0] == short  # both logbooks numbered their first incident 001
    imported = calamiteit("incident", "import", str(handover))
    assert imported.code == 0, imported.err  # ... and the import does not care
    assert imported.out.strip() == mine and mine != theirs
    ambiguous = calamiteit("incident", "show", short)
    assert ambiguous.code == exitcodes.USAGE
    assert mine in ambiguous.err and theirs in ambiguous.err and "Geef het volledige id" in ambiguous.err
    verified = calamiteit("incident", "verify", mine, "--head", head[:16])
    assert verified.code == 0, verified.out  # still verifiable against what A sent
    calamiteit("log", mine, "Overgenomen door B; leverancier gebeld", "--beeld")
    back = tmp_path / "terug.json"
    assert calamiteit("incident", "export", mine, "-o", str(back)).code == 0

    two("A")
    updated = calamiteit("incident", "import", str(back))
    assert updated.code == 0 and "bijgewerkt: 1 nieuwe regel (" in updated.err
    shown = json.loads(calamiteit("incident", "show", short, "--json").out)  # in A the short form is unique
    assert shown["incident"] == mine and shown["entries"][-1]["author"] == "Coördinator B"
    assert calamiteit("incident", "verify", mine).code == 0
    again = calamiteit("incident", "import", str(back))
    assert again.code == 0 and "stond al in dit logboek" in again.err


def test_two_continuations_of_one_incident_are_not_merged(calamiteit: Invoke, two, tmp_path: Path) -> None:
    two("A")
    incident = calamiteit("incident", "open", "Storing").out.strip()
    handover = tmp_path / "overdracht.json"
    calamiteit("incident", "export", incident, "-o", str(handover))
    two("B")
    calamiteit("incident", "import", str(handover))
    calamiteit("log", incident, "B schrijft verder", "--beeld")
    fork = tmp_path / "van-b.json"
    calamiteit("incident", "export", incident, "-o", str(fork))
    two("A")
    calamiteit("log", incident, "A schreef ook verder", "--beeld")
    before = calamiteit("incident", "show", incident, "--json").out
    refused = calamiteit("incident", "import", str(fork))
    assert refused.code == exitcodes.USAGE and "beide zijn na de overdracht verder geschreven" in refused.err
    assert calamiteit("incident", "show", incident, "--json").out == before


def test_an_unknown_short_id_still_suggests(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    result = calamiteit("incident", "show", incident[:-1] + "x9")
    assert result.code == exitcodes.USAGE and "onbekend incident" in result.err and "Bedoelde u" in result.err
