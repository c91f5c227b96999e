"""The incident page's kept reading (app.incidents.KeptTimelines, what `calamiteit web` uses to hold the 300 ms
target on a loaded machine): the chain is verified whole at most every `whole_s` seconds, the entries stored
since on every read; a chain with a fault is never kept. On both engines, with a clock the test turns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dso_calamiteit.app import incidents
from dso_calamiteit.app.place import Place
from dso_calamiteit.domain.errors import NotFoundError

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
    read.kept = kept  # type: ignore[attr-defined]
    return read, whole


@pytest.fixture
def paged(monkeypatch: pytest.MonkeyPatch):
    """A KeptTimelines of 3 entries a page on a turned clock; the whole reads counted (with their `before`)."""
    now = [1000.0]
    whole: list[int | None] = []
    real = incidents.timeline

    def counted(*args, **kwargs):
        whole.append(kwargs.get("before"))
        return real(*args, **kwargs)

    monkeypatch.setattr(incidents, "timeline", counted)
    kept = incidents.KeptTimelines(Place(None, None, None), 3, 30.0, lambda: now[0])

    def read(at: float, incident: str, page: int) -> tuple[incidents.Timeline, float]:
        now[0] = 1000.0 + at
        with kept.read(incident, page) as (found, age):
            return found, age

    return read, whole, kept


def _forge_next(tmp_path: Path, incident: str, n: int) -> None:
    """A new entry `n` added past the triggers, as someone with the file in hand would: a copy of entry n - 1 with
    other text and a hash that is not its hash, and the incidents row made to agree (entries, head)."""
    backends.tamper(
        tmp_path / "data",
        ("INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) SELECT incident, ?, at, "
         "author, kind, ?, hash, ? FROM entries WHERE incident = ? AND n = ?",
         (n, '{"text": "Niet echt"}', "0" * 64, incident, n - 1)),
        ("UPDATE incidents SET entries = ?, head = ? WHERE id = ?", (n, "0" * 64, incident)),
    )


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
    _forge_next(tmp_path, incident, 3)
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
    assert "Hashketen <strong>klopt</strong>: 1 regels" in first
    assert "Hashketen <strong>klopt</strong>: 2 regels" in second and "Nieuw na de eerste lezing" in second
    # verified whole before the site listened (warm), so at least the 1.2 s since the first read ago
    ago = re.search(r"\(de hele keten gecontroleerd (\d+) s geleden, nieuwe regels bij elk lezen\)", second)
    assert ago is not None and 1 <= int(ago.group(1)) < 25


def _logged(calamiteit: Invoke, title: str, count: int) -> str:
    incident = calamiteit("incident", "open", title).out.strip()
    for i in range(count):
        assert calamiteit("log", incident, f"waarneming {i + 2}", "--beeld").code == 0
    return incident


def test_warm_verifies_whole_so_the_first_read_does_not(calamiteit: Invoke, reader) -> None:
    """What `calamiteit web` does before it listens: the open incidents verified whole and kept, so the first
    reader gets what every later reader gets."""
    read, whole = reader
    incident = _logged(calamiteit, "Warm", 2)
    read.kept.warm([incident])
    assert whole == [incident]
    found, age = read(4, incident)
    assert whole == [incident] and age == 4.0 and found.faults == [] and found.state.entries == 3
    assert calamiteit("log", incident, "Na het opwarmen", "--beeld").code == 0
    found, _ = read(5, incident)
    assert whole == [incident] and [e.n for e in found.newest] == [1, 2, 3, 4]


def test_a_chain_broken_before_warm_is_not_kept(calamiteit: Invoke, reader, tmp_path: Path) -> None:
    """An old entry edited before the site started: warm verifies it and keeps nothing, so the very first
    read says the chain is broken (a warm that kept it anyway would show it as verified)."""
    read, whole = reader
    incident = _logged(calamiteit, "Vooraf vervalst", 2)
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2",
                                        ('{"text": "Zoals het niet was"}', incident)))
    read.kept.warm([incident])
    found, age = read(1, incident)
    assert [f.n for f in found.faults] == [2] and age == 0.0 and whole == [incident, incident]


def test_a_forged_new_entry_after_warm_is_found_on_that_read(calamiteit: Invoke, reader, tmp_path: Path) -> None:
    read, whole = reader
    incident = _logged(calamiteit, "Na het opwarmen vervalst", 1)
    read.kept.warm([incident])
    _forge_next(tmp_path, incident, 3)
    found, _ = read(1, incident)
    assert [f.n for f in found.faults] == [3] and len(whole) == 2


def test_warm_keeps_at_most_most(calamiteit: Invoke, reader) -> None:
    read, whole = reader
    opened = [calamiteit("incident", "open", f"Nummer {i}").out.strip() for i in range(10)]
    read.kept.warm(opened)
    assert whole == opened[-8:]  # the last opened; the two oldest are read whole on their first read
    read(1, opened[0])
    read(1, opened[9])
    assert whole == [*opened[-8:], opened[0]]


def test_a_page_further_back_is_not_read_whole(calamiteit: Invoke, paged) -> None:
    """Pages 2 and on were a whole verification per read: now each page's entries are read and held to the
    hashes the whole verification saw, and the chain is read whole only once."""
    read, whole, _ = paged
    incident = _logged(calamiteit, "Lange tijdlijn", 7)  # 8 entries: pages [8 7 6] [5 4 3] [2 1]
    assert [e.n for e in read(0, incident, 1)[0].newest] == [6, 7, 8]
    for _ in range(2):
        found, age = read(3, incident, 2)
        assert [e.n for e in found.newest] == [3, 4, 5] and found.faults == [] and age == 3.0
        assert found.earlier == 2 and found.state.entries == 8
        found, _ = read(3, incident, 3)
        assert [e.n for e in found.newest] == [1, 2] and found.earlier == 0
    assert whole == [None]  # the one whole verification, of the first read
    assert calamiteit("log", incident, "Nieuw", "--beeld").code == 0
    found, _ = read(4, incident, 2)  # a new entry moves the pages, without a whole read
    assert [e.n for e in found.newest] == [4, 5, 6] and whole == [None]
    with pytest.raises(NotFoundError):
        read(4, incident, 4)


@pytest.mark.parametrize("rehashed", [False, True], ids=["hash-left", "rehashed"])
def test_an_entry_edited_on_a_page_further_back_is_found_on_that_read(
    calamiteit: Invoke, paged, tmp_path: Path, rehashed: bool
) -> None:
    """An entry of page 2 edited after the chain was verified whole: reading that page finds it at once
    (not after WHOLE_S), whether its stored hash was left (the content no longer matches it) or recomputed
    for the new content (it no longer is the hash that was verified, and the next entry no longer links)."""
    from dso_calamiteit.domain.logbook import entry_hash

    read, whole, _ = paged
    incident = _logged(calamiteit, "Later vervalst", 7)
    assert read(0, incident, 2)[0].faults == []
    at, author, kind, prev = backends.rows(
        tmp_path / "data", "SELECT at, author, kind, prev_hash FROM entries WHERE incident = ? AND n = 4", (incident,)
    )[0]
    body = '{"text": "Zoals het niet was"}'
    digest = entry_hash(incident, 4, at, author, kind, body, prev) if rehashed else None
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ?, hash = COALESCE(?, hash) WHERE incident = ? "
                                        "AND n = 4", (body, digest, incident)))
    found, age = read(1, incident, 2)
    assert [f.n for f in found.faults][:1] == [5 if rehashed else 4] and age == 0.0
    assert len(whole) == 3  # the first read; then the broken page read whole: its state, and the page itself
    found, _ = read(2, incident, 1)
    assert found.faults  # never kept again while it is broken


def test_the_running_site_says_a_break_made_before_it_started_and_one_on_page_two(
    calamiteit: Invoke, tmp_path: Path
) -> None:
    """Against the real server: the open incidents are verified whole before it listens, and a chain broken
    before that is said on the very first read; an entry further back edited while it runs is said on the
    first read of its page."""
    import httpx

    from .web import serving

    early = _logged(calamiteit, "Vooraf vervalst", 2)
    late = _logged(calamiteit, "Lang", 59)  # 60 entries: page 2 holds 1..10
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2",
                                        ('{"text": "Zoals het niet was"}', early)))
    broken = "LET OP: de hashketen klopt niet."
    with serving() as site, httpx.Client(base_url=site.url) as client:
        index = client.get("/").text
        first = client.get(f"/incident/{early}").text
        before = client.get(f"/incident/{late}?pagina=2").text
        backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 5",
                                            ('{"text": "Zoals het niet was"}', late)))
        after = client.get(f"/incident/{late}?pagina=2").text
    assert broken in first and "Regel 2: inhoud klopt niet met de hash" in first and "klopt</strong>" not in first
    rows = {row.split('href="/incident/', 1)[1].split('"', 1)[0]: row for row in index.split("<tr>")
            if 'href="/incident/' in row}
    assert broken in rows[early] and broken not in rows[late]
    assert "Hashketen <strong>klopt</strong>: 60 regels" in before and broken not in before
    assert broken in after and "Regel 5: inhoud klopt niet met de hash" in after


def test_the_index_checks_a_kept_chain_without_reading_it_whole(
    calamiteit: Invoke, reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/` lists the open incidents with whether their chains hold: a chain the site keeps is not verified
    whole again on every read (its new entries are checked, as on its own page); one that does not hold is
    shown as broken, whether it broke before the site started or by a forged new entry since."""
    from dso_calamiteit.adapters.stores.interface import Store
    from dso_calamiteit.web import pages

    read, whole = reader
    verified: list[str] = []
    real = Store.verify_chain

    def counted(self, summary, *args, **kwargs):
        verified.append(summary.id)
        return real(self, summary, *args, **kwargs)

    monkeypatch.setattr(Store, "verify_chain", counted)
    clean = _logged(calamiteit, "Schoon", 2)
    early = _logged(calamiteit, "Vooraf vervalst", 2)
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2",
                                        ('{"text": "Zoals het niet was"}', early)))
    settings = pages.Settings(Place(None, None, None), None, None, "127.0.0.1")
    assert read.kept.warm([clean, early]) == [clean]
    assert whole == [clean, early]

    def listed() -> dict[str, tuple[int, bool]]:
        return {r["id"]: (r["entries"], r["broken"]) for r in pages.index(settings, read.kept)["incidents"]}

    assert listed() == {clean: (3, False), early: (3, True)}
    assert listed() == {clean: (3, False), early: (3, True)}
    assert calamiteit("log", clean, "Nieuw", "--beeld").code == 0
    assert listed() == {clean: (4, False), early: (3, True)}
    assert whole == [clean, early] and verified == [early, early, early]  # the kept chain never read whole
    # the incidents row (what the list shows) edited: it no longer agrees with the kept chain, which is said
    backends.tamper(tmp_path / "data", ("UPDATE incidents SET level = level + 1 WHERE id = ?", (clean,)))
    assert listed() == {clean: (4, True), early: (3, True)}
    backends.tamper(tmp_path / "data", ("UPDATE incidents SET level = level - 1 WHERE id = ?", (clean,)))
    assert listed() == {clean: (4, False), early: (3, True)}
    _forge_next(tmp_path, clean, 5)
    assert listed() == {clean: (5, True), early: (3, True)}  # found on that read, and said
    assert listed() == {clean: (5, True), early: (3, True)}  # no longer kept: verified whole on every read


