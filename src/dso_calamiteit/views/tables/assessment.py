"""An assessment for people: the advised level and the advice, whom to phone now, the criteria answered 'ja',
the routing and the contacts along it."""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from ...adapters.config import Config
from ...domain.language import N_, _
from ...domain.routing import Briefing, RoutedContact
from . import layout
from .contacts import contacts_table
from .layout import Column
from .panels import Titled
from .routing import routes_table
from .terminal import Text

ACTION_STYLE = {"opschalen": "bold red", "afschalen": "bold green", "handhaven": "bold yellow"}
ACTION_WORD = {"opschalen": N_("opschalen"), "afschalen": N_("afschalen"), "handhaven": N_("handhaven")}


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
    if rec.shown_meaning:
        head.append(f"\n{rec.shown_meaning}")
    console.print(Titled(head, _("Geadviseerd niveau"), title_align="left", border_style=style))
    if result.advice is not None:
        a = result.advice
        console.print(
            Titled(
                Text(a.reason),
                Text(_("Advies: {action}").format(action=_(ACTION_WORD[a.action])), style=ACTION_STYLE[a.action]),
                title_align="left",
                border_style=ACTION_STYLE[a.action].split()[-1],
            )
        )
    call_now(console, briefing)

    if result.triggered:
        decisive = {c.id for c in result.decisive}
        layout.records(
            console,
            _("Criteria met 'ja'"),
            [Column(_("Niveau")), Column(_("Id"), keep=True, style="cyan"), Column(_("Criterium"))],
            [
                [lv.name, c.id, Text(c.shown_text, style="bold" if c.id in decisive else "")]
                for lv, c in result.triggered
            ],
        )
    else:
        console.print(_("Geen enkel criterium met 'ja' beantwoord: afhandeling in de serviceketen.") + "\n")
    tallies = "  ".join(
        _("{level}: {met}/{total} (drempel {threshold})").format(
            level=t.level.name, met=len(t.met), total=len(t.level.criteria), threshold=t.level.threshold
        )
        for t in result.tallies
        if t.level.criteria
    )
    console.print(Text(tallies, style="dim"))
    title = _("Routering (korte lijnen)") + (
        _(" bij situatie '{situation}'").format(situation=situation) if situation else ""
    )
    routes_table(console, routes, config.contacts, title)
    if routed:
        listed, unlisted = _per_organisation(routed, None if all_contacts else PER_ORGANISATION)
        contacts_table(
            console,
            [rc.contact for rc in listed],
            config.contacts,
            _("Alle contacten langs deze lijnen") if not unlisted else _("Contacten langs deze lijnen"),
            optional=[rc.optional for rc in listed],
        )
        if unlisted:
            names = {o.id: o.name for o in config.contacts.organisations}
            counted = ", ".join(f"{names.get(org, org)} {n}" for org, n in unlisted.items())
            console.print(
                Text(
                    _(
                        "Niet getoond, per organisatie na de eerste {most}: {counted}. "
                        "--alle-contacten toont ze allemaal; 'calamiteit contacts --org ID' zoekt erin."
                    ).format(most=PER_ORGANISATION, counted=counted),
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
        rows.append([call.what, who, c.phone if c is not None else "", c.email if c is not None else ""])
    team = (
        _(" — {team} en de korte lijnen").format(team=briefing.convene.team)
        if briefing.convene
        else _(" — de korte lijnen")
    )
    layout.records(
        console,
        (_("Nu bellen") if briefing.asked is None else _("Bellen op {moment}").format(moment=briefing.asked)) + team,
        [
            Column(_("Voor")),
            Column(_("Wie")),
            Column(_("Telefoon"), keep=True, style="bold"),
            Column(_("E-mail"), keep=True),
        ],
        rows,
        empty=_("Nu bellen: geen lijnen of teamrollen op dit niveau."),
    )
