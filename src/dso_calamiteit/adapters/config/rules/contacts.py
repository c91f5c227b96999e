"""contacts.yaml: unique ids, known organisations, phone numbers and e-mail addresses that can be one."""

from __future__ import annotations

from ....domain.contacts import ContactsFile
from ....domain.language import _
from .common import EMAIL, ID, PHONE, Finding, Loc, filled, not_email, unique_ids, unknown_org


def check(f: ContactsFile) -> list[Finding]:
    out = unique_ids(f.organisations, ("organisations",), _("organisatie-id"))
    for i, o in enumerate(f.organisations):
        out += filled(o, ("organisations", i), "name")
    known = [o.id for o in f.organisations]
    ids: set[str] = set()
    for i, c in enumerate(f.contacts):
        here: Loc = ("contacts", i)
        if c.id:
            if not ID.match(c.id):
                out.append(
                    (
                        (*here, "id"),
                        _("contact-id '{id}' mag alleen kleine letters, cijfers en '-' bevatten").format(id=c.id),
                    )
                )
            if c.id in ids:
                out.append(((*here, "id"), _("dubbele contact-id '{id}'").format(id=c.id)))
            ids.add(c.id)
        out += filled(c, here, "role")
        if c.org not in known:
            out.append(((*here, "org"), unknown_org(c.org, known)))
        if c.phone and not PHONE.match(c.phone):
            out.append(
                (
                    (*here, "phone"),
                    _("'{phone}' is geen telefoonnummer (cijfers, spaties, + - ( ))").format(phone=c.phone),
                )
            )
        if c.email and not EMAIL.match(c.email):
            out.append(((*here, "email"), not_email(c.email)))
    return out
