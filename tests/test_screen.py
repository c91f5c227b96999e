"""The coordinator's screen: finding what the user means, moments as people type them, plain Dutch."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dso_calamiteit import clock, exitcodes
from dso_calamiteit.dutchtime import local, parse_moment
from dso_calamiteit.errors import UsageError

from .conftest import Invoke

NOW = datetime(2026, 11, 28, 22, 17, tzinfo=UTC)  # za 28-11-2026 23:17 in Amsterdam


@pytest.mark.parametrize("org", ["iplo", "IPLO", "Iplo", "provinciën", "Provincien", "PROVINCIËN", "dso lv", "DSO-LV"])
def test_org_by_id_or_name_in_any_case_and_accent(calamiteit: Invoke, org: str) -> None:
    result = calamiteit("contacts", "--org", org, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] > 0


def test_tier_team_and_situation_by_name(calamiteit: Invoke, tmp_path) -> None:
    assert calamiteit("contacts", "--tier", "Tactisch", "--json").code == 0
    assert json.loads(calamiteit("team", "operationeel calamiteitenteam", "--json").out)["teams"].keys() == {"OCT"}
    assert calamiteit("team", "oct", "--json").code == 0
    opened = calamiteit("incident", "open", "Storing", "--situatie", "verstoring in het dso-lv", "--json")
    assert opened.code == 0, opened.err
    incident = json.loads(opened.out)["id"]
    shown = json.loads(calamiteit("rapport", incident, "--format", "json", "--concept").out)
    assert shown["incident"]["situation"] == "dso-lv"  # stored as the id, whatever was typed
    assert calamiteit("contacts", "--org", "gemeentes").code == exitcodes.USAGE


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("iplp", "iplo"), ("leveranciersmanagment", "leveranciersmanagement"), ("provincie utrecht x", None)],
)
def test_a_search_that_finds_nothing_suggests(calamiteit: Invoke, typed: str, meant: str | None) -> None:
    result = calamiteit("contacts", typed)
    assert result.code == exitcodes.FAILURE
    if meant:
        assert "Bedoelde u" in result.err and meant in result.err.casefold()


def test_letters_without_dashes_still_find(calamiteit: Invoke) -> None:
    found = json.loads(calamiteit("contacts", "dsolv", "--json").out)["contacts"]
    assert found and all(c["org"] == "dso-lv" or "dso" in c["role"].casefold() for c in found)


@pytest.mark.parametrize(
    ("typed", "shown", "with_time"),
    [
        ("03:00", "za 28-11-2026 03:00", True),
        ("3:00", "za 28-11-2026 03:00", True),
        ("29-11-2026 03:00", "zo 29-11-2026 03:00", True),
        ("2026-11-29 3:00", "zo 29-11-2026 03:00", True),
        ("zo 29-11-2026 03:00", "zo 29-11-2026 03:00", True),  # as the tool prints it
        ("morgen 08:00", "zo 29-11-2026 08:00", True),
        ("gisteren 12:00", "vr 27-11-2026 12:00", True),
        ("nu", "za 28-11-2026 23:17", True),
        ("2026-11-29", "zo 29-11-2026 00:00", False),
        ("29-11-2026", "zo 29-11-2026 00:00", False),
        ("2026-11-29T02:00:00+00:00", "zo 29-11-2026 03:00", True),
    ],
)
def test_moments_as_people_type_them(typed: str, shown: str, with_time: bool) -> None:
    moment, timed = parse_moment(typed, NOW)
    assert (local(moment), timed) == (shown, with_time)


@pytest.mark.parametrize("typed", ["25:00", "31-02-2026", "volgende week", "12:75"])
def test_an_unreadable_moment_names_the_accepted_forms(typed: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_moment(typed, NOW)
    assert "DD-MM-JJJJ HH:MM" in (caught.value.hint or "") and "morgen" in (caught.value.hint or "")


def test_with_op_headings_name_the_moment(calamiteit: Invoke, monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    team = calamiteit("team", "OCT", "--op", "morgen 03:00").out
    assert "Bereikbaar op zo 29-11-2026 03:00" in team and "Nu bereikbaar" not in team
    assert "Nu bereikbaar" in calamiteit("team", "OCT").out
    desks = calamiteit("paraatheid", "--op", "29-11-2026 03:00").out
    assert "Op zo 29-11-2026 03:00" in desks
    reachable = calamiteit("contacts", "--bereikbaar", "--op", "zo 29-11-2026 03:00").out
    assert "bereikbaar op zo 29-11-2026 03:00" in reachable
