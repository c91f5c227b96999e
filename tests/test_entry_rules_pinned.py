"""The entry rules pinned rule by rule (issue 24, mutation testing): for every kind of entry what it accepts, and for
every refusal its exact message in Dutch and in English, plus what the replay remembers (level, actions, reports,
the kind of each entry, the time). Pure and quick, so a mutation run of domain/entry_rules.py stays short."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dso_calamiteit.domain import entry_rules as er

AT = "2026-12-03T10:00:00+01:00"
LATER = "2026-12-03T11:00:00+01:00"
SAME_AS_AT = "2026-12-03T09:00:00+00:00"  # the moment of AT, written otherwise
LONG = "2026-12-03T12:00:00.123456+01:00:00.123456"  # a valid time of 42 characters
H = "0123456789abcdef" * 4
LEVELS = frozenset({1, 2, 3})


def opened(levels: frozenset[int] | None = LEVELS, level: int = 1) -> er.Replay:
    r = er.Replay(levels)
    er.check_parts(r, 1, AT, "Ans", "open", {"title": "Storing", "level": level})
    return r


def check(r: er.Replay, kind: object, body: object, at: object = AT, author: object = "Ans", n: int = 0) -> None:
    """The next entry (or entry `n`) after what `r` has seen."""
    er.check_parts(r, n or len(r.kinds), at, author, kind, body)


def later(r: er.Replay, kind: str, body: dict[str, Any]) -> None:
    check(r, kind, body, at=LATER)


def chain(*entries: tuple[str, dict[str, Any]], levels: frozenset[int] | None = LEVELS) -> er.Replay:
    r = opened(levels)
    for kind, body in entries:
        check(r, kind, body)
    return r


def entry(n: int = 1, **changes: Any) -> dict[str, Any]:
    raw = {"n": n, "at": AT, "author": "Ans", "kind": "open", "body": {"title": "Storing", "level": 1},
           "prev_hash": H, "hash": H}
    return {**raw, **changes}


DECISION = {"text": "Bellen", "owner": "Piet", "action": 1}
ADVICE = {"action": "opschalen", "reason": "drie criteria"}
LEVEL = {"name": "GRIP 1", "met": 1, "total": 3, "threshold": 2}
GROUNDS = {"current": "GRIP 1", "recommended": "GRIP 2", "met": ["a"], "levels": [LEVEL]}
ASSESSMENT = {"answers": {"a": True, "b": False}, "level": 2, "triggered": ["a"]}
CHANGE = {"before": 1, "after": 2, "action": "opschalen", "reason": "ernstig"}
DELIVERY = {"channel": "mail", "recipient": "piet@example.org", "outcome": "accepted", "reason": ""}
CALLOUT = {"purpose": "convocation", "level": 1, "subject": "Oproep", "deliveries": [DELIVERY]}
CUT = {"kind": "deadline", "deadline_seconds": 30, "pending": 2}
CONFIRMATION = {"callout": "c1", "recipient": "piet@example.org", "answer": "komt", "via": "mail"}


def text_refusals(what: str) -> list[tuple[object, str, str]]:
    """A text field's three refusals: (value, Dutch, English)."""
    return [
        (3, f"{what} moet tekst zijn", f"{what} must be text"),
        ("a\ud800", f"{what} bevat een ongeldig teken (losse surrogaat)",
         f"{what} holds an invalid character (lone surrogate)"),
        (" \t", f"{what} is leeg", f"{what} is empty"),
    ]


def int_refusals(what: str) -> list[tuple[object, str, str]]:
    return [(value, f"{what} moet een geheel getal zijn", f"{what} must be a whole number")
            for value in (True, "1", 1.0)]


Case = tuple[str, Callable[[], object], str, str]
CASES: list[Case] = []


def case(name: str, call: Callable[[], object], dutch: str, english: str) -> None:
    # no backslash in a test id: mutmut hands such an id back to pytest in a form pytest does not find
    CASES.append((name.encode("ascii", "backslashreplace").decode().replace("\\", "/"), call, dutch, english))


def body_case(name: str, kind: str, body: dict[str, Any], dutch: str, english: str,
              before: tuple[tuple[str, dict[str, Any]], ...] = (), levels: frozenset[int] | None = LEVELS) -> None:
    case(name, lambda: check(chain(*before, levels=levels), kind, body), dutch, english)


def level_cases(name: str, kind: str, body: dict[str, Any], key: str, unknown: int) -> None:
    """A body's level field: refused when no whole number (three ways), and when a number no level of the ladder."""
    for value, dutch, english in int_refusals(key):
        body_case(f"{name} {value!r}", kind, {**body, key: value}, dutch, english)
    body_case(f"{name} unknown", kind, {**body, key: unknown}, f"{key} {unknown} is geen niveau uit criteria.yaml",
              f"{key} {unknown} is not a level of criteria.yaml")


# --- the entry around the body (check_entry) ---
case("entry not an object", lambda: er.check_entry(er.Replay(LEVELS), [], 1), "geen object", "not an object")
case("entry fields missing", lambda: er.check_entry(er.Replay(LEVELS), {"n": 1, "at": AT, "author": "Ans",
                                                                        "kind": "open", "body": {}}, 1),
     "veld hash, prev_hash ontbreekt", "field hash, prev_hash is missing")
