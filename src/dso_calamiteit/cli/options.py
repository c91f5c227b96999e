"""Options that several commands share, defined once so their flags and help read the same everywhere, and the
two ways a command speaks: its result (stdout or --output) and a message (stderr)."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..domain.language import _

if TYPE_CHECKING:
    from rich.console import Console

ConfigDir = Annotated[
    Optional[Path],  # noqa: UP045 - typer 0.28 needs Optional on Python 3.11
    typer.Option(
        "--config-dir",
        help="Map met eigen YAML-bestanden, ingedeeld als de repository (criteria.yaml, contacts.yaml, config/…); "
        "anders CALAMITEIT_CONFIG_DIR, de huidige map, de gebruikersmap, de standaard.",
        show_default=False,
    ),
]
DataDir = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--data-dir",
        help="Map van het logboek (anders CALAMITEIT_DATA_DIR, anders de gebruikersdatamap).",
        show_default=False,
    ),
]
Db = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--db",
        help="Het logboek: een pad, sqlite:///pad of postgresql://gebruiker@host/database (gedeeld logboek); "
        "anders CALAMITEIT_DB. Nooit een wachtwoord hier: PGPASSWORD, ~/.pgpass of PGSERVICE.",
        show_default=False,
    ),
]
Author = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--auteur", help="Wie dit vastlegt (anders CALAMITEIT_AUTEUR, anders de loginnaam).", show_default=False
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Eén JSON-document op stdout, voor scripts.")]


def understood(value: str | None) -> str | None:
    """Every flag that takes a moment: read while parsing (a refusal comes first), a choice made is said."""
    if value is not None:
        from ..adapters import clock
        from ..domain import dutchtime

        note = dutchtime.read(value, clock.now()).note
        if note:
            say(note)
    return value


Moment = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--op",
        help="Moment, Nederlandse tijd: HH:MM (vandaag), 'zo 14:00', 'morgen 08:00', '+30m' of JJJJ-MM-DD HH:MM; "
        "standaard nu.",
        show_default=False,
        callback=understood,
    ),
]


Output = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--output", "-o", help="Schrijf naar dit bestand in plaats van stdout (in één keer, nooit half).",
        show_default=False,
    ),
]
Insist = Annotated[
    bool,
    typer.Option("--toch", help="Ook als de hashketen niet klopt (het resultaat zegt dat dan als eerste)."),
]
PeriodFrom = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--van",
        help="Begin van de periode: JJJJ-MM-DD [HH:MM], 'ma 08:00' of 'gisteren', Nederlandse tijd.",
        show_default=False,
        callback=understood,
    ),
]
PeriodTo = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--tot",
        help="Einde van de periode; een datum of dag alleen ('2026-12-06', 'zondag') telt als hele dag mee.",
        show_default=False,
        callback=understood,
    ),
]
Situation = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--situatie", help="Situatie voor de routering, id of titel (zie `calamiteit routes`).", show_default=False
    ),
]
Send = Annotated[
    bool,
    typer.Option(
        "--verstuur",
        help="Verstuur naar het team van het niveau, via de kanalen van config/oproep.yaml; per ontvanger "
        "vastgelegd, exitcode 8 als niet alles aankwam.",
    ),
]
Yes = Annotated[
    bool, typer.Option("--ja", help="Met --verstuur: niet om bevestiging vragen (een terminal vraagt het anders).")
]


def console(stderr: bool = False) -> "Console":
    """The safe console of views/tables/terminal.py (imported here on first use: Rich is heavy)."""
    from ..views.tables.terminal import console as make

    return make(stderr)


def say(message: str) -> None:
    """One message for the operator, on stderr (stdout holds only the result)."""
    console(stderr=True).print(message)


def emit(text: str, output: Path | None) -> None:
    """The result: on stdout, or with --output written to that file at once (a reader never sees half)."""
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    from ..adapters.output_files import is_stdout, write_atomic

    write_atomic(output, text)
    if not is_stdout(output):
        say(_("Geschreven: {path}").format(path=output))
