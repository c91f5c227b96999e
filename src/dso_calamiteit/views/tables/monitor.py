"""The monitor for people: one round as a table that fits the terminal, and the history per application."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType

from ...domain import dutchtime
from ...domain.monitoring import likely_cause, summary
from ...domain.words import percent
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...domain.monitoring import Availability, Result

STATE_STYLE = {"beschikbaar": "green", "traag": "yellow", "onbeschikbaar": "bold red", "onderhoud": "blue"}


def round_table(console: Console, results: list[Result]) -> RenderableType:
    """One round, fitted to the console's width (a live table redraws it every round)."""
    when = dutchtime.local(results[0].checked_at) if results else ""
    cause = likely_cause(results)
    return layout.fitted(
        console,
        f"Beschikbaarheid DSO ({when})",
        [
            Column("Applicatie"),
            Column("Omgeving"),
            Column("Staat"),
            Column("HTTP", justify="right"),
            Column("Latentie", justify="right", keep=True),
            Column("Reden"),
        ],
        [
            [
                r.target.name,
                r.target.env,
                Text(r.state, style=STATE_STYLE[r.state]),
                "" if r.status is None else str(r.status),
                "" if r.latency_ms is None else f"{r.latency_ms:.0f} ms",
                r.reason,
            ]
            for r in results
        ],
        caption=summary(results) + (f"\nLET OP: {cause}." if cause else ""),
    )


def history(console: Console, start: datetime, figures: list[Availability]) -> None:
    """Per application since `start`: checks, the share available, the median latency, and planned maintenance."""
    planned = any(f.maintenance for f in figures)  # the column only when there was planned maintenance
    layout.records(
        console,
        f"Beschikbaarheid sinds {dutchtime.local(start)}",
        [
            Column("Applicatie"),
            Column("Omgeving"),
            Column("Controles", justify="right"),
            Column("Beschikbaar", justify="right", keep=True),
            Column("Mediane latentie", justify="right", keep=True),
            *([Column("In onderhoud", justify="right")] if planned else []),
        ],
        [
            [
                f.name,
                f.env,
                str(f.checks),
                percent(f.available_pct) if f.checks else "—",
                "" if f.median_latency_ms is None else f"{f.median_latency_ms:.0f} ms",
                *([str(f.maintenance)] if planned else []),
            ]
            for f in figures
        ],
    )
