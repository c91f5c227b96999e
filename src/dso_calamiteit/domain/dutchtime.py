"""Dutch time: the conversion between stored UTC and what an operator reads and types.

Stored times are UTC ISO 8601; people read and type Europe/Amsterdam (the zone of the DSO organisation).
Pure: the current moment is never read here, it comes in as an argument (the clock is clock.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .errors import UsageError
from .language import N_, _, current
from .patterns import pattern
from .records import record

LOCAL = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # with --lang en; read back as well


def stamp(moment: datetime) -> str:
    """The stored form: UTC, seconds precision, ISO 8601."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def local(at: str | datetime, with_day: bool = True) -> str:
    """'za 28-11-2026 11:45' in Europe/Amsterdam; in the hour the clock passes twice, '02:30+02:00' or '+01:00'."""
    if isinstance(at, str) and with_day and len(at) == 25 and at.endswith("+00:00"):
        return _local_minute(at[:16], current())  # a stored stamp: the same minute reads the same
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    moment = moment.astimezone(LOCAL)
    text = moment.strftime("%d-%m-%Y %H:%M")
    if moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset():
        text += _offset(moment)  # an hour the clock passes twice (autumn): which of the two
    days = DAYS_EN if current() == "en" else DAYS
    return f"{days[moment.weekday()]} {text}" if with_day else text


@lru_cache(maxsize=4096)
def _local_minute(minute: str, language: str) -> str:
    """A long timeline has many entries per minute: each minute is converted once."""
    return local(datetime.fromisoformat(minute + "+00:00"))


def local_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(LOCAL).strftime("%H:%M")


def later(at: datetime, minutes: int) -> datetime:
    return at + timedelta(minutes=minutes)


FORMS = N_(  # said with _(): the forms themselves stay as they are typed
    "HH:MM (vandaag), een dag en tijd ('zo 14:00', 'zondag 14:00', 'morgen 08:00'), JJJJ-MM-DD HH:MM, "
    "DD-MM-JJJJ HH:MM, een datum alleen, '+30m' of 'over 2 uur'; ook zoals het tool het zelf schrijft "
    "('zo 29-11-2026 03:00'); Nederlandse tijd"
)
LONG_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
LONG_DAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {
    **{d: i for i, d in enumerate(DAYS)},
    **{d: i for i, d in enumerate(LONG_DAYS)},
    **{d.casefold(): i for i, d in enumerate(DAYS_EN)},
    **{d: i for i, d in enumerate(LONG_DAYS_EN)},
}
_WORDS = {"vandaag": 0, "morgen": 1, "overmorgen": 2, "gisteren": -1}
_DATE = r"(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})-(\d{1,2})-(\d{4}))"
_TIME = r"(\d{1,2})[:.](\d{2})(?:\s*([+-])(\d{2}):?(\d{2}))?(?:\s*uur)?"
_PLUS = r"\+\s*(\d{1,4})\s*(m|min|minuut|minuten|u|uur|h|d|dag|dagen)"
_OVER = r"over\s+(\d{1,4}|een|één|anderhalf|een half|half)\s+(minuut|minuten|kwartier|uur|uren|dag|dagen)"
_UNIT_MINUTES = {
    "m": 1, "min": 1, "minuut": 1, "minuten": 1, "kwartier": 15,
    "u": 60, "uur": 60, "uren": 60, "h": 60, "d": 1440, "dag": 1440, "dagen": 1440,
}  # fmt: skip
_COUNTS = {"een": 1.0, "één": 1.0, "anderhalf": 1.5, "een half": 0.5, "half": 0.5}
_MAX_AHEAD = timedelta(days=3 * 366)


@record
class Moment:
    """A moment as understood: the instant, whether a time of day was named, and what to tell about a choice made."""

    at: datetime
    """The instant, in UTC: a Dutch wall time of the hour the clock passes twice compares wrongly (PEP 495)."""
    with_time: bool
    note: str | None = None


