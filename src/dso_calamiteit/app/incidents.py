"""Use cases of the logbook: what `incident`, `log`, `acties`, `actie`, `niveau` and `assess --incident` do.

Each opens the logbook through app.logbook (the one place that knows which logbook and who writes), checks
what the operator asked against it, and reads or appends entries. One name per use case, as the faces call
it. Handing an incident over (export, import) is in app.handover; the sitrap in app.sitrap.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import field
from datetime import datetime
from typing import Any, TypeVar

from ..adapters.stores import Store
from ..domain import dutchtime
from ..domain.assessment import Assessment
from ..domain.criteria import CriteriaFile
from ..domain.errors import CalamiteitError, NotFoundError, TamperedError, UsageError
from ..domain.language import N_, _
from ..domain.logbook import Action, ChainCheck, Entry, Fault, Incident, Summary, fold_checked, kind_word
from ..domain.records import record
from ..domain.sitrap import ReportingFile, next_sitrap
from .logbook import configured, ladder, opened, stamp
from .place import Where

T = TypeVar("T")

EMPTY = {  # the whole message per field, so each is one message in the catalogue
    "tekst": N_("lege tekst: schrijf op wat er is vastgesteld, geoordeeld of besloten"),
    "titel": N_("lege titel: geef het incident een korte titel, bijvoorbeeld 'Omgevingsloket onbereikbaar'"),
    "reden": N_("lege reden: schrijf op waarom"),
}


def require_text(text: str, what: str = "tekst") -> str:
    if not text.strip():
        said = EMPTY.get(what)
        raise UsageError(_(said) if said else _("lege {what}: vul iets in").format(what=what))
    return text.strip()


def state(store: Store, incident: str) -> Incident:
    """The incident as its entries say, those that break their kind's rules left out (never an internal error)."""
    with store.snapshot():
        check = ChainCheck(incident, store.summary(incident).head)  # unknown id → a usage error with a suggestion
        return fold_checked(check.passing(store.stream(incident)), check.faults)


# --- opening and listing ------------------------------------------------------------------------------------


def opening(criteria: CriteriaFile, title: str, level: int | None, situation: str | None) -> dict[str, Any]:
    """The body of an 'open' entry, checked before the logbook is touched (a refused call creates no file)."""
    title = require_text(title, "titel")
    number = criteria.base.level if level is None else level
    if criteria.level(number) is None:
        levels = ", ".join(str(lv.level) for lv in criteria.ordered)
        raise UsageError(_("--level {number}: onbekend niveau; kies uit {levels}").format(number=number, levels=levels))
    return {"title": title, "level": number, "situation": situation}


def open_incident(where: Where, body: dict[str, Any], author: str) -> str:
    """Open an incident whose opening `body` was checked by `opening` (before the logbook is touched)."""
    with opened(where) as store:
        return store.open_incident(body["title"], body, author, stamp()).incident


@record
class Listed:
    summary: Summary
    next_sitrap: datetime | None  # when the next sitrap is due; None for a closed incident
    faults: tuple[Fault, ...] = ()  # where its chain does not verify: then nothing of its row is to be trusted


def incidents(where: Where, include_closed: bool, reporting: ReportingFile,
              kept: KeptTimelines | None = None) -> list[Listed]:
    """The incidents, each with the moment its next sitrap is due and whether its chain verifies (a row whose
    chain does not is listed as such, never as if it were sound). With `kept` (the running site's), a chain it
    keeps is not read whole again: verified whole at most WHOLE_S ago and its new entries checked now, as the
    incident page does; every other chain is verified whole."""
    levels = ladder(where)

    def held(r: Summary) -> bool:
        """Kept as verified, and the row agrees with it (as `verify_chain` holds the row to the chain; a
        write between the two reads differs too, and is then verified whole)."""
        return kept is not None and kept.holds(r.id) == (r.entries, r.level, r.actions, r.reports, r.closed_at)

    with opened(where, readonly=True) as store:
        rows = store.summaries(include_closed=include_closed)
        faults = {r.id: () if held(r) else tuple(store.verify_chain(r, levels=levels)) for r in rows}
        promised = {r.id: store.last_of_kind(r.id, "report") for r in rows if r.closed_at is None and not faults[r.id]}
    listed = []
    for r in rows:
        last = promised.get(r.id)
        due = None
        if not faults[r.id]:
            due = next_sitrap(
                reporting, r.opened_at, r.level, last.data.get("next_update") if last else None, r.closed_at is not None
            )
        listed.append(Listed(r, due, faults[r.id]))
    return listed


