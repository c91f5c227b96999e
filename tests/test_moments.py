"""Moments as people type them (issue 23): one reader for every flag, the weekday kept, the clock change honest.

The reader is pure (the clock comes in), so most of this runs on the domain directly; the CLI tests show that
every flag uses it and that what is recorded is repeated with its weekday.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.dutchtime import DAYS, LOCAL, LONG_DAYS, local, read, read_fixed
from dso_calamiteit.domain.errors import UsageError

from .conftest import Invoke

SATURDAY_0300 = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # za 05-12-2026 03:00 in Amsterdam


def shown(typed: str, now: datetime = SATURDAY_0300, **options: object) -> str:
    return local(read(typed, now, **options).at)  # type: ignore[arg-type]


def refusal(typed: str, now: datetime = SATURDAY_0300, **options: object) -> str:
    with pytest.raises(UsageError) as caught:
        read(typed, now, **options)  # type: ignore[arg-type]
    return "\n".join(caught.value.lines())


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("zo 14:00", "zo 06-12-2026 14:00"),
        ("zondag 14:00", "zo 06-12-2026 14:00"),
        ("Zondag 14.00", "zo 06-12-2026 14:00"),
        ("ma 09:00", "ma 07-12-2026 09:00"),
        ("maandag 10:00", "ma 07-12-2026 10:00"),
        ("za 14:00", "za 05-12-2026 14:00"),  # today: the time is still ahead
        ("zaterdag 14:00", "za 05-12-2026 14:00"),
        ("za 02:00", "za 12-12-2026 02:00"),  # today's 02:00 has passed: next Saturday
        ("vr 09:00", "vr 11-12-2026 09:00"),
        ("morgen 08:00", "zo 06-12-2026 08:00"),
        ("overmorgen 07:30", "ma 07-12-2026 07:30"),
        ("vanavond 20:00", "za 05-12-2026 20:00"),
        ("vannacht 04:00", "za 05-12-2026 04:00"),  # typed at 03:00: this night
        ("+30m", "za 05-12-2026 03:30"),
        ("+2u", "za 05-12-2026 05:00"),
        ("over 2 uur", "za 05-12-2026 05:00"),
        ("over een kwartier", "za 05-12-2026 03:15"),
        ("zo 06-12-2026 14:00", "zo 06-12-2026 14:00"),
        ("zondag 2026-12-06 14:00", "zo 06-12-2026 14:00"),
        ("14:00 uur", "za 05-12-2026 14:00"),
        ("2026-12-06T13:00:00+00:00", "zo 06-12-2026 14:00"),
    ],
)
def test_a_moment_is_read_as_people_say_it(typed: str, meant: str) -> None:
    assert shown(typed) == meant


def test_vannacht_typed_in_the_evening_is_the_coming_night() -> None:
    evening = datetime(2026, 12, 5, 22, 50, tzinfo=UTC)  # za 23:50
    assert shown("vannacht 00:30", evening) == "zo 06-12-2026 00:30"
    assert "geen avond" in refusal("vanavond 8:00") and "vanavond 20:00" in refusal("vanavond 8:00")


def test_a_weekday_that_contradicts_the_date_is_refused_naming_both() -> None:
    said = refusal("zo 05-12-2026 14:00")
    assert "05-12-2026 is een zaterdag, geen zondag" in said


def test_a_past_time_today_is_refused_with_tomorrow_as_the_hint() -> None:
    evening = datetime(2026, 12, 5, 22, 50, tzinfo=UTC)  # za 23:50
    said = refusal("00:30", evening, future=True, what="deadline")
    assert "deadline za 05-12-2026 00:30 is al voorbij (nu za 05-12-2026 23:50)" in said
    assert "Bedoelt u morgen 00:30?" in said
    assert shown("morgen 00:30", evening, future=True) == "zo 06-12-2026 00:30"
    assert shown("00:30", evening) == "za 05-12-2026 00:30"  # --op may look back: only a deadline must lie ahead


def test_a_time_the_clock_skips_is_refused_with_its_neighbours() -> None:
    said = refusal("2027-03-28 02:30")
    assert "zo 28-03-2027 02:30 bestaat niet" in said and "van 02:00 naar 03:00" in said
    assert "Bedoelt u 01:59 of 03:00?" in said
    assert shown("2027-03-28 01:59") == "zo 28-03-2027 01:59" and shown("2027-03-28 03:00") == "zo 28-03-2027 03:00"


def test_a_time_the_clock_passes_twice_takes_the_first_and_says_so() -> None:
    first = read("2026-10-25 02:30", SATURDAY_0300)
    assert first.at.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert first.note and "komt twee keer voor" in first.note and "02:30+01:00" in first.note
    second = read("zo 25-10-2026 02:30+01:00", SATURDAY_0300)
    assert second.at.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC) and second.note is None
    assert local(first.at) == "zo 25-10-2026 02:30+02:00" and local(second.at) == "zo 25-10-2026 02:30+01:00"
    assert "+02:00 of +01:00" in refusal("2026-10-25 02:30+03:00")
    assert read("2026-10-25 03:30", SATURDAY_0300).note is None  # an ordinary hour says nothing


# --- properties: what is printed reads back, every day of several years ---------------------------------------


def test_every_printed_moment_reads_back_every_day_of_six_years() -> None:
    """Every day of 2025-2030, every 15 minutes in real time: both clock changes of each year are crossed."""
    at = datetime(2025, 1, 1, tzinfo=UTC)
    end = datetime(2031, 1, 1, tzinfo=UTC)
    while at < end:
        assert read(local(at), SATURDAY_0300).at == at, local(at)
        at += timedelta(minutes=15)


@settings(max_examples=400, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2035, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
    now=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)),
)
def test_a_printed_moment_is_the_same_instant_whatever_the_clock(moment: datetime, now: datetime) -> None:
    assert read(local(moment), now).at == moment
    assert read(local(moment), now).note is None  # the printed form is never ambiguous


@settings(max_examples=400, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2031, 1, 1), timezones=st.just(UTC)),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    long=st.booleans(),
)
def test_a_weekday_is_the_next_such_day(now: datetime, weekday: int, hour: int, minute: int, long: bool) -> None:
    name = (LONG_DAYS if long else DAYS)[weekday]
    try:
        got = read(f"{name} {hour:02d}:{minute:02d}", now).at.astimezone(LOCAL)
    except UsageError as refused:  # only a time the clock skips (spring) may be refused
        assert "bestaat niet" in refused.message
        return
    here = now.astimezone(LOCAL)
    assert got.weekday() == weekday and got.time() == time(hour, minute)
    assert here.date() <= got.date() <= here.date() + timedelta(days=7)
    assert got > now or (got.date() == here.date() and got.fold == 0 and got.replace(fold=1) > now)


# --- every flag that takes a moment, as a person uses it -------------------------------------------------------


@pytest.fixture
def saturday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: SATURDAY_0300)


@pytest.mark.usefixtures("saturday")
def test_a_deadline_typed_with_a_weekday_is_recorded_and_repeated(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    for typed, meant in (
        ("zo 14:00", "zo 06-12-2026 14:00"),
        ("ma 09:00", "ma 07-12-2026 09:00"),
        ("zaterdag 14:00", "za 05-12-2026 14:00"),
        ("maandag 10:00", "ma 07-12-2026 10:00"),
        ("morgen 08:00", "zo 06-12-2026 08:00"),
    ):
        done = calamiteit("log", incident, "Bel", "--besluit", "--actiehouder", "Piet", "--deadline", typed)
        assert done.code == 0, done.err
        assert f"deadline {meant})" in " ".join(done.err.split()), done.err
        entry = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"][-1]
        assert local(entry["data"]["deadline"]) == meant
    wrong = calamiteit(
        "log", incident, "Bel", "--besluit", "--actiehouder", "Piet", "--deadline", "zo 05-12-2026 14:00"
    )
    assert wrong.code == exitcodes.USAGE and "is een zaterdag, geen zondag" in wrong.err


def test_a_past_deadline_at_night_hints_tomorrow(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = calamiteit("incident", "open", "Loket plat").out.strip()
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 5, 22, 50, tzinfo=UTC))  # 23:50
    refused = calamiteit("log", incident, "Bel", "--besluit", "--actiehouder", "Piet", "--deadline", "00:30")
    assert refused.code == exitcodes.USAGE and "Bedoelt u morgen 00:30?" in refused.err
    done = calamiteit("log", incident, "Bel", "--besluit", "--actiehouder", "Piet", "--deadline", "morgen 00:30")
    assert done.code == 0 and "deadline zo 06-12-2026 00:30" in " ".join(done.err.split())


@pytest.mark.usefixtures("saturday")
def test_op_van_and_tot_read_the_same_way(calamiteit: Invoke) -> None:
    monday = calamiteit("paraatheid", "--op", "ma 08:00")
    assert monday.code == 0 and "Paraatheid op ma 07-12-2026 08:00" in monday.out
    gap = calamiteit("paraatheid", "--op", "2027-03-28 02:30")
    assert gap.code == exitcodes.USAGE and "Bedoelt u 01:59 of 03:00?" in gap.err
    twice = calamiteit("paraatheid", "--op", "2026-10-25 02:30")
    assert twice.code == 0 and "komt twee keer voor" in twice.err and "02:30+02:00" in twice.out
    found = calamiteit("contacts", "--bereikbaar", "--op", "zondag 14:00")
    assert found.code == 0 and "zo 06-12-2026 14:00" in found.out
    period = calamiteit("paraatheid", "--van", "vandaag", "--tot", "zondag", "--json")
    assert period.code == 0, period.err
    backwards = calamiteit("paraatheid", "--van", "ma 08:00", "--tot", "zondag")  # as understood, with the day
    assert "eindigt (zondag = ma 07-12-2026 00:00) voordat hij begint (ma 08:00 = ma 07-12-2026 08:00)" in backwards.err
    wrong = calamiteit("overzicht", "--van", "zo 05-12-2026", "--json")
    assert wrong.code == exitcodes.USAGE and "geen zondag" in wrong.err


# --- maintenance windows over the clock change -----------------------------------------------------------------


def window(start: str, end: str) -> str:
    return (
        f'windows:\n  - application: Omgevingsloket\n    start: "{start}"\n    end: "{end}"\n    description: Release\n'
    )


def test_a_window_across_the_autumn_change_is_its_real_length(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    folder = make_config(maintenance=window("2026-10-25 02:45", "2026-10-25 02:15"))
    checked = calamiteit("check", "--config-dir", str(folder))
    assert checked.code == 0, checked.out
    from dso_calamiteit.domain.monitoring import Window

    start, end = Window("Omgevingsloket", "2026-10-25 02:45", "2026-10-25 02:15", "Release").bounds()
    assert end - start == timedelta(minutes=30)
    assert read_fixed("2026-10-25 02:15+01:00").at.astimezone(UTC) == end


def test_a_window_at_a_time_the_clock_skips_is_refused(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    folder = make_config(maintenance=window("2027-03-28 02:30", "2027-03-28 04:00"))
    checked = calamiteit("check", "--config-dir", str(folder))
    assert checked.code == exitcodes.CONFIG
    assert "zo 28-03-2027 02:30 bestaat niet" in checked.out and "01:59 of 03:00" in checked.out
    assert date(2027, 3, 28).weekday() == 6
