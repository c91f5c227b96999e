"""The monitor for people: one round as a table that fits the terminal, and the history per application."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType

from ...domain import dutchtime
from ...domain.language import N_, _
from ...domain.monitoring import likely_cause, summary
from ...domain.words import percent
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...domain.monitoring import Availability, Result

STATE_STYLE = {"beschikbaar": "green", "traag": "yellow", "onbeschikbaar": "bold red", "onderhoud": "blue"}


SUMMARY_FROM = 50  # a round with more targets shows what is not available in full and the rest per application
SEVERITY = {"onbeschikbaar": 0, "traag": 1, "onderhoud": 2, "beschikbaar": 3}
ALLES_HINT = N_("Alle doelen in de tabel: calamiteit monitor --alles.")
# a state as shown (the state itself is an id: JSON, the store and the exit code read it)
STATE_SHOWN = {
    "beschikbaar": N_("beschikbaar"),
    "traag": N_("traag"),
    "onbeschikbaar": N_("onbeschikbaar"),
    "onderhoud": N_("onderhoud"),
}


def round_table(console: Console, results: list[Result], alles: bool = False) -> RenderableType:
    """One round, fitted to the console's width (a live table redraws it every round).

    Up to SUMMARY_FROM targets (or with `--alles`) every target is a row, in the configured order. Above that,
    the targets that are not available come first and in full (unavailable, slow, maintenance), and the available
    ones are one line per application with their environments: a thousand rows help nobody, and Rich takes
    seconds to lay them out."""
    when = dutchtime.local(results[0].checked_at) if results else ""
    title = _("Beschikbaarheid DSO ({moment})").format(moment=when)
    cause = likely_cause(results)
    caption = summary(results) + ("\n" + _("LET OP: {cause}.").format(cause=_(cause)) if cause else "")
    if alles or len(results) <= SUMMARY_FROM:
        return _rows(console, title, results, caption)
    shown = sorted((r for r in results if r.state != "beschikbaar"), key=lambda r: SEVERITY[r.state])
    healthy: dict[str, list[str]] = {}
    for r in results:
        if r.state == "beschikbaar":
            healthy.setdefault(r.target.name, []).append(r.target.env)
    parts: list[RenderableType] = []
    if shown:
        parts.append(_rows(console, title, shown, None))
    else:
        parts.append(Text(f"{title}\n", style="bold"))
    if healthy:
        head = _("Beschikbaar ({count}), per applicatie:").format(count=sum(map(len, healthy.values())))
        parts.append(_packed(head, healthy, console.width))
    parts.append(Text(f"\n{caption}\n{_(ALLES_HINT)}", style="dim"))
    return Group(*parts)


def _packed(head: str, healthy: dict[str, list[str]], width: int) -> Text:
    """The available applications as "naam (prod, pre)", as many to a line as fit; an item is never broken over
    two lines (one wider than the screen gets a line of its own and the terminal wraps it)."""
    out = Text(head, style="green")
    used, first = len(head), True
    for name, envs in healthy.items():
        item = Text(name).append(f" ({', '.join(envs)})", style="dim")  # Text: the name escaped before measuring
        sep = " " if first else ", "
        if used + len(sep) + len(item) + 1 > width and used > 0:  # + 1: the comma that may follow it
            out.append("\n" if first else ",\n")
            used, sep = 0, ""
        out.append(sep).append(item)
        used += len(sep) + len(item)
        first = False
    return out


def _rows(console: Console, title: str, results: list[Result], caption: str | None) -> RenderableType:
    return layout.fitted(
        console,
        title,
        [
            Column(_("Applicatie")),
            Column(_("Omgeving")),
            Column(_("Staat")),
            Column("HTTP", justify="right"),
            Column(_("Latentie"), justify="right", keep=True),
            Column(_("Reden")),
        ],
        [
            [
                r.target.name,
                r.target.env,
                Text(_(STATE_SHOWN[r.state]), style=STATE_STYLE[r.state]),
                "" if r.status is None else str(r.status),
                "" if r.latency_ms is None else f"{r.latency_ms:.0f} ms",
                r.reason.text(),
            ]
            for r in results
        ],
        caption=caption,
    )


def history(console: Console, start: datetime, figures: list[Availability]) -> None:
    """Per application since `start`: checks, the share available, the median latency, and planned maintenance."""
    planned = any(f.maintenance for f in figures)  # the column only when there was planned maintenance
    layout.records(
        console,
        _("Beschikbaarheid sinds {moment}").format(moment=dutchtime.local(start)),
        [
            Column(_("Applicatie")),
            Column(_("Omgeving")),
            Column(_("Controles"), justify="right"),
            Column(_("Beschikbaar"), justify="right", keep=True),
            Column(_("Mediane latentie"), justify="right", keep=True),
            *([Column(_("In onderhoud"), justify="right")] if planned else []),
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
