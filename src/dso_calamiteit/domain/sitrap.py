"""The situation report (sitrap): what it says about the incident at one moment, and when the next one is due.

The cadence of updates per level is data (config/rapport.yaml: `ReportingFile`); the report's content is built
from the logbook's folded state by a pure function (`build`). views/sitrap.py writes it as Markdown, plain
text or JSON; app/sitrap.py numbers, records and publishes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from . import dutchtime
from .criteria import Level
from .logbook import Action, Entry, Incident
from .records import record
from .routing import Route
from .schema import STRICT
from .teams import Convocation

if TYPE_CHECKING:
    from .criteria import CriteriaFile
    from .routing import RoutingFile


# --- how often: config/rapport.yaml ---------------------------------------------------------------------


@record
class Cadence:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    level: int
    """Escalatieniveau uit criteria.yaml."""
    every_minutes: int
    """Om de hoeveel minuten op dit niveau een nieuwe sitrap volgt."""


@record
class ReportingFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    default_minutes: int = 60
    """Update-interval voor niveaus zonder eigen regel, in minuten."""
    cadence: tuple[Cadence, ...] = ()
    """Update-interval per niveau."""
    picture_shown: int = 50
    """Zoveel waarnemingen sinds de vorige sitrap (de nieuwste) staan in een sitrap; de eerdere worden geteld."""

    def minutes_for(self, level: int) -> int:
        return next((c.every_minutes for c in self.cadence if c.level == level), self.default_minutes)


def next_sitrap(
    reporting: ReportingFile, opened_at: str, level: int, promised: str | None, closed: bool
) -> datetime | None:
    """When the next sitrap is due: what the latest one promised, or for the first one the opening plus the
    cadence of the current level; None once the incident is closed."""
    if closed:
        return None
    if promised is not None:
        return datetime.fromisoformat(promised)
    return datetime.fromisoformat(opened_at) + timedelta(minutes=reporting.minutes_for(level))


# --- what it says ---------------------------------------------------------------------------------------


JUDGEMENTS_SHOWN = 10  # a sitrap is read in minutes: the latest judgements, not the whole history


def kept_notes(reporting: ReportingFile) -> int:
    """How many of the newest observations and judgements a sitrap's fold keeps (logbook.fold `keep=`): what
    the sitrap shows of either; the rest is counted, so a million entries take no more memory than a few."""
    return max(reporting.picture_shown, JUDGEMENTS_SHOWN)


@record
class Step:
    at: str
    author: str
    before: str
    after: str
    action: str
    reason: str
    decided: bool = False
    advised: str = ""  # the advised level's name when the decision went against it, else ""


@record
class Answered:
    """One person the incident's call-outs reached for, as the sitrap's team section shows them: their answer
    ('' = none yet) and since when (their answer, else when they were last called)."""

    role: str
    recipient: str
    name: str
    answer: str  # komt | kan_niet | ''
    via: str
    since: str


def by_role(answers: Iterable[Answered]) -> dict[str, list[Answered]]:
    """The answers per role, roles and people in the order first called."""
    out: dict[str, list[Answered]] = {}
    for a in answers:
        out.setdefault(a.role, []).append(a)
    return out


@record
class Sitrap:
    """The picture at one moment, in the order Dutch crisis practice reads it: beeld, oordeel, besluiten,
    acties, the team at this level, prognose and next update."""

    number: int | None  # None: a concept, or a closed incident's final report; neither is recorded
    concept: bool
    incident: Incident
    made_at: datetime
    author: str
    level: Level
    history: list[Step]
    since: int | None  # the previous sitrap's number: the picture is what was established after it
    picture: list[Entry]  # the observations since the previous sitrap, corrections applied
    last_picture: Entry | None  # the latest observation, for a sitrap that has nothing new
    judgements: list[Entry]  # the latest JUDGEMENTS_SHOWN; the logbook holds the rest
    earlier_judgements: int
    decisions: list[tuple[Entry, Action]]
    open_actions: list[Action]
    overdue: frozenset[int]  # numbers of the open actions past their deadline at made_at
    team: Convocation | None  # whom to convene at this level, with who is reachable (app.readiness)
    routes: list[Route]
    every_minutes: int
    next_update: datetime | None
    broken: list[str]  # the breaks in the log's hash chain, when the report was made anyway (--toch)
    signed: Callable[[str], str] = str  # an author with the organisation the contact matrix knows for them
    earlier_picture: int = 0  # observations since the previous sitrap beyond the newest picture_shown
    # the account that stored an entry, when it is not the author's own (ContactsFile.stored_by)
    stored_by: Callable[[str, str | None], str | None] = lambda author, role: None
    answers: tuple[Answered, ...] = ()  # whom the call-outs reached, with their confirmation (app.confirmation)

    def by(self, e: Entry) -> str:
        """Who wrote entry `e`, signed, and the account that stored it when that was not the author's."""
        account = self.stored_by(e.author, e.role)
        return f"{self.signed(e.author)}, vastgelegd door account {account}" if account else self.signed(e.author)


def build(
    state: Incident,
    criteria: CriteriaFile,
    reporting: ReportingFile,
    routing: RoutingFile,
    number: int | None,
    made_at: datetime,
    author: str,
    *,
    concept: bool = False,
    team: Convocation | None = None,
    broken: list[str] | None = None,
    signed: Callable[[str], str] = str,
    stored_by: Callable[[str, str | None], str | None] = lambda author, role: None,
    answers: tuple[Answered, ...] = (),
) -> Sitrap:
    def name(level: int | None) -> str:
        found = criteria.level(level) if level is not None else None
        return found.label if found else ("" if level is None else f"niveau {level}")

    level = criteria.level(state.level) or criteria.base
    by_entry = {a.entry: a for a in state.actions.values()}
    every = reporting.minutes_for(level.level)
    observations = state.current(state.observations)
    judgements = state.current(state.judgements)
    # This sitrap's own entry is already in the log when it has a number: the one before it is the previous.
    earlier = state.report_entries[:-1] if number is not None else state.report_entries
    since_n = earlier[-1] if earlier else 0
    picture = [o for o in observations if o.n > since_n][-reporting.picture_shown :]
    # Counted by the fold, not from the lists: a sitrap's fold keeps only the newest notes (kept_notes).
    in_picture = state.picture_before_report if number is not None else state.picture_since
    return Sitrap(
        number=number,
        concept=concept,
        incident=state,
        made_at=made_at,
        author=author,
        level=level,
        history=[
            Step(
                s.at,
                s.author,
                name(s.before),
                name(s.after),
                s.action,
                s.reason,
                s.decided,
                name(s.advised) if s.against_advice else "",
            )
            for s in state.history
        ],
        since=len(earlier) or None,
        picture=picture,
        earlier_picture=max(0, in_picture - len(picture)),
        last_picture=observations[-1] if observations else None,
        judgements=judgements[-JUDGEMENTS_SHOWN:],
        earlier_judgements=max(0, state.judgements_current - JUDGEMENTS_SHOWN),
        decisions=[(d, by_entry[d.n]) for d in state.current(state.decisions) if d.n in by_entry],
        open_actions=state.open_actions,
        overdue=frozenset(a.number for a in state.open_actions if a.overdue(made_at)),
        team=team,
        routes=routing.routes_for(level.level, state.situation),
        every_minutes=every,
        next_update=None if state.closed else dutchtime.later(made_at, every),
        broken=list(broken or []),
        signed=signed,
        stored_by=stored_by,
        answers=answers,
    )
