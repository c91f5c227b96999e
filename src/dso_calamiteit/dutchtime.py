"""Dutch time: the conversion between stored UTC and what an operator reads and types.

Stored times are UTC ISO 8601; people read and type Europe/Amsterdam (the zone of the DSO organisation).
Pure: the current moment is never read here, it comes in as an argument (the clock is clock.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import UsageError

LOCAL = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def stamp(moment: datetime) -> str:
    """The stored form: UTC, seconds precision, ISO 8601."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def local(at: str | datetime, with_day: bool = True) -> str:
    """'za 28-11-2026 11:45' in Europe/Amsterdam."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    moment = moment.astimezone(LOCAL)
    text = moment.strftime("%d-%m-%Y %H:%M")
    return f"{DAYS[moment.weekday()]} {text}" if with_day else text


def local_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(LOCAL).strftime("%H:%M")


def later(at: datetime, minutes: int) -> datetime:
    return at + timedelta(minutes=minutes)


def parse_local(text: str, today: datetime) -> datetime:
    """A moment typed by an operator: 'HH:MM' (today), 'YYYY-MM-DD HH:MM', or ISO 8601; local time."""
    raw = text.strip()
    try:
        if len(raw) <= 5 and ":" in raw:
            hour, minute = (int(p) for p in raw.split(":"))
            base = today.astimezone(LOCAL)
            moment = base.replace(hour=hour, minute=minute, second=0, microsecond=0)
        else:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=LOCAL)
    except ValueError:
        raise UsageError(
            f"'{text}' is geen geldig tijdstip", "Gebruik HH:MM (vandaag) of JJJJ-MM-DD HH:MM, Nederlandse tijd."
        ) from None
    return moment
