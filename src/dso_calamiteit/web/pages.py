"""The pages of the gedeeld beeld: each gathers what it shows through the use cases in app/ (the same ones
the CLI calls) and hands it to a Jinja2 template with autoescaping: every text from the logbook is user input.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..adapters import clock
from ..app import callout_status, configuration, incidents, monitor, readiness, status
from ..app.place import Place
from ..app.sitrap import broken_lines, sitrap_of
from ..domain import dutchtime, language
from ..domain.entry_rules import valid_id
from ..domain.errors import NotFoundError, UsageError
from ..domain.logbook import kind_word
from ..domain.safetext import visible
from ..views import sitrap as sitrap_views
from ..views.incidents import summary_line
from ..views.tables.callout import ANSWER_WORDS

PAGE_SIZE = 50  # timeline entries per page, newest first


@dataclass(frozen=True)
class Settings:
    """What `calamiteit web` was started with: where the logbook and the configuration are, and the token."""

    where: Place
    config_dir: Path | None
    token: str | None
    host: str


class Missing(Exception):
    """An incident or page that does not exist: a Dutch 404 page."""


def _when(at: str | datetime | None) -> str:
    return "—" if not at else dutchtime.local(at)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("dso_calamiteit.web", "templates"),
        autoescape=True,  # every template, whatever its name: logbook text is never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # the page's words through the tool's catalogue (Dutch msgids, English with --lang en); newstyle, so a
    # value handed to _() as name=value is escaped like any other and autoescaping stays on
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=language._, ngettext=language.ngettext, pgettext=language.pgettext, newstyle=True
    )
    env.globals["taal"] = language.current  # <html lang="{{ taal() }}">
    env.filters["tekst"] = lambda value: visible(str(value))  # control characters shown, never acted on
    env.filters["tijd"] = _when
    env.filters["soort"] = kind_word
    return env


def index(settings: Settings, kept: incidents.KeptTimelines | None = None) -> dict[str, Any]:
    """The open incidents (with `kept`, the running site's, a kept chain is not read whole again: its new
    entries are checked), readiness now, and the latest monitor results."""
    config = configuration.load(settings.config_dir)
    now = clock.now()
    listed = incidents.incidents(settings.where, False, config.reporting, kept)
    rows = [
        {
            "id": r.summary.id,
            "title": r.summary.title,
            "level": r.summary.level,
            "label": _label(config, r.summary.level),
            "opened": r.summary.opened_at,
            "entries": r.summary.entries,
            "next_sitrap": r.next_sitrap,
            "late": r.next_sitrap is not None and r.next_sitrap < now,
            "broken": bool(r.faults),
        }
        for r in listed
    ]
    moment = readiness.at_moment(config, now)
    names = {o.id: o.name for o in config.contacts.organisations}
    return {
        "now": now,
        "incidents": rows,
        "standings": [
            {
                "label": st.requirement.described(names.get(st.requirement.org, st.requirement.org)),
                "period": st.period,
                "reachable": [c.name or c.role for c in st.reachable],
                "met": st.met,
            }
            for st in moment.standings
        ],
        "checks": monitor.latest(settings.where),
    }


def _label(config: Any, level: int) -> str:
    found = config.criteria.level(level)
    return found.label if found else language._("niveau {level}").format(level=level)


def incident(settings: Settings, env: Environment, ref: str, page: int,
             kept: incidents.KeptTimelines | None = None) -> str:
    """One incident's page as HTML: level and its history, sitraps, decisions, open actions, confirmations per
    role, a page of the timeline, chain. With `kept` (the running site's), the chain is verified whole at most
    every WHOLE_S seconds and the entries added since on every read, and a page further back is held to the
    hashes that verification saw (app.incidents.KeptTimelines); the page says when it was verified whole.
    Worked out and rendered under that incident's lock."""
    if not valid_id(ref) or page < 1:
        raise Missing(ref)
    try:
        with (incidents.KeptTimelines.whole(settings.where, ref, PAGE_SIZE, page) if kept is None
              else kept.read(ref, page)) as (found, age):
            values = _incident(settings, found, page)
            live = f"/live/incident/{values['state'].id}" if page == 1 else ""
            return env.get_template("incident.html").render(live=live, verified_ago=int(age), **values)
    except (UsageError, NotFoundError):
        raise Missing(ref) from None


def _incident(settings: Settings, found: incidents.Timeline, page: int) -> dict[str, Any]:
    config = configuration.load(settings.config_dir)
    now = clock.now()
    state = found.state
    report = sitrap_of(config, state, state.reports or None, now, "gedeeld beeld", concept=True,
                       broken=broken_lines(found.faults))
    decisions = sorted(state.actions.values(), key=lambda a: a.number)
    _, called, _ = callout_status.status(config, settings.where, state.id)  # the use case of `oproep ID --status`
    return {
        "now": now,
        "state": state,
        "label": _label(config, state.level),
        "history": [
            {"step": h, "from": _label(config, h.before) if h.before is not None else "", "to": _label(config, h.after)}
            for h in state.history
        ],
        "decisions": [{"action": a, "overdue": a.overdue(now)} for a in decisions],
        "open_actions": [a for a in decisions if a.open],
        "sitrap": sitrap_views.text(report, {o.id: o.name for o in config.contacts.organisations}, anyway=_anyway()),
        "reports": list(state.report_entries),
        "timeline": _marked(found, page),
        "page": page,
        "earlier": found.earlier,
        "faults": found.faults,
        "verified": not found.faults,
        "roles": _per_role(called),
    }


def _marked(found: incidents.Timeline, page: int) -> list[dict[str, Any]]:
    """The page's timeline, newest first, each entry with the chain's faults at its number (the page marks the
    entry itself, not only the chain's line at the top). A fault at a number on this page that has no entry shown
    (withheld because it breaks the rules of its kind, or missing) gets a line of its own at its place."""
    said: dict[int, list[str]] = {}
    for f in found.faults:
        said.setdefault(f.n, []).append(f.message)
    rows = [{"n": e.n, "entry": e, "line": summary_line(e), "faults": said.get(e.n, [])} for e in found.newest]
    if said and found.newest:
        shown = {e.n for e in found.newest}
        low, high = found.newest[0].n, found.newest[-1].n if page > 1 else max(said)
        rows += [{"n": n, "entry": None, "line": "", "faults": messages} for n, messages in said.items()
                 if low < n <= high and n not in shown]
    return sorted(rows, key=lambda row: row["n"], reverse=True)


def _anyway() -> str:
    """A browser has no `--toch`: of a broken chain, the concept's first line says what to do with it."""
    return language._("dit concept toont het logboek zoals het nu is; gebruik het niet voordat de breuk is "
                      "uitgezocht.")


def _per_role(called: list[callout_status.Called]) -> list[dict[str, Any]]:
    """The call-out's confirmations per role, roles in the order first called: who comes, who cannot, who has
    not answered yet, each with since when (the answer's time, or when last called)."""
    roles: dict[str, dict[str, Any]] = {}
    for r in called:
        role = roles.setdefault(r.recipient.role, {"role": r.recipient.role, "people": [],
                                                   "counts": dict.fromkeys(ANSWER_WORDS, 0)})
        role["counts"][r.answer] += 1
        role["people"].append({
            "name": r.recipient.name, "org": r.recipient.org, "answer": r.answer,
            "word": language._(ANSWER_WORDS[r.answer]), "via": r.via, "since": r.since, "note": r.note,
        })
    return list(roles.values())


def public(settings: Settings) -> dict[str, Any]:
    """The public status page: only what app.status gives, which holds nothing internal of the logbook."""
    config = configuration.load(settings.config_dir)
    now = clock.now()
    found = status.status(settings.where, config.maintenance, now)
    latest = max((d.updates[0].at for d in found.disruptions), default=dutchtime.stamp(now))
    return {"now": now, "status": found, "updated": latest}


def public_digest(values: dict[str, Any]) -> str:
    """What the status page shows, as one digest: its applications, maintenance and public updates, not the
    moment it was worked out (the same content at another time is the same digest)."""
    found: status.Status = values["status"]
    shown = repr((found.applications, found.planned, found.disruptions))
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()
