"""Nu bellen = the people on duty (issue 23): a night-duty rota at Saturday 02:10, on an own configuration.

DSO-LV has a night operator on duty Fri-Sun 22-08 and IPLO an always-open night desk; a DSO-LV colleague who
is 'always' reachable comes earlier in the file. Whom to call is the same in assess, team, oproep and
paraatheid, with --op as with the clock.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock, config
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, all_answers

SATURDAY_0210 = datetime(2026, 12, 5, 1, 10, tzinfo=UTC)  # za 05-12-2026 02:10 in Amsterdam
WEDNESDAY_NOON = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
INCIDENTS = "Operationeel over (oplossen van) incidenten → DSO-LV"
DISRUPTIONS = "Verstoringen in DSO-LV → IPLO"

NIGHT_PEOPLE = """\
  - id: olaf-altijd
    org: dso-lv
    role: Beheerder
    name: Olaf Altijd
    tier: operationeel
    phone: +31 00 0000 0198
    email: o.altijd@dso-lv.example.nl
  - id: nora-nacht
    org: dso-lv
    role: Operator nachtdienst
    name: Nora Nachtegaal
    tier: operationeel
    phone: +31 00 0000 0199
    email: n.nachtegaal@dso-lv.example.nl
  - id: nachtdesk-iplo
    org: iplo
    role: Nachtdesk IPLO
    tier: operationeel
    phone: +31 00 0000 0299
    email: nachtdesk@iplo.example.nl
"""
NIGHT_HOURS = """\
schedules:
  - contact: olaf-altijd
    always: true
  - contact: nora-nacht
    weekly:
      - {days: [vr, za, zo], start: "22:00", end: "08:00"}
  - contact: nachtdesk-iplo
    desk: true
    always: true
"""


@pytest.fixture
def night(tmp_path: Path) -> Path:
    """The shipped configuration as one's own, with the night people written in by hand (unquoted numbers)."""
    folder = tmp_path / "eigen"
    (folder / "config").mkdir(parents=True)
    for name in config.FILES.values():
        shutil.copy(config.shipped_dir() / name, folder / name)
    contacts = folder / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8") + NIGHT_PEOPLE, encoding="utf-8")
    hours = folder / "config" / "paraatheid.yaml"
    text = hours.read_text(encoding="utf-8").replace("schedules:\n", NIGHT_HOURS, 1)
    required = "\nrequirements:\n  - {org: dso-lv, tier: operationeel, always: true}\n"
    text = text.replace("\nrequirements:\n", required, 1)
    hours.write_text(text, encoding="utf-8")
    return folder


def level_one() -> list[str]:
    answers = all_answers("nee")
    for i in (1, 3, 5):
        answers[i] = answers[i].replace("=nee", "=ja")
    return answers


def calls(calamiteit: Invoke, folder: Path, *extra: str) -> dict[str, dict]:
    found = calamiteit("assess", "--json", "--config-dir", str(folder), *extra, *level_one())
    assert found.code == 0, found.err
    return {c["for"]: c for c in json.loads(found.out)["call_now"]}


def test_the_people_on_duty_are_called_at_night(
    calamiteit: Invoke, night: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: SATURDAY_0210)
    now = calls(calamiteit, night)
    # on duty before merely reachable: Olaf ('always') comes first in the file, Nora is on her night duty
    assert now[INCIDENTS]["contact"]["name"] == "Nora Nachtegaal"
    # the IPLO night desk, though the IPLO team leader on his rota is in the list already (for the OCT)
    assert now[DISRUPTIONS]["contact"]["role"] == "Nachtdesk IPLO"
    nobody = now["Incidentcoördinator (DSO-LV)"]
    assert nobody["contact"] is None
    assert nobody["instead"] == "niemand bereikbaar; weer bereikbaar vanaf ma 07-12-2026 08:00 (Anna de Vries)"
    # --op at another clock gives the same answer
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_NOON)
    assert calls(calamiteit, night, "--op", "za 05-12-2026 02:10") == now


