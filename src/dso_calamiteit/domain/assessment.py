"""The decision: which level the answers reach, and whether to scale up, down or hold. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .criteria import CriteriaFile, Criterion, Level
from .reasons import advice_reason
from .records import record

Action = Literal["opschalen", "afschalen", "handhaven"]


@record
class Tally:
    """How one level fares: the criteria answered 'ja' against its threshold."""

    level: Level
    met: tuple[Criterion, ...]

    @property
    def reached(self) -> bool:
        return bool(self.level.criteria) and len(self.met) >= self.level.threshold


@record
class Advice:
    action: Action
    current: Level
    recommended: Level
    grounds: Mapping[str, Any]  # the values the reason is worded from, in no language: names and texts of criteria.yaml

    @property
    def reason(self) -> str:
        """Why, in the reader's language."""
        return advice_reason(self.action, self.grounds)


@record
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
