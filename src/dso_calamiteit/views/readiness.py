"""Readiness for scripts and calendars: the JSON of a moment, of the gaps over a period and of a team to
convene, and the rotas as iCalendar. The tables for people are in views/tables/readiness.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain import dutchtime
from ..domain.language import _
from .jsondoc import dumps

if TYPE_CHECKING:
    from ..app.readiness import CalendarEvent, Moment
    from ..domain.contacts import Contact
    from ..domain.readiness import Gap
    from ..domain.teams import Convocation, Seat


def contact_json(c: Contact, state: str) -> dict[str, Any]:
    return {
        "id": c.id or None,
        "org": c.org,
        "role": c.role,
        "name": c.name,
        "tier": c.tier,
        "phone": c.phone,
        "status": state,
    }


def seat_json(seat: Seat) -> dict[str, Any]:
    return {
        "group": seat.group,
        "org": seat.org,
        "role": seat.role,
        "reachable": [contact_json(c, "bereikbaar") for c in seat.reachable],
        "unknown": [contact_json(c, "onbekend") for c in seat.unknown],
        "instead": seat.instead or None,
        "stand_in": None
        if seat.stand_in is None or seat.absent is None
        else {**contact_json(seat.stand_in, "bereikbaar"), "for": contact_json(seat.absent, "afwezig")},
    }


def convocation_json(found: Convocation | None) -> dict[str, Any] | None:
    """Whom to convene, as `assess --json` (`convene`), the sitrap's JSON (`team`) and the call-out show it."""
    if found is None:
        return None
    return {"team": found.team, "name": found.name, "members": [seat_json(s) for s in found.members]}


def teams_document(teams: Mapping[str, Iterable[Seat]]) -> str:
    """`team --json`: per team id its roles, each with who is reachable."""
    return dumps("teams", {"teams": {team: [seat_json(s) for s in seats] for team, seats in teams.items()}})


def moment_document(found: Moment) -> str:
    """`paraatheid --json`."""
    return dumps(
        "readiness",
        {
            "at": dutchtime.stamp(found.at),
            "heightened": found.periods,
            "contacts": [contact_json(c, s) for c, s in found.people],
            "desks": [{**contact_json(c, s), "open": s == "bereikbaar"} for c, s in found.desks],
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
                for st in found.standings
            ],
        },
    )


def gaps_document(found: list[Gap], start: datetime, end: datetime) -> str:
    """`paraatheid --van --tot --json`."""

    def stamp(seconds: int) -> str:
        return dutchtime.stamp(datetime.fromtimestamp(seconds, dutchtime.LOCAL))

    return dumps(
        "readiness-gaps",
        {
            "from": dutchtime.stamp(start),
            "to": dutchtime.stamp(end),
            "gaps": [
                {
                    "org": g.requirement.org,
                    "tier": g.requirement.tier,
                    "label": g.requirement.label,
                    "period": g.period or None,
                    "from": stamp(g.start),
                    "to": stamp(g.end),
                    "minutes": (g.end - g.start) // 60,
                }
                for g in found
            ],
        },
    )


def ics(events: list[CalendarEvent], made: datetime) -> str:
    """`paraatheid --ics`: the rotas and absences as an iCalendar file (RFC 5545, by the icalendar package)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//dso-calamiteit//paraatheid//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Piket calamiteitenorganisatie DSO"))
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("summary", e.summary)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("dtstamp", made)
        if e.description is not None:
            event.add("description", e.description)
        cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))
