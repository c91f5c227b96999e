"""config/teams.yaml: each team once, its roles filled by contacts that exist."""

from __future__ import annotations

from ....domain.contacts import ContactsFile
from ....domain.errors import suggest
from ....domain.language import _
from ....domain.teams import TeamsFile
from .common import Finding, Loc, unknown_org


def check(f: TeamsFile, contacts: ContactsFile | None) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for i, t in enumerate(f.teams):
        if t.id.casefold() in seen:
            out.append((("teams", i, "id"), _("team '{id}' komt twee keer voor").format(id=t.id)))
        seen.add(t.id.casefold())
        if contacts is None:
            continue
        orgs = [o.id for o in contacts.organisations]
        for j, m in enumerate(t.members):
            loc: Loc = ("teams", i, "members", j)
            if m.org not in orgs:
                out.append(((*loc, "org"), unknown_org(m.org, orgs)))
                continue
            roles = sorted({c.role for c in contacts.contacts if c.org == m.org})
            if m.role not in roles:
                said = _("geen contact met rol '{role}' bij {org}.").format(role=m.role, org=m.org)
                out.append(((*loc, "role"), said + suggest(m.role, roles)))
    return out
