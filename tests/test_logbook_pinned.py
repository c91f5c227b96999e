"""The logbook's chain and fold pinned value for value (issue 24, mutation testing): the hash of an entry over every
field (the author too) and its order, each kind of break said once at the right entry with its exact words, the
rules a hash-valid entry is held to, and the state an incident folds to, field by field (corrections, the sitrap's
counts, kept notes, a fold that goes on from an earlier state). Pure and quick, so mutation runs stay short."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from dso_calamiteit.domain import language
from dso_calamiteit.domain import logbook as lb
from dso_calamiteit.domain.errors import TamperedError

INC = "I-2026-007"
AT = "2026-03-01T10:00:00+00:00"


def at(minute: int) -> str:
    return f"2026-03-01T10:{minute:02d}:00+00:00"


def chain(rows: list[tuple[str, dict[str, Any]]], author: str = "Piet", incident: str = INC) -> list[lb.Entry]:
    """Entries 1.. of `rows` (kind, body), a minute apart, each chained to the one before."""
    entries: list[lb.Entry] = []
    prev = lb.GENESIS
    for n, (kind, body) in enumerate(rows, start=1):
        entries.append(lb.chained(incident, n, at(n), author, kind, lb.canonical(body), prev))
        prev = entries[-1].hash
    return entries


def rehashed(e: lb.Entry, prev: str | None = None, **changes: Any) -> lb.Entry:
    """`e` changed and hashed again, as a forger with the hash function would."""
    e = dataclasses.replace(e, **changes)
    return lb.chained(e.incident, e.n, e.at, e.author, e.kind, e.body, e.prev_hash if prev is None else prev)


def relinked(entries: list[lb.Entry]) -> list[lb.Entry]:
    """`entries` chained anew in their order (numbers kept): a forger's whole chain, hash-valid throughout."""
    out: list[lb.Entry] = []
    prev = lb.GENESIS
    for e in entries:
        out.append(rehashed(e, prev=prev))
        prev = out[-1].hash
    return out


OPEN = ("open", {"title": "Storing DSO", "level": 1, "situation": "landelijk"})


def note(text: str, kind: str = "observation") -> tuple[str, dict[str, Any]]:
    return kind, {"text": text}


class Marked:
    """A catalogue that shows which text went through which call."""

    def gettext(self, message: str, /) -> str:
        return f"<{message}>"

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return f"<{singular if n == 1 else plural}>"

    def pgettext(self, context: str, message: str, /) -> str:
        return f"<{context}|{message}>"


@pytest.fixture
def marked() -> Iterator[None]:
    language.use("en", Marked())
    try:
        yield
    finally:
        language.use("nl", None)


# --- words and text forms -------------------------------------------------------------------------------------


def test_the_kinds_as_an_operator_reads_them() -> None:
    words = {kind: lb.kind_word(kind) for kind in lb.KIND_WORDS}
    assert words == {
        "open": "geopend", "observation": "beeld", "judgement": "oordeel", "decision": "besluit",
        "action_done": "actie gereed", "assessment": "beoordeling", "level_change": "niveau", "report": "sitrap",
        "close": "gesloten", "callout": "oproep", "confirmation": "bevestiging", "public_update": "publieke update",
    }
    assert lb.kind_word("iets_nieuws") == "iets_nieuws"


def test_the_kinds_go_through_the_catalogue(marked: None) -> None:
    assert lb.kind_word("level_change") == "<soort|niveau>"  # its own context: 'niveau' is also a plural's one
    assert lb.kind_word("observation") == "<beeld>"
    assert lb.kind_word("iets_nieuws") == "iets_nieuws"  # an unknown kind is shown as stored, untranslated


def test_the_canonical_body() -> None:
    body = {"title": "Café ☕", "level": 2, "a": [1, "x"], "b": None}
    assert lb.canonical(body) == '{"a":[1,"x"],"b":null,"level":2,"title":"Café ☕"}'


def test_a_stored_body_parsed_or_none() -> None:
    assert lb._parsed('{"text":"x"}') == {"text": "x"}
    assert lb._parsed("[1]") == [1]
    assert lb._parsed("{") is None
    assert lb._parsed(b'{"text":"x"}') is None  # json would read bytes: a stored body is text or nothing
    assert lb._parsed(None) is None


