"""The period overview for people: availability with a bar per day, usage, incidents and readiness's gaps."""

from __future__ import annotations

from rich.console import Console

from ...domain.language import _, ngettext
from ...domain.overview import Overview
from ...domain.readiness import period_name
from ..overview import ACTIONS_NOTE, MAINTENANCE_NOTE, available, bar, duration, ms, still_open, stretch, title
from . import layout
from .layout import Column
from .terminal import Text


def overview(out: Console, o: Overview) -> None:
    out.print(Text(title(o), style="bold"))
    layout.records(
        out,
        _("Beschikbaarheid"),
        [Column(_("Applicatie")), Column(_("Omgeving")), Column(_("Beschikbaar"), justify="right", keep=True),
         Column("p50 / p95", keep=True), Column(_("Langst onbeschikbaar")), Column(_("Onderhoud"), justify="right"),
         Column(_("Per dag"), keep=True)],
        [
            [a.name, a.env, available(a), f"{ms(a.median_ms)} / {ms(a.p95_ms)}",
             "—" if a.longest_down is None else stretch(a.longest_down[0], a.longest_down[1]),
             str(a.maintenance), bar(a, o.days)]
            for a in o.availability
        ],
        empty=_("Geen bewaarde controles in deze periode (calamiteit monitor --record)."),
    )
    if o.availability:
        out.print(Text(_(MAINTENANCE_NOTE), style="dim"))
    for (application, metric), days in sorted(o.usage.items()):
        low = [d for d in days if d.low]
        line = ngettext(
            "Gebruik {application}, {metric}: {total} in {n} dag",
            "Gebruik {application}, {metric}: {total} in {n} dagen",
            len(days),
        ).format(application=application, metric=metric, total=sum(d.count for d in days), n=len(days))
        if low:
            line += _("; opvallend laag op {days}").format(days=", ".join(d.day for d in low))
        out.print(Text(line))
    layout.records(
        out,
        _("Incidenten ({n})").format(n=len(o.incidents)),
        [Column(_("Incident"), keep=True), Column(_("Titel")), Column(_("Niveaus"), keep=True), Column(_("Duur")),
         Column(_("Sitraps"), justify="right"), Column(_("Acties gereed (te laat) / open"))],
        [
            [i.id, i.title, "→".join(map(str, i.path)), duration(i.duration_min) if i.closed_at else still_open(),
             str(i.sitraps), f"{i.done} ({i.done_late}) / {i.open}"]
            for i in o.incidents
        ],
        empty=_("Geen incidenten in deze periode."),
    )
    if o.broken:
        out.print(Text(o.broken_line(), style="bold red"))
    if o.incidents:
        out.print(Text(_(ACTIONS_NOTE), style="dim"))
    layout.records(
        out,
        _("Paraatheid: ongedekte tijd"),
        [Column(_("Organisatie")), Column(_("Laag")), Column(_("Periode")), Column(_("Gaten"), justify="right"),
         Column(_("Ongedekt"), keep=True)],
        [[s.name, s.tier, period_name(s.period), str(s.gaps), duration(s.minutes)] for s in o.readiness],
        empty=_("Alle eisen waren de hele periode gedekt."),
    )
