"""`calamiteit paraatheid` and `calamiteit team`: who is reachable, which desks are open, where cover is missing."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from . import exitcodes
from .document import dumps
from .errors import UsageError, suggest
from .options import ConfigDir, Json, Moment, console

if TYPE_CHECKING:
    from .config import Config
    from .readiness import Reachability

ICS_WEEKS = 12


def moment_of(text: str | None) -> datetime:
    """--op: 'HH:MM' (today), 'JJJJ-MM-DD HH:MM' or ISO; default now. Always timezone-aware."""
    from . import clock, dutchtime

    if text is None:
        return clock.now()
    return dutchtime.parse_local(text, clock.now())


def reach_around(config: "Config", start: datetime, end: datetime) -> "Reachability":
    from .readiness import Reachability, window_for

    window, holidays = window_for(start, end)
    return Reachability(config.readiness, window, holidays)


def around(moment: datetime, config: "Config") -> "Reachability":
    return reach_around(config, moment - timedelta(days=1), moment + timedelta(days=1))


def paraatheid(
    op: Moment = None,
    van: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--van", help="Begin van een periode (JJJJ-MM-DD [HH:MM]).", show_default=False),
    ] = None,
    tot: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--tot", help="Einde van de periode; een datum telt mee.", show_default=False),
    ] = None,
    ics: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--ics", help="Schrijf de piketroosters als iCalendar-bestand.", show_default=False),
    ] = None,
    json: Json = False,
    config_dir: ConfigDir = None,
) -> int:
    """Paraatheid: wie bereikbaar is, welke desks open zijn, en welke eisen niet gedekt zijn.

    Zonder --van/--tot: de stand op één moment (--op, standaard nu). Met --van en --tot: elk gat in de
    dekking over die periode (exitcode 7 bij gaten). Met --ics: de piketroosters als agenda.
    Voorbeeld: calamiteit paraatheid --van 2024-01-01 --tot 2024-02-29
    """
    from . import config as config_mod

    config = config_mod.load(config_mod.locate(config_dir))
    if (van is None) != (tot is None):
        raise UsageError("geef --van en --tot samen")
    if van is not None and tot is not None:
        start, end = _period(van, tot)
        if ics is not None:
            return _ics(config, ics, start, end)
        return _period_report(config, start, end, json)
    if ics is not None:
        start = moment_of(op)
        return _ics(config, ics, start, start + timedelta(weeks=ICS_WEEKS))
    return _moment_report(config, moment_of(op), json)


def _period(van: str, tot: str) -> tuple[datetime, datetime]:
    from . import clock, dutchtime

    now = clock.now()
    start = dutchtime.parse_local(van, now)
    end = dutchtime.parse_local(tot, now)
    if len(tot.strip()) == 10:  # a date alone: that whole day counts
        end += timedelta(days=1)
    if end <= start:
        raise UsageError(f"de periode eindigt ({tot}) voordat hij begint ({van})")
    if end - start > timedelta(days=3 * 366):
        raise UsageError("kies een periode van hooguit drie jaar")
    return start, end


def _moment_report(config: "Config", moment: datetime, json: bool) -> int:
    from . import dutchtime
    from .readiness import at_moment, status, utc_seconds

    reach = around(moment, config)
    at = utc_seconds(moment)
    standings = at_moment(config.contacts, reach, at)
    names = {o.id: o.name for o in config.contacts.organisations}
    desks = {s.contact for s in config.readiness.schedules if s.desk}
    people = [(c, status(c, reach, at)) for c in config.contacts.contacts if c.id not in desks]
    desk_rows = [(c, status(c, reach, at)) for c in config.contacts.contacts if c.id in desks]
    periods = sorted({p for st in standings for p in [st.period] if p})
    unmet = [st for st in standings if not st.met]
    if json:
        doc: dict[str, Any] = {
            "at": dutchtime.stamp(moment),
            "heightened": periods,
            "contacts": [_contact_json(c, s) for c, s in people],
            "desks": [{**_contact_json(c, s), "open": s == "bereikbaar"} for c, s in desk_rows],
            "requirements": [
                {
                    "org": st.requirement.org,
                    "tier": st.requirement.tier,
                    "label": st.requirement.label,
                    "period": st.period or None,
                    "met": st.met,
                    "minimum": st.requirement.minimum,
                    "reachable": [c.id for c in st.reachable],
                }
                for st in standings
            ],
        }
        print(dumps("readiness", doc))
    else:
        from rich import box
        from rich.table import Table

        from .terminal import Text

        out = console()
        title = f"Paraatheid op {dutchtime.local(moment)}"
        if periods:
            title += f" — verhoogde paraatheid: {', '.join(periods)}"
        out.print(Text(title, style="bold"))
        table = Table(title="Contactpersonen", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("Organisatie", "Niveau", "Bereikbaar", "Onbekend"):
            table.add_column(column)
        for org in config.contacts.organisations:
            for tier in ("strategisch", "tactisch", "operationeel"):
                mine = [(c, s) for c, s in people if c.org == org.id and c.tier == tier]
                if not mine:
                    continue
                up = "\n".join(f"{c.name or c.role}  {c.phone or c.email}" for c, s in mine if s == "bereikbaar")
                unknown = ", ".join(c.name or c.role for c, s in mine if s == "onbekend")
                table.add_row(
                    org.name, tier, Text(up or "niemand", style="" if up else "red"), Text(unknown, style="dim")
                )
        out.print(table)
        desks_table = Table(title="Helpdesks en servicedesks", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("Desk", "Organisatie", "Nu", "Telefoon"):
            desks_table.add_column(column)
        for c, s in desk_rows:
            state = Text("open", style="green") if s == "bereikbaar" else Text("gesloten", style="yellow")
            desks_table.add_row(c.role, names.get(c.org, c.org), state, c.phone)
        out.print(desks_table)
        req = Table(title="Eisen", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("Eis", "Periode", "Gedekt door", "Stand"):
            req.add_column(column)
        for st in standings:
            who = ", ".join(c.name or c.role for c in st.reachable)
            mark = Text("in orde", style="green") if st.met else Text("NIET GEDEKT", style="bold red")
            req.add_row(st.requirement.label, st.period, who or "—", mark)
        out.print(req)
        if unmet:
            out.print(Text(f"{len(unmet)} eis(en) niet gedekt.", style="bold red"))
    return exitcodes.READINESS_GAPS if unmet else exitcodes.OK


def _contact_json(c: Any, state: str) -> dict[str, Any]:
    return {
        "id": c.id or None,
        "org": c.org,
        "role": c.role,
        "name": c.name,
        "tier": c.tier,
        "phone": c.phone,
        "status": state,
    }


def _period_report(config: "Config", start: datetime, end: datetime, json: bool) -> int:
    from . import dutchtime
    from .readiness import gaps

    reach = reach_around(config, start, end)
    found = gaps(config.contacts, reach)
    if json:
        doc = {
            "from": dutchtime.stamp(start),
            "to": dutchtime.stamp(end),
            "gaps": [
                {
                    "org": g.requirement.org,
                    "tier": g.requirement.tier,
                    "label": g.requirement.label,
                    "period": g.period or None,
                    "from": dutchtime.stamp(datetime.fromtimestamp(g.start, dutchtime.LOCAL)),
                    "to": dutchtime.stamp(datetime.fromtimestamp(g.end, dutchtime.LOCAL)),
                    "minutes": (g.end - g.start) // 60,
                }
                for g in found
            ],
        }
        print(dumps("readiness-gaps", doc))
    else:
        from rich import box
        from rich.table import Table

        from .terminal import Text

        out = console()
        span = f"{dutchtime.local(start)} tot {dutchtime.local(end)}"
        if not found:
            out.print(Text(f"Geen gaten in de dekking van {span}.", style="green"))
        else:
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
            out.print(table)
            out.print(Text(f"{len(found)} gat(en) gevonden.", style="bold red"))
    return exitcodes.READINESS_GAPS if found else exitcodes.OK


def _ics(config: "Config", path: Path, start: datetime, end: datetime) -> int:
    """The rotas (and the absences with their stand-ins) as an iCalendar file people can subscribe to."""
    from icalendar import Calendar, Event

    from . import clock, dutchtime
    from .files import write_atomic
    from .readiness import shifts, utc_seconds

    people = {c.id: c for c in config.contacts.contacts if c.id}
    window = (utc_seconds(start), utc_seconds(end))
    cal = Calendar()
    cal.add("prodid", "-//dso-calamiteit//paraatheid//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Piket calamiteitenorganisatie DSO")
    count = 0
    for rota in config.readiness.rotas:
        for who, s, e in shifts(rota, window):
            person = people[who]
            event = Event()
            event.add("uid", f"{_slug(rota.name)}-{s}@dso-calamiteit")
            event.add("summary", f"{rota.name}: {person.name or person.role}")
            event.add("dtstart", datetime.fromtimestamp(s, UTC))
            event.add("dtend", datetime.fromtimestamp(e, UTC))
            event.add("dtstamp", clock.now())
            event.add("description", f"{person.role}, {person.phone or person.email}")
            cal.add_component(event)
            count += 1
    for x in config.readiness.exceptions:
        s, e = utc_seconds(x.start), utc_seconds(x.end)
        if e <= window[0] or s >= window[1]:
            continue
        person = people[x.contact]
        event = Event()
        event.add("uid", f"uitzondering-{x.contact}-{s}@dso-calamiteit")
        what = "Afwezig" if x.kind == "afwezig" else "Extra bereikbaar"
        stand_in = f" (waarnemer: {people[x.stand_in].name})" if x.stand_in else ""
        event.add("summary", f"{what}: {person.name or person.role}{stand_in}")
        event.add("dtstart", datetime.fromtimestamp(s, UTC))
        event.add("dtend", datetime.fromtimestamp(e, UTC))
        event.add("dtstamp", clock.now())
        cal.add_component(event)
        count += 1
    write_atomic(path, cal.to_ical().decode("utf-8"))
    console(stderr=True).print(
        f"{count} afspraken geschreven naar {path} ({dutchtime.local(start)} tot {dutchtime.local(end)})."
    )
    return exitcodes.OK


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.casefold()).strip("-")


def team(
    name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="Team (bijvoorbeeld OCT); zonder: alle teams.", show_default=False),
    ] = None,
    op: Moment = None,
    json: Json = False,
    config_dir: ConfigDir = None,
) -> int:
    """Toon de samenstelling van een team met per rol wie nu bereikbaar is.

    Voorbeeld: calamiteit team OCT
    """
    from . import config as config_mod

    config = config_mod.load(config_mod.locate(config_dir))
    teams = list(config.teams.teams)
    if name is not None:
        found = config.teams.team(name)
        if found is None:
            ids = [t.id for t in teams]
            raise UsageError(f"onbekend team '{name}'.{suggest(name, ids)}", f"Kies uit: {', '.join(ids)}.")
        teams = [found]
    moment = moment_of(op)
    rows = {t.id: convene(config, t.id, moment) for t in teams}
    if json:
        print(dumps("teams", {"teams": rows}))
    else:
        out = console()
        for t in teams:
            out.print(team_table(t.name, t.id, rows[t.id]))
    return exitcodes.OK


def convene(config: "Config", team_id: str, moment: datetime) -> list[dict[str, Any]]:
    """Per role of the team: the contacts that fill it and which of them is reachable at `moment`."""
    from .readiness import status, utc_seconds
    from .teams import candidates, ordered

    found = config.teams.team(team_id)
    if found is None:
        return []
    reach = around(moment, config)
    at = utc_seconds(moment)
    out = []
    for m in ordered(found):
        people = [(c, status(c, reach, at)) for c in candidates(m, config.contacts)]
        up = [c for c, s in people if s == "bereikbaar"]
        out.append(
            {
                "group": m.group,
                "org": m.org,
                "role": m.role,
                "reachable": [_contact_json(c, "bereikbaar") for c in up],
                "unknown": [_contact_json(c, "onbekend") for c, s in people if s == "onbekend"],
            }
        )
    return out


def team_table(title: str, team_id: str, rows: list[dict[str, Any]]) -> Any:
    from rich import box
    from rich.table import Table

    from .terminal import Text

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
