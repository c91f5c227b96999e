"""The definition and the levels with their criteria, as panels for people (`criteria`, and before the
questions of `assess`)."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group

from ...domain.criteria import CriteriaFile, Definition
from ...domain.language import _
from . import layout
from .panels import Titled
from .terminal import Text


def definition(d: Definition) -> Titled:
    body = Text(d.shown_text)
    if d.shown_elements:
        body.append("\n\n" + _("Kernelementen: "), style="bold")
        body.append(" · ".join(d.shown_elements))
    return Titled(body, _("Wanneer spreken we van een calamiteit?"), title_align="left", box=box.ROUNDED)


def criteria(console: Console, f: CriteriaFile) -> None:
    console.print(definition(f.definition))
    for lv in f.ordered:
        header = f"{lv.level} · {lv.label}"
        if lv.team_name and lv.team_name != lv.team:
            header += f" ({lv.team_name})"
        if not lv.criteria:
            console.print(Titled(Text(lv.shown_meaning or _("Basisniveau.")), Text(header), title_align="left"))
            continue
        table = layout.Fitted(
            [layout.Column(_("Id"), keep=True, style="cyan"), layout.Column(_("Criterium"))],
            [[c.id, c.shown_text] for c in lv.criteria],
        )
        note = Text(
            _("Bereikt bij minstens {threshold} van {total} criteria met 'ja'.").format(
                threshold=lv.threshold, total=len(lv.criteria)
            ),
            style="dim",
        )
        parts: list[Text | layout.Fitted] = [Text(lv.shown_meaning), table, note] if lv.shown_meaning else [table, note]
        console.print(Titled(Group(*parts), Text(header), title_align="left"))
