"""Readiness (paraatheid): who is reachable at a moment, whom to convene for a team, where cover is missing
over a period, and the rotas as a calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters import clock
from ..domain import dutchtime
from ..domain.errors import UsageError

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.contacts import Contact
    from ..domain.readiness import Gap, Reachability, Standing

MAX_PERIOD = timedelta(days=3 * 366)


def moment(text: str | None) -> datetime:
    """--op: 'HH:MM' (today), 'JJJJ-MM-DD HH:MM' or ISO; default now. Always timezone-aware."""
    if text is None:
        return clock.now()
    return dutchtime.parse_local(text, clock.now())


def period(van: str, tot: str) -> tuple[datetime, datetime]:
    """--van/--tot; a date alone as --tot counts that whole day."""
    now = clock.now()
    start = dutchtime.parse_local(van, now)
    end = dutchtime.period_end(tot, now)
    if end <= start:
        raise UsageError(f"de periode eindigt ({tot}) voordat hij begint ({van})")
    if end - start > MAX_PERIOD:
        raise UsageError("kies een periode van hooguit drie jaar")
    return start, end


def reach_around(config: Config, start: datetime, end: datetime) -> Reachability:
    from ..domain.readiness import Reachability, utc_seconds

    holidays = dutch_holidays(start.year - 1, end.year + 1)
    return Reachability(config.readiness, (utc_seconds(start), utc_seconds(end)), holidays.__contains__)


def dutch_holidays(first: int, last: int) -> frozenset[date]:
    """The Dutch public holidays of those years, from the `holidays` package, kept in the user cache.

    Importing `holidays` costs ~150 ms (it loads every country), most of a level-1 assessment. The dates are
    worked out once per range of years and per installed version of the package (its file is the key, found
    without importing it) and read back from the cache after that.
    """
    import importlib.util

    from ..adapters.config import cache_dir

    spec = importlib.util.find_spec("holidays")
    stamp = ""
    if spec is not None and spec.origin:
        info = Path(spec.origin).stat()
        stamp = f"{info.st_size}-{info.st_mtime_ns}"
    path = cache_dir() / f"holidays-nl-{first}-{last}-{stamp}.txt"
    try:
        return frozenset(date.fromisoformat(line) for line in path.read_text(encoding="ascii").split())
    except (OSError, ValueError):
        pass
    import holidays

    found = frozenset(holidays.country_holidays("NL", years=range(first, last + 1)))
    try:
        from ..adapters.files import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, "\n".join(sorted(d.isoformat() for d in found)) + "\n")
    except Exception:
        pass
    return found


def around(at: datetime, config: Config) -> Reachability:
    return reach_around(config, at - timedelta(days=1), at + timedelta(days=1))


def reachable(config: Config, found: list[Contact], at: datetime) -> list[Contact]:
    """Only the contacts reachable at `at`; contacts without readiness data are never assumed so."""
    from ..domain.readiness import status, utc_seconds

    reach = around(at, config)
    return [c for c in found if status(c, reach, utc_seconds(at)) == "bereikbaar"]


def contact_json(c: Contact, state: str) -> dict[str, Any]:
    return {
        "id": c.id or None,
        "org": c.org,
        "role": c.role,
        "name": c.name,
        "tier": c.tier,
        "phone": c.phone,
        "status": state,
    }


def convene(config: Config, team_id: str, at: datetime, reach: Reachability | None = None) -> list[dict[str, Any]]:
    """Per role of the team: the contacts that fill it and which of them is reachable at `at` (`reach`: one
    already worked out around `at`, so a briefing computes readiness once)."""
    from ..domain.readiness import status, utc_seconds
    from ..domain.teams import candidates, ordered

    found = config.teams.team(team_id)
    if found is None:
        return []
    reach = reach or around(at, config)
    seconds = utc_seconds(at)
    out = []
    for m in ordered(found):
        people = [(c, status(c, reach, seconds)) for c in candidates(m, config.contacts)]
        out.append(
            {
                "group": m.group,
                "org": m.org,
                "role": m.role,
                "reachable": [contact_json(c, "bereikbaar") for c, s in people if s == "bereikbaar"],
                "unknown": [contact_json(c, "onbekend") for c, s in people if s == "onbekend"],
            }
        )
    return out


def convocation(config: Config, team_id: str, at: datetime, reach: Reachability | None = None) -> dict[str, Any] | None:
    """Whom to call together for a level's team: its roles, with who is reachable at `at`."""
    found = config.teams.team(team_id)
    if found is None:
        return None
    return {"team": found.id, "name": found.name, "members": convene(config, found.id, at, reach)}


@dataclass
class Moment:
    """Readiness at one moment: people and desks with their state, and every requirement's standing."""

    at: datetime
    people: list[tuple[Contact, str]]
    desks: list[tuple[Contact, str]]
    standings: list[Standing]

    @property
    def periods(self) -> list[str]:
        return sorted({st.period for st in self.standings if st.period})

    @property
    def unmet(self) -> list[Standing]:
        return [st for st in self.standings if not st.met]


