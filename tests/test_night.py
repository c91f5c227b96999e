"""A real incident from first report to handover, on a controlled clock: decisions, the sitrap, deadlines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pexpect
import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, all_answers
from .test_interactive import console_script

pytestmark = pytest.mark.usefixtures("backend")  # every test on SQLite and on PostgreSQL

START = datetime(2026, 11, 28, 9, 40, tzinfo=UTC)  # 10:40 in Amsterdam


class Clock:
    """The one clock of the tool, moved by hand: every entry gets the minute the test says."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: int) -> None:
        self.now = START + timedelta(minutes=minutes)


@pytest.fixture
def night(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    yield fake


def level_one() -> list[str]:
    answers = all_answers("nee")
    for i in (1, 3, 5):  # three level-1 criteria: the threshold of Niveau 1
        answers[i] = answers[i].replace("=nee", "=ja")
    return answers


def entries(calamiteit: Invoke, incident: str) -> list[dict]:
    return json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]


# --- a person decides, the tool advises ---------------------------------------------------------------


def test_an_advice_never_changes_the_level_unasked(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    refused = calamiteit("assess", "--incident", incident, *level_one())
    assert refused.code == exitcodes.USAGE
    assert "het advies is opschalen van niveau 0 naar 1" in refused.err and "--volg-advies" in refused.err
    assert len(entries(calamiteit, incident)) == 1  # nothing recorded
    advice = calamiteit("assess", "--incident", incident, "--alleen-advies", "--json", *level_one())
    assert advice.code == 0 and "alleen als advies (niveau 1); het niveau blijft 0" in advice.err
    shown = json.loads(calamiteit("incident", "show", incident, "--json").out)
    assert shown["level"] == 0 and [e["kind"] for e in shown["entries"]] == ["open", "assessment"]
    both = calamiteit("assess", "--incident", incident, "--volg-advies", "--alleen-advies", *level_one())
    assert both.code == exitcodes.USAGE


def test_a_decision_against_the_advice_is_recorded_as_such(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Loket traag").out.strip()
    calamiteit("assess", "--incident", incident, "--alleen-advies", *all_answers("nee"))  # advice: level 0
    decided = calamiteit("niveau", incident, "1", "--reden", "IPLO vraagt om een OCT")
    assert decided.code == 0 and "tegen het advies (niveau 0) in" in decided.err
    assert (
        "(besluit, tegen het advies: niveau 0): IPLO vraagt om een OCT" in calamiteit("incident", "show", incident).out
    )
    sitrap = calamiteit("rapport", incident, "--format", "md").out
    assert "IPLO vraagt om een OCT (besluit, tegen het advies: Serviceketen)" in sitrap
    exported = json.loads(calamiteit("incident", "export", incident).out)
    change = exported["entries"][-2]["body"]
    assert change == {
        "action": "opschalen",
        "advised": 0,
        "after": 1,
        "before": 0,
        "decided": True,
        "reason": "IPLO vraagt om een OCT",
    }
    history = json.loads(calamiteit("rapport", incident, "--format", "json").out)["history"]
    assert history[-1]["decided"] is True and history[-1]["advised"] == "Serviceketen"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["0", "--reden", "x"], "staat al op niveau 0"),
        (["7", "--reden", "x"], "onbekend"),
        (["1", "--reden", " "], "lege reden"),
    ],
)
def test_a_level_decision_that_makes_no_sense_is_refused(calamiteit: Invoke, args: list[str], message: str) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    result = calamiteit("niveau", incident, *args)
    assert result.code == exitcodes.USAGE and message in result.err


