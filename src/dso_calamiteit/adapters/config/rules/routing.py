"""config/routing.yaml: situations and routes to organisations and levels that exist."""

from __future__ import annotations

from ....domain.contacts import ContactsFile
from ....domain.criteria import CriteriaFile
from ....domain.errors import suggest
from ....domain.language import _
from ....domain.routing import RoutingFile
from .common import Finding, Loc, filled, no_level, unique_ids, unknown_org


def check(f: RoutingFile, contacts: ContactsFile | None, criteria: CriteriaFile | None) -> list[Finding]:
    out = unique_ids(f.situations, ("situations",), _("situatie-id"))
    out += unique_ids(f.routes, ("routes",), _("lijn-id"))
    situations = [s.id for s in f.situations]
    orgs = [o.id for o in contacts.organisations] if contacts else None
    levels = [lv.level for lv in criteria.levels] if criteria else None
    for i, r in enumerate(f.routes):
        here: Loc = ("routes", i)
        out += filled(r, here, "when")
        if not r.to:
            out.append(((*here, "to"), _("'to' moet minstens één organisatie noemen")))
        for field in ("to", "also"):
            for j, org in enumerate(getattr(r, field)):
                if orgs is not None and org not in orgs:
                    out.append(((*here, field, j), unknown_org(org, orgs)))
        if r.situation is not None and r.situation not in situations:
            out.append(
                (
                    (*here, "situation"),
                    _("onbekende situatie '{id}'.").format(id=r.situation) + suggest(r.situation, situations),
                )
            )
        for field in ("min_level", "max_level"):
            value = getattr(r, field)
            if value is not None and levels is not None and value not in levels:
                out.append(((*here, field), no_level(value)))
        if r.min_level is not None and r.max_level is not None and r.min_level > r.max_level:
            out.append(((*here, "max_level"), _("max_level ligt onder min_level")))
    return out
