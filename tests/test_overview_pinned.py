"""The overview's pure figures pinned value for value (issue 24, mutation testing): the latency histogram's buckets,
availability from the roll-ups, an incident's handling, the readiness totals, the period's days and its label."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dso_calamiteit.domain import overview as o
from dso_calamiteit.domain.logbook import Action, Fault, Incident, LevelStep


def test_the_latency_buckets_are_five_percent_wide() -> None:
    assert [o.latency_bucket(ms) for ms in (0.0, 0.99, 1.0, 1.04, 1.05, 1.5, 100.0, 2500.0)] == [
        0,
        0,
        0,
        0,
        1,
        8,
        94,
        160,
    ]
    assert o.bucket_value(0) == pytest.approx(1.05**0.5) and o.bucket_value(94) == pytest.approx(1.05**94.5)
    for ms in (1.0, 3.7, 100.0, 2500.0, 61_000.0):
        assert 1.05 ** o.latency_bucket(ms) <= ms < 1.05 ** (o.latency_bucket(ms) + 1)
        assert o.bucket_value(o.latency_bucket(ms)) == pytest.approx(ms, rel=0.026)


def test_the_local_day_of_a_stamp() -> None:
    assert o.local_day("2024-01-15T22:59:59+00:00") == "2024-01-15"
    assert o.local_day("2024-01-15T23:00:00+00:00") == "2024-01-16"  # midnight in the Netherlands (winter)
    assert o.local_day("2024-07-15T22:00:00+00:00") == "2024-07-16"  # summer: two hours ahead


def test_availability_from_the_roll_ups() -> None:
    hours = [
        ("B", "prod", "2024-01-15T09", 6, 4, 1),
        ("A", "prod", "2024-01-15T22", 3, 3, 0),
        ("A", "prod", "2024-01-15T23", 4, 2, 1),  # 00:00 on the 16th in the Netherlands
        ("A", "prod", "2024-01-16T00", 2, 1, 0),
    ]
    percentiles = [("A", "prod", 120.5, 900.25), ("C", "prod", None, None)]
    stretches = [
        ("A", "prod", "2024-01-15T22:00:00+00:00", "2024-01-15T22:20:00+00:00", 3),
        ("A", "prod", "2024-01-15T23:00:00+00:00", "2024-01-15T23:10:00+00:00", 2),
        ("A", "prod", "2024-01-16T00:00:00+00:00", "2024-01-16T00:20:00+00:00", 3),  # as long: the first stays
        ("A", "prod", "2024-01-16T00:30:00+00:00", "2024-01-16T00:30:00+00:00", 1),
    ]
    a, b, c = o.availability(hours, percentiles, stretches)
    assert (a.name, a.env, a.checks, a.up, a.maintenance) == ("A", "prod", 8, 6, 1)
    assert a.days == {"2024-01-15": (3, 3), "2024-01-16": (5, 3)}
    assert (a.median_ms, a.p95_ms) == (120.5, 900.25)
    assert a.longest_down == ("2024-01-15T22:00:00+00:00", "2024-01-15T22:20:00+00:00", 3)
    assert a.share == 75.0
    assert (b.name, b.checks, b.up, b.maintenance, b.days) == ("B", 5, 4, 1, {"2024-01-15": (5, 4)})
    assert (b.median_ms, b.p95_ms, b.longest_down, b.share) == (None, None, None, 80.0)
    assert (c.name, c.checks, c.share, c.days) == ("C", 0, None, {})
    only = o.availability([], [], [("D", "test", "x", "y", 1), ("D", "test", "p", "q", 2)])
    assert [(d.name, d.env, d.longest_down) for d in only] == [("D", "test", ("p", "q", 2))]


def step(at: str, before: int | None, after: int) -> LevelStep:
    return LevelStep(f"2024-01-15T{at}+00:00", "piet", before, after, "", "")


def action(number: int, deadline: str | None, done_at: str | None) -> Action:
    def stamp(t: str | None) -> str | None:
        return f"2024-01-15T{t}+00:00" if t else None

    return Action(number, number, "doen", "piet", stamp(deadline), stamp(done_at))


def test_an_incidents_handling() -> None:
    state = Incident(
        "INC-1", "Storing", "2024-01-15T09:00:00+00:00", "piet", 0, None, closed_at="2024-01-15T11:30:30+00:00"
    )
    state.history = [
        step("09:00:00", None, 1),
        step("09:05:00", 1, 1),
        step("09:10:00", 1, 0),
        step("09:22:30", 0, 2),
        step("09:40:00", 2, 1),
        step("10:00:00", 1, 1),
    ]
    state.actions = {
        1: action(1, "10:00:00", "10:00:00"),  # done at its deadline: not late
        2: action(2, "10:00:00", "10:00:01"),
        3: action(3, None, "10:30:00"),
        4: action(4, "10:00:00", None),
        5: action(5, None, None),
    }
    state.reports = 3
    h = o.handled(state)
    assert h == o.Handled(
        "INC-1",
        "Storing",
        (1, 0, 2, 1),
        "2024-01-15T09:00:00+00:00",
        "2024-01-15T11:30:30+00:00",
        22.5,
        150.5,
        3,
        5,
        3,
        1,
        2,
    )
    assert h.highest == 2
    still = Incident("INC-2", "Open", "2024-01-15T09:00:00+00:00", "piet", 1, None)
    still.history = [step("09:00:00", None, 1), step("09:30:00", 1, 0)]
    assert o.handled(still) == o.Handled(
        "INC-2", "Open", (1, 0), "2024-01-15T09:00:00+00:00", None, None, None, 0, 0, 0, 0, 0
    )


def test_the_readiness_shortfalls_per_requirement() -> None:
    gaps = [
        ("RWS", "oproep", "nacht", 0, 90),
        ("ICTU", "1e lijn", "dag", 600, 1200),
        ("RWS", "oproep", "nacht", 300, 330),
    ]
    assert o.shortfalls(gaps) == [  # without names, each organisation by its id
        o.Shortfall("ICTU", "1e lijn", "dag", 1, 10.0, "ICTU"),
        o.Shortfall("RWS", "oproep", "nacht", 2, 2.0, "RWS"),
    ]
    assert o.shortfalls(gaps, {"RWS": "Rijkswaterstaat"}) == [
        o.Shortfall("ICTU", "1e lijn", "dag", 1, 10.0, "ICTU"),
        o.Shortfall("RWS", "oproep", "nacht", 2, 2.0, "Rijkswaterstaat"),
    ]


def handled(highest: int) -> o.Handled:
    return o.Handled(str(highest), "", (0, highest), "", None, None, None, 0, 0, 0, 0, 0)


def test_the_incidents_by_level_and_the_broken_line() -> None:
    start = datetime(2024, 1, 15, tzinfo=UTC)
    view = o.Overview(start, start, [], [], {}, [handled(2), handled(1), handled(2), handled(0)], [])
    assert list(view.by_level().items()) == [(0, 1), (1, 1), (2, 2)]
    assert view.broken_line() == ""
    view.broken = [Fault("INC-1", 3, "hash klopt niet"), Fault("INC-2", 1, "<b>x</b>")]
    assert view.broken_line() == (
        "Niet meegeteld, hashketen klopt niet (2): INC-1 (regel 3: hash klopt niet); INC-2 (regel 1: <b>x</b>)"
    )


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_the_days_of_a_period() -> None:
    start = local("2024-01-15T00:00:00+01:00")
    assert o.period_days(start, local("2024-01-17T00:00:00+01:00")) == ["2024-01-15", "2024-01-16"]
    assert o.period_days(start, local("2024-01-17T00:00:00.000001+01:00")) == ["2024-01-15", "2024-01-16", "2024-01-17"]
    assert o.period_days(local("2024-01-15T23:59:59+01:00"), local("2024-01-16T00:00:01+01:00")) == [
        "2024-01-15",
        "2024-01-16",
    ]
    assert o.period_days(start, start + timedelta(seconds=1)) == ["2024-01-15"]


def test_the_period_as_asked() -> None:
    monday, next_monday = local("2024-01-08T00:00:00+01:00"), local("2024-01-15T00:00:00+01:00")
    assert o.period_label(monday, next_monday + timedelta(days=1)) == "ma 08-01-2024 t/m ma 15-01-2024"
    assert o.period_label(monday, next_monday) == "ma 08-01-2024 t/m zo 14-01-2024"
    assert o.period_label(local("2024-01-08T09:30:00+01:00"), next_monday) == "ma 08-01-2024 09:30 t/m zo 14-01-2024"
    assert o.period_label(monday, local("2024-01-15T10:35:00+01:00")) == "ma 08-01-2024 tot ma 15-01-2024 10:35"
    for late in (
        "2024-01-15T00:00:01+01:00",
        "2024-01-15T00:01:00+01:00",
        "2024-01-15T01:00:00+01:00",
        "2024-01-15T00:00:00.5+01:00",
    ):
        assert " tot ma 15-01-2024 " in o.period_label(monday, local(late)), late
    assert o.period_label(local("2024-01-08T00:00:00.5+01:00"), next_monday).startswith("ma 08-01-2024 00:00 t/m")
