"""Use cases of the call-out (`calamiteit oproep`, `rapport --verstuur`): compose the message for the team
of the incident's level, route it per recipient and channel, send it, and record every delivery in the
incident's logbook, so the evaluation can see who was called, when, how, and whether it arrived.

A re-run sends only what was not accepted before for the same call-out (the same purpose at the same level,
or the same sitrap), unless everyone is asked for again (`--allen`: a new round of the call-out).

Exactly once, resumable: before the first message, every planned delivery is recorded as an intent (call-out,
channel, recipient, Message-ID, 'pending'); each outcome is recorded in its own transaction the moment the
channel knows it, before its next recipient is tried. A kill at any moment leaves every accepted delivery
recorded (a re-run skips it) and everything else pending or failed (a re-run sends it, with the same
Message-ID). Channels run side by side, each in its own thread; only this thread touches the logbook.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from datetime import datetime
from queue import Empty, Queue
from typing import TYPE_CHECKING, Any

from ..adapters import interrupts
from ..domain import exitcodes
from ..domain.callout import EMAIL, Delivery, Draft, Message, Plan, Recipient, from_team, language_for, plan
from ..domain.confirmation import link, token
from ..domain.errors import CalamiteitError, Interrupted, UsageError
from ..domain.language import N_, _, counted, current, speaking
from ..domain.logbook import ChainCheck, Entry, Incident, canonical, fold_checked, refuse_broken
from ..domain.reasons import recorded_reason
from ..domain.records import record
from ..domain.sitrap import kept_notes, next_sitrap
from .logbook import opened, stamp
from .place import Where
from .readiness import convocation
from .sitrap import answered, sitrap_of

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.teams import Convocation

CALLOUT_INCOMPLETE = exitcodes.CALLOUT_INCOMPLETE


GRACE_SECONDS = 2.0  # after Ctrl-C: how long outcomes already on their way are still waited for and recorded


@record(frozen=False)
class Composed:
    plan: Plan
    state: Incident
    team: Convocation | None
    callout: str = ""  # this call-out's id: incident/purpose-level (or -report)#round
    recovered: list[Delivery] = field(default_factory=list)  # accepted in a run that died before its entry
    # the message in each other language a channel or recipient asks for (`lang:`), by language
    in_language: dict[str, Message] = field(default_factory=dict)


@record(frozen=False)
class Sent:
    composed: Composed
    deliveries: list[Delivery] = field(default_factory=list)
    entry: Entry | None = None
    deadline: float | None = None  # deadline_seconds, when it passed with deliveries still pending
    pending: int = 0  # deliveries of this call-out not sent or not answered: a re-run sends them
    repeated: bool = False  # cut by the deadline again with nothing new: `entry` is the earlier one, none added

    @property
    def complete(self) -> bool:
        everything = [*self.deliveries, *self.composed.plan.already]
        return bool(everything) and all(d.outcome == "accepted" for d in everything) and not self.pending

    @property
    def exit_code(self) -> int:
        if self.deadline is not None:
            return exitcodes.CALLOUT_DEADLINE
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
    sitrap_sections: tuple[tuple[str, tuple[str, ...]], ...] = (),
    sitrap_in: Mapping[str, tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] | None = None,
    everyone: bool = False,
) -> Composed:
    """The call-out for the incident's current level: a convocation, or (`sitrap`: number and Markdown) a
    sitrap to the same distribution. `write` words it (views.callout.message): what is said is decided here.
    `sitrap_in`: the sitrap's Markdown and card sections in each other language a recipient asks for."""
    earlier: list[Entry] = []

    def kept(entries: Any) -> Any:
        for e in entries:
            if e.kind == "callout":
                earlier.append(e)
            yield e

    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        levels = config.criteria.ladder
        with store.snapshot():
            check = ChainCheck(incident, store.summary(incident).head, levels)
            notes = kept_notes(config.reporting)  # the concept sitrap shows no more; a million entries stay flat
            state = fold_checked(kept(check.passing(store.stream(incident))), check.faults, keep=notes)
            refuse_broken(incident, check.done(), False, N_("verstuurd"))
            advice = store.last_of_kind(incident, "assessment")
            change = store.last_of_kind(incident, "level_change")
            answers = answered(config, store, incident)  # the concept sitrap's team section: who comes, since when
    if state.closed:
        closed = _("incident {incident} is gesloten; er wordt niemand meer opgeroepen")
        raise UsageError(closed.format(incident=incident))
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
        advised_level = int(advice.data.get("level", state.level)) if advice is not None else state.level
        before = config.criteria.level(int(change.data["before"])) if change is not None else None
        draft = replace(
            draft,
            decided_by=change.author if change is not None else "",
            decided_at=change.at if change is not None else "",
            decided_from=before.label if before is not None else "",
            decision_reason=recorded_reason(change.data) if change is not None else "",
            advice_differs=advised_level != state.level,
            advice_level=label(config, advised_level),
            advised=advice is not None,
            advice_reason=recorded_reason(advice.data.get("advice") or {}) if advice is not None else "",
            triggered=tuple(texts.get(i, i) for i in advice.data.get("triggered", [])) if advice is not None else (),
            concept=sitrap_of(config, state, None, at, author, concept=True, team=team, answers=answers),
        )
    else:
        draft = replace(draft, report=sitrap[0], report_text=sitrap[1], report_sections=sitrap_sections)
    message = write(draft)
    in_language = {}
    for lang in languages(config) - {"", current()}:
        said = draft
        if sitrap is not None and sitrap_in and lang in sitrap_in:  # the sitrap's own text in that language
            said = replace(draft, report_text=sitrap_in[lang][0], report_sections=sitrap_in[lang][1])
        with speaking(lang):  # worded here, before the channels' threads start
            in_language[lang] = write(said)
    with opened(where, readonly=True) as store:
        callout = callout_id(message, store.callouts(incident), everyone)
        held = store.deliveries(callout)
    delivered = {} if everyone else _accepted(earlier, message)
    for channel, recipient, _id, outcome, _at, _why in held:
        if outcome == "accepted":
            delivered[(channel, recipient)] = Delivery(channel, recipient, "accepted", N_("eerder"))
    found = plan(message, recipients, config.callout, delivered)
    found.nobody = nobody
    told = {
        (x["channel"], x["recipient"])
        for e in earlier
        if e.data.get("callout") == callout
        for x in [*e.data["deliveries"], *e.data.get("recovered", [])]
        if x["outcome"] == "accepted"
    }
    recovered = [
        Delivery(channel, recipient, "accepted", N_("aangenomen in een onderbroken run"))
        for channel, recipient, _, outcome, _, _ in held
        if outcome == "accepted" and (channel, recipient) not in told
    ]
    return Composed(found, state, team, callout, recovered, in_language)


