"""Contacts for people: organisation, role, tier, name and notes in one column; phone and e-mail never cut."""

from __future__ import annotations

from rich.console import Console

from ...domain.contacts import Contact, ContactsFile
from ...domain.language import _
from . import layout
from .layout import Column
from .terminal import Text


def contacts_table(
    console: Console, found: list[Contact], matrix: ContactsFile, title: str, optional: list[bool] | None = None
) -> None:
    """Nothing is cut off: phone and e-mail stay whole; role, tier, name and notes share one column."""
    names = {o.id: o.name for o in matrix.organisations}
    rows: list[list[str | Text]] = []
    for i, c in enumerate(found):
        who = Text(c.role)
        who.append(f" · {c.tier}", style="cyan")
        if c.name:
            who.append(f"\n{c.name}", style="italic")
        notes = c.notes
        if optional and optional[i]:
            notes = (_("zo nodig") + "; " + notes) if notes else _("zo nodig")
        if notes:
            who.append(f"\n{notes}", style="dim")
        rows.append([names.get(c.org, c.org), who, c.phone, c.email])
    layout.records(
        console,
        title,
        [
            Column(_("Organisatie")),
            Column(_("Contact")),
            Column(_("Telefoon"), keep=True, style="bold"),
            Column(_("E-mail"), keep=True),
        ],
        rows,
        empty=_("Geen contacten."),
    )
