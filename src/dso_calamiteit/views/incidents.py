"""The logbook in words and for scripts: an entry as one line of Dutch, the JSON of every logbook command
(`incident open/list/show`, `log`, `niveau`, `acties`) and the document `incident export` writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from ..domain import dutchtime
from ..domain.language import N_, _, counted, ngettext
from ..domain.logbook import EXPORT_KIND, Entry
from ..domain.reasons import recorded_reason
from ..domain.safetext import json_text
from .jsondoc import SCHEMA_VERSION, asked_indent, dumps

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..app.handover import Export
    from ..app.incidents import Listed
    from ..domain.logbook import Action, Fault, Incident, Summary


LEVEL_MOVES = {"opschalen": N_("opschalen"), "afschalen": N_("afschalen")}  # stored as ids, worded when shown


def summary_line(e: Entry) -> str:
    """One line of the timeline, in Dutch, for tables and plain text."""
    d = e.data
    prefix = _("(corrigeert regel {n})").format(n=d["corrects"]) + " " if "corrects" in d else ""
    if e.kind == "open":
        return f"{d['title']} " + _("(niveau {level})").format(level=d["level"])
    if e.kind in ("observation", "judgement", "public_update"):
        return f"{prefix}{d['text']}"
    if e.kind == "decision":
        deadline = (
            ", " + _("deadline {moment}").format(moment=dutchtime.local(d["deadline"])) if d.get("deadline") else ""
        )
        return f"{prefix}{d['text']} — " + _("actie {n}: {owner}").format(n=d["action"], owner=d["owner"]) + deadline
    if e.kind == "action_done":
        return _("actie {n} gereed").format(n=d["action"]) + (f": {d['note']}" if d.get("note") else "")
    if e.kind == "assessment":
        return _("beoordeeld: niveau {level}; ja op {criteria}").format(
            level=d["level"], criteria=", ".join(d["triggered"]) or _("geen criterium")
        )
    if e.kind == "level_change":
        move = _(LEVEL_MOVES[d["action"]]) if d["action"] in LEVEL_MOVES else d["action"]
        return _("{move} van {before} naar {after}").format(move=move, before=d["before"], after=d["after"]) + (
            f"{decision_note(d)}: {recorded_reason(d)}"
        )
    if e.kind == "report":
        return _("situatierapport {number}").format(number=d["number"]) + (
            ", " + _("volgende update {moment}").format(moment=dutchtime.local(d["next_update"]))
            if d.get("next_update")
            else ""
        )
    if e.kind == "close":
        return f"{d['reason']}" + (" " + _("(geforceerd, met open acties)") if d.get("forced") else "")
    if e.kind == "callout":
        return callout_line(d)
    if e.kind == "confirmation":
        answer = _("komt") if d["answer"] == "komt" else _("kan niet komen")
        who = d.get("name") or d["recipient"]
        return _("{who} {answer} (via {via})").format(who=who, answer=answer, via=d["via"]) + (
            f": {d['note']}" if d.get("note") else ""
        )
    return e.body


def decision_note(d: dict[str, object]) -> str:
    """' (besluit)' or ' (besluit, tegen het advies: niveau 2)' for a level change a person decided."""
    if not d.get("decided"):
        return ""
    advised = d.get("advised")
    if advised is not None and advised != d.get("after"):
        return " " + _("(besluit, tegen het advies: niveau {level})").format(level=advised)
    return " " + _("(besluit)")


def _outcome_word(outcome: str, n: int) -> str:
    """A delivery's outcome (stored as an id) in words: '2 aangenomen', '1 fout', '2 fouten'."""
    if outcome == "error":
        return ngettext("fout", "fouten", n)
    words = {"accepted": N_("aangenomen"), "refused": N_("geweigerd"), "timeout": N_("time-out")}
    return _(words.get(outcome, N_("niet bereikbaar")))


def callout_line(d: dict[str, Any]) -> str:
    """'oproep verstuurd: 7 aangenomen, 1 geweigerd (email), 1 niet bereikbaar (sms)'."""
    what = (
        _("sitrap {number} verstuurd").format(number=d["report"]) if d["purpose"] == "sitrap" else _("oproep verstuurd")
    )
    parts = []
    for outcome in ("accepted", "refused", "timeout", "unreachable", "error"):
        hits = [x for x in d["deliveries"] if x["outcome"] == outcome]
        if hits:
            channels = "" if outcome == "accepted" else f" ({', '.join(sorted({x['channel'] for x in hits}))})"
            parts.append(f"{len(hits)} {_outcome_word(outcome, len(hits))}{channels}")
    cut = d.get("cut")
    if isinstance(cut, dict) and cut.get("kind") == "deadline":  # the kind and its values, worded here
        parts.append(_("deadline van {seconds} s verstreken, {messages} nog niet verstuurd").format(
            seconds=f"{cut['deadline_seconds']:g}", messages=counted(cut["pending"], "bericht", "berichten")))
    return f"{what}: " + (", ".join(parts) or _("niemand"))


# --- JSON ------------------------------------------------------------------------------------------------


def entry_json(e: Entry) -> dict[str, Any]:
    return {"n": e.n, "at": e.at, "author": e.author, "role": e.role, "kind": e.kind, "data": e.data, "hash": e.hash}


def entry_text(e: Entry, quote: Callable[[str], str] = encode_basestring) -> str:
    """One entry as JSON with its stored body spliced in as it is: no parse and re-dump per entry (`quote`
    is json's own C string encoder, without the per-call overhead of json.dumps)."""
    return (
        f'{{"n":{e.n},"at":{quote(e.at)},"author":{quote(e.author)},'
        f'"role":{"null" if e.role is None else quote(e.role)},'
        f'"kind":{quote(e.kind)},"data":{e.body},"hash":{quote(e.hash)}}}'
    )


