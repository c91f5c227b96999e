"""A call-out in each recipient's language (issue 25): `lang:` on a contact or its organisation (contacts.yaml)
wins over the channel's (config/oproep.yaml), which wins over the run's (--lang). Against real servers on
loopback: SMTP (aiosmtpd), one message each and one BCC message per language; a Teams webhook, one card per
language; and `check`, which names the line of a language it does not know."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
from .hooks import Posted, hook_server
from .mail import Mailbox, smtp_server
from .test_callout import callout_yaml, open_level_one

WEDNESDAY_MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_MORNING)


CONFIRM = "confirm_url: https://oct.example.nl/bevestig\n"


def with_lang(contacts: str, **langs: str) -> str:
    """contacts.yaml with `lang:` after the id of each organisation or contact named (dashes as underscores)."""
    for key, lang in langs.items():
        entry = f"  - id: {key.replace('_', '-')}\n"
        assert contacts.count(entry) == 1, entry
        contacts = contacts.replace(entry, f"{entry}    lang: {lang}\n")
    return contacts


def spoken(mail: EmailMessage) -> str:
    """The language a call-out mail is in, from every part of it that has words: each must agree."""
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    english = "call-out" in str(mail["Subject"]) and '<html lang="en">' in html and "# Call-out" in text
    dutch = "oproep" in str(mail["Subject"]) and '<html lang="nl">' in html and "# Oproep" in text
    if "/bevestig" in text:  # the link's own words
        english = english and "**Are you coming?** Confirm or decline:" in text and "Kom je" not in text
        dutch = dutch and "**Kom je?** Bevestig of meld af:" in text
    assert english != dutch, (mail["Subject"], text[:300])
    return "en" if english else "nl"


@pytest.fixture
def contacts(shipped: Path) -> str:
    return (shipped / "contacts.yaml").read_text(encoding="utf-8")


def test_each_recipient_gets_the_mail_in_their_own_language(
    calamiteit: Invoke, make_config: Callable[..., Path], contacts: str
) -> None:
    """A Dutch run: the suppliers' organisation says en, and so does one person of DSO-LV; her colleague of
    the same organisation, without lang:, keeps the run's Dutch."""
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(
            callout=CONFIRM + callout_yaml(port),
            contacts=with_lang(contacts, leveranciersmanagement="en", anna_de_vries="en"),
        )
        incident = open_level_one(calamiteit, folder)
        shown = calamiteit("oproep", incident, "--config-dir", str(folder)).out
        sent = calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    assert "Onderwerp:" in shown and "Alles aangekomen" in sent.err  # what the run itself says: Dutch
    lines = {line.strip().partition(" · ")[0]: line for line in shown.splitlines() if " · " in line}
    assert lines["- Fatima el Amrani"].endswith(" · Engels") and lines["- Anna de Vries"].endswith(" · Engels")
    assert "Engels" not in lines["- Lotte Meijer"] and "Engels" not in lines["- Sanne Bos"]  # the run's own
    by_person = {rcpts[0]: spoken(mail) for rcpts, mail in box.messages}
    assert by_person == {
        "f.elamrani@lvm.example.nl": "en",  # her organisation's lang:
        "a.devries@dso-lv.example.nl": "en",  # her own
        "l.meijer@dso-lv.example.nl": "nl",
        "s.bos@iplo.example.nl": "nl",
    }, by_person
    assert len(box.sessions) == 2  # one connection per language
    (recorded,) = [e["data"] for e in json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
                   if e["kind"] == "callout"]
    assert {d["outcome"] for d in recorded["deliveries"]} == {"accepted"} and len(recorded["deliveries"]) == 4


def test_one_bcc_mail_per_language_and_the_recipient_wins_over_the_channel(
    calamiteit: Invoke, make_config: Callable[..., Path], contacts: str
) -> None:
    """The e-mail channel says en; one person says nl: she gets the Dutch mail, alone in its BCC, and the
    rest one English mail together."""
    box = Mailbox()
    with smtp_server(box) as port:
        email_in_english = "  timeout_seconds: 5\n  lang: en\n"
        text = callout_yaml(port, separate=False).replace("  timeout_seconds: 5\n", email_in_english)
        folder = make_config(callout=text, contacts=with_lang(contacts, lotte_meijer="nl"))
        incident = open_level_one(calamiteit, folder)
        sent = calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    got = sorted((spoken(mail), sorted(rcpts)) for rcpts, mail in box.messages)
    assert got == [
        ("en", ["a.devries@dso-lv.example.nl", "f.elamrani@lvm.example.nl", "s.bos@iplo.example.nl"]),
        ("nl", ["l.meijer@dso-lv.example.nl"]),
    ], got
    assert all(mail["To"] == "undisclosed-recipients:;" for _, mail in box.messages)


