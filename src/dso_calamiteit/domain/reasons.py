"""The reasons of an advice and a level change, worded when shown from the values a record holds. Apart from
the decision (assessment.py), so that reading a logbook does not load the criteria (benchmarks/callout_status.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .language import _


def recorded_reason(data: Mapping[str, Any]) -> str:
    """The reason of a recorded advice or level change in the reader's language: a person's reason as typed; the
    tool's own worded now from the `grounds` it stored (a record from before session 30 holds Dutch words)."""
    if data.get("reason") or "grounds" not in data:
        return str(data.get("reason", ""))
    return advice_reason(str(data["action"]), data["grounds"])


def advice_reason(action: str, grounds: Mapping[str, Any]) -> str:
    """The reason of an advice, worded now from its stored values (a record holds the values, not the words)."""

    def summary(levels: list[Mapping[str, Any]]) -> str:
        return "; ".join(
            _("{level}: {met} van {total} criteria met 'ja' (drempel {threshold})").format(
                level=t["name"], met=t["met"], total=t["total"], threshold=t["threshold"]
            )
            for t in levels
        )

    current, recommended = grounds["current"], grounds["recommended"]
    if action == "opschalen":
        met = "; ".join(f"'{text}'" for text in grounds["met"])
        return _("Opschalen van {current} naar {recommended}: nu geldt {met}.").format(
            current=current, recommended=recommended, met=met
        )
    if action == "afschalen":
        return _(
            "Afschalen van {current} naar {recommended}: de criteria van het huidige niveau gelden niet meer "
            "({summary})."
        ).format(current=current, recommended=recommended, summary=summary(grounds["levels"]))
    if grounds["levels"]:
        return _("Handhaven op {current}: {summary}; hoger niveau niet bereikt.").format(
            current=current, summary=summary(grounds["levels"])
        )
    return _("Handhaven op {current}: geen enkele drempel voor opschalen bereikt.").format(current=current)
