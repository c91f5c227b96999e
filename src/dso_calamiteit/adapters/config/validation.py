"""Turning parsed YAML into the domain dataclasses, with every problem located at its line.

Two passes: pydantic checks shape and types against the dataclasses; the rules below check what a
type cannot say (unique ids, references between files, thresholds that fit). Imported on cache misses only.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ...domain import exitcodes
from ...domain.callout import EMAIL as EMAIL_CHANNEL
from ...domain.callout import CalloutFile
from ...domain.contacts import ContactsFile
from ...domain.criteria import CriteriaFile
from ...domain.errors import Problem, UsageError, suggest
from ...domain.logbook import LogbookFile
from ...domain.monitoring import MaintenanceFile, MonitorFile
from ...domain.readiness import Hours, ReadinessFile, Requirement
from ...domain.routing import RoutingFile
from ...domain.sitrap import ReportingFile
from ...domain.teams import TeamsFile
from .yamlfile import Document

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str]

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

MODELS: dict[str, type] = {
    "criteria": CriteriaFile,
    "contacts": ContactsFile,
    "routing": RoutingFile,
    "reporting": ReportingFile,
    "monitor": MonitorFile,
    "readiness": ReadinessFile,
    "teams": TeamsFile,
    "logbook": LogbookFile,
    "callout": CalloutFile,
    "maintenance": MaintenanceFile,
}


@cache
def adapter(model: type) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def json_schema(kind: str) -> dict[str, Any]:
    return adapter(MODELS[kind]).json_schema()


def validate(doc: Document, kind: str) -> tuple[Any, list[Problem]]:
    """The typed object for `doc`, or None and the located problems.

    A text field holding something YAML reads as a number (`phone: 0612345678`, `postcode: 1234`, `id: 007`)
    gets the text as the user wrote it, leading zeros and all: the loader kept it, and it is put back here
    wherever the schema wants text, then validated again.
    """
    model = MODELS[kind]
    for _ in range(2):
        try:
            return adapter(model).validate_python(doc.data), []
        except ValidationError as exc:
            errors = exc.errors()
        written = [e for e in errors if e["type"] == "string_type" and hasattr(e.get("input"), "source")]
        if not written:
            break
        for err in written:
            _put_back(doc.data, err["loc"], err["input"].source)
    return None, [doc.problem(err["loc"], _message(err, model)) for err in errors]


def _put_back(data: Any, loc: Sequence[str | int], text: str) -> None:
    """Replace the value at `loc` by `text`; steps that are not in the data (union tags) are passed over."""
    parent: Any = None
    key: str | int | None = None
    current = data
    for step in loc:
        in_dict = isinstance(current, dict) and step in current
        in_list = isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        if in_dict or in_list:
            parent, key, current = current, step, current[step]
    if parent is not None and key is not None:
        parent[key] = text


EXPECTED = (  # pydantic error types (by prefix) → what the field should be, in the operator's words
    ("string_type", "tekst", ""),
    ("int_", "een geheel getal", ""),
    ("time_", "een tijd", " (HH:MM, 00:00-23:59)"),
    ("datetime_", "een tijdstip", " (JJJJ-MM-DD HH:MM)"),
    ("date_", "een datum", " (JJJJ-MM-DD)"),
    ("bool_", "true of false", ""),
    ("float_", "een getal", ""),
)


def _message(err: Any, model: type) -> str:
    kind, loc = err["type"], err["loc"]
    field = loc[-1] if loc else ""
    found = err.get("input")
    shown = f", niet {found!r}" if isinstance(found, str | int | float | bool) and len(repr(found)) < 40 else ""
    if kind in ("missing", "missing_argument"):
        return f"verplicht veld '{field}' ontbreekt"
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        allowed = _fields_at(model, loc[:-1])
        hint = suggest(str(field), allowed) or (f" Toegestaan: {', '.join(allowed)}." if allowed else "")
        return f"onbekend veld '{field}'.{hint}"
    expected = next(((what, form) for prefix, what, form in EXPECTED if kind.startswith(prefix)), None)
    if expected is not None:
        return f"'{field}' moet {expected[0]} zijn{expected[1]}{shown}"
    if kind == "literal_error":
        choices = str(err["ctx"]["expected"]).replace(" or ", " of ")
        return f"'{field}' moet een van {choices} zijn{shown}"
    if kind in ("tuple_type", "list_type"):
        return f"'{field}' moet een lijst zijn{shown}" if field != "" else f"moet een lijst zijn{shown}"
    if kind in ("dataclass_type", "dataclass_exact_type", "dict_type", "model_type"):
        what = f"'{field}' moet" if isinstance(field, str) and field else "dit moet"
        return f"{what} een mapping (sleutel: waarde) zijn{shown}"
    return str(err["msg"])


def _fields_at(model: type, loc: Sequence[str | int]) -> list[str]:
    """The field names allowed at `loc`, found by following the dataclasses' type hints."""
    current: Any = model
    for step in loc:
        if isinstance(step, int) or not dataclasses.is_dataclass(current):
            continue
        current = _inner_dataclass(typing.get_type_hints(current).get(step))
    return [f.name for f in dataclasses.fields(current)] if dataclasses.is_dataclass(current) else []


