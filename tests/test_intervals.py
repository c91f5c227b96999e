"""Interval arithmetic pinned exactly: each operation against a brute-force model of covered seconds, and the
days and day lengths the readiness sweep relies on across both daylight-saving switches."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from dso_calamiteit.domain.dutchtime import LOCAL
from dso_calamiteit.domain.intervals import Clock, at_least, clip, days_of, subtract, trim, union

Interval = tuple[int, int]

SPAN = 24
raw = st.lists(
    st.tuples(st.integers(0, SPAN), st.integers(0, SPAN)).filter(lambda p: p[0] < p[1]).map(tuple),
    max_size=6,
)
window = st.tuples(st.integers(0, SPAN), st.integers(0, SPAN)).filter(lambda w: w[0] < w[1]).map(tuple)


def covered(intervals: list[Interval]) -> set[int]:
    return {t for s, e in intervals for t in range(s, e)}


def runs(points: set[int]) -> list[Interval]:
    """The canonical form: maximal runs of covered seconds, sorted, touching ones joined, none empty."""
    out: list[Interval] = []
    for t in sorted(points):
        if out and out[-1][1] == t:
            out[-1] = (out[-1][0], t + 1)
        else:
            out.append((t, t + 1))
    return out


def in_window(points: set[int], w: Interval) -> set[int]:
    return {t for t in points if w[0] <= t < w[1]}


@settings(max_examples=300, deadline=None)
@given(raw)
def test_union_is_the_canonical_cover(intervals: list[Interval]) -> None:
    assert union(intervals) == runs(covered(intervals))


def test_union_joins_touching_intervals() -> None:
    assert union([(5, 10), (0, 5)]) == [(0, 10)]
    assert union([(0, 10), (2, 10)]) == [(0, 10)]


@settings(max_examples=300, deadline=None)
@given(raw, raw)
def test_subtract_takes_out_exactly_the_cut(base: list[Interval], cut: list[Interval]) -> None:
    merged, cuts = union(base), union(cut)
    assert subtract(merged, cuts) == runs(covered(merged) - covered(cuts))


def test_subtract_with_several_cuts_in_one_interval() -> None:
    assert subtract([(0, 20)], [(2, 4), (6, 8), (10, 12)]) == [(0, 2), (4, 6), (8, 10), (12, 20)]


@settings(max_examples=300, deadline=None)
@given(raw, window)
def test_clip_keeps_only_what_lies_in_the_window(intervals: list[Interval], w: Interval) -> None:
    clipped = clip(intervals, w)
    assert all(w[0] <= s < e <= w[1] for s, e in clipped)  # none empty, none outside
    assert covered(clipped) == in_window(covered(intervals), w)


def test_clip_drops_intervals_that_only_touch_the_window() -> None:
    assert clip([(0, 5), (5, 8), (8, 12)], (5, 8)) == [(5, 8)]


@settings(max_examples=300, deadline=None)
@given(raw, window)
def test_trim_of_merged_intervals_is_the_canonical_cover_in_the_window(intervals: list[Interval], w: Interval) -> None:
    assert trim(union(intervals), w) == runs(in_window(covered(intervals), w))


def test_trim_drops_intervals_that_only_touch_the_window() -> None:
    assert trim([(0, 5), (6, 7), (8, 12)], (5, 8)) == [(6, 7)]
    assert trim([(0, 6), (7, 12)], (5, 8)) == [(5, 6), (7, 8)]


@settings(max_examples=300, deadline=None)
@given(st.lists(raw, max_size=5), st.integers(1, 4))
def test_at_least_counts_each_contact_once(per_contact: list[list[Interval]], minimum: int) -> None:
    merged = [union(intervals) for intervals in per_contact]
    expected = {t for t in range(SPAN + 1) if sum(t in covered(m) for m in merged) >= minimum}
    assert at_least(merged, minimum) == runs(expected)


def test_at_least_two_where_shifts_overlap_and_hand_over() -> None:
    assert at_least([[(0, 10)], [(5, 15)], [(10, 20)]], 2) == [(5, 15)]


def seconds(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=LOCAL).timestamp())


def test_days_of_is_the_dutch_days_of_the_window_and_the_day_before() -> None:
    # 00:30 Dutch time is still the previous day in UTC: the days are the Dutch ones, plus the day before (a night
    # shift begun the evening before reaches into the window).
    w = (seconds("2026-03-02 00:30"), seconds("2026-03-04 00:30"))
    assert days_of(w) == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]


def test_the_clock_knows_which_days_are_24_hours_long() -> None:
    # The spring switch (29 March 2026) is 23 hours, the autumn one (25 October 2026) 25: only there does a wall-clock
    # time need the zone's full conversion. The last day's next day is not looked at, so it counts as not plain.
    clock = Clock()
    spring = clock.days((seconds("2026-03-27 12:00"), seconds("2026-03-31 12:00")))
    assert len(spring) == 7
    days = sorted((d for weekday in spring for d in weekday), key=lambda day: day[0])
    assert [(d.isoformat(), plain, both) for d, _, plain, both in days] == [
        ("2026-03-26", True, True),
        ("2026-03-27", True, True),
        ("2026-03-28", True, False),
        ("2026-03-29", False, False),
        ("2026-03-30", True, True),
        ("2026-03-31", True, False),
    ]
    assert [midnight for _, midnight, _, _ in days] == [
        seconds(f"2026-03-{day} 00:00") for day in (26, 27, 28, 29, 30, 31)
    ]
    autumn = clock.days((seconds("2026-10-24 12:00"), seconds("2026-10-26 12:00")))
    flags = sorted(((d.isoformat(), plain) for weekday in autumn for d, _, plain, _ in weekday))
    assert flags == [("2026-10-23", True), ("2026-10-24", True), ("2026-10-25", False), ("2026-10-26", True)]
    assert clock.days((seconds("2026-10-24 12:00"), seconds("2026-10-26 12:00"))) is autumn  # built once per window