case("entry field unknown", lambda: er.check_entry(er.Replay(LEVELS), entry(z=1, y=2), 1),
     "onbekend veld y, z", "unknown field y, z")
for _value, _nl, _en in int_refusals("n"):
    case(f"entry n {_value!r}", lambda v=_value: er.check_entry(er.Replay(LEVELS), entry(n=v), 1), _nl, _en)
case("entry number", lambda: er.check_entry(er.Replay(LEVELS), entry(n=2), 1),
     "nummer 2, verwacht 1", "number 2, expected 1")
for _key in ("prev_hash", "hash"):
    for _value in (None, H.upper(), H[:-1], H + "0", 7):
        case(f"entry {_key} {_value!r}", lambda k=_key, v=_value: er.check_entry(er.Replay(LEVELS), entry(**{k: v}), 1),
             f"{_key} is geen SHA-256-hash", f"{_key} is not a SHA-256 hash")
case("entry body checked", lambda: er.check_entry(er.Replay(LEVELS), entry(body={"title": "", "level": 1}), 1),
     "title is leeg", "title is empty")

# --- the parts every entry has (check_parts) ---
case("after the close", lambda: check(chain(("close", {"reason": "klaar"})), "observation", {"text": "x"}),
     "regel na het sluiten van het incident", "line after the incident was closed")
for _value, _nl, _en in text_refusals("author"):
    case(f"author {_value!r}", lambda v=_value: check(opened(), "observation", {"text": "x"}, author=v), _nl, _en)
for _value, _nl, _en in text_refusals("at"):
    case(f"at {_value!r}", lambda v=_value: check(opened(), "observation", {"text": "x"}, at=v), _nl, _en)
case("at not a time", lambda: check(opened(), "observation", {"text": "x"}, at="gisteren" * 6),
     "at 'gisterengisterengisterengisterengisteren' is geen tijdstip (ISO 8601)",
     "at 'gisterengisterengisterengisterengisteren' is not a moment (ISO 8601)")
case("at without zone", lambda: check(opened(), "observation", {"text": "x"}, at="2026-12-03T10:00:00"),
     "at '2026-12-03T10:00:00' mist de tijdzone", "at '2026-12-03T10:00:00' lacks the time zone")
case("long at without zone",
     lambda: check(opened(), "observation", {"text": "x"}, at="2026-12-03T10:00:00.1234567890123456789012345"),
     "at '2026-12-03T10:00:00.12345678901234567890' mist de tijdzone",
     "at '2026-12-03T10:00:00.12345678901234567890' lacks the time zone")
case("before the opening", lambda: check(chain(("observation", {"text": "x"})), "observation", {"text": "y"},
                                         at="2026-12-03T08:59:59+00:00"),
     "tijd 2026-12-03T08:59:59+00:00 ligt voor de opening van het incident (2026-12-03T10:00:00+01:00)",
     "time 2026-12-03T08:59:59+00:00 is before the opening of the incident (2026-12-03T10:00:00+01:00)")
case("long time before the opening",
     lambda: check(opened(), "observation", {"text": "x"}, at="2026-12-03T09:59:59.123456+01:00:00.123456"),
     "tijd 2026-12-03T09:59:59.123456+01:00:00.1234 ligt voor de opening van het incident (2026-12-03T10:00:00+01:00)",
     "time 2026-12-03T09:59:59.123456+01:00:00.1234 is before the opening of the incident (2026-12-03T10:00:00+01:00)")


def _back() -> None:
    r = chain()
    check(r, "observation", {"text": "x"}, at=LATER)
    check(r, "observation", {"text": "y"}, at="2026-12-03T10:30:00+01:00")


case("time runs back", _back,
     "tijd loopt terug: 2026-12-03T10:30:00+01:00 ligt voor regel 2 (2026-12-03T11:00:00+01:00)",
     "time runs back: 2026-12-03T10:30:00+01:00 is before line 2 (2026-12-03T11:00:00+01:00)")


def _back_long() -> None:
    r = chain()
    check(r, "observation", {"text": "x"}, at="2026-12-03T13:00:00+01:00")
    check(r, "observation", {"text": "y"}, at=LONG)


case("long time runs back", _back_long,
     "tijd loopt terug: 2026-12-03T12:00:00.123456+01:00:00.1234 ligt voor regel 2 (2026-12-03T13:00:00+01:00)",
     "time runs back: 2026-12-03T12:00:00.123456+01:00:00.1234 is before line 2 (2026-12-03T13:00:00+01:00)")
case("unknown kind", lambda: check(opened(), "besluit", {"text": "x"}),
     "onbekende soort 'besluit'", "unknown kind 'besluit'")
case("kind not text", lambda: check(opened(), 5, {"text": "x"}), "onbekende soort '5'", "unknown kind '5'")
case("long kind", lambda: check(opened(), "x" * 50, {"text": "x"}),
     f"onbekende soort '{'x' * 40}'", f"unknown kind '{'x' * 40}'")
case("first not open", lambda: check(er.Replay(LEVELS), "observation", {"text": "x"}, n=1),
     "een incident begint met precies één 'open'-regel", "an incident begins with exactly one 'open' line")
case("open again", lambda: check(opened(), "open", {"title": "t", "level": 1}),
     "een incident begint met precies één 'open'-regel", "an incident begins with exactly one 'open' line")
