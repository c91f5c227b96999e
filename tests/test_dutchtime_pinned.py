"""Dutch time pinned value for value (issue 24, mutation testing): every form a moment is typed in and the exact
instant it is, the periods (a date alone counts its whole day), 24:00 refused, weekdays and deadlines, both clock
changes (the hour skipped, the hour passed twice and which reading is taken), and every refusal with its hint in
Dutch and in English. Pure and quick (no six-year sweep), so a mutation run of domain/dutchtime.py stays short."""

from __future__ import annotations

import time as clock_zone
from datetime import UTC, date, datetime, time, timedelta

import pytest

from dso_calamiteit.domain import dutchtime as dt
from dso_calamiteit.domain import language
from dso_calamiteit.domain.errors import UsageError
from dso_calamiteit.views import i18n

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # za 05-12-2026 03:00 in Amsterdam
EVENING = datetime(2026, 12, 5, 22, 50, tzinfo=UTC)  # za 23:50
NOON = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)  # za 12:00
MORNING = datetime(2026, 12, 5, 10, 59, 59, tzinfo=UTC)  # za 11:59:59


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- what a moment typed is: (typed, now, the instant in UTC, whether a time of day was named) ---
READ = [
    ("nu", NOW, "2026-12-05 02:00", True),
    (" Nu ", NOW, "2026-12-05 02:00", True),
    ("14:00", NOW, "2026-12-05 13:00", True),
    ("9.05", NOW, "2026-12-05 08:05", True),
    ("  14:00   uur ", NOW, "2026-12-05 13:00", True),
    ("14:00uur", NOW, "2026-12-05 13:00", True),
    ("00:00", NOW, "2026-12-04 23:00", True),
    ("23:59", NOW, "2026-12-05 22:59", True),
    ("zo 14:00", NOW, "2026-12-06 13:00", True),
    ("zo. 14:00", NOW, "2026-12-06 13:00", True),
    ("Zondag, 14.00", NOW, "2026-12-06 13:00", True),
    ("Sun 14:00", NOW, "2026-12-06 13:00", True),
    ("sunday 14:00", NOW, "2026-12-06 13:00", True),
    ("ma 09:00", NOW, "2026-12-07 08:00", True),
    ("vr 09:00", NOW, "2026-12-11 08:00", True),
    ("za 03:01", NOW, "2026-12-05 02:01", True),  # today, still ahead
    ("za 03:00", NOW, "2026-12-12 02:00", True),  # now itself: next Saturday
    ("za 02:59", NOW, "2026-12-12 01:59", True),
    ("za", NOW, "2026-12-04 23:00", False),  # today's midnight: a day alone
    ("zo", NOW, "2026-12-05 23:00", False),
    ("vr", NOW, "2026-12-10 23:00", False),
    ("vandaag", NOW, "2026-12-04 23:00", False),
    ("morgen", NOW, "2026-12-05 23:00", False),
    ("morgen 08:00", NOW, "2026-12-06 07:00", True),
    ("overmorgen 07:30", NOW, "2026-12-07 06:30", True),
    ("gisteren 12:00", NOW, "2026-12-04 11:00", True),
    ("zo morgen 08:00", NOW, "2026-12-06 07:00", True),
    ("vanavond 20:00", NOW, "2026-12-05 19:00", True),
    ("vanavond 12:00", NOW, "2026-12-05 11:00", True),
    ("vannacht 04:00", NOW, "2026-12-05 03:00", True),  # typed at 03:00: this night
    ("vannacht 06:59", NOON, "2026-12-06 05:59", True),  # typed at noon: the coming night
    ("vannacht 06:59", MORNING, "2026-12-05 05:59", True),  # typed before noon: this night
    ("vannacht 00:30", EVENING, "2026-12-05 23:30", True),
    ("vannacht 18:00", NOW, "2026-12-05 17:00", True),
    ("vannacht 23:00", NOON, "2026-12-05 22:00", True),
    ("2026-12-06", NOW, "2026-12-05 23:00", False),
    ("2026-12-06 14:00", NOW, "2026-12-06 13:00", True),
    ("2026-2-3 9:05", NOW, "2026-02-03 08:05", True),
    ("06-12-2026 14:00", NOW, "2026-12-06 13:00", True),
    ("6-7-2026", NOW, "2026-07-05 22:00", False),
    ("zo 06-12-2026", NOW, "2026-12-05 23:00", False),
    ("zondag 2026-12-06 14:00", NOW, "2026-12-06 13:00", True),
    ("zo 06-12-2026 14:00", NOW, "2026-12-06 13:00", True),
    ("2026-07-06 14:00", NOW, "2026-07-06 12:00", True),  # summer: UTC+2
    ("2026-12-06 14:00+01:00", NOW, "2026-12-06 13:00", True),
    ("2026-12-06 14:00 +0100", NOW, "2026-12-06 13:00", True),
    ("2026-12-06 14:00+00:60", NOW, "2026-12-06 13:00", True),  # sixty minutes are the hour of +01:00
    ("2026-07-06 14:00+02:00", NOW, "2026-07-06 12:00", True),
    ("+30m", NOW, "2026-12-05 02:30", True),
    ("+ 2 u", NOW, "2026-12-05 04:00", True),
    ("+90min", NOW, "2026-12-05 03:30", True),
    ("+1minuut", NOW, "2026-12-05 02:01", True),
    ("+3 minuten", NOW, "2026-12-05 02:03", True),
    ("+2h", NOW, "2026-12-05 04:00", True),
    ("+2uur", NOW, "2026-12-05 04:00", True),
    ("+1d", NOW, "2026-12-06 02:00", True),
    ("+2 dag", NOW, "2026-12-07 02:00", True),
    ("+2dagen", NOW, "2026-12-07 02:00", True),
    ("+1098d", NOW, "2029-12-07 02:00", True),  # three years of 366 days: the furthest ahead
    ("over 2 uur", NOW, "2026-12-05 04:00", True),
    ("over 3 uren", NOW, "2026-12-05 05:00", True),
    ("over een kwartier", NOW, "2026-12-05 02:15", True),
    ("over één minuut", NOW, "2026-12-05 02:01", True),
    ("over 5 minuten", NOW, "2026-12-05 02:05", True),
    ("over anderhalf uur", NOW, "2026-12-05 03:30", True),
    ("over een half uur", NOW, "2026-12-05 02:30", True),
    ("over half uur", NOW, "2026-12-05 02:30", True),
    ("over 1 dag", NOW, "2026-12-06 02:00", True),
    ("over 2 dagen", NOW, "2026-12-07 02:00", True),
    ("2026-12-06T14:00", NOW, "2026-12-06 13:00", True),
    ("2026-12-06T14:00:00+01:00", NOW, "2026-12-06 13:00", True),
    ("2026-12-06T13:00Z", NOW, "2026-12-06 13:00", True),
    ("2026-12-06 13:00Z", NOW, "2026-12-06 13:00", True),
    ("2026-10-25T02:30+01:00", NOW, "2026-10-25 01:30", True),
    ("2026-10-25 03:30", NOW, "2026-10-25 02:30", True),
    ("2027-03-28 01:59", NOW, "2027-03-28 00:59", True),
    ("2027-03-28 03:00", NOW, "2027-03-28 01:00", True),
    ("za 05-12-2026 03:00", NOW, "2026-12-05 02:00", True),  # as the tool writes it
    ("Sat 05-12-2026 03:00", NOW, "2026-12-05 02:00", True),
]


