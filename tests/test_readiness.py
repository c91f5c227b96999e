"""Readiness: reachability over time zones and DST, holidays, overlaps, gaps, the CLI and bad input."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from dso_calamiteit.adapters import config
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.readiness import Reachability, gaps, status, utc_seconds, window_for

from .conftest import Invoke, all_answers

MakeConfig = Callable[..., Path]


def loaded(make_config: MakeConfig, readiness: str) -> config.Config:
    return config.load(config.locate(make_config(readiness=readiness)), use_cache=False)


def reach(cfg: config.Config, start: str, end: str) -> Reachability:
    window, holidays = window_for(datetime.fromisoformat(start), datetime.fromisoformat(end))
    return Reachability(cfg.readiness, window, holidays)


def at(text: str) -> int:
    return utc_seconds(datetime.fromisoformat(text))


def person(cfg: config.Config, contact_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in cfg.contacts.contacts if c.id == contact_id)


ROTA_WEEKLY = """\
rotas:
  - name: Piket
    start: "2026-03-23 08:00"
    order: [bram-jansen, lotte-meijer]
requirements:
  - {org: dso-lv, tier: tactisch, always: true}
"""


@pytest.mark.parametrize(
    "start,end", [("2026-03-23 08:00", "2026-04-06 08:00"), ("2026-10-19 08:00", "2026-11-02 08:00")]
)
def test_weekly_rota_across_a_dst_switch_has_no_gap_and_no_double_hour(
    make_config: MakeConfig, start: str, end: str
) -> None:
    cfg = loaded(make_config, ROTA_WEEKLY.replace("2026-03-23", start[:10]))
    r = reach(cfg, start, end)
    assert gaps(cfg.contacts, r) == []
    shifts = sorted((r.intervals("bram-jansen") or []) + (r.intervals("lotte-meijer") or []))
    assert all(a[1] == b[0] for a, b in itertools.pairwise(shifts))  # each ends where the next begins
    assert sum(e - s for s, e in shifts) == at(end) - at(start)  # no hour twice, none missing
    lengths = {(e - s) // 3600 for s, e in shifts}
    assert lengths == {167, 168} if start.startswith("2026-03") else lengths == {168, 169}


ROTA_TWELVE = """\
rotas:
  - name: Dag en nacht
    start: "2026-03-27 08:00"
    shift_hours: 12
    order: [bram-jansen, lotte-meijer]
requirements:
  - {org: dso-lv, tier: tactisch, always: true}
"""


def test_night_shift_over_the_spring_switch_is_eleven_hours(make_config: MakeConfig) -> None:
    cfg = loaded(make_config, ROTA_TWELVE)
    r = reach(cfg, "2026-03-28 08:00", "2026-03-30 08:00")
    assert gaps(cfg.contacts, r) == []
    night = [(s, e) for s, e in r.intervals("lotte-meijer") or [] if s == at("2026-03-28 20:00")]
    assert night and (night[0][1] - night[0][0]) == 11 * 3600
    assert r.reachable_at("lotte-meijer", at("2026-03-29 03:30")) is True
    assert r.reachable_at("bram-jansen", at("2026-03-29 08:00")) is True


DESK = """\
schedules:
  - contact: servicedesk-dso-lv
    desk: true
    weekly:
      - {days: [ma, di, wo, do, vr], start: 08:00, end: 17:00}
    closed_on_holidays: true