# --- reading a timeline -------------------------------------------------------------------------------------


def each_entry(
    where: Where, incident: str, each: Callable[[Entry], T], keep: bool = True
) -> tuple[Incident, list[T], list[Fault], ChainCheck]:
    """The state, `each(entry)` of every entry (none kept without `keep`: `each` writes them out), the breaks in
    the chain (a reader is always told) and the check that found them (`follow` goes on with it), in one
    streaming pass that keeps no entry: for `show --json` at a
    million entries."""
    out: list[T] = []

    def seen(entries: Iterator[Entry]) -> Iterator[Entry]:
        for e in entries:
            done = each(e)
            if keep:
                out.append(done)
            yield e

    levels = ladder(where)
    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        with store.snapshot():  # the row and the entries as of one moment: an append meanwhile is no break
            check = ChainCheck(incident, store.summary(incident).head, levels)
            found = fold_checked(seen(check.passing(store.stream(incident))), check.faults, keep=False)
    return found, out, check.done(), check


@record(frozen=False)
class Timeline:
    state: Incident
    newest: list[Entry]
    faults: list[Fault]
    check: ChainCheck | None = None  # the check that read it: `follow` goes on with it (the rules need the past)

    @property
    def earlier(self) -> int:
        return self.newest[0].n - 1 if self.newest else 0


def timeline(
    where: Where, incident: str, newest: int, *, before: int | None = None, keep: bool = False,
    hashes: list[str] | None = None,
) -> Timeline:
    """The state and the newest entries (with `before`, the newest up to and including entry `before`: a page
    further back), in one streaming pass: memory stays flat at any size. `keep` keeps the notes in the
    state too, for a reader that shows the sitrap beside the timeline (the web face); `hashes` gets the hash
    of every entry that passed the check, in order (for KeptTimelines: of entry n at n - 1 when no fault)."""
    recent: deque[Entry] = deque(maxlen=newest)
    last = before if before is not None else -1

    def kept(entries: Iterator[Entry]) -> Iterator[Entry]:
        for e in entries:
            if last < 0 or e.n <= last:
                recent.append(e)
            if hashes is not None:
                hashes.append(e.hash)
            yield e

    levels = ladder(where)
    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        with store.snapshot():
            check = ChainCheck(incident, store.summary(incident).head, levels)
            found = fold_checked(kept(check.passing(store.stream(incident))), check.faults, keep=keep)
    return Timeline(found, list(recent), check.done(), check)


def open_incidents(where: Where) -> list[str]:
    """The open incidents' ids, oldest opened first; opening the logbook is the check (`calamiteit web` at
    start: a logbook that cannot be opened is exit 3 before anything listens)."""
    with opened(where, readonly=True) as store:
        return [r.id for r in store.summaries(include_closed=False)]


def _page_end(entries: int, newest: int, page: int) -> int:
    """The last entry on page `page` of a timeline shown `newest` a page, newest first: a page that does not
    exist is not found."""
    before = entries - (page - 1) * newest
    if page < 1 or before < 1:
        raise NotFoundError(_("die pagina van de tijdlijn bestaat niet"))
    return before


def _whole_page(where: Where, incident: str, newest: int, page: int, first: Timeline) -> Timeline:
    """Page `page` read whole (a chain that is not kept): the state of the first page's read, the entries and
    the faults of this one."""
    if page == 1:
        return first
    further = timeline(where, incident, newest, before=_page_end(first.state.entries, newest, page))
    return Timeline(first.state, further.newest, further.faults)


@record(frozen=False)
class _Kept:
    verified: float  # when the whole chain was last verified (the reader's monotonic clock: the start of that read)
    found: Timeline
    recent: deque[Entry]
    hashes: list[str]  # every entry's hash as verified (entry n at n - 1): what a page further back is held to
    checking: threading.Thread | None = None  # the whole verification running beside, if any


