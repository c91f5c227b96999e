"""The overview's roll-ups pinned value for value (issue 24, mutation testing): which hours a period reads, the exact
rank each percentile takes from the latency histogram, the histogram's counts, and the runs of failed checks across
separate recordings and rows given out of time order. On the SQLite store: the SQL is the same on both engines
(tests/test_overview.py runs the roll-ups on PostgreSQL too)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters.stores import rollups
from dso_calamiteit.adapters.stores.rollups import RollUps
from dso_calamiteit.domain.overview import bucket_value, latency_bucket

URL = "https://loket.example.nl/"


def check(at: str, state: str, ms: float | None = None, name: str = "Loket", env: str = "prod") -> tuple:
    return (f"2024-01-15T{at}+00:00", name, env, URL, state, 200 if ms is not None else None, ms, "")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    from dso_calamiteit.adapters.stores.sqlite import SqliteStore

    opened = SqliteStore.open(tmp_path / "logbook.db")
    try:
        yield opened
    finally:
        opened.close()


def table(store: Any, name: str) -> list[tuple]:
    columns = {
        "check_hours": "name, env, hour, checks, up, maintenance",
        "latency_days": "name, env, day, bucket, count",
        "down_runs": "name, env, first, last, checks",
        "check_tips": "name, env, at, state, run_first",
    }[name]
    return sorted(tuple(r) for r in store._rows(f"SELECT {columns} FROM {name}"))


def test_the_hours_a_period_reads(store: Any) -> None:
    """An hour is read when the period touches it: the start's own hour even from half-way, the end's hour from one
    second past its start, never when the end is exactly on the hour."""
    store.record_checks(
        [
            check("08:59:59", "beschikbaar", 50.0),
            check("09:00:00", "traag", 900.0),
            check("09:59:59", "onderhoud"),
            check("10:00:00", "onbeschikbaar"),
            check("11:00:00", "beschikbaar", 50.0),
        ]
    )
    hour9 = ("Loket", "prod", "2024-01-15T09", 2, 1, 1)
    hour10 = ("Loket", "prod", "2024-01-15T10", 1, 0, 0)
    assert store.check_hours("2024-01-15T09:30:00+00:00", "2024-01-15T10:00:00+00:00") == [hour9]
    assert store.check_hours("2024-01-15T09:59:59+00:00", "2024-01-15T10:00:01+00:00") == [hour9, hour10]
    assert store.check_hours("2024-01-15T10:00:00+00:00", "2024-01-15T10:00:01+00:00") == [hour10]
    assert store.check_hours("2024-01-15T10:00:00+00:00", "2024-01-15T11:00:00+00:00") == [hour10]
    assert store.check_hours("2024-01-15T08:00:00+00:00", "2024-01-15T09:00:00+00:00") == [
        ("Loket", "prod", "2024-01-15T08", 1, 1, 0)
    ]


def test_the_roll_ups_hold_exact_counts(store: Any) -> None:
    """Per hour the checks, the answered ones and those in maintenance; per local day and bucket how many answered
    checks had that latency (a failed check's latency and an answered check without one are not counted); a second
    recording adds to the same rows."""
    first = [
        check("09:00:00", "beschikbaar", 100.0),
        check("09:10:00", "beschikbaar", 100.0),
        check("09:20:00", "traag", 2500.0),
        check("09:30:00", "onbeschikbaar", 10_000.0),
        check("09:40:00", "beschikbaar", None),
        check("09:50:00", "onderhoud", 100.0),
        check("23:30:00", "beschikbaar", 0.5),
    ]  # 00:30 on Tuesday in the Netherlands; under 1 ms: bucket 0
    store.record_checks(first)
    store.record_checks([check("09:55:00", "beschikbaar", 100.0), check("09:56:00", "onderhoud", None)])
    assert table(store, "check_hours") == [
        ("Loket", "prod", "2024-01-15T09", 8, 5, 2),
        ("Loket", "prod", "2024-01-15T23", 1, 1, 0),
    ]
    assert latency_bucket(100.0) == 94 and latency_bucket(2500.0) == 160 and latency_bucket(0.5) == 0
    assert table(store, "latency_days") == [
        ("Loket", "prod", "2024-01-15", 94, 3),
        ("Loket", "prod", "2024-01-15", 160, 1),
        ("Loket", "prod", "2024-01-16", 0, 1),
    ]
    assert store.latency_percentiles("2024-01-15", "2024-01-15") == [
        ("Loket", "prod", bucket_value(94), bucket_value(160))
    ]
    assert store.latency_percentiles("2024-01-16", "2024-01-16") == [
        ("Loket", "prod", bucket_value(0), bucket_value(0))
    ]
    assert store.latency_percentiles("2024-01-17", "2024-01-31") == []


def ceil_rank(share: int, total: int) -> int:
    """The rank of the percentile `share` among `total` values: the smallest k with k / total ≥ share / 100."""
    return next(k for k in range(1, total + 1) if 100 * k >= share * total)


class Fixed(RollUps):
    """The roll-ups over given histogram rows, to try every total without recording thousands of checks."""

    def __init__(self, rows: list[tuple[str, str, int, int]]) -> None:
        self.rows = rows

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        assert sql.startswith("SELECT name, env, bucket, sum(count) FROM latency_days")
        return list(self.rows)

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        raise AssertionError(sql)


@pytest.mark.parametrize("share", [50, 95])
def test_each_percentile_takes_its_exact_rank(share: int) -> None:
    """For every total from 1 to 250: with the rank's own value alone in the middle bucket the percentile is that
    bucket; one value fewer below it and it is still that bucket; one more below and it is the bucket below."""
    at = 2 if share == 50 else 3
    for total in range(1, 251):
        rank = ceil_rank(share, total)
        for below, expected in ((rank - 1, 20), (rank, 10)):
            if below >= total:
                continue
            rows = [("A", "prod", 10, below), ("A", "prod", 20, 1), ("A", "prod", 30, total - below - 1)]
            found = Fixed(rows).latency_percentiles("2024-01-01", "2024-01-31")
            assert found[0][:2] == ("A", "prod")
            assert found[0][at] == bucket_value(expected), (share, total, below)


def test_the_percentiles_are_per_application_in_name_order() -> None:
    rows = [("B", "prod", 5, 1), ("A", "test", 7, 2), ("A", "prod", 6, 3)]
    assert Fixed(rows).latency_percentiles("2024-01-01", "2024-01-31") == [
        ("A", "prod", bucket_value(6), bucket_value(6)),
        ("A", "test", bucket_value(7), bucket_value(7)),
        ("B", "prod", bucket_value(5), bucket_value(5)),
    ]


def test_a_run_of_failed_checks_across_recordings(store: Any) -> None:
    """A run goes on over separate recordings and over maintenance; an answered check ends it; each application
    has its own runs; the tip says the last check outside maintenance and the run it is in."""
    store.record_checks(
        [
            check("09:00:00", "beschikbaar", 80.0),
            check("09:10:00", "onbeschikbaar"),
            check("09:10:00", "onbeschikbaar", name="Ander"),
        ]
    )
    assert table(store, "down_runs") == [
        ("Ander", "prod", "2024-01-15T09:10:00+00:00", "2024-01-15T09:10:00+00:00", 1),
        ("Loket", "prod", "2024-01-15T09:10:00+00:00", "2024-01-15T09:10:00+00:00", 1),
    ]
    store.record_checks(
        [check("09:20:00", "onderhoud"), check("09:30:00", "onbeschikbaar"), check("09:40:00", "onbeschikbaar")]
    )
    store.record_checks(
        [
            check("09:50:00", "onbeschikbaar"),
            check("10:00:00", "traag", 3000.0),
            check("10:10:00", "onbeschikbaar"),
            check("10:20:00", "onderhoud"),
        ]
    )
    runs = [
        ("Ander", "prod", "2024-01-15T09:10:00+00:00", "2024-01-15T09:10:00+00:00", 1),
        ("Loket", "prod", "2024-01-15T09:10:00+00:00", "2024-01-15T09:50:00+00:00", 4),
        ("Loket", "prod", "2024-01-15T10:10:00+00:00", "2024-01-15T10:10:00+00:00", 1),
    ]
    assert table(store, "down_runs") == runs
    assert table(store, "check_tips") == [
        ("Ander", "prod", "2024-01-15T09:10:00+00:00", "onbeschikbaar", "2024-01-15T09:10:00+00:00"),
        ("Loket", "prod", "2024-01-15T10:10:00+00:00", "onbeschikbaar", "2024-01-15T10:10:00+00:00"),
    ]
    store.record_checks([check("10:30:00", "beschikbaar", 90.0)])
    assert table(store, "check_tips")[1] == ("Loket", "prod", "2024-01-15T10:30:00+00:00", "beschikbaar", None)
    assert table(store, "down_runs") == runs
    assert store.down_stretches("2024-01-15T09:50:00+00:00", "2024-01-15T10:10:00+00:00") == [runs[1]]
    assert store.down_stretches("2024-01-15T09:50:01+00:00", "2024-01-15T10:10:01+00:00") == [runs[2]]
    assert sorted(store.down_stretches("2024-01-15T09:00:00+00:00", "2024-01-15T09:10:01+00:00")) == runs[:2]


def test_rows_given_out_of_time_order_are_taken_in_time_order(store: Any) -> None:
    store.record_checks(
        [
            check("09:10:00", "onbeschikbaar"),
            check("09:20:00", "beschikbaar", 80.0),
            check("09:00:00", "onbeschikbaar"),
            check("09:30:00", "onbeschikbaar"),
        ]
    )
    assert table(store, "down_runs") == [
        ("Loket", "prod", "2024-01-15T09:00:00+00:00", "2024-01-15T09:10:00+00:00", 2),
        ("Loket", "prod", "2024-01-15T09:30:00+00:00", "2024-01-15T09:30:00+00:00", 1),
    ]
    assert table(store, "check_tips") == [
        ("Loket", "prod", "2024-01-15T09:30:00+00:00", "onbeschikbaar", "2024-01-15T09:30:00+00:00")
    ]


def test_an_application_seen_only_in_maintenance_has_no_tip_and_no_run(store: Any) -> None:
    store.record_checks([check("09:00:00", "onderhoud"), check("09:10:00", "onderhoud")])
    assert table(store, "check_tips") == [] and table(store, "down_runs") == []
    assert table(store, "check_hours") == [("Loket", "prod", "2024-01-15T09", 2, 0, 2)]


def test_the_rebuild_reads_every_check_held_in_batches(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The migration's rebuild, in batches of two: the last, part-filled batch counts too, and a run goes on from one
    batch into the next as it does from one recording into the next."""
    held = [
        check("09:00:00", "onbeschikbaar"),
        check("09:10:00", "onbeschikbaar"),
        check("09:20:00", "onbeschikbaar"),
        check("09:30:00", "beschikbaar", 100.0),
        check("09:40:00", "onbeschikbaar"),
    ]
    with store.transaction():
        store.conn.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", held)
    assert table(store, "check_hours") == []  # inserted under the roll-ups
    monkeypatch.setattr(rollups, "REBUILD_BATCH", 2)
    with store.transaction():
        store._rebuild_rollups()
    assert table(store, "check_hours") == [("Loket", "prod", "2024-01-15T09", 5, 1, 0)]
    assert table(store, "latency_days") == [("Loket", "prod", "2024-01-15", 94, 1)]
    assert table(store, "down_runs") == [
        ("Loket", "prod", "2024-01-15T09:00:00+00:00", "2024-01-15T09:20:00+00:00", 3),
        ("Loket", "prod", "2024-01-15T09:40:00+00:00", "2024-01-15T09:40:00+00:00", 1),
    ]
    assert table(store, "check_tips") == [
        ("Loket", "prod", "2024-01-15T09:40:00+00:00", "onbeschikbaar", "2024-01-15T09:40:00+00:00")
    ]


def test_checks_at_the_same_moment_are_taken_in_the_order_given(store: Any) -> None:
    """Two targets of one application checked in the same round: the one given last is the tip, whatever its URL or
    state (a sort on the whole row would put https://a… first and leave the run open)."""
    down, up = check("09:00:00", "onbeschikbaar"), check("09:00:00", "beschikbaar", 80.0)
    store.record_checks([(*down[:3], "https://b.example.nl/", *down[4:]), (*up[:3], "https://a.example.nl/", *up[4:])])
    assert table(store, "check_tips") == [("Loket", "prod", "2024-01-15T09:00:00+00:00", "beschikbaar", None)]
    assert table(store, "down_runs") == [
        ("Loket", "prod", "2024-01-15T09:00:00+00:00", "2024-01-15T09:00:00+00:00", 1)
    ]
