"""config/rapport.yaml: a cadence in minutes within a day, per level that exists, once; a picture cap of 1+."""

from __future__ import annotations

from ....domain.criteria import CriteriaFile
from ....domain.language import _
from ....domain.sitrap import ReportingFile
from .common import Finding, Loc, no_level, twice


def check(f: ReportingFile, criteria: CriteriaFile | None) -> list[Finding]:
    out: list[Finding] = []
    day = 24 * 60
    if not 1 <= f.default_minutes <= day:
        out.append(
            (
                ("default_minutes",),
                _("{minutes} minuten valt buiten 1..{most}").format(minutes=f.default_minutes, most=day),
            )
        )
    if f.picture_shown < 1:
        out.append(
            (("picture_shown",), _("{shown}: een sitrap toont minstens 1 waarneming").format(shown=f.picture_shown))
        )
    levels = [lv.level for lv in criteria.levels] if criteria else None
    seen: set[int] = set()
    for i, c in enumerate(f.cadence):
        here: Loc = ("cadence", i)
        if not 1 <= c.every_minutes <= day:
            out.append(
                (
                    (*here, "every_minutes"),
                    _("{minutes} minuten valt buiten 1..{most}").format(minutes=c.every_minutes, most=day),
                )
            )
        if levels is not None and c.level not in levels:
            out.append(((*here, "level"), no_level(c.level)))
        if c.level in seen:
            out.append(((*here, "level"), twice(c.level)))
        seen.add(c.level)
    return out
