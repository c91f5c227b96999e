"""`calamiteit incident export` and `incident import`: an incident handed over whole, and taken in only when
every entry obeys the rules and its chain verifies (registered on `incident` by incidents.py)."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.language import _, ngettext
from .options import ConfigDir, DataDir, Db, Insist, Output, say


def incident_export(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    output: Output = None,
    toch: Insist = False,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Exporteer een incident volledig als JSON, voor overdracht en evaluatie.

    Een incident waarvan de hashketen niet klopt wordt niet geëxporteerd (exitcode 4), tenzij met --toch.
    Voorbeeld: calamiteit incident export 2026-001 -o 2026-001.json
    """
    from ..app import handover
    from ..views.incidents import write_export

    with handover.exporting(Place(data_dir, db), incident, insist=toch) as (summary, faults, entries):
        if output is None:  # streamed: a million entries are never one string in memory
            write_export(summary, faults, entries, sys.stdout.write)
            return exitcodes.OK
        from ..adapters.output_files import is_stdout, streamed_atomic

        with streamed_atomic(output) as write:
            write_export(summary, faults, entries, write)
    if not is_stdout(output):
        say(_("Geschreven: {path}").format(path=output))
    return exitcodes.OK


def incident_import(
    file: Annotated[Path, typer.Argument(help="Een bestand van `calamiteit incident export`.")],
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Lees een geëxporteerd incident in; geweigerd als de hashketen niet klopt.

    Voorbeeld: calamiteit incident import 2026-001.json
    """
    from ..app import configuration, handover

    state, new = handover.import_incident(Place(data_dir, db), configuration.load(config_dir).criteria, file)
    print(state.id)
    if new == state.entries:
        said = ngettext(
            "Incident {id} ingelezen: {n} regel, hashketen klopt.",
            "Incident {id} ingelezen: {n} regels, hashketen klopt.",
            state.entries,
        )
        say(said.format(id=state.id, n=state.entries))
    elif new:
        said = ngettext(
            "Incident {id} bijgewerkt: {new} nieuwe regel (nu {n}), hashketen klopt.",
            "Incident {id} bijgewerkt: {new} nieuwe regels (nu {n}), hashketen klopt.",
            new,
        )
        say(said.format(id=state.id, new=new, n=state.entries))
    else:
        said = _("Incident {id} stond al in dit logboek, met alle {n} regels; niets ingelezen.")
        say(said.format(id=state.id, n=state.entries))
    return exitcodes.OK
