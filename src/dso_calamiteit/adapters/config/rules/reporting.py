"""config/rapport.yaml: a cadence in minutes within a day, per level that exists, once; a picture cap of 1+."""

from __future__ import annotations

from ....domain.criteria import CriteriaFile
from ....domain.sitrap import ReportingFile
from .common import Finding, Loc


def check(f: ReportingFile, criteria: CriteriaFile | None) -> list[Finding]:
    out: list[Finding] = []
    day = 24 * 60
    if not 1 <= f.default_minutes <= day:
        out.append((("default_minutes",), f"{f.default_minutes} minuten valt buiten 1..{day}"))
    if f.picture_shown < 1:
        out.append((("picture_shown",), f"{f.picture_shown}: een sitrap toont minstens 1 waarneming"))
    levels = [lv.level for lv in criteria.levels] if criteria else None
    seen: set[int] = set()
    for i, c in enumerate(f.cadence):
        here: Loc = ("cadence", i)
        if not 1 <= c.every_minutes <= day:
            out.append(((*here, "every_minutes"), f"{c.every_minutes} minuten valt buiten 1..{day}"))
        if levels is not None and c.level not in levels:
            out.append(((*here, "level"), f"niveau {c.level} bestaat niet in criteria.yaml"))
        if c.level in seen:
            out.append(((*here, "level"), f"niveau {c.level} komt twee keer voor"))
        seen.add(c.level)
    return out
