"""The period overview's roll-ups, kept by every store as checks are recorded (in the same transaction): per
application and hour the counts, per local day a latency histogram, and the runs of failed checks. The overview
reads these, never the raw rows of a year; point reads and upserts only, so recording stays as fast at 2 million
rows as at 100.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

Check = tuple[str, str, str, str, str, int | None, float | None, str]
REBUILD_BATCH = 10_000  # checks per step of the migration's rebuild: a year of checks is not held in memory at once


class RollUps(ABC):
    """The roll-ups, over the two things every engine supplies: run a statement and fetch its rows."""

    @abstractmethod
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def check_hours(self, start: str, end: str) -> list[tuple[str, str, str, int, int, int]]:
        """Per application and UTC hour: (name, env, hour, checks, up, in maintenance), every hour the period
        touches: the hour the end falls in is counted when the end is past its start (the current partial hour
        right after `monitor --record`); an end exactly on the hour leaves that hour out."""
        last = (datetime.fromisoformat(end) - timedelta(seconds=1)).isoformat()  # stamps have whole seconds
        sql = "SELECT name, env, hour, checks, up, maintenance FROM check_hours WHERE hour >= ? AND hour <= ?"
        rows = self._rows(sql, (start[:13], last[:13]))
        return [(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows]

    def latency_percentiles(self, first_day: str, last_day: str) -> list[tuple[str, str, float | None, float | None]]:
        """Per application the median and 95th percentile latency of the checks that answered, over the local
        days given (both included), from the latency histogram (buckets 5 % wide: the figure is the bucket's
        middle, within 2.5 % of the exact one)."""
        from ...domain.overview import bucket_value
        sql = (
            "SELECT name, env, bucket, sum(count) FROM latency_days WHERE day >= ? AND day <= ? "
            "GROUP BY name, env, bucket ORDER BY name, env, bucket"
        )
        buckets: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for name, env, bucket, count in self._rows(sql, (first_day, last_day)):
            buckets.setdefault((name, env), []).append((int(bucket), int(count)))
        out = []
        for (name, env), counts in sorted(buckets.items()):
            total = sum(c for _, c in counts)
            ranks = {"p50": (total + 1) // 2, "p95": (95 * total + 99) // 100}
            found: dict[str, float] = {}
            seen = 0
            for bucket, count in counts:
                seen += count
                for key, rank in ranks.items():
                    if key not in found and seen >= rank:
                        found[key] = bucket_value(bucket)
            out.append((name, env, found.get("p50"), found.get("p95")))
        return out

    def down_stretches(self, start: str, end: str) -> list[tuple[str, str, str, str, int]]:
        """Every unbroken run of failed checks that overlaps the period: (name, env, first, last, count)."""
        sql = "SELECT name, env, first, last, checks FROM down_runs WHERE last >= ? AND first < ?"
        return [(r[0], r[1], r[2], r[3], int(r[4])) for r in self._rows(sql, (start, end))]

    def _roll_up(self, rows: Sequence[Check]) -> None:
        """Keep the overview's roll-ups with the checks just recorded (in the same transaction): per hour the
        counts, per local day a latency histogram, and the runs of failed checks (a check in planned maintenance
        neither breaks nor extends a run). Point reads and upserts only: as fast at 2 million rows as at 100."""
        from ...domain.monitoring import ANSWERED
        from ...domain.overview import latency_bucket, local_day
        hours: dict[tuple[str, str, str], list[int]] = {}
        latency: dict[tuple[str, str, str, int], int] = {}
        for at, name, env, _url, state, _status, ms, _reason in rows:
            counts = hours.setdefault((name, env, at[:13]), [0, 0, 0])
            counts[0] += 1
            counts[1] += state in ANSWERED
            counts[2] += state == "onderhoud"
            if state in ANSWERED and ms is not None:
                key = (name, env, local_day(at), latency_bucket(ms))
                latency[key] = latency.get(key, 0) + 1
        for (name, env, hour), (checks, up, planned) in hours.items():
            self._run(
                "INSERT INTO check_hours (name, env, hour, checks, up, maintenance) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name, env, hour) DO UPDATE SET checks = check_hours.checks + excluded.checks, "
                "up = check_hours.up + excluded.up, maintenance = check_hours.maintenance + excluded.maintenance",
                (name, env, hour, checks, up, planned),
            )
        for (name, env, day, bucket), count in latency.items():
            self._run(
                "INSERT INTO latency_days (name, env, day, bucket, count) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name, env, day, bucket) DO UPDATE SET count = latency_days.count + excluded.count",
                (name, env, day, bucket, count),
            )
        run_of: dict[tuple[str, str], str | None] = {}  # app → the first check of the run it is in (None: up)
        tips: dict[tuple[str, str], tuple[str, str]] = {}  # app → (at, state) of its last check
        runs: dict[tuple[str, str, str], list[Any]] = {}  # (name, env, first) → [last, checks added, held before]
        for at, name, env, _url, state, *_ in sorted(rows, key=lambda r: r[0]):
            if state == "onderhoud":
                continue
            app = (name, env)
            if app not in run_of:
                held = self._one("SELECT run_first FROM check_tips WHERE name = ? AND env = ?", app)
                run_of[app] = held[0] if held else None
            run = run_of[app]
            if state == "onbeschikbaar":
                if run is None:  # the check before was answered (or there was none): a run starts
                    run = at
                    runs[(name, env, run)] = [at, 0, False]
                extended = runs.setdefault((name, env, run), [at, 0, True])
                extended[0] = at
                extended[1] += 1
            else:
                run = None
            run_of[app] = run
            tips[app] = (at, state)
        for (name, env, first), (last, added, held_before) in runs.items():
            if held_before:
                self._run(
                    "UPDATE down_runs SET last = ?, checks = checks + ? WHERE name = ? AND env = ? AND first = ?",
                    (last, added, name, env, first),
                )
            else:
                self._run(
                    "INSERT INTO down_runs (name, env, first, last, checks) VALUES (?, ?, ?, ?, ?)",
                    (name, env, first, last, added),
                )
        for (name, env), (at, state) in tips.items():
            self._run(
                "INSERT INTO check_tips (name, env, at, state, run_first) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name, env) DO UPDATE SET at = excluded.at, state = excluded.state, "
                "run_first = excluded.run_first",
                (name, env, at, state, run_of[(name, env)]),
            )

    def _rebuild_rollups(self) -> None:
        """On the migration that brings the roll-ups: fill them from the checks already held, in time order."""
        sql = "SELECT at, name, env, url, state, status, latency_ms, reason FROM checks ORDER BY at"
        batch: list[Any] = []  # each row as the store gives it: a tuple in the order of Check
        for r in self._rows(sql):
            batch.append(r)
            if len(batch) >= REBUILD_BATCH:
                self._roll_up(batch)
                batch = []
        if batch:
            self._roll_up(batch)