WEB_FIRST_LINE = {  # the start of the web's concept of a broken chain, and what the page says after the break
    "nl": ("LET OP: de hashketen van dit logboek klopt niet (regel 2: ",
           "); dit concept toont het logboek zoals het nu is; gebruik het niet voordat de breuk is uitgezocht."),
    "en": ("NOTE: the hash chain of this logbook does not verify (entry 2: ",
           "); this draft shows the logbook as it is now; do not use it until the break has been looked into."),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_concept_sitrap_of_a_broken_chain_speaks_to_a_browser(
    calamiteit: Invoke, tmp_path: Path, lang: str
) -> None:
    """Of a broken chain the concept sitrap's first line says so; the terminal's "made anyway (--toch)" means
    nothing on a web page, so the page says what to do with the concept instead, in the reader's language."""
    from dso_calamiteit.views import i18n
    from dso_calamiteit.web import pages

    incident = _logged(calamiteit, "Vervalst", 2)
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2",
                                        ('{"text": "Zoals het niet was"}', incident)))
    settings = pages.Settings(Place(None, None, None), None, None, "127.0.0.1")
    i18n.setup(["--lang", lang])  # as `calamiteit --lang … web` does before it serves
    try:
        html = pages.incident(settings, pages.environment(), incident, 1)
    finally:
        i18n.setup([])
    sitrap = html.split('class="sitrap"', 1)[1].split("</pre>", 1)[0]
    first = sitrap.split(">", 1)[1].lstrip("\n").split("\n", 1)[0]
    starts, ends = WEB_FIRST_LINE[lang]
    assert first.startswith(starts) and first.endswith(ends), first
    assert "--toch" not in html


