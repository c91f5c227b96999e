"""Readiness pinned value for value (issue 24, mutation testing): weekly hours as exact UTC intervals (night hours,
24 hours, public holidays, the spring switch), a rota's shifts at the edges of a window and of the rota, exceptions
and stand-ins at their edges, the heightened periods' spans, and coverage by weekly hours against the reference
computation (every member's intervals unioned and counted). Pure and quick, so mutation runs stay short."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dso_calamiteit.domain import readiness as rd
from dso_calamiteit.domain.contacts import Contact, ContactsFile, Organisation
from dso_calamiteit.domain.intervals import Clock, at_least, subtract, utc_seconds

H = 3600


def at(text: str) -> int:
    """Dutch wall-clock time 'YYYY-MM-DD HH:MM' in UTC seconds."""
    return utc_seconds(datetime.fromisoformat(text))


def never(_: date) -> bool:
    return False


def reach(data: rd.ReadinessFile, start: str, end: str, holidays=never) -> rd.Reachability:  # type: ignore[no-untyped-def]
    return rd.Reachability(data, (at(start), at(end)), holidays)


def test_the_requirement_described() -> None:
    once = rd.Requirement("dsolv", "tactisch", always=True)
    twice = rd.Requirement("dsolv", "operationeel", minimum=2)
    assert (once.label, once.described("DSO-LV")) == ("dsolv tactisch dag en nacht", "DSO-LV tactisch dag en nacht")
    assert twice.described("DSO-LV") == "DSO-LV operationeel op vaste tijden, minstens 2"
    assert (rd.period_name(""), rd.period_name("Verkiezingen")) == ("gewoon", "Verkiezingen")


def test_weekly_hours_as_exact_intervals() -> None:
    """Week of Monday 5 January 2026 (winter: UTC+1)."""
    window = (at("2026-01-05 00:00"), at("2026-01-12 00:00"))
    day = rd.Hours(("ma", "wo"), time(8, 30), time(17, 15))
    assert rd.weekly([day], window, Clock(), never) == [
        (at("2026-01-05 08:30"), at("2026-01-05 17:15")),
        (at("2026-01-07 08:30"), at("2026-01-07 17:15")),
    ]
    night = rd.Hours(("di",), time(22, 0), time(6, 0))
    assert rd.weekly([night], window, Clock(), never) == [(at("2026-01-06 22:00"), at("2026-01-07 06:00"))]
    whole = rd.Hours(("do",), time(8, 0), time(8, 0))  # not after the start: the next day, 24 hours
    assert rd.weekly([whole], window, Clock(), never) == [(at("2026-01-08 08:00"), at("2026-01-09 08:00"))]
    sunday = rd.Hours(("zo",), time(20, 0), time(0, 0))  # to midnight, the window's end
    assert rd.weekly([sunday], window, Clock(), never) == [(at("2026-01-11 20:00"), at("2026-01-12 00:00"))]
    # Tuesday a holiday: its own hours and the night that starts on it drop, the night before it stays
    tuesday = lambda d: d == date(2026, 1, 6)  # noqa: E731
    nights = rd.Hours(("ma", "di"), time(23, 0), time(1, 0))
    assert rd.weekly([nights, rd.Hours(("di", "wo"), time(9, 0), time(10, 0))], window, Clock(), tuesday) == [
        (at("2026-01-05 23:00"), at("2026-01-06 01:00")),
        (at("2026-01-07 09:00"), at("2026-01-07 10:00")),
    ]
    assert rd.weekly([nights], window, Clock(), never) == [
        (at("2026-01-05 23:00"), at("2026-01-06 01:00")),
        (at("2026-01-06 23:00"), at("2026-01-07 01:00")),
    ]
    # overlapping hours merge; the window cuts them
    cut = (at("2026-01-05 09:00"), at("2026-01-05 12:00"))
    assert rd.weekly([day, rd.Hours(("ma",), time(7, 0), time(9, 30))], cut, Clock(), never) == [cut]


def test_weekly_hours_on_the_spring_switch() -> None:
    """Sunday 29 March 2026 has 23 hours: 01:00-04:00 on the clock is two hours; a holiday drops it there too."""
    window = (at("2026-03-28 00:00"), at("2026-03-31 00:00"))
    early = rd.Hours(("za", "zo", "ma"), time(1, 0), time(4, 0))
    found = rd.weekly([early], window, Clock(), never)
    assert found == [
        (at("2026-03-28 01:00"), at("2026-03-28 04:00")),
        (at("2026-03-29 01:00"), at("2026-03-29 04:00")),
        (at("2026-03-30 01:00"), at("2026-03-30 04:00")),
    ]
    assert [e - s for s, e in found] == [3 * H, 2 * H, 3 * H]
    sunday = lambda d: d == date(2026, 3, 29)  # noqa: E731
    assert rd.weekly([early], window, Clock(), sunday) == [found[0], found[2]]
    night = rd.Hours(("za",), time(22, 0), time(6, 0))
    assert rd.weekly([night], window, Clock(), never) == [(at("2026-03-28 22:00"), at("2026-03-29 06:00"))]
    assert at("2026-03-29 06:00") - at("2026-03-28 22:00") == 7 * H
    assert rd.weekly([night], window, Clock(), lambda d: d == date(2026, 3, 28)) == []


ROTA = rd.Rota("Piket", datetime(2026, 1, 5, 8, 0), ("a", "b", "c"), shift_hours=24, end=datetime(2026, 1, 9, 20, 0))


def test_a_rotas_shifts_at_the_edges() -> None:
    a, b, c = (
        ("a", at("2026-01-05 08:00"), at("2026-01-06 08:00")),
        ("b", at("2026-01-06 08:00"), at("2026-01-07 08:00")),
        ("c", at("2026-01-07 08:00"), at("2026-01-08 08:00")),
    )
    last = ("a", at("2026-01-08 08:00"), at("2026-01-09 08:00"))
    part = ("b", at("2026-01-09 08:00"), at("2026-01-09 20:00"))  # the rota ends half-way
    assert rd.shifts(ROTA, (at("2026-01-06 08:00"), at("2026-01-07 08:00"))) == [b]  # touching is not overlapping
    assert rd.shifts(ROTA, (at("2026-01-01 00:00"), at("2026-01-05 08:01"))) == [a]
    assert rd.shifts(ROTA, (at("2026-01-07 12:00"), at("2026-01-07 13:00"))) == [c]
    assert rd.shifts(ROTA, (at("2026-01-06 07:00"), at("2026-01-20 00:00"))) == [a, b, c, last, part]
    assert rd.shifts(ROTA, (at("2026-01-09 20:00"), at("2026-01-20 00:00"))) == []
    whole = rd.Rota(
        "Piket", datetime(2026, 1, 5, 8, 0), ("a", "b", "c"), shift_hours=24, end=datetime(2026, 1, 9, 8, 0)
    )
    assert rd.shifts(whole, (at("2026-01-08 09:00"), at("2026-01-20 00:00"))) == [last]
    endless = rd.Rota("Piket", datetime(2026, 1, 5, 8, 0), ("a", "b"), shift_hours=168)
    assert rd.shifts(endless, (at("2026-03-02 07:00"), at("2026-03-02 09:00"))) == [  # weeks on: a's 8th and b's 9th
        ("b", at("2026-02-23 08:00"), at("2026-03-02 08:00")),
        ("a", at("2026-03-02 08:00"), at("2026-03-09 08:00")),
    ]
    assert rd.shifts(endless, (at("2026-03-03 07:00"), at("2026-03-03 09:00"))) == [
        ("a", at("2026-03-02 08:00"), at("2026-03-09 08:00"))
    ]


def test_exceptions_and_stand_ins() -> None:
    data = rd.ReadinessFile(
        schedules=(
            rd.Schedule("a", always=True),
            rd.Schedule("d", weekly=(rd.Hours(("ma",), time(9, 0), time(17, 0)),)),
        ),
        rotas=(ROTA,),
        exceptions=(
            rd.Override("a", datetime(2026, 1, 5, 10, 0), datetime(2026, 1, 5, 12, 0), stand_in="s"),
            rd.Override("d", datetime(2026, 1, 5, 18, 0), datetime(2026, 1, 5, 19, 0), kind="bereikbaar", stand_in="t"),
            rd.Override("e", datetime(2026, 1, 5, 10, 0), datetime(2026, 1, 5, 11, 0), stand_in="e"),
        ),
    )
    r = reach(data, "2026-01-05 00:00", "2026-01-06 00:00")
    assert r.intervals("a") == [
        (at("2026-01-05 00:00"), at("2026-01-05 10:00")),
        (at("2026-01-05 12:00"), at("2026-01-06 00:00")),
    ]
    assert r.intervals("s") == [(at("2026-01-05 10:00"), at("2026-01-05 12:00"))]
    assert r.intervals("d") == [
        (at("2026-01-05 09:00"), at("2026-01-05 17:00")),
        (at("2026-01-05 18:00"), at("2026-01-05 19:00")),
    ]
    assert r.intervals("t") is None and not r.known("t")  # a stand-in only for an absence
    assert r.intervals("e") == [] and r.known("e")  # standing in for oneself is being away
    assert r.intervals("b") == [] and r.intervals("c") == []  # on the rota, not on shift that day
    assert r.intervals("nobody") is None
    assert (r.reachable_at("a", at("2026-01-05 09:59")), r.reachable_at("a", at("2026-01-05 10:00"))) == (True, False)
    assert (r.reachable_at("a", at("2026-01-05 11:59")), r.reachable_at("a", at("2026-01-05 12:00"))) == (False, True)
    assert r.reachable_at("nobody", at("2026-01-05 12:00")) is None
    moment = at("2026-01-05 10:00")
    assert [rd.stand_in(data, who, moment) for who in ("a", "d", "e", "s")] == ["s", None, "e", None]
    assert rd.stand_in(data, "a", moment - 1) is None and rd.stand_in(data, "a", at("2026-01-05 12:00")) is None
    assert rd.stand_in(data, "a", at("2026-01-05 11:59")) == "s"
    assert rd.stand_in(data, "d", at("2026-01-05 18:30")) is None  # extra hours name no stand-in
    assert rd.next_opening(r, "a", at("2026-01-05 11:00")) == at("2026-01-05 12:00")
    assert rd.next_opening(r, "a", at("2026-01-05 12:00")) is None  # already open: no later opening that day
    assert rd.next_opening(r, "d", at("2026-01-05 09:00")) == at("2026-01-05 18:00")
    assert rd.next_opening(r, "nobody", moment) is None
    person = Contact("org", "Rol", "tactisch", id="a")
    assert [rd.status(person, r, m) for m in (at("2026-01-05 09:00"), moment)] == ["bereikbaar", "niet bereikbaar"]
    assert rd.status(Contact("org", "Rol", "tactisch"), r, moment) == "onbekend"
    assert rd.status(Contact("org", "Rol", "tactisch", id="nobody"), r, moment) == "onbekend"
    # d: weekly hours, changed by its extra hour; a: dag en nacht; b: on the rota; s: only standing in
    assert r.weekly_base("d") == (data.schedules[1:], [(at("2026-01-05 18:00"), at("2026-01-05 19:00"))])
    assert r.weekly_base("a") is None and r.weekly_base("b") is None
    assert r.weekly_base("s") is None and r.weekly_base("nobody") is None


def test_weekly_only_contacts() -> None:
    hours = rd.Schedule("p", weekly=(rd.Hours(("ma",), time(9, 0), time(17, 0)),))
    data = rd.ReadinessFile(schedules=(hours, rd.Schedule("q", weekly=hours.weekly), rd.Schedule("q", always=True)))
    r = reach(data, "2026-01-05 00:00", "2026-01-06 00:00")
    assert r.weekly_base("p") == ((hours,), []) and r.weekly_base("q") is None
    assert r.intervals("q") == [(at("2026-01-05 00:00"), at("2026-01-06 00:00"))]


def test_the_heightened_periods_hold_from_the_first_to_the_end_of_the_last_day() -> None:
    ordinary = rd.Requirement("org", "tactisch", always=True)
    extra = rd.Requirement("org", "operationeel", always=True, minimum=2)
    data = rd.ReadinessFile(
        requirements=(ordinary,),
        heightened=(rd.Heightened("Verkiezingen", date(2026, 3, 27), date(2026, 3, 29), (extra,)),),
    )
    assert rd.active(data) == [
        (ordinary, "", None),
        (extra, "Verkiezingen", (at("2026-03-27 00:00"), at("2026-03-30 00:00"))),
    ]


PEOPLE = ContactsFile(
    (Organisation("org", "Org"),),
    (
        Contact("org", "A", "operationeel", id="a"),
        Contact("org", "B", "operationeel", id="b"),
        Contact("org", "C", "operationeel", id="c"),
        Contact("org", "Zonder id", "operationeel"),
        Contact("org", "T", "tactisch", id="t"),
    ),
)


def reference(contacts: ContactsFile, r: rd.Reachability) -> list[tuple[str, str, int, int]]:
    """The gaps as every member's intervals unioned and counted (the computation before the sweep)."""
    out = []
    for req, period, span in rd.active(r.data):
        window = r.window if span is None else (max(r.window[0], span[0]), min(r.window[1], span[1]))
        if window[0] >= window[1]:
            continue
        need = rd.required(req, window, r)
        found = at_least((r.intervals(c.id) or [] for c in rd.covering(contacts, req)), req.minimum)
        out += [(req.tier, period, s, e) for s, e in subtract(need, found)]
    return sorted(out, key=lambda g: (g[2], "org", g[0]))