@pytest.mark.parametrize(("typed", "now", "instant", "with_time"), READ)
def test_a_moment_as_typed(typed: str, now: datetime, instant: str, with_time: bool) -> None:
    moment = dt.read(typed, now)
    assert (moment.at, moment.at.tzinfo, moment.with_time, moment.note) == (utc(instant), UTC, with_time, None)
    assert dt.parse_moment(typed, now) == (utc(instant), with_time)
    assert dt.parse_local(typed, now) == utc(instant)


def test_now_and_relative_moments_keep_or_drop_the_seconds() -> None:
    now = datetime(2026, 12, 5, 2, 0, 30, 5, tzinfo=UTC)
    assert dt.read("nu", now).at == now
    assert dt.read("+30m", now).at == datetime(2026, 12, 5, 2, 30, tzinfo=UTC)
    assert dt.read("over anderhalf uur", datetime(2026, 12, 5, 2, 0, 59, tzinfo=UTC)).at == utc("2026-12-05 03:30")
    local_now = datetime(2026, 12, 5, 3, 0, 30, tzinfo=dt.LOCAL)
    assert dt.read("za 03:00", local_now).at == utc("2026-12-12 02:00")  # the seconds count: 03:00 has passed
    assert dt.read("nu", local_now).at.tzinfo == UTC