def read(text: str, now: datetime, *, future: bool = False, what: str = "", after: datetime | None = None) -> Moment:
    """A moment as a person types it, in Dutch time; `now` is the clock (this module never reads one).

    Forms: 'nu'; '14:00' (today); a weekday short or long ('zo 14:00', 'zondag 14:00': the next such day, today if
    the time is still ahead); 'vandaag', 'morgen', 'overmorgen', 'gisteren', 'vanavond 20:00', 'vannacht 03:00';
    a date ('2026-12-06', '06-12-2026') with or without a time, a weekday in front that must match it; '+30m',
    '+2u', 'over 2 uur', 'over een kwartier'; ISO 8601 with or without a zone; a time followed by '+01:00' or
    '+02:00' chooses between the two readings of an hour the clock goes back over.

    `future`: the moment must lie after `now` (a deadline); a bare time that has passed today is refused with the
    hint of tomorrow. `what` names the moment in that message ('deadline'). `after`: an ambiguous (autumn) time
    takes its first reading after this instant (the end of a window that started in the first reading).
    """
    moment = _read(text, now, after)
    if future and moment.at <= now:
        label = f"{what} " if what else ""
        raise UsageError(
            label + _("{moment} is al voorbij (nu {now})").format(moment=local(moment.at), now=local(now)),
            _past_hint(text, moment.at),
        )
    return moment


def read_fixed(text: str, after: datetime | None = None) -> Moment:
    """A moment written in a file (maintenance windows): a date and a time, nothing relative to a clock."""
    raw = " ".join(text.strip().split())
    found = pattern(_DATE).match(raw)
    if not found or not raw[found.end() :].strip():
        raise UsageError(
            _("'{text}' is geen tijdstip").format(text=text),
            _("Schrijf JJJJ-MM-DD HH:MM (Nederlandse tijd), eventueel met +01:00/+02:00."),
        )
    return _read(text, datetime(2000, 1, 1, tzinfo=UTC), after)


def _past_hint(text: str, at: datetime) -> str:
    clock = pattern(_TIME).fullmatch(" ".join(text.strip().casefold().split()))
    if clock:  # a bare time: the person nearly always means the next one, tomorrow
        hhmm = f"{int(clock[1]):02d}:{clock[2]}"
        return _(
            "Bedoelt u morgen {time}? Typ dan 'morgen {time}'; een andere dag: JJJJ-MM-DD HH:MM of 'zo 14:00'."
        ).format(time=hhmm)
    return _("Geef een later moment: HH:MM voor vandaag, 'morgen 08:00', 'zo 14:00' of JJJJ-MM-DD HH:MM.")