# --- the hash ---------------------------------------------------------------------------------------------------


def test_an_entry_and_its_hash_over_every_field_in_order() -> None:
    body = lb.canonical({"title": "Storing DSO", "level": 1})
    e = lb.chained(INC, 1, AT, "Piet", "open", body, lb.GENESIS)
    assert (e.incident, e.n, e.at, e.author, e.kind, e.body, e.prev_hash, e.role) == (
        INC, 1, AT, "Piet", "open", body, "0" * 64, None
    )
    text = "\x1f".join((INC, "1", AT, "Piet", "open", body, "0" * 64))
    assert e.hash == hashlib.sha256(text.encode()).hexdigest()
    # and it stays this one: every logbook and export ever written is checked against it
    assert e.hash == "984fa1e03bcdd2d25a052f73d26a3eecc8ad5ea9bfd4f88c3553c08e5f51eeb7"
    assert e.expected_hash() == e.hash
    # every field is in the hash, the author too, and each in its place
    for change in ({"incident": "I-2026-008"}, {"n": 2}, {"at": at(1)}, {"author": "Kees"}, {"kind": "close"},
                   {"body": body + " "}, {"prev_hash": "1" * 64}):
        assert dataclasses.replace(e, **change).expected_hash() != e.hash, change
    swapped = dataclasses.replace(e, author="open", kind="Piet")
    assert swapped.expected_hash() != e.hash
    assert lb.chained(INC, 1, AT, "Kees", "open", body, lb.GENESIS).hash != e.hash


def test_an_entry_reads_its_body_and_time() -> None:
    e = chain([OPEN])[0]
    assert e.data == {"title": "Storing DSO", "level": 1, "situation": "landelijk"}
    assert e.when == datetime(2026, 3, 1, 10, 1, tzinfo=UTC)


# --- the chain --------------------------------------------------------------------------------------------------


def test_a_whole_chain_holds() -> None:
    entries = chain([OPEN, note("water"), note("droog", "judgement")])
    assert lb.verify(INC, entries) == []
    assert lb.verify(INC, entries, head=entries[-1].hash) == []
    check = lb.ChainCheck(INC, entries[-1].hash)
    assert list(check.passing(entries)) == entries
    assert check.done() == []


def test_an_edited_entry_is_said_once_and_withheld() -> None:
    entries = chain([OPEN, note("water"), note("droog", "judgement")])
    edited = dataclasses.replace(entries[1], body='{"text":"vuur"}')
    faults = lb.verify(INC, [entries[0], edited, entries[2]])
    assert faults == [lb.Fault(INC, 2, "inhoud klopt niet met de hash (regel gewijzigd)")]
    # edited beyond the rules too: still the one fault, that it was edited, and it is not passed on
    broken = dataclasses.replace(entries[1], body='{"tekst":"vuur"}')
    check = lb.ChainCheck(INC)
    assert list(check.passing([entries[0], broken, entries[2]])) == [entries[0], entries[2]]
    assert check.done() == [lb.Fault(INC, 2, "inhoud klopt niet met de hash (regel gewijzigd)")]


def test_a_removed_entry_is_said_at_its_place() -> None:
    entries = chain([OPEN, note("een"), note("twee"), note("drie")])
    faults = lb.verify(INC, [entries[0], entries[1], entries[3]])
    assert faults == [
        lb.Fault(INC, 3, "regel 3 ontbreekt (volgende is 4)"),
        lb.Fault(INC, 4, "verwijst niet naar de regel ervoor (regel verwijderd of ingevoegd)"),
    ]


def test_a_removed_last_entry_is_said_by_the_head_once() -> None:
    entries = chain([OPEN, note("een"), note("twee")])
    check = lb.ChainCheck(INC, entries[-1].hash)
    for e in entries[:2]:
        assert check.see(e) is True
    said = lb.Fault(INC, 3, "het logboek eindigt eerder dan vastgelegd (laatste regel verwijderd)")
    assert check.done() == [said]
    assert check.head is None
    assert check.done() == [said]  # said once
    assert lb.verify(INC, entries[:2], head=entries[-1].hash) == [said]
    assert lb.verify(INC, entries[:2], head=None) == []


