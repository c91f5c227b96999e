"""`calamiteit assess`: the criteria asked (or given), the level advised, and with it the routing, whom to phone
now and whom to convene; with --incident recorded in that incident's logbook.

Thin: flags in, app.assessment gathers and briefs, app.incidents records, views.assessment (JSON) or
views.tables.assessment (people) out.
"""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError
from ..domain.language import _
from ..domain.safetext import visible
from .options import Author, ConfigDir, DataDir, Db, Json, Moment, Situation, console


def _say_line(message: str) -> None:
    sys.stderr.write(visible(message) + "\n")


def assess(
    answer: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--answer", "-a", help="Antwoord als ID=ja of ID=nee (herhaalbaar).", show_default=False),
    ] = None,
    answers_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--answers", help="YAML- of JSON-bestand: criterium-id → ja/nee.", show_default=False),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Nooit vragen; ontbrekende antwoorden zijn een fout.")
    ] = False,
    current: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--current",
            help="Het niveau waarop het incident nu staat: geeft advies op-/afschalen.",
            show_default=False,
        ),
    ] = None,
    situatie: Situation = None,
    exit_level: Annotated[
        bool, typer.Option("--exit-level", help=f"Exitcode {exitcodes.LEVEL_BASE} + niveau bij succes.")
    ] = False,
    incident: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--incident",
            help="Leg de beoordeling vast in het logboek van dit incident; zijn niveau is dan het huidige niveau.",
            show_default=False,
        ),
    ] = None,
    volg_advies: Annotated[
        bool,
        typer.Option("--volg-advies", help="Met --incident: neem het geadviseerde niveau over (zonder vraag)."),
    ] = False,
    alleen_advies: Annotated[
        bool,
        typer.Option("--alleen-advies", help="Met --incident: leg alleen het advies vast; het niveau blijft."),
    ] = False,
    alle_contacten: Annotated[
        bool,
        typer.Option("--alle-contacten", help="Toon alle contacten langs de lijnen, niet de eerste 8 per organisatie."),
    ] = False,
    auteur: Author = None,
    op: Moment = None,
    json: Json = False,
    config_dir: ConfigDir = None,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Stel de opschalingscriteria als ja/nee-vragen en adviseer een niveau, routering en contacten.

    Voorbeeld: calamiteit assess --no-input --answer snelle-besluitvorming=ja ... --current 0 --json
    """
    from ..app import assessment, configuration
    from ..domain import answers as answers_mod
    from ..domain.assessment import assess as decide
    from ..domain.routing import chosen_situation
    from . import prompt

    config = configuration.load(config_dir)
    criteria = config.criteria
    given = assessment.given(criteria, answers_file, answer or [])
    if incident is not None:  # the incident's level is the current one; its situation the default
        from ..app import incidents

        known = incidents.context(Place(data_dir, db), incident)
        if known.closed:
            raise UsageError(
                _("incident {incident} is gesloten; er kan niets meer worden vastgelegd").format(incident=incident)
            )
        if current is not None and current != known.level:
            raise UsageError(
                _("--current {current} klopt niet: incident {incident} staat op niveau {level}").format(
                    current=current, incident=incident, level=known.level
                )
            )
        current = known.level
        if situatie is None:
            situatie = known.situation
    if current is not None and criteria.level(current) is None:
        levels = ", ".join(str(lv.level) for lv in criteria.ordered)
        raise UsageError(
            _("--current {current}: onbekend niveau; kies uit {levels}").format(current=current, levels=levels)
        )
    situatie = chosen_situation(config.routing, situatie)
    todo = answers_mod.missing(criteria, given)
    if todo:
        if no_input or not prompt.stdin_is_terminal():
            raise UsageError(
                _("geen antwoord op {count} criteria: {ids}").format(count=len(todo), ids=", ".join(todo)),
                _("Geef ze met --answer ID=ja|nee of --answers BESTAND, of start in een terminal zonder --no-input."),
            )
        given.update(prompt.ask_all(criteria, todo, console(stderr=True)))
    if incident is not None:
        from ..app import incidents, logbook

        if volg_advies and alleen_advies:
            raise UsageError(_("kies --volg-advies of --alleen-advies, niet beide"))
        seen = known.level
        advised = decide(criteria, given, seen).recommended.level
        apply, asked = volg_advies, False
        if advised != seen and not (volg_advies or alleen_advies):
            move = (
                _("opschalen van niveau {before} naar {after}")
                if advised > seen
                else _("afschalen van niveau {before} naar {after}")
            ).format(before=seen, after=advised)
            if no_input or not prompt.stdin_is_terminal():
                raise UsageError(
                    _("het advies is {move}; het niveau is een besluit: er is niets vastgelegd").format(move=move),
                    _(
                        "Geef --volg-advies om het advies over te nemen, of --alleen-advies om alleen het advies vast "
                        "te leggen (besluit zelf met 'calamiteit niveau')."
                    ),
                )
            apply = prompt.confirm(
                console(stderr=True), _("Het advies is {move}. Het niveau zo wijzigen?").format(move=move)
            )
            asked = True
        result, written = incidents.record_assessment(
            Place(data_dir, db),
            incident,
            lambda level: decide(criteria, given, level),
            situatie,
            logbook.author(auteur),
            apply=apply,
            seen_level=seen if asked else None,  # a person's answer holds only for the level they were shown
        )
        outcome = ""
        if len(written) > 1:
            change = written[-1].data
            outcome = (
                _("; opschalen naar niveau {after}")
                if change["action"] == "opschalen"
                else _("; afschalen naar niveau {after}")
            ).format(after=change["after"])
        elif result.recommended.level != seen:
            outcome = _("; alleen als advies (niveau {advised}); het niveau blijft {level}").format(
                advised=result.recommended.level, level=seen
            )
        _say_line(
            _("Beoordeling vastgelegd bij incident {incident}").format(incident=written[0].incident) + f"{outcome}."
        )
    else:
        result = decide(criteria, given, current)
    from ..app import readiness

    found = assessment.brief(config, result, situatie, readiness.moment(op), asked=op is not None)  # --op: then
    if json:
        from ..views.assessment import document

        print(document(found, config))
    else:
        from ..views.tables.assessment import assessment as table

        table(console(), found, config, all_contacts=alle_contacten)
    return exitcodes.LEVEL_BASE + result.recommended.level if exit_level else exitcodes.OK