case("body not an object", lambda: check(opened(), "observation", '{"text": "x"}'),
     "body moet een object zijn", "body must be an object")

# --- open ---
case("open fields", lambda: check(er.Replay(LEVELS), "open", {"level": 1}, n=1),
     "veld title ontbreekt", "field title is missing")
case("open fields 2", lambda: check(er.Replay(LEVELS), "open", {"title": "t"}, n=1),
     "veld level ontbreekt", "field level is missing")
case("open field unknown", lambda: check(er.Replay(LEVELS), "open", {"title": "t", "level": 1, "text": "x"}, n=1),
     "onbekend veld text", "unknown field text")
for _value, _nl, _en in text_refusals("title"):
    case(f"open title {_value!r}", lambda v=_value: check(er.Replay(LEVELS), "open", {"title": v, "level": 1}, n=1),
         _nl, _en)
for _value, _nl, _en in int_refusals("level"):
    case(f"open level {_value!r}", lambda v=_value: check(er.Replay(LEVELS), "open", {"title": "t", "level": v}, n=1),
         _nl, _en)
case("open level unknown", lambda: check(er.Replay(LEVELS), "open", {"title": "t", "level": 4}, n=1),
     "level 4 is geen niveau uit criteria.yaml", "level 4 is not a level of criteria.yaml")
for _value, _nl, _en in text_refusals("situation"):
    case(f"open situation {_value!r}",
         lambda v=_value: check(er.Replay(LEVELS), "open", {"title": "t", "level": 1, "situation": v}, n=1), _nl, _en)

# --- notes ---
for _kind in ("observation", "judgement", "public_update"):
    body_case(f"{_kind} fields", _kind, {}, "veld text ontbreekt", "field text is missing")
    body_case(f"{_kind} unknown", _kind, {"text": "x", "owner": "y"}, "onbekend veld owner", "unknown field owner")
    for _value, _nl, _en in text_refusals("text"):
        body_case(f"{_kind} text {_value!r}", _kind, {"text": _value}, _nl, _en)
    for _value, _nl, _en in int_refusals("corrects"):
        body_case(f"{_kind} corrects {_value!r}", _kind, {"text": "x", "corrects": _value}, _nl, _en,
                  ((_kind, {"text": "x"}),))
    for _target in (0, 1, 2, 3, 4):  # 2 is of another kind, 3 is this entry, 4 after it
        _other = "judgement" if _kind == "observation" else "observation"
        body_case(f"{_kind} corrects {_target}", _kind, {"text": "x", "corrects": _target},
                  f"corrects {_target} wijst niet naar een eerdere regel van dezelfde soort",
                  f"corrects {_target} does not point to an earlier line of the same kind", ((_other, {"text": "x"}),))
    body_case(f"{_kind} corrects a decision", _kind, {"text": "x", "corrects": 2},
              "corrects 2 wijst niet naar een eerdere regel van dezelfde soort",
              "corrects 2 does not point to an earlier line of the same kind", (("decision", DECISION),))


def _gap() -> None:
    r = chain(("observation", {"text": "x"}))
    check(r, "observation", {"text": "x"}, n=6)  # entries 3 to 5 missing (the chain's fault, said elsewhere)
    check(r, "observation", {"text": "x", "corrects": 4}, n=9)


case("corrects across a gap", _gap,
     "corrects 4 wijst niet naar een eerdere regel van dezelfde soort",
     "corrects 4 does not point to an earlier line of the same kind")


def _unseen() -> None:
    r = chain(("observation", {"text": "x"}))
    check(r, "observation", {"text": "x", "corrects": 5}, n=9)  # entries 3 to 8 never seen: nothing to correct


case("corrects an entry never seen", _unseen,
     "corrects 5 wijst niet naar een eerdere regel van dezelfde soort",
     "corrects 5 does not point to an earlier line of the same kind")


def _behind() -> None:
    r = chain(("observation", {"text": "x"}), ("observation", {"text": "x"}))
    check(r, "observation", {"text": "x", "corrects": 3}, n=3)  # entry 3 again: it does not point to itself


case("corrects itself", _behind, "corrects 3 wijst niet naar een eerdere regel van dezelfde soort",
     "corrects 3 does not point to an earlier line of the same kind")

# --- decision ---
body_case("decision fields", "decision", {"text": "x"}, "veld action, owner ontbreekt",
          "field action, owner is missing")
body_case("decision unknown", "decision", {**DECISION, "note": "x"}, "onbekend veld note", "unknown field note")
for _key in ("text", "owner"):
    for _value, _nl, _en in text_refusals(_key):
        body_case(f"decision {_key} {_value!r}", "decision", {**DECISION, _key: _value}, _nl, _en)
for _value, _nl, _en in text_refusals("deadline"):
    body_case(f"decision deadline {_value!r}", "decision", {**DECISION, "deadline": _value}, _nl, _en)
body_case("decision deadline no time", "decision", {**DECISION, "deadline": "morgen"},
          "deadline 'morgen' is geen tijdstip (ISO 8601)", "deadline 'morgen' is not a moment (ISO 8601)")
body_case("decision deadline no zone", "decision", {**DECISION, "deadline": "2026-12-04T10:00"},
          "deadline '2026-12-04T10:00' mist de tijdzone", "deadline '2026-12-04T10:00' lacks the time zone")
for _value, _nl, _en in int_refusals("action"):
    body_case(f"decision action {_value!r}", "decision", {**DECISION, "action": _value}, _nl, _en)
