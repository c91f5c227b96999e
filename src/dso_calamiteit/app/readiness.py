"""Readiness (paraatheid): who is reachable at a moment, whom to convene for a team, where cover is missing
over a period, and the rotas as a calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import clock
from ..adapters.holidays import dutch_holidays
from ..domain import dutchtime
from ..domain.errors import UsageError
from ..domain.intervals import subtract, union, utc_seconds
from ..domain.language import _
from ..domain.readiness import Reachability, next_opening, shifts, stand_in, status, weekly
from ..domain.readiness import at_moment as standings_at
from ..domain.readiness import gaps as find_gaps
from ..domain.records import record
from ..domain.teams import Convocation, Seat, candidates, ordered, standing_in

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.contacts import Contact
    from ..domain.readiness import Gap, Standing

MAX_PERIOD = timedelta(days=3 * 366)


def moment(text: str | None) -> datetime:
    """--op: 'HH:MM' (today), 'JJJJ-MM-DD HH:MM' or ISO; default now. Always timezone-aware."""
    if text is None:
        return clock.now()
    return dutchtime.parse_local(text, clock.now())


def period(van: str, tot: str) -> tuple[datetime, datetime]:
    """--van/--tot; a date alone as --tot counts that whole day."""
    now = clock.now()
    start = dutchtime.parse_local(van, now)
    end = dutchtime.period_end(tot, now)
    if end <= start:
        ends = _("de periode eindigt ({tot} = {end}) voordat hij begint ({van} = {start})")
        raise UsageError(ends.format(tot=tot, end=dutchtime.local(end), van=van, start=dutchtime.local(start)))
    if end - start > MAX_PERIOD:
        raise UsageError(_("kies een periode van hooguit drie jaar"))
    return start, end


def reach_around(config: Config, start: datetime, end: datetime) -> Reachability:
    holidays = dutch_holidays(start.year - 1, end.year + 1)
    return Reachability(config.readiness, (utc_seconds(start), utc_seconds(end)), holidays.__contains__)


# The last week ahead worked out, with the readiness data it was worked out from: `assess` looks a week ahead for
# every line with nobody reachable now, from the same moment (a new Reachability and a read of the holidays each).
_AHEAD: list[tuple[object, datetime, Reachability]] = []


def week_ahead(config: Config, at: datetime) -> Reachability:
    """Who is reachable in the 8 days from `at`: worked out once per moment and readiness data (a server that
    loads its config per page gets new data, so a new one)."""
    data = config.readiness
    for kept, when, reach in _AHEAD:
        if kept is data and when == at:
            return reach
    reach = reach_around(config, at, at + timedelta(days=8))
    _AHEAD[:] = [(data, at, reach)]
    return reach


def around(at: datetime, config: Config) -> Reachability:
    return reach_around(config, at - timedelta(days=1), at + timedelta(days=1))


def reachable(config: Config, found: list[Contact], at: datetime) -> list[Contact]:
    """Only the contacts reachable at `at`; contacts without readiness data are never assumed so."""
    reach = around(at, config)
    return [c for c in found if status(c, reach, utc_seconds(at)) == "bereikbaar"]


def convene(config: Config, team_id: str, at: datetime, reach: Reachability | None = None) -> tuple[Seat, ...]:
    """Per role of the team: the contacts that fill it and which of them is reachable at `at` (`reach`: one
    already worked out around `at`, so a briefing computes readiness once). The reachable come in the order
    of `ranked`: on duty first, then file order; `instead` says what to do when nobody is."""
    found = config.teams.team(team_id)
    if found is None:
        return ()
    reach = reach or around(at, config)
    seconds = utc_seconds(at)
    out = []
    for m in ordered(found):
        people = candidates(m, config.contacts)
        call = whom_to_call(config, m.role, people, at, reach)
        reachable = tuple(ranked(config, people, reach, seconds))
        first = reachable[0] if reachable else call.contact
        # the first to call may stand in for an absent holder of the role: the seat says for whom
        absent = next(
            (c for c in people if first is not None and c.id and stand_in(config.readiness, c.id, seconds) == first.id),
            None,
        )
        out.append(
            Seat(
                m.group,
                m.org,
                m.role,
                reachable,
                tuple(c for c in people if status(c, reach, seconds) == "onbekend"),
                standing_in(absent) if absent is not None else call.instead if call.contact is None else "",
                first if absent is not None else None,
                absent,
            )
        )
    return tuple(out)


def convocation(config: Config, team_id: str, at: datetime, reach: Reachability | None = None) -> Convocation | None:
    """Whom to call together for a level's team: its roles, with who is reachable at `at`."""
    found = config.teams.team(team_id)
    if found is None:
        return None
    return Convocation(found.id, found.name, convene(config, found.id, at, reach))


