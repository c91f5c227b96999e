"""`calamiteit overzicht`: availability, usage, incidents and their handling, and readiness over a period."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ..adapters import clock
from ..app.place import Place
from ..domain import exitcodes

if TYPE_CHECKING:
    from ..domain.overview import Overview

from .options import ConfigDir, DataDir, Db, Json, Output, PeriodFrom, PeriodTo, console, emit


class Format(StrEnum):
    tabel = "tabel"
    md = "md"
    json = "json"
    html = "html"


def overzicht(
    van: PeriodFrom = None,
    tot: PeriodTo = None,
    format_: Annotated[
        Format, typer.Option("--format", help="tabel, md (voor de partners), json of html (één bestand, grafieken).")
    ] = Format.tabel,
    output: Output = None,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Overzicht over een periode: beschikbaarheid, gebruik, incidenten en afhandeling, paraatheid.

    Zonder --tot tot nu, zonder --van de 7 dagen voor --tot. Beschikbaarheid uit de bewaarde controles (monitor
    --record; gepland onderhoud apart), gebruik uit de ingelezen cijfers (gebruik import; opvallend lage dagen
    gemarkeerd), incidenten uit het logboek, paraatheid als ongedekte tijd per eis.
    Voorbeeld: calamiteit overzicht --van 2024-01-01 --tot 2024-02-29 --format md
    """
    from ..app import configuration
    from ..app import overview as use

    config = configuration.load(config_dir)
    start, end = use.period(van, tot, clock.now())
    found = use.gather(config, Place(data_dir, db, config_dir), start, end)
    chosen = Format.json if json else format_
    if chosen is Format.tabel and output is None:
        from ..views.tables.overview import overview as table

        table(console(), found)
        return _alarm(found)
    from ..views import overview

    written = {Format.html: overview.page, Format.json: overview.document}.get(chosen, overview.markdown)
    emit(written(found), output)
    return _alarm(found)


def _alarm(found: "Overview") -> int:
    """Incidents whose chain does not verify were counted apart: said on stderr, and exit 4."""
    if not found.broken:
        return exitcodes.OK
    from .incidents import _alarm as said

    return said(found.broken)