def _read(text: str, now: datetime, after: datetime | None) -> Moment:
    raw = " ".join(text.strip().split())
    if "T" in raw or raw.endswith("Z"):
        try:  # ISO 8601, with or without a zone, as stored and as scripts write it
            iso = datetime.fromisoformat(raw)
        except ValueError:
            raise _unreadable(text) from None
        if iso.tzinfo:
            return Moment(iso.astimezone(UTC), True)
        return _resolve(text, iso.date(), iso.time(), None, after, True)
    words = raw.casefold()
    base = now.astimezone(LOCAL)
    if words == "nu":
        return Moment(now.astimezone(UTC), True)
    relative = pattern(_PLUS).fullmatch(words) or pattern(_OVER).fullmatch(words)
    if relative:
        count = float(relative[1]) if relative[1].isdigit() else _COUNTS[relative[1]]
        minutes = count * _UNIT_MINUTES[relative[2]]
        if minutes <= 0 or timedelta(minutes=minutes) > _MAX_AHEAD:
            raise _unreadable(text)
        return Moment((now + timedelta(minutes=minutes)).astimezone(UTC).replace(second=0, microsecond=0), True)
    weekday = None
    first, _space, rest = words.partition(" ")
    first = first.rstrip(".,")
    if first in _DAY_NAMES:
        weekday, words = _DAY_NAMES[first], rest
    first, _space, rest = words.partition(" ")
    day: date | None = None
    part: str | None = None
    if first in _WORDS:
        day, words = base.date() + timedelta(days=_WORDS[first]), rest
    elif first in ("vanavond", "vannacht"):
        part, words = first, rest
    else:
        found = pattern(_DATE).match(words)
        if found:
            y, m, d = (found[1], found[2], found[3]) if found[1] else (found[6], found[5], found[4])
            try:
                day = date(int(y), int(m), int(d))
            except ValueError:
                raise _unreadable(text) from None
            words = words[found.end() :].strip()
    clock = pattern(_TIME).fullmatch(words) if words else None
    if words and not clock:
        raise _unreadable(text)
    at: time | None = None
    zone = None
    if clock:
        hour, minute = int(clock[1]), int(clock[2])
        if (hour, minute) == (24, 0):  # the end of a day as some write it: not a moment here
            raise UsageError(
                _("'{text}' is geen geldig tijdstip: 24:00 bestaat niet").format(text=text),
                _("Schrijf 00:00 van de volgende dag, of bij --tot de datum alleen (die telt de hele dag mee)."),
            )
        if hour > 23 or minute > 59:
            raise _unreadable(text)
        at = time(hour, minute)
        if clock[3]:
            zone = (1 if clock[3] == "+" else -1) * (int(clock[4]) * 60 + int(clock[5]))
    if part is not None:
        day = _part_of_day(text, part, at, base)
    if weekday is not None:
        if day is not None and day.weekday() != weekday:
            raise UsageError(
                _("'{text}': {date} is een {day}, geen {named}").format(
                    text=text, date=day.strftime("%d-%m-%Y"), day=_long_day(day.weekday()), named=_long_day(weekday)
                ),
                _("Verbeter de dag of de datum, of laat de dag weg."),
            )
        if day is None:
            ahead = (weekday - base.weekday()) % 7
            if ahead == 0 and at is not None and at <= base.time().replace(tzinfo=None):
                ahead = 7  # 'zo 02:00' typed on Sunday at 03:00: next Sunday
            day = base.date() + timedelta(days=ahead)
    if day is None:
        if at is None:
            raise _unreadable(text)
        day = base.date()
    if at is None:
        return _resolve(text, day, time(0, 0), None, after, False)
    return _resolve(text, day, at, zone, after, True)


def _part_of_day(text: str, part: str, at: time | None, base: datetime) -> date:
    """'vanavond 20:00' is today; 'vannacht 03:00' is the coming night (after midday) or the current one."""
    if at is None:
        raise UsageError(
            _("'{text}': noem ook de tijd").format(text=text),
            _("Bijvoorbeeld '{example}'.").format(example=f"{part} {'20:00' if part == 'vanavond' else '03:00'}"),
        )
    if part == "vanavond":
        if at.hour < 12:
            raise UsageError(
                _("'{text}' is geen avond").format(text=text),
                _("Bedoelt u vanavond {time}?").format(time=f"{at.hour + 12:02d}:{at.minute:02d}"),
            )
        return base.date()
    if 7 <= at.hour < 18:
        raise UsageError(
            _("'{text}' is geen nacht").format(text=text), _("Schrijf vannacht met een tijd tussen 18:00 en 07:00.")
        )
    if at.hour < 7 and base.hour >= 12:
        return base.date() + timedelta(days=1)
    return base.date()


