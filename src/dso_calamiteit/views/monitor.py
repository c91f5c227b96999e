"""The monitor for scripts: one round as JSON (one line: `--watch --json` prints a document per round) and the
history. The tables for people are in views/tables/monitor.py."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..domain import dutchtime
from ..domain.language import speaking
from ..domain.monitoring import likely_cause, summary
from .jsondoc import dumps

if TYPE_CHECKING:
    from ..domain.monitoring import Availability, Result


def document(results: list[Result]) -> str:
    """`monitor --json`: the round's results, a summary and the likely cause when everything failed alike.
    The summary is in Dutch in either language, as the likely cause and each reason: a script reads the same
    document; `reason_kind` is the reason's language-neutral id (docs/guide/monitor.md)."""
    with speaking("nl"):
        said = summary(results)
        reasons = [r.reason.text() for r in results]  # Dutch, as before: the same document in either language
    return dumps(
        "monitor",
        {
            "checked_at": results[0].checked_at if results else None,
            "summary": said,
            "likely_cause": likely_cause(results),
            "results": [
                {
                    "name": r.target.name,
                    "env": r.target.env,
                    "url": r.target.url,
                    "state": r.state,
                    "status": r.status,
                    "latency_ms": None if r.latency_ms is None else round(r.latency_ms, 1),
                    "reason": reason,
                    "reason_kind": r.reason.kind or None,
                }
                for r, reason in zip(results, reasons, strict=True)
            ],
        },
        indent=None,  # one line: `--watch --json` prints one document per line
    )


def history_document(start: datetime, figures: list[Availability]) -> str:
    """`monitor --history --json`: per application the share available and the median latency since `start`."""
    return dumps("monitor-history", {"since": dutchtime.stamp(start), "applications": [vars(f) for f in figures]})
