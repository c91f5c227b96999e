"""What a well-formed logbook entry of each kind holds: the rules the commands follow when they write, checked
again for every entry of an import before anything of it is stored.

Pure: no file, no store. An export can be hand-made or come from another version; whatever verifies as a
chain must still make sense as an incident, or it would break `show`, `acties` and `rapport` for good (the
log is append-only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Set
from dataclasses import field
from datetime import datetime
from typing import Any

from .language import _
from .records import record

ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?")
HASH = re.compile(r"[0-9a-f]{64}")
LEVEL_ACTIONS = ("opschalen", "afschalen")
ENTRY_FIELDS = {"n", "at", "author", "kind", "body", "prev_hash", "hash"}


class Refused(ValueError):
    """One reason an entry (or the export around it) cannot be taken in; the message is Dutch."""


def valid_id(text: object) -> bool:
    """Incident ids are short and plain: letters, digits and inner hyphens (no paths, no markup)."""
    return isinstance(text, str) and ID.fullmatch(text) is not None


def _text(value: object, what: str, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise Refused(_("{what} moet tekst zijn").format(what=what))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(_("{what} bevat een ongeldig teken (losse surrogaat)").format(what=what)) from None
    if not empty and not value.strip():
        raise Refused(_("{what} is leeg").format(what=what))
    return value


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(_("{what} moet een geheel getal zijn").format(what=what))
    return value


def _moment(value: object, what: str) -> str:
    _when(value, what)
    return str(value)


def _when(value: object, what: str) -> datetime:
    text = _text(value, what)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refused(_("{what} '{text}' is geen tijdstip (ISO 8601)").format(what=what, text=text[:40])) from None
    if moment.tzinfo is None:
        raise Refused(_("{what} '{text}' mist de tijdzone").format(what=what, text=text[:40]))
    return moment


def _optional(check: Callable[[object, str], object], value: object, what: str) -> None:
    if value is not None:
        check(value, what)


def _strings(value: object, what: str) -> None:
    if not isinstance(value, list):
        raise Refused(_("{what} moet een lijst zijn").format(what=what))
    for item in value:
        _text(item, what)


def _keys(body: Mapping[str, Any], required: Set[str], optional: Set[str] = frozenset()) -> None:
    missing = sorted(required - body.keys())
    if missing:
        raise Refused(_("veld {fields} ontbreekt").format(fields=", ".join(missing)))
    unknown = sorted(body.keys() - required - optional)
    if unknown:
        raise Refused(_("onbekend veld {fields}").format(fields=", ".join(unknown)))


@record(frozen=False)
class Replay:
    """What the entries so far have established, as far as the next entry's rules need it."""

    levels: frozenset[int] | None  # None: any whole number (a reader that has no criteria.yaml at hand)
    level: int = 0
    actions: set[int] = field(default_factory=set)
    open_actions: set[int] = field(default_factory=set)
    reports: int = 0
    # the kind of every entry so far, one byte each (entry n at index n): a million-entry log costs 1 MB here
    kinds: bytearray = field(default_factory=lambda: bytearray(1))
    closed: bool = False

    def known_level(self, value: object, what: str) -> int:
        number = _int(value, what)
        if self.levels is not None and number not in self.levels:
            raise Refused(_("{what} {number} is geen niveau uit criteria.yaml").format(what=what, number=number))
        return number

    def corrects(self, body: Mapping[str, Any], kind: str, n: int) -> None:
        if "corrects" in body:
            target = _int(body["corrects"], "corrects")
            if not 1 <= target < min(n, len(self.kinds)) or self.kinds[target] != KIND_CODES[kind]:
                raise Refused(
                    _("corrects {target} wijst niet naar een eerdere regel van dezelfde soort").format(target=target)
                )

    last_at: object = None  # the `at` and author of the entry before, once found valid (most entries repeat them)
    last_author: object = None
    last_moment: datetime | None = None  # time never runs backwards in a chain
    opened: datetime | None = None

    def moment(self, at: object, n: int) -> None:
        """`at` is a time with its zone, not before the opening and not before the entry before it."""
        if at == self.last_at:
            return
        moment = _when(at, "at")
        if self.opened is not None and moment < self.opened:
            raise Refused(
                _("tijd {at} ligt voor de opening van het incident ({opened})").format(
                    at=str(at)[:40], opened=self.opened.isoformat()
                )
            )
        if self.last_moment is not None and moment < self.last_moment:
            raise Refused(
                _("tijd loopt terug: {at} ligt voor regel {previous} ({last})").format(
                    at=str(at)[:40], previous=n - 1, last=self.last_moment.isoformat()
                )
            )
        if n == 1:
            self.opened = moment
        self.last_at, self.last_moment = at, moment

    def seen(self, n: int, kind: str) -> None:
        """Entry `n` was of `kind` (entries come in order; a gap is the chain's fault, said elsewhere)."""
        if n == len(self.kinds):
            self.kinds.append(KIND_CODES[kind])
            return
        if n > len(self.kinds):
            self.kinds.extend(bytes(n + 1 - len(self.kinds)))
        self.kinds[n] = KIND_CODES[kind]


