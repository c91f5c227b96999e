"""The escalation ladder: levels, their teams and their yes/no criteria, as written in criteria.yaml.

These dataclasses are the domain model and, through pydantic, the schema of the file. Field docstrings
are Dutch because they become the descriptions a coordinator's editor shows while editing the YAML.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .language import _, current
from .records import record
from .schema import STRICT


@record
class Criterion:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Vaste, typbare id (kleine letters, cijfers en '-'), gebruikt in --answer ID=ja en in JSON."""
    text: str
    """Het criterium, letterlijk uit de bron."""
    question: str
    """De ja/nee-vraag die `calamiteit assess` stelt."""
    text_en: str = ""
    """Optioneel: het criterium in het Engels (getoond met --lang en; `check` waarschuwt als het ontbreekt)."""
    question_en: str = ""
    """Optioneel: de vraag in het Engels (gesteld met --lang en)."""

    @property
    def shown_text(self) -> str:
        """The criterion in the reader's language: the English text when asked for and written, else as written."""
        return self.text_en if current() == "en" and self.text_en else self.text

    @property
    def shown_question(self) -> str:
        return self.question_en if current() == "en" and self.question_en else self.question


@record
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
    meaning_en: str = ""
    """Optioneel: de betekenis in het Engels (getoond met --lang en)."""
    threshold: int = 1
    """Hoeveel criteria van dit niveau minstens met 'ja' beantwoord moeten zijn om het te bereiken."""
    criteria: tuple[Criterion, ...] = ()
    """De criteria van dit niveau."""

    @property
    def shown_meaning(self) -> str:
        return self.meaning_en if current() == "en" and self.meaning_en else self.meaning

    @property
    def label(self) -> str:
        return f"{self.name} → {self.team}" if self.team and self.team != self.name else self.name


@record
class Definition:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    text: str
    """De definitie van een calamiteit, letterlijk uit de bron."""
    elements: tuple[str, ...] = ()
    """De kernelementen van de definitie, kort."""
    source: str = ""
    """Waar de tekst vandaan komt."""
    text_en: str = ""
    """Optioneel: de definitie in het Engels (getoond met --lang en)."""
    elements_en: tuple[str, ...] = ()
    """Optioneel: de kernelementen in het Engels."""

    @property
    def shown_text(self) -> str:
        return self.text_en if current() == "en" and self.text_en else self.text

    @property
    def shown_elements(self) -> tuple[str, ...]:
        return self.elements_en if current() == "en" and self.elements_en else self.elements


@record
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

    def missing_english(self) -> list[str]:
        """The English texts a file that has any lacks (a file with none is Dutch only, by choice): where and
        which field, for `check` to warn about (a warning: the Dutch is shown instead)."""
        d = self.definition
        found = [
            (_("definitie"), "text_en", bool(d.text_en)),
            (_("definitie"), "elements_en", bool(d.elements_en) or not d.elements),
        ]
        for lv in self.ordered:
            found.append(
                (_("niveau {level}").format(level=lv.level), "meaning_en", bool(lv.meaning_en) or not lv.meaning)
            )
            for c in lv.criteria:
                found += [
                    (_("criterium '{id}'").format(id=c.id), "text_en", bool(c.text_en)),
                    (_("criterium '{id}'").format(id=c.id), "question_en", bool(c.question_en)),
                ]
        if not any(present for _where, field, present in found if field in ("text_en", "question_en") and present):
            return []
        return [f"{where}: {field}" for where, field, present in found if not present]
