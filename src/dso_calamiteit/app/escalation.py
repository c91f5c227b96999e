"""Escalation: for every role of the team still unconfirmed past its wait (config/oproep.yaml `escalation:`),
a reminder to the person called and the call-out to the next contact for that role (the role's list in
readiness order: reachable now first, then the rest), recorded as a call-out of its own.

Deciding and claiming happen in one write transaction (the logbook's write lock, on both engines): a second
`--escaleer` or `--bewaak` at the same moment, on this machine or another on the shared logbook, then finds the
escalation just claimed (its deliveries were recorded as intents, 'pending', a moment ago), so its wait has not
passed, and it sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..domain.callout import Draft, Message, Recipient, plan, recipient_key
from ..domain.language import _, speaking
from ..domain.records import record
from .callout import Composed, Sent, compose, message_id, send
from .callout_status import called
from .logbook import opened, stamp
from .place import Where

if TYPE_CHECKING:
    from ..adapters.config import Config

ESCALATION = "escalation"


@record(frozen=False)
class Escalated:
    reminded: list[str] = field(default_factory=list)  # names
    backups: list[str] = field(default_factory=list)  # names, with their role
    confirmed: list[str] = field(default_factory=list)  # roles
    waiting: list[str] = field(default_factory=list)  # roles, not yet due
    exhausted: list[str] = field(default_factory=list)  # roles with nobody left to call or remind
    next_due: datetime | None = None
    sent: Sent | None = None

    @property
    def done(self) -> bool:
        return not self.waiting and not self.reminded and not self.backups


def escalate(
    config: Config, where: Where, incident: str, at: datetime, write: Callable[[Draft], Message], author: str
) -> Escalated:
    base = compose(config, where, incident, at, write, author=author)
    message, team = base.plan.message, base.team
    rule = config.callout.escalation_for(message.level)
    wait = timedelta(minutes=rule.wait_minutes)
    out = Escalated()
    chosen: list[Recipient] = []
    with opened(where, create=False) as store:
        store.require_writer()
        with store.transaction():
            people = called(config, store, message.incident)
            rounds = [c for c in store.callouts(message.incident) if f"/{ESCALATION}-" in c]
            # reminders a person had: the escalation rounds they were in, less the one that first called them (a
            # contact called as the next for a role is called, not reminded, by that round)
            reminders: dict[str, int] = {}
            firsts = {r.recipient.key: min((d[3] for d in r.deliveries), default="") for r in people.values()}
            for past in rounds:
                keys_in = {(key, at_) for _, key, _, _, _, at_ in store.deliveries(past)}
                for key in {k for k, _ in keys_in}:
                    first_here = min(a for k, a in keys_in if k == key)
                    if first_here > firsts.get(key, ""):
                        reminders[key] = reminders.get(key, 0) + 1
            by_key = {recipient_key(c): c for c in config.contacts.contacts}
            started = min((d[3] for r in people.values() for d in r.deliveries), default="")
            for seat in team.members if team else ():
                # the role's list in readiness order: reachable now, readiness unknown, then everyone else in it
                rest = [c for c in config.contacts.contacts if (c.org, c.role) == (seat.org, seat.role)]
                keys = list(dict.fromkeys(recipient_key(c) for c in (*seat.reachable, *seat.unknown, *rest)))
                mine = [people[k] for k in keys if k in people]
                if any(r.answer == "komt" for r in mine):
                    out.confirmed.append(seat.role)
                    continue
                # the wait runs from the role's latest call; a role nobody could be called for, from the call-out
                last = max((d[3] for r in mine for d in r.deliveries), default=started)
                due = datetime.fromisoformat(last) + wait if last else at
                everyone_said_no = bool(mine) and all(r.answer == "kan_niet" for r in mine)
                if at < due and not everyone_said_no:
                    out.waiting.append(seat.role)
                    out.next_due = min(out.next_due or due, due)
                    continue
                acted = False
                for r in mine:
                    if not r.answer and reminders.get(r.recipient.key, 0) < rule.repeats:
                        chosen.append(replace(r.recipient, role=seat.role))
                        out.reminded.append(r.recipient.name)
                        acted = True
                following = next((k for k in keys if k not in people and k in by_key), None)
                if following is not None:
                    backup = by_key[following]
                    chosen.append(Recipient(following, backup.name or backup.role, backup.org, seat.role, backup))
                    out.backups.append(f"{backup.name or backup.role} ({seat.role})")
                    acted = True
                if not acted:
                    out.exhausted.append(seat.role)
            if not chosen:
                return out
            callout = f"{message.incident}/{ESCALATION}-{message.level}#{len(rounds) + 1}"
            said = {lang: reminder(m, lang) for lang, m in base.in_language.items()}  # recipients' `lang:`
            found = plan(reminder(message, ""), chosen, config.callout)
            sender = config.callout.email.sender if config.callout.email else ""
            planned = [
                (ch, r.key, message_id(callout, ch, r.key, sender)) for ch, rs in found.routes.items() for r in rs
            ]
            store.record_intent(message.incident, callout, planned, stamp())  # the claim, inside the lock
    out.sent = send(config, where, Composed(found, base.state, team, callout, in_language=said), author)
    return out


def reminder(message: Message, lang: str) -> Message:
    """The call-out again, its subject saying it is a reminder, in the message's language."""
    with speaking(lang):
        return replace(message, subject=_("Herinnering: {subject}").format(subject=message.subject))

