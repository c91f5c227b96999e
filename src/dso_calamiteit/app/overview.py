"""The period overview (`calamiteit overzicht`): gathered from the logbook database, aggregated there, and from
readiness; the pure figures are in overview.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..domain import dutchtime, overview
from ..domain.errors import TamperedError, UsageError
from ..domain.language import _
from ..domain.logbook import ChainCheck, Fault, fold_checked
from ..domain.usage_figures import flagged
from .logbook import opened
from .place import Where
from .readiness import MAX_PERIOD, gaps

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.overview import Overview

USUAL_WEEKS = 8  # usage of this many weeks before the period makes "usual" known from its first day


def period(van: str | None, tot: str | None, now: datetime) -> tuple[datetime, datetime]:
    """--van/--tot as days (the end day included); by default the last 7 days up to now, this second included
    (stamps have whole seconds: what was recorded or opened just now is in the period)."""
    end = now.replace(microsecond=0) + timedelta(seconds=1) if tot is None else dutchtime.period_end(tot, now)
    start = dutchtime.parse_local(van, now) if van is not None else end - timedelta(days=7)
    if start >= end:
        raise UsageError(
            _("--van ligt niet voor --tot ({start} tot {end})").format(
                start=dutchtime.local(start), end=dutchtime.local(end)
            )
        )
    if end - start > MAX_PERIOD:  # readiness's gaps are worked out over the whole period
        raise UsageError(_("kies een periode van hooguit drie jaar"))
    return start, end


def gather(config: Config, where: Where, start: datetime, end: datetime) -> Overview:
    first, last = dutchtime.stamp(start), dutchtime.stamp(end)
    handled = []
    broken: list[Fault] = []
    levels = config.criteria.ladder
    with opened(where, create=False, readonly=True) as store:
        hours = store.check_hours(first, last)
        days = overview.period_days(start, end)
        percentiles = store.latency_percentiles(days[0], days[-1])
        stretches = store.down_stretches(first, last)
        early = (start - timedelta(weeks=USUAL_WEEKS)).astimezone(dutchtime.LOCAL).date().isoformat()
        usage = store.usage_between(early, end.astimezone(dutchtime.LOCAL).date().isoformat())
        with store.snapshot():
            for summary in store.summaries():
                if summary.opened_at < last and (summary.closed_at is None or summary.closed_at >= first):
                    # One verifying pass: an incident whose chain does not hold is counted apart, never trusted.
                    check = ChainCheck(summary.id, summary.head, levels)
                    try:
                        state = fold_checked(check.passing(store.stream(summary.id)), check.faults, keep=False)
                    except TamperedError:
                        state = None
                    faults = check.done()
                    if faults or state is None:
                        broken += faults[:1]
                    else:
                        handled.append(overview.handled(state))
    series: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for day, application, metric, count in usage:
        series.setdefault((application, metric), []).append((day, count))
    used = {key: [d for d in flagged(values) if days[0] <= d.day <= days[-1]] for key, values in series.items()}
    shortfalls = overview.shortfalls(
        ((g.requirement.org, g.requirement.tier, g.period, g.start, g.end) for g in gaps(config, start, end)),
        {o.id: o.name for o in config.contacts.organisations},
    )
    return overview.Overview(
        start,
        end,
        days,
        overview.availability(hours, percentiles, stretches),
        {k: v for k, v in used.items() if v},
        handled,
        shortfalls,
        broken,
    )