def test_coverage_by_weekly_hours_day_by_day() -> None:
    """Three people by weekly hours alone (a night, overlapping hours of one person, closed on holidays), at least
    two at once, over Christmas and New Year and over the spring switch: the gaps are the reference's, and the
    ones worked out by hand are there."""
    week = ("ma", "di", "wo", "do", "vr", "za", "zo")
    data = rd.ReadinessFile(
        schedules=(
            rd.Schedule(
                "a", weekly=(rd.Hours(week, time(7, 0), time(19, 0)), rd.Hours(week, time(18, 0), time(20, 0)))
            ),
            rd.Schedule("b", weekly=(rd.Hours(week, time(19, 0), time(8, 0)),), closed_on_holidays=True),
            rd.Schedule("c", weekly=(rd.Hours(("ma", "di", "wo", "do", "vr"), time(9, 0), time(0, 0)),)),
        ),
        requirements=(
            rd.Requirement("org", "operationeel", always=True, minimum=2),
            rd.Requirement("org", "tactisch", weekly=(rd.Hours(("ma",), time(9, 0), time(10, 0)),)),
        ),
        heightened=(
            rd.Heightened(
                "Kerst",
                date(2026, 12, 24),
                date(2026, 12, 26),
                (rd.Requirement("org", "operationeel", always=True, minimum=3),),
            ),
        ),
    )
    christmas = window = rd.window_for(datetime(2026, 12, 21, 6, 0), datetime(2027, 1, 3, 12, 0))
    for window, holidays in (christmas, rd.window_for(datetime(2026, 3, 26, 0, 0), datetime(2026, 4, 1, 0, 0))):
        r = rd.Reachability(data, window, holidays)
        found = rd.gaps(PEOPLE, r)
        assert [(g.requirement.tier, g.period, g.start, g.end) for g in found] == reference(PEOPLE, r)
    r = rd.Reachability(data, *christmas)
    found = [(g.requirement.tier, g.period, g.start, g.end) for g in rd.gaps(PEOPLE, r)]
    # An ordinary day: b to 08:00 alone until a at 07:00; a alone 08:00-09:00 until c; from 20:00 b and c; c to
    # midnight on weekdays only. Christmas (Fri 25, Sat 26) and New Year (Fri 1): b's nights that start on them are
    # gone, so from Friday 20:00 only c and then a alone until b's Sunday night at 19:00 (Saturday: a alone).
    # Kerst (24-26 December, three at once): only 19:00-20:00 on the 24th has all three.
    day = [("00:00", "07:00"), ("08:00", "09:00")]
    table = [("21", "06:00", "21", "07:00"), ("21", "08:00", "21", "09:00"), ("21", "09:00", "21", "10:00", "tactisch")]
    for d in ("22", "23", "24", "25"):
        table += [(d, s, d, e) for s, e in day]
    table[8:8] = [("24", "00:00", "24", "19:00", "Kerst")]  # by start; at the same start the ordinary one first
    table[10:10] = [("24", "20:00", "27", "00:00", "Kerst")]
    table += [
        ("25", "20:00", "27", "19:00"),
        ("27", "20:00", "28", "07:00"),
        ("28", "08:00", "28", "09:00"),
        ("28", "09:00", "28", "10:00", "tactisch"),
    ]
    for d in ("29", "30", "31", "01"):
        table += [(d, s, d, e) for s, e in day]
    table += [("01", "20:00", "02", "19:00"), ("02", "20:00", "03", "07:00"), ("03", "08:00", "03", "12:00")]

    def stamp(d: str, hm: str) -> int:
        return at(f"{'2027-01' if d < '10' else '2026-12'}-{d} {hm}")

    expected = [
        (
            "tactisch" if row[4:] == ("tactisch",) else "operationeel",
            "Kerst" if row[4:] == ("Kerst",) else "",
            stamp(row[0], row[1]),
            stamp(row[2], row[3]),
        )
        for row in table
    ]
    assert found == expected


