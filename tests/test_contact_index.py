"""The routing lines' and a team's contacts come from the per-organisation/tier index (issue 27: `assess` and
`team` at 10,000 contacts scanned every contact per line and per role): the same contacts in the same order as a
scan of the whole matrix, and the matrix is not scanned again."""

from __future__ import annotations

import dataclasses
import gc
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dso_calamiteit.adapters import config as config_loading
from dso_calamiteit.adapters.config import Config
from dso_calamiteit.adapters.config.loading import FILES
from dso_calamiteit.app.assessment import brief
from dso_calamiteit.app.readiness import Call, around, whom_to_call
from dso_calamiteit.domain.assessment import Assessment, assess
from dso_calamiteit.domain.contacts import ContactsFile
from dso_calamiteit.domain.routing import Briefing, RoutedContact, contacts_for
from dso_calamiteit.domain.teams import candidates, ordered

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


def indexed_config(matrix: ContactsFile) -> Config:
    """The shipped config with `matrix` as its contacts, its indexes built (as the cache of validated files
    holds them) before anything is counted."""
    for index in ("positions", "by_org_tier", "people", "organisations_by_id"):
        getattr(matrix, index)
    return Config({**{kind: getattr(CONFIG, kind) for kind in FILES}, "contacts": matrix})


def briefs(config: Config) -> list[tuple[Assessment, datetime, Briefing]]:
    """`assess`'s whole briefing at every level (all of a level's criteria 'ja', the rest 'nee'), at a few
    moments of a week: the routes, the team to convene and whom to phone now, each line and role."""
    criteria = config.criteria
    out = []
    for chosen in criteria.ordered:
        yes = {c.id for c in chosen.criteria}
        result = assess(criteria, {c.id: c.id in yes for _, c in criteria.all_criteria()})
        for hour in (3, 11, 20, 24 * 5 + 14):
            at = datetime(2026, 12, 7, tzinfo=UTC) + timedelta(hours=hour)
            out.append((result, at, brief(config, result, None, at)))
    return out


def old_call_now(config: Config, result: Assessment, at: datetime) -> list[Call]:
    """`app.assessment.call_now` as it was, scanning every contact per routing line: the reference."""
    reach = around(at, config)
    routes = config.routing.routes_for(result.recommended.level, None)
    names = {o.id: o.name for o in config.contacts.organisations}
    calls: list[Call] = []
    team = config.teams.team(result.recommended.team)
    if team is not None:
        for m in ordered(team):
            what = f"{m.role} ({names.get(m.org, m.org)})"
            calls.append(whom_to_call(config, what, candidates(m, config.contacts), at, reach))
    called = {c.contact.id for c in calls if c.contact is not None and c.contact.id}
    for route in routes:
        mine = [c for c in config.contacts.contacts if c.org in route.to and (not route.tiers or c.tier in route.tiers)]
        if not mine:
            continue
        what = f"{route.when} → {', '.join(names.get(o, o) for o in route.to)}"
        call = whom_to_call(config, what, mine, at, reach, called)
        calls.append(call)
        if call.contact is not None and call.contact.id:
            called.add(call.contact.id)
    return calls


def test_the_briefing_reads_the_matrix_by_its_indexes_not_per_line_or_call() -> None:
    """`assess` at 10,000 contacts scanned the matrix for every routing line it phones for and built the id map
    for every line with nobody reachable: the briefing now reads the indexes only, and says the same."""
    matrix = shuffled(1)
    config = indexed_config(matrix)
    object.__setattr__(matrix, "contacts", Counting(matrix.contacts))
    Counting.scans = 0
    done = briefs(config)
    assert Counting.scans == 0, f"{Counting.scans} scans of every contact"
    object.__setattr__(matrix, "contacts", tuple(matrix.contacts))
    assert [b.call_now for _, _, b in done] == [old_call_now(config, result, at) for result, at, _ in done]
    assert any(call.contact is not None for _, _, b in done for call in b.call_now)  # someone is phoned
    assert any(call.contact is None for _, _, b in done for call in b.call_now)  # and a line with nobody now


