"""Dutch time: the conversion between stored UTC and what an operator reads and types.

Stored times are UTC ISO 8601; people read and type Europe/Amsterdam (the zone of the DSO organisation).
Pure: the current moment is never read here, it comes in as an argument (the clock is clock.py).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .errors import UsageError

LOCAL = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def stamp(moment: datetime) -> str:
    """The stored form: UTC, seconds precision, ISO 8601."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def local(at: str | datetime, with_day: bool = True) -> str:
    """'za 28-11-2026 11:45' in Europe/Amsterdam."""
    if isinstance(at, str) and with_day and len(at) == 25 and at.endswith("+00:00"):
        return _local_minute(at[:16])  # a stored stamp: the same minute reads the same
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    moment = moment.astimezone(LOCAL)
    text = moment.strftime("%d-%m-%Y %H:%M")
    return f"{DAYS[moment.weekday()]} {text}" if with_day else text


@lru_cache(maxsize=4096)
def _local_minute(minute: str) -> str:
    """A long timeline has many entries per minute: each minute is converted once."""
    return local(datetime.fromisoformat(minute + "+00:00"))


def local_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(LOCAL).strftime("%H:%M")


def later(at: datetime, minutes: int) -> datetime:
    return at + timedelta(minutes=minutes)


FORMS = (
    "HH:MM (vandaag), JJJJ-MM-DD HH:MM, DD-MM-JJJJ HH:MM, een datum alleen, of vandaag/morgen/gisteren HH:MM; "
    "ook zoals het tool het zelf schrijft ('zo 29-11-2026 03:00'); Nederlandse tijd"
)
_WORDS = {"vandaag": 0, "morgen": 1, "overmorgen": 2, "gisteren": -1}
_DATE = re.compile(r"(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})-(\d{1,2})-(\d{4}))")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


def parse_moment(text: str, today: datetime) -> tuple[datetime, bool]:
    """A moment typed by an operator, and whether it named a time of day (a date alone is its midnight).

    Accepts what people type and what the tool prints: '3:00', '29-11-2026 03:00', '2026-11-29 3:00',
    'zo 29-11-2026 03:00', 'morgen 08:00', 'nu', and ISO 8601 with or without a zone. Local (Dutch) time.
    """
    raw = " ".join(text.strip().split())
    try:  # ISO 8601, with or without a zone, as stored and as scripts write it
        iso = datetime.fromisoformat(raw)
        return (iso if iso.tzinfo else iso.replace(tzinfo=LOCAL)), len(raw) > 10
    except ValueError:
        pass
    words = raw.casefold().split(" ")
    if words and words[0] in DAYS:  # 'zo 29-11-2026 03:00', as the tool prints it
        words = words[1:]
    base = today.astimezone(LOCAL)
    if words == ["nu"]:
        return base, True
    day = base.date()
    rest = " ".join(words)
    if words and words[0] in _WORDS:
        day = day + timedelta(days=_WORDS[words[0]])
        rest = " ".join(words[1:])
    else:
        found = _DATE.match(rest)
        if found:
            y, m, d = (found[1], found[2], found[3]) if found[1] else (found[6], found[5], found[4])
            try:
                day = date(int(y), int(m), int(d))
            except ValueError:
                raise _unreadable(text) from None
            rest = rest[found.end() :].strip()
        elif rest and not _TIME.fullmatch(rest):
            raise _unreadable(text)
    if not rest:
        return datetime.combine(day, time(0, 0), LOCAL), False
    clock = _TIME.fullmatch(rest)
    if clock and (int(clock[1]), int(clock[2])) == (24, 0):  # the end of a day as some write it: not a moment here
        raise UsageError(
            f"'{text}' is geen geldig tijdstip: 24:00 bestaat niet",
            "Schrijf 00:00 van de volgende dag, of bij --tot de datum alleen (die telt de hele dag mee).",
        )
    if not clock or int(clock[1]) > 23 or int(clock[2]) > 59:
        raise _unreadable(text)
    return datetime.combine(day, time(int(clock[1]), int(clock[2])), LOCAL), True


def parse_local(text: str, today: datetime) -> datetime:
    """A moment typed by an operator (see `parse_moment`)."""
    return parse_moment(text, today)[0]


def period_end(text: str, today: datetime) -> datetime:
    """The end of a period as typed (--tot): a date alone counts that whole day, so its end is the next midnight."""
    end, with_time = parse_moment(text, today)
    return end if with_time else end + timedelta(days=1)


def _unreadable(text: str) -> UsageError:
    return UsageError(f"'{text}' is geen geldig tijdstip", f"Gebruik {FORMS}.")
