"""The period overview for people: availability with a bar per day, usage, incidents and readiness's gaps."""

from __future__ import annotations

from rich.console import Console

from ...domain import dutchtime
from ...domain.overview import Overview, period_label
from ...domain.readiness import period_name
from ..overview import ACTIONS_NOTE, MAINTENANCE_NOTE, available, bar, duration, ms
from . import layout
from .layout import Column
from .terminal import Text


def overview(out: Console, o: Overview) -> None:
    out.print(Text(f"Overzicht {period_label(o.start, o.end)}", style="bold"))
    layout.records(
        out,
        "Beschikbaarheid",
        [Column("Applicatie"), Column("Omgeving"), Column("Beschikbaar", justify="right", keep=True),
         Column("p50 / p95", keep=True), Column("Langst onbeschikbaar"), Column("Onderhoud", justify="right"),
         Column("Per dag", keep=True)],
        [
            [a.name, a.env, available(a), f"{ms(a.median_ms)} / {ms(a.p95_ms)}",
             "—" if a.longest_down is None else
             f"{dutchtime.local(a.longest_down[0])} tot {dutchtime.local(a.longest_down[1])}",
             str(a.maintenance), bar(a, o.days)]
            for a in o.availability
        ],
        empty="Geen bewaarde controles in deze periode (calamiteit monitor --record).",
    )
    if o.availability:
        out.print(Text(MAINTENANCE_NOTE, style="dim"))
    for (application, metric), days in sorted(o.usage.items()):
        low = [d for d in days if d.low]
        note = f"; opvallend laag op {', '.join(d.day for d in low)}" if low else ""
        out.print(Text(f"Gebruik {application}, {metric}: {sum(d.count for d in days)} in {len(days)} dagen{note}"))
    layout.records(
        out,
        f"Incidenten ({len(o.incidents)})",
        [Column("Incident", keep=True), Column("Titel"), Column("Niveaus", keep=True), Column("Duur"),
         Column("Sitraps", justify="right"), Column("Acties gereed (te laat) / open")],
        [
            [i.id, i.title, "→".join(map(str, i.path)), duration(i.duration_min) if i.closed_at else "nog open",
             str(i.sitraps), f"{i.done} ({i.done_late}) / {i.open}"]
            for i in o.incidents
        ],
        empty="Geen incidenten in deze periode.",
    )
    if o.broken:
        out.print(Text(o.broken_line(), style="bold red"))
    if o.incidents:
        out.print(Text(ACTIONS_NOTE, style="dim"))
    layout.records(
        out,
        "Paraatheid: ongedekte tijd",
        [Column("Organisatie"), Column("Laag"), Column("Periode"), Column("Gaten", justify="right"),
         Column("Ongedekt", keep=True)],
        [[s.name, s.tier, period_name(s.period), str(s.gaps), duration(s.minutes)] for s in o.readiness],
        empty="Alle eisen waren de hele periode gedekt.",
    )