def test_a_person_confirms_the_advice_at_a_terminal(tmp_path) -> None:
    env = {"CALAMITEIT_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    script = console_script()
    opened = pexpect.run(f"{script} incident open Loket", env=env, encoding="utf-8")
    incident = opened.strip().splitlines()[-1]
    for answer, level in (("n", 0), ("j", 1)):
        child = pexpect.spawn(script, ["assess", "--incident", incident, *level_one()], env=env, encoding="utf-8")
        child.expect(r"Het advies is opschalen van niveau 0 naar 1\. Het niveau zo wijzigen\?", timeout=20)
        child.sendline(answer)
        child.expect(pexpect.EOF, timeout=20)
        child.close()
        assert child.exitstatus == 0
        shown = pexpect.run(f"{script} incident show {incident} --json", env=env, encoding="utf-8")
        assert json.loads(shown)["level"] == level


def test_a_level_moved_since_it_was_shown_records_nothing(calamiteit: Invoke, tmp_path) -> None:
    from dso_calamiteit.adapters import config
    from dso_calamiteit.app import incidents
    from dso_calamiteit.app.incidents import LevelMoved
    from dso_calamiteit.domain.assessment import assess

    incident = calamiteit("incident", "open", "Storing").out.strip()
    criteria = config.load(config.locate(None)).criteria
    with pytest.raises(LevelMoved):
        incidents.record_assessment(
            None, incident, lambda lv: assess(criteria, {}, lv), None, "t", apply=True, seen_level=1
        )
    assert len(entries(calamiteit, incident)) == 1


# --- the sitrap tells the whole picture ---------------------------------------------------------------


def test_a_realistic_night_in_sitraps(calamiteit: Invoke, night: Clock) -> None:
    incident = calamiteit("incident", "open", "Omgevingsloket geeft 503", "--situatie", "dso-lv").out.strip()
    steps = [
        (1, ["log", incident, "Omgevingsloket geeft 503 sinds 10:40", "--beeld"]),
        (3, ["log", incident, "IPLO meldt 40 klachten van gemeenten", "--beeld"]),
        (5, ["log", incident, "Waarschijnlijk DSO-LV-breed, niet lokaal", "--oordeel"]),
        (6, ["log", incident, "Risico: indieningen gaan verloren", "--oordeel"]),
        (8, ["assess", "--incident", incident, "--volg-advies", *level_one()]),
        (
            9,
            [
                "log",
                incident,
                "IPLO publiceert storingsmelding",
                "--besluit",
                "--actiehouder",
                "IPLO",
                "--deadline",
                "2026-11-28 11:00",
            ],
        ),
        (
            10,
            [
                "log",
                incident,
                "Leverancier gateway bellen",
                "--besluit",
                "--actiehouder",
                "DSO-LV",
                "--deadline",
                "2026-11-28 12:30",
            ],
        ),
        (12, ["log", incident, "Gateway geeft time-outs", "--beeld"]),
        (13, ["log", incident, "Gateway geeft time-outs vanaf 10:38", "--beeld", "--corrigeert", "10"]),
        (15, ["rapport", incident, "--format", "json"]),  # sitrap 1
        (30, ["log", incident, "Leverancier bevestigt certificaatprobleem", "--beeld"]),
        (31, ["log", incident, "Herstel verwacht binnen een uur", "--oordeel"]),
        (33, ["actie", incident, "2", "--gereed", "--toelichting", "Gebeld"]),
        (
            35,
            [
                "log",
                incident,
                "VNG informeren",
                "--besluit",
                "--actiehouder",
                "DSO-LV",
                "--deadline",
                "2026-11-28 11:20",
            ],
        ),
        (40, ["log", incident, "Loket weer bereikbaar voor een deel", "--beeld"]),
        (41, ["log", incident, "Meldingen nemen af", "--beeld"]),
        (42, ["log", incident, "Nog 10 % foutmeldingen", "--beeld"]),
        (45, ["log", incident, "Risico nu beperkt", "--oordeel"]),
        (48, ["log", incident, "Monitor toont herstel", "--beeld"]),
        (50, ["log", incident, "IPLO houdt melding open tot 13:00", "--oordeel"]),
    ]
    for minute, args in steps:
        night.at(minute)
        result = calamiteit(*args)
        assert result.code == 0, (args, result.err)
    assert len(entries(calamiteit, incident)) >= 20
    night.at(80)  # 12:00 in Amsterdam: "storingsmelding" (11:00) and "VNG informeren" (11:20) are overdue
    concept = calamiteit("rapport", incident, "--concept", "--format", "json")
    doc = json.loads(concept.out)
    assert doc["concept"] is True and doc["number"] is None
    assert doc["since_report"] == 1
    assert [o["text"] for o in doc["observations"]] == [
        "Leverancier bevestigt certificaatprobleem",
        "Loket weer bereikbaar voor een deel",
        "Meldingen nemen af",
        "Nog 10 % foutmeldingen",
        "Monitor toont herstel",
    ]
    assert {a["number"]: a["overdue"] for a in doc["open_actions"]} == {1: True, 3: True}
    assert doc["team"]["team"] == "OCT" and doc["team"]["members"]
    assert doc["next_update"] is not None
    md = calamiteit("rapport", incident, "--concept").out
    assert md.startswith("# CONCEPT situatierapport (nog zonder nummer)")
    for section in (
        "## Beeld (sinds situatierapport 1)",
        "## Oordeel (knelpunten, risico's)",
        "## Besluiten",
        "## Open acties",
        "## Bijeen te roepen: Operationeel Calamiteitenteam",
        "## Prognose en volgende update",
    ):
        assert section in md, section
    assert "**TE LAAT**" in md and "open, te laat" in md
    assert sum(e["kind"] == "report" for e in entries(calamiteit, incident)) == 1  # the concept took no number
    first = json.loads(calamiteit("rapport", incident, "--format", "json").out)  # sitrap 2
    assert first["number"] == 2


def test_the_first_sitrap_has_the_whole_picture_with_corrections(calamiteit: Invoke, night: Clock) -> None:
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    for minute, text in ((1, "Omgevingsloket geeft 503 sinds 10:40"), (2, "IPLO meldt klachten"), (3, "Fout getal")):
        night.at(minute)
        calamiteit("log", incident, text, "--beeld")
    night.at(4)
    calamiteit("log", incident, "Goed getal", "--beeld", "--corrigeert", "4")
    doc = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    assert doc["since_report"] is None
    assert [o["text"] for o in doc["observations"]] == [
        "Omgevingsloket geeft 503 sinds 10:40",  # the first report does not vanish from sitrap 1
        "IPLO meldt klachten",
        "Goed getal",
    ]
    night.at(20)
    again = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    assert again["observations"] == [] and again["picture"]["text"] == "Goed getal"
    assert "Geen nieuwe feiten." in calamiteit("rapport", incident, "--concept").out


# --- deadlines and overdue actions ---------------------------------------------------------------------


def test_a_deadline_that_has_passed_is_refused(calamiteit: Invoke, night: Clock) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    night.now = datetime(2026, 11, 28, 22, 17, tzinfo=UTC)  # 23:17 in Amsterdam
    for typed in ("11:30", "2026-11-27 12:00"):
        refused = calamiteit("log", incident, "Bel terug", "--besluit", "--actiehouder", "IPLO", "--deadline", typed)
        assert refused.code == exitcodes.USAGE, typed
        assert "is al voorbij (nu za 28-11-2026 23:17)" in refused.err
        assert "JJJJ-MM-DD HH:MM" in refused.err
    assert (
        "deadline za 28-11-2026 11:30 is al voorbij"
        in calamiteit("log", incident, "x", "--besluit", "--actiehouder", "IPLO", "--deadline", "11:30").err
    )
    assert len(entries(calamiteit, incident)) == 1


def test_overdue_actions_and_the_next_sitrap_are_shown(calamiteit: Invoke, night: Clock) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    listed = json.loads(calamiteit("incident", "list", "--json").out)["incidents"][0]
    assert listed["next_sitrap"] == "2026-11-28T13:40:00+00:00"  # opened + 240 minutes at the base level
    night.at(5)
    calamiteit("log", incident, "Bel terug", "--besluit", "--actiehouder", "IPLO", "--deadline", "11:00")
    calamiteit("log", incident, "Later", "--besluit", "--actiehouder", "IPLO", "--deadline", "2026-11-28 18:00")
    night.at(10)
    report = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    night.at(30)  # 11:10: action 1 is overdue, action 2 is not
    actions = json.loads(calamiteit("acties", "--json").out)["actions"]
    assert [(a["number"], a["overdue"]) for a in actions] == [(1, True), (2, False)]
    table = calamiteit("acties").out
    assert "za 28-11-2026 11:00 te laat" in table and "18:00 te laat" not in table
    shown = calamiteit("incident", "show", incident).out
    assert "2 open acties, 1 te laat" in shown and "deadline za 28-11-2026 11:00 (te laat)" in shown
    assert f"Volgende sitrap uiterlijk {'za 28-11-2026 14:50'}" in shown  # the time sitrap 1 promised
    listed = json.loads(calamiteit("incident", "list", "--json").out)["incidents"][0]
    assert listed["next_sitrap"] == report["next_update"]
    night.at(400)
    assert "te laat" in calamiteit("incident", "list").out


# --- a tampered log is never shown as if nothing happened ----------------------------------------------


def _tamper(tmp_path, incident: str, n: int, body: str) -> None:
    from . import backends

    sql = "UPDATE entries SET body = ? WHERE incident = ? AND n = ?"
    backends.tamper(tmp_path / "data", (sql, (body, incident, n)))


def test_every_reader_of_a_tampered_incident_says_so(calamiteit: Invoke, tmp_path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Bel leverancier", "--besluit", "--actiehouder", "IPLO")
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    _tamper(tmp_path, incident, 3, '{"text":"Loket werkt prima"}')
    for args in (("incident", "show", incident), ("incident", "show", incident, "--alles"), ("acties",)):
        seen = calamiteit(*args)
        assert seen.code == exitcodes.TAMPERED, args
        assert f"LET OP: de hashketen van {incident} klopt niet: regel 3" in seen.err
    as_json = calamiteit("incident", "show", incident, "--json")
    assert as_json.code == exitcodes.TAMPERED
    assert json.loads(as_json.out)["chain"] == {
        "verified": False,
        "faults": [{"n": 3, "message": "inhoud klopt niet met de hash (regel gewijzigd)"}],
    }
    refused = calamiteit("rapport", incident)
    assert refused.code == exitcodes.TAMPERED and refused.out == "" and "--toch" in refused.err
    assert calamiteit("incident", "export", incident).code == exitcodes.TAMPERED
    assert sum(e["kind"] == "report" for e in json.loads(as_json.out)["entries"]) == 0
    insisted = calamiteit("rapport", incident, "--toch")
    assert insisted.code == 0
    assert insisted.out.startswith("**LET OP: de hashketen van dit logboek klopt niet** (regel 3: inhoud klopt niet")
    exported = calamiteit("incident", "export", incident, "--toch")
    doc = json.loads(exported.out)
    assert list(doc)[:4] == ["schema_version", "kind", "incident", "chain"] and doc["chain"]["verified"] is False
    path = tmp_path / "export.json"
    path.write_text(exported.out, encoding="utf-8")
    calamiteit_import = calamiteit("incident", "import", str(path))
    assert calamiteit_import.code == exitcodes.TAMPERED


BROKEN_FIRST_LINE = {  # the start of a report of a broken chain, and what the CLI says after the break
    "nl": ("LET OP: de hashketen van dit logboek klopt niet",
           "(regel 3: inhoud klopt niet met de hash (regel gewijzigd)); ", "dit rapport is toch gemaakt (--toch)."),
    "en": ("NOTE: the hash chain of this logbook does not verify",
           "(entry 3: content does not match the hash (line changed)); ",
           "this report was made all the same (--toch)."),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_report_made_anyway_says_so_first_in_every_format(calamiteit: Invoke, tmp_path, lang: str) -> None:
    """`rapport --toch` of a broken chain: the first line says the chain is broken, where, and that the report was
    made anyway with that flag (the CLI's own words; the web page says something else, test_web_kept), in every
    format written for people and in the language asked for; the JSON says it in `chain`."""
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Bel leverancier", "--besluit", "--actiehouder", "IPLO")
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    _tamper(tmp_path, incident, 3, '{"text":"Loket werkt prima"}')
    warning, where, anyway = BROKEN_FIRST_LINE[lang]
    first = {}
    for format_ in ("md", "text", "html"):
        made = calamiteit("--lang", lang, "rapport", incident, "--toch", "--concept", "--format", format_)
        assert made.code == exitcodes.OK, made.err
        first[format_] = made.out.split("<main>\n", 1)[-1].splitlines()[0]
    assert first["md"] == f"**{warning}** {where}{anyway}"
    assert first["text"] == f"{warning} {where}{anyway}"
    assert first["html"] == f"<p><strong>{warning}</strong> {where}{anyway}</p>"
    as_json = calamiteit("--lang", lang, "rapport", incident, "--toch", "--concept", "--format", "json")
    assert json.loads(as_json.out)["chain"]["verified"] is False and "--toch" not in as_json.out


def test_an_entry_edited_beyond_reading_is_a_broken_chain_not_a_crash(calamiteit: Invoke, tmp_path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Besluit", "--besluit", "--actiehouder", "IPLO")
    _tamper(tmp_path, incident, 2, '{"tekst":"weg"}')
    for args in (("incident", "show", incident), ("incident", "show", incident, "--json"), ("acties",)):
        result = calamiteit(*args)
        assert result.code == exitcodes.TAMPERED, (args, result.err)
        assert "interne fout" not in result.err and f"{incident} klopt niet: regel 2" in result.err


# --- who to phone now ----------------------------------------------------------------------------------


def test_call_now_at_night_and_by_day(calamiteit: Invoke, night: Clock) -> None:
    night.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # a Wednesday, 03:00 in Amsterdam
    at_night = json.loads(calamiteit("assess", "--no-input", "--json", *level_one()).out)["call_now"]
    night.now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00
    by_day = json.loads(calamiteit("assess", "--no-input", "--json", *level_one()).out)["call_now"]
    for calls in (at_night, by_day):
        assert calls and calls[0]["for"].startswith("Voorzitter OCT")  # the team's roles come first
        for call in calls:  # somebody to phone, or what to do instead: never a silent gap
            also = call["instead"] and call["instead"].startswith(("waarnemer", "ook hierboven"))
            assert (call["contact"] is None) != (call["instead"] is None) or also
    night_people = {c["contact"]["role"] for c in at_night if c["contact"]}
    day_people = {c["contact"]["role"] for c in by_day if c["contact"]}
    assert "Servicedesk DSO-LV" not in night_people  # a closed desk is not in the block at night
    assert "Servicedesk DSO-LV" in day_people
    closed = [c for c in at_night if c["instead"] and "weer bereikbaar vanaf" in c["instead"]]
    assert closed and "wo 25-11-2026" in closed[0]["instead"]  # ... but when it opens again is said
    table = calamiteit("assess", "--no-input", *level_one()).out
    assert table.index("Nu bellen") < table.index("Criteria met 'ja'") < table.index("Alle contacten langs")