# --- the periods: a date alone counts its whole day ---
PERIODS = [
    ("2026-12-06", "2026-12-06 23:00"),
    ("06-12-2026 14:00", "2026-12-06 13:00"),
    ("2027-03-27", "2027-03-27 23:00"),  # the night of the spring change: still winter at midnight
    ("2027-03-28", "2027-03-28 22:00"),  # the day of 23 hours ends at summer midnight
    ("2026-10-25", "2026-10-25 23:00"),  # the day of 25 hours
    ("2026-10-24", "2026-10-24 22:00"),
    ("morgen", "2026-12-06 23:00"),
    ("zo", "2026-12-06 23:00"),
    ("za", "2026-12-05 23:00"),
    ("2026-12-31", "2026-12-31 23:00"),
]


@pytest.mark.parametrize(("typed", "end"), PERIODS)
def test_the_end_of_a_period(typed: str, end: str) -> None:
    got = dt.period_end(typed, NOW)
    assert got == utc(end)
    assert got.astimezone(dt.LOCAL).time() in (time(0, 0), time(14, 0))


# --- refusals: (typed, now, options, Dutch lines, English lines) ---
UNREADABLE_HINT_NL = f"Gebruik {dt.FORMS}."
UNREADABLE_HINT_EN = (
    "Use HH:MM (today), a day and time ('zo 14:00', 'Sun 14:00', 'zondag 14:00', 'morgen 08:00'), YYYY-MM-DD HH:MM, "
    "DD-MM-YYYY HH:MM, a date alone, '+30m' or 'over 2 uur'; also as the tool writes it ('Sun 29-11-2026 03:00'); "
    "Dutch time."
)


def unreadable(typed: str, now: datetime = NOW) -> tuple[str, datetime, dict[str, object], list[str], list[str]]:
    return (typed, now, {}, [f"'{typed}' is geen geldig tijdstip", UNREADABLE_HINT_NL],
            [f"'{typed}' is not a valid moment", UNREADABLE_HINT_EN])


