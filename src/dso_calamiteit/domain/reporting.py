"""How often a situation report follows, per level (config/rapport.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from .criteria import STRICT


@dataclass(frozen=True)
class Cadence:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    level: int
    """Escalatieniveau uit criteria.yaml."""
    every_minutes: int
    """Om de hoeveel minuten op dit niveau een nieuwe sitrap volgt."""


@dataclass(frozen=True)
class ReportingFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    default_minutes: int = 60
    """Update-interval voor niveaus zonder eigen regel, in minuten."""
    cadence: tuple[Cadence, ...] = ()
    """Update-interval per niveau."""

    def minutes_for(self, level: int) -> int:
        return next((c.every_minutes for c in self.cadence if c.level == level), self.default_minutes)


def next_sitrap(
    reporting: ReportingFile, opened_at: str, level: int, promised: str | None, closed: bool
) -> datetime | None:
    """When the next sitrap is due: what the latest one promised, or for the first one the opening plus the
    cadence of the current level; None once the incident is closed."""
    if closed:
        return None
    if promised is not None:
        return datetime.fromisoformat(promised)
    return datetime.fromisoformat(opened_at) + timedelta(minutes=reporting.minutes_for(level))