def test_an_empty_incident_is_said_once() -> None:
    empty = lb.Fault(INC, 1, "het incident heeft geen enkele regel")
    assert lb.verify(INC, []) == [empty]
    assert lb.verify(INC, [], head="a" * 64) == [empty]  # not also "ends earlier": nothing is there at all
    check = lb.ChainCheck(INC, "a" * 64)
    assert list(check.passing([])) == []
    assert check.head is None
    assert check.done() == [empty]
    assert check.done() == [empty]


def test_an_entry_with_a_number_off_is_said() -> None:
    entries = chain([OPEN, note("een")])
    assert lb.verify(INC, [entries[0], rehashed(entries[1], n=3)]) == [
        lb.Fault(INC, 2, "regel 2 ontbreekt (volgende is 3)")
    ]
    # the numbers go on from the entry seen: the one after a gap is not said to be missing too
    entries = chain([OPEN, note("een"), note("twee"), note("drie")])
    faults = lb.verify(INC, relinked([entries[0], entries[2], entries[3]]))
    assert faults == [lb.Fault(INC, 2, "regel 2 ontbreekt (volgende is 3)")]


def test_an_inserted_entry_breaks_the_links() -> None:
    entries = chain([OPEN, note("een"), note("twee")])
    forged = rehashed(entries[1], body='{"text":"ingevoegd"}')  # hash-valid, linked after 1
    faults = lb.verify(INC, [entries[0], forged, entries[1], entries[2]])
    assert faults == [
        lb.Fault(INC, 3, "regel 3 ontbreekt (volgende is 2)"),
        lb.Fault(INC, 2, "verwijst niet naar de regel ervoor (regel verwijderd of ingevoegd)"),
    ]  # and entry 3 links to the real entry 2, which is read last: no fault there


def test_a_hash_valid_entry_against_its_rules_is_a_fault() -> None:
    entries = relinked(chain([OPEN, ("decision", {"text": "bellen", "action": 1})]))
    check = lb.ChainCheck(INC)
    assert list(check.passing(entries)) == entries[:1]
    assert check.done() == [lb.Fault(INC, 2, "regel klopt niet als besluit: veld owner ontbreekt")]
    # a level off the ladder counts only when the ladder is given
    high = chain([("open", {"title": "Storing", "level": 7})])
    assert lb.verify(INC, high) == []
    assert lb.verify(INC, high, levels=frozenset({1, 2, 3})) == [
        lb.Fault(INC, 1, "regel klopt niet als geopend: level 7 is geen niveau uit criteria.yaml")
    ]
    check = lb.ChainCheck(INC, levels=frozenset({1, 2, 3}))
    assert check.see(high[0]) is False
    # a body of only a text is the quick path of a note, never of another kind: a decision needs its owner
    entries = relinked(chain([OPEN, ("decision", {"text": "bellen"})]))
    assert lb.verify(INC, entries) == [lb.Fault(INC, 2, "regel klopt niet als besluit: veld action, owner ontbreekt")]


def test_a_plain_note_is_checked_too() -> None:
    """The quick path for a plain observation still holds it to time and author."""
    entries = chain([OPEN, note("een"), note("twee")])
    back = relinked([entries[0], entries[1], dataclasses.replace(entries[2], at=at(1))])
    assert lb.verify(INC, back) == [
        lb.Fault(INC, 3, "regel klopt niet als beeld: tijd loopt terug: "
                         "2026-03-01T10:01:00+00:00 ligt voor regel 2 (2026-03-01T10:02:00+00:00)")
    ]
    nobody = relinked([entries[0], entries[1], dataclasses.replace(entries[2], author=" ")])
    assert lb.verify(INC, nobody) == [lb.Fault(INC, 3, "regel klopt niet als beeld: author is leeg")]


