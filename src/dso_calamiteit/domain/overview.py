"""The period overview the source asks of monitoring: availability, usage, incidents and their handling, and
readiness, over a period, from what the tool keeps. Pure: the figures come in (already aggregated by the
database where they are many), the overview and its Markdown go out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from . import dutchtime
from .logbook import Incident
from .safetext import markdown as esc
from .usage import Day

BAR = "▁▂▃▄▅▆▇█"
LATENCY_STEP = 1.05  # the latency histogram's buckets are 5 % wide
BAR_DAYS = 31  # the bar shows the last month of a longer period


def latency_bucket(ms: float) -> int:
    """The histogram bucket of a latency: 5 % wide, so a percentile read from it is within 2.5 %."""
    import math

    return 0 if ms < 1 else int(math.log(ms) / math.log(LATENCY_STEP))


def bucket_value(bucket: int) -> float:
    """The middle of a bucket, in milliseconds."""
    return float(LATENCY_STEP ** (bucket + 0.5))


def local_day(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(dutchtime.LOCAL).date().isoformat()


@dataclass
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

    def bar(self, days: Sequence[str]) -> str:
        """One character per day (the last BAR_DAYS): higher is more available; '·' for a day without checks."""
        out = []
        for day in days[-BAR_DAYS:]:
            checks, up = self.days.get(day, (0, 0))
            out.append("·" if not checks else BAR[min(len(BAR) - 1, int(up / checks * (len(BAR) - 1) + 0.5))])
        return "".join(out)


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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Shortfall:
    """A readiness requirement's uncovered time in the period."""

    org: str
    tier: str
    period: str
    gaps: int
    minutes: float


def shortfalls(gaps: Iterable[tuple[str, str, str, int, int]]) -> list[Shortfall]:
    """(org, tier, period, start, end in seconds) per gap → totals per requirement."""
    totals: dict[tuple[str, str, str], list[float]] = {}
    for org, tier, period, start, end in gaps:
        totals.setdefault((org, tier, period), []).append((end - start) / 60)
    return [Shortfall(*key, len(v), sum(v)) for key, v in sorted(totals.items())]


@dataclass
class Overview:
    start: datetime
    end: datetime
    days: list[str]  # the local days of the period, for the bars
    availability: list[Availability]
    usage: dict[tuple[str, str], list[Day]]  # (application, metric) → the period's days, flagged
    incidents: list[Handled]
    readiness: list[Shortfall]

    def by_level(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for i in self.incidents:
            counts[i.highest] = counts.get(i.highest, 0) + 1
        return dict(sorted(counts.items()))


def period_days(start: datetime, end: datetime) -> list[str]:
    """The local days of [start, end): an end at midnight does not add the day it starts."""
    from datetime import timedelta

    first = start.astimezone(dutchtime.LOCAL).date()
    last = (end - timedelta(microseconds=1)).astimezone(dutchtime.LOCAL).date()
    return [date.fromordinal(d).isoformat() for d in range(first.toordinal(), last.toordinal() + 1)]


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} u {rest:02d} min" if hours else f"{rest} min"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",") + " %"


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def markdown(o: Overview) -> str:
    """The report to the partners."""
    period = f"{dutchtime.local(o.start)} tot {dutchtime.local(o.end)}"
    lines = [f"# Overzicht {period}", "", "## Beschikbaarheid applicaties", ""]
    if o.availability:
        lines += [
            "| Applicatie | Omgeving | Beschikbaar | Mediaan | p95 | Langst onbeschikbaar | Onderhoud | Per dag |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for a in o.availability:
            down = "—"
            if a.longest_down:
                first, last, count = a.longest_down
                down = f"{dutchtime.local(first)} tot {dutchtime.local(last)} ({count} controles)"
            lines.append(
                f"| {esc(a.name)} | {a.env} | {percent(a.share)} | {ms(a.median_ms)} | {ms(a.p95_ms)} | {down} | "
                f"{a.maintenance} | `{a.bar(o.days)}` |"
            )
    else:
        lines.append("Geen bewaarde controles in deze periode (`calamiteit monitor --record`).")
    lines += ["", "## Gebruik applicaties", ""]
    if o.usage:
        for (application, metric), days in sorted(o.usage.items()):
            low = [d for d in days if d.low]
            total = sum(d.count for d in days)
            line = f"- {esc(application)}, {esc(metric)}: {total} in {len(days)} dagen"
            if low:
                line += "; opvallend laag: " + ", ".join(
                    f"{dutchtime.local(d.day + 'T12:00:00+00:00').split(' ')[1]} ({d.count}, gewoonlijk {d.usual:.0f})"
                    for d in low
                )
            lines.append(line)
    else:
        lines.append("Geen gebruikscijfers in deze periode (`calamiteit gebruik import`).")
    lines += ["", "## Incidenten en afhandeling", ""]
    if o.incidents:
        levels = ", ".join(f"niveau {lv}: {n}" for lv, n in o.by_level().items())
        lines += [
            f"{len(o.incidents)} incident(en); hoogste niveau {levels}.",
            "",
            "| Incident | Titel | Niveaus | Duur | Tot eerste opschaling | Sitraps | Besluiten "
            "| Acties gereed (te laat) / open |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for i in o.incidents:
            lines.append(
                f"| {esc(i.id)} | {esc(i.title)} | {'→'.join(map(str, i.path))} | "
                f"{duration(i.duration_min) if i.closed_at else 'nog open'} | {duration(i.first_scale_up_min)} | "
                f"{i.sitraps} | {i.decisions} | {i.done} ({i.done_late}) / {i.open} |"
            )
    else:
        lines.append("Geen incidenten in deze periode.")
    lines += ["", "## Paraatheid", ""]
    if o.readiness:
        lines += ["| Organisatie | Laag | Periode | Gaten | Ongedekt |", "|---|---|---|---|---|"]
        lines += [f"| {esc(s.org)} | {s.tier} | {esc(s.period) or '—'} | {s.gaps} | {duration(s.minutes)} |"
                  for s in o.readiness]
    else:
        lines.append("Alle eisen waren de hele periode gedekt.")
    return "\n".join(lines) + "\n"