body_case("decision action first", "decision", {**DECISION, "action": 2},
          "actie 2 volgt niet op actie 0", "action 2 does not follow action 0")
body_case("decision action again", "decision", DECISION,
          "actie 1 volgt niet op actie 1", "action 1 does not follow action 1", (("decision", DECISION),))
body_case("decision action skipped", "decision", {**DECISION, "action": 3},
          "actie 3 volgt niet op actie 1", "action 3 does not follow action 1", (("decision", DECISION),))
body_case("decision corrects", "decision", {**DECISION, "corrects": 2},
          "corrects 2 wijst niet naar een eerdere regel van dezelfde soort",
          "corrects 2 does not point to an earlier line of the same kind", (("observation", {"text": "x"}),))

# --- action_done ---
body_case("done fields", "action_done", {}, "veld action ontbreekt", "field action is missing",
          (("decision", DECISION),))
body_case("done unknown", "action_done", {"action": 1, "text": "x"}, "onbekend veld text", "unknown field text",
          (("decision", DECISION),))
for _value, _nl, _en in int_refusals("action"):
    body_case(f"done action {_value!r}", "action_done", {"action": _value}, _nl, _en, (("decision", DECISION),))
for _number in (0, 2):
    body_case(f"done action {_number}", "action_done", {"action": _number}, f"actie {_number} bestaat niet",
              f"action {_number} does not exist", (("decision", DECISION),))
body_case("done before any", "action_done", {"action": 1}, "actie 1 bestaat niet", "action 1 does not exist")
body_case("done note", "action_done", {"action": 1, "note": 5}, "note moet tekst zijn", "note must be text",
          (("decision", DECISION),))
body_case("done note surrogate", "action_done", {"action": 1, "note": "\udc00"},
          "note bevat een ongeldig teken (losse surrogaat)", "note holds an invalid character (lone surrogate)",
          (("decision", DECISION),))

# --- assessment ---
body_case("assessment fields", "assessment", {"answers": {}}, "veld level, triggered ontbreekt",
          "field level, triggered is missing")
body_case("assessment unknown", "assessment", {**ASSESSMENT, "reason": "x"}, "onbekend veld reason",
          "unknown field reason")
for _value in ([], {"a": 1}, {"a": True, "b": None}, "a"):
    body_case(f"assessment answers {_value!r}", "assessment", {**ASSESSMENT, "answers": _value},
              "answers moet criterium-id → true/false zijn", "answers must be criterion id → true/false")
body_case("assessment answer key empty", "assessment", {**ASSESSMENT, "answers": {"a": True, " ": False}},
          "answers is leeg", "answers is empty")
level_cases("assessment level", "assessment", ASSESSMENT, "level", 0)
body_case("assessment triggered", "assessment", {**ASSESSMENT, "triggered": "a"},
          "triggered moet een lijst zijn", "triggered must be a list")
for _value, _nl, _en in text_refusals("triggered"):
    body_case(f"assessment triggered {_value!r}", "assessment", {**ASSESSMENT, "triggered": ["a", _value]}, _nl, _en)
for _value, _nl, _en in text_refusals("situation"):
    body_case(f"assessment situation {_value!r}", "assessment", {**ASSESSMENT, "situation": _value}, _nl, _en)
body_case("assessment advice", "assessment", {**ASSESSMENT, "advice": ["x"]},
          "advice moet een object zijn", "advice must be an object")
body_case("assessment advice fields", "assessment", {**ASSESSMENT, "advice": {"action": "x"}},
          "veld reason ontbreekt", "field reason is missing")
body_case("assessment advice grounds fields", "assessment", {**ASSESSMENT, "advice": {"grounds": GROUNDS}},
          "veld action ontbreekt", "field action is missing")
body_case("assessment advice both", "assessment", {**ASSESSMENT, "advice": {**ADVICE, "grounds": GROUNDS}},
          "onbekend veld reason", "unknown field reason")
body_case("assessment advice unknown", "assessment", {**ASSESSMENT, "advice": {**ADVICE, "x": 1}},
          "onbekend veld x", "unknown field x")
for _value, _nl, _en in text_refusals("advice.reason")[:2]:
    body_case(f"assessment reason {_value!r}", "assessment", {**ASSESSMENT, "advice": {**ADVICE, "reason": _value}},
              _nl, _en)
for _value, _nl, _en in text_refusals("advice.action"):
    body_case(f"assessment advice action {_value!r}", "assessment",
              {**ASSESSMENT, "advice": {**ADVICE, "action": _value}}, _nl, _en)
    body_case(f"assessment grounded action {_value!r}", "assessment",
              {**ASSESSMENT, "advice": {"action": _value, "grounds": GROUNDS}}, _nl, _en)