"""


def test_public_holiday_closes_the_desk(make_config: MakeConfig) -> None:
    cfg = loaded(make_config, DESK)
    r = reach(cfg, "2026-04-20", "2027-01-10")
    desk = person(cfg, "servicedesk-dso-lv")
    assert status(desk, r, at("2026-04-27 10:00")) == "niet bereikbaar"  # Koningsdag, a Monday
    assert status(desk, r, at("2026-04-28 10:00")) == "bereikbaar"
    assert status(desk, r, at("2026-12-25 10:00")) == "niet bereikbaar"  # Eerste Kerstdag, a Friday
    assert status(desk, r, at("2026-04-28 17:00")) == "niet bereikbaar"  # closing time is exclusive
    assert status(desk, r, at("2026-04-28 16:59")) == "bereikbaar"  # unquoted 17:00 read as a time, not 1020


OVERLAP = """\
schedules:
  - contact: anna-de-vries
    weekly:
      - {days: [ma], start: "08:00", end: "12:00"}
      - {days: [ma], start: "10:00", end: "14:00"}
exceptions:
  - {contact: anna-de-vries, start: "2026-11-30 11:00", end: "2026-11-30 13:00", kind: afwezig,
     stand_in: bram-jansen}
  - {contact: anna-de-vries, start: "2026-11-30 20:00", end: "2026-11-30 22:00", kind: bereikbaar}
"""


def test_overlapping_patterns_and_exceptions(make_config: MakeConfig) -> None:
    cfg = loaded(make_config, OVERLAP)
    r = reach(cfg, "2026-11-30", "2026-12-01")
    assert r.intervals("anna-de-vries") == [
        (at("2026-11-30 08:00"), at("2026-11-30 11:00")),
        (at("2026-11-30 13:00"), at("2026-11-30 14:00")),
        (at("2026-11-30 20:00"), at("2026-11-30 22:00")),
    ]
    assert r.intervals("bram-jansen") == [(at("2026-11-30 11:00"), at("2026-11-30 13:00"))]  # the stand-in


def test_contact_without_data_is_unknown_not_reachable(make_config: MakeConfig) -> None:
    cfg = loaded(make_config, "requirements:\n  - {org: vng, tier: tactisch, always: true}\n")
    r = reach(cfg, "2026-11-30", "2026-12-01")
    assert status(person(cfg, "hanna-peters"), r, at("2026-11-30 10:00")) == "onbekend"
    found = gaps(cfg.contacts, r)
    assert [(g.start, g.end) for g in found] == [(at("2026-11-30 00:00"), at("2026-12-01 00:00"))]


def test_minimum_two_at_once(make_config: MakeConfig) -> None:
    cfg = loaded(
        make_config,
        """\
schedules:
  - {contact: bram-jansen, weekly: [{days: [ma], start: "08:00", end: "12:00"}]}
  - {contact: lotte-meijer, weekly: [{days: [ma], start: "10:00", end: "16:00"}]}
requirements:
  - {org: dso-lv, tier: tactisch, minimum: 2, weekly: [{days: [ma], start: "09:00", end: "13:00"}]}
