"""The public status page: the DSO applications' state now and their availability over 90 days (from the
recorded checks, planned maintenance apart), the maintenance announced ahead, and the disruptions, each with
ONLY its public updates (`calamiteit log ID --publiek`).

What this module returns is everything a public page may show: no title, author, name, decision or note of the
logbook is in it. An incident without a public update does not appear at all.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..domain import dutchtime
from ..domain.logbook import PUBLIC, Entry
from ..domain.overview import availability
from ..domain.records import record
from .logbook import opened
from .place import Where

if TYPE_CHECKING:
    from ..domain.monitoring import MaintenanceFile

DAYS = 90
NOW_HOURS = 24  # a check older than this says nothing about "now"


@record
class Day:
    day: str  # local ISO date
    checks: int
    up: int

    @property
    def grade(self) -> str:
        """goed (all up), matig (a little down), slecht (5 % or more down), geen (nothing recorded)."""
        if not self.checks:
            return "geen"
        share = self.up / self.checks
        return "goed" if share >= 1 else "matig" if share >= 0.95 else "slecht"


@record
class Application:
    name: str
    env: str
    state: str | None  # the latest recorded check in the last 24 hours; None: none recorded
    share: float | None  # over the 90 days, planned maintenance not counted
    maintenance: int  # checks in planned maintenance over the 90 days, counted apart
    days: list[Day]


@record
class Update:
    at: str
    text: str


@record
class Disruption:
    reference: str  # the incident id: letters, digits and hyphens only
    since: str  # the first public update
    resolved: str | None  # when the incident was closed
    updates: list[Update]  # newest first


@record
class Planned:
    application: str
    env: str | None
    start: datetime
    end: datetime
    description: str


@record
class Status:
    at: datetime
    applications: list[Application]
    planned: list[Planned]
    disruptions: list[Disruption]


def _updates(entries: list[Entry]) -> list[Update]:
    """The public updates as stored, each checked against its own hash (a row edited in the database is left
    out rather than published), without those a later public update corrects."""
    kept = [e for e in entries if e.expected_hash() == e.hash and isinstance(e.data.get("text"), str)]
    corrected = {int(e.data["corrects"]) for e in kept if isinstance(e.data.get("corrects"), int)}
    return [Update(e.at, e.data["text"]) for e in reversed(kept) if e.n not in corrected]


def status(where: Where, maintenance: MaintenanceFile, now: datetime) -> Status:
    start, local_days = window(now)
    first = dutchtime.stamp(start)
    disruptions = []
    with opened(where, readonly=True) as store:
        hours = store.check_hours(first, dutchtime.stamp(now + timedelta(hours=1)))  # this hour included
        recent = store.checks_since(dutchtime.stamp(now - timedelta(hours=NOW_HOURS)))
        for summary in store.summaries(include_closed=True):
            if summary.closed_at is not None and summary.closed_at < first:
                continue
            updates = _updates(store.of_kind(summary.id, PUBLIC))
            if updates:
                disruptions.append(Disruption(summary.id, updates[-1].at, summary.closed_at, updates))
    state = {(name, env): s for name, env, s, _ in recent}  # oldest first: the latest stays
    days = [d.isoformat() for d in local_days]
    applications = []
    for a in availability(hours, [], []):
        applications.append(
            Application(a.name, a.env, state.get((a.name, a.env)), a.share, a.maintenance,
                        [Day(d, *a.days.get(d, (0, 0))) for d in days])
        )
    for (name, env), s in sorted(state.items()):
        if not any(x.name == name and x.env == env for x in applications):
            applications.append(Application(name, env, s, None, 0, [Day(d, 0, 0) for d in days]))
    planned = [
        Planned(w.application, w.env, *w.bounds(), w.description)
        for w in maintenance.windows
        if w.bounds()[1] > now
    ]
    disruptions.sort(key=lambda d: d.updates[0].at, reverse=True)  # the latest news first,
    disruptions.sort(key=lambda d: d.resolved is not None)  # the ongoing ones above the resolved
    return Status(now, applications, sorted(planned, key=lambda p: p.start), disruptions)


def window(now: datetime) -> tuple[datetime, list[date]]:
    """The days the page shows: today and the DAYS whole local days before it (DAYS + 1, whatever the hour), and
    the moment the first of them began. Counted back as DAYS times 24 hours instead, a window that began in summer
    time and ends in winter time started after midnight and showed a day less (from 22:00 to 23:00 UTC)."""
    today = now.astimezone(dutchtime.LOCAL).date()
    days = [today - timedelta(days=DAYS - i) for i in range(DAYS + 1)]
    return datetime.combine(days[0], time(), dutchtime.LOCAL), days
