"""An incident's entries in the words an operator reads: the kind of each entry and its one-line summary.

Pure: used by the tables, the plain list of `incident show --alles`, and wherever a face shows an entry.
"""

from __future__ import annotations

from typing import Any

from . import dutchtime
from .logbook import Entry


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


KIND_WORDS = {
    "open": "geopend",
    "observation": "beeld",
    "judgement": "oordeel",
    "decision": "besluit",
    "action_done": "actie gereed",
    "assessment": "beoordeling",
    "level_change": "niveau",
    "report": "sitrap",
    "close": "gesloten",
    "callout": "oproep",
}


def summary_line(e: Entry) -> str:
    """One line of the timeline, in Dutch, for tables and plain text."""
    d = e.data
    prefix = f"(corrigeert regel {d['corrects']}) " if "corrects" in d else ""
    if e.kind == "open":
        return f"{d['title']} (niveau {d['level']})"
    if e.kind in ("observation", "judgement"):
        return f"{prefix}{d['text']}"
    if e.kind == "decision":
        deadline = f", deadline {dutchtime.local(d['deadline'])}" if d.get("deadline") else ""
        return f"{prefix}{d['text']} — actie {d['action']}: {d['owner']}{deadline}"
    if e.kind == "action_done":
        return f"actie {d['action']} gereed" + (f": {d['note']}" if d.get("note") else "")
    if e.kind == "assessment":
        return f"beoordeeld: niveau {d['level']}; ja op {', '.join(d['triggered']) or 'geen criterium'}"
    if e.kind == "level_change":
        return f"{d['action']} van {d['before']} naar {d['after']}{decision_note(d)}: {d['reason']}"
    if e.kind == "report":
        return f"situatierapport {d['number']}" + (
            f", volgende update {dutchtime.local(d['next_update'])}" if d.get("next_update") else ""
        )
    if e.kind == "close":
        return f"{d['reason']}" + (" (geforceerd, met open acties)" if d.get("forced") else "")
    if e.kind == "callout":
        return callout_line(d)
    return e.body


def decision_note(d: dict[str, object]) -> str:
    """' (besluit)' or ' (besluit, tegen het advies: niveau 2)' for a level change a person decided."""
    if not d.get("decided"):
        return ""
    advised = d.get("advised")
    if advised is not None and advised != d.get("after"):
        return f" (besluit, tegen het advies: niveau {advised})"
    return " (besluit)"


def callout_line(d: dict[str, Any]) -> str:
    """'oproep verstuurd: 7 aangenomen, 1 geweigerd (email), 1 niet bereikbaar (sms)'."""
    what = "sitrap {} verstuurd".format(d["report"]) if d["purpose"] == "sitrap" else "oproep verstuurd"
    words = {"accepted": "aangenomen", "refused": "geweigerd", "timeout": "time-out", "unreachable": "niet bereikbaar",
             "error": "fout"}
    parts = []
    for outcome, word in words.items():
        hits = [x for x in d["deliveries"] if x["outcome"] == outcome]
        if hits:
            channels = "" if outcome == "accepted" else f" ({', '.join(sorted({x['channel'] for x in hits}))})"
            parts.append(f"{len(hits)} {word}{channels}")
    return f"{what}: {', '.join(parts) or 'niemand'}"
