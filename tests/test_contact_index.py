"""The routing lines' and a team's contacts come from the per-organisation/tier index (issue 27: `assess` and
`team` at 10,000 contacts scanned every contact per line and per role): the same contacts in the same order as a
scan of the whole matrix, and the matrix is not scanned again."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

from dso_calamiteit.adapters import config as config_loading
from dso_calamiteit.domain.contacts import ContactsFile
from dso_calamiteit.domain.routing import RoutedContact, contacts_for
from dso_calamiteit.domain.teams import candidates

CONFIG = config_loading.load(config_loading.locate(Path(__file__).resolve().parents[1] / "config"))


def old_contacts_for(routes: list[Any], matrix: ContactsFile) -> list[RoutedContact]:
    """The scan the index replaced, kept here as the reference."""
    seen: set[int] = set()
    result = []
    for optional in (False, True):
        for route in routes:
            orgs = route.also if optional else route.to
            for contact in matrix.contacts:
                if contact.org in orgs and (not route.tiers or contact.tier in route.tiers) and id(contact) not in seen:
                    seen.add(id(contact))
                    result.append(RoutedContact(route.id, contact, optional))
    return result


def shuffled(seed: int) -> ContactsFile:
    """The shipped matrix three times over (roles kept, so teams find them), in a random order: organisations
    and tiers interleaved, so file order is something the index must keep."""
    matrix = CONFIG.contacts
    people = [dataclasses.replace(c, name=f"{c.name} {k}") for k in range(3) for c in matrix.contacts]
    random.Random(seed).shuffle(people)
    return dataclasses.replace(matrix, contacts=tuple(people))


def test_routed_and_team_contacts_are_the_scans_in_file_order() -> None:
    routes = list(CONFIG.routing.routes)
    members = [m for t in CONFIG.teams.teams for m in t.members]
    assert routes and members
    for seed in range(5):
        matrix = shuffled(seed)
        for chosen in [routes, *([r] for r in routes), routes[::-1]]:
            assert contacts_for(chosen, matrix) == old_contacts_for(chosen, matrix)
        for m in members:
            assert candidates(m, matrix) == [c for c in matrix.contacts if c.org == m.org and c.role == m.role]
        assert any(candidates(m, matrix) for m in members)


class Counting(tuple):  # type: ignore[type-arg]
    scans = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        Counting.scans += 1
        return super().__iter__()


def test_the_matrix_is_read_once_not_per_line_or_role() -> None:
    matrix = shuffled(0)
    object.__setattr__(matrix, "contacts", Counting(matrix.contacts))
    Counting.scans = 0
    contacts_for(list(CONFIG.routing.routes), matrix)
    for t in CONFIG.teams.teams:
        for m in t.members:
            candidates(m, matrix)
    assert Counting.scans <= 1, f"{Counting.scans} scans of every contact"  # the index is built once


def old_fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def test_the_ascii_fold_is_the_full_fold() -> None:
    """contacts.fold skips the Unicode walk for ASCII text (a cold check of 10,000 contacts spent a third of
    its own time there): every ASCII character, and the words a search folds, fold as before."""
    from dso_calamiteit.domain.contacts import fold

    every = "".join(map(chr, range(128)))
    assert fold(every) == old_fold(every)
    for text in ("Provinciën", "ÉÉN Ĳssel", "straße", "Contactpersoon 7 RIJK", "ﬁle", "İstanbul"):
        assert fold(text) == old_fold(text)
