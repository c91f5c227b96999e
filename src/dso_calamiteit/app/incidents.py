"""Use cases of the logbook: what `incident`, `log`, `acties`, `actie` and `assess --incident` do.

The first functions work on an open store (the moment and the author come in as arguments): they check
what the operator asked against the logbook and append entries. The last ones are the use cases as the
faces call them: each opens the logbook through app.logbook, the one place that knows where it is.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from ..adapters.stores import Store
from ..domain import dutchtime, exitcodes
from ..domain.assessment import Assessment
from ..domain.criteria import CriteriaFile
from ..domain.errors import CalamiteitError, UsageError
from ..domain.logbook import Action, ChainCheck, Entry, Fault, Incident, Summary, canonical, fold, verify
from ..domain.reporting import ReportingFile
from ..domain.timeline import kind_word
from .logbook import Where, opened, stamp

T = TypeVar("T")

EXPORT_KIND = "incident-export"


class TamperedError(CalamiteitError):
    exit_code = exitcodes.TAMPERED


EMPTY = {
    "tekst": "schrijf op wat er is vastgesteld, geoordeeld of besloten",
    "titel": "geef het incident een korte titel, bijvoorbeeld 'Omgevingsloket onbereikbaar'",
    "reden": "schrijf op waarom",
}


def require_text(text: str, what: str = "tekst") -> str:
    if not text.strip():
        raise UsageError(f"lege {what}: {EMPTY.get(what, 'vul iets in')}")
    return text.strip()


def state(store: Store, incident: str) -> Incident:
    store.summary(incident)  # unknown id → a usage error that suggests the nearest one
    return fold(store.entries(incident))


def opening(criteria: CriteriaFile, title: str, level: int | None, situation: str | None) -> dict[str, Any]:
    """The body of an 'open' entry, checked before the logbook is touched (a refused call creates no file)."""
    title = require_text(title, "titel")
    number = criteria.base.level if level is None else level
    if criteria.level(number) is None:
        levels = ", ".join(str(lv.level) for lv in criteria.ordered)
        raise UsageError(f"--level {number}: onbekend niveau; kies uit {levels}")
    return {"title": title, "level": number, "situation": situation}


def note(
    store: Store,
    incident: str,
    kind: str,
    text: str,
    author: str,
    at: str,
    *,
    owner: str | None = None,
    deadline: str | None = None,
    corrects: int | None = None,
) -> Entry:
    """A BOB entry (observation, judgement or decision); a decision is also an action for its owner."""
    body: dict[str, Any] = {"text": require_text(text)}
    if kind == "decision":
        if not owner or not owner.strip():
            raise UsageError("een besluit heeft een actiehouder: geef --actiehouder NAAM")
        body["owner"] = owner.strip()
        if deadline is not None and datetime.fromisoformat(deadline) <= datetime.fromisoformat(at):
            due, now = dutchtime.local(deadline), dutchtime.local(at)
            raise UsageError(
                f"deadline {due} is al voorbij (nu {now})",
                "Geef een later moment: HH:MM voor vandaag of JJJJ-MM-DD HH:MM voor een andere dag.",
            )
        body["deadline"] = deadline
    elif owner or deadline:
        raise UsageError("--actiehouder en --deadline horen bij --besluit")
    if corrects is not None:
        target = store.entry(incident, corrects)
        if target is None:
            raise UsageError(f"--corrigeert {corrects}: incident {incident} heeft geen regel {corrects}")
        if target.kind != kind:
            found = kind_word(target.kind)
            raise UsageError(f"--corrigeert {corrects}: dat is geen {kind_word(kind)} maar een {found}")
        body["corrects"] = corrects
    return store.append(incident, kind, body, author, at)


def complete_action(store: Store, incident: str, number: int, remark: str, author: str, at: str) -> Entry:
    current = state(store, incident)
    action = current.actions.get(number)
    if action is None or not action.open:
        still = ", ".join(str(a.number) for a in current.open_actions) or "geen"
        what = "bestaat niet" if action is None else "is al gereed"
        raise UsageError(f"actie {number} van incident {incident} {what}; open acties: {still}")
    return store.append(incident, "action_done", {"action": number, "note": remark.strip()}, author, at)


def close(store: Store, incident: str, reason: str, force: bool, author: str, at: str) -> Entry:
    reason = require_text(reason, "reden")
    current = state(store, incident)
    if current.open_actions and not force:
        numbers = ", ".join(f"{a.number} ({a.owner})" for a in current.open_actions)
        raise UsageError(
            f"incident {incident} heeft nog open acties: {numbers}",
            "Meld ze gereed met `calamiteit actie ID N --gereed`, of sluit toch met --force.",
        )
    body = {"reason": reason, "forced": bool(force and current.open_actions)}
    return store.append(incident, "close", body, author, at)


class LevelMoved(CalamiteitError):
    """The level changed between showing the advice and recording the decision: assess again."""


def record_assessment(
    store: Store,
    incident: str,
    decide: Callable[[int], Assessment],
    situation: str | None,
    author: str,
    at: str,
    *,
    apply: bool,
    seen_level: int | None = None,
) -> tuple[Assessment, list[Entry]]:
    """Log the assessment as advice; with `apply`, also the level change it advises, as a decision to follow it.

    The level is read, the assessment made against it and the entries written in one transaction: two
    coordinators assessing at once each see the level the other left. `seen_level` is the level the person
    was shown when they confirmed; if it moved meanwhile, nothing is written.
    """
    with store.transaction():
        tip = store.tip(incident)
        if tip.closed:
            raise UsageError(f"incident {incident} is gesloten; er kan niets meer worden vastgelegd")
        current = tip.level
        if seen_level is not None and seen_level != current:
            raise LevelMoved(
                f"het niveau van {incident} is intussen gewijzigd ({seen_level} → {current}); er is niets vastgelegd",
                "Beoordeel opnieuw.",
            )
        result = decide(current)
        previous = _last_answers(store, incident)
        body = {
            "answers": dict(result.answers),
            "level": result.recommended.level,
            "triggered": [c.id for _, c in result.triggered],
            "situation": situation,
            "advice": None
            if result.advice is None
            else {"action": result.advice.action, "reason": result.advice.reason},
        }
        written = [store.append(incident, "assessment", body, author, at)]
        after = result.recommended.level
        if after != current and apply:
            holding = [c.id for lv, c in result.triggered if lv.level > min(current, after)]
            no_longer = [i for i, was in previous.items() if was and not result.answers.get(i, False)]
            change = {
                "before": current,
                "after": after,
                "action": "opschalen" if after > current else "afschalen",
                "reason": result.advice.reason if result.advice else "",
                "now_holding": holding,
                "no_longer_holding": no_longer,
                "decided": True,
                "advised": after,
            }
            written.append(store.append(incident, "level_change", change, author, at))
    return result, written


def decide_level(
    store: Store, criteria: CriteriaFile, incident: str, level: int, reason: str, author: str, at: str
) -> Entry:
    """A person's decision on the level, with its reason; the latest advice is recorded beside it, so a
    decision against the advice shows as such wherever the history is read."""
    reason = require_text(reason, "reden")
    if criteria.level(level) is None:
        levels = ", ".join(str(lv.level) for lv in criteria.ordered)
        raise UsageError(f"niveau {level}: onbekend; kies uit {levels}")
    with store.transaction():
        tip = store.tip(incident)
        if tip.closed:
            raise UsageError(f"incident {incident} is gesloten; er kan niets meer worden vastgelegd")
        if level == tip.level:
            raise UsageError(f"incident {incident} staat al op niveau {level}")
        advice = store.last_of_kind(incident, "assessment")
        change = {
            "before": tip.level,
            "after": level,
            "action": "opschalen" if level > tip.level else "afschalen",
            "reason": reason,
            "decided": True,
            "advised": advice.data["level"] if advice else None,
        }
        return store.append(incident, "level_change", change, author, at)


def _last_answers(store: Store, incident: str) -> dict[str, bool]:
    last = store.last_of_kind(incident, "assessment")
    return dict(last.data["answers"]) if last else {}


def verify_incident(store: Store, summary: Summary, sent_head: str | None = None) -> list[Fault]:
    """The chain's breaks; then the `incidents` row against what the chain says; then, when given, whether the
    head hash printed on a sent sitrap is still in the chain (a chain recomputed after sending is not)."""
    faults = verify(summary.id, store.stream(summary.id), summary.head)  # two streaming passes: flat memory
    if faults:
        return faults
    state = fold(store.stream(summary.id), keep=False)
    told = {
        "regels": (summary.entries, state.entries),
        "niveau": (summary.level, state.level),
        "acties": (summary.actions, max(state.actions, default=0)),
        "rapporten": (summary.reports, state.reports),
        "gesloten": (summary.closed_at, state.closed_at),
    }
    for name, (row, chain) in told.items():
        if row != chain:
            message = f"de incidentregel zegt {name} = {row}, de keten zegt {chain} (incidentregel gewijzigd)"
            faults.append(Fault(summary.id, state.entries, message))
    if sent_head is not None and not store.has_hash(summary.id, sent_head):
        faults.append(
            Fault(
                summary.id,
                state.entries,
                f"hash {sent_head} staat niet in de keten: het logboek is herschreven nadat die hash werd verstuurd",
            )
        )
    return faults


def verify_all(store: Store) -> list[Fault]:
    faults: list[Fault] = []
    for summary in store.summaries():
        faults += verify_incident(store, summary)
    return faults


def export(store: Store, incident: str, faults: list[Fault] | None = None) -> str:
    summary = store.summary(incident)
    entries = store.entries(incident)
    body: dict[str, Any] = {"incident": incident}
    if faults:  # said first: a reader of the file sees it before anything else
        body["chain"] = {"verified": False, "faults": [{"n": f.n, "message": f.message} for f in faults]}
    body |= {
        "title": summary.title,
        "head": summary.head,
        "entries": [
            {
                "n": e.n,
                "at": e.at,
                "author": e.author,
                "kind": e.kind,
                "body": e.data,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in entries
        ],
    }
    from ..views.jsondoc import dumps

    return dumps(EXPORT_KIND, body) + "\n"


MAX_IMPORT_BYTES = 256 * 1024 * 1024  # an export of about 400,000 entries; /dev/zero is refused at once
READ_CHUNK = 1024 * 1024


def _read_bounded(path: Path) -> str:
    """The file's text, read a chunk at a time (Ctrl-C ends it) and never more than MAX_IMPORT_BYTES."""
    chunks: list[bytes] = []
    size = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(READ_CHUNK):
                if not chunks and not chunk.lstrip().startswith(b"{"):
                    raise UsageError(f"{path}: geen export van `calamiteit incident export` (geen JSON-object)")
                size += len(chunk)
                if size > MAX_IMPORT_BYTES:
                    raise UsageError(
                        f"{path}: groter dan {MAX_IMPORT_BYTES // (1024 * 1024)} MiB; geen export van één incident"
                    )
                chunks.append(chunk)
    except OSError as exc:
        raise UsageError(f"{path}: kan niet gelezen worden: {exc.strerror}") from None
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: geen UTF-8 (byte {exc.start})") from None