TWENTY_FOUR_HINT = (
    "Schrijf 00:00 van de volgende dag, of bij --tot de datum alleen (die telt de hele dag mee).",
    "Write 00:00 of the next day, or with --tot the date alone (it counts the whole day).",
)
REFUSED = [
    *(unreadable(t) for t in (
        "", "   ", "morgen x", "14", "14:0", "25:00", "24:01", "23:60", "2026-02-30", "31-02-2026 10:00", "+0m",
        "over 0 minuten", "+1099d", "+99999m", "over twee uur", "Today", "2026-12-06Tx", "2026-12-06 14:00+01",
        "vandaag morgen", "zo zo 14:00", "14:00 14:00", "gisteren uur", "+30 s",
    )),
    *((t, NOW, {}, [f"'{t}' is geen geldig tijdstip: 24:00 bestaat niet", TWENTY_FOUR_HINT[0]],
       [f"'{t}' is not a valid moment: 24:00 does not exist", TWENTY_FOUR_HINT[1]])
      for t in ("24:00", " 24.00 ", "morgen 24:00", "2026-12-06 24:00", "zo 24:00 uur")),
    ("zo 05-12-2026 14:00", NOW, {}, ["'zo 05-12-2026 14:00': 05-12-2026 is een zaterdag, geen zondag",
                                      "Verbeter de dag of de datum, of laat de dag weg."],
     ["'zo 05-12-2026 14:00': 05-12-2026 is a Saturday, not a Sunday",
      "Correct the day or the date, or leave the day out."]),
    ("vr morgen", NOW, {}, ["'vr morgen': 06-12-2026 is een zondag, geen vrijdag",
                            "Verbeter de dag of de datum, of laat de dag weg."],
     ["'vr morgen': 06-12-2026 is a Sunday, not a Friday", "Correct the day or the date, or leave the day out."]),
    ("Monday 2026-12-08", NOW, {}, ["'Monday 2026-12-08': 08-12-2026 is een dinsdag, geen maandag",
                                    "Verbeter de dag of de datum, of laat de dag weg."],
     ["'Monday 2026-12-08': 08-12-2026 is a Tuesday, not a Monday",
      "Correct the day or the date, or leave the day out."]),
    ("vanavond", NOW, {}, ["'vanavond': noem ook de tijd", "Bijvoorbeeld 'vanavond 20:00'."],
     ["'vanavond': give the time too", "For example 'vanavond 20:00'."]),
    ("vannacht", NOW, {}, ["'vannacht': noem ook de tijd", "Bijvoorbeeld 'vannacht 03:00'."],
     ["'vannacht': give the time too", "For example 'vannacht 03:00'."]),
    ("vanavond 11:59", NOW, {}, ["'vanavond 11:59' is geen avond", "Bedoelt u vanavond 23:59?"],
     ["'vanavond 11:59' is not an evening", "Do you mean vanavond 23:59?"]),
    ("vanavond 8:05", NOW, {}, ["'vanavond 8:05' is geen avond", "Bedoelt u vanavond 20:05?"],
     ["'vanavond 8:05' is not an evening", "Do you mean vanavond 20:05?"]),
    *((t, NOW, {}, [f"'{t}' is geen nacht", "Schrijf vannacht met een tijd tussen 18:00 en 07:00."],
       [f"'{t}' is not a night", "Write vannacht with a time between 18:00 and 07:00."])
      for t in ("vannacht 07:00", "vannacht 17:59", "vannacht 12:00")),
    ("2027-03-28 02:30", NOW, {}, ["zo 28-03-2027 02:30 bestaat niet: die nacht gaat de klok van 02:00 naar 03:00 "
                                   "(zomertijd)", "Bedoelt u 01:59 of 03:00?"],
     ["Sun 28-03-2027 02:30 does not exist: that night the clock goes from 02:00 to 03:00 (summer time)",
      "Do you mean 01:59 or 03:00?"]),
    ("zo 02:00", datetime(2027, 3, 27, 12, tzinfo=UTC), {},
     ["zo 28-03-2027 02:00 bestaat niet: die nacht gaat de klok van 02:00 naar 03:00 (zomertijd)",
      "Bedoelt u 01:59 of 03:00?"],
     ["Sun 28-03-2027 02:00 does not exist: that night the clock goes from 02:00 to 03:00 (summer time)",
      "Do you mean 01:59 or 03:00?"]),
    ("2026-03-29T02:59", NOW, {}, ["zo 29-03-2026 02:59 bestaat niet: die nacht gaat de klok van 02:00 naar 03:00 "
                                   "(zomertijd)", "Bedoelt u 01:59 of 03:00?"],
     ["Sun 29-03-2026 02:59 does not exist: that night the clock goes from 02:00 to 03:00 (summer time)",
      "Do you mean 01:59 or 03:00?"]),
    ("2026-10-25 02:30+03:00", NOW, {}, ["'2026-10-25 02:30+03:00': zo 25-10-2026 02:30 is in Nederlandse tijd "
                                         "+02:00 of +01:00", "Gebruik die toevoeging of laat hem weg."],
     ["'2026-10-25 02:30+03:00': Sun 25-10-2026 02:30 is +02:00 or +01:00 in Dutch time",
      "Use that offset or leave it out."]),
    ("2026-12-06 14:00+02:00", NOW, {}, ["'2026-12-06 14:00+02:00': zo 06-12-2026 14:00 is in Nederlandse tijd +01:00",
                                         "Gebruik die toevoeging of laat hem weg."],
     ["'2026-12-06 14:00+02:00': Sun 06-12-2026 14:00 is +01:00 in Dutch time", "Use that offset or leave it out."]),
    ("2026-12-06 14:00-01:00", NOW, {}, ["'2026-12-06 14:00-01:00': zo 06-12-2026 14:00 is in Nederlandse tijd +01:00",
                                         "Gebruik die toevoeging of laat hem weg."],
     ["'2026-12-06 14:00-01:00': Sun 06-12-2026 14:00 is +01:00 in Dutch time", "Use that offset or leave it out."]),
    # a deadline: after now, not at it
    ("nu", NOW, {"future": True, "what": "deadline"},
     ["deadline za 05-12-2026 03:00 is al voorbij (nu za 05-12-2026 03:00)",
      "Geef een later moment: HH:MM voor vandaag, 'morgen 08:00', 'zo 14:00' of JJJJ-MM-DD HH:MM."],
     ["deadline Sat 05-12-2026 03:00 has passed already (now Sat 05-12-2026 03:00)",
      "Give a later moment: HH:MM for today, 'morgen 08:00', 'zo 14:00' or YYYY-MM-DD HH:MM."]),
    ("03:00", NOW, {"future": True},
     ["za 05-12-2026 03:00 is al voorbij (nu za 05-12-2026 03:00)",
      "Bedoelt u morgen 03:00? Typ dan 'morgen 03:00'; een andere dag: JJJJ-MM-DD HH:MM of 'zo 14:00'."],
     ["Sat 05-12-2026 03:00 has passed already (now Sat 05-12-2026 03:00)",
      "Do you mean tomorrow 03:00? Then type 'morgen 03:00'; another day: YYYY-MM-DD HH:MM or 'zo 14:00'."]),
    (" 0.30  UUR", EVENING, {"future": True, "what": "deadline"},
     ["deadline za 05-12-2026 00:30 is al voorbij (nu za 05-12-2026 23:50)",
      "Bedoelt u morgen 00:30? Typ dan 'morgen 00:30'; een andere dag: JJJJ-MM-DD HH:MM of 'zo 14:00'."],
     ["deadline Sat 05-12-2026 00:30 has passed already (now Sat 05-12-2026 23:50)",
      "Do you mean tomorrow 00:30? Then type 'morgen 00:30'; another day: YYYY-MM-DD HH:MM or 'zo 14:00'."]),
    ("gisteren 12:00", NOW, {"future": True, "what": "tot"},
     ["tot vr 04-12-2026 12:00 is al voorbij (nu za 05-12-2026 03:00)",
      "Geef een later moment: HH:MM voor vandaag, 'morgen 08:00', 'zo 14:00' of JJJJ-MM-DD HH:MM."],
     ["tot Fri 04-12-2026 12:00 has passed already (now Sat 05-12-2026 03:00)",
      "Give a later moment: HH:MM for today, 'morgen 08:00', 'zo 14:00' or YYYY-MM-DD HH:MM."]),
    ("2026-12-05", NOW, {"future": True, "what": "deadline"},
     ["deadline za 05-12-2026 00:00 is al voorbij (nu za 05-12-2026 03:00)",
      "Geef een later moment: HH:MM voor vandaag, 'morgen 08:00', 'zo 14:00' of JJJJ-MM-DD HH:MM."],
     ["deadline Sat 05-12-2026 00:00 has passed already (now Sat 05-12-2026 03:00)",
      "Give a later moment: HH:MM for today, 'morgen 08:00', 'zo 14:00' or YYYY-MM-DD HH:MM."]),
]
REFUSED_IDS = [f"{r[0]!r}-{sorted(r[2])}" for r in REFUSED]