def test_a_note_with_a_correction_is_parsed_once() -> None:
    entries = chain([OPEN, note("een"), ("observation", {"text": "twee", "corrects": 2})])
    check = lb.ChainCheck(INC)
    assert [check.see(e) for e in entries] == [True, True, True]
    assert entries[2].__dict__["data"] == {"text": "twee", "corrects": 2}
    assert entries[0].__dict__["data"] == {"title": "Storing DSO", "level": 1, "situation": "landelijk"}
    assert "data" not in entries[1].__dict__  # a plain note is checked without parsing its body (the quick path)
    wrong = relinked(chain([OPEN, note("een"), ("observation", {"text": "twee", "corrects": 3})]))
    assert lb.verify(INC, wrong) == [
        lb.Fault(INC, 3, "regel klopt niet als beeld: corrects 3 wijst niet naar een eerdere regel van dezelfde soort")
    ]


def test_a_number_that_is_no_whole_number() -> None:
    e = lb.chained(INC, True, at(1), "Piet", "open", lb.canonical(OPEN[1]), lb.GENESIS)  # type: ignore[arg-type]
    check = lb.ChainCheck(INC)
    assert check.see(e) is False
    assert check.faults == [lb.Fault(INC, True, "regel klopt niet als geopend: nummer is geen geheel getal")]
    # a body that is no JSON object: said as such
    e = lb.chained(INC, 1, at(1), "Piet", "open", "{", lb.GENESIS)
    assert lb.verify(INC, [e]) == [lb.Fault(INC, 1, "regel klopt niet als geopend: body moet een object zijn")]


def test_the_faults_go_through_the_catalogue(marked: None) -> None:
    entries = relinked(chain([OPEN, ("decision", {"text": "bellen", "action": 1})]))
    assert lb.verify(INC, entries[1:]) == [  # one fault per entry: not also that it breaks its rules
        lb.Fault(INC, 1, "<regel 1 ontbreekt (volgende is 2)>"),
        lb.Fault(INC, 2, "<verwijst niet naar de regel ervoor (regel verwijderd of ingevoegd)>"),
    ]
    assert lb.verify(INC, entries) == [lb.Fault(INC, 2, "<regel klopt niet als <besluit>: <veld owner ontbreekt>>")]
    edited = dataclasses.replace(entries[1], body="{}")
    assert lb.verify(INC, [entries[0], edited], head="b" * 64) == [
        lb.Fault(INC, 2, "<inhoud klopt niet met de hash (regel gewijzigd)>"),
        lb.Fault(INC, 3, "<het logboek eindigt eerder dan vastgelegd (laatste regel verwijderd)>"),
    ]
    assert lb.verify(INC, []) == [lb.Fault(INC, 1, "<het incident heeft geen enkele regel>")]


# --- refusing a broken chain --------------------------------------------------------------------------------------


def test_a_broken_chain_is_refused_unless_insisted_on() -> None:
    faults = [lb.Fault(INC, 4, "inhoud klopt niet met de hash (regel gewijzigd)"), lb.Fault(INC, 9, "anders")]
    assert lb.refuse_broken(INC, [], False, "geëxporteerd") is None
    assert lb.refuse_broken(INC, faults, True, "geëxporteerd") is None
    with pytest.raises(TamperedError) as refused:
        lb.refuse_broken(INC, faults, False, "geëxporteerd")
    assert refused.value.lines() == [
        "de hashketen van I-2026-007 klopt niet bij regel 4: inhoud klopt niet met de hash (regel gewijzigd)",
        "Er is niets geëxporteerd. 'calamiteit incident verify I-2026-007' toont alle breuken; met --toch gebeurt "
        "het toch, en zegt het resultaat dat de keten niet klopt.",
    ]


def test_the_refusal_goes_through_the_catalogue(marked: None) -> None:
    with pytest.raises(TamperedError) as refused:
        lb.refuse_broken(INC, [lb.Fault(INC, 4, "x")], False, "geëxporteerd")
    assert refused.value.lines()[1].startswith("<Er is niets <geëxporteerd>. ")


# --- small parts of the state -------------------------------------------------------------------------------------