@pytest.mark.parametrize("width", [60, 80, 120])
def test_phone_and_email_are_both_shown_at_every_width(
    calamiteit: Invoke, night: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(clock, "now", lambda: SATURDAY_0210)
    shown = calamiteit("assess", "--config-dir", str(night), *level_one()).out
    block = shown[shown.index("Nu bellen") : shown.index("Criteria met")]
    for number, address in (
        ("+31 00 0000 0199", "n.nachtegaal@dso-lv.example.nl"),
        ("+31 00 0000 0299", "nachtdesk@iplo.example.nl"),
    ):
        assert number in block and address in block, block
    team = calamiteit("team", "OCT", "--config-dir", str(night)).out
    assert "b.jansen@dso-lv.example.nl" in team and "+31 00 0000 0103" in team


def test_team_oproep_and_paraatheid_give_the_same_answer(
    calamiteit: Invoke, night: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_NOON)
    at = ("--op", "za 05-12-2026 02:10")
    called = calls(calamiteit, night, *at)
    team = json.loads(calamiteit("team", "OCT", "--json", "--config-dir", str(night), *at).out)
    seats = {f"{s['role']}": s for s in team["teams"]["OCT"]} if isinstance(team.get("teams"), dict) else None
    assert seats is not None, team
    for what, call in called.items():
        role = what.split(" (")[0]
        if role in seats and call["contact"] is not None:
            first = seats[role]["reachable"][0]
            assert (first["name"], first["phone"]) == (call["contact"]["name"], call["contact"]["phone"]), what
    briefing = calamiteit("assess", "--config-dir", str(night), *at, *level_one()).out
    assert "Bellen op za 05-12-2026 02:10 — OCT" in briefing and "Nu bellen" not in briefing
    shown = calamiteit("team", "OCT", "--config-dir", str(night), *at).out
    assert "niemand; weer bereikbaar vanaf ma 07-12-2026 08:00 (Anna de Vries)" in " ".join(shown.split())
    ready = calamiteit("paraatheid", "--config-dir", str(night), *at).out
    assert "Nora Nachtegaal, Olaf Altijd" in " ".join(ready.split())  # on duty first, then file order
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    calamiteit("niveau", incident, "1", "--reden", "OCT bijeen")
    monday = calamiteit("oproep", incident, "--config-dir", str(night), "--op", "ma 07-12-2026 09:00")
    night_call = calamiteit("oproep", incident, "--config-dir", str(night), *at)
    assert monday.code == night_call.code == 0, night_call.err
    assert "Anna de Vries" in monday.out and "Anna de Vries" not in night_call.out
    refused = calamiteit("oproep", incident, "--config-dir", str(night), "--verstuur", "--ja", *at)
    assert refused.code == exitcodes.USAGE and "versturen gaat altijd over nu" in refused.err


def _seats(doc: dict, team: str) -> dict[str, dict]:
    return {s["role"]: s for s in doc[team]}


def test_team_and_assess_json_say_who_stands_in_exactly(calamiteit: Invoke, night: Path) -> None:
    """A seat whose holder is absent says who stands in and for whom: in `team --json`, in `assess --json`'s
    `convene`, and in the human `team` beside the name. Both kinds: a stand-in who holds the role too (Lotte for
    Bram, shipped), and one who does not (Olaf, a Beheerder, for Anna, the only Incidentcoördinator)."""
    cfg = ("--config-dir", str(night))
    before = calamiteit("team", "--json", "--op", "za 05-12-2026 02:10", *cfg)  # nobody stands in yet
    nobody = _seats(json.loads(before.out)["teams"], "OCT")["Incidentcoördinator"]
    assert nobody["reachable"] == [] and nobody["stand_in"] is None
    assert nobody["instead"] == "niemand bereikbaar; weer bereikbaar vanaf ma 07-12-2026 08:00 (Anna de Vries)"
    hours = night / "config" / "paraatheid.yaml"
    hours.write_text(
        hours.read_text(encoding="utf-8").replace(
            "exceptions:\n",
            "exceptions:\n  - {contact: anna-de-vries, kind: afwezig, start: \"2026-12-04 00:00\", "
            "end: \"2026-12-08 00:00\", stand_in: olaf-altijd}\n",
            1,
        ),
        encoding="utf-8",
    )
    found = calamiteit("team", "--json", "--op", "di 22-12-2026 10:00", *cfg)
    christmas = _seats(json.loads(found.out)["teams"], "OCT")
    chair = christmas["Voorzitter OCT"]
    assert [c["id"] for c in chair["reachable"]] == ["lotte-meijer"]  # she holds the role herself
    assert chair["instead"] == "waarnemer voor Bram Jansen"
    assert chair["stand_in"]["id"] == "lotte-meijer" and chair["stand_in"]["for"]["id"] == "bram-jansen"
    assert chair["stand_in"]["for"]["status"] == "afwezig"
    helpdesk = christmas["Teamleider helpdesk"]
    assert helpdesk["instead"] is None and helpdesk["stand_in"] is None  # nobody absent: nothing said

    found = calamiteit("team", "--json", "--op", "za 05-12-2026 02:10", *cfg)
    night_seat = _seats(json.loads(found.out)["teams"], "OCT")["Incidentcoördinator"]
    assert night_seat["reachable"] == []  # Olaf does not hold the role ...
    assert night_seat["stand_in"]["id"] == "olaf-altijd"  # ... but stands in for the one who does
    assert night_seat["stand_in"]["phone"] == "+31 00 0000 0198"
    assert night_seat["stand_in"]["for"]["id"] == "anna-de-vries"
    assert night_seat["instead"] == "waarnemer voor Anna de Vries"

    assessed = calamiteit("assess", "--json", "--op", "za 05-12-2026 02:10", *cfg, *level_one())
    convene = {s["role"]: s for s in json.loads(assessed.out)["convene"]["members"]}
    assert convene["Incidentcoördinator"] == night_seat  # the same seat, exactly

    human = calamiteit("team", "OCT", "--op", "za 05-12-2026 02:10", *cfg)  # 200 columns: one line a seat
    line = next(x for x in human.out.splitlines() if "Incidentcoördinator" in x)
    assert "Olaf Altijd" in line and "+31 00 0000 0198" in line, human.out
    assert "waarnemer voor Anna de Vries" in human.out and "niemand" not in line
