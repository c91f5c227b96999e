"""One consistent message: the decision that set the level (the advice only when it differs, marked), one
next-update time, a Teams card made of Adaptive Card elements with every text escaped, and a dry run that says
which channels could not send now."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, all_answers
from .hooks import Posted, hook_server

SHAPE = json.loads((Path(__file__).parent / "data" / "adaptive-card-1.5-shape.json").read_text(encoding="utf-8"))
HOSTILE = "[Klik hier](https://kwaad.example.nl) # kop | a | *vet*"


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


def conform(envelope: dict[str, Any]) -> list[str]:
    """Where the card leaves the pinned Adaptive Card 1.5 shape ([] when it does not)."""
    faults: list[str] = []
    env = SHAPE["envelope"]
    if envelope.get("type") != env["type"] or len(envelope.get("attachments", [])) != 1:
        return ["envelope"]
    attachment = envelope["attachments"][0]
    faults += [f"attachment key {k}" for k in attachment if k not in env["attachment_keys"]]
    if attachment.get("contentType") != env["contentType"]:
        faults.append("contentType")
    card = attachment["content"]
    faults += [f"card key {k}" for k in card if k not in SHAPE["card"]["keys"]]
    faults += [f"card {k}" for k, v in SHAPE["card"]["required"].items() if card.get(k) != v]
    for i, element in enumerate(card.get("body", [])):
        rule = SHAPE["elements"].get(element.get("type"))
        if rule is None:
            faults.append(f"element {i}: type {element.get('type')}")
            continue
        faults += [f"element {i}: key {k}" for k in element if k not in rule["keys"]]
        faults += [f"element {i}: no {k}" for k in rule["required"] if k not in element]
        for k, allowed in rule.get("enums", {}).items():
            if k in element and element[k] not in allowed:
                faults.append(f"element {i}: {k}={element[k]}")
        if element["type"] == "TextBlock" and not isinstance(element.get("text"), str):
            faults.append(f"element {i}: text")
        for fact in element.get("facts", []):
            if sorted(fact) != rule["fact_keys"] or not all(isinstance(v, str) for v in fact.values()):
                faults.append(f"element {i}: fact {fact}")
    return faults


def callout_yaml(hooks: str = "", routes: str = "[email]") -> str:
    return (
        "email:\n  host: 127.0.0.1\n  port: 2525\n  security: geen\n  sender: calamiteiten@dso.example.nl\n"
        f"{hooks}routes:\n  default: {routes}\n"
    )


def test_the_convocation_shows_the_decision_the_differing_advice_and_one_next_update(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_config(callout=callout_yaml())
    incident = calamiteit("incident", "open", "Loket traag").out.strip()
    calamiteit("assess", "--incident", incident, "--alleen-advies", *all_answers("nee"))  # advice: level 0
    assert calamiteit("niveau", incident, "1", "--reden", "IPLO vraagt om een OCT").code == 0
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 3, tzinfo=UTC))  # called 3 minutes later
    text = json.loads(calamiteit("oproep", incident, "--json", "--config-dir", str(folder)).out)["text"]
    assert "## Besluit" in text and "IPLO vraagt om een OCT" in text and "besloten door" in text
    assert "## Advies (wijkt af van het besluit: Serviceketen)" in text
    times = set(re.findall(r"Volgende update:\*\* (\S+ \S+ \S+)", text))
    times |= set(re.findall(r"Uiterlijk \*\*(\S+ \S+ \S+)\*\*", text))
    assert len(times) == 1, times  # one next-update time: the sitrap's

    followed = calamiteit("incident", "open", "Loket plat").out.strip()
    calamiteit("assess", "--incident", followed, "--alleen-advies", *all_answers("nee"))
    same = json.loads(calamiteit("oproep", followed, "--json", "--config-dir", str(folder)).out)["text"]
    assert "## Besluit" in same and "## Advies" not in same  # the advice says what was decided: not repeated


@pytest.fixture
def teams(monkeypatch: pytest.MonkeyPatch) -> Iterator[Posted]:
    posted = Posted()
    with hook_server(posted) as base:
        monkeypatch.setenv("TEST_TEAMS_URL", base + "/teams")
        yield posted


def test_the_teams_card_is_made_of_card_elements_with_every_text_escaped(
    calamiteit: Invoke, make_config: Callable[..., Path], teams: Posted
) -> None:
    hooks = "webhooks:\n  - id: teams-oct\n    kind: teams\n    url_from: TEST_TEAMS_URL\n"
    folder = make_config(callout=callout_yaml(hooks, "[teams-oct]"))
    incident = calamiteit("incident", "open", HOSTILE, "--level", "1").out.strip()
    calamiteit("niveau", incident, "2", "--reden", "Zie [hier](https://kwaad.example.nl)")
    sent = calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    (envelope,) = [body for _, _, body in teams.accepted]
    assert conform(envelope) == []
    body = envelope["attachments"][0]["content"]["body"]
    texts = [e["text"] for e in body if e["type"] == "TextBlock"]
    texts += [f["value"] for e in body if e["type"] == "FactSet" for f in e["facts"]]
    everything = "\n".join(texts)
    assert "](" not in everything.replace("\\](", "")  # never a link
    assert re.search(r"(?<!\\)\[Klik", everything) is None and "\\[Klik hier\\]" in everything
    assert not any(line.lstrip().startswith(("#", "|")) for t in texts for line in t.splitlines())
    assert any(e["type"] == "FactSet" for e in body)
    team = body[-1]["text"].splitlines()
    assert team and all(line.startswith("- ") for line in team)  # the team as a list


def test_a_dry_run_warns_about_every_channel_that_could_not_send_now(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_TEAMS_URL", raising=False)
    hooks = "webhooks:\n  - id: teams-oct\n    kind: teams\n    url_from: TEST_TEAMS_URL\n"
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8").replace(
        "    email: l.meijer@dso-lv.example.nl\n", ""
    )
    folder = make_config(callout=callout_yaml(hooks, "[email, teams-oct]"), contacts=contacts)
    incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
    shown = calamiteit("oproep", incident, "--config-dir", str(folder))
    doc = json.loads(calamiteit("oproep", incident, "--json", "--config-dir", str(folder)).out)
    assert shown.code == exitcodes.OK and "Niets verstuurd" in shown.err
    block = shown.out[shown.out.index("LET OP"):]
    assert "teams-oct: de webhook-URL ontbreekt: zet TEST_TEAMS_URL" in block
    assert "e-mail: lotte-meijer: niet bereikbaar via e-mail: geen e-mailadres" in block
    assert {c["channel"] for c in doc["cannot_send"]} == {"teams-oct", "email"}


def big_rota(shipped: Path, people: int) -> dict[str, str]:
    """Config texts whose OCT (level 1) has `people` roles, each filled by a contact of its own, always reachable."""
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8").rstrip() + "\n" + "".join(
        f"  - id: oct-lid-{i}\n    org: gemeenten\n    role: OCT-lid {i} [met *opmaak*]\n"
        f"    name: Voorbeeld Lid {i}\n    tier: tactisch\n    phone: \"+31 00 {i:08d}\"\n"
        for i in range(people)
    )
    members = "".join(f"      - {{group: kernteam, org: gemeenten, role: 'OCT-lid {i} [met *opmaak*]'}}\n"
                      for i in range(people))
    teams = (f"teams:\n  - id: OCT\n    name: Operationeel Calamiteitenteam\n    members:\n{members}"
             "  - id: SCT\n    name: Strategisch Calamiteitenteam\n    members:\n"
             "      - {group: kernteam, org: gemeenten, role: 'OCT-lid 0 [met *opmaak*]'}\n")
    readiness = (shipped / "config" / "paraatheid.yaml").read_text(encoding="utf-8")
    always = "".join(f"  - contact: oct-lid-{i}\n    always: true\n" for i in range(people))
    return {"contacts": contacts, "teams": teams,
            "readiness": readiness.replace("\nschedules:\n", "\nschedules:\n" + always, 1)}


def test_a_teams_card_for_a_large_rota_stays_below_the_message_limit_with_a_line_for_the_rest(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, teams: Posted
) -> None:
    """Teams takes a message of about 28 KB: a call-out of a team of 600 to Teams posts a card below 28,000 bytes
    (counted at the loopback webhook server), still of the pinned shape, with as many of the team as fit, in
    order, and one line for the rest ("+N meer"); every one of them is recorded as reached."""
    from dso_calamiteit.adapters.notifiers.webhook import TEAMS_MAX_BYTES

    hooks = "webhooks:\n  - id: teams-oct\n    kind: teams\n    url_from: TEST_TEAMS_URL\n"
    folder = make_config(callout=callout_yaml(hooks, "[teams-oct]"), **big_rota(shipped, 600))
    incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
    sent = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    called = [d["recipient"] for d in json.loads(sent.out)["deliveries"] if d["outcome"] == "accepted"]
    assert len(called) == 600
    (envelope,) = [body for _, _, body in teams.accepted]
    (size,) = teams.sizes
    assert TEAMS_MAX_BYTES - 2_000 < size <= TEAMS_MAX_BYTES == 28_000  # cut, and not much more than needed
    assert conform(envelope) == []
    body = envelope["attachments"][0]["content"]["body"]
    assert body[-2]["text"] == "Opgeroepen"
    *listed, rest = body[-1]["text"].splitlines()
    assert 100 < len(listed) < 600
    assert listed == [f"- OCT-lid {i} \\[met \\*opmaak\\*\\]: Voorbeeld Lid {i} (gemeenten)"
                      for i in range(len(listed))]  # the first ones, in order, escaped
    assert rest == f"+{600 - len(listed)} meer"
    assert any(e["type"] == "FactSet" for e in body)  # the facts stay


def test_a_card_too_long_even_without_its_team_leaves_its_text_out_from_the_end() -> None:
    """When the card's own text is too long for one Teams message, its parts are left out from the end with one
    line that says so; the subject and facts stay, the team is one "+N meer" line."""
    from dso_calamiteit.adapters.notifiers.webhook import card, encoded
    from dso_calamiteit.domain.callout import Message, Recipient
    from dso_calamiteit.domain.contacts import Contact

    sections = tuple((f"Deel {i}", tuple(f"- regel {i}.{j} " + "x" * 80 for j in range(40))) for i in range(10))
    message = Message("convocation", "2026-001", "Storing", 1, "OCT", "Oproep OCT", "", (("Niveau", "OCT"),),
                      sections=sections)
    people = [Recipient(f"p{i}", f"Persoon {i}", "iplo", f"Rol {i}", Contact("iplo", f"Rol {i}", "tactisch"))
              for i in range(50)]
    whole = card(message, people, limit=10**9)
    cut = card(message, people, limit=12_000)
    assert len(encoded(whole)) > 30_000 and len(encoded(cut)) <= 12_000
    texts = [e.get("text") for e in cut["attachments"][0]["content"]["body"]]
    assert texts[0] == "Oproep OCT" and "Deel 0" in texts and "Deel 9" not in texts
    assert "Ingekort: de rest past niet in één Teams-bericht." in texts
    assert texts[-1] == "+50 meer" and conform(cut) == []
    small = Message("convocation", "2026-001", "Storing", 1, "OCT", "Oproep OCT", "", (), sections=sections[:1])
    assert card(small, people) == card(small, people, limit=10**9)  # a card that fits is left whole


def test_a_sitraps_teams_card_carries_the_sitraps_text_as_card_elements(
    calamiteit: Invoke, make_config: Callable[..., Path], teams: Posted
) -> None:
    """`rapport --verstuur` to Teams: the card holds the sitrap itself (its sections as TextBlocks, its tables as
    lists), not only its number; no Markdown heading or pipe table; every text from the logbook escaped."""
    hooks = "webhooks:\n  - id: teams-oct\n    kind: teams\n    url_from: TEST_TEAMS_URL\n"
    folder = make_config(callout=callout_yaml(hooks, "[teams-oct]"))
    incident = calamiteit("incident", "open", HOSTILE, "--level", "1").out.strip()
    calamiteit("niveau", incident, "2", "--reden", "Zie [hier](https://kwaad.example.nl)")
    assert calamiteit("log", incident, "Koppelvlak | traag | *sinds 08:00*", "--beeld").code == 0
    sent = calamiteit("rapport", incident, "--verstuur", "--format", "text", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    (envelope,) = [body for _, _, body in teams.accepted]
    assert conform(envelope) == []
    body = envelope["attachments"][0]["content"]["body"]
    texts = [e["text"] for e in body if e["type"] == "TextBlock"]
    headings = [e["text"] for e in body if e["type"] == "TextBlock" and e.get("weight") == "Bolder"]
    for part in ("Niveauverloop", "Beeld (sinds het begin)", "Open acties", "Prognose en volgende update"):
        assert part in headings, headings
    assert any(h.startswith("Situatierapport 1 — incident") for h in headings)
    everything = "\n".join(texts)
    assert "Koppelvlak \\| traag \\| \\*sinds 08:00\\*" in everything  # the observation, escaped
    assert "\\[hier\\](https://kwaad.example.nl)" in everything  # the decision's reason, in the level's history
    assert "](" not in everything.replace("\\](", "")  # never a link
    assert not any(line.lstrip().startswith(("#", "|")) for t in texts for line in t.splitlines())
    at = next(i for i, e in enumerate(body) if e.get("text") == "Niveauverloop")
    history = body[at + 1]["text"].splitlines()
    assert all(line.startswith("- ") for line in history) and "Niveau 2" in history[-1]  # a table as a list
    assert "de volledige tekst staat in de e-mail" not in everything