@pytest.mark.parametrize(("typed", "now", "options", "dutch", "english_lines"), REFUSED, ids=REFUSED_IDS)
def test_each_refusal_in_dutch(typed: str, now: datetime, options: dict[str, object], dutch: list[str],
                               english_lines: list[str]) -> None:
    with pytest.raises(UsageError) as refused:
        dt.read(typed, now, **options)  # type: ignore[arg-type]
    assert refused.value.lines() == dutch


@pytest.mark.parametrize(("typed", "now", "options", "dutch", "english_lines"), REFUSED, ids=REFUSED_IDS)
@pytest.mark.usefixtures("english")
def test_each_refusal_in_english(typed: str, now: datetime, options: dict[str, object], dutch: list[str],
                                 english_lines: list[str]) -> None:
    with pytest.raises(UsageError) as refused:
        dt.read(typed, now, **options)  # type: ignore[arg-type]
    assert refused.value.lines() == english_lines


def test_a_deadline_just_ahead_is_taken() -> None:
    assert dt.read("03:01", NOW, future=True, what="deadline").at == utc("2026-12-05 02:01")
    assert dt.read("+1m", NOW, future=True).at == utc("2026-12-05 02:01")
    assert dt.read("za 03:00", NOW, future=True).at == utc("2026-12-12 02:00")  # the weekday: next week
    assert dt.read("00:30", EVENING).at == utc("2026-12-04 23:30")  # not a deadline: may look back