def _resolve(text: str, day: date, at: time, zone: int | None, after: datetime | None, with_time: bool) -> Moment:
    """A Dutch wall-clock time as an instant: a time the clock skips is refused, one it passes twice is chosen."""
    wall = datetime.combine(day, at)
    first, second = wall.replace(tzinfo=LOCAL, fold=0), wall.replace(tzinfo=LOCAL, fold=1)
    readings = [m for m in (first, second) if m.astimezone(UTC).astimezone(LOCAL).replace(tzinfo=None) == wall]
    readings = sorted({m.astimezone(UTC) for m in readings})
    shown = f"{(DAYS_EN if current() == 'en' else DAYS)[day.weekday()]} {wall.strftime('%d-%m-%Y %H:%M')}"
    if not readings:
        before, then = _gap(first)
        jump = before.replace(tzinfo=None) + timedelta(minutes=1)
        raise UsageError(
            _("{moment} bestaat niet: die nacht gaat de klok van {jump} naar {then} (zomertijd)").format(
                moment=shown, jump=f"{jump:%H:%M}", then=f"{then:%H:%M}"
            ),
            _("Bedoelt u {before} of {then}?").format(before=f"{before:%H:%M}", then=f"{then:%H:%M}"),
        )
    if zone is not None:
        chosen = [r for r in readings if r.astimezone(LOCAL).utcoffset() == timedelta(minutes=zone)]
        if not chosen:
            offsets = _(" of ").join(_offset(r) for r in readings)
            raise UsageError(
                _("'{text}': {moment} is in Nederlandse tijd {offsets}").format(
                    text=text, moment=shown, offsets=offsets
                ),
                _("Gebruik die toevoeging of laat hem weg."),
            )
        return Moment(chosen[0], with_time)
    if len(readings) == 1:
        return Moment(readings[0], with_time)
    later = [r for r in readings if after is None or r > after]
    pick = (later or readings)[0]
    other = readings[1] if pick == readings[0] else readings[0]
    note = (
        _(
            "{moment} komt twee keer voor (de klok gaat die nacht terug van 03:00 naar 02:00): genomen de eerste, "
            "{taken}; voor de andere schrijf {other}"
        )
        if pick == readings[0]
        else _(
            "{moment} komt twee keer voor (de klok gaat die nacht terug van 03:00 naar 02:00): genomen de tweede, "
            "{taken}; voor de andere schrijf {other}"
        )
    ).format(moment=shown, taken=f"{wall:%H:%M}{_offset(pick)}", other=f"{wall:%H:%M}{_offset(other)}")
    return Moment(pick, with_time, note)


def _gap(skipped: datetime) -> tuple[datetime, datetime]:
    """Around a time the clock skips (spring): the last local minute before the jump and the first after it."""
    low, high = skipped.replace(fold=1).astimezone(UTC), skipped.replace(fold=0).astimezone(UTC)
    offset = low.astimezone(LOCAL).utcoffset()
    while high - low > timedelta(minutes=1):  # the jump lies between the two readings: find its minute
        mid = (low + (high - low) / 2).replace(second=0, microsecond=0)
        if mid.astimezone(LOCAL).utcoffset() == offset:
            low = mid
        else:
            high = mid
    return low.astimezone(LOCAL), high.astimezone(LOCAL)


def _offset(moment: datetime) -> str:
    delta = moment.astimezone(LOCAL).utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_moment(text: str, today: datetime) -> tuple[datetime, bool]:
    """A moment typed by an operator, and whether it named a time of day (a date alone is its midnight)."""
    moment = read(text, today)
    return moment.at, moment.with_time


def parse_local(text: str, today: datetime) -> datetime:
    """A moment typed by an operator (see `read`)."""
    return read(text, today).at


def period_end(text: str, today: datetime) -> datetime:
    """The end of a period as typed (--tot): a date alone counts that whole day, so its end is the next midnight."""
    end, with_time = parse_moment(text, today)
    if with_time:
        return end
    after = datetime.combine(end.astimezone(LOCAL).date() + timedelta(days=1), time(0, 0), LOCAL)
    return after


def _long_day(weekday: int) -> str:
    """'maandag', or 'Monday' with --lang en: a weekday named in a message."""
    return LONG_DAYS_EN[weekday].capitalize() if current() == "en" else LONG_DAYS[weekday]


def _unreadable(text: str) -> UsageError:
    said = _("'{text}' is geen geldig tijdstip").format(text=text)
    return UsageError(said, _("Gebruik {forms}.").format(forms=_(FORMS)))
