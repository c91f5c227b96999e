"""The incident logbook as a pure fold: entries (append-only, hash-chained) → the state of an incident.

Storage lives in stores/; this module knows no SQLite, no clock and no terminal. Entry kinds and body
fields are English identifiers; what an operator reads is rendered in Dutch elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import field
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from .entry_rules import Refused, Replay, check_parts, plain_note
from .errors import TamperedError
from .hashing import entry_hash
from .language import N_, _, pgettext
from .reasons import recorded_reason
from .records import record

GENESIS = "0" * 64
EXPORT_KIND = "incident-export"  # the `kind` of the document `incident export` writes and `incident import` reads


# What an operator reads for each kind of entry (in messages, tables and the sitrap).
def kind_word(kind: str) -> str:
    """The kind as an operator reads it, in the chosen language (the stored kind never changes)."""
    if kind == "level_change":  # 'niveau' is also the singular of a plural elsewhere: its own context here
        return pgettext("soort", "niveau")
    word = KIND_WORDS.get(kind)
    return _(word) if word is not None else kind


KIND_WORDS = {
    "open": N_("geopend"),
    "observation": N_("beeld"),
    "judgement": N_("oordeel"),
    "decision": N_("besluit"),
    "action_done": N_("actie gereed"),
    "assessment": N_("beoordeling"),
    "level_change": "niveau",  # worded by kind_word
    "report": N_("sitrap"),
    "close": N_("gesloten"),
    "callout": N_("oproep"),
    "confirmation": N_("bevestiging"),
    "public_update": N_("publieke update"),
}
PUBLIC = "public_update"  # the one kind of entry the public status page shows: written for everyone to read


def canonical(body: Mapping[str, Any]) -> str:
    """The one text form of a body: hashed, stored and exported, so a verifier can recompute it."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chained(incident: str, n: int, at: str, author: str, kind: str, body: str, prev: str) -> Entry:
    """A new entry after the one whose hash is `prev`, with its own hash computed."""
    return Entry(incident, n, at, author, kind, body, prev, entry_hash(incident, n, at, author, kind, body, prev))


@record
class LogbookFile:
    # config/logboek.yaml: which logbook to use when no flag (--db, --data-dir) and no environment variable
    # (CALAMITEIT_DB, CALAMITEIT_DATA_DIR) says. (A comment, not a docstring: that would become the schema's
    # description, which editors show to coordinators in Dutch.)

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid", "use_attribute_docstrings": True}

    database: str = ""
    """Het logboek: leeg voor het eigen SQLite-bestand in de gebruikersdatamap, een pad, sqlite:///pad, of
    postgresql://gebruiker@host/database voor het gedeelde logboek van het team. Nooit een wachtwoord: gebruik
    PGPASSWORD, ~/.pgpass of PGSERVICE."""


@record(frozen=False)
class Entry:
    """One line of the logbook. `at` is UTC in ISO 8601; `body` is the canonical JSON text.

    Never changed once made. Not frozen only because an incident can hold 100,000 entries and a frozen
    dataclass takes 2.5 times as long to build (benchmarks/logbook.py).
    """

    incident: str
    n: int
    at: str
    author: str
    kind: str
    body: str
    prev_hash: str
    hash: str
    role: str | None = None  # the account that stored it in this logbook (not hashed: it is the store's say)

    @cached_property
    def data(self) -> dict[str, Any]:
        """The body parsed, once: an incident can hold 100,000 entries."""
        value: dict[str, Any] = json.loads(self.body)
        return value

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)

    def expected_hash(self) -> str:
        return entry_hash(self.incident, self.n, self.at, self.author, self.kind, self.body, self.prev_hash)


@record
class Fault:
    """A place where the chain does not hold: an edited, inserted or removed entry."""

    incident: str
    n: int
    message: str


def _parsed(body: object) -> object:
    """The stored body as JSON, or None when it is none (check_parts then says the body is no object)."""
    try:
        return json.loads(body) if isinstance(body, str) else None
    except ValueError:
        return None