def grounds_cases(where: str, wrap: Callable[[object], tuple[str, dict[str, Any]]]) -> None:
    """The refusals of an advice's grounds, at `where` (an assessment's advice or a level change)."""

    def add(name: str, grounds: object, dutch: str, english: str) -> None:
        kind, body = wrap(grounds)
        body_case(f"{where} {name}", kind, body, dutch, english)

    add("not an object", ["x"], f"{where} moet een object zijn", f"{where} must be an object")
    add("fields", {"current": "a", "met": []}, "veld levels, recommended ontbreekt",
        "field levels, recommended is missing")
    add("unknown", {**GROUNDS, "reason": "x"}, "onbekend veld reason", "unknown field reason")
    for key in ("current", "recommended"):
        for value, dutch, english in text_refusals(f"{where}.{key}"):
            add(f"{key} {value!r}", {**GROUNDS, key: value}, dutch, english)
    add("met", {**GROUNDS, "met": "a"}, f"{where}.met moet een lijst zijn", f"{where}.met must be a list")
    for value, dutch, english in text_refusals(f"{where}.met"):
        add(f"met {value!r}", {**GROUNDS, "met": [value]}, dutch, english)
    add("levels", {**GROUNDS, "levels": LEVEL}, f"{where}.levels moet een lijst zijn",
        f"{where}.levels must be a list")
    add("level", {**GROUNDS, "levels": [LEVEL, "GRIP 2"]}, f"{where}.levels: elk niveau moet een object zijn",
        f"{where}.levels: each level must be an object")
    add("level fields", {**GROUNDS, "levels": [{"name": "GRIP 1", "met": 1}]}, "veld threshold, total ontbreekt",
        "field threshold, total is missing")
    add("level unknown", {**GROUNDS, "levels": [{**LEVEL, "reason": 1}]}, "onbekend veld reason",
        "unknown field reason")
    for value, dutch, english in text_refusals(f"{where}.levels.name"):
        add(f"level name {value!r}", {**GROUNDS, "levels": [{**LEVEL, "name": value}]}, dutch, english)
    for key in ("met", "total", "threshold"):
        for value, dutch, english in int_refusals(f"{where}.levels.{key}"):
            add(f"level {key} {value!r}", {**GROUNDS, "levels": [LEVEL, {**LEVEL, key: value}]}, dutch, english)


grounds_cases("advice.grounds", lambda g: ("assessment", {**ASSESSMENT, "advice": {"action": "x", "grounds": g}}))
grounds_cases("grounds", lambda g: ("level_change", {**CHANGE, "grounds": g}))

# --- level_change ---
body_case("change fields", "level_change", {"before": 1, "after": 2}, "veld action, reason ontbreekt",
          "field action, reason is missing")
body_case("change unknown", "level_change", {**CHANGE, "level": 2}, "onbekend veld level", "unknown field level")
for _key in ("before", "after"):
    for _value, _nl, _en in int_refusals(_key):
        body_case(f"change {_key} {_value!r}", "level_change", {**CHANGE, _key: _value}, _nl, _en)
body_case("change before wrong", "level_change", {**CHANGE, "before": 2},
          "before 2 klopt niet: het incident stond op niveau 1", "before 2 is wrong: the incident was at level 1")
body_case("change before after a change", "level_change", {**CHANGE, "after": 3},
          "before 1 klopt niet: het incident stond op niveau 2", "before 1 is wrong: the incident was at level 2",
          (("level_change", CHANGE),))
body_case("change after unknown", "level_change", {**CHANGE, "after": 7},
          "after 7 is geen niveau uit criteria.yaml", "after 7 is not a level of criteria.yaml")
for _value in ("naar boven", "Opschalen", None):
    body_case(f"change action {_value!r}", "level_change", {**CHANGE, "action": _value},
              "action moet opschalen of afschalen zijn", "action must be opschalen or afschalen")
for _value, _nl, _en in text_refusals("reason")[:2]:
    body_case(f"change reason {_value!r}", "level_change", {**CHANGE, "reason": _value}, _nl, _en)
for _key in ("now_holding", "no_longer_holding"):
    body_case(f"change {_key}", "level_change", {**CHANGE, _key: "a"}, f"{_key} moet een lijst zijn",
              f"{_key} must be a list")
    for _value, _nl, _en in text_refusals(_key):
        body_case(f"change {_key} {_value!r}", "level_change", {**CHANGE, _key: ["a", _value]}, _nl, _en)
for _value in (1, "true", None):
    body_case(f"change decided {_value!r}", "level_change", {**CHANGE, "decided": _value},
              "decided moet true of false zijn", "decided must be true or false")
level_cases("change advised", "level_change", CHANGE, "advised", 4)

# --- report ---
body_case("report fields", "report", {}, "veld number ontbreekt", "field number is missing")
body_case("report unknown", "report", {"number": 1, "text": "x"}, "onbekend veld text", "unknown field text")
for _value, _nl, _en in int_refusals("number"):
    body_case(f"report number {_value!r}", "report", {"number": _value}, _nl, _en)
body_case("report first", "report", {"number": 2}, "rapport 2 volgt niet op rapport 0",
          "report 2 does not follow report 0")
body_case("report again", "report", {"number": 1}, "rapport 1 volgt niet op rapport 1",
          "report 1 does not follow report 1", (("report", {"number": 1}),))
for _value, _nl, _en in text_refusals("next_update"):
    body_case(f"report next {_value!r}", "report", {"number": 1, "next_update": _value}, _nl, _en)
body_case("report next no zone", "report", {"number": 1, "next_update": "2026-12-03T12:00"},
          "next_update '2026-12-03T12:00' mist de tijdzone", "next_update '2026-12-03T12:00' lacks the time zone")

