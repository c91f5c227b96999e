"""config/routing.yaml: situations and routes to organisations and levels that exist."""

from __future__ import annotations

from ....domain.contacts import ContactsFile
from ....domain.criteria import CriteriaFile
from ....domain.errors import suggest
from ....domain.routing import RoutingFile
from .common import Finding, Loc, filled, unique_ids


def check(f: RoutingFile, contacts: ContactsFile | None, criteria: CriteriaFile | None) -> list[Finding]:
    out = unique_ids(f.situations, ("situations",), "situatie-id") + unique_ids(f.routes, ("routes",), "lijn-id")
    situations = [s.id for s in f.situations]
    orgs = [o.id for o in contacts.organisations] if contacts else None
    levels = [lv.level for lv in criteria.levels] if criteria else None
    for i, r in enumerate(f.routes):
        here: Loc = ("routes", i)
        out += filled(r, here, "when")
        if not r.to:
            out.append(((*here, "to"), "'to' moet minstens één organisatie noemen"))
        for field in ("to", "also"):
            for j, org in enumerate(getattr(r, field)):
                if orgs is not None and org not in orgs:
                    out.append(((*here, field, j), f"onbekende organisatie '{org}'.{suggest(org, orgs)}"))
        if r.situation is not None and r.situation not in situations:
            out.append(
                (
                    (*here, "situation"),
                    f"onbekende situatie '{r.situation}'.{suggest(r.situation, situations)}",
                )
            )
        for field in ("min_level", "max_level"):
            value = getattr(r, field)
            if value is not None and levels is not None and value not in levels:
                out.append(((*here, field), f"niveau {value} bestaat niet in criteria.yaml"))
        if r.min_level is not None and r.max_level is not None and r.min_level > r.max_level:
            out.append(((*here, "max_level"), "max_level ligt onder min_level"))
    return out
