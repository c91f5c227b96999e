"""`check` for people: which file of each kind is used and where it was found."""

from __future__ import annotations

from rich.console import Console

from ...adapters.config import Source, shown
from . import layout
from .layout import Column
from .terminal import Text

KINDS = {  # the kinds' ids (JSON, code) as a person names the file's content
    "criteria": "criteria",
    "contacts": "contacten",
    "routing": "routering",
    "reporting": "sitraps",
    "monitor": "monitoring",
    "readiness": "paraatheid",
    "teams": "teams",
    "logbook": "logboek",
    "callout": "oproep",
    "maintenance": "onderhoud",
}


def check(console: Console, sources: list[Source], summary: str | None) -> None:
    layout.records(
        console,
        "Gebruikte bestanden",
        [Column("Soort"), Column("Bestand", keep=True), Column("Gevonden in")],
        [[KINDS.get(s.kind, s.kind), shown(s.path), s.origin] for s in sources],
    )
    if summary:
        console.print(Text(summary, style="green"))
