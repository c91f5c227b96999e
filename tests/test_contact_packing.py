"""The contact matrix in the cache of validated files (adapters/config/packing.py): its contacts as rows, each
made the first time it is asked for. Read through the cache the matrix is the one validated from the files; a
search at size makes only the contacts it finds (issues 25 and 27: `contacts --json` at 10,000 contacts)."""

from __future__ import annotations

import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters import config as config_loading
from dso_calamiteit.adapters.config import packing
from dso_calamiteit.domain.contacts import ContactsFile, search

ROOT = Path(__file__).resolve().parents[1]


def big_matrix(tmp_path: Path, count: int) -> Path:
    """The shipped files with `count` more contacts: ids on every third, accents, tags, a quote."""
    folder = tmp_path / "big"
    (folder / "config").mkdir(parents=True)
    orgs = ("gemeenten", "waterschappen", "provincies", "rijk")
    rows = "".join(
        f'  - org: {orgs[i % 4]}\n    role: Contactpersoon {i}\n    name: "Persoon {i} d\'Éé"\n'
        f"    tier: {('operationeel', 'tactisch', 'strategisch')[i % 3]}\n    phone: +31 00 {i:08d}\n"
        f"    tags: [piket, r{i % 7}]\n" + (f"    id: persoon-{i}\n" if i % 3 == 0 else "")
        for i in range(count)
    )
    (folder / "contacts.yaml").write_text((ROOT / "contacts.yaml").read_text("utf-8") + rows, "utf-8")
    return folder


def through_the_cache(monkeypatch: Any, tmp_path: Path, folder: Path) -> tuple[ContactsFile, ContactsFile]:
    """(validated from the files, read back from the cache) of the same folder."""
    monkeypatch.setenv("CALAMITEIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALAMITEIT_NO_CACHE", raising=False)
    sources = config_loading.locate(folder)
    fresh = config_loading.load(sources, use_cache=False).contacts
    config_loading.load(sources, use_cache=True)  # validates and writes the cache
    warm = config_loading.load(sources, use_cache=True)
    assert isinstance(warm._parts["contacts"], bytes)  # from the cache
    return fresh, warm.contacts


def test_the_matrix_from_the_cache_is_the_validated_one(monkeypatch: Any, tmp_path: Path) -> None:
    fresh, warm = through_the_cache(monkeypatch, tmp_path, big_matrix(tmp_path, 300))
    assert isinstance(warm.contacts, packing.Contacts)
    assert warm == fresh and hash(warm) == hash(fresh)
    assert warm.contacts == fresh.contacts and fresh.contacts == warm.contacts  # both ways
    assert hash(warm.contacts) == hash(fresh.contacts)
    assert len(warm.contacts) == len(fresh.contacts) > 300
    assert list(warm.contacts) == list(fresh.contacts)
    for i in (0, 1, 150, -1, -7):
        assert warm.contacts[i] == fresh.contacts[i]
    assert warm.contacts[3:40:3] == fresh.contacts[3:40:3]
    assert list(reversed(warm.contacts)) == list(reversed(fresh.contacts))
    assert fresh.contacts[-1] in warm.contacts and warm.contacts.index(fresh.contacts[9]) == 9
    extra = fresh.contacts[:1]  # what a tuple's + gives, both ways
    assert warm.contacts + extra == fresh.contacts + extra and extra + warm.contacts == extra + fresh.contacts
    assert repr(warm.contacts) == repr(fresh.contacts)
    with pytest.raises(IndexError):
        warm.contacts[len(fresh.contacts)]
    for name in ("search_index", "positions", "numbered", "by_org_tier", "people", "affiliations", "languages"):
        assert getattr(warm, name) == getattr(fresh, name), name
    assert pickle.loads(pickle.dumps(warm)) == fresh  # pickled again as the plain tuple


def test_a_contact_is_made_once_and_the_indexes_hold_the_same_objects(monkeypatch: Any, tmp_path: Path) -> None:
    _, warm = through_the_cache(monkeypatch, tmp_path, big_matrix(tmp_path, 60))
    contacts = warm.contacts
    first = contacts[5]
    assert contacts[5] is first and list(contacts)[5] is first  # made before the whole: the same object
    for group, positions in zip(warm.by_org_tier.values(), warm.positions.values(), strict=True):
        assert all(c is contacts[i] for c, i in zip(group, positions, strict=True))
    assert all(warm.people[key] is contacts[i] for key, i in warm.numbered.items())
    assert warm.people and all(c.id == key for key, c in warm.people.items())


def test_a_search_at_size_makes_only_the_contacts_it_finds(monkeypatch: Any, tmp_path: Path) -> None:
    fresh, warm = through_the_cache(monkeypatch, tmp_path, big_matrix(tmp_path, 3000))
    made: list[tuple[Any, ...]] = []
    real = packing._contact

    def counted(row: tuple[Any, ...]) -> Any:
        made.append(row)
        return real(row)

    monkeypatch.setattr(packing, "_contact", counted)
    queries = [
        ("persoon 2999", None, ()),
        ("", "rijk", ("tactisch",)),
        ("piket r3", "provincies", ()),
        ("dee", None, ("strategisch",)),
        ("contactpersoon 12", None, ()),
    ]
    for query, org, tiers in queries:
        before = len(made)
        found = search(warm, query, org, tiers)
        assert found == search(fresh, query, org, tiers) and found, query
        assert len(made) - before <= len(found), f"{query!r}: made {len(made) - before} for {len(found)} found"
    rng = random.Random(5)
    for _ in range(20):  # org and tier filters, with and without words: the index's answer is the scan's
        org = rng.choice([None, "rijk", "gemeenten", "nergens"])
        tiers = tuple(rng.sample(("operationeel", "tactisch", "strategisch"), rng.randrange(3)))
        query = rng.choice(["", "persoon", "1", "ée"])
        words = {id(c) for c in search(fresh, query)}
        assert search(warm, query, org, tiers) == [
            c
            for c in fresh.contacts
            if (org is None or c.org == org) and (not tiers or c.tier in tiers) and id(c) in words
        ]