def test_a_one_shot_command_freezes_the_unpickled_config_and_a_server_does_not(monkeypatch: Any) -> None:
    """The cached config of a one-shot command (cli.entry) is frozen out of the garbage collector once unpickled
    (every later collection walked 10,000 contacts again); `web` loads it per page and must not freeze."""
    import gc

    from dso_calamiteit.adapters.config import loading

    def unpickled(freeze: bool) -> int:
        monkeypatch.setattr(loading, "FREEZE", [freeze])
        cached = Config(CONFIG.pickled())
        before = gc.get_freeze_count()
        try:
            assert cached.contacts == CONFIG.contacts
            return gc.get_freeze_count() - before
        finally:
            gc.unfreeze()

    assert unpickled(True) > len(CONFIG.contacts.contacts)
    assert unpickled(False) == 0
    loading.FREEZE[0] = True
    web_server = __import__("pytest").importorskip("dso_calamiteit.web.server")
    monkeypatch.setattr(web_server, "serve", lambda *_: None)
    from dso_calamiteit.cli.root import run

    assert run(["web", "--config-dir", str(Path(__file__).resolve().parents[1])]) == 0
    assert loading.FREEZE == [False]


def test_the_console_script_is_a_one_shot_command(monkeypatch: Any) -> None:
    import pytest

    from dso_calamiteit.adapters import process
    from dso_calamiteit.adapters.config import loading
    from dso_calamiteit.cli import entry, root

    assert loading.FREEZE is process.ONE_SHOT  # the flag entry sets (without importing loading) is the one read
    monkeypatch.setattr(process, "ONE_SHOT", [False])
    monkeypatch.setattr(process, "START_PAUSED", [False])  # entry pauses the collector: not for later tests
    monkeypatch.setattr(loading, "FREEZE", process.ONE_SHOT)
    monkeypatch.setattr(root, "run", lambda: 40 + loading.FREEZE[0])
    was_on = gc.isenabled()
    try:
        with pytest.raises(SystemExit) as ended:
            entry.main()
    finally:
        if was_on:
            gc.enable()
    assert ended.value.code == 41  # the command ran with FREEZE set


def test_the_cache_keeps_the_matrix_indexes_and_a_cold_load_skips_them(monkeypatch: Any, tmp_path: Path) -> None:
    """The indexes (search, per organisation and tier, by id) are computed once, for the cached config, so a
    warm command unpickles them; a load that is not cached (a cold `check`) does not compute what it throws away."""
    monkeypatch.setenv("CALAMITEIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALAMITEIT_NO_CACHE", raising=False)
    sources = config_loading.locate(Path(__file__).resolve().parents[1])
    indexes = {"search_index", "positions", "numbered", "organisations_by_id", "affiliations", "accounts",
               "own_accounts"}  # by_org_tier and people hold contacts: made from positions and numbered (packing.py)
    cold = config_loading.load(sources, use_cache=False)
    assert indexes.isdisjoint(vars(cold.contacts))
    config_loading.load(sources, use_cache=True)  # validates and writes the cache
    warm = config_loading.load(sources, use_cache=True)
    assert isinstance(warm._parts["contacts"], bytes)  # from the cache, still pickled
    assert indexes <= set(vars(warm.contacts))
    assert warm.contacts.search_index == cold.contacts.search_index
    assert warm.contacts.affiliations == cold.contacts.affiliations
    assert warm.contacts.by_org_tier == cold.contacts.by_org_tier and warm.contacts.people == cold.contacts.people


