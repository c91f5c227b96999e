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
