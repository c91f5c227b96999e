"""Readiness (paraatheid): who is reachable and which desks are open, at a moment or over a period.

Data from config/paraatheid.yaml: weekly hours per contact or desk, on-call rotas (piket), dated exceptions
(leave, swaps), requirements per organisation and tier, and periods of heightened readiness. Everything is
computed as intervals of UTC seconds (intervals.py) built from Europe/Amsterdam wall-clock times, so both
daylight-saving switches fall out right: a shift from Monday 08:00 to Monday 08:00 meets the next one exactly.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar, Literal, get_args

from . import language
from .contacts import Contact, ContactsFile, Tier
from .dutchtime import LOCAL
from .intervals import Clock, Interval, clip, subtract, trim, union, utc_seconds
from .language import N_
from .records import record
from .schema import STRICT

Day = Literal["ma", "di", "wo", "do", "vr", "za", "zo"]
DAYS: tuple[str, ...] = get_args(Day)


@record
class Hours:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    days: tuple[Day, ...]
    """Dagen: ma, di, wo, do, vr, za, zo."""
    start: time
    """Begintijd (HH:MM, Nederlandse tijd)."""
    end: time
    """Eindtijd (HH:MM); niet later dan de begintijd betekent: de volgende dag (00:00-00:00 is een etmaal)."""


@record
class Schedule:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    contact: str
    """Id van het contact (contacts.yaml)."""
    desk: bool = False
    """Een helpdesk of servicedesk (servicetijden) in plaats van een persoon."""
    always: bool = False
    """Dag en nacht bereikbaar."""
    weekly: tuple[Hours, ...] = ()
    """Vaste tijden per week."""
    closed_on_holidays: bool = False
    """Op Nederlandse feestdagen niet bereikbaar of gesloten."""


@record
class Rota:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    name: str
    """Naam van het piketrooster."""
    start: datetime
    """Begin van de eerste dienst (JJJJ-MM-DD HH:MM, Nederlandse tijd)."""
    order: tuple[str, ...]
    """Contact-ids die elkaar in deze volgorde aflossen."""
    shift_hours: int = 168
    """Lengte van een dienst in uren op de klok (168: een week)."""
    end: datetime | None = None
    """Einde van het rooster (leeg: doorlopend)."""


@record
class Override:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    contact: str
    """Id van het contact."""
    start: datetime
    """Begin (JJJJ-MM-DD HH:MM, Nederlandse tijd)."""
    end: datetime
    """Einde."""
    kind: Literal["afwezig", "bereikbaar"] = "afwezig"
    """afwezig (verlof, ziekte) of bereikbaar (extra)."""
    stand_in: str | None = None
    """Bij afwezig: contact-id dat in die tijd waarneemt (een ruil)."""
    note: str = ""
    """Toelichting."""


@record
class Requirement:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    org: str
    """Organisatie-id."""
    tier: Tier
    """operationeel, tactisch of strategisch."""
    always: bool = False
    """Dag en nacht."""
    weekly: tuple[Hours, ...] = ()
    """Of alleen op deze tijden."""
    closed_on_holidays: bool = False
    """Niet op Nederlandse feestdagen."""
    minimum: int = 1
    """Zoveel contacten tegelijk bereikbaar."""

    @property
    def label(self) -> str:
        """The requirement by the organisation's id (the JSON's and Prometheus' label): Dutch in either language,
        so a script reads the same label; `described` names the organisation in the reader's language."""
        return self._words(self.org, lambda message: message)

    def described(self, org_name: str) -> str:
        """For people: 'DSO-LV tactisch dag en nacht' (the organisation's name, not its id)."""
        return self._words(org_name, language._)

    def _words(self, org_name: str, say: Callable[[str], str]) -> str:
        when = say(N_("dag en nacht")) if self.always else say(N_("op vaste tijden"))
        many = say(N_(", minstens {minimum}")).format(minimum=self.minimum) if self.minimum > 1 else ""
        return f"{org_name} {self.tier} {when}{many}"


