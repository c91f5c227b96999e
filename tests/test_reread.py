"""Nothing said is lost (issue 23): open actions of closed incidents, a sitrap read again without a new number,
and a correction said in words in every format."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke

pytestmark = pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL


def entries(calamiteit: Invoke, incident: str) -> list[dict]:
    return json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]


def test_an_open_action_of_a_closed_incident_stays_listed(calamiteit: Invoke) -> None:
    closed = calamiteit("incident", "open", "Loket plat").out.strip()
    calamiteit("log", closed, "Leverancier bellen", "--besluit", "--actiehouder", "Fatima")
    calamiteit("incident", "close", closed, "--force", "--reden", "Opgelost")
    still = calamiteit("incident", "open", "Ander incident").out.strip()
    calamiteit("log", still, "Bericht plaatsen", "--besluit", "--actiehouder", "IPLO")
    listed = calamiteit("acties")
    assert f"{closed} (gesloten)" in listed.out and "Leverancier bellen" in listed.out
    assert "Bericht plaatsen" in listed.out and f"{still} (gesloten)" not in listed.out
    found = json.loads(calamiteit("acties", "--json").out)["actions"]
    assert [(a["incident"], a["incident_closed"]) for a in found] == [(closed, True), (still, False)]
    assert "Leverancier bellen" in calamiteit("acties", closed).out


def test_a_sitrap_is_read_again_exactly_without_a_new_number(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 1, 10, tzinfo=UTC))
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    calamiteit("log", incident, "Loket traag", "--beeld")
    made_text = calamiteit("rapport", incident, "--format", "text").out  # sitrap 1
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 2, 40, tzinfo=UTC))
    calamiteit("log", incident, "Loket helemaal weg", "--beeld")
    made_md = calamiteit("rapport", incident, "--format", "md").out  # sitrap 2
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 6, 9, 0, tzinfo=UTC))  # a day later
    calamiteit("log", incident, "Nieuw feit na sitrap 2", "--beeld")
    before = len(entries(calamiteit, incident))
    assert calamiteit("rapport", incident, "--nummer", "1", "--format", "text").out == made_text
    assert calamiteit("rapport", incident, "--nummer", "2", "--format", "md").out == made_md
    again = json.loads(calamiteit("rapport", incident, "--nummer", "1", "--format", "json").out)
    assert again["number"] == 1 and "Loket helemaal weg" not in json.dumps(again)  # the log as it was then
    assert len(entries(calamiteit, incident)) == before  # nothing recorded
    missing = calamiteit("rapport", incident, "--nummer", "3")
    assert missing.code == exitcodes.USAGE and "heeft geen sitrap 3; het heeft sitrap 1 t/m 2" in missing.err
    both = calamiteit("rapport", incident, "--nummer", "1", "--concept")
    assert both.code == exitcodes.USAGE
    assert json.loads(calamiteit("rapport", incident, "--format", "json").out)["number"] == 3  # no number used


def test_a_correction_is_said_in_words_in_every_format(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    calamiteit("log", incident, "Loket 100% plat", "--beeld")  # entry 2
    calamiteit("log", incident, "Loket 50% plat", "--beeld", "--corrigeert", "2")  # entry 3
    table = " ".join(calamiteit("incident", "show", incident).out.split())
    assert "Loket 100% plat (gecorrigeerd in regel 3)" in table  # piped: no strike-through to carry it
    every = calamiteit("incident", "show", incident, "--alles").out
    assert "(gecorrigeerd in regel 3): Loket 100% plat" in every
    assert json.loads(calamiteit("incident", "show", incident, "--json").out)["corrected"] == {"2": 3}
    for form in ("text", "md"):
        report = calamiteit("rapport", incident, "--concept", "--format", form).out
        assert "Loket 50% plat (correctie van regel 2)" in report and "100%" not in report, form
    document = json.loads(calamiteit("rapport", incident, "--concept", "--format", "json").out)
    assert '"corrects": 2' in json.dumps(document)


def test_db_copy_reports_every_kind_of_row(calamiteit: Invoke, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Incidents, monitor checks and usage figures: each kind copied is said (the usage figures were not)."""
    import os

    if os.environ.get("CALAMITEIT_DB"):  # the PostgreSQL run: its copy is tested in test_postgres.py
        pytest.skip("SQLite to SQLite here")
    monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(tmp_path / "bron"))
    calamiteit("incident", "open", "Loket plat")
    figures = tmp_path / "g.csv"
    figures.write_text("datum;applicatie;metriek;aantal\n2024-01-15;Omgevingsloket;indieningen;1250\n"
                       "2024-01-16;Omgevingsloket;indieningen;1300\n", encoding="utf-8")
    assert calamiteit("gebruik", "import", str(figures)).code == 0
    source, target = str(tmp_path / "bron" / "logboek.sqlite"), str(tmp_path / "doel" / "logboek.sqlite")
    copied = json.loads(calamiteit("db", "copy", "--from", source, "--to", target, "--json").out)
    assert (copied["usage"], copied["usage_new"]) == (2, 2)
    shown = calamiteit("db", "copy", "--from", source, "--to", target).out
    assert "Gebruikscijfers: 2 cijfers, 0 nieuw in het doel." in shown


