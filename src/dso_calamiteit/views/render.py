"""Rich tables and panels for people: the same result objects the JSON documents carry."""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from ..adapters.config import Config, Source, shown
from ..domain.contacts import Contact, ContactsFile
from ..domain.criteria import CriteriaFile, Definition
from ..domain.routing import Briefing, Route, RoutedContact, level_span
from . import layout
from .layout import Column
from .terminal import Text

ACTION_STYLE = {"opschalen": "bold red", "afschalen": "bold green", "handhaven": "bold yellow"}


def _level_style(number: int, highest: int) -> str:
    if number == 0 or highest == 0:
        return "green"
    return "red" if number == highest else "dark_orange"


def definition(d: Definition) -> Panel:
    body = Text(d.text)
    if d.elements:
        body.append("\n\nKernelementen: ", style="bold")
        body.append(" · ".join(d.elements))
    return Panel(body, title="Wanneer spreken we van een calamiteit?", title_align="left", box=box.ROUNDED)


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
    console.print(Panel(head, title="Geadviseerd niveau", title_align="left", border_style=style))
    if result.advice is not None:
        a = result.advice
        console.print(
            Panel(
                Text(a.reason),
                title=Text(f"Advies: {a.action}", style=ACTION_STYLE[a.action]),
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
                    "--alle-contacten toont ze allemaal; `calamiteit contacts --org ID` zoekt erin.",
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
            [call.what, who, c.phone if c is not None else "", c.email if c is not None and not c.phone else ""]
        )
    team = f" — {briefing.convene['team']} en de korte lijnen" if briefing.convene else " — de korte lijnen"
    layout.records(
        console,
        f"Nu bellen{team}",
        [Column("Voor"), Column("Wie"), Column("Telefoon", keep=True, style="bold"), Column("E-mail", keep=True)],
        rows,
        empty="Nu bellen: geen lijnen of teamrollen op dit niveau.",
    )


def routes_table(console: Console, routes: list[Route], matrix: ContactsFile, title: str) -> None:
    names = {o.id: o.name for o in matrix.organisations}
    layout.records(
        console,
        title,
        [Column("Situatie"), Column("Voor"), Column("Naar", style="bold"), Column("Zo nodig ook"), Column("Niveau")],
        [
            [
                r.when,
                ", ".join(r.tiers) or "alle",
                ", ".join(names.get(o, o) for o in r.to),
                ", ".join(names.get(o, o) for o in r.also),
                level_span(r),
            ]
            for r in routes
        ],
        empty="Geen lijnen.",
    )


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
            notes = ("zo nodig; " + notes) if notes else "zo nodig"
        if notes:
            who.append(f"\n{notes}", style="dim")
        rows.append([names.get(c.org, c.org), who, c.phone, c.email])
    layout.records(
        console,
        title,
        [
            Column("Organisatie"),
            Column("Contact"),
            Column("Telefoon", keep=True, style="bold"),
            Column("E-mail", keep=True),
        ],
        rows,
        empty="Geen contacten.",
    )


def criteria(console: Console, f: CriteriaFile) -> None:
    console.print(definition(f.definition))
    for lv in f.ordered:
        header = f"{lv.level} · {lv.label}"
        if lv.team_name and lv.team_name != lv.team:
            header += f" ({lv.team_name})"
        if not lv.criteria:
            console.print(Panel(Text(lv.meaning or "Basisniveau."), title=Text(header), title_align="left"))
            continue
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        table.add_column("Id", style="cyan", no_wrap=True)
        table.add_column("Criterium")
        for c in lv.criteria:
            table.add_row(c.id, c.text)
        note = Text(f"Bereikt bij minstens {lv.threshold} van {len(lv.criteria)} criteria met 'ja'.", style="dim")
        parts: list[Text | Table] = [Text(lv.meaning), table, note] if lv.meaning else [table, note]
        console.print(Panel(Group(*parts), title=Text(header), title_align="left"))


def check(console: Console, sources: list[Source], summary: str | None) -> None:
    layout.records(
        console,
        "Gebruikte bestanden",
        [Column("Soort"), Column("Bestand", keep=True), Column("Gevonden in")],
        [[s.kind, shown(s.path), s.origin] for s in sources],
    )
    if summary:
        console.print(Text(summary, style="green"))
