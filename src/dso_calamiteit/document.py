"""JSON documents for scripts: the same results the tables show, with a schema version to branch on."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the command modules import `dumps` at start-up, so this stays light
    from .config import Config, Source
    from .contacts import Contact, ContactsFile
    from .criteria import CriteriaFile, Level
    from .errors import Problem
    from .routing import Briefing, Route

SCHEMA_VERSION = 1


def dumps(kind: str, body: dict[str, Any], indent: int | None = 2) -> str:
    """Every JSON document of the tool: the schema version and kind first, then the body."""
    from .safetext import json_text

    text = json.dumps({"schema_version": SCHEMA_VERSION, "kind": kind, **body}, ensure_ascii=False, indent=indent)
    return json_text(text)


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
    from .config import shown

    return dumps(
        "check",
        {
            "valid": not problems,
            "files": [{"kind": s.kind, "path": shown(s.path), "origin": s.origin} for s in sources],
            "problems": [{"file": p.path, "line": p.line, "column": p.column, "message": p.message} for p in problems],
        },
    )