# --- close ---
body_case("close fields", "close", {"forced": True}, "veld reason ontbreekt", "field reason is missing")
body_case("close unknown", "close", {"reason": "x", "text": "y"}, "onbekend veld text", "unknown field text")
for _value, _nl, _en in text_refusals("reason"):
    body_case(f"close reason {_value!r}", "close", {"reason": _value}, _nl, _en)
for _value in (1, "ja", None):
    body_case(f"close forced {_value!r}", "close", {"reason": "x", "forced": _value},
              "forced moet true of false zijn", "forced must be true or false")

# --- callout ---
body_case("callout fields", "callout", {"purpose": "sitrap", "level": 1}, "veld deliveries, subject ontbreekt",
          "field deliveries, subject is missing")
body_case("callout unknown", "callout", {**CALLOUT, "reason": "x"}, "onbekend veld reason", "unknown field reason")
for _value, _nl, _en in text_refusals("callout"):
    body_case(f"callout id {_value!r}", "callout", {**CALLOUT, "callout": _value}, _nl, _en)
for _value in (False, 1, "true", None):
    body_case(f"callout interrupted {_value!r}", "callout", {**CALLOUT, "interrupted": _value},
              "interrupted moet true zijn", "interrupted must be true")
for _value in ("oproep", "Sitrap", None):
    body_case(f"callout purpose {_value!r}", "callout", {**CALLOUT, "purpose": _value},
              "purpose moet convocation of sitrap zijn", "purpose must be convocation or sitrap")
level_cases("callout level", "callout", CALLOUT, "level", 5)
for _value, _nl, _en in text_refusals("subject"):
    body_case(f"callout subject {_value!r}", "callout", {**CALLOUT, "subject": _value}, _nl, _en)
for _value, _nl, _en in int_refusals("report"):
    body_case(f"callout report {_value!r}", "callout", {**CALLOUT, "report": _value}, _nl, _en)
body_case("callout cut", "callout", {**CALLOUT, "cut": ["deadline"]}, "cut moet een object zijn",
          "cut must be an object")
body_case("callout cut fields", "callout", {**CALLOUT, "cut": {"kind": "deadline"}},
          "veld deadline_seconds, pending ontbreekt", "field deadline_seconds, pending is missing")
body_case("callout cut unknown", "callout", {**CALLOUT, "cut": {**CUT, "reason": "x"}}, "onbekend veld reason",
          "unknown field reason")
for _value in ("Deadline", "tijd", None):
    body_case(f"callout cut kind {_value!r}", "callout", {**CALLOUT, "cut": {**CUT, "kind": _value}},
              "cut.kind moet een van deadline zijn", "cut.kind must be one of deadline")
for _value in (True, "30", 0, 0.0, -1, None):
    body_case(f"callout cut seconds {_value!r}", "callout", {**CALLOUT, "cut": {**CUT, "deadline_seconds": _value}},
              "cut.deadline_seconds moet een getal groter dan 0 zijn",
              "cut.deadline_seconds must be a number greater than 0")
for _value, _nl, _en in int_refusals("cut.pending"):
    body_case(f"callout cut pending {_value!r}", "callout", {**CALLOUT, "cut": {**CUT, "pending": _value}}, _nl, _en)
for _value in (0, -3):
    body_case(f"callout cut pending {_value}", "callout", {**CALLOUT, "cut": {**CUT, "pending": _value}},
              "cut.pending moet minstens 1 zijn", "cut.pending must be at least 1")
for _key in ("deliveries", "recovered"):
    body_case(f"callout {_key}", "callout", {**CALLOUT, _key: DELIVERY}, f"{_key} moet een lijst zijn",
              f"{_key} must be a list")
    body_case(f"callout {_key} item", "callout", {**CALLOUT, _key: [DELIVERY, "mail"]},
              "een delivery moet een object zijn", "a delivery must be an object")
    body_case(f"callout {_key} fields", "callout", {**CALLOUT, _key: [{"channel": "mail", "outcome": "accepted"}]},
              "veld reason, recipient ontbreekt", "field reason, recipient is missing")
    body_case(f"callout {_key} unknown", "callout", {**CALLOUT, _key: [{**DELIVERY, "x": 1}]},
              "onbekend veld x", "unknown field x")
    for _field in ("channel", "recipient"):
        for _value, _nl, _en in text_refusals(_field):
            body_case(f"callout {_key} {_field} {_value!r}", "callout",
                      {**CALLOUT, _key: [DELIVERY, {**DELIVERY, _field: _value}]}, _nl, _en)
    for _value in ("delivered", "Accepted", None):
        body_case(f"callout {_key} outcome {_value!r}", "callout", {**CALLOUT, _key: [{**DELIVERY, "outcome": _value}]},
                  "outcome moet een van accepted, refused, timeout, unreachable, error zijn",
                  "outcome must be one of accepted, refused, timeout, unreachable, error")
    for _value, _nl, _en in text_refusals("reason")[:2]:
        body_case(f"callout {_key} reason {_value!r}", "callout", {**CALLOUT, _key: [{**DELIVERY, "reason": _value}]},
                  _nl, _en)

# --- confirmation ---
body_case("confirmation fields", "confirmation", {"callout": "c1", "answer": "komt"}, "veld recipient, via ontbreekt",
          "field recipient, via is missing")
body_case("confirmation unknown", "confirmation", {**CONFIRMATION, "reason": "x"}, "onbekend veld reason",
          "unknown field reason")