def languages(config: Config) -> set[str]:
    """Every language a call-out may go out in ('': the run's): the channels' `lang:` and the contacts' and
    organisations' (contacts.yaml)."""
    return {config.callout.lang_of(channel) for channel in config.callout.channel_ids()} | config.contacts.languages


def in_their_language(
    config: Config, composed: Composed, channel: str, recipients: Sequence[Recipient]
) -> list[tuple[Message, list[Recipient]]]:
    """A channel's recipients grouped by the language they get the message in (the recipient's `lang:` over the
    channel's, over the run's), each group with its message, in the order of their first recipient."""
    groups: dict[str, list[Recipient]] = {}
    for r in recipients:
        lang = language_for(channel, r, config.callout, config.contacts)
        groups.setdefault(lang if lang in composed.in_language else "", []).append(r)
    message = composed.plan.message
    return [(composed.in_language.get(lang, message), group) for lang, group in groups.items()]


def spoken(config: Config, composed: Composed) -> dict[tuple[str, str], str]:
    """(channel, recipient) → the language they get the message in, for those not getting the run's."""
    out: dict[tuple[str, str], str] = {}
    for channel, recipients in composed.plan.routes.items():
        for message, group in in_their_language(config, composed, channel, recipients):
            if message.lang != current():
                out.update({(channel, r.key): message.lang for r in group})
    return out


def blocked(config: Config, composed: Composed) -> list[tuple[str, str, str]]:
    """For a dry run: every channel that could not send now and why (a missing secret), and every recipient
    with no address for one of their channels: (channel, recipient or '', reason as recorded; the view words
    it, domain/delivery_reasons)."""
    from ..adapters.notifiers import not_ready

    out = [(c, "", why) for c in composed.plan.routes if (why := not_ready(c, config.callout))]
    out += [(d.channel, d.recipient, d.reason) for d in composed.plan.unreachable]
    return out


def label(config: Config, level: int) -> str:
    found = config.criteria.level(level)
    return found.label if found is not None else _("niveau {level}").format(level=level)


