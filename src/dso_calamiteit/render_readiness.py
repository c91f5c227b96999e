"""Rich views of readiness: the standing at a moment, the gaps over a period, a team with whom to call."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from . import dutchtime
from .terminal import Text

if TYPE_CHECKING:
    from .app.readiness import Moment
    from .config import Config
    from .readiness import Gap

TIERS_SHOWN = ("strategisch", "tactisch", "operationeel")


def moment(console: Console, found: Moment, config: Config) -> None:
    title = f"Paraatheid op {dutchtime.local(found.at)}"
    if found.periods:
        title += f" — verhoogde paraatheid: {', '.join(found.periods)}"
    console.print(Text(title, style="bold"))
    names = {o.id: o.name for o in config.contacts.organisations}
    table = Table(title="Contactpersonen", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Organisatie", "Niveau", "Bereikbaar", "Onbekend"):
        table.add_column(column)
    for org in config.contacts.organisations:
        for tier in TIERS_SHOWN:
            mine = [(c, s) for c, s in found.people if c.org == org.id and c.tier == tier]
            if not mine:
                continue
            up = "\n".join(f"{c.name or c.role}  {c.phone or c.email}" for c, s in mine if s == "bereikbaar")
            unknown = ", ".join(c.name or c.role for c, s in mine if s == "onbekend")
            table.add_row(org.name, tier, Text(up or "niemand", style="" if up else "red"), Text(unknown, style="dim"))
    console.print(table)
    desks = Table(title="Helpdesks en servicedesks", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Desk", "Organisatie", "Nu", "Telefoon"):
        desks.add_column(column)
    for c, s in found.desks:
        state = Text("open", style="green") if s == "bereikbaar" else Text("gesloten", style="yellow")
        desks.add_row(c.role, names.get(c.org, c.org), state, c.phone)
    console.print(desks)
    req = Table(title="Eisen", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Eis", "Periode", "Gedekt door", "Stand"):
        req.add_column(column)
    for st in found.standings:
        who = ", ".join(c.name or c.role for c in st.reachable)
        mark = Text("in orde", style="green") if st.met else Text("NIET GEDEKT", style="bold red")
        req.add_row(st.requirement.label, st.period, who or "—", mark)
    console.print(req)
    if found.unmet:
        console.print(Text(f"{len(found.unmet)} eis(en) niet gedekt.", style="bold red"))


def gaps(console: Console, found: list[Gap], start: datetime, end: datetime) -> None:
    span = f"{dutchtime.local(start)} tot {dutchtime.local(end)}"
    if not found:
        console.print(Text(f"Geen gaten in de dekking van {span}.", style="green"))
        return
    table = Table(title=f"Gaten in de dekking, {span}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Eis", "Periode", "Van", "Tot", "Duur"):
        table.add_column(column)
    for g in found:
        minutes = (g.end - g.start) // 60
        table.add_row(
            g.requirement.label,
            g.period,
            dutchtime.local(datetime.fromtimestamp(g.start, dutchtime.LOCAL)),
            dutchtime.local(datetime.fromtimestamp(g.end, dutchtime.LOCAL)),
            f"{minutes // 60}u{minutes % 60:02d}",
        )
    console.print(table)
    console.print(Text(f"{len(found)} gat(en) gevonden.", style="bold red"))


def team_table(title: str, team_id: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{title} ({team_id})", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Groep", "Rol", "Organisatie", "Nu bereikbaar", "Telefoon"):
        table.add_column(column)
    for r in rows:
        if r["reachable"]:
            first = r["reachable"][0]
            who, phone = Text(first["name"] or first["role"]), first["phone"]
        elif r["unknown"]:
            who = Text("onbekend: " + ", ".join(c["name"] or c["role"] for c in r["unknown"]), style="dim")
            phone = r["unknown"][0]["phone"]
        else:
            who, phone = Text("niemand bereikbaar", style="bold red"), ""
        table.add_row(r["group"], r["role"], r["org"], who, phone)
    return table
