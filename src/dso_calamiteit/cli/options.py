"""Options that several commands share, defined once so their flags and help read the same everywhere."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

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
Moment = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--op", help="Moment: HH:MM (vandaag) of JJJJ-MM-DD HH:MM, Nederlandse tijd; standaard nu.", show_default=False
    ),
]


def console(stderr: bool = False) -> "Console":
    """The safe console of terminal.py (imported here on first use: Rich is heavy)."""
    from ..views.terminal import console as make

    return make(stderr)
