"""Contacts for scripts: `contacts --json`, and a contact as every JSON document shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .jsondoc import dumps

if TYPE_CHECKING:
    from ..domain.contacts import Contact, ContactsFile


def contact(c: Contact, matrix: ContactsFile, **more: Any) -> dict[str, Any]:
    """A contact as JSON; `more` (e.g. its route) is added after its own keys, into the same dict."""
    org = matrix.organisation(c.org)
    found = {
        "org": c.org,
        "org_name": org.name if org else c.org,
        "role": c.role,
        "name": c.name,
        "tier": c.tier,
        "phone": c.phone,
        "email": c.email,
        "notes": c.notes,
        "tags": list(c.tags),
    }
    if more:
        found.update(more)
    return found


def document(found: list[Contact], matrix: ContactsFile) -> str:
    return dumps("contacts", {"count": len(found), "contacts": [contact(c, matrix) for c in found]})