def test_hours_kept_on_holidays_hold_on_the_spring_switch() -> None:
    """A contact whose hours are kept on public holidays: on the 23-hour Sunday its hours are the zone's own."""
    data = rd.ReadinessFile(schedules=(rd.Schedule("x", weekly=(rd.Hours(("zo",), time(1, 0), time(4, 0)),)),))
    r = reach(data, "2026-03-29 00:00", "2026-03-30 00:00", holidays=lambda d: True)
    assert r.intervals("x") == [(at("2026-03-29 01:00"), at("2026-03-29 04:00"))]


def test_a_rota_does_not_depend_on_the_machines_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hourly shifts: on a machine in Tokyo (8 hours ahead) the shift that holds at 10:30 is still found."""
    import time as clock

    hourly = rd.Rota("Piket", datetime(2026, 1, 5, 0, 0), ("a", "b"), shift_hours=1)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    clock.tzset()
    try:
        found = rd.shifts(hourly, (at("2026-01-05 10:30"), at("2026-01-05 11:00")))
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert found == [("a", at("2026-01-05 10:00"), at("2026-01-05 11:00"))]


def test_a_contact_without_an_id_is_never_matched_to_data() -> None:
    data = rd.ReadinessFile(schedules=(rd.Schedule("", always=True),))
    r = reach(data, "2026-01-05 00:00", "2026-01-06 00:00")
    assert rd.status(Contact("org", "Rol", "tactisch"), r, at("2026-01-05 12:00")) == "onbekend"


def test_required_hours_on_a_holiday() -> None:
    """Friday 25 December 2026 is Christmas: a requirement closed on holidays needs nothing then, another does."""
    friday = (rd.Hours(("vr",), time(9, 0), time(17, 0)),)
    window, holidays = rd.window_for(datetime(2026, 12, 21, 0, 0), datetime(2027, 1, 4, 0, 0))
    r = rd.Reachability(rd.ReadinessFile(), window, holidays)
    kept = rd.Requirement("org", "tactisch", weekly=friday)
    closed = rd.Requirement("org", "tactisch", weekly=friday, closed_on_holidays=True)
    christmas, new_year = (
        (at("2026-12-25 09:00"), at("2026-12-25 17:00")),
        (at("2027-01-01 09:00"), at("2027-01-01 17:00")),
    )
    assert rd.required(kept, window, r) == [christmas, new_year]
    assert rd.required(closed, window, r) == []
    assert rd.required(rd.Requirement("org", "tactisch", always=True, weekly=friday), window, r) == [window]


def test_gaps_with_rotas_weekly_hours_and_periods() -> None:
    """At least two operational contacts: a by weekly hours, b on a rota (not weekly hours alone), c absent half the
    day; nobody strategic at all; a heightened period outside the window is skipped and the next one still counts."""
    contacts = ContactsFile(
        (Organisation("org", "Org"),),
        (
            Contact("org", "A", "operationeel", id="a"),
            Contact("org", "B", "operationeel", id="b"),
            Contact("org", "C", "operationeel", id="c"),
        ),
    )
    data = rd.ReadinessFile(
        schedules=(
            rd.Schedule("a", weekly=(rd.Hours(("ma",), time(8, 0), time(18, 0)),)),
            rd.Schedule("c", always=True),
        ),
        rotas=(rd.Rota("Piket", datetime(2026, 1, 5, 12, 0), ("b",), shift_hours=4, end=datetime(2026, 1, 5, 20, 0)),),
        exceptions=(rd.Override("c", datetime(2026, 1, 5, 0, 0), datetime(2026, 1, 5, 14, 0)),),
        requirements=(rd.Requirement("org", "operationeel", always=True, minimum=2),),
        heightened=(
            rd.Heightened(
                "Eerder", date(2025, 12, 1), date(2025, 12, 2), (rd.Requirement("org", "strategisch", always=True),)
            ),
            rd.Heightened(
                "Nu", date(2026, 1, 5), date(2026, 1, 5), (rd.Requirement("org", "strategisch", always=True),)
            ),
        ),
    )
    r = reach(data, "2026-01-05 06:00", "2026-01-06 00:00")
    found = [(g.requirement.tier, g.period, g.start, g.end) for g in rd.gaps(contacts, r)]
    assert found == [
        ("operationeel", "", at("2026-01-05 06:00"), at("2026-01-05 12:00")),  # a from 08:00 only; c away, b not yet
        ("strategisch", "Nu", at("2026-01-05 06:00"), at("2026-01-06 00:00")),
        ("operationeel", "", at("2026-01-05 20:00"), at("2026-01-06 00:00")),  # only c after b's rota ends
    ]


def gaps_of(
    schedules: tuple[rd.Schedule, ...],
    minimum: int,
    start: str,
    end: str,
    holidays=never,
    rotas: tuple[rd.Rota, ...] = (),
    exceptions: tuple[rd.Override, ...] = (),
) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The gaps of one requirement (dag en nacht, `minimum` at once) of people p, q and r, as local 'DD HH:MM:SS';
    the reference (every member's intervals unioned and counted) must find the same."""
    contacts = ContactsFile(
        (Organisation("org", "Org"),), tuple(Contact("org", w, "operationeel", id=w) for w in ("p", "q", "r"))
    )
    data = rd.ReadinessFile(
        schedules=schedules,
        rotas=rotas,
        exceptions=exceptions,
        requirements=(rd.Requirement("org", "operationeel", always=True, minimum=minimum),),
    )
    found = rd.gaps(contacts, reach(data, start, end, holidays))
    assert [("operationeel", "", g.start, g.end) for g in found] == reference(
        contacts, reach(data, start, end, holidays)
    )
    from dso_calamiteit.domain.dutchtime import LOCAL

    def show(s: int) -> str:
        return datetime.fromtimestamp(s, LOCAL).strftime("%d %H:%M:%S")

    return [(show(g.start), show(g.end)) for g in found]