def test_a_decision_against_advice() -> None:
    def step(decided: bool, advised: int | None, after: int) -> lb.LevelStep:
        return lb.LevelStep(AT, "Piet", 1, after, "opschalen", "", decided, advised)

    assert step(True, 3, 2).against_advice is True
    assert step(True, 2, 2).against_advice is False
    assert step(True, None, 2).against_advice is False
    assert step(False, 3, 2).against_advice is False
    plain = lb.LevelStep(AT, "Piet", None, 1, "geopend", "")
    assert (plain.decided, plain.advised, plain.against_advice) == (False, None, False)


def test_an_action_open_and_overdue() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    action = lb.Action(1, 4, "bellen", "Kees", "2026-03-01T11:59:59+00:00")
    assert (action.open, action.overdue(now)) == (True, True)
    assert lb.Action(1, 4, "bellen", "Kees", "2026-03-01T12:00:00+00:00").overdue(now) is False  # at, not after
    assert lb.Action(1, 4, "bellen", "Kees", "2026-03-01T13:00:00+01:00").overdue(now) is False
    assert lb.Action(1, 4, "bellen", "Kees", None).overdue(now) is False
    done = lb.Action(1, 4, "bellen", "Kees", "2026-03-01T11:00:00+00:00", done_at=AT)
    assert (done.open, done.overdue(now)) == (False, False)
    assert (done.done_by, done.done_note) == (None, "")


def test_not_before() -> None:
    assert lb.not_before(at(5), at(7)) == at(7)
    assert lb.not_before(at(7), at(5)) == at(7)
    same = "2026-03-01T11:05:00+01:00"  # the same moment as at(5), written in another zone
    assert lb.not_before(same, at(5)) == same
    assert lb.not_before(at(5), same) == at(5)
    assert lb.not_before(at(5), "gisteren") == at(5)
    assert lb.not_before(at(5), None) == at(5)  # type: ignore[arg-type]


# --- the fold -----------------------------------------------------------------------------------------------------


def full() -> list[lb.Entry]:
    rows = [
        OPEN,  # 1
        note("water in de kelder"),  # 2
        note("ernstig", "judgement"),  # 3
        ("decision", {"text": "pomp", "owner": "Kees", "action": 1, "deadline": "2026-03-01T12:00:00+00:00"}),  # 4
        ("decision", {"text": "bellen", "owner": "An", "action": 2}),  # 5
        ("action_done", {"action": 1, "note": "pomp draait"}),  # 6
        ("level_change", {"before": 1, "after": 2, "action": "opschalen", "reason": "meer water",
                          "decided": True, "advised": 3}),  # 7
        note("nog een"),  # 8
        ("report", {"number": 1, "next_update": "2026-03-01T11:00:00+00:00"}),  # 9
        note("na de sitrap"),  # 10
        ("observation", {"text": "toch droog", "corrects": 2}),  # 11: before the sitrap
        ("observation", {"text": "droger", "corrects": 10}),  # 12: after it
        ("judgement", {"text": "mild", "corrects": 3}),  # 13
        ("decision", {"text": "bellen met An", "owner": "Bo", "action": 3, "corrects": 5}),  # 14
        ("action_done", {"action": 1, "note": "nog eens"}),  # 15: already done, changes nothing
        ("action_done", {"action": 9}),  # 16 (not checked here: fold alone) an unknown action: nothing
        ("observation", {"text": "weer nat", "corrects": 2}),  # 17: 2 again: counted once
        ("level_change", {"before": 2, "after": 1, "action": "afschalen", "reason": "zakt"}),  # 18
        ("report", {"number": 2}),  # 19
        ("close", {"reason": "voorbij"}),  # 20
    ]
    return chain(rows)