""",
    )
    found = gaps(cfg.contacts, reach(cfg, "2026-11-30", "2026-12-01"))
    assert [(g.start, g.end) for g in found] == [
        (at("2026-11-30 09:00"), at("2026-11-30 10:00")),
        (at("2026-11-30 12:00"), at("2026-11-30 13:00")),
    ]


# --- the CLI ------------------------------------------------------------------------------------------------


def test_period_with_gaps_exits_non_zero(calamiteit: Invoke) -> None:
    result = calamiteit("paraatheid", "--van", "2024-01-01", "--tot", "2024-01-02", "--json")
    assert result.code == exitcodes.READINESS_GAPS, result.err
    doc = json.loads(result.out)
    labels = {(g["org"], g["tier"], g["period"]) for g in doc["gaps"]}
    assert ("iplo", "strategisch", "Verhoogde paraatheid livegang Omgevingswet") in labels
    first = doc["gaps"][0]
    assert first["from"] == "2023-12-31T23:00:00+00:00"  # 1 January 00:00 in Amsterdam
    table = calamiteit("paraatheid", "--van", "2024-01-01", "--tot", "2024-01-02")
    assert "Gaten in de dekking" in table.out and "gaten gevonden." in table.out
    assert table.out.startswith("Samenvatting per eis")  # the summary per requirement comes first


def test_period_without_gaps(calamiteit: Invoke) -> None:
    result = calamiteit("paraatheid", "--van", "2026-12-01", "--tot", "2026-12-20")
    assert result.code == exitcodes.OK, result.out
    assert "Geen gaten" in result.out


@pytest.mark.parametrize(
    "args,message",
    [
        (["--van", "2026-12-10", "--tot", "2026-12-01"], "eindigt"),
        (["--van", "2026-12-01"], "samen"),
        (["--op", "25:00"], "geen geldig tijdstip"),
        (["--op", "2026-02-30 10:00"], "geen geldig tijdstip"),
    ],
)
def test_bad_times_and_ranges(calamiteit: Invoke, args: list[str], message: str) -> None:
    result = calamiteit("paraatheid", *args)
    assert result.code == exitcodes.USAGE and message in result.err


def test_moment_shows_who_and_what_is_missing(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(readiness=DESK + "requirements:\n  - {org: iplo, tier: strategisch, always: true}\n")
    result = calamiteit("paraatheid", "--op", "2026-11-30 10:00", "--json", "--config-dir", str(folder))
    assert result.code == exitcodes.READINESS_GAPS
    doc = json.loads(result.out)
    # Monday 10:00: the one desk with a schedule (08:00-17:00 on weekdays) is open
    assert [(d["id"], d["status"]) for d in doc["desks"]] == [("servicedesk-dso-lv", "bereikbaar")]
    # nobody else has a schedule: no one of IPLO's strategic tier is known to be reachable, so the requirement
    # (one person by default, all day and night, outside any heightened period) is not met
    (req,) = doc["requirements"]
    assert (req["org"], req["tier"], req["period"], req["minimum"]) == ("iplo", "strategisch", None, 1)
    assert (req["met"], req["reachable"]) == (False, [])
    assert {c["status"] for c in doc["contacts"]} == {"onbekend"}
    table = calamiteit("paraatheid", "--op", "2026-11-30 10:00", "--config-dir", str(folder))
    assert "NIET GEDEKT" in table.out and "open" in table.out


def test_heightened_period_applies_its_requirements(calamiteit: Invoke) -> None:
    inside = json.loads(calamiteit("paraatheid", "--op", "2024-01-15 23:00", "--json").out)
    outside = json.loads(calamiteit("paraatheid", "--op", "2024-03-15 23:00", "--json").out)
    assert inside["heightened"] == ["Verhoogde paraatheid livegang Omgevingswet"]
    assert any(r["org"] == "iplo" and r["tier"] == "strategisch" for r in inside["requirements"])
    assert outside["heightened"] == [] and not any(r["period"] for r in outside["requirements"])


def test_contacts_reachable_filter(calamiteit: Invoke) -> None:
    night = json.loads(calamiteit("contacts", "--bereikbaar", "--op", "2026-12-01 03:00", "--json").out)
    names = {c["name"] for c in night["contacts"]}
    assert "Carla Bakker" in names and "Anna de Vries" not in names and "Hanna Peters" not in names
    day = json.loads(calamiteit("contacts", "anna", "--bereikbaar", "--op", "2026-12-01 10:00", "--json").out)
    assert [c["name"] for c in day["contacts"]] == ["Anna de Vries"]
    assert calamiteit("contacts", "--op", "10:00").code == exitcodes.USAGE


def test_rota_as_icalendar(calamiteit: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "piket.ics"
    result = calamiteit("paraatheid", "--ics", str(target), "--van", "2026-12-14", "--tot", "2026-12-27")
    assert result.code == 0, result.err
    cal = Calendar.from_ical(target.read_bytes())
    events = [e for e in cal.walk("VEVENT")]
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Piket tactisch DSO-LV: Bram Jansen" in summaries or "Piket tactisch DSO-LV: Lotte Meijer" in summaries
    assert any(s.startswith("Afwezig: Bram Jansen (waarnemer: Lotte Meijer)") for s in summaries)
    starts = {e.decoded("DTSTART").isoformat() for e in events if "DSO-LV" in str(e["SUMMARY"])}
    assert "2026-12-14T07:00:00+00:00" in starts  # Monday 08:00 in Amsterdam


def test_team_now_and_unknown_team(calamiteit: Invoke) -> None:
    doc = json.loads(calamiteit("team", "oct", "--op", "2026-12-01 03:00", "--json").out)
    chair = doc["teams"]["OCT"][0]
    assert (chair["group"], chair["role"]) == ("kernteam", "Voorzitter OCT")
    assert [c["name"] for c in chair["reachable"]] in (["Bram Jansen"], ["Lotte Meijer"])
    koepels = [r for r in doc["teams"]["OCT"] if r["group"] == "koepel"]
    assert koepels and all(r["reachable"] == [] and r["unknown"] for r in koepels)
    wrong = calamiteit("team", "OTC")
    assert wrong.code == exitcodes.USAGE and "Bedoelde u 'OCT'?" in wrong.err


def test_assess_names_the_team_to_convene(calamiteit: Invoke) -> None:
    up = json.loads(calamiteit("assess", "--json", *all_answers(), "--answer", "doorzettingsmacht=ja").out)
    assert up["convene"]["team"] == "OCT"
    assert {m["role"] for m in up["convene"]["members"]} >= {"Voorzitter OCT", "Adviseur Omgevingswet"}
    base = json.loads(calamiteit("assess", "--json", *all_answers()).out)
    assert base["convene"] is None
    table = calamiteit("assess", *all_answers(), "--answer", "pers-en-media=ja")
    assert "Nu bellen — SCT en de korte lijnen" in table.out  # the team's roles, whom to phone for each
    assert "Voorzitter SCT" in table.out


# --- configuration errors -------------------------------------------------------------------------------------


def located(calamiteit: Invoke, folder: Path) -> list[str]:
    result = calamiteit("check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG, result.out
    return [line for line in result.out.splitlines() if ".yaml:" in line]


def test_requirement_with_unknown_organisation_or_tier(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        readiness="requirements:\n  - {org: iplo, tier: tactisch, always: true}\n"
        "  - {org: ipl, tier: tactisch, always: true}\n"
    )
    found = located(calamiteit, folder)
    assert any("paraatheid.yaml:3:" in p and "onbekende organisatie 'ipl'" in p and "'iplo'" in p for p in found)
    folder = make_config(readiness="requirements:\n  - {org: iplo, tier: tactics, always: true}\n")
    found = located(calamiteit, folder)
    assert any("paraatheid.yaml:2:" in p and "'tier' moet een van" in p and "tactics" in p for p in found), found


def test_impossible_time_in_the_file(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        readiness="schedules:\n  - contact: anna-de-vries\n    weekly:\n"
        '      - {days: [ma], start: "25:00", end: "26:00"}\n'
    )
    found = located(calamiteit, folder)
    assert any("paraatheid.yaml:4:" in p and "'start' moet een tijd zijn" in p and "25:00" in p for p in found), found


def test_unknown_contact_and_reversed_dates(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        readiness='exceptions:\n  - contact: ana-de-vries\n    start: "2026-12-10 00:00"\n'
        '    end: "2026-12-01 00:00"\n'
        "heightened:\n  - {name: x, start: 2026-02-01, end: 2026-01-01, requirements: []}\n"
    )
    found = located(calamiteit, folder)
    assert any(":2:" in p and "onbekend contact 'ana-de-vries'" in p and "anna-de-vries" in p for p in found)
    assert any(":4:" in p and "eindigt voordat" in p for p in found)
    assert any(":6:" in p and "eindigt voordat" in p for p in found)


def test_team_role_that_nobody_has(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        teams="teams:\n  - id: OCT\n    name: x\n    members:\n      - {org: dso-lv, role: Voorzitter OTC}\n"
    )
    found = located(calamiteit, folder)
    assert any("teams.yaml:5:" in p and "Voorzitter OCT" in p for p in found), found


# --- issue 27: coverage by one sweep equals coverage by unions per contact --------------------------------

from datetime import date, time, timedelta  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dso_calamiteit.domain import readiness as rd  # noqa: E402
from dso_calamiteit.domain.contacts import Contact, ContactsFile, Organisation  # noqa: E402
from dso_calamiteit.domain.intervals import at_least, subtract  # noqa: E402

PEOPLE = [f"p{i}" for i in range(6)]
# Quarter hours, but none in the hour that does not exist on the night clocks go forward (02:00-03:00):
# a time in it has no meaning on that day, and the old computation made inverted intervals of it.
QUARTERS = [time(h, m) for h in range(24) for m in (0, 15, 30, 45) if h != 2]


def old_gaps(contacts: ContactsFile, reach: Reachability) -> list[rd.Gap]:
    """The computation before issue 27: every member's intervals over the whole window, unioned and counted."""
    out: list[rd.Gap] = []
    for req, period, span in rd.active(reach.data):
        window = reach.window if span is None else (max(reach.window[0], span[0]), min(reach.window[1], span[1]))
        if window[0] >= window[1]:
            continue
        need = rd.required(req, window, reach)
        covered = at_least((reach.intervals(c.id) or [] for c in rd.covering(contacts, req)), req.minimum)
        out += [rd.Gap(req, period, s, e) for s, e in subtract(need, covered)]
    return sorted(out, key=lambda g: (g.start, g.requirement.org, g.requirement.tier))


