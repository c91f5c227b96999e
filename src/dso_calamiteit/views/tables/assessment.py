"""An assessment for people: the advised level and the advice, whom to phone now, the criteria answered 'ja',
the routing and the contacts along it."""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from ...adapters.config import Config
from ...domain.routing import Briefing, RoutedContact
from . import layout
from .contacts import contacts_table
from .layout import Column
from .panels import Titled
from .routing import routes_table
from .terminal import Text

ACTION_STYLE = {"opschalen": "bold red", "afschalen": "bold green", "handhaven": "bold yellow"}


def _level_style(number: int, highest: int) -> str:
    if number == 0 or highest == 0:
        return "green"
    return "red" if number == highest else "dark_orange"


PER_ORGANISATION = 8  # an assessment is read at a glance: a matrix of thousands is counted, not listed


def _per_organisation(routed: list[RoutedContact], most: int | None) -> tuple[list[RoutedContact], dict[str, int]]:
    """The first `most` contacts of each organisation, in matrix order, and how many of each are left out."""
    if most is None:
        return routed, {}
    seen: Counter[str] = Counter()
    listed = []
    for rc in routed:
        seen[rc.contact.org] += 1
        if seen[rc.contact.org] <= most:
            listed.append(rc)
    return listed, {org: n - most for org, n in seen.items() if n > most}


def assessment(console: Console, briefing: Briefing, config: Config, all_contacts: bool = False) -> None:
    result, situation, routes, routed = briefing.result, briefing.situation, briefing.routes, briefing.routed
    rec = result.recommended
    highest = config.criteria.ordered[-1].level
    style = _level_style(rec.level, highest)
    head = Text()
    head.append(f"{rec.name}", style=f"bold {style}")
    if rec.team and rec.team != rec.name:
        head.append(f"  →  {rec.team}", style=f"bold {style}")
        if rec.team_name and rec.team_name != rec.team:
            head.append(f" ({rec.team_name})")
    if rec.meaning:
        head.append(f"\n{rec.meaning}")
    console.print(Titled(head, "Geadviseerd niveau", title_align="left", border_style=style))
    if result.advice is not None:
        a = result.advice
        console.print(
            Titled(
                Text(a.reason),
                Text(f"Advies: {a.action}", style=ACTION_STYLE[a.action]),
                title_align="left",
                border_style=ACTION_STYLE[a.action].split()[-1],
            )
        )
    call_now(console, briefing)

    if result.triggered:
        decisive = {c.id for c in result.decisive}
        layout.records(
            console,
            "Criteria met 'ja'",
            [Column("Niveau"), Column("Id", keep=True, style="cyan"), Column("Criterium")],
            [[lv.name, c.id, Text(c.text, style="bold" if c.id in decisive else "")] for lv, c in result.triggered],
        )
    else:
        console.print("Geen enkel criterium met 'ja' beantwoord: afhandeling in de serviceketen.\n")
    tallies = "  ".join(
        f"{t.level.name}: {len(t.met)}/{len(t.level.criteria)} (drempel {t.level.threshold})"
        for t in result.tallies
        if t.level.criteria
    )
    console.print(Text(tallies, style="dim"))
    title = "Routering (korte lijnen)" + (f" bij situatie '{situation}'" if situation else "")
    routes_table(console, routes, config.contacts, title)
    if routed:
        listed, unlisted = _per_organisation(routed, None if all_contacts else PER_ORGANISATION)
        contacts_table(
            console,
            [rc.contact for rc in listed],
            config.contacts,
            "Alle contacten langs deze lijnen" if not unlisted else "Contacten langs deze lijnen",
            optional=[rc.optional for rc in listed],
        )
        if unlisted:
            names = {o.id: o.name for o in config.contacts.organisations}
            counted = ", ".join(f"{names.get(org, org)} {n}" for org, n in unlisted.items())
            console.print(
                Text(
                    f"Niet getoond, per organisatie na de eerste {PER_ORGANISATION}: {counted}. "
                    "--alle-contacten toont ze allemaal; 'calamiteit contacts --org ID' zoekt erin.",
                    style="dim",
                )
            )
    # The team to convene is in "Nu bellen" above, role by role; `calamiteit team` shows its full table.


def call_now(console: Console, briefing: Briefing) -> None:
    """Whom to phone now, in order, with the number; where nobody is reachable, what to do instead."""
    rows: list[list[str | Text]] = []
    for call in briefing.call_now:
        c = call.contact
        who = Text(c.name or c.role) if c is not None else Text("—", style="dim")
        if call.instead:
            who.append(f"\n{call.instead}", style="yellow" if c is not None else "bold red")
        rows.append(
            [call.what, who, c.phone if c is not None else "", c.email if c is not None else ""]
        )
    team = f" — {briefing.convene.team} en de korte lijnen" if briefing.convene else " — de korte lijnen"
    layout.records(
        console,
        f"{'Nu bellen' if briefing.asked is None else 'Bellen op ' + briefing.asked}{team}",
        [Column("Voor"), Column("Wie"), Column("Telefoon", keep=True, style="bold"), Column("E-mail", keep=True)],
        rows,
        empty="Nu bellen: geen lijnen of teamrollen op dit niveau.",
    )