def weekly_hours(who: str, days: tuple[str, ...], start: time, end: time, closed: bool = False) -> rd.Schedule:
    return rd.Schedule(who, weekly=(rd.Hours(days, start, end),), closed_on_holidays=closed)  # type: ignore[arg-type]


def test_weekly_hours_laid_day_by_day() -> None:
    """Week of Monday 5 January 2026, by weekly hours alone: a night only from Friday to Saturday; nights every day
    leave no second open at midnight; 24 hours from 08:00; two people with the same hours count twice."""
    friday_night = weekly_hours("p", ("vr",), time(22, 0), time(6, 0))
    assert gaps_of((friday_night,), 1, "2026-01-08 00:00", "2026-01-11 00:00") == [
        ("08 00:00:00", "09 22:00:00"),
        ("10 06:00:00", "11 00:00:00"),
    ]
    nights = weekly_hours("p", rd.DAYS, time(22, 0), time(6, 0))
    assert gaps_of((nights,), 1, "2026-01-05 00:00", "2026-01-12 00:00") == [
        (f"{d:02} 06:00:00", f"{d:02} 22:00:00") for d in range(5, 12)
    ]
    whole = weekly_hours("p", ("di",), time(8, 0), time(8, 0))
    assert gaps_of((whole,), 1, "2026-01-05 00:00", "2026-01-08 00:00") == [
        ("05 00:00:00", "06 08:00:00"),
        ("07 08:00:00", "08 00:00:00"),
    ]
    twins = (weekly_hours("p", ("ma",), time(9, 0), time(17, 0)), weekly_hours("q", ("ma",), time(9, 0), time(17, 0)))
    assert gaps_of(twins, 2, "2026-01-05 00:00", "2026-01-06 00:00") == [
        ("05 00:00:00", "05 09:00:00"),
        ("05 17:00:00", "06 00:00:00"),
    ]


