"""Use cases of the call-out (`calamiteit oproep`, `rapport --verstuur`): compose the message for the team
of the incident's level, route it per recipient and channel, send it, and record every delivery in the
incident's logbook, so the evaluation can see who was called, when, how, and whether it arrived.

A re-run sends only what was not accepted before for the same call-out (the same purpose at the same level,
or the same sitrap), unless everyone is asked for again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain import exitcodes
from ..domain.callout import Delivery, Draft, Message, Plan, from_team, plan
from ..domain.errors import UsageError
from ..domain.logbook import ChainCheck, Entry, Incident, fold_checked, refuse_broken
from ..domain.sitrap import kept_notes, next_sitrap
from .logbook import opened, stamp
from .place import Where
from .readiness import convocation
from .sitrap import sitrap_of

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.teams import Convocation

CALLOUT_INCOMPLETE = exitcodes.CALLOUT_INCOMPLETE


@dataclass
class Composed:
    plan: Plan
    state: Incident
    team: Convocation | None


@dataclass
class Sent:
    composed: Composed
    deliveries: list[Delivery] = field(default_factory=list)
    entry: Entry | None = None

    @property
    def complete(self) -> bool:
        everything = [*self.deliveries, *self.composed.plan.already]
        return bool(everything) and all(d.outcome == "accepted" for d in everything)

    @property
    def exit_code(self) -> int:
        return exitcodes.OK if self.complete else CALLOUT_INCOMPLETE


def compose(
    config: Config,
    where: Where,
    incident: str,
    at: datetime,
    write: Callable[[Draft], Message],
    *,
    author: str,
    sitrap: tuple[int, str] | None = None,
    everyone: bool = False,
) -> Composed:
    """The call-out for the incident's current level: a convocation, or (`sitrap`: number and Markdown) a
    sitrap to the same distribution. `write` words it (views.callout.message): what is said is decided here."""
    earlier: list[Entry] = []

    def kept(entries: Any) -> Any:
        for e in entries:
            if e.kind == "callout":
                earlier.append(e)
            yield e

    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        with store.snapshot():
            check = ChainCheck(incident, store.summary(incident).head)
            notes = kept_notes(config.reporting)  # the concept sitrap shows no more; a million entries stay flat
            state = fold_checked(kept(check.passing(store.stream(incident))), check.faults, keep=notes)
            refuse_broken(incident, check.done(), False, "verstuurd")
            advice = store.last_of_kind(incident, "assessment")
    if state.closed:
        raise UsageError(f"incident {incident} is gesloten; er wordt niemand meer opgeroepen")
    level = config.criteria.level(state.level) or config.criteria.base
    team = convocation(config, level.team, at) if level.team else None
    recipients, nobody = from_team(team, config.contacts)
    due = next_sitrap(config.reporting, state.opened_at, state.level, state.next_report, state.closed)
    draft = Draft(
        "convocation" if sitrap is None else "sitrap",
        state,
        level,
        (team.name if team else "") or level.team or level.label,
        config.callout.meeting,
        config.callout.subject_prefix,
        due,
        at,
        {o.id: o.name for o in config.contacts.organisations},
    )
    if sitrap is None:
        texts = {c.id: c.text for _, c in config.criteria.all_criteria()}
        draft = replace(
            draft,
            advised=advice is not None,
            advice_reason=((advice.data.get("advice") or {}).get("reason", "") if advice is not None else ""),
            triggered=tuple(texts.get(i, i) for i in advice.data.get("triggered", [])) if advice is not None else (),
            concept=sitrap_of(config, state, None, at, author, concept=True, team=team),
        )
    else:
        draft = replace(draft, report=sitrap[0], report_text=sitrap[1])
    message = write(draft)
    delivered = {} if everyone else _accepted(earlier, message)
    found = plan(message, recipients, config.callout, delivered)
    found.nobody = nobody
    return Composed(found, state, team)


def send(config: Config, where: Where, composed: Composed, author: str) -> Sent:
    """Send through every channel (one failing channel does not stop the others), then record it all."""
    from ..adapters.notifiers import for_channel

    message = composed.plan.message
    sent = Sent(composed, list(composed.plan.unreachable))
    for channel, recipients in composed.plan.routes.items():
        try:
            sent.deliveries += for_channel(channel, config.callout).send(message, recipients)
        except Exception as exc:  # a fault in one channel's code: recorded, and the others still go
            failed = f"interne fout: {type(exc).__name__}"
            sent.deliveries += [Delivery(channel, r.key, "error", failed) for r in recipients]
    body: dict[str, Any] = {
        "purpose": message.purpose,
        "level": message.level,
        "subject": message.subject,
        "deliveries": [d.as_json() for d in sent.deliveries],
    }
    if message.report is not None:
        body["report"] = message.report
    with opened(where, create=False) as store:
        sent.entry = store.append(message.incident, "callout", body, author, stamp())
    return sent


def _accepted(earlier: list[Entry], message: Message) -> dict[tuple[str, str], Delivery]:
    """What earlier runs of this same call-out got accepted: (channel, recipient) → delivery."""
    found: dict[tuple[str, str], Delivery] = {}
    for e in earlier:
        d = e.data
        same = d["purpose"] == message.purpose and (
            d.get("report") == message.report if message.purpose == "sitrap" else d["level"] == message.level
        )
        if not same:
            continue
        for x in d["deliveries"]:
            if x["outcome"] == "accepted":
                found[(x["channel"], x["recipient"])] = Delivery(x["channel"], x["recipient"], "accepted", "eerder")
    return found
