"""`calamiteit oproep`: the convocation for the incident's level, shown, and with --verstuur sent and recorded.

Thin: flags in, app.callout composes and sends, render_callout or JSON out. `rapport --verstuur` (logbook_cli)
goes through the same functions.
"""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..app.logbook import Place
from ..domain import exitcodes
from ..views.jsondoc import dumps
from .options import Author, ConfigDir, DataDir, Db, Json, console

if TYPE_CHECKING:
    from ..app.callout import Composed, Sent

Send = Annotated[
    bool, typer.Option("--verstuur", help="Verstuur werkelijk (zonder: alleen tonen wat naar wie zou gaan).")
]
Yes = Annotated[bool, typer.Option("--ja", help="Niet om bevestiging vragen (een terminal vraagt het anders).")]
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
    from ..adapters import clock
    from ..app import callout, configuration, logbook

    config = configuration.load(config_dir)
    where, author = Place(data_dir, db, config_dir), logbook.author(auteur)
    composed = callout.compose(config, where, incident, clock.now(), author=author, everyone=allen)
    if not verstuur:
        if json:
            print(dumps("callout", document(composed, None)))
        else:
            import sys

            from ..views import callout as render_callout

            render_callout.preview(sys.stdout, composed.plan, {o.id: o.name for o in config.contacts.organisations})
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
    if json:
        print(dumps("callout", document(sent.composed, sent)))
        return
    from ..views import callout as render_callout

    entry = f"regel {sent.entry.n} van {sent.entry.incident}" if sent.entry else "?"
    render_callout.result(console(), console(stderr=True), sent.deliveries, sent.complete, entry)


def document(composed: "Composed", sent: "Sent | None") -> dict[str, Any]:
    plan = composed.plan
    m = plan.message
    body: dict[str, Any] = {
        "sent": sent is not None,
        "incident": m.incident,
        "purpose": m.purpose,
        "level": m.level,
        "report": m.report,
        "subject": m.subject,
        "text": m.markdown,
        "routes": {ch: [{"recipient": r.key, "name": r.name, "role": r.role, "org": r.org} for r in rs]
                   for ch, rs in plan.routes.items()},
        "already": [d.as_json() for d in plan.already],
        "unreachable": [d.as_json() for d in plan.unreachable],
        "nobody_reachable": plan.nobody,
    }
    if sent is not None:
        body["deliveries"] = [d.as_json() for d in sent.deliveries]
        body["complete"] = sent.complete
        body["entry"] = sent.entry.n if sent.entry else None
    return body
