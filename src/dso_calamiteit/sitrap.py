"""The situation report (sitrap): the incident's picture at one moment, for mail, chat and handover.

The cadence of updates per level is data (config/rapport.yaml, see reporting.py); the report is built
from the logbook's folded state by pure functions, then written as Markdown, plain text or JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import dutchtime, safetext
from .criteria import Level
from .logbook import Action, Entry, Incident
from .routing import Route

if TYPE_CHECKING:
    from .criteria import CriteriaFile
    from .reporting import ReportingFile
    from .routing import RoutingFile


JUDGEMENTS_SHOWN = 10  # a sitrap is read in minutes: the latest judgements, not the whole history


@dataclass(frozen=True)
class Step:
    at: str
    author: str
    before: str
    after: str
    action: str
    reason: str


@dataclass(frozen=True)
class Sitrap:
    number: int | None  # None: a closed incident's final report, not recorded
    incident: Incident
    made_at: datetime
    author: str
    level: Level
    history: list[Step]
    picture: Entry | None
    judgements: list[Entry]  # the latest JUDGEMENTS_SHOWN; the logbook holds the rest
    earlier_judgements: int
    decisions: list[tuple[Entry, Action]]
    open_actions: list[Action]
    routes: list[Route]
    every_minutes: int
    next_update: datetime | None


def build(
    state: Incident,
    criteria: CriteriaFile,
    reporting: ReportingFile,
    routing: RoutingFile,
    number: int | None,
    made_at: datetime,
    author: str,
) -> Sitrap:

    def name(level: int | None) -> str:
        found = criteria.level(level) if level is not None else None
        return found.label if found else ("" if level is None else f"niveau {level}")

    level = criteria.level(state.level) or criteria.base
    by_entry = {a.entry: a for a in state.actions.values()}
    every = reporting.minutes_for(level.level)
    observations = state.current(state.observations)
    judgements = state.current(state.judgements)
    return Sitrap(
        number=number,
        incident=state,
        made_at=made_at,
        author=author,
        level=level,
        history=[Step(s.at, s.author, name(s.before), name(s.after), s.action, s.reason) for s in state.history],
        picture=observations[-1] if observations else None,
        judgements=judgements[-JUDGEMENTS_SHOWN:],
        earlier_judgements=max(0, len(judgements) - JUDGEMENTS_SHOWN),
        decisions=[(d, by_entry[d.n]) for d in state.current(state.decisions) if d.n in by_entry],
        open_actions=state.open_actions,
        routes=routing.routes_for(level.level, state.situation),
        every_minutes=every,
        next_update=None if state.closed else dutchtime.later(made_at, every),
    )


def _title(s: Sitrap) -> str:
    return f"Situatierapport {s.number}" if s.number is not None else "Eindrapport"


def _deadline(a: Action) -> str:
    return dutchtime.local(a.deadline) if a.deadline else "—"


def _status(a: Action) -> str:
    return "open" if a.open else f"gereed {dutchtime.local(a.done_at or '')}"


@dataclass(frozen=True)
class _Style:
    """How one format writes the report's pieces; `esc` is applied to every text that comes from the logbook."""

    esc: Callable[[str], str]
    strong: Callable[[str], str]
    em: Callable[[str], str]
    heading: Callable[[str, int], str]
    markdown: bool


_MD = _Style(
    esc=safetext.markdown,
    strong=lambda t: f"**{t}**",
    em=lambda t: f"_{t}_",
    heading=lambda t, level: f"{'#' * level} {t}",
    markdown=True,
)
_TEXT = _Style(esc=safetext.one_line, strong=str, em=str, heading=lambda t, level: t, markdown=False)


def _table(style: _Style, header: list[str], rows: list[list[str]]) -> list[str]:
    if style.markdown:
        return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
            "| " + " | ".join(row) + " |" for row in rows
        ]
    return ["  ".join(header)] + ["  ".join(row) for row in rows]