@record
class Heightened:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    name: str
    """Naam van de periode."""
    start: date
    """Eerste dag."""
    end: date
    """Laatste dag (telt mee)."""
    requirements: tuple[Requirement, ...]
    """Eisen die in deze periode gelden, bovenop de gewone."""


@record
class ReadinessFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    schedules: tuple[Schedule, ...] = ()
    """Servicetijden van desks en vaste bereikbaarheid van personen."""
    rotas: tuple[Rota, ...] = ()
    """Piketroosters."""
    exceptions: tuple[Override, ...] = ()
    """Uitzonderingen op datum: verlof, ruil, extra bereikbaarheid."""
    requirements: tuple[Requirement, ...] = ()
    """Wat altijd gedekt moet zijn."""
    heightened: tuple[Heightened, ...] = ()
    """Perioden van verhoogde paraatheid met strengere eisen."""


def _never(_: date) -> bool:
    """The holiday test for hours that are kept on public holidays too."""
    return False


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60


def weekly(hours: Iterable[Hours], window: Interval, clock: Clock, skip: Callable[[date], bool]) -> list[Interval]:
    """The weekly hours as UTC intervals within the window, merged and sorted."""
    out: list[Interval] = []
    by_weekday = clock.days(window)
    for h in hours:
        start, end = _seconds(h.start), _seconds(h.end)
        same_day = h.end > h.start
        length = end - start if same_day else 86400 - start + end
        for weekday in {DAYS.index(d) for d in h.days}:
            days = by_weekday[weekday]
            if skip is _never:
                out += [(m + start, m + start + length) for _, m, one, two in days if (one if same_day else two)]
            else:
                out += [
                    (m + start, m + start + length)
                    for d, m, one, two in days
                    if (one if same_day else two) and not skip(d)
                ]
            for d, _, one, two in days:  # a daylight-saving day: the zone's own conversion
                if not (one if same_day else two) and not skip(d):
                    end_day = d if same_day else d + timedelta(days=1)
                    out.append((clock.at(d, h.start), clock.at(end_day, h.end)))
    return trim(union(out), window)


# --- who is reachable ---------------------------------------------------------------------------------------


@record(frozen=False)
class _Index:
    schedules: dict[str, list[Schedule]]
    rotas: dict[str, list[int]]
    own: dict[str, list[tuple[Override, Interval]]]
    standing_in: dict[str, list[tuple[Override, Interval]]]