def timeline_state(state: Incident, faults: list[Fault]) -> dict[str, Any]:
    """The keys of `incident show --json` beside its entries: the chain's verdict and the incident's state."""
    return {
        "chain": {"verified": not faults, "faults": [{"n": f.n, "message": f.message} for f in faults]},
        "incident": state.id,
        "title": state.title,
        "level": state.level,
        "closed_at": state.closed_at,
        "open_actions": [a.number for a in state.open_actions],
        "corrected": {str(n): by for n, by in sorted(state.corrected.items())},  # entry → the entry correcting it
        "head": state.head,
    }


def timeline_document(state: Incident, entries: list[str], faults: list[Fault]) -> str:
    """`incident show --json` whole: the incident's state, then every entry (each already `entry_text`)."""
    head = dumps("timeline", timeline_state(state, faults), indent=None)
    return json_text(f'{head[:-1]},"entries":[{",".join(entries)}]}}')


class TimelineWriter:
    """`incident show --json` written while the entries stream past, in one pass: the entries first, then the
    incident's state and the chain's verdict, which are known only at the end (the same keys as
    `timeline_document`, in another order). A million entries: flat memory, one read."""

    BATCH = 2_000  # entries per write: few writes, and memory flat at any size

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write
        self.batch: list[str] = []
        self.first = True  # nothing written yet: an unknown incident leaves stdout empty

    def entry(self, e: Entry) -> None:
        self.batch.append(entry_text(e))
        if len(self.batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.first:
            self.write(f'{{"schema_version":{SCHEMA_VERSION},"kind":"timeline","entries":[')
        if self.batch:
            self.write(json_text(("" if self.first else ",") + ",".join(self.batch)))
            self.batch = []
        self.first = False

    def end(self, state: Incident, faults: list[Fault]) -> None:
        self._flush()
        rest = json_text(json.dumps(timeline_state(state, faults), ensure_ascii=False))
        self.write("]," + rest[1:] + "\n")


def entry_document(e: Entry) -> str:
    """`log --json`, `niveau --json`: the entry just written, on one line."""
    return dumps("entry", entry_json(e), indent=None)


def incident_document(incident: str) -> str:
    """`incident open --json`."""
    return dumps("incident", {"id": incident}, indent=None)


def incidents_document(rows: list[Listed]) -> str:
    """`incident list --json`: each incident's row, with when its next sitrap is due."""
    listed = [
        vars(r.summary)
        | {
            "next_sitrap": None if r.next_sitrap is None else dutchtime.stamp(r.next_sitrap),
            "chain_ok": not r.faults,
        }
        for r in rows
    ]
    return dumps("incidents", {"incidents": listed})


def actions_document(rows: list[tuple[Incident, Action]], now: datetime) -> str:
    """`acties --json`: the open actions, each with whether it is past its deadline at `now`."""
    doc = {
        "actions": [
            {
                "incident": s.id,
                "incident_closed": s.closed,
                "number": a.number,
                "text": a.text,
                "owner": a.owner,
                "deadline": a.deadline,
                "overdue": a.overdue(now),
            }
            for s, a in rows
        ],
    }
    return dumps("actions", doc)


def export_entry_text(e: Entry, quote: Callable[[str], str] = encode_basestring) -> str:
    """One entry of an export, compact, with its stored canonical body spliced in as it is (no parse per entry)."""
    return (
        f'{{"n":{e.n},"at":{quote(e.at)},"author":{quote(e.author)},"kind":{quote(e.kind)},"body":{e.body},'
        f'"prev_hash":{quote(e.prev_hash)},"hash":{quote(e.hash)}}}'
    )


def write_export(
    summary: Summary, faults: list[Fault], entries: Iterable[Entry], write: Callable[[str], object]
) -> None:
    """`incident export` written while the entries stream past (app.handover.exporting): the chain's verdict
    (first, when broken: a reader of the file sees it before anything else), title and head, then the entries
    in batches; app.handover reads it back. Compact unless CALAMITEIT_JSON_INDENT asks: a file's form does not
    depend on whether stdout is a terminal. A million entries: flat memory."""
    indent = asked_indent()
    body: dict[str, Any] = {"incident": summary.id}
    if faults:
        body["chain"] = {"verified": False, "faults": [{"n": f.n, "message": f.message} for f in faults]}
    body |= {"title": summary.title, "head": summary.head}
    head = dumps(EXPORT_KIND, body, indent=indent)
    if indent is None:
        write(head[:-1] + ',"entries":[')
        pad = ""
    else:
        write(head[:-2] + ",\n" + " " * indent + '"entries": [')
        pad = "\n" + " " * (2 * indent)
    sep = ","
    batch: list[str] = []
    first = True

    def flush() -> None:
        nonlocal first
        if batch:
            write(("" if first else sep) + json_text(sep.join(batch)))
            batch.clear()
            first = False

    for e in entries:
        if indent is None:
            batch.append(export_entry_text(e))
        else:
            item = json.dumps(export_entry(e), ensure_ascii=False, indent=indent)
            batch.append(pad + item.replace("\n", pad))
        if len(batch) >= TimelineWriter.BATCH:
            flush()
    flush()
    if indent is None:
        write("]}\n")
    else:
        write(("" if first else "\n" + " " * indent) + "]\n}\n")


def export_entry(e: Entry) -> dict[str, Any]:
    return {"n": e.n, "at": e.at, "author": e.author, "kind": e.kind, "body": e.data, "prev_hash": e.prev_hash,
            "hash": e.hash}


def export_document(found: Export) -> str:
    """`incident export` whole, as one text (the command streams with `write_export`)."""
    parts: list[str] = []
    write_export(found.summary, found.faults, found.entries, parts.append)
    return "".join(parts)