class ChainCheck:
    """Checks the chain while the entries stream past: a view reads them anyway, so verifying costs one hash
    per entry and no memory.

    Each entry is also held to the rules an import holds it to (entry_rules, with the level ladder when
    `levels` is given): a hash-valid entry that makes no sense as an incident (a decision without owner, a
    second opening, a level off the ladder) is a fault of the chain too, and `passing` withholds it, so no
    view folds nonsense into an answer."""

    def __init__(self, incident: str, head: str | None = None, levels: frozenset[int] | None = None) -> None:
        self.incident, self.head = incident, head
        self.faults: list[Fault] = []
        self.prev, self.expected_n = GENESIS, 1
        self.replay = Replay(levels)

    def see(self, e: Entry) -> bool:
        """Check `e`; False when it breaks the rules of its kind (a fault is noted; fold must not see it)."""
        known = len(self.faults)
        self._links(e)
        try:
            if not isinstance(e.n, int) or isinstance(e.n, bool):
                raise Refused(_("nummer is geen geheel getal"))
            if e.kind in _NOTES and plain_note(self.replay, e.n, e.at, e.author, e.kind, e.body):
                return True
            body = _parsed(e.body)
            check_parts(self.replay, e.n, e.at, e.author, e.kind, body)
        except Refused as exc:
            if len(self.faults) == known:  # one fault per entry: an edited entry is said to be edited
                said = _("regel klopt niet als {kind}: {reason}").format(kind=kind_word(str(e.kind)), reason=exc)
                self.faults.append(Fault(self.incident, e.n, said))
            return False
        e.__dict__["data"] = body  # parsed once: fold reads it from here
        return True

    def _links(self, e: Entry) -> None:
        if e.n != self.expected_n:
            self.faults.append(
                Fault(
                    self.incident,
                    self.expected_n,
                    _("regel {n} ontbreekt (volgende is {next})").format(n=self.expected_n, next=e.n),
                )
            )
        if e.prev_hash != self.prev:
            self.faults.append(
                Fault(self.incident, e.n, _("verwijst niet naar de regel ervoor (regel verwijderd of ingevoegd)"))
            )
        if e.expected_hash() != e.hash:
            self.faults.append(Fault(self.incident, e.n, _("inhoud klopt niet met de hash (regel gewijzigd)")))
        self.prev, self.expected_n = e.hash, e.n + 1

    def passing(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        """The entries that follow the rules; one that breaks them is a fault and is not passed on."""
        for e in entries:
            if self.see(e):
                yield e
        self._empty()

    def _empty(self) -> None:
        if self.expected_n == 1 and not any(f.n == 1 for f in self.faults):  # said before a fold finds nothing
            self.faults.append(Fault(self.incident, 1, _("het incident heeft geen enkele regel")))
            self.head = None

    def done(self) -> list[Fault]:
        """Every break; `head` (the stored last hash) catches a removed last entry."""
        self._empty()
        if self.head is not None and self.head != self.prev:
            self.faults.append(
                Fault(
                    self.incident,
                    self.expected_n,
                    _("het logboek eindigt eerder dan vastgelegd (laatste regel verwijderd)"),
                )
            )
            self.head = None  # said once
        return self.faults


def verify(
    incident: str, entries: Iterable[Entry], head: str | None = None, levels: frozenset[int] | None = None
) -> list[Fault]:
    """Every break in the chain of `incident`, and every entry that breaks its kind's rules; `head` (the stored
    last hash) catches a removed last entry."""
    check = ChainCheck(incident, head, levels)
    for e in entries:
        check.see(e)
    return check.done()


def refuse_broken(incident: str, faults: list[Fault], insist: bool, what: str) -> None:
    """A broken chain is never passed on as if nothing happened: refused (exit 4) unless insisted on. `what`
    is a past participle marked with N_ where it is written ('geëxporteerd')."""
    if faults and not insist:
        first = faults[0]
        raise TamperedError(
            _("de hashketen van {incident} klopt niet bij regel {n}: {message}").format(
                incident=incident, n=first.n, message=first.message
            ),
            _(
                "Er is niets {what}. 'calamiteit incident verify {incident}' toont alle breuken; met --toch gebeurt "
                "het toch, en zegt het resultaat dat de keten niet klopt."
            ).format(what=_(what), incident=incident),
        )


@record
class LevelStep:
    at: str
    author: str
    before: int | None
    after: int
    action: str
    reason: str
    decided: bool = False  # a person's decision (`niveau`, or an advice confirmed), not the tool's own step
    advised: int | None = None  # the level the latest assessment advised when the decision was made

    @property
    def against_advice(self) -> bool:
        return self.decided and self.advised is not None and self.advised != self.after


@record(frozen=False)
class Action:
    number: int
    entry: int
    text: str
    owner: str
    deadline: str | None
    done_at: str | None = None
    done_by: str | None = None
    done_note: str = ""

    @property
    def open(self) -> bool:
        return self.done_at is None

    def overdue(self, now: datetime) -> bool:
        """Still open after its deadline."""
        return self.open and self.deadline is not None and datetime.fromisoformat(self.deadline) < now


@record(frozen=False)
class Incident:
    """The state of one incident after all its entries; only ever built by `fold`."""

    id: str
    title: str
    opened_at: str
    opened_by: str
    level: int
    situation: str | None
    closed_at: str | None = None
    close_reason: str = ""
    history: list[LevelStep] = field(default_factory=list)
    observations: list[Entry] = field(default_factory=list)
    judgements: list[Entry] = field(default_factory=list)
    decisions: list[Entry] = field(default_factory=list)
    actions: dict[int, Action] = field(default_factory=dict)
    corrected: dict[int, int] = field(default_factory=dict)  # entry n → the entry that corrects it
    reports: int = 0
    report_entries: list[int] = field(default_factory=list)  # the entry number of each sitrap, in order
    # Counted whatever is kept, so a sitrap of a million entries keeps only the newest few notes:
    observations_current: int = 0  # observations not corrected by a later one
    judgements_current: int = 0
    picture_since: int = 0  # current observations after the latest sitrap entry
    picture_before_report: int = 0  # ... after the sitrap before it, when the latest one was folded
    corrected_notes: int = 0  # observations and judgements corrected by a later one
    next_report: str | None = None  # the next update moment the latest sitrap promised
    entries: int = 0
    head: str = GENESIS
    last_at: str = ""

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions.values() if a.open]

    def current(self, entries: list[Entry]) -> list[Entry]:
        """`entries` without those that a later entry corrects."""
        return [e for e in entries if e.n not in self.corrected]


