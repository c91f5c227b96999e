"""`calamiteit overzicht`: availability, usage, incidents and their handling, and readiness over a period."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..app.logbook import Place
from ..domain import exitcodes
from ..views.jsondoc import dumps
from .options import ConfigDir, DataDir, Db, Json, console

if TYPE_CHECKING:
    from ..domain.overview import Overview


class Format(StrEnum):
    tabel = "tabel"
    md = "md"
    json = "json"
    html = "html"


def overzicht(
    van: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--van", help="Begin (JJJJ-MM-DD [HH:MM]); standaard 7 dagen voor --tot.", show_default=False),
    ] = None,
    tot: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--tot", help="Einde; een datum telt mee. Standaard: nu.", show_default=False),
    ] = None,
    format_: Annotated[
        Format, typer.Option("--format", help="tabel, md (voor de partners), json of html (één bestand, grafieken).")
    ] = Format.tabel,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Schrijf naar dit bestand (in één keer).", show_default=False),
    ] = None,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Overzicht over een periode: beschikbaarheid, gebruik, incidenten en afhandeling, paraatheid.

    Beschikbaarheid uit de bewaarde controles (monitor --record; gepland onderhoud apart), gebruik uit de
    ingelezen cijfers (gebruik import; opvallend lage dagen gemarkeerd), incidenten uit het logboek, paraatheid
    als ongedekte tijd per eis. Voorbeeld: calamiteit overzicht --van 2024-01-01 --tot 2024-02-29 --format md
    """
    from ..adapters import clock
    from ..app import configuration
    from ..app import overview as use

    config = configuration.load(config_dir)
    start, end = use.period(van, tot, clock.now())
    found = use.gather(config, Place(data_dir, db, config_dir), start, end)
    chosen = Format.json if json else format_
    if chosen is Format.tabel and output is None:
        _table(found)
        return exitcodes.OK
    from ..domain import overview

    if chosen is Format.html:
        from ..views.overview_html import page

        text = page(found)
    else:
        text = dumps("overview", document(found)) + "\n" if chosen is Format.json else overview.markdown(found)
    if output is None:
        print(text, end="")
    else:
        from ..adapters.output_files import write_atomic

        write_atomic(output, text)
        console(stderr=True).print(f"Geschreven: {output}", markup=False)
    return exitcodes.OK


def document(o: "Overview") -> dict[str, Any]:
    from ..domain import dutchtime

    return {
        "from": dutchtime.stamp(o.start),
        "to": dutchtime.stamp(o.end),
        "availability": [
            {
                "name": a.name,
                "env": a.env,
                "checks": a.checks,
                "available_pct": a.share,
                "median_ms": a.median_ms,
                "p95_ms": a.p95_ms,
                "maintenance_checks": a.maintenance,
                "longest_unavailable": None if a.longest_down is None else {
                    "first": a.longest_down[0], "last": a.longest_down[1], "checks": a.longest_down[2]
                },
                "days": {day: {"checks": c, "up": u} for day, (c, u) in sorted(a.days.items())},
            }
            for a in o.availability
        ],
        "usage": [
            {"application": app, "metric": metric,
             "days": [{"day": d.day, "count": d.count, "usual": d.usual, "low": d.low} for d in days]}
            for (app, metric), days in sorted(o.usage.items())
        ],
        "incidents": {
            "by_highest_level": {str(k): v for k, v in o.by_level().items()},
            "list": [vars(i) | {"path": list(i.path)} for i in o.incidents],
        },
        "readiness": [vars(s) for s in o.readiness],
    }


def _table(o: "Overview") -> None:
    from ..domain import dutchtime
    from ..domain.overview import duration, ms, percent
    from ..views.tables import layout
    from ..views.tables.layout import Column
    from ..views.tables.terminal import Text

    out = console()
    out.print(Text(f"Overzicht {dutchtime.local(o.start)} tot {dutchtime.local(o.end)}", style="bold"))
    layout.records(
        out,
        "Beschikbaarheid",
        [Column("Applicatie"), Column("Omgeving"), Column("Beschikbaar", justify="right", keep=True),
         Column("p50 / p95", keep=True), Column("Langst onbeschikbaar"), Column("Per dag", keep=True)],
        [
            [a.name, a.env, percent(a.share), f"{ms(a.median_ms)} / {ms(a.p95_ms)}",
             "—" if a.longest_down is None else
             f"{dutchtime.local(a.longest_down[0])} tot {dutchtime.local(a.longest_down[1])}",
             a.bar(o.days)]
            for a in o.availability
        ],
        empty="Geen bewaarde controles in deze periode (calamiteit monitor --record).",
    )
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
    layout.records(
        out,
        "Paraatheid: ongedekte tijd",
        [Column("Organisatie"), Column("Laag"), Column("Periode"), Column("Gaten", justify="right"),
         Column("Ongedekt", keep=True)],
        [[s.org, s.tier, s.period or "—", str(s.gaps), duration(s.minutes)] for s in o.readiness],
        empty="Alle eisen waren de hele periode gedekt.",
    )
