"""Interval arithmetic in UTC seconds, built from Europe/Amsterdam wall-clock times: union, difference, trim,
and where at least N of several sets of intervals overlap. Readiness is computed with it; both daylight-saving
switches fall out right because every wall-clock moment is converted by the zone itself (once, cached).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from .dutchtime import LOCAL

Interval = tuple[int, int]  # [start, end) in UTC seconds


def utc_seconds(moment: datetime) -> int:
    """Seconds since the epoch; a naive moment is Dutch wall-clock time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return int(moment.timestamp())


class Clock:
    """Wall-clock (date, time) → UTC seconds, cached: a year of 500 schedules uses only a few thousand pairs."""

    def __init__(self) -> None:
        self._cache: dict[tuple[date, time], int] = {}
        self._days: dict[Interval, list[list[tuple[date, int, bool, bool]]]] = {}

    def at(self, day: date, moment: time) -> int:
        key = (day, moment)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = int(datetime.combine(day, moment, LOCAL).timestamp())
        return found

    def days(self, window: Interval) -> list[list[tuple[date, int, bool, bool]]]:
        """The days of the window by weekday (0 = Monday): (date, local midnight in UTC seconds, whether the day
        is 24 hours long, whether it and the next are). On such days a wall-clock time is midnight plus its
        seconds; only the two days a year with a daylight-saving change need the zone's full conversion."""
        if window not in self._days:
            days = days_of(window)
            midnights = [self.at(d, time(0, 0)) for d in [*days, days[-1] + timedelta(days=1)]]
            plain = [b - a == 86400 for a, b in itertools.pairwise(midnights)] + [False]
            by_weekday: list[list[tuple[date, int, bool, bool]]] = [[] for _ in range(7)]
            for i, d in enumerate(days):
                by_weekday[d.weekday()].append((d, midnights[i], plain[i], plain[i] and plain[i + 1]))
            self._days[window] = by_weekday
        return self._days[window]


def days_of(window: Interval) -> list[date]:
    first = datetime.fromtimestamp(window[0], LOCAL).date() - timedelta(days=1)
    last = datetime.fromtimestamp(window[1], LOCAL).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """The parts of the intervals inside the window; one that only touches it leaves nothing, not an empty one."""
    lo, hi = window
    return [(max(s, lo), min(e, hi)) for s, e in intervals if min(e, hi) > max(s, lo)]


def trim(merged: list[Interval], window: Interval) -> list[Interval]:
    """`clip` for merged, sorted intervals: only the ends can stick out, so only the ends are looked at."""
    lo, hi = window
    first, last = 0, len(merged)
    while first < last and merged[first][1] <= lo:
        first += 1
    while last > first and merged[last - 1][0] >= hi:
        last -= 1
    kept = merged[first:last]
    if kept and kept[0][0] < lo:
        kept[0] = (lo, kept[0][1])
    if kept and kept[-1][1] > hi:
        kept[-1] = (kept[-1][0], hi)
    return kept


def union(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def subtract(base: list[Interval], cut: list[Interval]) -> list[Interval]:
    """`base` minus `cut`, both already merged and sorted."""
    out: list[Interval] = []
    j = 0
    for s, e in base:
        while j < len(cut) and cut[j][1] <= s:
            j += 1
        k, start = j, s
        while k < len(cut) and cut[k][0] < e:
            if cut[k][0] > start:
                out.append((start, cut[k][0]))
            start = max(start, cut[k][1])
            k += 1
        if start < e:
            out.append((start, e))
    return out


def at_least(per_contact: Iterable[list[Interval]], minimum: int) -> list[Interval]:
    """Where at least `minimum` of the contacts are reachable at once (a sweep over start/end events)."""
    if minimum <= 1:  # anyone will do: the union, without counting
        return union(itertools.chain.from_iterable(per_contact))
    events: list[tuple[int, int]] = []
    for intervals in per_contact:
        for s, e in intervals:
            events += ((s, 1), (e, -1))
    return sweep(events, minimum)


def sweep(events: list[tuple[int, int]], minimum: int) -> list[Interval]:
    """Where the running sum of (moment, step) events is at least `minimum`, merged and sorted. Each contact's
    own intervals must not overlap (merged), so that it counts once."""
    events.sort()
    out: list[Interval] = []
    count, opened = 0, 0
    minimum = max(minimum, 1)
    for moment, step in events:
        before = count
        count += step
        if before < minimum <= count:
            opened = moment
        elif count < minimum <= before and moment > opened:
            out.append((opened, moment))
    return union(out)