def test_24_00_is_refused_for_a_period_end_too() -> None:
    with pytest.raises(UsageError) as refused:
        dt.period_end("2026-12-06 24:00", NOW)
    assert refused.value.lines() == ["'2026-12-06 24:00' is geen geldig tijdstip: 24:00 bestaat niet",
                                     TWENTY_FOUR_HINT[0]]


# --- the hour the clock passes twice (autumn) ---
FIRST = utc("2026-10-25 00:30")  # 02:30+02:00
SECOND = utc("2026-10-25 01:30")  # 02:30+01:00
NOTE_FIRST = ("zo 25-10-2026 02:30 komt twee keer voor (de klok gaat die nacht terug van 03:00 naar 02:00): "
              "genomen de eerste, 02:30+02:00; voor de andere schrijf 02:30+01:00")
NOTE_SECOND = ("zo 25-10-2026 02:30 komt twee keer voor (de klok gaat die nacht terug van 03:00 naar 02:00): "
               "genomen de tweede, 02:30+01:00; voor de andere schrijf 02:30+02:00")


@pytest.mark.parametrize(
    ("after", "at", "note"),
    [
        (None, FIRST, NOTE_FIRST),
        (FIRST - timedelta(seconds=1), FIRST, NOTE_FIRST),
        (FIRST, SECOND, NOTE_SECOND),  # a window that started at the first reading ends at the second
        (SECOND - timedelta(seconds=1), SECOND, NOTE_SECOND),
        (SECOND, FIRST, NOTE_FIRST),  # nothing after it: the first
        (SECOND + timedelta(hours=5), FIRST, NOTE_FIRST),
    ],
)
def test_the_hour_passed_twice_takes_the_first_reading_after(after: datetime | None, at: datetime, note: str) -> None:
    for typed in ("2026-10-25 02:30", "zo 25-10-2026 02:30", "2026-10-25T02:30"):
        moment = dt.read(typed, NOW, after=after)
        assert (moment.at, moment.with_time, moment.note) == (at, True, note)
    assert dt.read_fixed(" 2026-10-25   02:30 ", after).note == note


def test_the_hour_passed_twice_in_english(english: None) -> None:
    assert dt.read("2026-10-25 02:30", NOW).note == (
        "Sun 25-10-2026 02:30 occurs twice (that night the clock goes back from 03:00 to 02:00): taken the first, "
        "02:30+02:00; for the other write 02:30+01:00"
    )
    assert dt.read("2026-10-25 02:30", NOW, after=FIRST).note == (
        "Sun 25-10-2026 02:30 occurs twice (that night the clock goes back from 03:00 to 02:00): taken the second, "
        "02:30+01:00; for the other write 02:30+02:00"
    )


def test_an_offset_chooses_the_reading_and_says_nothing() -> None:
    for typed, at in (("2026-10-25 02:30+02:00", FIRST), ("2026-10-25 02:30 +01:00", SECOND),
                      ("zo 25-10-2026 02:30+0100", SECOND), ("2026-10-25 02:30+01:00", SECOND)):
        moment = dt.read(typed, NOW, after=FIRST if at == FIRST else None)
        assert (moment.at, moment.with_time, moment.note) == (at, True, None)
    assert dt.read("2026-10-25 02:00", NOW).at == utc("2026-10-25 00:00")
    assert dt.read("2026-10-25 02:59", NOW).note is not None and dt.read("2026-10-25 01:59", NOW).note is None


