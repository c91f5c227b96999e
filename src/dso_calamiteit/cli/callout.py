"""`calamiteit oproep`: the convocation for the incident's level, shown, and with --verstuur sent and recorded.

Thin: flags in, app.callout composes (worded by views.callout) and sends, the preview, a table or JSON out.
`rapport --verstuur` (cli/sitrap.py) goes through the same functions.
"""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError
from .options import Author, ConfigDir, DataDir, Db, Json, Moment, Send, Yes, console

if TYPE_CHECKING:
    from ..app.callout import Composed, Sent

Everyone = Annotated[
    bool, typer.Option("--allen", help="Ook naar wie deze oproep eerder al ontving (anders alleen wie hem miste).")
]


def oproep(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    verstuur: Send = False,
    ja: Yes = False,
    allen: Everyone = False,
    json: Json = False,
    auteur: Author = None,
    op: Moment = None,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Roep het team van het huidige niveau op: rollen, wie nu bereikbaar is, advies, sitrap, bijeenkomen.

    Zonder --verstuur wordt alleen getoond wat naar wie zou gaan. Met --verstuur gaat het via de kanalen uit
    config/oproep.yaml (e-mail, Teams, een eigen webhook) en legt het logboek per ontvanger de uitkomst vast.
    Exitcode 8 als niet iedereen het via al zijn kanalen kreeg; opnieuw draaien verstuurt alleen wat mislukte.
    Voorbeeld: calamiteit oproep 2026-001 --verstuur
    """
    from ..app import callout, configuration, logbook, readiness
    from ..views import callout as words

    if op is not None and verstuur:
        raise UsageError("--op toont wie er op een ander moment bereikbaar is; versturen gaat altijd over nu")
    config = configuration.load(config_dir)
    where, author = Place(data_dir, db, config_dir), logbook.author(auteur)
    at = readiness.moment(op)  # without --op: now, as before
    composed = callout.compose(config, where, incident, at, words.message, author=author, everyone=allen)
    if not verstuur:
        if json:
            print(words.document(composed, None))
        else:
            words.preview(sys.stdout, composed.plan, {o.id: o.name for o in config.contacts.organisations})
            sys.stderr.write("Niets verstuurd: --verstuur verstuurt.\n")
        return exitcodes.OK
    if not confirmed(composed, ja):
        return exitcodes.OK
    sent = callout.send(config, where, composed, author)
    show(sent, json)
    return sent.exit_code


def confirmed(composed: "Composed", yes: bool) -> bool:
    """On a terminal, one question naming how many and how; a runbook (no terminal, or --ja) is not asked."""
    from . import prompt

    plan = composed.plan
    if yes or not prompt.stdin_is_terminal() or not plan.routes:
        return True
    channels = len(plan.routes)
    question = f"Versturen naar {plan.count} ontvanger(s) via {channels} kana{'al' if channels == 1 else 'len'}?"
    if prompt.confirm(console(stderr=True), question):
        return True
    console(stderr=True).print("Niets verstuurd.", markup=False)
    return False


def show(sent: "Sent", json: bool) -> None:
    """What came of the deliveries: the JSON document, or a table and one line (on stdout and stderr)."""
    if json:
        from ..views.callout import document

        print(document(sent.composed, sent))
        return
    from ..views.tables.callout import result

    entry = f"regel {sent.entry.n} van {sent.entry.incident}" if sent.entry else "?"
    result(console(), console(stderr=True), sent.deliveries, sent.complete, entry)