for _key in ("callout", "recipient"):
    for _value, _nl, _en in text_refusals(_key):
        body_case(f"confirmation {_key} {_value!r}", "confirmation", {**CONFIRMATION, _key: _value}, _nl, _en)
for _value in ("ja", "Komt", None):
    body_case(f"confirmation answer {_value!r}", "confirmation", {**CONFIRMATION, "answer": _value},
              "answer moet een van komt, kan_niet zijn", "answer must be one of komt, kan_niet")
for _value in ("post", "Mail", None):
    body_case(f"confirmation via {_value!r}", "confirmation", {**CONFIRMATION, "via": _value},
              "via moet een van telefoon, mail, teams, sms, link zijn",
              "via must be one of telefoon, mail, teams, sms, link")
for _key in ("note", "name", "role"):
    for _value, _nl, _en in text_refusals(_key)[:2]:
        body_case(f"confirmation {_key} {_value!r}", "confirmation", {**CONFIRMATION, _key: _value}, _nl, _en)


@pytest.mark.parametrize(("call", "dutch"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_each_refusal_in_dutch(call: Callable[[], object], dutch: str) -> None:
    with pytest.raises(er.Refused) as refused:
        call()
    assert str(refused.value) == dutch


@pytest.mark.parametrize(("call", "english_text"), [(c[1], c[3]) for c in CASES], ids=[c[0] for c in CASES])
def test_each_refusal_in_english(call: Callable[[], object], english_text: str, english: None) -> None:
    with pytest.raises(er.Refused) as refused:
        call()
    assert str(refused.value) == english_text


def test_a_whole_incident_of_every_kind_is_taken_in_and_remembered() -> None:
    """Every kind with every optional field at the edge of what it may hold, and what the replay keeps of it."""
    r = er.Replay(LEVELS)
    er.check_entry(r, entry(body={"title": "Storing", "level": 2, "situation": "Landelijk"}), 1)
    assert (r.level, r.opened, r.last_at, r.last_moment) == (2, r.last_moment, AT, r.opened)
    assert r.opened is not None and r.opened.isoformat() == "2026-12-03T10:00:00+01:00"
    check(r, "observation", {"text": "Storing gemeld"}, at=SAME_AS_AT)  # the same moment, written otherwise
    assert (r.last_at, r.opened.isoformat()) == (SAME_AS_AT, "2026-12-03T10:00:00+01:00")
    check(r, "judgement", {"text": "Ernstig"}, at=AT)
    check(r, "observation", {"text": "Beter: erger", "corrects": 2}, at=LATER, author="Bob")
    later(r, "judgement", {"text": "Nog erger", "corrects": 3})
    later(r, "decision", {"text": "Bellen", "owner": "Piet", "action": 1, "deadline": "2026-12-04T10:00:00+01:00"})
    later(r, "decision", {"text": "Mailen", "owner": "Piet", "action": 2, "corrects": 6})
    later(r, "decision", {"text": "Sms", "owner": "Piet", "action": 3})
    assert (r.actions, r.open_actions) == ({1, 2, 3}, {1, 2, 3})
    later(r, "action_done", {"action": 2, "note": " \t"})
    later(r, "action_done", {"action": 2})  # done twice: still known
    later(r, "action_done", {"action": 3, "note": ""})
    assert (r.actions, r.open_actions) == ({1, 2, 3}, {1})
    later(r, "assessment", {"answers": {}, "level": 1, "triggered": [], "situation": "Regionaal"})
    later(r, "assessment", {**ASSESSMENT, "advice": {"action": "blijven", "reason": ""}})
    later(r, "assessment", {**ASSESSMENT, "advice": {"action": "opschalen", "reason": " "}})
    later(r, "assessment", {**ASSESSMENT, "advice": {"action": "opschalen", "grounds": GROUNDS}})
    later(r, "assessment", {**ASSESSMENT, "advice": {"action": "opschalen", "grounds": {**GROUNDS, "met": [],
                                                                                         "levels": []}}})
    assert r.level == 2  # an assessment changes no level
    later(r, "level_change", {"before": 2, "after": 3, "action": "opschalen", "reason": "", "decided": False,
                              "advised": 3, "now_holding": ["a"], "no_longer_holding": [], "grounds": GROUNDS})
    assert r.level == 3
    later(r, "level_change", {"before": 3, "after": 1, "action": "afschalen", "reason": " ", "decided": True})
    assert r.level == 1
    later(r, "report", {"number": 1})
    later(r, "report", {"number": 2, "next_update": "2026-12-03T12:00:00+01:00"})
    assert r.reports == 2
    later(r, "callout", {**CALLOUT, "deliveries": []})
    later(r, "callout", {**CALLOUT, "purpose": "sitrap", "callout": "c2", "report": 2, "interrupted": True,
                         "cut": {"kind": "deadline", "deadline_seconds": 0.5, "pending": 1},
                         "deliveries": [{**DELIVERY, "outcome": o, "reason": " "} for o in er.OUTCOMES],
                         "recovered": [DELIVERY]})
    later(r, "confirmation", CONFIRMATION)
    for via in er.VIA:
        later(r, "confirmation", {**CONFIRMATION, "answer": "kan_niet", "via": via, "note": "", "name": " ",
                                  "role": ""})
    later(r, "public_update", {"text": "Wij werken eraan"})
    later(r, "public_update", {"text": "Verholpen", "corrects": len(r.kinds) - 1})
    assert not r.closed
    later(r, "close", {"reason": "Klaar", "forced": False})
    assert r.closed
    codes = er.KIND_CODES
    assert list(r.kinds) == [0, codes["open"], codes["observation"], codes["judgement"], codes["observation"],
                             codes["judgement"], *[codes["decision"]] * 3, *[codes["action_done"]] * 3,
                             *[codes["assessment"]] * 5, *[codes["level_change"]] * 2, *[codes["report"]] * 2,
                             *[codes["callout"]] * 2, *[codes["confirmation"]] * (1 + len(er.VIA)),
                             *[codes["public_update"]] * 2, codes["close"]]
    assert sorted(codes.values()) == list(range(1, len(er.RULES) + 1))
    assert (r.last_at, r.last_moment is not None and r.last_moment.isoformat()) == (LATER, "2026-12-03T11:00:00+01:00")


def test_without_a_ladder_any_whole_number_is_a_level() -> None:
    r = opened(None, 99)
    check(r, "level_change", {"before": 99, "after": -4, "action": "afschalen", "reason": "x", "advised": 1000})
    check(r, "assessment", {**ASSESSMENT, "level": 0})
    check(r, "callout", {**CALLOUT, "level": 12})
    assert (r.levels, r.level) == (None, -4)
    assert opened(LEVELS, 3).level == 3


def test_time_may_stand_still_but_not_run_back() -> None:
    r = opened()
    check(r, "observation", {"text": "x"}, at=SAME_AS_AT)
    check(r, "observation", {"text": "x"}, at=AT)
    check(r, "observation", {"text": "x"}, at=LONG)
    check(r, "observation", {"text": "x"}, at="2026-12-03T12:00:00.123456+01:00:00.123456")  # the same: not back
    assert r.last_at == "2026-12-03T12:00:00.123456+01:00:00.123456"
    assert r.opened is not None and r.opened.isoformat() == "2026-12-03T10:00:00+01:00"


def test_entries_after_a_gap_keep_their_kinds() -> None:
    r = chain(("observation", {"text": "x"}))
    check(r, "judgement", {"text": "x"}, n=6)
    obs, jud = er.KIND_CODES["observation"], er.KIND_CODES["judgement"]
    assert list(r.kinds) == [0, er.KIND_CODES["open"], obs, 0, 0, 0, jud]
    check(r, "judgement", {"text": "x", "corrects": 6}, n=7)
    check(r, "observation", {"text": "x", "corrects": 2}, n=9)
    assert list(r.kinds) == [0, er.KIND_CODES["open"], obs, 0, 0, 0, jud, jud, 0, obs]
    check(r, "judgement", {"text": "x"}, n=4)  # an entry again (the chain's fault): its kind is written over
    assert list(r.kinds) == [0, er.KIND_CODES["open"], obs, 0, jud, 0, jud, jud, 0, obs]


def test_a_plain_note_is_checked_without_parsing_its_body() -> None:
    r = opened()
    obs = er.KIND_CODES["observation"]
    assert er.plain_note(r, 2, LATER, "Bob", "observation", '{"text":"Storing gemeld"}') is True
    assert (list(r.kinds), r.last_at, r.last_author) == ([0, er.KIND_CODES["open"], obs], LATER, "Bob")
    assert er.plain_note(r, 3, LATER, "Bob", "judgement", '{"text":" x "}') is True
    assert list(r.kinds) == [0, er.KIND_CODES["open"], obs, er.KIND_CODES["judgement"]]
    # not a plain note: check_parts must read it, and nothing is checked or remembered here
    for body in ('{"text":"a\\"b"}', '{"text":"\\u0041"}', '{"text":"a\tb"}', '{"text": "x"}', '{"text":" "}',
                 '{"text":""}', '{"text":"x","corrects":2}', {"text": "x"}, None, ' {"text":"x"}'):
        assert er.plain_note(r, 4, "nooit", "", "observation", body) is False
    assert er.plain_note(r, 1, AT, "Ans", "observation", '{"text":"x"}') is False
    assert len(r.kinds) == 4
    with pytest.raises(er.Refused, match=r"^author is leeg$"):
        er.plain_note(r, 4, LATER, " ", "observation", '{"text":"x"}')
    with pytest.raises(er.Refused, match=r"^author moet tekst zijn$"):
        er.plain_note(r, 4, LATER, None, "observation", '{"text":"x"}')
    with pytest.raises(er.Refused) as back:
        er.plain_note(r, 4, AT, "Bob", "observation", '{"text":"x"}')
    assert str(back.value) == (
        "tijd loopt terug: 2026-12-03T10:00:00+01:00 ligt voor regel 3 (2026-12-03T11:00:00+01:00)"
    )
    assert er.plain_note(r, 4, LATER, "Bob", "observation", '{"text":"x"}') is True
    r.closed = True
    assert er.plain_note(r, 5, LATER, "Bob", "observation", '{"text":"x"}') is False
    assert len(r.kinds) == 5


def test_valid_ids() -> None:
    for good in ("a", "A1", "storing-2026-12", "x" * 64, "1-2"):
        assert er.valid_id(good), good
    for bad in ("", "-a", "a-", "x" * 65, "a_b", "a b", "../a", "<b>", "a\n", None, 5):
        assert not er.valid_id(bad), bad
