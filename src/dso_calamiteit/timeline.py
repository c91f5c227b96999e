"""An incident's entries in the words an operator reads: the kind of each entry and its one-line summary.

Pure: used by the tables, the plain list of `incident show --alles`, and wherever a face shows an entry.
"""

from __future__ import annotations

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
    return e.body


def decision_note(d: dict[str, object]) -> str:
    """' (besluit)' or ' (besluit, tegen het advies: niveau 2)' for a level change a person decided."""
    if not d.get("decided"):
        return ""
    advised = d.get("advised")
    if advised is not None and advised != d.get("after"):
        return f" (besluit, tegen het advies: niveau {advised})"
    return " (besluit)"