def _open(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"title", "level"}, {"situation"})
    _text(body["title"], "title")
    r.level = r.known_level(body["level"], "level")
    _optional(_text, body.get("situation"), "situation")


def _note(r: Replay, body: Mapping[str, Any], n: int, kind: str) -> None:
    _keys(body, {"text"}, {"corrects"})
    _text(body["text"], "text")
    r.corrects(body, kind, n)


def _decision(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"text", "owner", "action"}, {"deadline", "corrects"})
    _text(body["text"], "text")
    _text(body["owner"], "owner")
    _optional(_moment, body.get("deadline"), "deadline")
    number = _int(body["action"], "action")
    if number != len(r.actions) + 1:
        raise Refused(_("actie {number} volgt niet op actie {last}").format(number=number, last=len(r.actions)))
    r.corrects(body, "decision", n)
    r.actions.add(number)
    r.open_actions.add(number)


def _action_done(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"action"}, {"note"})
    number = _int(body["action"], "action")
    if number not in r.actions:
        raise Refused(_("actie {number} bestaat niet").format(number=number))
    _optional(lambda v, w: _text(v, w, empty=True), body.get("note"), "note")
    r.open_actions.discard(number)


def _assessment(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"answers", "level", "triggered"}, {"situation", "advice"})
    answers = body["answers"]
    if not isinstance(answers, dict) or not all(isinstance(v, bool) for v in answers.values()):
        raise Refused(_("answers moet criterium-id → true/false zijn"))
    for key in answers:
        _text(key, "answers")
    r.known_level(body["level"], "level")
    _strings(body["triggered"], "triggered")
    _optional(_text, body.get("situation"), "situation")
    advice = body.get("advice")
    if advice is not None:
        if not isinstance(advice, dict):
            raise Refused(_("advice moet een object zijn"))
        if "grounds" in advice:  # session 30 on: the values the reason is worded from when shown
            _keys(advice, {"action", "grounds"})
            _grounds(advice["grounds"], "advice.grounds")
        else:
            _keys(advice, {"action", "reason"})
            _text(advice["reason"], "advice.reason", empty=True)
        _text(advice["action"], "advice.action")