@record(frozen=False)
class Moment:
    """Readiness at one moment: people and desks with their state, and every requirement's standing."""

    at: datetime
    people: list[tuple[Contact, str]]
    desks: list[tuple[Contact, str]]
    standings: list[Standing]

    @property
    def periods(self) -> list[str]:
        return sorted({st.period for st in self.standings if st.period})

    @property
    def unmet(self) -> list[Standing]:
        return [st for st in self.standings if not st.met]


def at_moment(config: Config, at: datetime) -> Moment:
    reach = around(at, config)
    seconds = utc_seconds(at)
    desk_ids = {s.contact for s in config.readiness.schedules if s.desk}
    contacts = config.contacts.contacts
    standings = [  # who covers a requirement, in the order whom to call: on duty first (see `ranked`)
        replace(st, reachable=ranked(config, st.reachable, reach, seconds))
        for st in standings_at(config.contacts, reach, seconds)
    ]
    return Moment(
        at,
        [(c, status(c, reach, seconds)) for c in contacts if c.id not in desk_ids],
        [(c, status(c, reach, seconds)) for c in contacts if c.id in desk_ids],
        standings,
    )


def gaps(config: Config, start: datetime, end: datetime) -> list[Gap]:
    return find_gaps(config.contacts, reach_around(config, start, end))


def calendar(config: Config, start: datetime, end: datetime) -> list[CalendarEvent]:
    """The rotas' shifts and the absences (with their stand-ins) in the period, as calendar events; their texts
    in the reader's language (the uids stay the same in either)."""
    people = {c.id: c for c in config.contacts.contacts if c.id}
    window = (utc_seconds(start), utc_seconds(end))
    events = []
    absent = [
        (x.contact, utc_seconds(x.start), utc_seconds(x.end), x.stand_in)
        for x in config.readiness.exceptions
        if x.kind == "afwezig"
    ]
    for rota in config.readiness.rotas:
        for who, s, e in shifts(rota, window):
            if who not in people:  # a rota naming someone one's own contacts.yaml lacks (a warning said so)
                continue
            person = people[who]
            away = [(max(a, s), min(b, e), by) for c, a, b, by in absent if c == who and a < e and b > s]
            # an absence takes the absent person's part of the shift away; a stand-in gets it, said as such
            for a, b in subtract([(s, e)], union([(a, b) for a, b, _by in away])):
                events.append(_shift(rota.name, a, b, person))
            for a, b, by in away:
                if by is not None and by in people and by != who:
                    instead = _(" (waarneming voor {who})").format(who=person.name or person.role)
                    events.append(_shift(rota.name, a, b, people[by], instead))
    for x in config.readiness.exceptions:
        s, e = utc_seconds(x.start), utc_seconds(x.end)
        if e <= window[0] or s >= window[1] or x.contact not in people:
            continue
        person = people[x.contact]
        what = _("Afwezig") if x.kind == "afwezig" else _("Extra bereikbaar")
        stand_in = _(" (waarnemer: {who})").format(who=people[x.stand_in].name) if x.stand_in in people else ""
        events.append(
            CalendarEvent(
                f"uitzondering-{x.contact}-{s}@dso-calamiteit",
                f"{what}: {person.name or person.role}{stand_in}",
                datetime.fromtimestamp(s, UTC),
                datetime.fromtimestamp(e, UTC),
            )
        )
    return events


def _shift(rota: str, start: int, end: int, person: Contact, note: str = "") -> CalendarEvent:
    return CalendarEvent(
        f"{_slug(rota)}-{start}{'-waarneming' if note else ''}@dso-calamiteit",
        f"{rota}: {person.name or person.role}{note}",
        datetime.fromtimestamp(start, UTC),
        datetime.fromtimestamp(end, UTC),
        f"{person.role}, {person.phone or person.email}",
    )


@record
class CalendarEvent:
    uid: str
    summary: str
    start: datetime
    end: datetime
    description: str | None = None  # None: the event has no description at all


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.casefold()).strip("-")