def test_hours_on_a_daylight_saving_day_that_is_a_holiday() -> None:
    """Sunday 28 March 2027 is both the spring switch and Easter Sunday (a Dutch public holiday): hours closed on
    holidays are gone, hours kept on holidays hold, through the zone's own conversion."""
    _, holidays = rd.window_for(datetime(2027, 3, 28, 0, 0), datetime(2027, 3, 29, 0, 0))
    assert holidays(date(2027, 3, 28))
    closed = weekly_hours("p", ("zo",), time(10, 0), time(12, 0), closed=True)
    kept = weekly_hours("q", ("zo",), time(10, 0), time(12, 0))
    assert gaps_of((closed,), 1, "2027-03-28 00:00", "2027-03-29 00:00", holidays) == [("28 00:00:00", "29 00:00:00")]
    assert gaps_of((kept,), 1, "2027-03-28 00:00", "2027-03-29 00:00", holidays) == [
        ("28 00:00:00", "28 10:00:00"),
        ("28 12:00:00", "29 00:00:00"),
    ]


def test_a_night_into_the_spring_switch_for_hours_kept_on_holidays() -> None:
    """Saturday 28 March 2026 22:00 to Sunday 06:00 is seven hours; it ends at 06:00 summer time, not 07:00."""
    data = rd.ReadinessFile(schedules=(weekly_hours("x", ("za",), time(22, 0), time(6, 0)),))
    r = reach(data, "2026-03-28 00:00", "2026-03-30 00:00")
    assert r.intervals("x") == [(at("2026-03-28 22:00"), at("2026-03-29 06:00"))]