def _level_change(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(
        body,
        {"before", "after", "action", "reason"},
        {"now_holding", "no_longer_holding", "decided", "advised", "grounds"},
    )
    before = _int(body["before"], "before")
    if before != r.level:
        raise Refused(
            _("before {before} klopt niet: het incident stond op niveau {level}").format(before=before, level=r.level)
        )
    r.level = r.known_level(body["after"], "after")
    if body["action"] not in LEVEL_ACTIONS:
        raise Refused(_("action moet {first} of {second} zijn").format(first=LEVEL_ACTIONS[0], second=LEVEL_ACTIONS[1]))
    _text(body["reason"], "reason", empty=True)
    if "grounds" in body:
        _grounds(body["grounds"], "grounds")
    for key in ("now_holding", "no_longer_holding"):
        if key in body:
            _strings(body[key], key)
    if "decided" in body and not isinstance(body["decided"], bool):
        raise Refused(_("decided moet true of false zijn"))
    _optional(r.known_level, body.get("advised"), "advised")


def _grounds(grounds: object, where: str) -> None:
    """An advice's values (domain.assessment.Advice.grounds): level names, criteria texts and counts."""
    if not isinstance(grounds, dict):
        raise Refused(_("{where} moet een object zijn").format(where=where))
    _keys(grounds, {"current", "recommended", "met", "levels"})
    _text(grounds["current"], f"{where}.current")
    _text(grounds["recommended"], f"{where}.recommended")
    _strings(grounds["met"], f"{where}.met")
    levels = grounds["levels"]
    if not isinstance(levels, list):
        raise Refused(_("{where}.levels moet een lijst zijn").format(where=where))
    for t in levels:
        if not isinstance(t, dict):
            raise Refused(_("{where}.levels: elk niveau moet een object zijn").format(where=where))
        _keys(t, {"name", "met", "total", "threshold"})
        _text(t["name"], f"{where}.levels.name")
        for key in ("met", "total", "threshold"):
            _int(t[key], f"{where}.levels.{key}")


def _report(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"number"}, {"next_update"})
    number = _int(body["number"], "number")
    if number != r.reports + 1:
        raise Refused(_("rapport {number} volgt niet op rapport {last}").format(number=number, last=r.reports))
    r.reports = number
    _optional(_moment, body.get("next_update"), "next_update")


def _close(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"reason"}, {"forced"})
    _text(body["reason"], "reason")
    if "forced" in body and not isinstance(body["forced"], bool):
        raise Refused(_("forced moet true of false zijn"))
    r.closed = True


OUTCOMES = ("accepted", "refused", "timeout", "unreachable", "error")


def _callout(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"purpose", "level", "subject", "deliveries"},
          {"report", "callout", "interrupted", "recovered", "cut"})
    if "callout" in body:
        _text(body["callout"], "callout")
    if "interrupted" in body and body["interrupted"] is not True:
        raise Refused(_("interrupted moet true zijn"))
    if "cut" in body:
        _cut(body["cut"])
    if body["purpose"] not in ("convocation", "sitrap"):
        raise Refused(_("purpose moet convocation of sitrap zijn"))
    r.known_level(body["level"], "level")
    _text(body["subject"], "subject")
    _optional(_int, body.get("report"), "report")
    for key in ("deliveries", "recovered"):
        _deliveries(body.get(key, []), key)


CUTS = ("deadline",)  # what stopped a call-out before every message was sent: the whole call-out's deadline


