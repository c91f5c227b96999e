"""JSON documents for scripts: the same results the tables show, with a schema version to branch on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from ..domain import dutchtime
from ..domain.safetext import json_text
from .jsondoc import dumps

if TYPE_CHECKING:  # annotations only: the command modules import `dumps` at start-up, so this stays light
    from ..adapters.config import Config, Source
    from ..app.readiness import Moment
    from ..domain.contacts import Contact, ContactsFile
    from ..domain.criteria import CriteriaFile, Level
    from ..domain.errors import Problem
    from ..domain.logbook import Entry, Fault, Incident
    from ..domain.readiness import Gap
    from ..domain.routing import Briefing, Route


def level(lv: Level) -> dict[str, Any]:
    return {
        "level": lv.level,
        "name": lv.name,
        "team": lv.team,
        "team_name": lv.team_name,
        "meaning": lv.meaning,
    }


def contact(c: Contact, matrix: ContactsFile) -> dict[str, Any]:
    org = matrix.organisation(c.org)
    return {
        "org": c.org,
        "org_name": org.name if org else c.org,
        "role": c.role,
        "name": c.name,
        "tier": c.tier,
        "phone": c.phone,
        "email": c.email,
        "notes": c.notes,
        "tags": list(c.tags),
    }


def route(r: Route) -> dict[str, Any]:
    return {
        "id": r.id,
        "when": r.when,
        "situation": r.situation,
        "tiers": list(r.tiers),
        "to": list(r.to),
        "also": list(r.also),
        "min_level": r.min_level,
        "max_level": r.max_level,
    }


def assessment(briefing: Briefing, config: Config) -> str:
    result = briefing.result
    advice = result.advice
    return dumps(
        "assessment",
        {
            **level(result.recommended),
            "answers": dict(result.answers),
            "levels": [
                {
                    "level": t.level.level,
                    "met": len(t.met),
                    "threshold": t.level.threshold,
                    "reached": t.reached,
                }
                for t in result.tallies
                if t.level.criteria
            ],
            "triggered": [{"id": c.id, "level": lv.level, "text": c.text} for lv, c in result.triggered],
            "decisive": [c.id for c in result.decisive],
            "advice": None
            if advice is None
            else {
                "action": advice.action,
                "current": advice.current.level,
                "recommended": advice.recommended.level,
                "reason": advice.reason,
            },
            "situation": briefing.situation,
            "routing": [route(r) for r in briefing.routes],
            "contacts": [
                {**contact(rc.contact, config.contacts), "route": rc.route, "optional": rc.optional}
                for rc in briefing.routed
            ],
            "convene": briefing.convene,
            "call_now": [
                {
                    "for": call.what,
                    "contact": None if call.contact is None else contact(call.contact, config.contacts),
                    "instead": call.instead or None,
                }
                for call in briefing.call_now
            ],
        },
    )


def contacts(found: list[Contact], matrix: ContactsFile) -> str:
    return dumps("contacts", {"count": len(found), "contacts": [contact(c, matrix) for c in found]})


def criteria(f: CriteriaFile) -> str:
    return dumps(
        "criteria",
        {
            "definition": {"text": f.definition.text, "elements": list(f.definition.elements)},
            "levels": [
                {
                    **level(lv),
                    "threshold": lv.threshold if lv.criteria else None,
                    "criteria": [{"id": c.id, "text": c.text, "question": c.question} for c in lv.criteria],
                }
                for lv in f.ordered
            ],
        },
    )


def routes(config: Config) -> str:
    return dumps(
        "routes",
        {
            "situations": [{"id": s.id, "title": s.title} for s in config.routing.situations],
            "routes": [route(r) for r in config.routing.routes],
            "organisations": {o.id: o.name for o in config.contacts.organisations},
        },
    )


def check(sources: list[Source], problems: list[Problem]) -> str:
    from ..adapters.config import shown

    return dumps(
        "check",
        {
            "valid": not problems,
            "files": [{"kind": s.kind, "path": shown(s.path), "origin": s.origin} for s in sources],
            "problems": [{"file": p.path, "line": p.line, "column": p.column, "message": p.message} for p in problems],
        },
    )


def entry_json(e: Entry) -> dict[str, Any]:
    return {"n": e.n, "at": e.at, "author": e.author, "role": e.role, "kind": e.kind, "data": e.data, "hash": e.hash}


def entry_text(e: Entry, quote: Callable[[str], str] = encode_basestring) -> str:
    """One entry as JSON with its stored body spliced in as it is: no parse and re-dump per entry (`quote`
    is json's own C string encoder, without the per-call overhead of json.dumps)."""
    return (
        f'{{"n":{e.n},"at":{quote(e.at)},"author":{quote(e.author)},'
        f'"role":{"null" if e.role is None else quote(e.role)},'
        f'"kind":{quote(e.kind)},"data":{e.body},"hash":{quote(e.hash)}}}'
    )


def timeline_json(state: Incident, entries: list[str], faults: list[Fault]) -> str:
    """`incident show --json`: the incident's state, then every entry (each already `entry_text`)."""
    head = dumps(
        "timeline",
        {
            "chain": {"verified": not faults, "faults": [{"n": f.n, "message": f.message} for f in faults]},
            "incident": state.id,
            "title": state.title,
            "level": state.level,
            "closed_at": state.closed_at,
            "open_actions": [a.number for a in state.open_actions],
            "head": state.head,
        },
        indent=None,
    )
    return json_text(f'{head[:-1]},"entries":[{",".join(entries)}]}}')


def readiness_moment(found: Moment) -> str:
    from ..app.readiness import contact_json

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


def readiness_gaps(found: list[Gap], start: datetime, end: datetime) -> str:
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