def test_the_fold_field_by_field() -> None:
    entries = full()
    s = lb.fold(entries)
    assert (s.id, s.title, s.opened_at, s.opened_by, s.level, s.situation) == (
        INC, "Storing DSO", at(1), "Piet", 1, "landelijk"
    )
    assert (s.closed, s.closed_at, s.close_reason) == (True, at(20), "voorbij")
    assert (s.entries, s.head, s.last_at) == (20, entries[-1].hash, at(20))
    assert s.history == [
        lb.LevelStep(at(1), "Piet", None, 1, "geopend", ""),
        lb.LevelStep(at(7), "Piet", 1, 2, "opschalen", "meer water", True, 3),
        lb.LevelStep(at(18), "Piet", 2, 1, "afschalen", "zakt", False, None),
    ]
    assert [e.n for e in s.observations] == [2, 8, 10, 11, 12, 17]
    assert [e.n for e in s.judgements] == [3, 13]
    assert [e.n for e in s.decisions] == [4, 5, 14]
    assert [e.n for e in s.current(s.observations)] == [8, 11, 12, 17]
    assert s.corrected == {2: 17, 10: 12, 3: 13, 5: 14}
    assert s.actions == {
        1: lb.Action(1, 4, "pomp", "Kees", "2026-03-01T12:00:00+00:00", at(6), "Piet", "pomp draait"),
        2: lb.Action(2, 5, "bellen", "An", None, at(14), "Piet", "vervangen door actie 3"),
        3: lb.Action(3, 14, "bellen met An", "Bo", None),
    }
    assert [a.number for a in s.open_actions] == [3]
    assert (s.reports, s.report_entries, s.next_report) == (2, [9, 19], None)
    # notes: 2, 8, 10 observed, 11 and 12 and 17 corrections (each itself current); 2 and 10 corrected
    assert (s.observations_current, s.judgements_current, s.corrected_notes) == (4, 1, 3)
    # after sitrap 2 (entry 19) nothing; after sitrap 1 (entry 9): 10, 11, 12, 17, less 10 corrected by 12
    assert (s.picture_since, s.picture_before_report) == (0, 3)


def test_the_fold_before_the_second_sitrap() -> None:
    entries = full()
    s = lb.fold(entries[:18])
    assert (s.closed, s.closed_at, s.close_reason, s.level) == (False, None, "", 1)
    assert (s.reports, s.report_entries, s.next_report) == (1, [9], "2026-03-01T11:00:00+00:00")
    # sitrap 1 (entry 9) came after observations 2 and 8; since: 10, 11, 12 and 17, less 10 corrected by 12
    assert (s.picture_since, s.picture_before_report) == (3, 2)
    s = lb.fold(entries[:9])
    assert (s.picture_since, s.picture_before_report, s.observations_current) == (0, 2, 2)
    s = lb.fold(entries[:8])
    assert (s.picture_since, s.picture_before_report, s.level, s.entries) == (2, 0, 2, 8)


def test_a_fold_goes_on_from_a_state() -> None:
    entries = full()
    whole = lb.fold(entries)
    for cut in (1, 2, 9, 11, 13, 19):
        part = lb.fold(entries[:cut])
        assert lb.fold(entries[cut:], state=part) is part
        assert part == whole, cut


def test_a_fold_that_keeps_nothing_counts_the_same() -> None:
    entries = full()
    whole = lb.fold(entries)
    bare = lb.fold(entries, keep=False)
    assert (bare.observations, bare.judgements, bare.decisions) == ([], [], [])
    assert dataclasses.replace(bare, observations=whole.observations, judgements=whole.judgements,
                               decisions=whole.decisions) == whole


def test_a_fold_that_keeps_the_newest_notes() -> None:
    entries = chain([OPEN] + [note(f"beeld {i}") for i in range(2, 9)] + [note("oordeel", "judgement")])
    s = lb.fold(entries, keep=2)
    # kept grows to twice enough (4), then is cut to the newest `enough` (2), and so on
    assert [e.n for e in s.observations] == [5, 6, 7, 8]
    assert [e.n for e in s.judgements] == [9]
    assert (s.judgements_current, lb.fold(entries + chain([note("nog een", "judgement")])).judgements_current) == (
        1, 2)
    assert s.observations_current == 7
    assert [e.n for e in lb.fold(entries[:5], keep=2).observations] == [2, 3, 4, 5]
    assert [e.n for e in lb.fold(entries[:6], keep=2).observations] == [5, 6]
    # a corrected note widens what is kept by one
    entries = chain([OPEN, note("a"), ("observation", {"text": "b", "corrects": 2})]
                    + [note(f"beeld {i}") for i in range(4, 11)])
    s = lb.fold(entries, keep=2)
    assert s.corrected_notes == 1
    # enough is 3 from entry 3 on: kept grows to 6 (2 to 7), is cut to 6, 7, 8 at entry 8, and grows again
    assert [e.n for e in s.observations] == [6, 7, 8, 9, 10]
    assert [e.n for e in lb.fold(entries[:7], keep=2).observations] == [2, 3, 4, 5, 6, 7]
    assert [e.n for e in lb.fold(entries[:8], keep=2).observations] == [6, 7, 8]
    assert [e.n for e in lb.fold(entries, keep=1).observations] == [8, 9, 10]
    assert [e.n for e in lb.fold(entries, keep=0).observations] == []