def test_every_schedule_and_rota_of_a_contact_counts() -> None:
    data = rd.ReadinessFile(
        schedules=(
            weekly_hours("x", ("ma",), time(9, 0), time(10, 0)),
            weekly_hours("x", ("di",), time(9, 0), time(10, 0)),
        ),
        rotas=(
            rd.Rota("Dag", datetime(2026, 1, 5, 12, 0), ("y",), shift_hours=1, end=datetime(2026, 1, 5, 13, 0)),
            rd.Rota("Avond", datetime(2026, 1, 5, 18, 0), ("y",), shift_hours=1, end=datetime(2026, 1, 5, 19, 0)),
        ),
    )
    r = reach(data, "2026-01-05 00:00", "2026-01-07 00:00")
    assert r.intervals("x") == [
        (at("2026-01-05 09:00"), at("2026-01-05 10:00")),
        (at("2026-01-06 09:00"), at("2026-01-06 10:00")),
    ]
    assert r.intervals("y") == [
        (at("2026-01-05 12:00"), at("2026-01-05 13:00")),
        (at("2026-01-05 18:00"), at("2026-01-05 19:00")),
    ]


def test_the_requirements_at_a_moment() -> None:
    """Monday 5 January 2026 10:00: the ordinary requirement (two at once, a and b reachable, c not) and the
    heightened period that holds from that day; not the one that ends just before; a requirement of fixed hours
    only inside its hours."""
    contacts = ContactsFile(
        (Organisation("org", "Org"),),
        tuple(Contact("org", w.upper(), "operationeel", id=w) for w in ("a", "b", "c")),
    )
    two = rd.Requirement("org", "operationeel", always=True, minimum=2)
    three = rd.Requirement("org", "operationeel", always=True, minimum=3)
    morning = rd.Requirement("org", "operationeel", weekly=(rd.Hours(("ma",), time(10, 0), time(11, 0)),))
    afternoon = rd.Requirement("org", "operationeel", weekly=(rd.Hours(("ma",), time(11, 0), time(12, 0)),))
    data = rd.ReadinessFile(
        schedules=(
            rd.Schedule("a", always=True),
            rd.Schedule("b", always=True),
            weekly_hours("c", ("di",), time(9, 0), time(17, 0)),
        ),
        requirements=(two, morning, afternoon),
        heightened=(
            rd.Heightened("Voorbij", date(2026, 1, 1), date(2026, 1, 4), (three,)),
            rd.Heightened("Nu", date(2026, 1, 5), date(2026, 1, 5), (three,)),
        ),
    )
    r = reach(data, "2026-01-05 00:00", "2026-01-06 00:00")
    a, b, _ = contacts.contacts
    found = rd.at_moment(contacts, r, at("2026-01-05 10:00"))
    assert found == [
        rd.Standing(two, "", [a, b], True),
        rd.Standing(morning, "", [a, b], True),
        rd.Standing(three, "Nu", [a, b], False),
    ]
    assert [s.requirement for s in rd.at_moment(contacts, r, at("2026-01-05 10:59:59"))] == [two, morning, three]
    assert [s.requirement for s in rd.at_moment(contacts, r, at("2026-01-05 11:00"))] == [two, afternoon, three]
    assert [s.period for s in rd.at_moment(contacts, r, at("2026-01-04 23:59"))] == ["", "Voorbij"]


def test_a_requirement_holds_from_the_first_second_of_its_period_to_before_its_end() -> None:
    three = rd.Requirement("org", "operationeel", always=True, minimum=3)
    data = rd.ReadinessFile(
        heightened=(
            rd.Heightened("Voorbij", date(2026, 1, 1), date(2026, 1, 4), (three,)),
            rd.Heightened("Nu", date(2026, 1, 5), date(2026, 1, 5), (three,)),
        ),
    )
    r = reach(data, "2026-01-04 00:00", "2026-01-06 00:00")
    assert [s.period for s in rd.at_moment(PEOPLE, r, at("2026-01-05 00:00"))] == ["Nu"]
    assert [s.period for s in rd.at_moment(PEOPLE, r, at("2026-01-05 00:00") - 1)] == ["Voorbij"]


def test_an_absence_takes_one_off_the_count() -> None:
    """Three people day and night, at least two at once: x away 10:00-11:00 leaves two, so no gap."""
    always = tuple(rd.Schedule(w, always=True) for w in ("p", "q", "r"))
    data = rd.ReadinessFile(
        schedules=always,
        exceptions=(rd.Override("p", datetime(2026, 1, 5, 10, 0), datetime(2026, 1, 5, 11, 0)),),
        requirements=(rd.Requirement("org", "operationeel", always=True, minimum=2),),
    )
    contacts = ContactsFile(
        (Organisation("org", "Org"),), tuple(Contact("org", w, "operationeel", id=w) for w in ("p", "q", "r"))
    )
    assert rd.gaps(contacts, reach(data, "2026-01-05 00:00", "2026-01-06 00:00")) == []
    three = rd.ReadinessFile(
        schedules=always,
        exceptions=data.exceptions,
        requirements=(rd.Requirement("org", "operationeel", always=True, minimum=3),),
    )
    found = rd.gaps(contacts, reach(three, "2026-01-05 00:00", "2026-01-06 00:00"))
    assert [(g.start, g.end) for g in found] == [(at("2026-01-05 10:00"), at("2026-01-05 11:00"))]


