"""Use cases of the call-out (`calamiteit oproep`, `rapport --verstuur`): compose the message for the team
of the incident's level, route it per recipient and channel, send it, and record every delivery in the
incident's logbook, so the evaluation can see who was called, when, how, and whether it arrived.

A re-run sends only what was not accepted before for the same call-out (the same purpose at the same level,
or the same sitrap), unless everyone is asked for again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain import dutchtime, exitcodes
from ..domain.callout import Delivery, Message, Plan, from_team, plan
from ..domain.errors import UsageError
from ..domain.logbook import ChainCheck, Entry, Incident, fold_checked, refuse_broken
from ..domain.safetext import markdown as markdown_text
from .logbook import Where, opened, stamp

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.criteria import Level

CALLOUT_INCOMPLETE = exitcodes.CALLOUT_INCOMPLETE


@dataclass
class Composed:
    plan: Plan
    state: Incident
    team: dict[str, Any] | None


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
    *,
    author: str,
    sitrap: tuple[int, str] | None = None,
    everyone: bool = False,
) -> Composed:
    """The call-out for the incident's current level: a convocation, or (`sitrap`: number and Markdown) a
    sitrap to the same distribution."""
    from .readiness import convocation
    from .reports import FORMATS, sitrap_of

    earlier: list[Entry] = []

    def kept(entries: Any) -> Any:
        for e in entries:
            if e.kind == "callout":
                earlier.append(e)
            yield e

    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        check = ChainCheck(incident, store.summary(incident).head)
        state = fold_checked(kept(check.passing(store.stream(incident))), check.faults)
        refuse_broken(incident, check.done(), False, "verstuurd")
        advice = store.last_of_kind(incident, "assessment")
    if state.closed:
        raise UsageError(f"incident {incident} is gesloten; er wordt niemand meer opgeroepen")
    level = config.criteria.level(state.level) or config.criteria.base
    team = convocation(config, level.team, at) if level.team else None
    recipients, nobody = from_team(team, config.contacts)
    if sitrap is None:
        names = {o.id: o.name for o in config.contacts.organisations}
        concept = FORMATS["md"](sitrap_of(config, state, None, at, author, concept=True, team=team), names)
        message = _convocation(config, state, level, team, advice, concept, at)
    else:
        message = _sitrap(config, state, level, sitrap[0], sitrap[1])
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


def _facts(config: Config, state: Incident, level: Level) -> list[tuple[str, str]]:
    next_update = _next_update(config, state)
    facts = [("Incident", f"{state.id}: {state.title}"), ("Niveau", level.label)]
    if config.callout.meeting:
        facts.append(("Bijeenkomen", config.callout.meeting))
    if next_update:
        facts.append(("Volgende update", next_update))
    return facts


def _next_update(config: Config, state: Incident) -> str:
    from ..domain.reporting import next_sitrap

    due = next_sitrap(config.reporting, state.opened_at, state.level, state.next_report, state.closed)
    return dutchtime.local(due) if due else ""


def _convocation(
    config: Config,
    state: Incident,
    level: Level,
    team: dict[str, Any] | None,
    advice: Entry | None,
    concept: str,
    at: datetime,
) -> Message:
    esc = markdown_text
    team_name = (team or {}).get("name") or level.team or level.label
    facts = _facts(config, state, level)
    lines = [f"# Oproep {esc(team_name)}: incident {esc(state.id)}, {esc(state.title)}", ""]
    lines += [f"- **{label}:** {esc(value)}" for label, value in facts]
    lines.append(f"- **Opgeroepen:** {dutchtime.local(at)}")
    if advice is not None:
        texts = {c.id: c.text for _, c in config.criteria.all_criteria()}
        triggered = [texts.get(i, i) for i in advice.data.get("triggered", [])]
        lines += ["", "## Advies", ""]
        reason = (advice.data.get("advice") or {}).get("reason", "")
        if reason:
            lines.append(esc(reason))
        lines += [f"- {esc(t)}" for t in triggered] or ["- geen criterium met ja beantwoord"]
    lines += ["", "## Situatierapport (wie bijeen te roepen, beeld, besluiten)", ""]
    lines += [("#" + line) if line.startswith("#") else line for line in concept.splitlines()]
    prefix = config.callout.subject_prefix
    subject = f"{prefix} {state.id} · {level.label} · oproep {team_name}".strip()
    return Message(
        "convocation", state.id, state.title, state.level, level.label, subject, "\n".join(lines) + "\n", tuple(facts)
    )


def _sitrap(config: Config, state: Incident, level: Level, number: int, text: str) -> Message:
    facts = _facts(config, state, level)
    subject = f"{config.callout.subject_prefix} {state.id} · {level.label} · situatierapport {number}".strip()
    return Message("sitrap", state.id, state.title, state.level, level.label, subject, text, tuple(facts), number)
