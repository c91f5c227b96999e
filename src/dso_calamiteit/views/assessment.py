"""An assessment for scripts: `assess --json`, the advice with its routing, contacts, team and whom to call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .contacts import contact, routed
from .criteria import level
from .jsondoc import dumps
from .readiness import convocation_json
from .routing import route

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.routing import Briefing


def document(briefing: Briefing, config: Config) -> str:
    result, matrix = briefing.result, config.contacts
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
            "contacts": routed(((rc.contact, rc.route, rc.optional) for rc in briefing.routed), matrix),
            "convene": convocation_json(briefing.convene),
            "call_now": [
                {
                    "for": call.what,
                    "contact": None if call.contact is None else contact(call.contact, matrix),
                    "instead": call.instead or None,
                }
                for call in briefing.call_now
            ],
        },
        floatless=True,  # texts, whole numbers and booleans only: orjson may write it (jsondoc.compact_text)
    )
