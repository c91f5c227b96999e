"""The decision: which level the answers reach, and whether to scale up, down or hold. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .criteria import CriteriaFile, Criterion, Level
from .language import _

Action = Literal["opschalen", "afschalen", "handhaven"]


@dataclass(frozen=True, slots=True)
class Tally:
    """How one level fares: the criteria answered 'ja' against its threshold."""

    level: Level
    met: tuple[Criterion, ...]

    @property
    def reached(self) -> bool:
        return bool(self.level.criteria) and len(self.met) >= self.level.threshold


@dataclass(frozen=True, slots=True)
class Advice:
    action: Action
    current: Level
    recommended: Level
    grounds: Mapping[str, Any]  # the values the reason is worded from, in no language: names and texts of criteria.yaml

    @property
    def reason(self) -> str:
        """Why, in the reader's language."""
        return advice_reason(self.action, self.grounds)


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


@dataclass(frozen=True, slots=True)
class Assessment:
    recommended: Level
    tallies: tuple[Tally, ...]
    answers: Mapping[str, bool]
    advice: Advice | None

    @property
    def triggered(self) -> list[tuple[Level, Criterion]]:
        return [(t.level, c) for t in self.tallies for c in t.met]

    @property
    def decisive(self) -> tuple[Criterion, ...]:
        """The criteria that put the recommendation at its level (none for the base level)."""
        return next((t.met for t in self.tallies if t.level.level == self.recommended.level), ())


def assess(criteria: CriteriaFile, answers: Mapping[str, bool], current: int | None = None) -> Assessment:
    """Recommend the highest level whose threshold the answers reach; the base level when none is.

    `answers` must cover every criterion (the caller asks or refuses first). `current`, when given,
    must be a level number from `criteria`; the advice then compares it with the recommendation.
    """
    tallies = tuple(Tally(lv, tuple(c for c in lv.criteria if answers[c.id])) for lv in criteria.ordered)
    reached = [t.level for t in tallies if t.reached]
    recommended = reached[-1] if reached else criteria.base
    advice = None
    if current is not None:
        now = criteria.level(current)
        if now is None:
            raise ValueError(f"unknown level {current}")
        advice = _advise(tallies, now, recommended)
    return Assessment(recommended, tallies, dict(answers), advice)


def _advise(tallies: tuple[Tally, ...], current: Level, recommended: Level) -> Advice:
    def counts(levels: list[Tally]) -> list[dict[str, Any]]:
        return [
            {"name": t.level.name, "met": len(t.met), "total": len(t.level.criteria), "threshold": t.level.threshold}
            for t in levels
        ]

    if recommended.level > current.level:
        above = [t for t in tallies if current.level < t.level.level <= recommended.level and t.met]
        grounds: dict[str, Any] = {
            "current": current.name,
            "recommended": _with_team(recommended),
            "met": [c.text for t in above for c in t.met],
            "levels": [],
        }
        return Advice("opschalen", current, recommended, grounds)
    if recommended.level < current.level:
        left = [t for t in tallies if recommended.level < t.level.level <= current.level]
        grounds = {"current": current.name, "recommended": _with_team(recommended), "met": [], "levels": counts(left)}
        return Advice("afschalen", current, recommended, grounds)
    here = next(t for t in tallies if t.level.level == recommended.level)
    grounds = {
        "current": _with_team(current),
        "recommended": _with_team(recommended),
        "met": [],
        "levels": counts([here]) if here.level.criteria else [],
    }
    return Advice("handhaven", current, recommended, grounds)


def _with_team(level: Level) -> str:
    """'Niveau 1 (OCT)', but 'Serviceketen' alone where the team has the level's own name."""
    return level.name if not level.team or level.team == level.name else f"{level.name} ({level.team})"