# --- a moment as written in a file ---
def test_a_fixed_moment_needs_a_date_and_a_time() -> None:
    assert dt.read_fixed("2026-12-06 14:00") == dt.Moment(utc("2026-12-06 13:00"), True)
    assert dt.read_fixed("06-12-2026 14:00+01:00") == dt.Moment(utc("2026-12-06 13:00"), True)
    assert dt.read_fixed("  2026-12-06\t 14:00 uur") == dt.Moment(utc("2026-12-06 13:00"), True)
    for typed in ("14:00", "2026-12-06", " 2026-12-06  ", "morgen 14:00", "zo 2026-12-06 14:00", "", "T"):
        with pytest.raises(UsageError) as refused:
            dt.read_fixed(typed)
        assert refused.value.lines() == [f"'{typed}' is geen tijdstip",
                                         "Schrijf JJJJ-MM-DD HH:MM (Nederlandse tijd), eventueel met +01:00/+02:00."]
    with pytest.raises(UsageError) as refused:
        dt.read_fixed("2026-12-06 later")
    assert refused.value.lines()[0] == "'2026-12-06 later' is geen geldig tijdstip"


def test_a_fixed_moment_refused_in_english(english: None) -> None:
    with pytest.raises(UsageError) as refused:
        dt.read_fixed("14:00")
    assert refused.value.lines() == ["'14:00' is not a moment",
                                     "Write YYYY-MM-DD HH:MM (Dutch time), optionally with +01:00/+02:00."]


# --- what is shown ---
def test_what_is_shown() -> None:
    assert dt.stamp(datetime(2026, 12, 5, 3, 0, 59, 999999, tzinfo=dt.LOCAL)) == "2026-12-05T02:00:59+00:00"
    assert dt.local("2026-12-05T02:00:00+00:00") == "za 05-12-2026 03:00"  # a stored stamp
    assert dt.local("2026-12-05T02:00:59+00:00") == "za 05-12-2026 03:00"
    assert dt.local("2026-12-05T02:00:00+00:00", with_day=False) == "05-12-2026 03:00"
    assert dt.local("2026-12-05T03:00:00+01:00") == "za 05-12-2026 03:00"  # 25 characters, not UTC
    assert dt.local("2026-12-05T02:00:00.5+00:00") == "za 05-12-2026 03:00"
    assert dt.local("2026-12-05T02:00Z") == "za 05-12-2026 03:00"
    assert dt.local(datetime(2026, 7, 5, 12, 5, tzinfo=UTC)) == "zo 05-07-2026 14:05"
    assert dt.local(datetime(2026, 7, 6, 12, 5, tzinfo=UTC), with_day=False) == "06-07-2026 14:05"
    assert dt.local(FIRST) == "zo 25-10-2026 02:30+02:00"
    assert dt.local(SECOND) == "zo 25-10-2026 02:30+01:00"
    assert dt.local("2026-10-25T01:30:00+00:00") == "zo 25-10-2026 02:30+01:00"
    assert dt.local(SECOND, with_day=False) == "25-10-2026 02:30+01:00"
    assert dt.local(utc("2026-10-25 02:00")) == "zo 25-10-2026 03:00"
    assert dt.local(utc("2026-10-24 23:59")) == "zo 25-10-2026 01:59"
    assert [dt.local(datetime(2026, 12, 7 + i, 12, tzinfo=UTC))[:2] for i in range(7)] == list(dt.DAYS)
    assert dt.local_time("2026-12-05T02:00:00+00:00") == "03:00"
    assert dt.local_time("2026-07-05T02:07:00+00:00") == "04:07"
    assert dt.later(NOW, 90) == utc("2026-12-05 03:30")
    assert dt._offset(datetime(1900, 1, 1, tzinfo=UTC)) == "+00:19"  # Amsterdam mean time
    assert dt._offset(FIRST) == "+02:00" and dt._offset(SECOND) == "+01:00"


def test_what_is_shown_in_english(english: None) -> None:
    assert dt.local("2026-12-05T02:00:00+00:00") == "Sat 05-12-2026 03:00"  # the same stamp, another language
    assert dt.local(SECOND) == "Sun 25-10-2026 02:30+01:00"
    assert [dt.local(datetime(2026, 12, 7 + i, 12, tzinfo=UTC))[:3] for i in range(7)] == list(dt.DAYS_EN)
    assert [dt._long_day(i) for i in range(7)] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                                   "Saturday", "Sunday"]