def test_a_teams_channel_gets_one_card_per_language_each_naming_its_own(
    calamiteit: Invoke, make_config: Callable[..., Path], contacts: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English run (--lang en) to a Teams channel; DSO-LV says nl: a Dutch card names its two people, an
    English card the other two."""
    hooks = "webhooks:\n  - id: teams-oct\n    kind: teams\n    url_from: TEST_TEAMS_URL\n"
    folder = make_config(
        callout=callout_yaml(25, hooks=hooks, routes="routes:\n  default: [teams-oct]\n"),
        contacts=with_lang(contacts, dso_lv="nl"),
    )
    incident = open_level_one(calamiteit, folder)
    posted = Posted()
    with hook_server(posted) as base:
        monkeypatch.setenv("TEST_TEAMS_URL", base + "/teams")
        shown = calamiteit("--lang", "en", "oproep", incident, "--config-dir", str(folder)).out  # nothing sent
        sent = calamiteit("--lang", "en", "oproep", incident, "--verstuur", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    assert "Lotte Meijer · Voorzitter OCT · DSO-LV · Dutch" in shown and "Sanne Bos · Teamleider helpdesk" in shown
    assert "Sanne Bos · Teamleider helpdesk · IPLO\n" in shown  # the run's own language: not marked
    cards = {}
    for _, key, envelope in posted.accepted:
        body = envelope["attachments"][0]["content"]["body"]
        words = json.dumps(body, ensure_ascii=False)
        lang = "en" if "Called out" in words and "Opgeroepen" not in words else "nl"
        assert lang == "en" or ("Opgeroepen" in words and "Called out" not in words), words
        cards[lang] = (body[-1]["text"], key)
    assert set(cards) == {"nl", "en"}
    assert "Lotte Meijer" in cards["nl"][0] and "Anna de Vries" in cards["nl"][0] and "Sanne" not in cards["nl"][0]
    assert "Sanne Bos" in cards["en"][0] and "Fatima el Amrani" in cards["en"][0] and "Lotte" not in cards["en"][0]
    assert cards["nl"][1] != cards["en"][1]  # each POST its own idempotency key


@pytest.mark.parametrize("where", ["contact", "organisation"])
def test_check_names_the_line_of_an_unknown_language(
    calamiteit: Invoke, make_config: Callable[..., Path], contacts: str, where: str
) -> None:
    key = {"contact": "anna_de_vries", "organisation": "leveranciersmanagement"}[where]
    text = with_lang(contacts, **{key: "fr"})
    line = text.splitlines().index("    lang: fr") + 1
    folder = make_config(contacts=text)
    for lang, said in (("nl", "'lang' moet een van '', 'nl' of 'en' zijn, niet 'fr'"),
                       ("en", "'lang' must be one of '', 'nl' or 'en', not 'fr'")):
        result = calamiteit("--lang", lang, "check", "--config-dir", str(folder))
        assert result.code == exitcodes.CONFIG, result.out
        assert f"contacts.yaml:{line}:5: {said}" in result.out, result.out
        assert "Traceback" not in result.out + result.err


def test_an_escalation_reminds_each_in_their_own_language(
    calamiteit: Invoke, make_config: Callable[..., Path], contacts: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the wait nobody answered: the reminders and the next contacts' call-outs go out per language too,
    the suppliers' organisation (en) in English, with an English reminder subject."""
    box = Mailbox()
    with smtp_server(box) as port:
        text = callout_yaml(port).replace("routes:", "escalation:\n  - {level: 1, wait_minutes: 10}\nroutes:")
        folder = make_config(callout=text, contacts=with_lang(contacts, leveranciersmanagement="en"))
        incident = open_level_one(calamiteit, folder)
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == exitcodes.OK
        first = len(box.messages)
        monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_MORNING.replace(minute=11))
        late = calamiteit("oproep", incident, "--escaleer", "--config-dir", str(folder))
    assert late.code in (exitcodes.OK, exitcodes.CALLOUT_INCOMPLETE), late.err
    round_ = {rcpts[0]: (str(mail["Subject"]), spoken(mail)) for rcpts, mail in box.messages[first:]}
    suppliers = {to: said for to, said in round_.items() if to.endswith("@lvm.example.nl")}
    others = {to: said for to, said in round_.items() if not to.endswith("@lvm.example.nl")}
    assert suppliers and others, round_
    assert all(s.startswith("Reminder: [DSO calamiteit]") and lang == "en" for s, lang in suppliers.values())
    assert all(s.startswith("Herinnering: [DSO calamiteit]") and lang == "nl" for s, lang in others.values())


def test_a_sitrap_goes_to_each_in_their_own_language(
    calamiteit: Invoke, make_config: Callable[..., Path], contacts: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rapport --verstuur` in a Dutch run: the suppliers (en) get the numbered sitrap itself in English, its
    headings and all, on e-mail and on their Teams card; the others the Dutch sitrap that was recorded."""
    hooks = "webhooks:\n  - id: teams-lev\n    kind: teams\n    url_from: TEST_TEAMS_URL\n"
    routes = "routes:\n  default: [email]\n  organisations:\n    leveranciersmanagement: [email, teams-lev]\n"
    box, posted = Mailbox(), Posted()
    with smtp_server(box) as port, hook_server(posted) as base:
        monkeypatch.setenv("TEST_TEAMS_URL", base + "/teams")
        folder = make_config(callout=callout_yaml(port, hooks=hooks, routes=routes),
                             contacts=with_lang(contacts, leveranciersmanagement="en"))
        incident = open_level_one(calamiteit, folder)
        sent = calamiteit("rapport", incident, "--verstuur", "--ja", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    mails = {rcpts[0]: mail for rcpts, mail in box.messages}
    english = mails.pop("f.elamrani@lvm.example.nl")
    text = english.get_body(("plain",)).get_content()
    assert "situation report 1" in str(english["Subject"]) and "## Picture (" in text and "## Beeld" not in text
    assert "Loket geeft 503 sinds 09:40" in text  # what was typed stays as typed
    for mail in mails.values():
        dutch = mail.get_body(("plain",)).get_content()
        assert "situatierapport 1" in str(mail["Subject"]) and "## Beeld (" in dutch and "Picture" not in dutch
    ((_, _, envelope),) = posted.accepted
    card = json.dumps(envelope, ensure_ascii=False)
    assert "Picture (" in card and "Beeld (" not in card and "Fatima el Amrani" in card
