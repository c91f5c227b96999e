"""The contact matrix (contacts.yaml): organisations, the people and desks to call, and searching them."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, ClassVar, Literal, get_args

from .records import record
from .schema import STRICT

Tier = Literal["operationeel", "tactisch", "strategisch"]
TIERS: tuple[str, ...] = get_args(Tier)


@record
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
    lang: Literal["", "nl", "en"] = ""
    """Taal van de oproep aan de contacten van deze organisatie: nl of en (bijvoorbeeld en voor een leverancier);
    leeg: die van het kanaal, anders die van de opdracht (--lang)."""


@record
class Contact:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    org: str
    """Id van de organisatie (zie organisations)."""
    role: str
    """Rol of functie, bijvoorbeeld 'Coördinator storingen' of 'Servicedesk'."""
    tier: Tier
    """Laag: operationeel, tactisch of strategisch (het woord niveau is voor de escalatieniveaus)."""
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
    account: str = ""
    """Het databaseaccount waarmee deze persoon in het gedeelde logboek schrijft (de PostgreSQL-loginnaam; bij
    SQLite de loginnaam op de computer). Een regel die via dit account is vastgelegd met een ander als auteur,
    wordt overal getoond als 'auteur, vastgelegd door account …'."""
    lang: Literal["", "nl", "en"] = ""
    """Taal van de oproep aan dit contact: nl of en; gaat voor die van de organisatie en van het kanaal; leeg:
    die van de organisatie, anders die van het kanaal, anders die van de opdracht (--lang)."""


@record
class ContactsFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    organisations: tuple[Organisation, ...]
    """De organisaties in de calamiteitenorganisatie."""
    # From the cache of validated files, a sequence read as this tuple is (adapters/config/packing.Contacts).
    contacts: tuple[Contact, ...] = ()
    """Contactpersonen en -punten per organisatie."""

    def organisation(self, org_id: str) -> Organisation | None:
        return self.organisations_by_id.get(org_id)

    @cached_property
    def organisations_by_id(self) -> dict[str, Organisation]:
        """Each organisation by its id (the first, should two share one): a JSON document of 10,000 contacts
        names each one's organisation without a scan per contact."""
        found: dict[str, Organisation] = {}
        for o in self.organisations:
            found.setdefault(o.id, o)
        return found

    @cached_property
    def languages(self) -> frozenset[str]:
        """The languages contacts and organisations ask for (`lang:`), '' aside: a call-out is worded in each."""
        return (frozenset(o.lang for o in self.organisations) | frozenset(c.lang for c in self.contacts)) - {""}

    def language_of(self, contact: Contact) -> str:
        """The language `contact` is called out in ('': the channel's or the run's): its own, else its
        organisation's."""
        if contact.lang:
            return contact.lang
        org = self.organisations_by_id.get(contact.org)
        return org.lang if org is not None else ""

    @cached_property
    def people(self) -> dict[str, Contact]:
        """The contacts with an id, by id (the last, should two share one, as a dict built from the list), from
        `numbered` (kept in the cache of validated files): only these contacts are looked at."""
        contacts = self.contacts
        return {key: contacts[i] for key, i in self.numbered.items()}

    @cached_property
    def numbered(self) -> dict[str, int]:
        """The position of each contact with an id, by id (the last, should two share one)."""
        return {c.id: i for i, c in enumerate(self.contacts) if c.id}

    @cached_property
    def affiliations(self) -> dict[str, str]:
        """Organisation name per contact name and e-mail address (folded): who wrote an entry, for a team
        of several organisations. A name that two organisations share is left out rather than guessed."""
        names = {o.id: o.name for o in self.organisations}
        seen: dict[str, set[str]] = {}
        for c in self.contacts:
            for key in (c.name, c.email):
                if key.strip():
                    seen.setdefault(key.strip().casefold(), set()).add(names.get(c.org, c.org))
        return {key: orgs.pop() for key, orgs in seen.items() if len(orgs) == 1}

    def signed(self, author: str, between: str = " ") -> str:
        """`author`, followed by the organisation in brackets when the contact matrix knows it (`between`
        "\n" puts it on a line of its own, in a narrow table column)."""
        org = self.affiliations.get(author.strip().casefold())
        return f"{author}{between}({org})" if org else author

    @cached_property
    def by_org_tier(self) -> dict[tuple[str, str], tuple[Contact, ...]]:
        """The contacts per (organisation, tier), in file order, from `positions` (kept in the cache of validated
        files), so a command on 10,000 contacts does not scan them all for every requirement, line or table row."""
        contacts = self.contacts
        return {key: tuple(contacts[i] for i in group) for key, group in self.positions.items()}

    @cached_property
    def accounts(self) -> dict[str, set[str]]:
        """Per database account (folded) the names and e-mail addresses (folded) of the person who uses it."""
        found: dict[str, set[str]] = {}
        for c in self.contacts:
            if c.account.strip():
                found.setdefault(c.account.strip().casefold(), set()).update(
                    k.strip().casefold() for k in (c.name, c.email) if k.strip()
                )
        return found

    @cached_property
    def own_accounts(self) -> dict[str, str]:
        """Per person (name or e-mail, folded) the account they write with, when the matrix names one."""
        return {
            k.strip().casefold(): c.account.strip().casefold()
            for c in self.contacts
            if c.account.strip()
            for k in (c.name, c.email)
            if k.strip()
        }

    def stored_by(self, author: str, role: str | None) -> str | None:
        """The account that stored an entry when it is not the author's own (a coordinator may log what a
        colleague said on the phone, but never invisibly); None when the matrix says nothing against it."""
        if not role or not role.strip():
            return None
        account, who = role.strip().casefold(), author.strip().casefold()
        people = self.accounts.get(account)
        if people is not None and who not in people:
            return role
        own = self.own_accounts.get(who)
        if own is not None and own != account:
            return role
        return None

    def signed_by(self, author: str, role: str | None, between: str = " ") -> str:
        """`signed`, with ', vastgelegd door account …' when another account than the author's stored it."""
        account = self.stored_by(author, role)
        said = self.signed(author, between)
        return f"{said}, vastgelegd door account {account}" if account else said

    @cached_property
    def positions(self) -> dict[tuple[str, str], tuple[int, ...]]:
        """Where in `contacts` each (organisation, tier)'s contacts stand, in file order; cached like
        `by_org_tier`: the routing lines and a team's roles merge these instead of scanning every contact."""
        found: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(self.contacts):
            found.setdefault((c.org, c.tier), []).append(i)
        return {key: tuple(group) for key, group in found.items()}

    def at(self, orgs: Iterable[str], tiers: Iterable[str] = TIERS) -> list[int]:
        """The positions of the contacts of `orgs` at `tiers`, in file order."""
        index = self.positions
        wanted = [index.get((o, t), ()) for o in dict.fromkeys(orgs) for t in dict.fromkeys(tiers)]
        return sorted(i for group in wanted for i in group)

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
    if text.isascii():  # nothing to decompose (most of a contact matrix): a cold check of 10,000 contacts
        return text.lower()  # spent a third of its own time on the per-character walk below
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def squash(text: str) -> str:
    """Folded, letters and digits only: 'DSO-LV', 'dso lv' and 'dsolv' are the same to an operator."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def pick(text: str, options: Iterable[tuple[str, str]]) -> str | None:
    """The id of the option whose id or name is `text`, in any case, with or without accents and dashes."""
    wanted = squash(text)
    return next((ident for ident, name in options if wanted in (squash(ident), squash(name))), None)


def nearest(text: str, words: Iterable[str], n: int = 3) -> list[str]:
    """The words closest to `text` (folded), for a 'Bedoelde u …?' after a search that found nothing."""
    by_key = {squash(w): w for w in sorted(set(words)) if squash(w)}
    return [by_key[c] for c in difflib.get_close_matches(squash(text), list(by_key), n=n, cutoff=0.6)]


def search(
    matrix: ContactsFile,
    query: str = "",
    org: str | None = None,
    tiers: Iterable[str] = (),
) -> list[Contact]:
    """Contacts matching every word of `query` in organisation, role, name, tags or notes, then filters."""
    words = fold(query).split()
    wanted_tiers = set(tiers)

    contacts, index = matrix.contacts, matrix.search_index
    if len(contacts) != len(index):
        raise ValueError("search_index does not match the contacts")
    candidates: Sequence[int] = range(len(contacts))
    if org is not None or wanted_tiers:  # from the index: no contact is made to be looked at (packing.py)
        candidates = sorted(
            i
            for (o, tier), group in matrix.positions.items()
            if (org is None or o == org) and (not wanted_tiers or tier in wanted_tiers)
            for i in group
        )

    def matching(folded: list[str], form: Callable[[str], str]) -> list[Contact]:
        # word by word over the contacts still in the running, each haystack formed once: at 10,000 contacts
        # a generator and `all` per contact cost more than the matching itself
        hay: Sequence[str] | dict[int, str] = index if form is str else {i: form(index[i]) for i in candidates}
        kept = candidates
        for w in folded:
            kept = [i for i in kept if w in hay[i]]
        return [contacts[i] for i in kept]

    found = matching(words, str)
    if found or not words:
        return found
    return matching([squash(w) for w in words], squash)  # 'dsolv' finds DSO-LV: same letters, no dashes


def vocabulary(matrix: ContactsFile) -> list[str]:
    """The words a search can be near to: organisation ids and names, roles, names, tags."""
    words: list[str] = []
    for o in matrix.organisations:
        words += [o.id, o.name]
    for c in matrix.contacts:
        words += [c.role, *c.role.split(), *c.name.split(), *c.tags]
    return [w for w in words if w]
