"""The short lines (routing) for people: per situation to whom, and at which levels."""

from __future__ import annotations

from rich.console import Console

from ...domain.contacts import ContactsFile
from ...domain.language import _
from ...domain.routing import Route, level_span
from . import layout
from .layout import Column


def routes_table(console: Console, routes: list[Route], matrix: ContactsFile, title: str) -> None:
    names = {o.id: o.name for o in matrix.organisations}
    layout.records(
        console,
        title,
        [
            Column(_("Situatie")),
            Column(_("Voor")),
            Column(_("Naar"), style="bold"),
            Column(_("Zo nodig ook")),
            Column(_("Niveau")),
        ],
        [
            [
                r.when,
                ", ".join(r.tiers) or _("alle"),
                ", ".join(names.get(o, o) for o in r.to),
                ", ".join(names.get(o, o) for o in r.also),
                level_span(r),
            ]
            for r in routes
        ],
        empty=_("Geen lijnen."),
    )