@record(frozen=False)
class Reachability:
    """Per contact its reachable intervals within one window; contacts without any data are 'unknown'."""

    data: ReadinessFile
    window: Interval
    holidays: Callable[[date], bool]
    clock: Clock = field(default_factory=Clock)
    _cache: dict[str, list[Interval] | None] = field(default_factory=dict)
    _shifts: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    _spans: list[tuple[Override, Interval]] | None = None
    _index: _Index | None = None

    def known(self, contact: str) -> bool:
        return self.intervals(contact) is not None

    def intervals(self, contact: str) -> list[Interval] | None:
        if contact not in self._cache:
            self._cache[contact] = self._compute(contact)
        return self._cache[contact]

    def _compute(self, contact: str) -> list[Interval] | None:
        index = self._indexed()
        if not (
            contact in index.schedules or contact in index.rotas or contact in index.own or contact in index.standing_in
        ):
            return None
        return self._within(contact, self.window)

    def _within(self, contact: str, window: Interval) -> list[Interval]:
        """A known contact's reachable intervals within `window` (the reachability window or a part of it)."""
        index = self._indexed()
        on: list[Interval] = []
        for s in index.schedules.get(contact, []):
            if s.always:
                on.append(window)
            else:  # already within the window
                on += weekly(s.weekly, window, self.clock, self.holidays if s.closed_on_holidays else _never)
        extra: list[Interval] = []
        for i in index.rotas.get(contact, []):
            extra += [(s, e) for who, s, e in self._rota_shifts(i) if who == contact]
        off: list[Interval] = []
        for x, span in index.own.get(contact, []):
            (extra if x.kind == "bereikbaar" else off).append(span)
        extra += [span for _, span in index.standing_in.get(contact, [])]
        return subtract(union(on + clip(extra, window)), union(off))

    def _indexed(self) -> _Index:
        """Schedules, rotas and exceptions by contact, built once: each contact then looks only at its own
        (5,000 contacts over a year scanned every schedule for every contact: 3 s)."""
        if self._index is None:
            index = _Index({}, {}, {}, {})
            for s in self.data.schedules:
                index.schedules.setdefault(s.contact, []).append(s)
            for i, rota in enumerate(self.data.rotas):
                for who in dict.fromkeys(rota.order):
                    index.rotas.setdefault(who, []).append(i)
            for x, span in self._exception_spans():
                index.own.setdefault(x.contact, []).append((x, span))
                if x.stand_in and x.kind == "afwezig" and x.stand_in != x.contact:
                    index.standing_in.setdefault(x.stand_in, []).append((x, span))
            self._index = index
        return self._index

    def _rota_shifts(self, index: int) -> list[tuple[str, int, int]]:
        """A rota's shifts in the window, worked out once for all its members."""
        if index not in self._shifts:
            self._shifts[index] = shifts(self.data.rotas[index], self.window, self.clock)
        return self._shifts[index]

    def _exception_spans(self) -> list[tuple[Override, Interval]]:
        if self._spans is None:
            self._spans = [(x, (utc_seconds(x.start), utc_seconds(x.end))) for x in self.data.exceptions]
        return self._spans

    def weekly_base(self, contact: str) -> tuple[tuple[Schedule, ...], list[Interval]] | None:
        """For a contact reachable by weekly hours except where its own exceptions or its standing in change them:
        its schedules and those spans (merged; empty when nothing changes them). None for any other contact (on a
        rota, dag en nacht, no weekly hours) and for an exception that ends before it starts."""
        index = self._indexed()
        schedules = index.schedules.get(contact)
        if not schedules or any(s.always for s in schedules) or contact in index.rotas:
            return None
        own, standing_in = index.own.get(contact), index.standing_in.get(contact)
        if own is None and standing_in is None:
            return tuple(schedules), []
        spans = [span for _, span in own or []] + [span for _, span in standing_in or []]
        if any(s >= e for s, e in spans):
            return None
        return tuple(schedules), union(spans)

    def hours_within(self, schedules: Iterable[Schedule], window: Interval) -> list[Interval]:
        """What the schedules' weekly hours alone give within `window`, merged."""
        return union(
            span
            for s in schedules
            for span in weekly(s.weekly, window, self.clock, self.holidays if s.closed_on_holidays else _never)
        )

    def reachable_at(self, contact: str, moment: int) -> bool | None:
        found = self.intervals(contact)
        if found is None:
            return None
        return any(s <= moment < e for s, e in found)


def shifts(rota: Rota, window: Interval, clock: Clock | None = None) -> list[tuple[str, int, int]]:
    """(contact, start, end) of each shift overlapping `window`. Shifts begin at wall-clock multiples of
    shift_hours from the rota's start, so a daylight-saving night leaves no hole and no double hour. A `clock`
    converts each wall-clock moment once (rotas that hand over at the same hour share the conversions)."""
    lo, hi = window
    length = timedelta(hours=rota.shift_hours)
    first = rota.start.replace(tzinfo=None)
    limit = rota.end.replace(tzinfo=None) if rota.end else None
    elapsed = datetime.fromtimestamp(lo, LOCAL).replace(tzinfo=None) - first
    k = max(0, int(elapsed / length) - 1)  # skip whole shifts before the window without walking them
    seconds = utc_seconds if clock is None else lambda moment: clock.at(moment.date(), moment.time())
    out: list[tuple[str, int, int]] = []
    while True:
        begin = first + k * length
        if limit is not None and begin >= limit:
            break
        start = seconds(begin)
        if start >= hi:
            break
        end = seconds(begin + length if limit is None else min(begin + length, limit))
        if end > lo:
            out.append((rota.order[k % len(rota.order)], start, end))
        k += 1
    return out


