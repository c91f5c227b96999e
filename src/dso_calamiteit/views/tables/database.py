"""`db copy` for people: per incident how many entries, how many new, and whether its chain holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from ...domain.language import _, ngettext
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...app.database import Copied


def copied(out: Console, done: Copied) -> None:
    said = _("Gekopieerd van {source}\n           naar {target}")
    out.print(Text(said.format(source=done.source, target=done.target)))
    layout.records(
        out,
        None,
        [Column(_("Incident"), keep=True, style="cyan"), Column(_("Regels"), justify="right"),
         Column(_("Nieuw"), justify="right"), Column(_("Uitkomst"))],
        [
            [i.id, str(i.entries), str(i.new),
             Text(i.problem, style="bold red") if i.problem else Text(_("keten klopt"), style="green")]
            for i in done.incidents
        ],
        empty=_("Geen incidenten in de bron."),
    )
    checks = ngettext(
        "Monitorhistorie: {n} meting, {new} nieuw in het doel.",
        "Monitorhistorie: {n} metingen, {new} nieuw in het doel.",
        done.checks,
    )
    out.print(Text(checks.format(n=done.checks, new=done.checks_new)))
    usage = ngettext(
        "Gebruikscijfers: {n} cijfer, {new} nieuw in het doel.",
        "Gebruikscijfers: {n} cijfers, {new} nieuw in het doel.",
        done.usage,
    )
    out.print(Text(usage.format(n=done.usage, new=done.usage_new)))