def read_export(criteria: CriteriaFile, path: Path) -> tuple[list[Entry], Incident]:
    """Take in an export; refuse it whole when one entry breaks the rules or the hash chain does not verify.

    Every entry is checked (shape, values, the numbering of actions and reports, the level path) before
    anything is written: a nonsense entry in an append-only log would break the views of that incident
    for good.
    """
    from ..domain.entries import Refused, Replay, check_entry, valid_id

    try:
        doc = json.loads(_read_bounded(path))
    except RecursionError:
        raise UsageError(f"{path}: te diep genest; geen export van `calamiteit incident export`") from None
    except ValueError as exc:
        raise UsageError(f"{path}: geen geldige JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("kind") != EXPORT_KIND:
        raise UsageError(f"{path}: geen export van `calamiteit incident export` (kind ontbreekt of klopt niet)")
    incident = doc.get("incident")
    if not valid_id(incident):
        raise UsageError(
            f"{path}: ongeldig incident-id {json.dumps(incident, ensure_ascii=False)[:60]}",
            "Een id bestaat uit letters, cijfers en streepjes (zoals 2026-007).",
        )
    raw_entries, head = doc.get("entries"), doc.get("head")
    if not isinstance(raw_entries, list) or not raw_entries or not isinstance(head, str):
        raise UsageError(f"{path}: geen export van `calamiteit incident export` (entries of head ontbreekt)")
    replay = Replay(frozenset(lv.level for lv in criteria.ordered))
    for number, raw in enumerate(raw_entries, start=1):
        try:
            check_entry(replay, raw, number)
        except Refused as exc:
            raise UsageError(f"{path}: regel {number}: {exc}", "Niets ingelezen.") from None
    entries = [
        Entry(
            str(incident),
            e["n"],
            e["at"],
            e["author"],
            e["kind"],
            canonical(e["body"]),
            e["prev_hash"],
            e["hash"],
        )
        for e in raw_entries
    ]
    faults = verify(str(incident), entries, head)
    if faults:
        first = faults[0]
        raise TamperedError(
            f"{path}: de hashketen klopt niet bij regel {first.n}: {first.message}",
            f"Niets ingelezen ({len(faults)} fout(en)).",
        )
    return entries, fold(entries)


def import_entries(store: Store, entries: list[Entry], state: Incident) -> int:
    """Store an export that `read_export` has checked whole; returns how many of its entries were new."""
    return store.import_entries(entries, state.title, state.level, max(state.actions, default=0), state.reports)


# --- use cases as the faces call them: each opens the logbook (app.logbook.opened) for its own step -------


def open_incident(data_dir: Where, body: dict[str, Any], author: str) -> str:
    """Open an incident whose opening `body` was checked by `opening` (before the logbook is touched)."""
    with opened(data_dir) as store:
        return store.open_incident(body["title"], body, author, stamp()).incident


@dataclass(frozen=True)
class Listed:
    summary: Summary
    next_sitrap: datetime | None  # when the next sitrap is due; None for a closed incident


def incidents(data_dir: Where, include_closed: bool, reporting: ReportingFile) -> list[Listed]:
    """The incidents, each with the moment its next sitrap is due."""
    from ..domain.reporting import next_sitrap

    with opened(data_dir, readonly=True) as store:
        rows = store.summaries(include_closed=include_closed)
        promised = {r.id: store.last_of_kind(r.id, "report") for r in rows if r.closed_at is None}
    listed = []
    for r in rows:
        last = promised.get(r.id)
        due = next_sitrap(
            reporting, r.opened_at, r.level, last.data.get("next_update") if last else None, r.closed_at is not None
        )
        listed.append(Listed(r, due))
    return listed


def each_entry(
    data_dir: Where, incident: str, each: Callable[[Entry], T]
) -> tuple[Incident, list[T], list[Fault]]:
    """The state, `each(entry)` of every entry, and the breaks in the chain (a reader is always told), in one
    streaming pass that keeps no entry: for `show --json` at a million entries."""
    out: list[T] = []

    def seen(entries: Iterator[Entry]) -> Iterator[Entry]:
        for e in entries:
            out.append(each(e))
            yield e

    with opened(data_dir, readonly=True) as store:
        incident = store.resolve(incident)
        check = ChainCheck(incident, store.summary(incident).head)
        state = folded(seen(check.passing(store.stream(incident))), check.faults, keep=False)
    return state, out, check.done()


def folded(entries: Iterable[Entry], faults: list[Fault], keep: bool = True, state: Incident | None = None) -> Incident:
    """The fold of a chain that may be tampered with: entries edited beyond reading are a broken chain too."""
    try:
        return fold(entries, keep=keep, state=state)
    except (KeyError, TypeError, ValueError) as exc:
        where = f" (regel {faults[0].n}: {faults[0].message})" if faults else ""
        raise TamperedError(f"het logboek van dit incident is onleesbaar{where}: {exc}") from None


@dataclass
class Timeline:
    state: Incident
    newest: list[Entry]
    faults: list[Fault]

    @property
    def earlier(self) -> int:
        return self.newest[0].n - 1 if self.newest else 0


def timeline(data_dir: Where, incident: str, newest: int) -> Timeline:
    """The state and the newest entries, in one streaming pass: memory stays flat at any size."""
    recent: deque[Entry] = deque(maxlen=newest)

    def kept(entries: Iterator[Entry]) -> Iterator[Entry]:
        for e in entries:
            recent.append(e)
            yield e

    with opened(data_dir, readonly=True) as store:
        incident = store.resolve(incident)
        check = ChainCheck(incident, store.summary(incident).head)
        state = folded(kept(check.passing(store.stream(incident))), check.faults, keep=False)
    return Timeline(state, list(recent), check.done())


@contextmanager
def every_entry(data_dir: Where, incident: str) -> Iterator[tuple[Incident, Iterator[Entry], list[Fault]]]:
    """The state and the chain's breaks, then every entry streamed while the logbook is open."""
    with opened(data_dir, readonly=True) as store:
        incident = store.resolve(incident)
        check = ChainCheck(incident, store.summary(incident).head)
        state = folded(check.passing(store.stream(incident)), check.faults, keep=False)
        yield state, store.stream(incident), check.done()


FOLLOW_WAIT_S = 5.0  # PostgreSQL wakes at once on a NOTIFY; this only bounds a missed one (SQLite polls each second)


def follow(data_dir: Where, incident: str, state: Incident) -> Iterator[Entry]:
    """The entries written after `state` (as colleagues write them), each folded into `state` before it is
    given out, until the incident is closed. Each new entry must link to the one before: a chain that
    changes under a reader is said, not shown."""
    with opened(data_dir, readonly=True) as store:
        incident = store.resolve(incident)
        store.wait(incident, 0)  # listen before reading, so nothing written in between is missed
        while not state.closed:
            new = False
            for e in store.stream(incident, after=state.entries):
                if e.n != state.entries + 1 or e.prev_hash != state.head or e.expected_hash() != e.hash:
                    raise TamperedError(f"de hashketen van {incident} klopt niet bij regel {e.n}")
                folded([e], [], keep=False, state=state)
                new = True
                yield e
            if not new:
                store.wait(incident, FOLLOW_WAIT_S)


def record_note(
    data_dir: Where,
    incident: str,
    kind: str,
    text: str,
    author: str,
    *,
    owner: str | None = None,
    deadline: str | None = None,
    corrects: int | None = None,
) -> Entry:
    with opened(data_dir, create=False) as store:
        incident = store.resolve(incident)
        return note(store, incident, kind, text, author, stamp(), owner=owner, deadline=deadline, corrects=corrects)


def open_actions(data_dir: Where, incident: str | None) -> tuple[list[tuple[Incident, Action]], list[Fault]]:
    """The open actions of one incident, or of every open incident, and any break in the chains read."""
    faults: list[Fault] = []
    states = []
    with opened(data_dir, readonly=True) as store:
        ids = [store.resolve(incident)] if incident else [s.id for s in store.summaries(include_closed=False)]
        for i in ids:
            check = ChainCheck(i, store.summary(i).head)
            states.append(folded(check.passing(store.stream(i)), check.faults, keep=False))
            faults += check.done()
    return [(s, a) for s in states for a in s.open_actions], faults


def mark_done(data_dir: Where, incident: str, number: int, remark: str, author: str) -> Entry:
    with opened(data_dir, create=False) as store:
        incident = store.resolve(incident)
        return complete_action(store, incident, number, remark, author, stamp())


def close_incident(data_dir: Where, incident: str, reason: str, force: bool, author: str) -> Entry:
    with opened(data_dir) as store:
        incident = store.resolve(incident)
        return close(store, incident, reason, force, author, stamp())


@dataclass
class Verified:
    path: str
    summary: Summary
    faults: list[Fault]


def verify_one(data_dir: Where, incident: str, sent_head: str | None) -> Verified:
    with opened(data_dir, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        summary = store.summary(incident)
        return Verified(store.where, summary, verify_incident(store, summary, sent_head))


def export_text(data_dir: Where, incident: str, insist: bool = False) -> str:
    """The export; refused for a broken chain unless `insist`, and then the export says so."""
    with opened(data_dir, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        faults = verify(incident, store.stream(incident), store.summary(incident).head)
        refuse_broken(incident, faults, insist, "geëxporteerd")
        return export(store, incident, faults)


def refuse_broken(incident: str, faults: list[Fault], insist: bool, what: str) -> None:
    """A broken chain is never passed on as if nothing happened: refused (exit 4) unless insisted on."""
    if faults and not insist:
        first = faults[0]
        raise TamperedError(
            f"de hashketen van {incident} klopt niet bij regel {first.n}: {first.message}",
            f"Er is niets {what}. `calamiteit incident verify {incident}` toont alle breuken; met --toch gebeurt "
            "het toch, en zegt het resultaat dat de keten niet klopt.",
        )


def import_file(data_dir: Where, criteria: CriteriaFile, path: Path) -> tuple[Incident, int]:
    """Read and check the export whole before the logbook is even opened; then store what is new in it."""
    entries, result = read_export(criteria, path)
    with opened(data_dir) as store:
        new = import_entries(store, entries, result)
    return result, new


@dataclass(frozen=True)
class Context:
    """What an assessment of an incident starts from: its level, situation and whether it is closed."""

    level: int
    situation: str | None
    closed: bool


def context(data_dir: Where, incident: str) -> Context:
    with opened(data_dir, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        summary = store.summary(incident)
        first = store.entry(incident, 1)
    situation = first.data.get("situation") if first is not None else None
    return Context(summary.level, situation, summary.closed_at is not None)


def assess(
    data_dir: Where,
    incident: str,
    decide: Callable[[int], Assessment],
    situation: str | None,
    author: str,
    *,
    apply: bool,
    seen_level: int | None = None,
) -> tuple[Assessment, list[Entry]]:
    with opened(data_dir, create=False) as store:
        incident = store.resolve(incident)
        return record_assessment(
            store, incident, decide, situation, author, stamp(), apply=apply, seen_level=seen_level
        )


def set_level(
    data_dir: Where, criteria: CriteriaFile, incident: str, level: int, reason: str, author: str
) -> Entry:
    with opened(data_dir, create=False) as store:
        incident = store.resolve(incident)
        return decide_level(store, criteria, incident, level, reason, author, stamp())