def _cut(cut: object) -> None:
    """What stopped the call-out, as a kind and its values (worded where it is shown): the deadline it had
    (deadline_seconds) and how many messages were left unsent."""
    if not isinstance(cut, dict):
        raise Refused(_("cut moet een object zijn"))
    _keys(cut, {"kind", "deadline_seconds", "pending"})
    if cut["kind"] not in CUTS:
        raise Refused(_("cut.kind moet een van {choices} zijn").format(choices=", ".join(CUTS)))
    seconds = cut["deadline_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
        raise Refused(_("cut.deadline_seconds moet een getal groter dan 0 zijn"))
    if _int(cut["pending"], "cut.pending") < 1:
        raise Refused(_("cut.pending moet minstens 1 zijn"))


def _deliveries(deliveries: object, key: str) -> None:
    if not isinstance(deliveries, list):
        raise Refused(_("{key} moet een lijst zijn").format(key=key))
    for d in deliveries:
        if not isinstance(d, dict):
            raise Refused(_("een delivery moet een object zijn"))
        _keys(d, {"channel", "recipient", "outcome", "reason"})
        _text(d["channel"], "channel")
        _text(d["recipient"], "recipient")
        if d["outcome"] not in OUTCOMES:
            raise Refused(_("outcome moet een van {choices} zijn").format(choices=", ".join(OUTCOMES)))
        _text(d["reason"], "reason", empty=True)


ANSWERS = ("komt", "kan_niet")  # a confirmation: comes, or cannot
VIA = ("telefoon", "mail", "teams", "sms", "link")  # how it came in


def _confirmation(r: Replay, body: Mapping[str, Any], n: int) -> None:
    _keys(body, {"callout", "recipient", "answer", "via"}, {"note", "name", "role"})
    for key in ("callout", "recipient"):
        _text(body[key], key)
    if body["answer"] not in ANSWERS:
        raise Refused(_("answer moet een van {choices} zijn").format(choices=", ".join(ANSWERS)))
    if body["via"] not in VIA:
        raise Refused(_("via moet een van {choices} zijn").format(choices=", ".join(VIA)))
    for key in ("note", "name", "role"):
        if key in body:
            _text(body[key], key, empty=True)


RULES: dict[str, Callable[[Replay, Mapping[str, Any], int], None]] = {
    "open": _open,
    "observation": lambda r, b, n: _note(r, b, n, "observation"),
    "judgement": lambda r, b, n: _note(r, b, n, "judgement"),
    "decision": _decision,
    "action_done": _action_done,
    "assessment": _assessment,
    "level_change": _level_change,
    "report": _report,
    "close": _close,
    "callout": _callout,
    "confirmation": _confirmation,
    "public_update": lambda r, b, n: _note(r, b, n, "public_update"),  # same shape as a note: text (, corrects)
}


KIND_CODES = {kind: code for code, kind in enumerate(RULES, start=1)}


def check_entry(r: Replay, raw: object, expected_n: int) -> None:
    """Refuse one exported entry that does not follow the rules; `r` is moved on past it."""
    if not isinstance(raw, dict):
        raise Refused(_("geen object"))
    _keys(raw, ENTRY_FIELDS)
    n = _int(raw["n"], "n")
    if n != expected_n:
        raise Refused(_("nummer {n}, verwacht {expected_n}").format(n=n, expected_n=expected_n))
    for key in ("prev_hash", "hash"):
        if not isinstance(raw[key], str) or not HASH.fullmatch(raw[key]):
            raise Refused(_("{key} is geen SHA-256-hash").format(key=key))
    check_parts(r, n, raw["at"], raw["author"], raw["kind"], raw["body"])


# An observation or judgement as the commands write it: `{"text":"…"}`, no escapes, no control characters.
_PLAIN_NOTE = re.compile(r'\{"text":"([^"\\\x00-\x1f]*)"\}')


def plain_note(r: Replay, n: int, at: object, author: object, kind: str, body: object) -> bool:
    """Check the most common entry without parsing its body (a million-entry log is mostly these); False when it
    is not one, and check_parts must check it in full. Refused when its time or author is wrong."""
    if r.closed or n == 1 or not isinstance(body, str):
        return False
    found = _PLAIN_NOTE.fullmatch(body)
    if found is None or not found.group(1).strip():
        return False
    r.moment(at, n)
    if author != r.last_author:
        _text(author, "author")
        r.last_author = author
    r.seen(n, kind)
    return True


def check_parts(r: Replay, n: int, at: object, author: object, kind: object, body: object) -> None:
    """The rules of one entry, whether it comes from an export or is read back from a logbook: whatever a
    chain holds must make sense as an incident before any view folds it. `r` is moved on past it."""
    if r.closed:
        raise Refused(_("regel na het sluiten van het incident"))
    r.moment(at, n)
    _text(author, "author")
    if not isinstance(kind, str) or kind not in RULES:
        raise Refused(_("onbekende soort {kind}").format(kind=repr(str(kind)[:40])))
    if (n == 1) != (kind == "open"):
        raise Refused(_("een incident begint met precies één 'open'-regel"))
    if not isinstance(body, dict):
        raise Refused(_("body moet een object zijn"))
    RULES[kind](r, body, n)
    r.seen(n, kind)
