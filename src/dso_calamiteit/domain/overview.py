"""The period overview the source asks of monitoring: availability, usage, incidents and their handling, and
readiness, over a period, from what the tool keeps. Pure: the figures come in (already aggregated by the
database where they are many), the overview goes out; views/overview.py writes it (Markdown, JSON, HTML).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import field
from datetime import date, datetime, timedelta

from . import dutchtime
from .language import _
from .logbook import Fault, Incident
from .records import record
from .usage_figures import Day

LATENCY_STEP = 1.05  # the latency histogram's buckets are 5 % wide


def latency_bucket(ms: float) -> int:
    """The histogram bucket of a latency: 5 % wide, so a percentile read from it is within 2.5 %."""
    return 0 if ms < 1 else int(math.log(ms) / math.log(LATENCY_STEP))


def bucket_value(bucket: int) -> float:
    """The middle of a bucket, in milliseconds."""
    return float(LATENCY_STEP ** (bucket + 0.5))


def local_day(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(dutchtime.LOCAL).date().isoformat()


@record(frozen=False)
class Availability:
    name: str
    env: str
    checks: int = 0  # outside planned maintenance
    up: int = 0
    maintenance: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    longest_down: tuple[str, str, int] | None = None  # first and last failed check, and how many in a row
    days: dict[str, tuple[int, int]] = field(default_factory=dict)  # local day → (checks, up)

    @property
    def share(self) -> float | None:
        return 100.0 * self.up / self.checks if self.checks else None



def availability(
    hours: Iterable[tuple[str, str, str, int, int, int]],
    percentiles: Iterable[tuple[str, str, float | None, float | None]],
    stretches: Iterable[tuple[str, str, str, str, int]],
) -> list[Availability]:
    """From the database's roll-ups: (name, env, UTC hour, checks, up, in maintenance) per hour, the latency
    percentiles per application, and every unbroken run of failed checks."""
    found: dict[tuple[str, str], Availability] = {}

    def of(name: str, env: str) -> Availability:
        return found.setdefault((name, env), Availability(name, env))

    for name, env, hour, checks, up, planned in hours:
        a = of(name, env)
        a.checks += checks - planned
        a.up += up
        a.maintenance += planned
        day = datetime.fromisoformat(hour + ":00+00:00").astimezone(dutchtime.LOCAL).date().isoformat()
        seen, ok = a.days.get(day, (0, 0))
        a.days[day] = (seen + checks - planned, ok + up)
    for name, env, median, p95 in percentiles:
        a = of(name, env)
        a.median_ms, a.p95_ms = median, p95
    for name, env, first, last, count in stretches:
        a = of(name, env)
        if a.longest_down is None or count > a.longest_down[2]:
            a.longest_down = (first, last, count)
    return [found[k] for k in sorted(found)]


@record
class Handled:
    """One incident's handling in the period."""

    id: str
    title: str
    path: tuple[int, ...]  # the levels it went through, 0→1→2→1→0
    opened_at: str
    closed_at: str | None
    first_scale_up_min: float | None
    duration_min: float | None  # to the close (None: still open)
    sitraps: int
    decisions: int
    done: int
    done_late: int
    open: int

    @property
    def highest(self) -> int:
        return max(self.path)


def _minutes(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 60


def handled(state: Incident) -> Handled:
    path: list[int] = []
    for step in state.history:
        if not path or path[-1] != step.after:
            path.append(step.after)
    first_up = next((s.at for s in state.history if s.before is not None and s.after > s.before), None)
    actions = list(state.actions.values())
    done = [a for a in actions if a.done_at is not None]
    late = [a for a in done if a.deadline and a.done_at and a.done_at > a.deadline]
    return Handled(
        state.id,
        state.title,
        tuple(path),
        state.opened_at,
        state.closed_at,
        _minutes(state.opened_at, first_up) if first_up else None,
        _minutes(state.opened_at, state.closed_at) if state.closed_at else None,
        state.reports,
        len(actions),
        len(done),
        len(late),
        len(actions) - len(done),
    )


@record
class Shortfall:
    """A readiness requirement's uncovered time in the period."""

    org: str
    tier: str
    period: str
    gaps: int
    minutes: float
    name: str = ""
    """The organisation's name, for people (`org` is its id, for scripts)."""


def shortfalls(
    gaps: Iterable[tuple[str, str, str, int, int]], names: Mapping[str, str] | None = None
) -> list[Shortfall]:
    """(org, tier, period, start, end in seconds) per gap → totals per requirement; `names`: organisation id →
    name."""
    names = names or {}
    totals: dict[tuple[str, str, str], list[float]] = {}
    for org, tier, period, start, end in gaps:
        totals.setdefault((org, tier, period), []).append((end - start) / 60)
    return [Shortfall(*key, len(v), sum(v), names.get(key[0], key[0])) for key, v in sorted(totals.items())]


@record(frozen=False)
class Overview:
    start: datetime
    end: datetime
    days: list[str]  # the local days of the period, for the bars
    availability: list[Availability]
    usage: dict[tuple[str, str], list[Day]]  # (application, metric) → the period's days, flagged
    incidents: list[Handled]
    readiness: list[Shortfall]
    # incidents whose chain does not verify (the first fault of each): counted apart, never among `incidents`
    broken: list[Fault] = field(default_factory=list)

    def broken_line(self) -> str:
        """The incidents counted apart because their chain does not verify ('' when there are none)."""
        if not self.broken:
            return ""
        shown = "; ".join(
            _("{incident} (regel {n}: {message})").format(incident=f.incident, n=f.n, message=f.message)
            for f in self.broken
        )
        return _("Niet meegeteld, hashketen klopt niet ({n}): {shown}").format(n=len(self.broken), shown=shown)

    def by_level(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for i in self.incidents:
            counts[i.highest] = counts.get(i.highest, 0) + 1
        return dict(sorted(counts.items()))


def period_days(start: datetime, end: datetime) -> list[str]:
    """The local days of [start, end): an end at midnight does not add the day it starts."""
    first = start.astimezone(dutchtime.LOCAL).date()
    last = (end - timedelta(microseconds=1)).astimezone(dutchtime.LOCAL).date()
    return [date.fromordinal(d).isoformat() for d in range(first.toordinal(), last.toordinal() + 1)]


def _midnight(moment: datetime) -> bool:
    local = moment.astimezone(dutchtime.LOCAL)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def period_label(start: datetime, end: datetime) -> str:
    """The period as asked: `--van 2024-01-08 --tot 2024-01-15` is "ma 08-01-2024 t/m ma 15-01-2024" (the end day
    included, its midnight end not shown as the next day); a moment with a time keeps its time."""
    first = dutchtime.local(start)
    if _midnight(start):
        first = first[: -len(" 00:00")]
    if _midnight(end):
        last = dutchtime.local(end - timedelta(days=1))[: -len(" 00:00")]
        return _("{first} t/m {last}").format(first=first, last=last)
    return _("{first} tot {last}").format(first=first, last=dutchtime.local(end))