def test_an_absence_or_extra_hours_change_weekly_hours_only_where_they_fall() -> None:
    """p and q on weekdays 09:00-17:00, two at once: p away Tuesday 12:00 to Wednesday 10:00 leaves those hours
    short; p's extra Saturday hour and r standing in for q on Thursday afternoon are counted where they fall."""
    office = tuple(weekly_hours(w, ("ma", "di", "wo", "do", "vr"), time(9, 0), time(17, 0)) for w in "pq")
    saturday = weekly_hours("r", ("za",), time(10, 0), time(11, 0))
    away = rd.Override("p", datetime(2026, 1, 6, 12, 0), datetime(2026, 1, 7, 10, 0))
    extra = rd.Override("p", datetime(2026, 1, 10, 10, 0), datetime(2026, 1, 10, 12, 0), kind="bereikbaar")
    swap = rd.Override("q", datetime(2026, 1, 8, 13, 0), datetime(2026, 1, 8, 15, 0), stand_in="r")
    nights = [("05 00:00:00", "05 09:00:00"), *((f"0{d} 17:00:00", f"0{d + 1} 09:00:00") for d in range(5, 9))]
    assert gaps_of(office, 2, "2026-01-05 00:00", "2026-01-09 20:00") == [*nights, ("09 17:00:00", "09 20:00:00")]
    assert (
        gaps_of(office, 2, "2026-01-05 00:00", "2026-01-09 20:00", exceptions=(away,))
        == [
            *nights[:2],
            ("06 12:00:00", "07 10:00:00"),  # the afternoon, the night and the first hour run into one
            *nights[3:],
            ("09 17:00:00", "09 20:00:00"),
        ]
    )
    # q away with r standing in: still two; r's own Saturday hour and p's extra hours make two from 10:00 to 11:00
    both = (*office, saturday)
    found = gaps_of(both, 2, "2026-01-08 12:00", "2026-01-11 00:00", exceptions=(extra, swap))
    assert found == [("08 17:00:00", "09 09:00:00"), ("09 17:00:00", "10 10:00:00"), ("10 11:00:00", "11 00:00:00")]
    assert gaps_of(
        both,
        2,
        "2026-01-08 12:00",
        "2026-01-09 00:00",
        exceptions=(rd.Override("q", datetime(2026, 1, 8, 13, 0), datetime(2026, 1, 8, 15, 0)),),
    ) == [("08 13:00:00", "08 15:00:00"), ("08 17:00:00", "09 00:00:00")]


def test_a_day_without_events_counts_whom_the_events_keep_reachable() -> None:
    """x on a week-long shift (Monday to Monday), p every day 09:00-17:00, two at once: the first week's days
    are short only outside p's hours, the second week's (the same kinds of day, x gone) all day."""
    every = weekly_hours("p", rd.DAYS, time(9, 0), time(17, 0))
    week = rd.Rota("Piket", datetime(2026, 1, 5, 0, 0), ("q",), shift_hours=168, end=datetime(2026, 1, 12, 0, 0))
    found = gaps_of((every,), 2, "2026-01-05 00:00", "2026-01-15 00:00", rotas=(week,))
    first = [("05 00:00:00", "05 09:00:00"), *((f"{d:02} 17:00:00", f"{d + 1:02} 09:00:00") for d in range(5, 11))]
    assert found == [*first, ("11 17:00:00", "15 00:00:00")]
    # and the other way round: the shift in the second week
    later = rd.Rota("Piket", datetime(2026, 1, 12, 0, 0), ("q",), shift_hours=168)
    found = gaps_of((every,), 2, "2026-01-05 00:00", "2026-01-15 00:00", rotas=(later,))
    second = [(f"{d:02} 17:00:00", f"{d + 1:02} 09:00:00") for d in range(12, 14)]
    assert found == [("05 00:00:00", "12 09:00:00"), *second, ("14 17:00:00", "15 00:00:00")]


def test_the_spring_switch_counted_through_the_zone() -> None:
    """Saturday 28 March 2026 22:00 to Sunday 06:00 (summer time) and Sunday 03:30-05:15: both only from 03:30
    to 05:15 on the 23-hour Sunday; one of them from 22:00 to 06:00."""
    night = weekly_hours("p", ("za",), time(22, 0), time(6, 0))
    early = weekly_hours("q", ("zo",), time(3, 30), time(5, 15))
    assert gaps_of((night, early), 2, "2026-03-28 00:00", "2026-03-30 00:00") == [
        ("28 00:00:00", "29 03:30:00"),
        ("29 05:15:00", "30 00:00:00"),
    ]
    assert gaps_of((night, early), 1, "2026-03-28 00:00", "2026-03-30 00:00") == [
        ("28 00:00:00", "28 22:00:00"),
        ("29 06:00:00", "30 00:00:00"),
    ]
    assert at("2026-03-29 03:00") - at("2026-03-29 00:00") == 2 * H  # the hour that is not there


def test_shifts_through_a_clock_are_the_same() -> None:
    """A rota's shifts converted through a shared clock, over the autumn switch: the same as one by one."""
    rota = rd.Rota("Piket", datetime(2026, 10, 20, 2, 30), ("a", "b", "c"), shift_hours=12)
    window = (at("2026-10-22 00:00"), at("2026-10-28 00:00"))
    assert rd.shifts(rota, window, Clock()) == rd.shifts(rota, window)
    assert rd.shifts(rota, window, Clock())[0] == ("a", at("2026-10-21 14:30"), at("2026-10-22 02:30"))


