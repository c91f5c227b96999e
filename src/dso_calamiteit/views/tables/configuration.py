"""`check` for people: which file of each kind is used and where it was found."""

from __future__ import annotations

from rich.console import Console

from ...adapters.config import Source, shown
from ...domain.language import N_, _
from . import layout
from .layout import Column
from .terminal import Text

KINDS = {  # the kinds' ids (JSON, code) as a person names the file's content
    "criteria": N_("criteria"),
    "contacts": N_("contacten"),
    "routing": N_("routering"),
    "reporting": N_("sitraps"),
    "monitor": N_("monitoring"),
    "readiness": N_("paraatheid"),
    "teams": N_("teams"),
    "logbook": N_("logboek"),
    "callout": N_("oproep"),
    "maintenance": N_("onderhoud"),
}
ORIGINS = {  # where a file was found (adapters.config.finding; the JSON keeps these ids) as a person reads it
    "huidige map": N_("huidige map"),
    "gebruikersmap": N_("gebruikersmap"),
    "standaard": N_("standaard"),
}


def check(console: Console, sources: list[Source], summary: str | None) -> None:
    layout.records(
        console,
        _("Gebruikte bestanden"),
        [Column(_("Soort")), Column(_("Bestand"), keep=True), Column(_("Gevonden in"))],
        [
            [
                _(KINDS[s.kind]) if s.kind in KINDS else s.kind,
                shown(s.path),
                _(ORIGINS[s.origin]) if s.origin in ORIGINS else s.origin,
            ]
            for s in sources
        ],
    )
    if summary:
        console.print(Text(summary, style="green"))
