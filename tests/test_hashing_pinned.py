"""The hash of one logbook entry pinned value for value (issue 24, mutation testing of domain/hashing.py): the
canonical text of an entry (its fields in order, joined by the unit separator, UTF-8), every field in the hash
(the author too, and each in its own place), the chain's links through it, and the verdicts a verifier gives
with it. Every logbook and export ever written is checked against this hash, so a change to it is a silent
break of every record: the digests here are fixed values, not recomputed by the code under test. Pure and quick,
so mutation runs stay short."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from dso_calamiteit.domain import logbook as lb
from dso_calamiteit.domain.hashing import entry_hash

INC = "I-2026-007"
AT = "2026-03-01T10:00:00+00:00"
BODY = '{"level":1,"title":"Storing DSO"}'
FIELDS = (INC, 1, AT, "Piet", "open", BODY, lb.GENESIS)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_canonical_text_of_an_entry() -> None:
    # the fields in their order, the number as decimal digits, joined by U+001F (unit separator), UTF-8
    text = "\x1f".join((INC, "1", AT, "Piet", "open", BODY, "0" * 64))
    assert entry_hash(*FIELDS) == sha256(text)
    assert entry_hash(*FIELDS) == "984fa1e03bcdd2d25a052f73d26a3eecc8ad5ea9bfd4f88c3553c08e5f51eeb7"


def test_a_number_of_more_digits_and_text_beyond_ascii() -> None:
    body = lb.canonical({"text": "Café ☕ — Ĳsselmeer", "door": "Zoë"})
    assert body == '{"door":"Zoë","text":"Café ☕ — Ĳsselmeer"}'  # the body as written, not \\u-escaped
    digest = entry_hash(INC, 12, AT, "Zoë", "observation", body, "a" * 64)
    text = "\x1f".join((INC, "12", AT, "Zoë", "observation", body, "a" * 64))
    assert digest == sha256(text)
    assert digest == "b25fb0c63ab4bcaa0a01a8f0b0af60b9b34892cce1fc2fc648adc62044da75cd"


@pytest.mark.parametrize("place", range(7))
def test_every_field_is_in_the_hash(place: int) -> None:
    changed = list(FIELDS)
    changed[place] = 2 if place == 1 else f"{FIELDS[place]}x"
    assert entry_hash(*changed) != entry_hash(*FIELDS)  # type: ignore[arg-type]


def test_the_author_is_in_the_hash() -> None:
    # the audit's bug: the author left out of the hash, so a forger could put a colleague's name on an entry
    assert entry_hash(INC, 1, AT, "Kees", "open", BODY, lb.GENESIS) != entry_hash(*FIELDS)
    assert entry_hash(INC, 1, AT, "", "open", BODY, lb.GENESIS) != entry_hash(*FIELDS)


def test_each_field_in_its_own_place() -> None:
    # the same words in other fields, or the boundary between two fields moved, is another entry
    assert entry_hash(INC, 1, AT, "open", "Piet", BODY, lb.GENESIS) != entry_hash(*FIELDS)
    assert entry_hash(INC, 1, AT, "Pie", "topen", BODY, lb.GENESIS) != entry_hash(*FIELDS)
    assert entry_hash(INC, 1, AT, "Piet\x1fopen", "", BODY, lb.GENESIS) != entry_hash(*FIELDS)


def test_an_entry_carries_its_hash_and_links_to_the_one_before() -> None:
    first = lb.chained(*FIELDS)
    assert first.hash == entry_hash(*FIELDS)
    assert first.prev_hash == lb.GENESIS == "0" * 64
    second = lb.chained(INC, 2, AT, "Kees", "observation", '{"text":"water"}', first.hash)
    assert second.prev_hash == first.hash
    assert second.hash == sha256("\x1f".join((INC, "2", AT, "Kees", "observation", '{"text":"water"}', first.hash)))
    assert second.expected_hash() == second.hash
    # the role (which account stored it) is the store's say, not the writer's: not in the hash
    assert dataclasses.replace(second, role="calamiteit_coordinator").expected_hash() == second.hash


def test_the_verdicts_on_a_chain() -> None:
    first = lb.chained(*FIELDS)
    second = lb.chained(INC, 2, AT, "Kees", "observation", '{"text":"water"}', first.hash)
    assert lb.verify(INC, [first, second], head=second.hash) == []
    edited = lb.Fault(INC, 2, "inhoud klopt niet met de hash (regel gewijzigd)")
    # another author, the hash left as it was: said, at its entry
    assert lb.verify(INC, [first, dataclasses.replace(second, author="Piet")]) == [edited]
    assert lb.verify(INC, [first, dataclasses.replace(second, body='{"text":"vuur"}')]) == [edited]
    # an edited first entry is said there, and its successor no longer links to it once it is hashed anew
    forged = lb.chained(INC, 1, AT, "Kees", "open", BODY, lb.GENESIS)
    assert lb.verify(INC, [forged, second]) == [
        lb.Fault(INC, 2, "verwijst niet naar de regel ervoor (regel verwijderd of ingevoegd)")
    ]