def test_an_absence_on_a_public_holiday_takes_out_only_the_hours_kept_that_day() -> None:
    """King's Day, Monday 27 April 2026: p (closed on holidays) and q (not) both away all day. r covers 08:00-18:00;
    p had no hours to take out that day, q had; and the window ends at 12:00 while r is still there."""
    kings_day = lambda d: d == date(2026, 4, 27)  # noqa: E731
    p = weekly_hours("p", ("ma",), time(9, 0), time(17, 0), closed=True)
    q = weekly_hours("q", ("ma",), time(9, 0), time(17, 0))
    r = weekly_hours("r", ("ma",), time(8, 0), time(18, 0))
    away = tuple(rd.Override(w, datetime(2026, 4, 26, 0, 0), datetime(2026, 4, 28, 0, 0)) for w in "pq")
    found = gaps_of((p, r), 1, "2026-04-27 00:00", "2026-04-28 00:00", kings_day, exceptions=away[:1])
    assert found == [("27 00:00:00", "27 08:00:00"), ("27 18:00:00", "28 00:00:00")]
    assert gaps_of((q,), 1, "2026-04-27 00:00", "2026-04-28 00:00", kings_day, exceptions=away[1:]) == [
        ("27 00:00:00", "28 00:00:00")
    ]
    assert gaps_of((p, r), 1, "2026-04-27 00:00", "2026-04-27 12:00", kings_day) == [("27 00:00:00", "27 08:00:00")]


def test_the_last_day_of_a_window_counts_its_events() -> None:
    """A window that ends at noon on its third day: r day and night and q on a rota cover it to its end; two at
    once is short only before q's first shift."""
    r = rd.Schedule("r", always=True)
    rota = rd.Rota("Piket", datetime(2026, 1, 5, 6, 0), ("q",), shift_hours=12)
    assert gaps_of((r,), 1, "2026-01-05 00:00", "2026-01-07 12:00") == []
    assert gaps_of((r,), 2, "2026-01-05 00:00", "2026-01-07 12:00", rotas=(rota,)) == [("05 00:00:00", "05 06:00:00")]


def test_coverage_asks_for_at_least_one() -> None:
    """A minimum below one (the config refuses it) still means someone reachable, not every moment."""
    data = rd.ReadinessFile(schedules=(weekly_hours("p", ("ma",), time(9, 0), time(17, 0)),))
    r = reach(data, "2026-01-05 00:00", "2026-01-06 00:00")
    hours = [(at("2026-01-05 09:00"), at("2026-01-05 17:00"))]
    assert rd.covered(["p"], 0, r.window, r) == rd.covered(["p"], 1, r.window, r) == hours


def test_cover_carried_through_midnights_and_quiet_days() -> None:
    """A 48-hour shift from Monday noon: the Tuesday between is a day without events, covered whole; the cover
    ends with the shift, also when that is at midnight. Day and night with extra hours on Tuesday: the count
    goes on after that busy day."""
    two_days = rd.Rota("Piket", datetime(2026, 1, 5, 12, 0), ("q",), shift_hours=48, end=datetime(2026, 1, 7, 12, 0))
    assert gaps_of((), 1, "2026-01-05 00:00", "2026-01-08 00:00", rotas=(two_days,)) == [
        ("05 00:00:00", "05 12:00:00"),
        ("07 12:00:00", "08 00:00:00"),
    ]
    midnights = rd.Rota("Piket", datetime(2026, 1, 5, 0, 0), ("q",), shift_hours=48, end=datetime(2026, 1, 7, 0, 0))
    assert gaps_of((), 1, "2026-01-04 12:00", "2026-01-08 00:00", rotas=(midnights,)) == [
        ("04 12:00:00", "05 00:00:00"),
        ("07 00:00:00", "08 00:00:00"),
    ]
    one_day = rd.Rota("Piket", datetime(2026, 1, 5, 0, 0), ("q",), shift_hours=24, end=datetime(2026, 1, 6, 0, 0))
    assert gaps_of((), 1, "2026-01-04 12:00", "2026-01-07 00:00", rotas=(one_day,)) == [
        ("04 12:00:00", "05 00:00:00"),
        ("06 00:00:00", "07 00:00:00"),
    ]
    extra = rd.Override("q", datetime(2026, 1, 6, 9, 0), datetime(2026, 1, 6, 17, 0), kind="bereikbaar")
    assert (
        gaps_of((rd.Schedule("r", always=True),), 1, "2026-01-05 00:00", "2026-01-09 00:00", exceptions=(extra,)) == []
    )
    r = reach(rd.ReadinessFile(schedules=(rd.Schedule("r", always=True),)), "2026-01-05 00:00", "2026-01-08 00:00")
    assert rd.covered(["r"], 1, r.window, r) == [r.window]  # one interval, not one per day


def test_hours_that_hand_over_count_on() -> None:
    """q until 12:00, p from 12:00 (p comes first in the contacts): no gap at the hand-over."""
    p = weekly_hours("p", ("ma",), time(12, 0), time(17, 0))
    q = weekly_hours("q", ("ma",), time(9, 0), time(12, 0))
    assert gaps_of((p, q), 1, "2026-01-05 00:00", "2026-01-06 00:00") == [
        ("05 00:00:00", "05 09:00:00"),
        ("05 17:00:00", "06 00:00:00"),
    ]


def test_an_evening_to_midnight_on_the_spring_switch_ends_at_midnight() -> None:
    """Sunday 29 March 2026 (23 hours) 22:00 to midnight: not an hour into Monday."""
    evening = weekly_hours("p", ("zo",), time(22, 0), time(0, 0))
    assert gaps_of((evening,), 1, "2026-03-29 00:00", "2026-03-30 06:00") == [
        ("29 00:00:00", "29 22:00:00"),
        ("30 00:00:00", "30 06:00:00"),
    ]