def old_whom_to_call(config: Config, what: str, candidates: list[Any], at: datetime, reach: Any,
                     called: frozenset[str] | set[str] = frozenset()) -> Call:
    """`app.readiness.whom_to_call` as it was, looking at every candidate in each pass: the reference."""
    from dso_calamiteit.app.readiness import ranked, reach_around
    from dso_calamiteit.domain import dutchtime
    from dso_calamiteit.domain.intervals import utc_seconds
    from dso_calamiteit.domain.readiness import next_opening, stand_in, status
    from dso_calamiteit.domain.teams import standing_in

    seconds = utc_seconds(at)
    reachable = ranked(config, candidates, reach, seconds)
    fresh = [c for c in reachable if not c.id or c.id not in called]
    if fresh:
        return Call(what, fresh[0], "")
    if reachable:
        return Call(what, reachable[0], "ook hierboven")
    people, data = config.contacts.people, config.readiness
    for c in candidates:
        other = people.get(stand_in(data, c.id, seconds) or "")
        if other is not None and status(other, reach, seconds) == "bereikbaar":
            return Call(what, other, standing_in(c))
    openings = [(when, c) for c in candidates if c.id and (when := next_opening(reach, c.id, seconds)) is not None]
    if not openings and any(c.id for c in candidates):
        ahead = reach_around(config, at, at + timedelta(days=8))
        openings = [(when, c) for c in candidates if c.id and (when := next_opening(ahead, c.id, seconds)) is not None]
    if openings:
        when, c = min(openings, key=lambda pair: pair[0])
        moment = dutchtime.local(datetime.fromtimestamp(when, UTC))
        return Call(what, None, f"niemand bereikbaar; weer bereikbaar vanaf {moment} ({c.name or c.role})")
    if candidates and all(status(c, reach, seconds) == "onbekend" for c in candidates):
        return Call(what, None, "bereikbaarheid onbekend (niet in paraatheid.yaml)")
    return Call(what, None, "niemand bereikbaar")


def test_contacts_without_an_id_are_passed_over_once_and_the_calls_are_the_same(monkeypatch: Any) -> None:
    """Issue 27: `assess` at 10,000 contacts (most without an id, so not in paraatheid.yaml) asked each one's
    status, stand-in and opening on every routing line with nobody reachable. A contact without an id is now
    passed over before those passes (its status is never asked), and whom to phone is what the old code said."""
    from dso_calamiteit.app import readiness as app_readiness

    matrix = shuffled(2)
    extra = [
        dataclasses.replace(matrix.contacts[0], org=o.id, tier=tier, role=f"Anoniem {k}", name=f"Anoniem {k}", id="",
                            account="")
        for o in matrix.organisations for tier in ("operationeel", "tactisch", "strategisch") for k in range(3)
    ]
    matrix = dataclasses.replace(matrix, contacts=(*matrix.contacts, *extra))
    config = indexed_config(matrix)
    asked: list[Any] = []
    real = app_readiness.status

    def counted(contact: Any, reach: Any, moment: int) -> str:
        if not contact.id:
            asked.append(contact)
        return real(contact, reach, moment)

    monkeypatch.setattr(app_readiness, "status", counted)
    done = briefs(config)
    assert not asked, f"the status of {len(asked)} contacts without an id was asked"
    monkeypatch.undo()
    monkeypatch.setitem(globals(), "whom_to_call", old_whom_to_call)  # old_call_now with the old passes too
    assert [b.call_now for _, _, b in done] == [old_call_now(config, result, at) for result, at, _ in done]
    assert any(call.contact is None and call.instead.startswith("niemand") for _, _, b in done for call in b.call_now)


def test_a_routed_contact_is_a_named_tuple() -> None:
    """`contacts_for` makes one per contact along the lines (10,000 at size): a named tuple is made without the
    three object.__setattr__ calls of a frozen dataclass (11 -> 7 ms). Fields and order as before."""
    routed = contacts_for(list(CONFIG.routing.routes), CONFIG.contacts)
    assert routed and all(type(rc) is RoutedContact and isinstance(rc, tuple) for rc in routed)
    assert RoutedContact._fields == ("route", "contact", "optional")