def test_stamps_are_shown_in_the_language_asked_each_time() -> None:
    stamp = "2026-12-06T02:00:00+00:00"
    assert dt.local(stamp) == "zo 06-12-2026 03:00"
    language.use("en", i18n._catalogue("en"))
    try:
        assert dt.local(stamp) == "Sun 06-12-2026 03:00"
    finally:
        language.use("nl", None)
    assert dt.local(stamp) == "zo 06-12-2026 03:00"
    assert [dt._long_day(i) for i in range(7)] == list(dt.LONG_DAYS)


def test_the_minute_the_clock_skips_is_found_exactly() -> None:
    """The spring change is at 02:00 → 03:00; the search for its minute must land on it, not near it."""
    before, then = dt._gap(datetime(2027, 3, 28, 2, 30, tzinfo=dt.LOCAL))
    assert (before.isoformat(), then.isoformat()) == ("2027-03-28T01:59:00+01:00", "2027-03-28T03:00:00+02:00")
    before, then = dt._gap(datetime(2026, 3, 29, 2, 0, tzinfo=dt.LOCAL))
    assert (before.isoformat(), then.isoformat()) == ("2026-03-29T01:59:00+01:00", "2026-03-29T03:00:00+02:00")
    assert date(2026, 3, 29).weekday() == 6
    # a time typed with a fraction of a second (ISO): the minutes around the jump are still whole minutes
    before, then = dt._gap(datetime(2027, 3, 28, 2, 30, 0, 500000, tzinfo=dt.LOCAL))
    assert (before.isoformat(), then.isoformat()) == ("2027-03-28T01:59:00+01:00", "2027-03-28T03:00:00+02:00")
    before, then = dt._gap(datetime(2027, 3, 28, 2, 30, 29, tzinfo=dt.LOCAL))
    assert (before.isoformat(), then.isoformat()) == ("2027-03-28T01:59:00+01:00", "2027-03-28T03:00:00+02:00")


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "ODD-00:00:30"])
def test_nothing_depends_on_the_machine_s_time_zone(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinator's machine may run in any zone (or one whose offset has seconds): stored stamps stay UTC and
    the minute the clock skips is found the same."""
    monkeypatch.setenv("TZ", zone)
    clock_zone.tzset()
    try:
        assert dt.stamp(datetime(2026, 12, 5, 3, 0, 59, tzinfo=dt.LOCAL)) == "2026-12-05T02:00:59+00:00"
        before, then = dt._gap(datetime(2027, 3, 28, 2, 30, tzinfo=dt.LOCAL))
        assert (before.isoformat(), then.isoformat()) == ("2027-03-28T01:59:00+01:00", "2027-03-28T03:00:00+02:00")
        for typed in ("2027-03-28 01:59", "2026-10-25 02:30", "2026-12-06T14:00", "za 14:00", "morgen", "nu",
                      "2026-12-06T14:00+01:00", "+30m", "over een kwartier"):
            at = dt.read(typed, NOW).at
            assert (at.utcoffset(), at.tzname()) == (timedelta(0), "UTC"), typed  # Moment.at is in UTC
    finally:
        monkeypatch.undo()
        clock_zone.tzset()


def test_any_iso_form_is_shown_and_a_stored_stamp_is_converted_once_per_minute() -> None:
    assert dt.local("20261205T020000+00:00") == "za 05-12-2026 03:00"  # ISO's basic form, 21 characters
    assert dt.local("20261205T020000.1234+00:00") == "za 05-12-2026 03:00"  # 26 characters
    assert dt.local("2026-12-05T02:00:00+00:00", with_day=False) == "05-12-2026 03:00"
    dt._local_minute.cache_clear()
    assert dt.local("2026-12-05T02:07:00+00:00") == "za 05-12-2026 03:07"
    assert dt.local("2026-12-05T02:07:59+00:00") == "za 05-12-2026 03:07"  # the same minute: from the cache
    info = dt._local_minute.cache_info()
    assert (info.hits, info.misses) == (1, 1)
