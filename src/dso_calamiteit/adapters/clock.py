"""The clock: the one place that reads the current moment, so that everything else takes it as an argument."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