def _write(s: Sitrap, org_names: dict[str, str], style: _Style) -> str:
    i, esc, strong, em = s.incident, style.esc, style.strong, style.em
    lines = [style.heading(f"{_title(s)} — incident {esc(i.id)}: {esc(i.title)}", 1), ""]
    lines.append(f"- {strong('Opgesteld:')} {dutchtime.local(s.made_at)} door {esc(s.author)}")
    lines.append(f"- {strong('Geopend:')} {dutchtime.local(i.opened_at)} door {esc(i.opened_by)}")
    if i.closed_at:
        lines.append(f"- {strong('Gesloten:')} {dutchtime.local(i.closed_at)} — {esc(i.close_reason)}")
    level = s.level
    team = f" ({esc(level.team_name)})" if level.team_name and level.team_name != level.team else ""
    lines.append(f"- {strong('Niveau:')} {esc(level.label)}{team}")
    if i.situation:
        lines.append(f"- {strong('Situatie:')} {esc(i.situation)}")
    lines += ["", style.heading("Niveauverloop", 2), ""]
    lines += _table(
        style,
        ["Tijd", "Van", "Naar", "Door", "Reden"],
        [[dutchtime.local(h.at), esc(h.before) or "—", esc(h.after), esc(h.author), esc(h.reason)] for h in s.history],
    )
    lines += ["", style.heading("Beeld", 2), ""]
    if s.picture is not None:
        lines.append(f"{esc(s.picture.data['text'])}" + ("  " if style.markdown else ""))
        lines.append(em(f"({dutchtime.local(s.picture.at)}, {esc(s.picture.author)})"))
    else:
        lines.append("Nog geen beeld vastgelegd.")
    lines += ["", style.heading("Oordeel", 2), ""]
    lines += [
        f"- {dutchtime.local_time(j.at)} {esc(j.data['text'])} {em(f'({esc(j.author)})')}" for j in s.judgements
    ] or ["Geen."]
    if s.earlier_judgements:
        command = f"calamiteit incident show {safetext.one_line(i.id)}"
        shown = f"`{command}`" if style.markdown else command
        lines.append("- " + em(f"… en {s.earlier_judgements} eerdere in het logboek ({shown})."))
    lines += ["", style.heading("Besluiten", 2), ""]
    if s.decisions:
        lines += _table(
            style,
            ["#", "Tijd", "Besluit", "Actiehouder", "Deadline", "Status"],
            [
                [str(a.number), dutchtime.local(d.at), esc(a.text), esc(a.owner), _deadline(a), _status(a)]
                for d, a in s.decisions
            ],
        )
    else:
        lines.append("Geen.")
    lines += ["", style.heading("Open acties", 2), ""]
    box = "[ ] " if style.markdown else ""
    lines += [
        f"- {box}{strong(f'{a.number}.')} {esc(a.text)} — {esc(a.owner)}, deadline {_deadline(a)}"
        for a in s.open_actions
    ] or ["Geen."]
    lines += ["", style.heading("Routering op dit niveau", 2), ""]
    lines += [
        f"- {esc(r.when)}{' (' + ', '.join(r.tiers) + ')' if r.tiers else ''}: "
        f"{', '.join(esc(org_names.get(o, o)) for o in r.to)}"
        + (f"; zo nodig ook {', '.join(esc(org_names.get(o, o)) for o in r.also)}" if r.also else "")
        for r in s.routes
    ]
    lines += ["", style.heading("Volgende update", 2), ""]
    if s.next_update is not None:
        lines.append(
            f"Uiterlijk {strong(dutchtime.local(s.next_update))} (elke {s.every_minutes} minuten op {esc(level.name)})."
        )
    else:
        lines.append("Geen: het incident is gesloten.")
    head = f"`{i.head[:16]}`" if style.markdown else i.head[:16]
    lines += ["", em(f"Logboek: {i.entries} regels, laatste hash {head}."), ""]
    return "\n".join(lines)


def markdown(s: Sitrap, org_names: dict[str, str]) -> str:
    """Markdown that reads well pasted into mail or chat: short sections, small tables, no HTML.

    Text from the logbook is escaped: it never becomes a link, an image, a tag or a heading.
    """
    return _write(s, org_names, _MD)


def text(s: Sitrap, org_names: dict[str, str]) -> str:
    """Plain text for a terminal or SMS-like channel: the same sections, data shown exactly as written."""
    return _write(s, org_names, _TEXT).rstrip("\n") + "\n"


def as_json(s: Sitrap, org_names: dict[str, str]) -> str:
    i = s.incident
    doc: dict[str, Any] = {
        "number": s.number,
        "incident": {
            "id": i.id,
            "title": i.title,
            "opened_at": i.opened_at,
            "closed_at": i.closed_at,
            "situation": i.situation,
        },
        "made_at": dutchtime.stamp(s.made_at),
        "author": s.author,
        "level": {"level": s.level.level, "name": s.level.name, "team": s.level.team},
        "history": [vars(h) for h in s.history],
        "picture": None
        if s.picture is None
        else {"at": s.picture.at, "author": s.picture.author, "text": s.picture.data["text"]},
        "judgements": [{"at": j.at, "author": j.author, "text": j.data["text"]} for j in s.judgements],
        "earlier_judgements": s.earlier_judgements,
        "decisions": [_action(a) | {"at": d.at, "author": d.author} for d, a in s.decisions],
        "open_actions": [_action(a) for a in s.open_actions],
        "routing": [
            {
                "when": r.when,
                "tiers": list(r.tiers),
                "to": [org_names.get(o, o) for o in r.to],
                "also": [org_names.get(o, o) for o in r.also],
            }
            for r in s.routes
        ],
        "every_minutes": s.every_minutes,
        "next_update": None if s.next_update is None else dutchtime.stamp(s.next_update),
        "log": {"entries": i.entries, "head": i.head},
    }
    from .jsondoc import dumps

    return dumps("sitrap", doc) + "\n"


def _action(a: Action) -> dict[str, Any]:
    return {
        "number": a.number,
        "text": a.text,
        "owner": a.owner,
        "deadline": a.deadline,
        "open": a.open,
        "done_at": a.done_at,
    }