def fold(entries: Iterable[Entry], keep: bool | int = True, state: Incident | None = None) -> Incident:
    """Replay the entries of one incident, oldest first, into its state (or on from `state`, which is
    changed in place: a reader that catches up with what colleagues wrote reads only the new entries).

    `keep=False` keeps no entry objects (observations, judgements, decisions): a view that streams a
    200,000-entry incident then holds only the actions and the level history, not the whole log.
    `keep=N` keeps all decisions but of the observations and of the judgements only the newest N that no
    later entry corrects (and those corrected among them): a sitrap shows no more, and counts the rest
    (`observations_current`, `picture_since`, ...), so its memory is flat in the number of entries.
    """
    for e in entries:
        if e.kind in _NOTES and '"corrects":' not in e.body:  # most entries: nothing in them changes the state
            state = _note(state, e, keep)
            continue
        data = e.data
        if e.kind in _NOTES and state is not None and "corrects" in data:  # a correction: its target stops counting
            target = int(data["corrects"])
            if target not in state.corrected:
                state.corrected_notes += 1
                if e.kind == "observation":
                    state.observations_current -= 1
                    if target > (state.report_entries[-1] if state.report_entries else 0):
                        state.picture_since -= 1
                else:
                    state.judgements_current -= 1
            state.corrected[target] = e.n
            state = _note(state, e, keep)
            continue
        if e.kind == "open":
            state = Incident(e.incident, data["title"], e.at, e.author, data["level"], data.get("situation"))
            state.history.append(LevelStep(e.at, e.author, None, data["level"], "geopend", ""))
        if state is None:
            raise ValueError(f"incident {e.incident} does not start with an 'open' entry")
        state.entries, state.head, state.last_at = e.n, e.hash, e.at
        if "corrects" in data:
            state.corrected[int(data["corrects"])] = e.n
        if e.kind == "decision":
            if keep:
                state.decisions.append(e)
            number = int(data["action"])
            state.actions[number] = Action(number, e.n, data["text"], data["owner"], data.get("deadline"))
            if "corrects" in data:  # a corrected decision's action is replaced by this one
                for a in state.open_actions:
                    if a.entry == int(data["corrects"]):
                        replaced = _("vervangen door actie {n}").format(n=number)
                        a.done_at, a.done_by, a.done_note = e.at, e.author, replaced
        elif e.kind == "action_done":
            action = state.actions.get(int(data["action"]))
            if action is not None and action.open:
                action.done_at, action.done_by, action.done_note = e.at, e.author, data.get("note", "")
        elif e.kind == "level_change":
            state.history.append(
                LevelStep(
                    e.at,
                    e.author,
                    data["before"],
                    data["after"],
                    data["action"],
                    recorded_reason(data),
                    bool(data.get("decided", False)),
                    data.get("advised"),
                )
            )
            state.level = data["after"]
        elif e.kind == "report":
            state.picture_before_report, state.picture_since = state.picture_since, 0
            state.reports = int(data["number"])
            state.report_entries.append(e.n)
            state.next_report = data.get("next_update")
        elif e.kind == "close":
            state.closed_at, state.close_reason = e.at, data["reason"]
    if state is None:
        raise ValueError("no entries")
    return state