def test_the_rota_calendar_names_the_stand_in_not_the_absent(calamiteit: Invoke, tmp_path) -> None:
    """Bram Jansen is on Christmas leave (shipped example) with Lotte Meijer standing in. The calendar is read
    the way a calendar client reads it (recurring_ical_events: recurrence, time zones, what is on at a moment):
    at every six hours across four weeks, and a minute either side of every rota event's start, exactly one rota
    event is on, naming the person `paraatheid --op` calls reachable at that moment, never the absent one, and
    the stand-in's events say whom she stands in for."""
    from datetime import timedelta

    import icalendar
    import recurring_ical_events

    from dso_calamiteit.domain.dutchtime import local

    path = tmp_path / "piket.ics"
    made = calamiteit("paraatheid", "--ics", str(path), "--van", "2026-12-14", "--tot", "2027-01-11")
    assert made.code == 0, made.err
    client = recurring_ical_events.of(icalendar.Calendar.from_ical(path.read_bytes()))
    rota = "Piket tactisch DSO-LV:"
    span = (datetime(2026, 12, 14, tzinfo=UTC), datetime(2027, 1, 11, tzinfo=UTC))
    starts = sorted({e.decoded("DTSTART") for e in client.between(*span) if str(e["SUMMARY"]).startswith(rota)})
    assert any("Lotte Meijer (waarneming voor Bram Jansen)" in str(e["SUMMARY"]) for e in client.between(*span))
    moments = [span[0] + timedelta(hours=11 + 6 * n) for n in range(4 * 28)]
    moments += [m + d for m in starts for d in (timedelta(minutes=-1), timedelta(minutes=1))]
    moments = sorted(m.astimezone(UTC) for m in moments if span[0] < m < span[1] - timedelta(hours=1))
    assert len(starts) >= 4 and len(moments) > 4 * 28
    for at in moments:
        on_duty = [str(e["SUMMARY"]) for e in client.between(at, at + timedelta(seconds=1))
                   if str(e["SUMMARY"]).startswith(rota)]
        assert len(on_duty) == 1, (at, on_duty)  # one person per rota at a time, never the absent one beside
        name = on_duty[0].split(": ", 1)[1].split(" (")[0]
        state = json.loads(calamiteit("paraatheid", "--op", local(at), "--json").out)
        status = {c["name"]: c["status"] for c in state["contacts"] if c.get("name")}
        assert status[name] == "bereikbaar", (at, name)
        leave = datetime(2026, 12, 20, 23, tzinfo=UTC) <= at < datetime(2027, 1, 3, 23, tzinfo=UTC)  # 21-12 t/m 3-1
        assert not (leave and name == "Bram Jansen"), at