def status(contact: Contact, reach: Reachability, moment: int) -> str:
    """'bereikbaar', 'niet bereikbaar' or 'onbekend' (no readiness data: never assumed reachable)."""
    found = reach.reachable_at(contact.id, moment) if contact.id else None
    if found is None:
        return "onbekend"
    return "bereikbaar" if found else "niet bereikbaar"


def next_opening(reach: Reachability, contact: str, moment: int) -> int | None:
    """When a contact (a desk, a person on a rota) is next reachable after `moment`, within the window."""
    return next((s for s, _ in reach.intervals(contact) or [] if s > moment), None)


def stand_in(data: ReadinessFile, contact: str, moment: int) -> str | None:
    """The contact standing in for `contact`, absent at `moment`, when an exception names one."""
    for x in data.exceptions:
        absent = x.contact == contact and x.kind == "afwezig"
        if absent and x.stand_in and utc_seconds(x.start) <= moment < utc_seconds(x.end):
            return x.stand_in
    return None


# --- requirements -------------------------------------------------------------------------------------------


ORDINARY = N_("gewoon")  # the period column of an ordinary requirement (not a heightened period): never empty


def period_name(period: str) -> str:
    """For people: the heightened period's name, or 'gewoon' for the ordinary requirements."""
    return period or language._(ORDINARY)


@record
class Gap:
    requirement: Requirement
    period: str  # '' for the ordinary requirements, else the name of the heightened period
    start: int
    end: int


def active(data: ReadinessFile) -> list[tuple[Requirement, str, Interval | None]]:
    """Every requirement with the period it holds in (None: always)."""
    out: list[tuple[Requirement, str, Interval | None]] = [(r, "", None) for r in data.requirements]
    for h in data.heightened:
        span = (
            utc_seconds(datetime.combine(h.start, time(0))),
            utc_seconds(datetime.combine(h.end + timedelta(days=1), time(0))),
        )
        out += [(r, h.name, span) for r in h.requirements]
    return out


def required(req: Requirement, window: Interval, reach: Reachability) -> list[Interval]:
    if req.always:
        return [window]
    return union(weekly(req.weekly, window, reach.clock, reach.holidays if req.closed_on_holidays else _never))


def covering(contacts: ContactsFile, req: Requirement) -> list[Contact]:
    """The contacts that can meet a requirement: its organisation and tier, with an id to find their hours by."""
    return [c for c in contacts.by_org_tier.get((req.org, req.tier), ()) if c.id]


def gaps(contacts: ContactsFile, reach: Reachability) -> list[Gap]:
    """Each stretch of time in the window in which a requirement is not met, with the requirement it breaks."""
    out: list[Gap] = []
    for req, period, span in active(reach.data):
        window = reach.window if span is None else (max(reach.window[0], span[0]), min(reach.window[1], span[1]))
        if window[0] >= window[1]:
            continue
        need = required(req, window, reach)
        found = covered([c.id for c in covering(contacts, req)], req.minimum, window, reach)
        out += [Gap(req, period, s, e) for s, e in subtract(need, found)]
    return sorted(out, key=lambda g: (g.start, g.requirement.org, g.requirement.tier))


