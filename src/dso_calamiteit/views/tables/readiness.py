"""Rich views of readiness: the standing at a moment, the gaps over a period, a team with whom to call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console

from ...domain import dutchtime
from ...domain.language import _, counted
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
    title = _("Paraatheid op {moment}").format(moment=dutchtime.local(found.at))
    if found.periods:
        title += _(" — verhoogde paraatheid: {periods}").format(periods=", ".join(found.periods))
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
                unknown += _(" en {n} meer").format(n=len(unknown_names) - UNKNOWN_SHOWN)
            rows.append(
                [
                    org.name,
                    tier,
                    Text("\n".join(c.name or c.role for c in up) or _("niemand"), style="" if up else "red"),
                    "\n".join(c.phone or c.email for c in up),
                    Text(unknown, style="dim"),
                ]
            )
    layout.records(
        console,
        _("Contactpersonen"),
        [
            Column(_("Organisatie")),
            Column(_("Laag")),
            Column(_("Bereikbaar")),
            Column(_("Telefoon"), keep=True),
            Column(_("Onbekend")),
        ],
        rows,
        empty=_("Geen contactpersonen met paraatheidsgegevens."),
    )
    layout.records(
        console,
        _("Helpdesks en servicedesks"),
        [
            Column(_("Desk")),
            Column(_("Organisatie")),
            Column(_("Op {moment}").format(moment=dutchtime.local(found.at)) if asked else _("Nu")),
            Column(_("Telefoon"), keep=True),
        ],
        [
            [
                c.role,
                names.get(c.org, c.org),
                Text(_("open"), style="green") if s == "bereikbaar" else Text(_("gesloten"), style="yellow"),
                c.phone,
            ]
            for c, s in found.desks
        ],
    )
    layout.records(
        console,
        _("Eisen"),
        [Column(_("Eis")), Column(_("Periode")), Column(_("Gedekt door")), Column(_("Stand"))],
        [
            [
                st.requirement.described(names.get(st.requirement.org, st.requirement.org)),
                period_name(st.period),
                ", ".join(c.name or c.role for c in st.reachable) or "—",
                Text(_("in orde"), style="green") if st.met else Text(_("NIET GEDEKT"), style="bold red"),
            ]
            for st in found.standings
        ],
        empty=_("Geen eisen in config/paraatheid.yaml."),
    )
    if found.unmet:
        console.print(
            Text(_("{count} niet gedekt.").format(count=counted(len(found.unmet), "eis", "eisen")), style="bold red")
        )


def gaps(
    console: Console, found: list[Gap], start: datetime, end: datetime, names: dict[str, str] | None = None
) -> None:
    """`names`: organisation id → name, so a requirement reads 'DSO-LV tactisch …' (not its id)."""
    names = names or {}
    span = _("{start} tot {end}").format(start=dutchtime.local(start), end=dutchtime.local(end))
    if not found:
        console.print(Text(_("Geen gaten in de dekking van {span}.").format(span=span), style="green"))
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
                hours_minutes(minutes),
            ]
        )
    layout.records(
        console,
        _("Gaten in de dekking, {span}").format(span=span),
        [
            Column(_("Eis")),
            Column(_("Periode")),
            Column(_("Van"), keep=True),
            Column(_("Tot"), keep=True),
            Column(_("Duur"), keep=True),
        ],
        rows,
    )
    console.print(Text(_("{count} gevonden.").format(count=counted(len(found), "gat", "gaten")), style="bold red"))


def hours_minutes(minutes: int) -> str:
    """'2u05' in Dutch, '2h05' in English."""
    return _("{hours}u{minutes:02d}").format(hours=minutes // 60, minutes=minutes % 60)


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
                hours_minutes(total),
                f"{hours_minutes(span)} ({longest_at})",
                dutchtime.local(datetime.fromtimestamp(mine[0].start, dutchtime.LOCAL)),
                dutchtime.local(datetime.fromtimestamp(mine[-1].start, dutchtime.LOCAL)),
            ]
        )
    layout.records(
        console,
        _("Samenvatting per eis"),
        [
            Column(_("Eis")),
            Column(_("Gaten"), justify="right"),
            Column(_("Ongedekt"), keep=True),
            Column(_("Langste")),
            Column(_("Eerste"), keep=True),
            Column(_("Laatste"), keep=True),
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
            who = Text(_("onbekend: ") + ", ".join(c.name or c.role for c in r.unknown), style="dim")
            phone, email = r.unknown[0].phone or "", r.unknown[0].email or ""
        else:
            # under the heading "Bereikbaar": "niemand; weer bereikbaar vanaf …", not "niemand bereikbaar" twice
            said = r.instead.removeprefix(_("niemand bereikbaar")).lstrip("; ")
            who, phone, email = Text(_("niemand") + (f"; {said}" if said else ""), style="bold red"), "", ""
        out.append([r.group, r.role, names.get(r.org, r.org), who, phone, email])
    layout.records(
        console,
        f"{title} ({team_id})",
        [
            Column(_("Groep")),
            Column(_("Rol")),
            Column(_("Organisatie")),
            Column(
                _("Nu bereikbaar") if at is None else _("Bereikbaar op {moment}").format(moment=dutchtime.local(at))
            ),
            Column(_("Telefoon"), keep=True),
            Column(_("E-mail"), keep=True),
        ],
        out,
        empty=_("Dit team heeft geen rollen."),
    )
