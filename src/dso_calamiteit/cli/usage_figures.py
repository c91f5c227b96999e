"""`calamiteit gebruik import FILE`: usage figures of the applications into the logbook database."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

from pathlib import Path
from typing import Annotated

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.language import _, counted
from .options import ConfigDir, DataDir, Db, Json, console

usage_app = typer.Typer(
    help="Gebruikscijfers van de DSO-applicaties, bewaard in het logboek (SQLite of PostgreSQL).", no_args_is_help=True
)


@usage_app.command("import")
def usage_import(
    file: Annotated[Path, typer.Argument(help="CSV met kopregel: datum;applicatie;metriek;aantal.")],
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Lees gebruikscijfers in (CSV, ';' of ','; datums als 2024-01-15 of 15-01-2024), alles of niets.

    Opnieuw inlezen van dezelfde regels verandert niets; een ander aantal voor dezelfde dag, applicatie en
    metriek vervangt het oude (een correctie). Een applicatie die config/monitor.yaml niet kent, wordt gemeld
    en toch bewaard. Een fout bestand (datum, aantal, dubbele regel, geen UTF-8) noemt de regels, exitcode 2.
    Voorbeeld: calamiteit gebruik import gebruik-januari.csv
    """
    from ..app import configuration, usage_figures

    monitor = configuration.load(config_dir).monitor
    done = usage_figures.import_file(Place(data_dir, db, config_dir), file, monitor)
    if json:
        from ..views.usage_figures import import_document

        print(import_document(file, done))
    err = console(stderr=True)
    for warning in done.warnings:
        err.print(_("Let op: applicatie {name}").format(name=warning), markup=False)
    if not json:
        err.print(
            _("{rows} gelezen: {new} nieuw, {changed} bijgewerkt, {known} al bekend.").format(
                rows=counted(done.rows, "regel", "regels"),
                new=done.new,
                changed=done.changed,
                known=done.rows - done.new - done.changed,
            ),
            markup=False,
        )
    return exitcodes.OK