def test_the_cache_holds_a_shared_organisation_tier_and_tags_once() -> None:
    """The cache of validated files pickles each contact's organisation, tier and tags as one object per value
    (the parser makes a new string per scalar, and pickle writes each object): the unpickled matrix shares them,
    and equals the one validated."""
    import pickle

    from dso_calamiteit.adapters.config.loading import _indexed

    fresh = config_loading.load(config_loading.locate(Path(__file__).resolve().parents[1] / "config"), use_cache=False)
    people = [dataclasses.replace(c, org="".join(c.org), tier="".join(c.tier), tags=tuple("".join(t) for t in c.tags))
              for c in fresh.contacts.contacts for _ in range(3)]  # fresh objects, as a parser makes them
    matrix = dataclasses.replace(fresh.contacts, contacts=tuple(people))
    config = Config({**{kind: getattr(fresh, kind) for kind in FILES}, "contacts": matrix})
    cached = Config(_indexed(config).pickled())
    back = cached.contacts.contacts
    assert back == tuple(people) and pickle.loads(pickle.dumps(cached.contacts)) == matrix
    for field in ("org", "tier", "tags"):
        values = {getattr(c, field) for c in back}
        assert len({id(getattr(c, field)) for c in back}) == len(values), field


def test_the_week_ahead_is_worked_out_once_per_briefing(monkeypatch: Any) -> None:
    """`assess` looked a week ahead for every line with nobody reachable now, each time building the same
    Reachability (and reading the holidays again): once per moment and readiness data now, and the calls are
    the same as the old code's."""
    from dso_calamiteit.app import readiness as app_readiness

    config = indexed_config(shuffled(1))
    built: list[datetime] = []
    real = app_readiness.reach_around

    def counted(config: Config, start: datetime, end: datetime) -> Any:
        if end - start > timedelta(days=7):
            built.append(start)
        return real(config, start, end)

    monkeypatch.setattr(app_readiness, "reach_around", counted)
    done = briefs(config)
    assert built and len(built) <= len(done), f"{len(built)} weeks ahead for {len(done)} briefings"
    monkeypatch.undo()
    monkeypatch.setitem(globals(), "whom_to_call", old_whom_to_call)
    assert [b.call_now for _, _, b in done] == [old_call_now(config, result, at) for result, at, _ in done]


def old_search(matrix: ContactsFile, query: str = "", org: str | None = None, tiers: Any = ()) -> list[Any]:
    """The search before it went word by word over the contacts left (a generator and `all` per contact),
    kept here as the reference."""
    from dso_calamiteit.domain.contacts import fold, squash

    words = fold(query).split()
    wanted_tiers = set(tiers)

    def matching(folded: list[str], form: Any) -> list[Any]:
        return [
            contact
            for contact, haystack in zip(matrix.contacts, matrix.search_index, strict=True)
            if (org is None or contact.org == org)
            and (not wanted_tiers or contact.tier in wanted_tiers)
            and all(w in form(haystack) for w in folded)
        ]

    found = matching(words, str)
    if found or not words:
        return found
    return matching([squash(w) for w in words], squash)


def test_the_search_finds_what_the_scan_found_in_the_same_order() -> None:
    """`contacts` at 10,000 spent more on a generator and `all` per contact than on matching: the search now
    keeps the contacts still in the running word by word. The same contacts, in file order, for every query
    (one word, several, none, only the squashed form matching, nothing), organisation and tiers."""
    from dso_calamiteit.domain.contacts import search

    matrix = shuffled(7)
    queries = ["", "iplo", "teamleider helpdesk", "dsolv", "dso lv", "Provincien", "piket tactisch", "voorzitter oct",
               "bestaat-niet", "a", "1", "kernteam 2", "DSO-LV Servicedesk"]
    orgs = [None, *sorted({c.org for c in matrix.contacts}), "onbekend"]
    tier_sets: list[tuple[str, ...]] = [(), ("tactisch",), ("operationeel", "strategisch")]
    compared = 0
    for query in queries:
        for org in orgs:
            for tiers in tier_sets:
                found = search(matrix, query, org, tiers)
                assert found == old_search(matrix, query, org, tiers), (query, org, tiers)
                compared += bool(found)
    assert compared > 100  # most combinations find someone: the comparison is not of empty lists