def callout_id(message: Message, known: Sequence[str], everyone: bool) -> str:
    """The same call-out (purpose and level, or the sitrap's number) keeps its id over re-runs; `--allen`
    starts its next round."""
    what = message.report if message.purpose == "sitrap" else message.level
    base = f"{message.incident}/{message.purpose}-{what}"
    rounds = [int(r) for b, _, r in (c.rpartition("#") for c in known) if b == base and r.isdigit()]
    last = max(rounds, default=0)
    return f"{base}#{last + 1 if everyone or not last else last}"


def message_id(callout: str, channel: str, recipient: str, sender: str) -> str:
    """The Message-ID of one delivery: the same on every retry of it, so a receiver can drop a duplicate."""
    digest = hashlib.sha256(f"{callout}\n{channel}\n{recipient}".encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2].strip() or "calamiteit.invalid"
    return f"<{digest}@{domain}>"


def send(config: Config, where: Where, composed: Composed, author: str) -> Sent:
    """Record the intent, send through every channel side by side (one failing channel does not stop the
    others) recording each outcome as it comes, then the call-out's entry in the chain. Ctrl-C: what was
    accepted is recorded, the entry says so, and the message counts what was sent and what was not."""
    message = composed.plan.message
    callout = composed.callout
    sender = config.callout.email.sender if config.callout.email else ""
    together = config.callout.email is not None and not config.callout.email.separate
    sent = Sent(composed, list(composed.plan.unreachable))
    interrupted = False
    with opened(where, create=False) as store:
        try:
            store.require_writer()
            planned = [
                (channel, r.key, message_id(callout, channel, "" if together and channel == EMAIL else r.key, sender))
                for channel, recipients in composed.plan.routes.items()
                for r in recipients
            ]
            ids = store.record_intent(message.incident, callout, planned, stamp()) if planned else {}
            links: dict[str, str] = {}
            if config.callout.confirm_url and message.purpose == "convocation":
                key = store.confirm_key()
                links = {r: link(config.callout.confirm_url, token(key, callout, r)) for _, r, _ in planned}
        except CalamiteitError as exc:  # refused before anything goes out
            exc.hint = ((exc.hint or "") + " " + _("Er is niets verstuurd.")).strip()
            raise
        except KeyboardInterrupt:
            raise Interrupted(_("onderbroken: er is niets verstuurd")) from None
        cut = False
        try:
            cut = _deliver(store, config, composed, ids, sent, links)
        except KeyboardInterrupt:
            interrupted = True
        body: dict[str, Any] = {
            "purpose": message.purpose,
            "level": message.level,
            "subject": message.subject,
            "callout": callout,
            "deliveries": [d.as_record() for d in sent.deliveries],
        }
        if message.report is not None:
            body["report"] = message.report
        if composed.recovered:  # what a killed run delivered: in the chain now, once
            body["recovered"] = [d.as_record() for d in composed.recovered]
        if interrupted:
            body["interrupted"] = True
        held = store.deliveries(callout)
        mine = {(channel, recipient) for channel, recipient, _ in planned}  # not an old run's row this run left out
        sent.pending = sum(1 for d in held if d[3] == "pending" and (d[0], d[1]) in mine)
        if cut and sent.pending and config.callout.deadline_seconds is not None:
            sent.deadline = config.callout.deadline_seconds
            body["cut"] = {"kind": "deadline", "deadline_seconds": sent.deadline, "pending": sent.pending}
        with interrupts.no_interrupt():
            sent.entry, sent.repeated = _record(store, message.incident, callout, body, author)
    if interrupted:
        accepted = sum(1 for d in held if d[3] == "accepted")
        left = len(held) - accepted
        raise Interrupted(
            _("onderbroken: {accepted} van de {held} aangenomen, {left} niet verstuurd of niet bevestigd").format(
                accepted=accepted, held=counted(len(held), "bericht", "berichten"), left=left
            ),
            _("Opnieuw 'calamiteit oproep {incident} --verstuur' verstuurt alleen die {left}, met hetzelfde "
              "Message-ID.").format(incident=message.incident, left=left),
        )
    return sent