def covered(members: list[str], minimum: int, window: Interval, reach: Reachability) -> list[Interval]:
    """Where at least `minimum` of `members` are reachable within `window`: one sweep, day by day.

    Most contacts are reachable by weekly hours. Their number at each moment of a 24-hour day depends only on its
    weekday and on whether it and the day before are public holidays: that count is worked out once per such kind
    of day (a handful a year) and laid on each day, not unioned contact by contact and day by day (a year of 5,000
    contacts: 2.4 million intervals). Everything else is a start/end event: contacts on a rota or dag en nacht, the
    days of a daylight-saving switch, and where an exception or a stand-in changes someone's weekly hours (their
    hours taken out there, what they really are put in). A day without such an event is the kind's count plus how
    many the events keep reachable through it: that day's cover is worked out once per kind and number, so a year
    costs about one step per day and per event.
    """
    minimum = max(minimum, 1)  # at least one: nobody reachable is never cover (the config asks for 1 or more)
    events: list[tuple[int, int]] = []
    plain: list[tuple[Schedule, ...]] = []
    for contact in members:
        found = reach.weekly_base(contact)
        if found is None:
            for s, e in clip(reach.intervals(contact) or [], window):
                events += ((s, 1), (e, -1))
            continue
        schedules, changed = found
        plain.append(schedules)
        for span in clip(changed, window):
            for s, e in reach.hours_within(schedules, span):  # laid by the kind of day: taken out here
                events += ((s, -1), (e, 1))
            for s, e in reach._within(contact, span):
                events += ((s, 1), (e, -1))
    days = _days(plain, window, reach)
    return trim(_sweep_days(days, events, minimum), window)


_Day = tuple[int, int, object, list[tuple[int, int]]]  # local midnight, next midnight, kind, (offset, step) changes


def _days(members: list[tuple[Schedule, ...]], window: Interval, reach: Reachability) -> list[_Day]:
    """The window's days (from the day before it), each with the count of `members` as changes from midnight on
    (one list per kind of day; a daylight-saving day has its own)."""
    closing = any(s.closed_on_holidays for schedules in members for s in schedules)
    kinds: dict[tuple[int, bool, bool], list[tuple[int, int]]] = {}
    spans = [_spans(schedules) for schedules in members]
    days = sorted(day for by_weekday in reach.clock.days(window) for day in by_weekday)
    ends = [midnight for _, midnight, _, _ in days[1:]]
    ends.append(reach.clock.at(days[-1][0] + timedelta(days=1), time()))
    out: list[_Day] = []
    for (d, midnight, whole, _), end in zip(days, ends, strict=True):
        holidays = (closing and reach.holidays(d), closing and reach.holidays(d - timedelta(days=1)))
        if not whole:  # a daylight-saving day: its own count, every wall-clock time through the zone
            zone = _through_zone(reach.clock, d, midnight)
            out.append((midnight, end, d, _day_profile(spans, d.weekday(), *holidays, zone, end - midnight)))
            continue
        kind = (d.weekday(), *holidays)
        found = kinds.get(kind)
        if found is None:
            found = kinds[kind] = _day_profile(spans, *kind)
        out.append((midnight, end, kind, found))
    return out


def _sweep_days(days: list[_Day], events: list[tuple[int, int]], minimum: int) -> list[Interval]:
    """Where the days' counts plus the running sum of the events is at least `minimum`, merged and sorted. A day
    without events is looked up by its kind and the events' sum at its start."""
    steps: dict[int, int] = {}
    for moment, step in events:
        steps[moment] = steps.get(moment, 0) + step
    moments = sorted(m for m, step in steps.items() if step)
    quiet: dict[tuple[object, int, int], list[Interval]] = {}
    out: list[Interval] = []
    running, i = 0, 0
    for start, end, kind, profile in days:
        j = bisect_left(moments, end, i)
        if i == j:
            key = (kind, running, end - start)
            found = quiet.get(key)
            if found is None:
                found = quiet[key] = _above(profile, running, minimum, end - start)
        else:
            changes = dict(profile)
            for m in moments[i:j]:
                changes[m - start] = changes.get(m - start, 0) + steps[m]
            found = _above(sorted(changes.items()), running, minimum, end - start)
            running += sum(steps[m] for m in moments[i:j])
            i = j
        for s, e in found:
            if out and start + s <= out[-1][1]:
                out[-1] = (out[-1][0], start + e)
            else:
                out.append((start + s, start + e))
    return out


