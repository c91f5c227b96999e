"""`calamiteit paraatheid` and `calamiteit team`: who is reachable, which desks are open, where cover is missing.

Thin: flags in, one use case of app.readiness, render_readiness or document out.
"""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..adapters import clock
from ..domain import exitcodes
from ..domain.errors import UsageError, suggest
from ..domain.language import _, counted
from .options import ConfigDir, Json, Moment, PeriodFrom, PeriodTo, console

ICS_WEEKS = 12


def paraatheid(
    op: Moment = None,
    van: PeriodFrom = None,
    tot: PeriodTo = None,
    ics: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--ics", help="Schrijf de piketroosters als iCalendar-bestand.", show_default=False),
    ] = None,
    prometheus: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--prometheus",
            help="Schrijf ook per eis of die nu gedekt is, als Prometheus-tekstbestand (atomair).",
            show_default=False,
        ),
    ] = None,
    json: Json = False,
    config_dir: ConfigDir = None,
) -> int:
    """Paraatheid: wie bereikbaar is, welke desks open zijn, en welke eisen niet gedekt zijn.

    Zonder --van/--tot: de stand op één moment (--op, standaard nu). Met --van en --tot: elk gat in de
    dekking over die periode (exitcode 7 bij gaten). Met --ics: de piketroosters als agenda.
    Voorbeeld: calamiteit paraatheid --van 2024-01-01 --tot 2024-02-29
    """
    from ..app import configuration, readiness

    config = configuration.load(config_dir)
    if (van is None) != (tot is None):
        raise UsageError(_("geef --van en --tot samen"))
    if van is not None and tot is not None:
        start, end = readiness.period(van, tot)
    else:
        start = readiness.moment(op)
        end = start + timedelta(weeks=ICS_WEEKS)
    if ics is not None:
        from ..adapters.output_files import write_atomic
        from ..domain import dutchtime
        from ..views.readiness import ics as calendar_text

        events = readiness.calendar(config, start, end)
        write_atomic(ics, calendar_text(events, clock.now()))
        console(stderr=True).print(
            _("{count} geschreven naar {path} ({start} tot {end}).").format(
                count=counted(len(events), "afspraak", "afspraken"),
                path=ics,
                start=dutchtime.local(start),
                end=dutchtime.local(end),
            )
        )
        return exitcodes.OK
    if van is not None:
        found = readiness.gaps(config, start, end)
        if json:
            from ..views.readiness import gaps_document

            print(gaps_document(found, start, end))
        else:
            from ..views.tables import readiness as render_readiness

            names = {o.id: o.name for o in config.contacts.organisations}
            render_readiness.gaps(console(), found, start, end, names)
        return exitcodes.READINESS_GAPS if found else exitcodes.OK
    standing = readiness.at_moment(config, start)
    if prometheus is not None:
        readiness.export(standing, prometheus)
    if json:
        from ..views.readiness import moment_document

        print(moment_document(standing))
    else:
        from ..views.tables import readiness as render_readiness

        render_readiness.moment(console(), standing, config, asked=op is not None)
    return exitcodes.READINESS_GAPS if standing.unmet else exitcodes.OK


def team(
    name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="Team (bijvoorbeeld OCT); zonder: alle teams.", show_default=False),
    ] = None,
    op: Moment = None,
    json: Json = False,
    config_dir: ConfigDir = None,
) -> int:
    """Toon de samenstelling van een team met per rol wie nu bereikbaar is.

    Voorbeeld: calamiteit team OCT
    """
    from ..app import configuration, readiness

    config = configuration.load(config_dir)
    teams = list(config.teams.teams)
    if name is not None:
        from ..domain.contacts import pick

        chosen = pick(name, [(t.id, t.name) for t in teams])
        found = config.teams.team(chosen) if chosen else None
        if found is None:
            ids = [t.id for t in teams]
            raise UsageError(
                _("onbekend team '{name}'.").format(name=name) + suggest(name, ids),
                _("Kies uit: {choices}.").format(choices=", ".join(ids)),
            )
        teams = [found]
    at = readiness.moment(op)
    rows = {t.id: readiness.convene(config, t.id, at) for t in teams}
    if json:
        from ..views.readiness import teams_document

        print(teams_document(rows))
    else:
        from ..views.tables.readiness import team_table

        out = console()
        for t in teams:
            names = {o.id: o.name for o in config.contacts.organisations}
            team_table(out, t.name, t.id, rows[t.id], at if op is not None else None, names)
    return exitcodes.OK