def fold_checked(
    entries: Iterable[Entry], faults: list[Fault], keep: bool | int = True, state: Incident | None = None
) -> Incident:
    """The fold of a chain that may be tampered with: entries edited beyond reading are a broken chain too."""
    try:
        return fold(entries, keep=keep, state=state)
    except (KeyError, TypeError, ValueError) as exc:
        if faults:
            first = faults[0]
            raise TamperedError(
                _("het logboek van incident {incident} is onleesbaar: regel {n}: {message}").format(
                    incident=first.incident, n=first.n, message=first.message
                )
            ) from None
        raise TamperedError(_("het logboek van dit incident is onleesbaar: {reason}").format(reason=exc)) from None


_NOTES = ("observation", "judgement")


def _note(state: Incident | None, e: Entry, keep: bool | int) -> Incident:
    if state is None:
        raise ValueError(f"incident {e.incident} does not start with an 'open' entry")
    state.entries, state.head, state.last_at = e.n, e.hash, e.at
    if e.kind == "observation":
        state.observations_current += 1
        state.picture_since += 1
        kept = state.observations
    else:
        state.judgements_current += 1
        kept = state.judgements
    if keep is True:
        kept.append(e)
    elif keep:  # the newest `keep` current notes are among the newest `keep` + every corrected one
        kept.append(e)
        enough = keep + state.corrected_notes
        if len(kept) > 2 * enough:
            del kept[:-enough]
    return state


def not_before(at: str, earlier: str) -> str:
    """`at`, or `earlier` when `at` lies before it: a writer whose moment was taken before a colleague's entry went
    in writes at that entry's time, so time never runs backwards in a chain (an unreadable `earlier` is ignored:
    the chain's check says what is wrong with it)."""
    try:
        return earlier if datetime.fromisoformat(at) < datetime.fromisoformat(earlier) else at
    except (TypeError, ValueError):
        return at


@record
class Tip:
    """Where an incident's chain ends and what its entries say now: worked out from the entries themselves,
    never from the `incidents` row, so an edited row cannot make a writer reuse a number."""

    n: int
    hash: str
    level: int
    actions: int
    reports: int
    closed: bool
    at: str = ""  # the time of the last entry: the next one is not earlier


@record
class Summary:
    """An incident's row in `incidents`: kept in step with its entries in the same transaction."""

    id: str
    title: str
    opened_at: str
    level: int
    closed_at: str | None
    entries: int
    actions: int
    reports: int
    head: str