hours = st.builds(
    lambda days, start, end, whole: rd.Hours(days, start, start if whole else end),  # whole: 24 hours from start
    st.lists(st.sampled_from(rd.DAYS), min_size=1, max_size=7, unique=True).map(tuple),
    st.sampled_from(QUARTERS),
    st.sampled_from(QUARTERS),
    st.sampled_from([False, False, False, True]),
)
schedule = st.builds(
    rd.Schedule,
    contact=st.sampled_from(PEOPLE),
    always=st.sampled_from([False, False, False, True]),
    weekly=st.lists(hours, min_size=1, max_size=3).map(tuple),
    closed_on_holidays=st.booleans(),
)
moment = st.builds(
    lambda day, q: datetime.combine(date(2026, 1, 1) + timedelta(days=day), q),
    st.integers(0, 364),
    st.sampled_from(QUARTERS),
)
rota = st.builds(
    rd.Rota,
    name=st.just("Piket"),
    start=moment,
    order=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3).map(tuple),
    shift_hours=st.sampled_from([12, 24, 168]),
)
override = st.builds(
    lambda who, begin, hours, kind, other: rd.Override(
        who, begin, begin + timedelta(hours=hours), kind, other if kind == "afwezig" else None
    ),
    st.sampled_from(PEOPLE),
    moment,
    st.integers(1, 200),
    st.sampled_from(["afwezig", "bereikbaar"]),
    st.sampled_from([None, *PEOPLE]),
)
requirement = st.builds(
    rd.Requirement,
    org=st.just("org"),
    tier=st.sampled_from(["operationeel", "tactisch"]),
    always=st.booleans(),
    weekly=st.lists(hours, min_size=1, max_size=2).map(tuple),
    closed_on_holidays=st.booleans(),
    minimum=st.integers(1, 3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schedules=st.lists(schedule, max_size=8),
    rotas=st.lists(rota, max_size=2),
    exceptions=st.lists(override, max_size=3),
    requirements=st.lists(requirement, min_size=1, max_size=3),
    tiers=st.lists(st.sampled_from(["operationeel", "tactisch"]), min_size=6, max_size=6),
    first=st.sampled_from([date(2026, 3, 20), date(2026, 4, 24), date(2026, 10, 20), date(2026, 12, 20)]),
    days=st.integers(1, 21),
)
def test_coverage_by_sweep_equals_unions_per_contact(  # type: ignore[no-untyped-def]
    schedules, rotas, exceptions, requirements, tiers, first, days
) -> None:
    """Random weekly hours, rotas, exceptions and requirements, over windows across both daylight-saving
    switches, King's Day and Christmas: the gaps found by the sweep are exactly the gaps found before."""
    contacts = ContactsFile(
        (Organisation("org", "Org"),),
        tuple(Contact("org", f"Rol {i}", tier, id=p) for i, (p, tier) in enumerate(zip(PEOPLE, tiers, strict=True))),
    )
    data = rd.ReadinessFile(tuple(schedules), tuple(rotas), tuple(exceptions), tuple(requirements))
    start = datetime.combine(first, time(7, 30))
    window, holidays = window_for(start, start + timedelta(days=days, hours=3))
    assert gaps(contacts, Reachability(data, window, holidays)) == old_gaps(
        contacts, Reachability(data, window, holidays)
    )


weekly_schedule = st.builds(
    rd.Schedule,
    contact=st.sampled_from(PEOPLE),
    weekly=st.lists(hours, min_size=1, max_size=3).map(tuple),
    closed_on_holidays=st.booleans(),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schedules=st.lists(weekly_schedule, min_size=1, max_size=8),
    rotas=st.lists(rota, max_size=1),
    exceptions=st.lists(override, max_size=8),
    requirements=st.lists(requirement, min_size=1, max_size=2),
    tiers=st.lists(st.sampled_from(["operationeel", "tactisch"]), min_size=6, max_size=6),
    first=st.sampled_from([date(2026, 3, 25), date(2026, 4, 25), date(2026, 10, 22), date(2026, 12, 22)]),
    days=st.integers(1, 14),
)
def test_exceptions_on_weekly_hours_by_sweep_equal_unions_per_contact(  # type: ignore[no-untyped-def]
    schedules, rotas, exceptions, requirements, tiers, first, days
) -> None:
    """Mostly people by weekly hours, with many absences, extra hours and stand-ins (which the sweep lays as
    changes to their weekly hours where they fall): the gaps are exactly the gaps found before."""
    contacts = ContactsFile(
        (Organisation("org", "Org"),),
        tuple(Contact("org", f"Rol {i}", tier, id=p) for i, (p, tier) in enumerate(zip(PEOPLE, tiers, strict=True))),
    )
    data = rd.ReadinessFile(tuple(schedules), tuple(rotas), tuple(exceptions), tuple(requirements))
    start = datetime.combine(first, time(0, 0))
    window, holidays = window_for(start, start + timedelta(days=days))
    assert gaps(contacts, Reachability(data, window, holidays)) == old_gaps(
        contacts, Reachability(data, window, holidays)
    )


def test_requirements_are_named_by_the_organisation_for_people_and_by_id_for_scripts(calamiteit: Invoke) -> None:
    """The Eisen table, the gaps and their summary read 'DSO-LV tactisch dag en nacht'; the JSON keeps the id."""
    now = calamiteit("paraatheid", "--op", "2026-12-02 12:00")
    assert now.code == 0, now.err
    assert "DSO-LV tactisch dag en nacht" in now.out and "dso-lv tactisch" not in now.out
    gaps = calamiteit("paraatheid", "--van", "2024-01-15", "--tot", "2024-01-24")
    assert gaps.out.count("DSO-LV operationeel op vaste tijden") >= 2, gaps.out  # the summary and a gap
    assert "dso-lv operationeel" not in gaps.out
    doc = json.loads(calamiteit("paraatheid", "--op", "2026-12-02 12:00", "--json").out)
    labels = [s["label"] for s in doc["requirements"]]
    assert "dso-lv tactisch dag en nacht" in labels  # scripts branch on ids
