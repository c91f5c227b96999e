"""`calamiteit check` (every file the tool would use, and the logbook's chains) and `calamiteit schema` (the
JSON Schema of each file kind)."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

from typing import Annotated, Optional

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError, suggest
from ..domain.language import _, counted
from ..domain.safetext import visible
from .options import ConfigDir, DataDir, Db, Json, console


def check(json: Json = False, config_dir: ConfigDir = None, data_dir: DataDir = None, db: Db = None) -> int:
    """Controleer alle YAML-bestanden en het logboek; meld elk probleem als bestand:regel:kolom.

    Het logboek wordt, als het bestaat, op zijn hashketen gecontroleerd (exitcode 4 bij een breuk).
    Voorbeeld: calamiteit check --config-dir ./mijn-config
    """
    from ..app import configuration, logbook

    files = configuration.check(config_dir)
    book = logbook.check(Place(data_dir, db))
    problems = files.problems + book.unusable + book.broken
    if json:
        from ..views.configuration import document

        print(document(files.sources, problems, files.warnings, files.disagreements))
    else:
        from ..views.tables.configuration import check as table

        table(console(), files.sources, files.summary)
        print(visible(book.note))
        for w in files.warnings:  # through Rich: wrapped to the terminal's width, never markup
            own = w.startswith(("waarschuwing", _("waarschuwing")))  # own files vs defaults say it themselves
            said = w if own else _("Let op: {warning}").format(warning=w)
            console().print(visible(said), markup=False, highlight=False)
        for p in problems:
            print(visible(str(p)))
        if problems:
            print(_("{problems} gevonden.").format(problems=counted(len(problems), "probleem", "problemen")))
    if files.problems or book.unusable:
        return exitcodes.CONFIG
    return exitcodes.TAMPERED if book.broken else exitcodes.OK


def schema(
    kind: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(
            help="criteria, contacts, routing, rapport, monitor, paraatheid, teams, logboek, oproep of onderhoud "
            "(de bestandsnamen; ook de Engelse namen reporting, readiness, logbook, callout en maintenance); "
            "zonder: alle.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Print het JSON Schema van een YAML-bestand, voor editors (yaml-language-server) en controle.

    Voorbeeld: calamiteit schema contacts > contacts.schema.json
    """
    from ..adapters.config.validation import MODELS, json_schema
    from ..views.configuration import schemas

    dutch = {
        "rapport": "reporting",
        "paraatheid": "readiness",
        "routering": "routing",
        "contacten": "contacts",
        "logboek": "logbook",
        "oproep": "callout",
        "onderhoud": "maintenance",
    }
    if kind is not None:
        kind = dutch.get(kind.casefold(), kind.casefold())
    if kind is not None and kind not in MODELS:
        names = [
            "criteria", "contacts", "routing", "rapport", "monitor", "paraatheid", "teams", "logboek", "oproep",
            "onderhoud",
        ]
        raise UsageError(
            _("onbekende soort '{kind}'.").format(kind=kind) + suggest(kind, names),
            _("Kies uit: {choices}.").format(choices=", ".join(names)),
        )
    body = json_schema(kind) if kind else {k: json_schema(k) for k in MODELS}
    print(schemas(body))
    return exitcodes.OK