class KeptTimelines:
    """For a reader that runs for hours and shows the same incidents again and again (the web face): the
    incident's state and its timeline, page by page. The first read (or `warm`, which `calamiteit web` calls
    for the open incidents before it listens) verifies the chain whole and keeps the fold and every entry's
    hash; after that every read checks only the entries stored since, as `follow` checks them (each links to
    the one before, its hash, the rules of its kind), folds them in and compares the stored last hash; and
    once the whole verification is older than `whole_s` seconds a read starts it again beside (a thread), so
    no reader waits for it: what it finds replaces the kept state, or, with any fault, drops it. A page further
    back is read from the logbook and each of its entries held to its hash recomputed and to the hash it had
    when verified whole: one that differs drops the kept state and that page is read whole, its fault said.
    A chain with any fault is never kept: it is read whole on every request. An entry edited in place after it
    was read is therefore found at most `whole_s` + one whole verification later (at once when it is on a
    page further back that is read); the age is given with every read, for the page to say. `read` holds the
    incident's lock while the caller uses the state (a later request folds into the same state)."""

    def __init__(self, where: Where, newest: int, whole_s: float, clock: Callable[[], float],
                 most: int = 8) -> None:
        self.where, self.newest, self.whole_s, self.clock, self.most = where, newest, whole_s, clock, most
        self._kept: dict[str, _Kept] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts and the list
        self._running: list[threading.Thread] = []

    @staticmethod
    @contextmanager
    def whole(where: Where, incident: str, newest: int, page: int = 1) -> Iterator[tuple[Timeline, float]]:
        """Without a kept reader: read and verify it whole, now."""
        yield _whole_page(where, incident, newest, page, timeline(where, incident, newest, keep=True)), 0.0

    def _locked(self, incident: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(incident, threading.Lock())

    def _keep(self, incident: str, kept: _Kept | None) -> None:
        with self._lock:
            if kept is None:
                self._kept.pop(incident, None)
                return
            while incident not in self._kept and len(self._kept) >= self.most:  # verified longest ago goes
                self._kept.pop(min(self._kept, key=lambda k: self._kept[k].verified))
            self._kept[incident] = kept

    def _verify(self, incident: str) -> tuple[Timeline, _Kept | None]:
        """The chain read and verified whole now (the first page's entries), and what to keep of it: nothing
        when it has any fault."""
        started = self.clock()
        hashes: list[str] = []
        found = timeline(self.where, incident, self.newest, keep=True, hashes=hashes)
        if found.faults or found.check is None or len(hashes) != found.state.entries:
            return found, None
        return found, _Kept(started, found, deque(found.newest, maxlen=self.newest), hashes)

    def warm(self, incidents: list[str]) -> list[str]:
        """Verify these incidents' chains whole now and keep the clean ones (the last `most` of them), so that
        the first reader of each gets what every later reader gets: `calamiteit web` does this for the open
        incidents before it listens. A chain with a fault is not kept (its first read reads it whole and says
        what is wrong). The incidents kept."""
        warmed = []
        for incident in incidents[-self.most:]:
            with self._locked(incident):
                found, kept = self._verify(incident)
                if kept is not None and found.state.id == incident:
                    self._keep(incident, kept)
                    warmed.append(incident)
        return warmed

    def _fresh(self, incident: str) -> _Kept | None:
        """Under the incident's lock: its kept state with the entries stored since checked and folded in (and
        the whole verification started beside once it is older than `whole_s`); None when nothing is kept or
        a new entry does not hold (then nothing is kept any more)."""
        with self._lock:
            kept = self._kept.get(incident)
        try:
            fresh = kept is not None and self._add_new(kept)
        except Exception:
            self._keep(incident, None)  # half folded: never kept
            raise
        if not fresh or kept is None:
            self._keep(incident, None)
            return None
        if self.clock() - kept.verified > self.whole_s and kept.checking is None:
            kept.checking = threading.Thread(target=self._again, args=(incident, kept), daemon=True,
                                             name="calamiteit-keten")
            kept.checking.start()
            with self._lock:
                self._running = [t for t in self._running if t.is_alive()] + [kept.checking]
        return kept

    def holds(self, incident: str) -> tuple[object, ...] | None:
        """When the incident's chain is kept as verified (verified whole at most `whole_s` ago, or being
        verified again beside, and every entry stored since checked now, as `read` checks them): what its
        `incidents` row must say of it (entries, level, actions, reports, closed_at). None when it is not kept
        or does not hold: the caller then verifies it whole (and says what is wrong). Keeps nothing new: a list
        of many incidents does not push out the kept pages."""
        with self._locked(incident):
            kept = self._fresh(incident)
            if kept is None:
                return None
            state = kept.found.state
            return state.entries, state.level, max(state.actions, default=0), state.reports, state.closed_at

    @contextmanager
    def read(self, incident: str, page: int = 1) -> Iterator[tuple[Timeline, float]]:
        """The timeline (state, the entries of page `page`, newest first, faults) and how many seconds ago the
        chain was verified whole."""
        with self._locked(incident):
            kept = self._fresh(incident)
            if kept is None:
                found, kept = self._verify(incident)
                if kept is None or found.state.id != incident:
                    yield _whole_page(self.where, incident, self.newest, page, found), 0.0
                    return
                self._keep(incident, kept)
            age = self.clock() - kept.verified
            if page == 1:
                yield kept.found, age
                return
            end = _page_end(kept.found.state.entries, self.newest, page)
            shown = self._further(kept, end)
            if shown is None:  # an entry on that page is not what was verified: read whole, the fault said
                self._keep(incident, None)
                found = timeline(self.where, incident, self.newest, keep=True)
                yield _whole_page(self.where, incident, self.newest, page, found), 0.0
                return
            yield Timeline(kept.found.state, shown, []), age

    def _further(self, kept: _Kept, end: int) -> list[Entry] | None:
        """The entries of a page further back (up to and including `end`), read from the logbook now, each
        held to its hash recomputed from what is stored and to the hash it had when the chain was verified
        whole (which also holds its link to the one before): None when any differs or is missing."""
        first = max(end - self.newest, 0)
        with opened(self.where, readonly=True) as store:
            shown = list(store.stream(kept.found.state.id, after=first, upto=end))
        if [e.n for e in shown] != list(range(first + 1, end + 1)):
            return None
        for e in shown:
            if e.hash != kept.hashes[e.n - 1] or e.expected_hash() != e.hash:
                return None
        return shown

    def _again(self, incident: str, old: _Kept) -> None:
        """The whole verification beside the readers; what it finds replaces `old` (if that is still kept)."""
        try:
            kept: _Kept | None = self._verify(incident)[1]
        except Exception:  # the next read reads it whole and says what is wrong
            kept = None
        with self._locked(incident), self._lock:
            if self._kept.get(incident) is not old:
                return
            if kept is None:
                self._kept.pop(incident, None)
            else:
                self._kept[incident] = kept

    def settle(self) -> None:
        """Wait for the whole verifications running beside (tests; a clean stop)."""
        with self._lock:
            running = list(self._running)
        for thread in running:
            thread.join()

    def _add_new(self, kept: _Kept) -> bool:
        """The entries stored since, checked and folded in; False when anything does not hold (read it whole)."""
        found, check = kept.found, kept.found.check
        assert check is not None
        state = found.state
        with opened(self.where, readonly=True) as store, store.snapshot():
            summary = store.summary(state.id)
            if summary.entries < state.entries:
                return False
            for e in store.stream(state.id, after=state.entries):
                if not check.see(e) or check.faults:
                    return False
                fold_checked([e], [], keep=True, state=state)
                kept.recent.append(e)
                kept.hashes.append(e.hash)
            check.head = summary.head
            if check.done():
                return False
        found.newest = list(kept.recent)
        return True


@contextmanager
def every_entry(where: Where, incident: str) -> Iterator[tuple[Incident, Iterator[Entry], list[Fault]]]:
    """The state and the chain's breaks, then every entry streamed while the logbook is open."""
    levels = ladder(where)
    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        with store.snapshot():  # the second pass streams the very entries the first one folded
            check = ChainCheck(incident, store.summary(incident).head, levels)
            found = fold_checked(check.passing(store.stream(incident)), check.faults, keep=False)
            again = ChainCheck(incident, levels=levels)  # the second pass shows only what the first one folded
            yield found, again.passing(store.stream(incident)), check.done()


FOLLOW_WAIT_S = 5.0  # PostgreSQL wakes at once on a NOTIFY; this only bounds a missed one (SQLite polls each second)


def follow(where: Where, incident: str, state: Incident, check: ChainCheck | None = None) -> Iterator[Entry]:
    """The entries written after `state` (as colleagues write them), each folded into `state` before it is
    given out, until the incident is closed. Each new entry must link to the one before (and, with the `check`
    that read the timeline, follow the rules of its kind): a chain that changes under a reader is said, not
    shown."""
    with opened(where, readonly=True, lasting=True) as store:
        incident = store.resolve(incident)
        store.wait(incident, 0)  # listen before reading, so nothing written in between is missed
        while not state.closed:
            new = False
            for e in store.stream(incident, after=state.entries):
                if e.n != state.entries + 1 or e.prev_hash != state.head or e.expected_hash() != e.hash:
                    said = _("de hashketen van {incident} klopt niet bij regel {n}")
                    raise TamperedError(said.format(incident=incident, n=e.n))
                if check is not None:
                    before = len(check.faults)
                    if not check.see(e) or len(check.faults) > before:
                        f = check.faults[-1]
                        said = _("de hashketen van {incident} klopt niet bij regel {n}: {message}")
                        raise TamperedError(said.format(incident=incident, n=f.n, message=f.message))
                fold_checked([e], [], keep=False, state=state)
                new = True
                yield e
            if not new:
                store.wait(incident, FOLLOW_WAIT_S)


WATCH_S = 1.0  # at the latest, `watch` reads again after this long; a stored entry wakes it at once


def watch(where: Where) -> Iterator[dict[str, int]]:
    """The number of entries of every incident, and again each time it changes (for a face that shows the
    logbook live: it re-reads what it shows). PostgreSQL wakes on the NOTIFY every stored entry sends, which
    names the incident and the entry number, so the counts follow without a read; SQLite on a change of
    `PRAGMA data_version` (another connection committed), looked at 20 times a second, and reads them again."""
    with opened(where, readonly=True, lasting=True) as store:
        store.wait("", 0)  # listen before the first read, so nothing written in between is missed
        counts = {s.id: s.entries for s in store.summaries()}
        yield dict(counts)
        while True:
            told = store.wait("", WATCH_S)
            if told:  # PostgreSQL's NOTIFY names each incident and entry number: nothing to read
                fresh = dict(counts)
                for ref, n in told:
                    fresh[ref] = max(fresh.get(ref, 0), n)
            else:  # SQLite (None), or nothing heard for WATCH_S ([]): read the counts again
                fresh = {s.id: s.entries for s in store.summaries()}
            if fresh != counts:
                counts = fresh
                yield dict(counts)


def open_actions(where: Where, incident: str | None) -> tuple[list[tuple[Incident, Action]], list[Fault]]:
    """The open actions of one incident, or of every incident (a closed one's too: closing does not do an action),
    and any break in the chains read. Only incidents that ever had an action are read."""
    faults: list[Fault] = []
    states = []
    levels = ladder(where)
    with opened(where, readonly=True) as store:
        if incident:
            ids = [store.resolve(incident)]
        else:
            decided = store.decided()  # from the entries: a row edited past the triggers hides nothing
            ids = [s.id for s in store.summaries() if s.closed_at is None or s.id in decided]
        for i in ids:
            with store.snapshot():
                check = ChainCheck(i, store.summary(i).head, levels)
                # nothing readable: its faults say so, the other incidents are still shown
                with suppress(TamperedError):
                    states.append(fold_checked(check.passing(store.stream(i)), check.faults, keep=False))
            faults += check.done()
    return [(s, a) for s in states for a in s.open_actions], faults


@record(frozen=False)
class Verified:
    path: str
    summary: Summary
    faults: list[Fault]
    warnings: list[Fault] = field(default_factory=list)  # entries stored by another account than the author's


def verify(where: Where, incident: str, sent_head: str | None) -> Verified:
    """`incident verify`: the chain, the incident's row, and whether a sent sitrap's head is still in it; and,
    where contacts.yaml names people's database accounts, every entry stored by another account than its
    author's (a warning: a coordinator may log what a colleague said, but never invisibly)."""
    found = configured(where)
    levels = None if found is None else found.criteria.ladder
    with opened(where, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        with store.snapshot():  # an append by a colleague meanwhile is no tampering
            summary = store.summary(incident)
            verified = Verified(store.where, summary, store.verify_chain(summary, sent_head, levels))
            contacts = None if found is None else found.contacts
            if contacts is not None and contacts.accounts and not verified.faults:
                for e in store.stream(incident):
                    account = contacts.stored_by(e.author, e.role)
                    if account:
                        said = _("geschreven als {author}, vastgelegd door account {account}").format(
                            author=repr(e.author), account=account
                        )
                        verified.warnings.append(Fault(incident, e.n, said))
        return verified


# --- writing ------------------------------------------------------------------------------------------------


def record_note(
    where: Where,
    incident: str,
    kind: str,
    text: str,
    author: str,
    *,
    owner: str | None = None,
    deadline: str | None = None,
    corrects: int | None = None,
) -> Entry:
    """A BOB entry (observation, judgement or decision); a decision is also an action for its owner."""
    with opened(where, create=False) as store:
        incident = store.resolve(incident)
        at = stamp()
        body: dict[str, Any] = {"text": require_text(text)}
        if kind == "decision":
            if not owner or not owner.strip():
                raise UsageError(_("een besluit heeft een actiehouder: geef --actiehouder NAAM"))
            body["owner"] = owner.strip()
            if deadline is not None and datetime.fromisoformat(deadline) <= datetime.fromisoformat(at):
                due, now = dutchtime.local(deadline), dutchtime.local(at)
                raise UsageError(
                    _("deadline {due} is al voorbij (nu {now})").format(due=due, now=now),
                    _("Geef een later moment: HH:MM voor vandaag of JJJJ-MM-DD HH:MM voor een andere dag."),
                )
            body["deadline"] = deadline
        elif owner or deadline:
            raise UsageError(_("--actiehouder en --deadline horen bij --besluit"))
        if corrects is not None:
            target = store.entry(incident, corrects)
            if target is None:
                said = _("--corrigeert {n}: incident {incident} heeft geen regel {n}")
                raise UsageError(said.format(n=corrects, incident=incident))
            if target.kind != kind:
                found = kind_word(target.kind)
                said = _("--corrigeert {n}: dat is geen {kind} maar een {found}")
                raise UsageError(said.format(n=corrects, kind=kind_word(kind), found=found))
            body["corrects"] = corrects
        return store.append(incident, kind, body, author, at)


def complete_action(where: Where, incident: str, number: int, remark: str, author: str) -> Entry:
    with opened(where, create=False) as store:
        incident = store.resolve(incident)
        current = state(store, incident)
        action = current.actions.get(number)
        if action is None or not action.open:
            still = ", ".join(str(a.number) for a in current.open_actions) or _("geen")
            said = (
                _("actie {n} van incident {incident} bestaat niet; open acties: {still}")
                if action is None
                else _("actie {n} van incident {incident} is al gereed; open acties: {still}")
            )
            raise UsageError(said.format(n=number, incident=incident, still=still))
        return store.append(incident, "action_done", {"action": number, "note": remark.strip()}, author, stamp())


def close_incident(where: Where, incident: str, reason: str, force: bool, author: str) -> Entry:
    with opened(where) as store:
        incident = store.resolve(incident)
        reason = require_text(reason, "reden")
        current = state(store, incident)
        if current.open_actions and not force:
            numbers = ", ".join(f"{a.number} ({a.owner})" for a in current.open_actions)
            first, *others = (a.number for a in current.open_actions)
            command = f"calamiteit actie {incident} {first} --gereed"  # the one to type: this incident, this action
            hint = (
                _("Meld ze gereed met '{command}' (en zo voor {others}), of sluit toch met --force.").format(
                    command=command, others=", ".join(str(n) for n in others)
                )
                if others
                else _("Meld die gereed met '{command}', of sluit toch met --force.").format(command=command)
            )
            raise UsageError(
                _("incident {incident} heeft nog open acties: {numbers}").format(incident=incident, numbers=numbers),
                hint,
            )
        body = {"reason": reason, "forced": bool(force and current.open_actions)}
        return store.append(incident, "close", body, author, stamp())


# --- the level: advice and decision -------------------------------------------------------------------------


@record
class Context:
    """What an assessment of an incident starts from: its level, situation and whether it is closed."""

    level: int
    situation: str | None
    closed: bool


def context(where: Where, incident: str) -> Context:
    """The level and the closing from the chain (Store.tip), not from the incidents row: the advice is worked out
    from the level the decision will be checked against."""
    with opened(where, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        tip = store.tip(incident)
        first = store.entry(incident, 1)
    situation = first.data.get("situation") if first is not None else None
    return Context(tip.level, situation, tip.closed)


class LevelMoved(CalamiteitError):
    """The level changed between showing the advice and recording the decision: assess again."""


def record_assessment(
    where: Where,
    incident: str,
    decide: Callable[[int], Assessment],
    situation: str | None,
    author: str,
    *,
    apply: bool,
    seen_level: int | None = None,
) -> tuple[Assessment, list[Entry]]:
    """Log the assessment as advice; with `apply`, also the level change it advises, as a decision to follow it.

    The level is read, the assessment made against it and the entries written in one transaction: two
    coordinators assessing at once each see the level the other left. `seen_level` is the level the person
    was shown when they confirmed; if it moved meanwhile, nothing is written.
    """
    with opened(where, create=False) as store:
        incident = store.resolve(incident)
        at = stamp()
        with store.transaction():
            tip = store.tip(incident)
            if tip.closed:
                raise UsageError(
                    _("incident {incident} is gesloten; er kan niets meer worden vastgelegd").format(incident=incident)
                )
            current = tip.level
            if seen_level is not None and seen_level != current:
                raise LevelMoved(
                    _(
                        "het niveau van {incident} is intussen gewijzigd ({seen} → {current}); er is niets vastgelegd"
                    ).format(incident=incident, seen=seen_level, current=current),
                    _("Beoordeel opnieuw."),
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
                else {"action": result.advice.action, "grounds": dict(result.advice.grounds)},  # words: when shown
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
                    "reason": "",  # the tool's reason is its grounds, worded when shown (in the reader's language)
                    **({"grounds": dict(result.advice.grounds)} if result.advice else {}),
                    "now_holding": holding,
                    "no_longer_holding": no_longer,
                    "decided": True,
                    "advised": after,
                }
                written.append(store.append(incident, "level_change", change, author, at))
    return result, written


def _last_answers(store: Store, incident: str) -> dict[str, bool]:
    last = store.last_of_kind(incident, "assessment")
    return dict(last.data["answers"]) if last else {}


def decide_level(where: Where, criteria: CriteriaFile, incident: str, level: int, reason: str, author: str) -> Entry:
    """A person's decision on the level, with its reason; the latest advice is recorded beside it, so a
    decision against the advice shows as such wherever the history is read."""
    with opened(where, create=False) as store:
        incident = store.resolve(incident)
        at = stamp()
        reason = require_text(reason, "reden")
        if criteria.level(level) is None:
            levels = ", ".join(str(lv.level) for lv in criteria.ordered)
            raise UsageError(_("niveau {level}: onbekend; kies uit {levels}").format(level=level, levels=levels))
        with store.transaction():
            tip = store.tip(incident)
            if tip.closed:
                raise UsageError(
                    _("incident {incident} is gesloten; er kan niets meer worden vastgelegd").format(incident=incident)
                )
            if level == tip.level:
                raise UsageError(
                    _("incident {incident} staat al op niveau {level}").format(incident=incident, level=level)
                )
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
