"""`db copy` for people: per incident how many entries, how many new, and whether its chain holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...app.database import Copied


def copied(out: Console, done: Copied) -> None:
    out.print(Text(f"Gekopieerd van {done.source}\n           naar {done.target}"))
    layout.records(
        out,
        None,
        [Column("Incident", keep=True, style="cyan"), Column("Regels", justify="right"),
         Column("Nieuw", justify="right"), Column("Uitkomst")],
        [
            [i.id, str(i.entries), str(i.new),
             Text(i.problem, style="bold red") if i.problem else Text("keten klopt", style="green")]
            for i in done.incidents
        ],
        empty="Geen incidenten in de bron.",
    )
    out.print(Text(f"Monitorhistorie: {done.checks} metingen, {done.checks_new} nieuw in het doel."))
    out.print(Text(f"Gebruikscijfers: {done.usage} cijfers, {done.usage_new} nieuw in het doel."))