def at_moment(config: Config, at: datetime) -> Moment:
    from ..domain.readiness import at_moment as standings_at
    from ..domain.readiness import status, utc_seconds

    reach = around(at, config)
    seconds = utc_seconds(at)
    desk_ids = {s.contact for s in config.readiness.schedules if s.desk}
    contacts = config.contacts.contacts
    return Moment(
        at,
        [(c, status(c, reach, seconds)) for c in contacts if c.id not in desk_ids],
        [(c, status(c, reach, seconds)) for c in contacts if c.id in desk_ids],
        standings_at(config.contacts, reach, seconds),
    )


def gaps(config: Config, start: datetime, end: datetime) -> list[Gap]:
    from ..domain.readiness import gaps as find

    return find(config.contacts, reach_around(config, start, end))


def write_ics(config: Config, path: Path, start: datetime, end: datetime) -> int:
    """The rotas (and the absences with their stand-ins) as an iCalendar file; returns the number of events."""
    from icalendar import Calendar, Event

    from ..adapters.files import write_atomic
    from ..domain.readiness import shifts, utc_seconds

    people = {c.id: c for c in config.contacts.contacts if c.id}
    window = (utc_seconds(start), utc_seconds(end))
    stamp = clock.now()
    cal = Calendar()
    cal.add("prodid", "-//dso-calamiteit//paraatheid//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Piket calamiteitenorganisatie DSO")
    count = 0
    for rota in config.readiness.rotas:
        for who, s, e in shifts(rota, window):
            person = people[who]
            event = Event()
            event.add("uid", f"{_slug(rota.name)}-{s}@dso-calamiteit")
            event.add("summary", f"{rota.name}: {person.name or person.role}")
            event.add("dtstart", datetime.fromtimestamp(s, UTC))
            event.add("dtend", datetime.fromtimestamp(e, UTC))
            event.add("dtstamp", stamp)
            event.add("description", f"{person.role}, {person.phone or person.email}")
            cal.add_component(event)
            count += 1
    for x in config.readiness.exceptions:
        s, e = utc_seconds(x.start), utc_seconds(x.end)
        if e <= window[0] or s >= window[1]:
            continue
        person = people[x.contact]
        event = Event()
        event.add("uid", f"uitzondering-{x.contact}-{s}@dso-calamiteit")
        what = "Afwezig" if x.kind == "afwezig" else "Extra bereikbaar"
        stand_in = f" (waarnemer: {people[x.stand_in].name})" if x.stand_in else ""
        event.add("summary", f"{what}: {person.name or person.role}{stand_in}")
        event.add("dtstart", datetime.fromtimestamp(s, UTC))
        event.add("dtend", datetime.fromtimestamp(e, UTC))
        event.add("dtstamp", stamp)
        cal.add_component(event)
        count += 1
    write_atomic(path, cal.to_ical().decode("utf-8"))
    return count


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.casefold()).strip("-")


@dataclass(frozen=True)
class Call:
    """Whom to call for one role or line: the person reachable at the moment, or what to do instead."""

    what: str
    contact: Contact | None
    instead: str  # '' when `contact` is reachable; else the stand-in, the next opening, or that nobody is


def whom_to_call(config: Config, what: str, candidates: list[Contact], at: datetime, reach: Reachability) -> Call:
    from ..domain.readiness import next_opening, stand_in, status, utc_seconds

    seconds = utc_seconds(at)
    for c in candidates:
        if status(c, reach, seconds) == "bereikbaar":
            return Call(what, c, "")
    people = {c.id: c for c in config.contacts.contacts if c.id}
    for c in candidates:
        other = people.get(stand_in(config.readiness, c.id, seconds) or "")
        if other is not None and status(other, reach, seconds) == "bereikbaar":
            return Call(what, other, f"waarnemer voor {c.name or c.role}")
    openings = [(when, c) for c in candidates if c.id and (when := next_opening(reach, c.id, seconds)) is not None]
    if openings:
        when, c = min(openings, key=lambda pair: pair[0])
        moment = dutchtime.local(datetime.fromtimestamp(when, UTC))
        return Call(what, None, f"nu niemand bereikbaar; {c.name or c.role} weer vanaf {moment}")
    if candidates and all(status(c, reach, seconds) == "onbekend" for c in candidates):
        return Call(what, None, "bereikbaarheid onbekend (niet in paraatheid.yaml)")
    return Call(what, None, "niemand bereikbaar")


def export(moment: Moment, path: Path) -> None:
    """Whether each requirement is met at the moment, as a Prometheus textfile, written atomically."""
    from ..adapters.metrics import readiness_file

    readiness_file(moment.standings, path)
