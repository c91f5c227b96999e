"""contacts.yaml: unique ids, known organisations, phone numbers and e-mail addresses that can be one."""

from __future__ import annotations

from ....domain.contacts import ContactsFile
from ....domain.errors import suggest
from .common import EMAIL, ID, PHONE, Finding, Loc, filled, unique_ids


def check(f: ContactsFile) -> list[Finding]:
    out = unique_ids(f.organisations, ("organisations",), "organisatie-id")
    for i, o in enumerate(f.organisations):
        out += filled(o, ("organisations", i), "name")
    known = [o.id for o in f.organisations]
    ids: set[str] = set()
    for i, c in enumerate(f.contacts):
        here: Loc = ("contacts", i)
        if c.id:
            if not ID.match(c.id):
                out.append(((*here, "id"), f"contact-id '{c.id}' mag alleen kleine letters, cijfers en '-' bevatten"))
            if c.id in ids:
                out.append(((*here, "id"), f"dubbele contact-id '{c.id}'"))
            ids.add(c.id)
        out += filled(c, here, "role")
        if c.org not in known:
            out.append(((*here, "org"), f"onbekende organisatie '{c.org}'.{suggest(c.org, known)}"))
        if c.phone and not PHONE.match(c.phone):
            out.append(((*here, "phone"), f"'{c.phone}' is geen telefoonnummer (cijfers, spaties, + - ( ))"))
        if c.email and not EMAIL.match(c.email):
            out.append(((*here, "email"), f"'{c.email}' is geen e-mailadres"))
    return out
