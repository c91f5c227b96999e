"""The incident page's kept reading (app.incidents.KeptTimelines, what `calamiteit web` uses to hold the 300 ms
target on a loaded machine): the chain is verified whole at most every `whole_s` seconds, the entries stored
since on every read; a chain with a fault is never kept. On both engines, with a clock the test turns."""

from __future__ import annotations

from pathlib import Path

import pytest

from dso_calamiteit.app import incidents
from dso_calamiteit.app.place import Place

from . import backends
from .conftest import Invoke

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch):
    """A KeptTimelines on a turned clock, and how often it read a chain whole."""
    now = [1000.0]
    whole: list[str] = []
    real = incidents.timeline

    def counted(*args, **kwargs):
        whole.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(incidents, "timeline", counted)
    kept = incidents.KeptTimelines(Place(None, None, None), 50, 30.0, lambda: now[0])

    def read(at: float, incident: str) -> tuple[incidents.Timeline, float]:
        now[0] = 1000.0 + at
        with kept.read(incident) as (found, age):
            return found, age

    read.settle = kept.settle  # type: ignore[attr-defined]
    return read, whole


def test_new_entries_are_checked_and_folded_in_without_reading_it_whole(calamiteit: Invoke, reader) -> None:
    read, whole = reader
    incident = calamiteit("incident", "open", "Gevolgd", "--level", "1").out.strip()
    found, age = read(0, incident)
    assert (found.state.entries, age, whole) == (1, 0.0, [incident])
    assert calamiteit("log", incident, "Eerste waarneming", "--beeld").code == 0
    decided = calamiteit("log", incident, "Melding plaatsen", "--besluit", "--actiehouder", "Ellen de Wit")
    assert decided.code == 0
    found, age = read(5, incident)
    assert whole == [incident] and age == 5.0  # not read whole again
    assert found.state.entries == 3 and found.faults == []
    assert [e.n for e in found.newest] == [1, 2, 3]
    assert [a.text for a in found.state.actions.values()] == ["Melding plaatsen"]  # folded in
    found, age = read(31, incident)  # after whole_s: the reader still gets the kept state at once ...
    assert age == 31.0 and found.state.entries == 3
    read.settle()  # ... while the whole verification runs beside
    assert whole == [incident, incident]
    found, age = read(32, incident)
    assert age == 1.0 and found.state.entries == 3 and found.faults == [] and len(whole) == 2


def test_an_entry_that_does_not_hold_is_found_at_once(calamiteit: Invoke, reader, tmp_path: Path) -> None:
    """A new entry whose hash is wrong (added past the triggers): the kept state is dropped, the chain read
    whole, and the fault is there on that very read."""
    read, whole = reader
    incident = calamiteit("incident", "open", "Vervalst").out.strip()
    assert calamiteit("log", incident, "Echt", "--beeld").code == 0
    assert read(0, incident)[0].faults == []
    backends.tamper(
        tmp_path / "data",
        ("INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) SELECT incident, 3, at, "
         "author, kind, ?, hash, ? FROM entries WHERE incident = ? AND n = 2",
         ('{"text": "Niet echt"}', "0" * 64, incident)),
        ("UPDATE incidents SET entries = 3, head = ? WHERE id = ?", ("0" * 64, incident)),
    )
    found, _ = read(1, incident)
    assert [f.n for f in found.faults] == [3] and "hash" in found.faults[0].message
    assert len(whole) == 2
    found, _ = read(2, incident)  # a chain with a fault is never kept: read whole every time
    assert found.faults and len(whole) == 3


def test_an_old_entry_edited_is_found_within_whole_s(calamiteit: Invoke, reader, tmp_path: Path) -> None:
    """The bound the page states ("de hele keten gecontroleerd N s geleden"): an edit of an entry already read
    is found by the next whole verification, which starts on the first read after whole_s (30 s)."""
    read, _ = reader
    incident = calamiteit("incident", "open", "Oud").out.strip()
    assert calamiteit("log", incident, "Zoals het was", "--beeld").code == 0
    assert read(0, incident)[0].faults == []
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2",
                                        ('{"text": "Zoals het niet was"}', incident)))
    found, age = read(29, incident)
    assert found.faults == [] and age == 29.0  # kept: not yet read whole again (the page says since when)
    found, age = read(31, incident)  # starts the whole verification beside
    assert found.faults == [] and age == 31.0
    read.settle()
    found, age = read(32, incident)  # it found the edit: the kept state was dropped, read whole
    assert [f.n for f in found.faults] == [2] and age == 0.0


def test_the_page_says_since_when_the_chain_was_verified_whole(calamiteit: Invoke) -> None:
    import time

    import httpx

    from .web import serving

    incident = calamiteit("incident", "open", "Pagina").out.strip()
    with serving() as site, httpx.Client(base_url=site.url) as client:
        first = client.get(f"/incident/{incident}").text
        time.sleep(1.2)
        assert calamiteit("log", incident, "Nieuw na de eerste lezing", "--beeld").code == 0
        second = client.get(f"/incident/{incident}").text
    assert "Hashketen <strong>klopt</strong>: 1 regels" in first and "gecontroleerd" not in first
    assert "Hashketen <strong>klopt</strong>: 2 regels" in second and "Nieuw na de eerste lezing" in second
    assert "(de hele keten gecontroleerd 1 s geleden, nieuwe regels bij elk lezen)" in second