def test_the_page_marks_the_entry_where_the_chain_breaks(calamiteit: Invoke, tmp_path: Path) -> None:
    """Not only the chain's line at the top: the timeline marks the edited entry itself, and an entry withheld
    (it no longer makes sense as its kind) has a line of its own at its place."""
    from dso_calamiteit.web import pages

    incident = _logged(calamiteit, "Aangewezen", 4)
    backends.tamper(tmp_path / "data",
                    ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2", ('{"text": "Zoals het niet was"}',
                                                                                 incident)),
                    ("UPDATE entries SET body = ? WHERE incident = ? AND n = 4", ("geen json", incident)))
    settings = pages.Settings(Place(None, None, None), None, None, "127.0.0.1")
    html = pages.incident(settings, pages.environment(), incident, 1)
    items = {int(li.split('id="regel-', 1)[1].split('"', 1)[0]): li.split("</li>", 1)[0]
             for li in html.split("<li ")[1:] if 'id="regel-' in li}
    assert sorted(items) == [1, 2, 3, 4, 5]
    assert 'class="breuk"' in items[2] and "Zoals het niet was" in items[2]
    assert "Regel 2: inhoud klopt niet met de hash (regel gewijzigd)." in items[2]
    assert 'class="breuk"' in items[4] and "Regel 4: inhoud klopt niet met de hash" in items[4]
    assert 'class="wanneer"' not in items[4]  # withheld: nothing of it shown as if it were an entry
    for n in (1, 3, 5):
        assert "breuk" not in items[n] and "Regel" not in items[n]
