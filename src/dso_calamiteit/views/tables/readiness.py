"""Rich views of readiness: the standing at a moment, the gaps over a period, a team with whom to call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console

from ...domain import dutchtime
from ...domain.readiness import period_name
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...adapters.config import Config
    from ...app.readiness import Moment
    from ...domain.contacts import Contact
    from ...domain.readiness import Gap
    from ...domain.teams import Seat

TIERS_SHOWN = ("strategisch", "tactisch", "operationeel")
UNKNOWN_SHOWN = 8  # names of contacts without readiness data per row; the rest as a count


def moment(console: Console, found: Moment, config: Config, asked: bool = False) -> None:
    """`asked`: the moment came from --op; the desks' heading then names it instead of 'Nu'."""
    title = f"Paraatheid op {dutchtime.local(found.at)}"
    if found.periods:
        title += f" — verhoogde paraatheid: {', '.join(found.periods)}"
    console.print(Text(title, style="bold"))
    names = {o.id: o.name for o in config.contacts.organisations}
    rows: list[list[str | Text]] = []
    grouped: dict[tuple[str, str], list[tuple[Contact, str]]] = {}
    for c, s in found.people:  # once, not once per organisation and tier
        grouped.setdefault((c.org, c.tier), []).append((c, s))
    for org in config.contacts.organisations:
        for tier in TIERS_SHOWN:
            mine = grouped.get((org.id, tier), [])
            if not mine:
                continue
            up = [c for c, s in mine if s == "bereikbaar"]
            unknown_names = [c.name or c.role for c, s in mine if s == "onbekend"]
            unknown = ", ".join(unknown_names[:UNKNOWN_SHOWN])
            if len(unknown_names) > UNKNOWN_SHOWN:  # thousands of names wrapped in one cell help nobody
                unknown += f" en {len(unknown_names) - UNKNOWN_SHOWN} meer"
            rows.append(
                [
                    org.name,
                    tier,
                    Text("\n".join(c.name or c.role for c in up) or "niemand", style="" if up else "red"),
                    "\n".join(c.phone or c.email for c in up),
                    Text(unknown, style="dim"),
                ]
            )
    layout.records(
        console,
        "Contactpersonen",
        [
            Column("Organisatie"),
            Column("Laag"),
            Column("Bereikbaar"),
            Column("Telefoon", keep=True),
            Column("Onbekend"),
        ],
        rows,
        empty="Geen contactpersonen met paraatheidsgegevens.",
    )
    layout.records(
        console,
        "Helpdesks en servicedesks",
        [
            Column("Desk"),
            Column("Organisatie"),
            Column(f"Op {dutchtime.local(found.at)}" if asked else "Nu"),
            Column("Telefoon", keep=True),
        ],
        [
            [
                c.role,
                names.get(c.org, c.org),
                Text("open", style="green") if s == "bereikbaar" else Text("gesloten", style="yellow"),
                c.phone,
            ]
            for c, s in found.desks
        ],
    )
    layout.records(
        console,
        "Eisen",
        [Column("Eis"), Column("Periode"), Column("Gedekt door"), Column("Stand")],
        [
            [
                st.requirement.described(names.get(st.requirement.org, st.requirement.org)),
                period_name(st.period),
                ", ".join(c.name or c.role for c in st.reachable) or "—",
                Text("in orde", style="green") if st.met else Text("NIET GEDEKT", style="bold red"),
            ]
            for st in found.standings
        ],
        empty="Geen eisen in config/paraatheid.yaml.",
    )
    if found.unmet:
        console.print(
            Text(f"{len(found.unmet)} {'eis' if len(found.unmet) == 1 else 'eisen'} niet gedekt.", style="bold red")
        )


