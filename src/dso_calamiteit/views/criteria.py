"""The criteria for scripts: `criteria --json`, and a level as every JSON document shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .jsondoc import dumps

if TYPE_CHECKING:
    from ..domain.criteria import CriteriaFile, Level


def level(lv: Level) -> dict[str, Any]:
    return {
        "level": lv.level,
        "name": lv.name,
        "team": lv.team,
        "team_name": lv.team_name,
        "meaning": lv.meaning,
    }


def document(f: CriteriaFile) -> str:
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