def _inner_dataclass(tp: Any) -> Any:
    if dataclasses.is_dataclass(tp):
        return tp
    if typing.get_origin(tp) in (tuple, list, typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            found = _inner_dataclass(arg)
            if found is not None:
                return found
    return None


# --- rules a type cannot express -------------------------------------------------------------------------


def _ids(items: Iterable[Any], where: Loc, what: str) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not ID.match(item.id):
            findings.append(
                ((*where, i, "id"), f"{what} '{item.id}' mag alleen kleine letters, cijfers en '-' bevatten")
            )
        if item.id in seen:
            findings.append(((*where, i, "id"), f"dubbele {what} '{item.id}'"))
        seen.add(item.id)
    return findings


def _filled(obj: Any, loc: Loc, *names: str) -> list[Finding]:
    return [((*loc, n), f"'{n}' mag niet leeg zijn") for n in names if not str(getattr(obj, n)).strip()]


def criteria_rules(f: CriteriaFile) -> list[Finding]:
    out: list[Finding] = _filled(f.definition, ("definition",), "text")
    if len(f.levels) < 2:
        out.append((("levels",), "minstens twee niveaus nodig: het basisniveau en één niveau met criteria"))
    numbers: set[int] = set()
    lowest = min((lv.level for lv in f.levels), default=0)
    for i, lv in enumerate(f.levels):
        here: Loc = ("levels", i)
        out += _filled(lv, here, "name")
        if not 0 <= lv.level <= exitcodes.MAX_LEVEL_NUMBER:
            out.append(((*here, "level"), f"niveau {lv.level} valt buiten 0..{exitcodes.MAX_LEVEL_NUMBER}"))
        if lv.level in numbers:
            out.append(((*here, "level"), f"niveau {lv.level} komt twee keer voor"))
        numbers.add(lv.level)
        if lv.level == lowest and lv.criteria:
            out.append(((*here, "criteria"), "het basisniveau (het laagste) heeft geen criteria"))
        elif lv.level != lowest and not lv.criteria:
            out.append((here, f"niveau {lv.level} heeft geen criteria; geef er minstens één"))
        elif lv.criteria and not 1 <= lv.threshold <= len(lv.criteria):
            out.append(((*here, "threshold"), f"drempel {lv.threshold} moet tussen 1 en {len(lv.criteria)} liggen"))
        for j, c in enumerate(lv.criteria):
            out += _filled(c, (*here, "criteria", j), "text", "question")
    every = [(i, j, c) for i, lv in enumerate(f.levels) for j, c in enumerate(lv.criteria)]
    seen: set[str] = set()
    for i, j, c in every:
        loc: Loc = ("levels", i, "criteria", j, "id")
        if not ID.match(c.id):
            out.append((loc, f"criterium-id '{c.id}' mag alleen kleine letters, cijfers en '-' bevatten"))
        if c.id in seen:
            out.append((loc, f"dubbele criterium-id '{c.id}'"))
        seen.add(c.id)
    return out


def contacts_rules(f: ContactsFile) -> list[Finding]:
    out = _ids(f.organisations, ("organisations",), "organisatie-id")
    for i, o in enumerate(f.organisations):
        out += _filled(o, ("organisations", i), "name")
    known = [o.id for o in f.organisations]
    ids: set[str] = set()
    for i, c in enumerate(f.contacts):
        here: Loc = ("contacts", i)
        if c.id:
            if not ID.match(c.id):
                out.append(((*here, "id"), f"contact-id '{c.id}' mag alleen kleine letters, cijfers en '-' bevatten"))
            if c.id in ids:
                out.append(((*here, "id"), f"dubbele contact-id '{c.id}'"))
            ids.add(c.id)
        out += _filled(c, here, "role")
        if c.org not in known:
            out.append(((*here, "org"), f"onbekende organisatie '{c.org}'.{suggest(c.org, known)}"))
        if c.phone and not PHONE.match(c.phone):
            out.append(((*here, "phone"), f"'{c.phone}' is geen telefoonnummer (cijfers, spaties, + - ( ))"))
        if c.email and not EMAIL.match(c.email):
            out.append(((*here, "email"), f"'{c.email}' is geen e-mailadres"))
    return out


def routing_rules(f: RoutingFile, contacts: ContactsFile | None, criteria: CriteriaFile | None) -> list[Finding]:
    out = _ids(f.situations, ("situations",), "situatie-id") + _ids(f.routes, ("routes",), "lijn-id")
    situations = [s.id for s in f.situations]
    orgs = [o.id for o in contacts.organisations] if contacts else None
    levels = [lv.level for lv in criteria.levels] if criteria else None
    for i, r in enumerate(f.routes):
        here: Loc = ("routes", i)
        out += _filled(r, here, "when")
        if not r.to:
            out.append(((*here, "to"), "'to' moet minstens één organisatie noemen"))
        for field in ("to", "also"):
            for j, org in enumerate(getattr(r, field)):
                if orgs is not None and org not in orgs:
                    out.append(((*here, field, j), f"onbekende organisatie '{org}'.{suggest(org, orgs)}"))
        if r.situation is not None and r.situation not in situations:
            out.append(
                (
                    (*here, "situation"),
                    f"onbekende situatie '{r.situation}'.{suggest(r.situation, situations)}",
                )
            )
        for field in ("min_level", "max_level"):
            value = getattr(r, field)
            if value is not None and levels is not None and value not in levels:
                out.append(((*here, field), f"niveau {value} bestaat niet in criteria.yaml"))
        if r.min_level is not None and r.max_level is not None and r.min_level > r.max_level:
            out.append(((*here, "max_level"), "max_level ligt onder min_level"))
    return out


def reporting_rules(f: ReportingFile, criteria: CriteriaFile | None) -> list[Finding]:
    out: list[Finding] = []
    day = 24 * 60
    if not 1 <= f.default_minutes <= day:
        out.append((("default_minutes",), f"{f.default_minutes} minuten valt buiten 1..{day}"))
    levels = [lv.level for lv in criteria.levels] if criteria else None
    seen: set[int] = set()
    for i, c in enumerate(f.cadence):
        here: Loc = ("cadence", i)
        if not 1 <= c.every_minutes <= day:
            out.append(((*here, "every_minutes"), f"{c.every_minutes} minuten valt buiten 1..{day}"))
        if levels is not None and c.level not in levels:
            out.append(((*here, "level"), f"niveau {c.level} bestaat niet in criteria.yaml"))
        if c.level in seen:
            out.append(((*here, "level"), f"niveau {c.level} komt twee keer voor"))
        seen.add(c.level)
    return out


def monitor_rules(f: MonitorFile) -> list[Finding]:
    from urllib.parse import urlsplit

    out: list[Finding] = []
    if not 1 <= f.concurrency <= 100:
        out.append((("concurrency",), f"{f.concurrency} valt buiten 1..100"))
    if not 0 < f.timeout_s <= 300:
        out.append((("timeout_s",), f"{f.timeout_s} seconden valt buiten 0..300"))
    if f.max_body_kb < 1:
        out.append((("max_body_kb",), "moet minstens 1 zijn"))
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(f.targets):
        here: Loc = ("targets", i)
        out += _filled(t, here, "name")
        try:
            parts = urlsplit(t.url)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in t.url
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            valid = False
        if not valid:
            out.append(((*here, "url"), f"'{t.url}' is geen geldige http(s)-URL"))
        elif t.api_key and parts.scheme != "https":
            out.append(((*here, "api_key"), "de API-sleutel gaat nooit over onversleuteld HTTP: gebruik een https-URL"))
        if not 100 <= t.expect_status <= 599:
            out.append(((*here, "expect_status"), f"{t.expect_status} is geen HTTP-status"))
        if t.budget_ms < 1:
            out.append(((*here, "budget_ms"), "moet minstens 1 zijn"))
        if (t.name, t.env) in seen:
            out.append(((*here, "name"), f"'{t.name}' komt twee keer voor in {t.env}"))
        seen.add((t.name, t.env))
    return out


def _hours(hours: tuple[Hours, ...], loc: Loc) -> list[Finding]:
    return [((*loc, "weekly", i, "days"), "noem minstens één dag") for i, h in enumerate(hours) if not h.days]


def _when(always: bool, weekly: tuple[Hours, ...], loc: Loc) -> list[Finding]:
    if always == bool(weekly):
        return [(loc, "geef óf 'always: true' óf 'weekly' met dagen en tijden")]
    return _hours(weekly, loc)


def readiness_rules(f: ReadinessFile, contacts: ContactsFile | None) -> list[Finding]:
    out: list[Finding] = []
    ids = [c.id for c in contacts.contacts if c.id] if contacts else None
    orgs = [o.id for o in contacts.organisations] if contacts else None

    def contact(value: str, loc: Loc) -> None:
        if ids is not None and value not in ids:
            out.append(
                (loc, f"onbekend contact '{value}' (geef het contact een id in contacts.yaml).{suggest(value, ids)}")
            )

    for i, s in enumerate(f.schedules):
        contact(s.contact, ("schedules", i, "contact"))
        out.extend(_when(s.always, s.weekly, ("schedules", i)))
    for i, r in enumerate(f.rotas):
        if not r.order:
            out.append((("rotas", i, "order"), "noem minstens één contact"))
        for j, c in enumerate(r.order):
            contact(c, ("rotas", i, "order", j))
        if r.shift_hours < 1:
            out.append((("rotas", i, "shift_hours"), "moet minstens 1 uur zijn"))
        if r.end is not None and r.end <= r.start:
            out.append((("rotas", i, "end"), "het rooster eindigt voordat het begint"))
    for i, x in enumerate(f.exceptions):
        contact(x.contact, ("exceptions", i, "contact"))
        if x.stand_in is not None:
            contact(x.stand_in, ("exceptions", i, "stand_in"))
            if x.kind != "afwezig":
                out.append((("exceptions", i, "stand_in"), "een waarnemer hoort bij kind: afwezig"))
        if x.end <= x.start:
            out.append((("exceptions", i, "end"), "de uitzondering eindigt voordat hij begint"))

    def requirement(r: Requirement, loc: Loc) -> None:
        if orgs is not None and r.org not in orgs:
            out.append(((*loc, "org"), f"onbekende organisatie '{r.org}'.{suggest(r.org, orgs)}"))
        if r.minimum < 1:
            out.append(((*loc, "minimum"), "moet minstens 1 zijn"))
        out.extend(_when(r.always, r.weekly, loc))

    for i, req in enumerate(f.requirements):
        requirement(req, ("requirements", i))
    for i, h in enumerate(f.heightened):
        if h.end < h.start:
            out.append((("heightened", i, "end"), "de periode eindigt voordat hij begint"))
        for j, req in enumerate(h.requirements):
            requirement(req, ("heightened", i, "requirements", j))
    return out


def teams_rules(f: TeamsFile, contacts: ContactsFile | None) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for i, t in enumerate(f.teams):
        if t.id.casefold() in seen:
            out.append((("teams", i, "id"), f"team '{t.id}' komt twee keer voor"))
        seen.add(t.id.casefold())
        if contacts is None:
            continue
        orgs = [o.id for o in contacts.organisations]
        for j, m in enumerate(t.members):
            loc: Loc = ("teams", i, "members", j)
            if m.org not in orgs:
                out.append(((*loc, "org"), f"onbekende organisatie '{m.org}'.{suggest(m.org, orgs)}"))
                continue
            roles = sorted({c.role for c in contacts.contacts if c.org == m.org})
            if m.role not in roles:
                out.append(((*loc, "role"), f"geen contact met rol '{m.role}' bij {m.org}.{suggest(m.role, roles)}"))
    return out


def logbook_rules(f: LogbookFile) -> list[Finding]:
    """A URL the tool can use, and never a password in a file that others may read or a backup may keep."""
    if not f.database.strip():
        return []
    from ..stores import location

    try:
        location.parse(f.database, "database", password_allowed=False)
    except UsageError as exc:
        message = exc.message.removeprefix("database: ").replace("op de opdrachtregel", "in een bestand")
        return [(("database",), message + (f" ({exc.hint})" if exc.hint else ""))]
    return []


ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def callout_rules(f: CalloutFile, contacts: ContactsFile | None) -> list[Finding]:
    """Channels that exist and are named once, routes to known organisations and contacts, secrets named by
    a variable (a URL or password pasted into the file is refused: it would be in every backup)."""
    out: list[Finding] = list(_ids(f.webhooks, ("webhooks",), "kanaal"))
    for i, hook in enumerate(f.webhooks):
        if hook.id == EMAIL_CHANNEL:
            out.append((("webhooks", i, "id"), "'email' is het e-mailkanaal; kies een andere naam"))
        if not ENV_NAME.match(hook.url_from):
            out.append((("webhooks", i, "url_from"), "de naam van een omgevingsvariabele, niet de URL zelf"))
        if hook.timeout_seconds <= 0:
            out.append((("webhooks", i, "timeout_seconds"), "moet groter dan 0 zijn"))
    if f.email is not None:
        if not ENV_NAME.match(f.email.password_from):
            out.append((("email", "password_from"), "de naam van een omgevingsvariabele, niet het wachtwoord zelf"))
        if not EMAIL.match(f.email.sender):
            out.append((("email", "sender"), f"'{f.email.sender}' is geen e-mailadres"))
        if not 0 < f.email.port < 65536:
            out.append((("email", "port"), "moet tussen 1 en 65535 liggen"))
        if f.email.timeout_seconds <= 0:
            out.append((("email", "timeout_seconds"), "moet groter dan 0 zijn"))
    known = set(f.channel_ids())
    rules: list[tuple[Loc, tuple[str, ...]]] = [(("routes", "default"), f.routes.default)]
    rules += [(("routes", "organisations", org), chans) for org, chans in f.routes.organisations.items()]
    rules += [(("routes", "contacts", cid), chans) for cid, chans in f.routes.contacts.items()]
    for loc, channels in rules:
        for j, channel in enumerate(channels):
            if channel not in known:
                hint = " (er is geen email: in dit bestand)" if channel == EMAIL_CHANNEL else suggest(channel, known)
                out.append(((*loc, j), f"onbekend kanaal '{channel}'{hint}"))
    if contacts is not None:
        orgs = {o.id for o in contacts.organisations}
        ids = {c.id for c in contacts.contacts if c.id}
        for org in f.routes.organisations:
            if org not in orgs:
                out.append((("routes", "organisations", org), f"onbekende organisatie '{org}'.{suggest(org, orgs)}"))
        for cid in f.routes.contacts:
            if cid not in ids:
                out.append((("routes", "contacts", cid), f"onbekend contact-id '{cid}'.{suggest(cid, ids)}"))
    return out


MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def maintenance_rules(f: MaintenanceFile, monitor: MonitorFile | None) -> list[Finding]:
    """Readable moments, an end after the start, and applications the monitor knows."""
    from datetime import datetime

    out: list[Finding] = []
    names = {t.name.casefold(): t.name for t in monitor.targets} if monitor is not None else None
    for i, w in enumerate(f.windows):
        here: Loc = ("windows", i)
        moments = {}
        for key in ("start", "end"):
            text = getattr(w, key)
            try:
                if not MOMENT.match(text):
                    raise ValueError
                moments[key] = datetime.fromisoformat(text)
            except ValueError:
                out.append(((*here, key), f"'{text}' is geen tijdstip; schrijf JJJJ-MM-DD HH:MM (Nederlandse tijd)"))
        if len(moments) == 2 and moments["end"] <= moments["start"]:
            out.append(((*here, "end"), f"het venster eindigt ({w.end}) voor of op het begin ({w.start})"))
        if names is not None and w.application.casefold() not in names:
            hint = suggest(w.application, names.values())
            out.append(((*here, "application"), f"onbekende applicatie '{w.application}'.{hint}"))
        out += _filled(w, here, "description")
    return out
