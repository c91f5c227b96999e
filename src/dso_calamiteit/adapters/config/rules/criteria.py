"""criteria.yaml: the levels' numbers, thresholds and criteria ids."""

from __future__ import annotations

from ....domain import exitcodes
from ....domain.criteria import CriteriaFile
from ....domain.language import _
from .common import ID, Finding, Loc, filled, twice


def check(f: CriteriaFile) -> list[Finding]:
    out: list[Finding] = filled(f.definition, ("definition",), "text")
    if len(f.levels) < 2:
        out.append((("levels",), _("minstens twee niveaus nodig: het basisniveau en één niveau met criteria")))
    numbers: set[int] = set()
    lowest = min((lv.level for lv in f.levels), default=0)
    for i, lv in enumerate(f.levels):
        here: Loc = ("levels", i)
        out += filled(lv, here, "name")
        if not 0 <= lv.level <= exitcodes.MAX_LEVEL_NUMBER:
            out.append(
                (
                    (*here, "level"),
                    _("niveau {level} valt buiten 0..{most}").format(level=lv.level, most=exitcodes.MAX_LEVEL_NUMBER),
                )
            )
        if lv.level in numbers:
            out.append(((*here, "level"), twice(lv.level)))
        numbers.add(lv.level)
        if lv.level == lowest and lv.criteria:
            out.append(((*here, "criteria"), _("het basisniveau (het laagste) heeft geen criteria")))
        elif lv.level != lowest and not lv.criteria:
            out.append((here, _("niveau {level} heeft geen criteria; geef er minstens één").format(level=lv.level)))
        elif lv.criteria and not 1 <= lv.threshold <= len(lv.criteria):
            out.append(
                (
                    (*here, "threshold"),
                    _("drempel {threshold} moet tussen 1 en {most} liggen").format(
                        threshold=lv.threshold, most=len(lv.criteria)
                    ),
                )
            )
        for j, c in enumerate(lv.criteria):
            out += filled(c, (*here, "criteria", j), "text", "question")
    every = [(i, j, c) for i, lv in enumerate(f.levels) for j, c in enumerate(lv.criteria)]
    seen: set[str] = set()
    for i, j, c in every:
        loc: Loc = ("levels", i, "criteria", j, "id")
        if not ID.match(c.id):
            out.append(
                (loc, _("criterium-id '{id}' mag alleen kleine letters, cijfers en '-' bevatten").format(id=c.id))
            )
        if c.id in seen:
            out.append((loc, _("dubbele criterium-id '{id}'").format(id=c.id)))
        seen.add(c.id)
    return out
