"""The contact matrix (contacts.yaml): organisations, the people and desks to call, and searching them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Literal, get_args

from .criteria import STRICT

Tier = Literal["operationeel", "tactisch", "strategisch"]
TIERS: tuple[str, ...] = get_args(Tier)


@dataclass(frozen=True)
class Organisation:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Vaste, typbare id (kleine letters, cijfers en '-'), gebruikt in routing en --org."""
    name: str
    """Naam zoals coördinatoren hem kennen."""
    kind: str = ""
    """Soort organisatie, bijvoorbeeld 'beheer', 'helpdesk', 'bevoegd gezag', 'koepel', 'leverancier'."""
    description: str = ""
    """Wat deze organisatie in de calamiteitenorganisatie doet."""


@dataclass(frozen=True)
class Contact:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    org: str
    """Id van de organisatie (zie organisations)."""
    role: str
    """Rol of functie, bijvoorbeeld 'Coördinator storingen' of 'Servicedesk'."""
    tier: Tier
    """Niveau: operationeel, tactisch of strategisch."""
    name: str = ""
    """Naam van de persoon (optioneel; een servicedesk heeft er geen)."""
    phone: str = ""
    """Telefoonnummer, bijvoorbeeld '+31 00 0000 0000'."""
    email: str = ""
    """E-mailadres."""
    notes: str = ""
    """Bijzonderheden, bijvoorbeeld bereikbaarheid."""
    tags: tuple[str, ...] = ()
    """Trefwoorden om op te zoeken."""
    id: str = ""
    """Vaste id (kleine letters, cijfers en '-'); nodig om naar dit contact te verwijzen in config/paraatheid.yaml."""


@dataclass(frozen=True)
class ContactsFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    organisations: tuple[Organisation, ...]
    """De organisaties in de calamiteitenorganisatie."""
    contacts: tuple[Contact, ...] = ()
    """Contactpersonen en -punten per organisatie."""

    def organisation(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    @cached_property
    def search_index(self) -> tuple[str, ...]:
        """Per contact the folded text a query is matched against; kept in the cache of validated files."""
        names = {o.id: o.name for o in self.organisations}
        return tuple(
            fold(" ".join((c.org, names.get(c.org, ""), c.role, c.name, c.notes, " ".join(c.tags))))
            for c in self.contacts
        )


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so that `provincien` finds `provinciën`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def search(
    matrix: ContactsFile,
    query: str = "",
    org: str | None = None,
    tiers: Iterable[str] = (),
) -> list[Contact]:
    """Contacts matching every word of `query` in organisation, role, name, tags or notes, then filters."""
    words = fold(query).split()
    wanted_tiers = set(tiers)
    return [
        contact
        for contact, haystack in zip(matrix.contacts, matrix.search_index, strict=True)
        if (org is None or contact.org == org)
        and (not wanted_tiers or contact.tier in wanted_tiers)
        and all(w in haystack for w in words)
    ]
