"""A call-out's confirmations pinned value for value (issue 24, mutation testing of domain/confirmation.py): the
signed token of a confirmation link (a fixed value: every link already mailed must still be read), what a forged,
mangled or foreign token gets, the SMS number match, and finding the person a coordinator types. Pure and quick,
so mutation runs stay short; tests/test_confirmation.py runs the same through the command line."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from dso_calamiteit.domain import confirmation as cf
from dso_calamiteit.domain.contacts import Contact
from dso_calamiteit.domain.errors import UsageError
from dso_calamiteit.domain.recipients import Recipient

KEY = b"sleutel-van-het-logboek-32-bytes"
TOKEN = "Yy0xCmFubmE.MZ2O1PVxgv7EHdwvfeGpWUuV3FYWacKn"  # c-1 / anna under KEY, as mailed


def person(key: str, name: str) -> Recipient:
    contact = Contact(org="dso-lv", role="Coördinator", tier="operationeel", id=key)
    return Recipient(key, name, "DSO-LV", "Coördinator", contact)


ANNA = person("anna", "Anna de Vries")
FATIMA = person("f-boer", "Fátima Boer")
BRAM = person("bram", "Bram Bakker")
BRAM2 = person("bram2", "Bram de Wit")
PEOPLE = [ANNA, FATIMA, BRAM, BRAM2]


# --- the token of a confirmation link ----------------------------------------------------------------------------


def test_the_token_is_the_one_mailed() -> None:
    assert cf.token(KEY, "c-1", "anna") == TOKEN
    what = base64.urlsafe_b64encode(b"c-1\nanna").decode().rstrip("=")
    mac = base64.urlsafe_b64encode(hmac.new(KEY, what.encode(), hashlib.sha256).digest()).decode()[:32]
    assert f"{what}.{mac}" == TOKEN
    assert cf.read_token(KEY, TOKEN) == ("c-1", "anna")


# no backslash in a test id (mutmut 3.8 hands such an id back to pytest in a form pytest does not find): named ids
@pytest.mark.parametrize("recipient", ["anna", "f-boer", "jan", "zoë", "dso-lv/Servicedesk W", "a\nb"],
                         ids=["anna", "f-boer", "jan", "zoe-trema", "org-role", "newline"])
def test_a_token_reads_back_whatever_its_padding(recipient: str) -> None:
    # 'anna' and 'zoë' leave no '=' off, 'f-boer' and 'jan' one, 'dso-lv/Servicedesk W' two (its token ends in 'X')
    value = cf.token(KEY, "c-17", recipient)
    assert "=" not in value
    what, dot, mac = value.partition(".")
    assert (dot, len(mac)) == (".", 32)
    assert base64.urlsafe_b64decode(what + "=" * (-len(what) % 4)) == f"c-17\n{recipient}".encode()
    assert cf.read_token(KEY, value) == ("c-17", recipient)
    assert cf.read_token(KEY, f"  {value}\n") == ("c-17", recipient)  # as pasted from a mail


def test_the_token_of_a_recipient_ending_in_x() -> None:
    assert cf.token(KEY, "c-1", "dso-lv/Servicedesk W").startswith("Yy0xCmRzby1sdi9TZXJ2aWNlZGVzayBX.")


def test_each_call_out_and_person_have_their_own_token() -> None:
    tokens = {cf.token(KEY, c, r) for c in ("c-1", "c-2") for r in ("anna", "bram")}
    assert len(tokens) == 4
    assert cf.token(b"een ander logboek", "c-1", "anna") != TOKEN


FORGED = "deze bevestigingscode is niet door dit logboek ondertekend (vervalst of van een ander)"


@pytest.mark.parametrize("value", [
    TOKEN[:-1] + "o",  # one character of the signature changed
    TOKEN[:-1],  # the signature cut short
    TOKEN + "A",  # the signature one too long
    cf.token(b"een ander logboek", "c-1", "anna"),  # signed by another logbook
    "Yy0xCmJyYW0" + TOKEN[TOKEN.index("."):],  # another person under anna's signature
    "Yy0xCmFubmE",  # no signature at all
    "." + TOKEN.split(".")[1],  # no call-out and person
    "",
    "Yy0xCmFubmE." + "é" * 32,  # a mangled link: not ASCII
], ids=["changed", "short", "long", "other-logbook", "other-person", "no-signature", "no-what", "empty", "not-ascii"])
def test_a_token_not_signed_by_this_logbook_is_refused(value: str) -> None:
    with pytest.raises(cf.LinkRefused) as refused:
        cf.read_token(KEY, value)
    assert (refused.value.why, refused.value.message, refused.value.hint) == ("vervalst", FORGED, None)
    assert isinstance(refused.value, UsageError)


def test_what_is_signed_ends_at_the_first_dot() -> None:
    # a second dot, followed by this logbook's own signature over everything before it: still not a token it made
    mac = base64.urlsafe_b64encode(hmac.new(KEY, TOKEN.encode(), hashlib.sha256).digest()).decode()[:32]
    with pytest.raises(cf.LinkRefused) as refused:
        cf.read_token(KEY, f"{TOKEN}.{mac}")
    assert (refused.value.why, refused.value.message) == ("vervalst", FORGED)


def test_a_refusal_carries_why_message_and_hint() -> None:
    refused = cf.LinkRefused("gebruikt", "al beantwoord", "zie oproep --status")
    assert (refused.why, refused.message, refused.hint) == ("gebruikt", "al beantwoord", "zie oproep --status")
    assert refused.lines() == ["al beantwoord", "zie oproep --status"]
    assert refused.exit_code == 2


def test_the_link() -> None:
    assert cf.link("https://dso.example.nl/bevestig", TOKEN) == f"https://dso.example.nl/bevestig?t={TOKEN}"
    assert cf.link("https://dso.example.nl/bevestig//", TOKEN) == f"https://dso.example.nl/bevestig?t={TOKEN}"
    assert cf.link("https://dso.example.nl/DSO-X/", TOKEN) == f"https://dso.example.nl/DSO-X?t={TOKEN}"


# --- an SMS reply from a number -------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["+31 6 1234 5678", "06-12345678", "0031 6 12345678", "(06) 123 456 78"])
def test_one_number_however_written(phone: str) -> None:
    assert cf.digits(phone) == "612345678"


def test_a_short_number_is_kept_whole() -> None:
    assert cf.digits("1-1-2") == "112"
    assert cf.digits("geen") == ""


# --- the person a coordinator types --------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "text"), [
    ("  Fátima   BOER ", "fatima boer"),
    ("Ĳssel\tMeer", "ijssel meer"),
    ("Straße", "strasse"),
    ("Zoë", "zoe"),
], ids=["accents-case-space", "ij-tab", "sharp-s", "trema"])
def test_folded(typed: str, text: str) -> None:
    assert cf.folded(typed) == text


@pytest.mark.parametrize(("typed", "who"), [
    ("ANNA", ANNA),  # the id
    ("fatima boer", FATIMA),  # the name, accents and case aside
    ("bram", BRAM),  # the id exactly, although 'Bram de Wit' starts with it too
    ("Fát", FATIMA),  # the start of a name
    ("f-b", FATIMA),  # the start of an id
    ("bram d", BRAM2),
], ids=["id", "name", "id-before-start", "name-start", "id-start", "name-start-2"])
def test_the_one_person_typed(typed: str, who: Recipient) -> None:
    assert cf.find_person(typed, PEOPLE, "I-2026-007") is who


def test_one_person_in_two_roles_is_one() -> None:
    other_role = Recipient("anna", "Anna de Vries", "DSO-LV", "Woordvoerder", ANNA.contact)
    assert cf.find_person("anna de", [ANNA, other_role, BRAM], "I-2026-007") is ANNA
    assert cf.find_person("anna de", iter([other_role, ANNA]), "I-2026-007") is other_role


def test_more_than_one_person_typed() -> None:
    with pytest.raises(UsageError) as refused:
        cf.find_person("Br", PEOPLE, "I-2026-007")
    assert refused.value.lines() == [
        "'Br' past bij meer opgeroepenen: Bram Bakker (bram), Bram de Wit (bram2)",
        "Geef het contact-id.",
    ]


def test_nobody_typed() -> None:
    with pytest.raises(UsageError) as refused:
        cf.find_person("Anna de Fries", PEOPLE, "I-2026-007")
    assert refused.value.lines() == [
        "'Anna de Fries' is niet opgeroepen voor dit incident. Bedoelde u 'Anna de Vries'?",
        "'calamiteit oproep I-2026-007 --status' toont wie opgeroepen is.",
    ]
    with pytest.raises(UsageError) as refused:
        cf.find_person("Xander", iter(PEOPLE), "I-2026-008")
    assert refused.value.lines() == [
        "'Xander' is niet opgeroepen voor dit incident.",
        "'calamiteit oproep I-2026-008 --status' toont wie opgeroepen is.",
    ]


def test_the_refusals_go_through_the_catalogue(english: None) -> None:
    with pytest.raises(UsageError) as refused:
        cf.find_person("Br", PEOPLE, "I-2026-007")
    assert refused.value.lines()[0].startswith("'Br' ")
    assert "Geef het contact-id." not in refused.value.lines()
    with pytest.raises(UsageError) as refused:
        cf.find_person("Xander", PEOPLE, "I-2026-007")
    assert "niet opgeroepen" not in refused.value.lines()[0]
    with pytest.raises(cf.LinkRefused) as forged:
        cf.read_token(KEY, "")
    assert forged.value.message != FORGED