def test_an_action_done_without_a_note() -> None:
    decided = ("decision", {"text": "pomp", "owner": "Kees", "action": 1})
    entries = chain([OPEN, decided, ("action_done", {"action": 1})])
    assert lb.fold(entries).actions[1] == lb.Action(1, 2, "pomp", "Kees", None, at(3), "Piet", "")


def test_a_kept_decision_only_when_keeping() -> None:
    entries = chain([OPEN, ("decision", {"text": "pomp", "owner": "Kees", "action": 1})])
    assert [e.n for e in lb.fold(entries, keep=1).decisions] == [2]
    assert lb.fold(entries, keep=0).decisions == []


def test_a_correction_of_a_note_before_any_sitrap() -> None:
    entries = chain([OPEN, note("een"), ("observation", {"text": "twee", "corrects": 2}),
                     ("judgement", {"text": "x"}), ("judgement", {"text": "y", "corrects": 4})])
    s = lb.fold(entries)
    assert (s.observations_current, s.picture_since, s.judgements_current, s.corrected_notes) == (1, 1, 1, 2)
    assert s.corrected == {2: 3, 4: 5}


def test_a_fold_without_an_opening() -> None:
    with pytest.raises(ValueError, match=r"^no entries$"):
        lb.fold([])
    entries = chain([OPEN, note("een"), ("observation", {"text": "twee", "corrects": 2}),
                     ("decision", {"text": "pomp", "owner": "Kees", "action": 1})])
    for first in entries[1:]:
        with pytest.raises(ValueError, match=r"^incident I-2026-007 does not start with an 'open' entry$"):
            lb.fold([first])


def test_an_unreadable_fold_is_a_broken_chain() -> None:
    entries = chain([("open", {"level": 1})])
    with pytest.raises(TamperedError) as refused:
        lb.fold_checked(entries, [])
    assert refused.value.lines() == ["het logboek van dit incident is onleesbaar: 'title'"]
    with pytest.raises(TamperedError) as refused:
        lb.fold_checked([], [lb.Fault(INC, 3, "inhoud klopt niet met de hash (regel gewijzigd)"), lb.Fault(INC, 5, "")])
    assert refused.value.lines() == [
        "het logboek van incident I-2026-007 is onleesbaar: regel 3: inhoud klopt niet met de hash (regel gewijzigd)"
    ]
    with pytest.raises(TamperedError, match="onleesbaar: no entries"):
        lb.fold_checked([], [])
    with pytest.raises(TamperedError):  # a TypeError: a body that is no object
        lb.fold_checked(chain([OPEN, ("decision", [1])]), [])  # type: ignore[list-item]
    assert lb.fold(chain([OPEN])).level == 1
    kept = lb.fold_checked(chain([OPEN, note("een")]), [])  # keeps every note unless told
    assert [e.n for e in kept.observations] == [2]
    state = lb.fold(chain([OPEN]))
    assert lb.fold_checked(chain([OPEN, note("een")])[1:], [], keep=False, state=state) is state
    assert (state.entries, state.observations) == (2, [])


def test_the_body_of_a_fold_is_read_from_its_json() -> None:
    """The quick path for notes looks at the text; a body that only looks like a correction is one."""
    entries = chain([OPEN, ("observation", {"text": 'zegt "corrects": 2'})])
    s = lb.fold(entries)
    assert (s.corrected, s.observations_current) == ({}, 1)
