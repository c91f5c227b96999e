"""The escalation ladder: levels, their teams and their yes/no criteria, as written in criteria.yaml.

These dataclasses are the domain model and, through pydantic, the schema of the file. Field docstrings
are Dutch because they become the descriptions a coordinator's editor shows while editing the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .schema import STRICT


@dataclass(frozen=True)
class Criterion:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Vaste, typbare id (kleine letters, cijfers en '-'), gebruikt in --answer ID=ja en in JSON."""
    text: str
    """Het criterium, letterlijk uit de bron."""
    question: str
    """De ja/nee-vraag die `calamiteit assess` stelt."""


@dataclass(frozen=True)
class Level:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    level: int
    """Niveaunummer (0-99); hoger is zwaarder. Het laagste niveau is de basis en heeft geen criteria."""
    name: str
    """Naam van het niveau, bijvoorbeeld 'Niveau 1'."""
    team: str
    """Korte naam van het team dat op dit niveau optreedt, bijvoorbeeld 'OCT'."""
    team_name: str = ""
    """Voluit, bijvoorbeeld 'Operationeel Calamiteitenteam'."""
    meaning: str = ""
    """Wat dit niveau in de praktijk betekent."""
    threshold: int = 1
    """Hoeveel criteria van dit niveau minstens met 'ja' beantwoord moeten zijn om het te bereiken."""
    criteria: tuple[Criterion, ...] = ()
    """De criteria van dit niveau."""

    @property
    def label(self) -> str:
        return f"{self.name} → {self.team}" if self.team and self.team != self.name else self.name


@dataclass(frozen=True)
class Definition:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    text: str
    """De definitie van een calamiteit, letterlijk uit de bron."""
    elements: tuple[str, ...] = ()
    """De kernelementen van de definitie, kort."""
    source: str = ""
    """Waar de tekst vandaan komt."""


@dataclass(frozen=True)
class CriteriaFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    definition: Definition
    """Wanneer spreken we van een calamiteit?"""
    levels: tuple[Level, ...]
    """De niveaus, van laag naar hoog. De hoogste bereikte drempel bepaalt het advies."""

    @property
    def ordered(self) -> tuple[Level, ...]:
        return tuple(sorted(self.levels, key=lambda lv: lv.level))

    @property
    def base(self) -> Level:
        return self.ordered[0]

    @property
    def ladder(self) -> frozenset[int]:
        """The level numbers, which every logged level must be one of (the chain's rules check it)."""
        return frozenset(lv.level for lv in self.ordered)

    def level(self, number: int) -> Level | None:
        return next((lv for lv in self.levels if lv.level == number), None)

    def all_criteria(self) -> list[tuple[Level, Criterion]]:
        return [(lv, c) for lv in self.ordered for c in lv.criteria]
