"""The coordinator's screen: finding what the user means, moments as people type them, plain Dutch."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.dutchtime import local, parse_moment, period_end
from dso_calamiteit.domain.errors import UsageError

from .conftest import Invoke

NOW = datetime(2026, 11, 28, 22, 17, tzinfo=UTC)  # za 28-11-2026 23:17 in Amsterdam


@pytest.mark.parametrize("org", ["iplo", "IPLO", "Iplo", "provinciën", "Provincien", "PROVINCIËN", "dso lv", "DSO-LV"])
def test_org_by_id_or_name_in_any_case_and_accent(calamiteit: Invoke, org: str) -> None:
    result = calamiteit("contacts", "--org", org, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] > 0


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_tier_team_and_situation_by_name(calamiteit: Invoke, shipped) -> None:
    from dso_calamiteit.adapters import config

    contacts = config.load(config.locate(shipped), use_cache=False).contacts.contacts
    tactical = sorted(c.name for c in contacts if c.tier == "tactisch")
    for typed in ("Tactisch", "TACTISCH", "tactisch"):
        found = json.loads(calamiteit("contacts", "--tier", typed, "--json").out)["contacts"]
        assert sorted(c["name"] for c in found) == tactical and len(tactical) >= 2, typed
    by_name = json.loads(calamiteit("team", "operationeel calamiteitenteam", "--json").out)
    by_id = json.loads(calamiteit("team", "oct", "--json").out)
    assert by_name == by_id and list(by_id["teams"]) == ["OCT"]
    assert {m["role"] for m in by_id["teams"]["OCT"]} >= {"Voorzitter OCT"}
    opened = calamiteit("incident", "open", "Storing", "--situatie", "verstoring in het dso-lv", "--json")
    assert opened.code == 0, opened.err
    incident = json.loads(opened.out)["id"]
    shown = json.loads(calamiteit("rapport", incident, "--format", "json", "--concept").out)
    assert shown["incident"]["situation"] == "dso-lv"  # stored as the id, whatever was typed
    wrong = calamiteit("contacts", "--org", "gemeentes")
    assert wrong.code == exitcodes.USAGE and "Bedoelde u 'gemeenten'?" in wrong.err


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("iplp", ["iplo"]),
        ("leveranciersmanagment", ["leveranciersmanagement", "Leveranciersmanager", "Hoofd leveranciersmanagement"]),
        ("provincie utrecht x", ["provincies", "provinciën"]),  # the nearest word of several
        ("xyzzy qqq", []),  # nothing near: no guess
    ],
)
def test_a_search_that_finds_nothing_suggests(calamiteit: Invoke, typed: str, meant: list[str]) -> None:
    result = calamiteit("contacts", typed)
    assert result.code == exitcodes.FAILURE
    said = result.err.splitlines()[0]
    assert said.startswith(f"calamiteit: geen contact gevonden voor '{typed}'."), said
    suggested = re.findall(r"'([^']+)'", said.partition("Bedoelde u")[2])
    assert sorted(suggested) == sorted(meant), said


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


@pytest.mark.parametrize("typed", ["25:00", "24:01", "23:60", "31-02-2026", "volgende week", "12:75"])
def test_an_unreadable_moment_names_the_accepted_forms(typed: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_moment(typed, NOW)
    assert "DD-MM-JJJJ HH:MM" in (caught.value.hint or "") and "morgen" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "args",
    [("paraatheid", "--op", "24:00"), ("paraatheid", "--van", "2026-11-28", "--tot", "29-11-2026 24:00"),
     ("overzicht", "--tot", "2026-11-29 24:00"), ("team", "OCT", "--op", "morgen 24:00")],
)
def test_24_00_is_a_usage_error_that_says_what_to_write(calamiteit: Invoke, args: tuple[str, ...]) -> None:
    """24:00 is not a moment here: two lines naming it and what to write instead, never an internal error."""
    result = calamiteit(*args)
    assert result.code == exitcodes.USAGE, result.err
    assert result.err == (
        f"calamiteit: '{args[-1]}' is geen geldig tijdstip: 24:00 bestaat niet\n"
        "  Schrijf 00:00 van de volgende dag, of bij --tot de datum alleen (die telt de hele dag mee).\n"
    )


@pytest.mark.parametrize(
    ("typed", "end"),
    [
        ("2026-11-29", "ma 30-11-2026 00:00"),  # a date alone: that whole day
        ("29-11-2026", "ma 30-11-2026 00:00"),
        ("2026-11-29 12:00", "zo 29-11-2026 12:00"),  # a time: that very moment
        ("2026-11-29 00:00", "zo 29-11-2026 00:00"),
        ("zo 29-11-2026 00:00", "zo 29-11-2026 00:00"),
        ("morgen 08:00", "zo 29-11-2026 08:00"),
        ("2026-11-29T00:00", "zo 29-11-2026 00:00"),
        ("2026-10-25", "ma 26-10-2026 00:00"),  # a day of 25 hours (the clocks go back): still the next midnight
    ],
)
def test_a_period_ends_after_a_whole_day_or_at_a_typed_time(typed: str, end: str) -> None:
    assert local(period_end(typed, NOW)) == end


@pytest.mark.usefixtures("backend")  # the overview reads the logbook: on both engines
@pytest.mark.parametrize("command", ["paraatheid", "overzicht"])
@pytest.mark.parametrize(
    ("tot", "to"),
    [
        ("2026-11-29 12:00", "2026-11-29T11:00:00+00:00"),
        ("2026-11-29", "2026-11-29T23:00:00+00:00"),
        ("2027-01-02", "2027-01-02T23:00:00+00:00"),  # 1 January 2024 to the end of this day: 3 x 366 days
        ("2027-01-03 00:00", "2027-01-02T23:00:00+00:00"),
        ("2027-01-03 00:01", None),  # a minute more than three years
        ("2027-01-03", None),
    ],
)
def test_a_period_of_at_most_three_years(calamiteit: Invoke, command: str, tot: str, to: str | None) -> None:
    calamiteit("incident", "open", "Storing")  # the overview needs a logbook
    result = calamiteit(command, "--van", "2024-01-01", "--tot", tot, "--json")
    if to is None:
        assert result.code == exitcodes.USAGE and result.err == "calamiteit: kies een periode van hooguit drie jaar\n"
    else:
        assert result.code in (exitcodes.OK, exitcodes.READINESS_GAPS), result.err
        assert (json.loads(result.out)["from"], json.loads(result.out)["to"]) == ("2023-12-31T23:00:00+00:00", to)


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_with_op_headings_name_the_moment(calamiteit: Invoke, monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    team = calamiteit("team", "OCT", "--op", "morgen 03:00").out
    assert "Bereikbaar op zo 29-11-2026 03:00" in team and "Nu bereikbaar" not in team
    assert "Nu bereikbaar" in calamiteit("team", "OCT").out
    desks = calamiteit("paraatheid", "--op", "29-11-2026 03:00").out
    assert "Op zo 29-11-2026 03:00" in desks
    reachable = calamiteit("contacts", "--bereikbaar", "--op", "zo 29-11-2026 03:00").out
    assert "bereikbaar op zo 29-11-2026 03:00" in reachable


# --- plain Dutch ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("contacts", "--bogus"), "Onbekende optie: --bogus"),
        (("incident", "show"), "Argument 'incident' ontbreekt."),
        (("rapport", "x", "--format", "pdf"), "Ongeldige waarde voor '--format': 'pdf' is niet een van 'md', 'json'"),
        (("log", "x", "y", "--beeld", "--corrigeert", "abc"), "'abc' is geen geheel getal"),
        (("contacts", "a", "b"), "Onverwacht extra argument: b"),
        (("nosuch",), "Onbekend commando 'nosuch'."),
    ],
)
def test_clicks_own_messages_are_dutch(calamiteit: Invoke, args: tuple[str, ...], said: str) -> None:
    result = calamiteit(*args)
    assert result.code == exitcodes.USAGE
    assert said in result.err and "Zie 'calamiteit" in result.err


def test_help_is_dutch_and_wraps_as_paragraphs(calamiteit: Invoke, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    shown = calamiteit("--help").out
    for text in ("Toon deze hulp en stop.", "Installeer aanvulling", "Opties", "Commando's"):
        assert text in shown, text
    assert "Show this message" not in shown and "Install completion" not in shown
    flowing = [line.strip() for line in shown.splitlines()]
    assert not any(line.startswith(("2 onjuist", "5 monitor", "--exit-level")) for line in flowing)  # rewrapped
    assert "[standaard: 24h]" in calamiteit("monitor", "--help").out


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_plain_dutch_words(calamiteit: Invoke, make_config) -> None:
    from .conftest import all_answers

    down = json.loads(calamiteit("assess", "--json", "--current", "1", *all_answers("nee")).out)
    assert down["advice"]["reason"].startswith("Afschalen van Niveau 1 naar Serviceketen:")  # no "(Serviceketen)"
    base = calamiteit("assess", *all_answers("nee")).out
    assert "Serviceketen  →  Serviceketen" not in base
    empty = calamiteit("incident", "open", "   ")
    assert empty.code == exitcodes.USAGE and "lege titel: geef het incident een korte titel" in empty.err
    folder = make_config(
        contacts="organisations:\n  - {id: x, name: X}\ncontacts:\n  - {org: x, role: r, tier: hoog}\n"
    )
    checked = calamiteit("check", "--config-dir", str(folder))
    assert "'operationeel', 'tactisch' of 'strategisch'" in checked.out and " or " not in checked.out
    assert "1 probleem gevonden." in checked.out
    assert calamiteit("schema", "paraatheid").code == 0 and calamiteit("schema", "rapport").code == 0
    assert "paraatheid" in calamiteit("schema", "--help").out
