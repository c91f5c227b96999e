"""The definition and the levels with their criteria, as panels for people (`criteria`, and before the
questions of `assess`)."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group

from ...domain.criteria import CriteriaFile, Definition
from . import layout
from .panels import Titled
from .terminal import Text


def definition(d: Definition) -> Titled:
    body = Text(d.text)
    if d.elements:
        body.append("\n\nKernelementen: ", style="bold")
        body.append(" · ".join(d.elements))
    return Titled(body, "Wanneer spreken we van een calamiteit?", title_align="left", box=box.ROUNDED)


def criteria(console: Console, f: CriteriaFile) -> None:
    console.print(definition(f.definition))
    for lv in f.ordered:
        header = f"{lv.level} · {lv.label}"
        if lv.team_name and lv.team_name != lv.team:
            header += f" ({lv.team_name})"
        if not lv.criteria:
            console.print(Titled(Text(lv.meaning or "Basisniveau."), Text(header), title_align="left"))
            continue
        table = layout.Fitted(
            [layout.Column("Id", keep=True, style="cyan"), layout.Column("Criterium")],
            [[c.id, c.text] for c in lv.criteria],
        )
        note = Text(f"Bereikt bij minstens {lv.threshold} van {len(lv.criteria)} criteria met 'ja'.", style="dim")
        parts: list[Text | layout.Fitted] = [Text(lv.meaning), table, note] if lv.meaning else [table, note]
        console.print(Titled(Group(*parts), Text(header), title_align="left"))