def _above(changes: list[tuple[int, int]], count: int, minimum: int, length: int) -> list[Interval]:
    """Within [0, length): where `count` plus the (offset, step) changes so far is at least `minimum`; one change
    per offset, sorted."""
    out: list[Interval] = []
    opened = 0 if count >= minimum else None
    for offset, step in changes:
        count += step
        if opened is None:
            if count >= minimum:
                opened = offset
        elif count < minimum:
            if offset > opened:
                out.append((opened, offset))
            opened = None
    if opened is not None and opened < length:
        out.append((opened, length))
    return out


def _day_profile(
    members: list[list[_Span]],
    weekday: int,
    holiday: bool,
    holiday_before: bool,
    offset: Callable[[int], int] | None = None,
    length: int = 86400,
) -> list[tuple[int, int]]:
    """(seconds after midnight, change in the number reachable) over one day of this kind: each contact's hours
    that start on it, and the night hours that started the day before. On a daylight-saving day `offset` puts a
    wall-clock time (seconds) at its real distance from midnight, and the day is `length` seconds long."""
    steps: dict[int, int] = {}
    before = (weekday - 1) % 7
    at = offset or _same
    for spans in members:
        today: list[Interval] = []
        for days, start, end, night, closed in spans:
            if weekday in days and not (closed and holiday):
                today.append((at(start), length if night else at(end)))
            if night and end > 0 and before in days and not (closed and holiday_before):
                today.append((0, at(end)))
        for start, end in today if len(today) < 2 else union(today):
            steps[start] = steps.get(start, 0) + 1
            steps[end] = steps.get(end, 0) - 1
    return sorted((offset, step) for offset, step in steps.items() if step)


def _same(seconds: int) -> int:
    return seconds


def _through_zone(clock: Clock, day: date, midnight: int) -> Callable[[int], int]:
    """On a daylight-saving day: a wall-clock time (seconds after midnight) as real seconds after midnight."""
    return lambda seconds: clock.at(day, time(seconds // 3600, seconds // 60 % 60)) - midnight


_Span = tuple[
    frozenset[int], int, int, bool, bool
]  # weekdays, start and end (seconds), through the night, closed on holidays


def _spans(schedules: tuple[Schedule, ...]) -> list[_Span]:
    return [
        (
            frozenset(DAYS.index(d) for d in h.days),
            _seconds(h.start),
            _seconds(h.end),
            h.end <= h.start,
            s.closed_on_holidays,
        )
        for s in schedules
        for h in s.weekly
    ]


@record
class Standing:
    """One requirement at one moment: who covers it, and whether that is enough."""

    requirement: Requirement
    period: str
    reachable: list[Contact]
    met: bool


def at_moment(contacts: ContactsFile, reach: Reachability, moment: int) -> list[Standing]:
    out = []
    for req, period, span in active(reach.data):
        if span is not None and not span[0] <= moment < span[1]:
            continue
        if not required(req, (moment, moment + 1), reach):  # only what covers this second is in that window
            continue
        members = covering(contacts, req)
        reachable = [c for c in members if reach.reachable_at(c.id, moment)]
        out.append(Standing(req, period, reachable, len(reachable) >= req.minimum))
    return out


def dutch_holidays(first_year: int, last_year: int) -> Callable[[date], bool]:
    """Dutch public holidays from the `holidays` package, loaded on the first question (it costs ~40 ms)."""
    found: set[date] | None = None

    def is_holiday(day: date) -> bool:
        nonlocal found
        if found is None:
            import holidays

            found = set(holidays.country_holidays("NL", years=range(first_year, last_year + 1)))
        return day in found

    return is_holiday


def window_for(start: datetime, end: datetime) -> tuple[Interval, Callable[[date], bool]]:
    lo, hi = utc_seconds(start), utc_seconds(end)
    return (lo, hi), dutch_holidays(start.year - 1, end.year + 1)
