"""A sitrap's fold keeps only the newest notes and counts the rest (issue 27: flat memory at any size): the
sitrap it makes must be the very one the fold that keeps every entry makes, corrections and earlier sitraps
included."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dso_calamiteit.adapters import config as config_loading
from dso_calamiteit.domain import sitrap
from dso_calamiteit.domain.logbook import GENESIS, Entry, canonical, chained, fold

CONFIG = config_loading.load(config_loading.locate(Path(__file__).resolve().parents[1] / "config"))
MADE = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
AT = "2026-12-03T09:00:00+01:00"

# A step: a note, a correction of the k-th earlier note of that kind (counted back), or a sitrap.
STEP = st.one_of(
    st.tuples(st.sampled_from(["observation", "judgement"]), st.none()),
    st.tuples(st.sampled_from(["observation", "judgement"]), st.integers(1, 30)),
    st.tuples(st.sampled_from(["observation", "judgement"]), st.integers(1, 3)),  # the newest: kept ones
    st.tuples(st.just("report"), st.none()),
)


def log_of(steps: list[tuple[str, int | None]]) -> list[Entry]:
    entries: list[Entry] = []
    prev, reports = GENESIS, 0
    notes: dict[str, list[int]] = {"observation": [], "judgement": []}

    def add(kind: str, body: dict[str, object]) -> None:
        nonlocal prev
        e = chained("X-1", len(entries) + 1, AT, "t", kind, canonical(body), prev)
        entries.append(e)
        prev = e.hash

    add("open", {"title": "Storing", "level": 1, "situation": None})
    for kind, back in steps:
        if kind == "report":
            reports += 1
            add("report", {"number": reports, "next_update": AT})
            continue
        body: dict[str, object] = {"text": f"{kind} {len(entries) + 1}"}
        if back is not None and notes[kind]:
            body["corrects"] = notes[kind][-min(back, len(notes[kind]))]
        notes[kind].append(len(entries) + 1)
        add(kind, body)
    return entries


def shown(s: sitrap.Sitrap) -> tuple[object, ...]:
    return (
        [e.n for e in s.picture], s.earlier_picture, s.last_picture and s.last_picture.n,
        [e.n for e in s.judgements], s.earlier_judgements, s.since,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=160), shown_count=st.integers(1, 12), numbered=st.booleans())
def test_a_sitrap_of_the_newest_notes_is_the_sitrap_of_all(
    steps: list[tuple[str, int | None]], shown_count: int, numbered: bool
) -> None:
    reporting = dataclasses.replace(CONFIG.reporting, picture_shown=shown_count)
    entries = log_of(steps)
    everything, newest = fold(entries), fold(entries, keep=sitrap.kept_notes(reporting))
    number = None
    if numbered:  # the report's own entry folded on, as app.sitrap.make does
        number = everything.reports + 1
        own = chained("X-1", everything.entries + 1, AT, "t", "report",
                      canonical({"number": number, "next_update": AT}), everything.head)
        everything, newest = fold([own], state=everything), fold([own], keep=True, state=newest)

    def made(state: object) -> sitrap.Sitrap:
        return sitrap.build(state, CONFIG.criteria, reporting, CONFIG.routing, number, MADE, "t")  # type: ignore[arg-type]

    # What the sitrap must show, worked out from every note as it was before the fold counted anything:
    observations, judgements = everything.current(everything.observations), everything.current(everything.judgements)
    earlier = everything.report_entries[:-1] if numbered else everything.report_entries
    picture = [o.n for o in observations if o.n > (earlier[-1] if earlier else 0)]
    expected = (
        picture[-shown_count:], max(0, len(picture) - shown_count), observations[-1].n if observations else None,
        [j.n for j in judgements[-sitrap.JUDGEMENTS_SHOWN:]], max(0, len(judgements) - sitrap.JUDGEMENTS_SHOWN),
        len(earlier) or None,
    )
    assert shown(made(everything)) == expected
    assert (newest.observations_current, newest.judgements_current) == (len(observations), len(judgements))
    assert shown(made(newest)) == expected
    bound = sitrap.kept_notes(reporting) + newest.corrected_notes
    assert len(newest.observations) + len(newest.judgements) <= 4 * bound


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(STEP, max_size=120), keep=st.integers(1, 4))
def test_the_fold_keeps_the_newest_current_notes_whatever_is_corrected(
    steps: list[tuple[str, int | None]], keep: int
) -> None:
    """Bounds smaller than any sitrap's (kept_notes is at least 10), so corrections among the kept notes bite."""
    entries = log_of(steps)
    everything, newest = fold(entries), fold(entries, keep=keep)
    for kind in ("observations", "judgements"):
        whole, kept = getattr(everything, kind), getattr(newest, kind)
        assert [e.n for e in newest.current(kept)][-keep:] == [e.n for e in everything.current(whole)][-keep:]
        assert len(kept) <= 2 * (keep + newest.corrected_notes)