def _record(store: Any, incident: str, callout: str, body: dict[str, Any], author: str) -> tuple[Entry, bool]:
    """The call-out's entry in the chain; (entry, False). A run the deadline stopped again without anything
    coming of it (a re-run that got no further) would add an entry saying exactly what the call-out's last one
    says: none is added, and that one is returned, (entry, True)."""
    if "cut" in body:
        last = next((e for e in reversed(store.of_kind(incident, "callout")) if e.data.get("callout") == callout),
                    None)
        if last is not None and last.body == canonical(body):
            return last, True
    return store.append(incident, "callout", body, author, stamp()), False


def _deliver(
    store: Any, config: Config, composed: Composed, ids: dict[tuple[str, str], str], sent: Sent,
    links: dict[str, str],
) -> bool:
    """Every channel in its own thread; each outcome comes back here, is recorded (one transaction), and only
    then may that channel go on to its next recipient. True when the call-out's deadline (deadline_seconds)
    passed first: every channel then stops after the message it is on, whose outcome is still waited for
    (GRACE_SECONDS); what was not sent stays 'pending', for a re-run."""
    from ..adapters.notifiers import for_channel

    callout = composed.callout
    results: Queue[tuple[list[Delivery], threading.Event] | None] = Queue()
    stop, closed = threading.Event(), threading.Event()

    def worker(channel: str, recipients: list[Recipient]) -> None:
        recorded: set[str] = set()

        def record(deliveries: Sequence[Delivery]) -> bool:
            done = threading.Event()
            results.put((list(deliveries), done))
            while not done.wait(0.1):
                if closed.is_set():
                    return False
            recorded.update(d.recipient for d in deliveries)
            return not stop.is_set()

        try:
            mine = {r.key: ids[(channel, r.key)] for r in recipients}
            notifier = for_channel(channel, config.callout)
            for said, group in in_their_language(config, composed, channel, recipients):
                notifier.send(said, group, mine, record, links)  # one message (or BCC mail, card) per language
                if stop.is_set():
                    break
        except Exception as exc:  # a fault in one channel's code: recorded, and the others still go
            failed = f"interne fout: {type(exc).__name__}"
            rest = [Delivery(channel, r.key, "error", failed) for r in recipients if r.key not in recorded]
            if rest and not stop.is_set():
                record(rest)
        finally:
            results.put(None)

    threads = [
        threading.Thread(target=worker, args=(channel, recipients), daemon=True, name=f"oproep-{channel}")
        for channel, recipients in composed.plan.routes.items()
    ]
    running = len(threads)

    def take(timeout: float) -> None:
        nonlocal running
        try:
            item = results.get(timeout=timeout)
        except Empty:
            return
        if item is None:
            running -= 1
            return
        deliveries, done = item
        rows = [(d.channel, d.recipient, d.outcome, d.reason) for d in deliveries]
        store.record_outcomes(callout, rows, stamp())
        sent.deliveries.extend(deliveries)
        done.set()

    # Ctrl-C only sets a flag here: it never lands between a server's answer and its record.
    asked = threading.Event()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: asked.set()) if main else None
    seconds = config.callout.deadline_seconds
    limit = None if seconds is None else time.monotonic() + seconds
    cut = False
    try:
        for t in threads:
            t.start()
        while running and not asked.is_set():
            if limit is not None and time.monotonic() >= limit:
                cut = True
                break
            take(0.1 if limit is None else min(0.1, max(limit - time.monotonic(), 0.0)))
        if asked.is_set() or cut:
            stop.set()  # each channel stops after the message it is on
            end = time.monotonic() + GRACE_SECONDS
            while running and time.monotonic() < end:
                take(0.05)
    finally:
        closed.set()
        if main:
            signal.signal(signal.SIGINT, previous)
    if asked.is_set():
        raise KeyboardInterrupt
    return cut


def _accepted(earlier: list[Entry], message: Message) -> dict[tuple[str, str], Delivery]:
    """What earlier runs of this same call-out got accepted: (channel, recipient) → delivery."""
    found: dict[tuple[str, str], Delivery] = {}
    for e in earlier:
        d = e.data
        if "callout" in d:  # recorded with its deliveries: those rows say what was accepted, per round
            continue
        same = d["purpose"] == message.purpose and (
            d.get("report") == message.report if message.purpose == "sitrap" else d["level"] == message.level
        )
        if not same:
            continue
        for x in d["deliveries"]:
            if x["outcome"] == "accepted":
                found[(x["channel"], x["recipient"])] = Delivery(x["channel"], x["recipient"], "accepted", N_("eerder"))
    return found