@record
class Call:
    """Whom to call for one role or line: the person reachable at the moment, or what to do instead."""

    what: str
    contact: Contact | None
    instead: str  # '' when `contact` is reachable; else the stand-in, the next opening, or that nobody is


def on_duty(config: Config, reach: Reachability, contact: Contact, seconds: int) -> bool:
    """On duty rather than merely reachable: in a rota's shift, a desk in its service hours, within a person's
    own set hours (a night duty Fri-Sun 22-08), standing in for someone absent, or reachable by an exception.
    Someone reachable only because a schedule says 'always' is a fallback, not on duty."""
    if not contact.id:
        return False
    data = config.readiness
    day = (seconds - 86400, seconds + 1)  # hours that began yesterday evening still hold now
    for s in data.schedules:
        if s.contact != contact.id:
            continue
        if s.desk:
            return True
        if s.weekly and not s.always:
            skip = reach.holidays if s.closed_on_holidays else (lambda _: False)
            if any(a <= seconds < b for a, b in weekly(s.weekly, day, reach.clock, skip)):
                return True
    for x in data.exceptions:
        if utc_seconds(x.start) <= seconds < utc_seconds(x.end):
            mine = x.kind == "bereikbaar" and x.contact == contact.id
            if mine or (x.kind == "afwezig" and x.stand_in == contact.id):
                return True
    return any(
        contact.id in rota.order and any(who == contact.id for who, _, _ in shifts(rota, (seconds, seconds + 1)))
        for rota in data.rotas
    )


def ranked(config: Config, candidates: list[Contact], reach: Reachability, seconds: int) -> list[Contact]:
    """The candidates reachable at the moment, those on duty first, each part in file order: whom to call."""
    found = [c for c in candidates if status(c, reach, seconds) == "bereikbaar"]
    return sorted(found, key=lambda c: not on_duty(config, reach, c, seconds))  # stable: file order within each part


def whom_to_call(
    config: Config,
    what: str,
    candidates: list[Contact],
    at: datetime,
    reach: Reachability,
    called: frozenset[str] | set[str] = frozenset(),
) -> Call:
    """The person to call for one role or line at `at` (see `ranked`). Someone already in the list (`called`)
    does not hide the line: the next reachable is shown, and only if there is none that same person again."""
    seconds = utc_seconds(at)
    # Only a contact with an id can be in paraatheid.yaml (an exception names an id, the rules check it): one
    # without is 'onbekend', never stood in for and never opens. Looked at once, not in every pass below
    # (assess at 10,000 contacts: each routing line walked every contact of its organisations three times).
    known = [c for c in candidates if c.id]
    reachable = ranked(config, known, reach, seconds)
    fresh = [c for c in reachable if c.id not in called]
    if fresh:
        return Call(what, fresh[0], "")
    if reachable:
        return Call(what, reachable[0], _("ook hierboven"))
    people, data = config.contacts.people, config.readiness  # once, not per candidate (10,000 at size)
    for c in known:
        other = people.get(stand_in(data, c.id, seconds) or "")
        if other is not None and status(other, reach, seconds) == "bereikbaar":
            return Call(what, other, standing_in(c))
    openings = [(when, c) for c in known if (when := next_opening(reach, c.id, seconds)) is not None]
    if not openings and known:  # `reach` holds a day around `at`: look a week ahead
        ahead = week_ahead(config, at)
        openings = [(when, c) for c in known if (when := next_opening(ahead, c.id, seconds)) is not None]
    if openings:
        when, c = min(openings, key=lambda pair: pair[0])
        moment = dutchtime.local(datetime.fromtimestamp(when, UTC))
        return Call(
            what,
            None,
            _("niemand bereikbaar; weer bereikbaar vanaf {moment} ({who})").format(moment=moment, who=c.name or c.role),
        )
    if candidates and all(status(c, reach, seconds) == "onbekend" for c in known):  # without an id: 'onbekend'
        return Call(what, None, _("bereikbaarheid onbekend (niet in paraatheid.yaml)"))
    return Call(what, None, _("niemand bereikbaar"))


def export(moment: Moment, path: Path) -> None:
    """Whether each requirement is met at the moment, as a Prometheus textfile, written atomically."""
    from ..adapters.metrics import readiness_file

    readiness_file(moment.standings, path)