def gaps(
    console: Console, found: list[Gap], start: datetime, end: datetime, names: dict[str, str] | None = None
) -> None:
    """`names`: organisation id → name, so a requirement reads 'DSO-LV tactisch …' (not its id)."""
    names = names or {}
    span = f"{dutchtime.local(start)} tot {dutchtime.local(end)}"
    if not found:
        console.print(Text(f"Geen gaten in de dekking van {span}.", style="green"))
        return
    summary(console, found, names)
    rows: list[list[str | Text]] = []
    for g in found:
        minutes = (g.end - g.start) // 60
        rows.append(
            [
                g.requirement.described(names.get(g.requirement.org, g.requirement.org)),
                period_name(g.period),
                dutchtime.local(datetime.fromtimestamp(g.start, dutchtime.LOCAL)),
                dutchtime.local(datetime.fromtimestamp(g.end, dutchtime.LOCAL)),
                f"{minutes // 60}u{minutes % 60:02d}",
            ]
        )
    layout.records(
        console,
        f"Gaten in de dekking, {span}",
        [
            Column("Eis"),
            Column("Periode"),
            Column("Van", keep=True),
            Column("Tot", keep=True),
            Column("Duur", keep=True),
        ],
        rows,
    )
    console.print(Text(f"{len(found)} {'gat' if len(found) == 1 else 'gaten'} gevonden.", style="bold red"))


def summary(console: Console, found: list[Gap], names: dict[str, str] | None = None) -> None:
    """Per requirement first: how many gaps, hours uncovered, the longest, the first and the last."""
    by: dict[str, list[Gap]] = {}
    for g in found:
        by.setdefault(g.requirement.described((names or {}).get(g.requirement.org, g.requirement.org)), []).append(g)
    rows: list[list[str | Text]] = []
    for label, mine in by.items():
        total = sum(g.end - g.start for g in mine) // 60
        longest = max(mine, key=lambda g: g.end - g.start)
        span = (longest.end - longest.start) // 60
        longest_at = dutchtime.local(datetime.fromtimestamp(longest.start, dutchtime.LOCAL))
        rows.append(
            [
                label,
                str(len(mine)),
                f"{total // 60}u{total % 60:02d}",
                f"{span // 60}u{span % 60:02d} ({longest_at})",
                dutchtime.local(datetime.fromtimestamp(mine[0].start, dutchtime.LOCAL)),
                dutchtime.local(datetime.fromtimestamp(mine[-1].start, dutchtime.LOCAL)),
            ]
        )
    layout.records(
        console,
        "Samenvatting per eis",
        [
            Column("Eis"),
            Column("Gaten", justify="right"),
            Column("Ongedekt", keep=True),
            Column("Langste"),
            Column("Eerste", keep=True),
            Column("Laatste", keep=True),
        ],
        rows,
    )


def team_table(
    console: Console,
    title: str,
    team_id: str,
    seats: Iterable[Seat],
    at: datetime | None = None,
    names: dict[str, str] | None = None,
) -> None:
    """`at`: the moment asked with --op; the heading then names it instead of 'Nu'. `names`: organisation
    names by id (a person reads 'IPLO', not 'iplo')."""
    names = names or {}
    out: list[list[str | Text]] = []
    for r in seats:
        if r.reachable or r.stand_in is not None:  # on duty first, then file order: as assess's "Nu bellen"
            first = r.reachable[0] if r.reachable else r.stand_in
            assert first is not None
            who, phone, email = Text(first.name or first.role), first.phone or "", first.email or ""
            if r.stand_in is not None:
                who.append(f"\n{r.instead}", style="yellow")
        elif r.unknown:
            who = Text("onbekend: " + ", ".join(c.name or c.role for c in r.unknown), style="dim")
            phone, email = r.unknown[0].phone or "", r.unknown[0].email or ""
        else:
            # under the heading "Bereikbaar": "niemand; weer bereikbaar vanaf …", not "niemand bereikbaar" twice
            said = r.instead.removeprefix("niemand bereikbaar").lstrip("; ")
            who, phone, email = Text("niemand" + (f"; {said}" if said else ""), style="bold red"), "", ""
        out.append([r.group, r.role, names.get(r.org, r.org), who, phone, email])
    layout.records(
        console,
        f"{title} ({team_id})",
        [
            Column("Groep"),
            Column("Rol"),
            Column("Organisatie"),
            Column("Nu bereikbaar" if at is None else f"Bereikbaar op {dutchtime.local(at)}"),
            Column("Telefoon", keep=True),
            Column("E-mail", keep=True),
        ],
        out,
        empty="Dit team heeft geen rollen.",
    )
