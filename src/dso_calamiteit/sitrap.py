"""The situation report (sitrap): the incident's picture at one moment, for mail, chat and handover.

The cadence of updates per level is data (config/rapport.yaml, see reporting.py); the report is built
from the logbook's folded state by pure functions, then written as Markdown, plain text or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import clock
from .criteria import Level
from .logbook import Action, Entry, Incident
from .routing import Route

if TYPE_CHECKING:
    from .config import Config


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


def build(state: Incident, config: Config, number: int | None, made_at: datetime, author: str) -> Sitrap:
    criteria = config.criteria

    def name(level: int | None) -> str:
        found = criteria.level(level) if level is not None else None
        return found.label if found else ("" if level is None else f"niveau {level}")

    level = criteria.level(state.level) or criteria.base
    by_entry = {a.entry: a for a in state.actions.values()}
    every = config.reporting.minutes_for(level.level)
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
        routes=config.routing.routes_for(level.level, state.situation),
        every_minutes=every,
        next_update=None if state.closed else clock.later(made_at, every),
    )


def _title(s: Sitrap) -> str:
    label = f"Situatierapport {s.number}" if s.number is not None else "Eindrapport"
    return f"{label} — incident {s.incident.id}: {s.incident.title}"


def _deadline(a: Action) -> str:
    return clock.local(a.deadline) if a.deadline else "—"


def _status(a: Action) -> str:
    return "open" if a.open else f"gereed {clock.local(a.done_at or '')}"


def markdown(s: Sitrap, org_names: dict[str, str]) -> str:
    """Markdown that reads well pasted into mail or chat: short sections, small tables, no HTML."""
    i = s.incident
    lines = [f"# {_title(s)}", ""]
    lines.append(f"- **Opgesteld:** {clock.local(s.made_at)} door {s.author}")
    lines.append(f"- **Geopend:** {clock.local(i.opened_at)} door {i.opened_by}")
    if i.closed_at:
        lines.append(f"- **Gesloten:** {clock.local(i.closed_at)} — {i.close_reason}")
    team = f" ({s.level.team_name})" if s.level.team_name and s.level.team_name != s.level.team else ""
    lines.append(f"- **Niveau:** {s.level.label}{team}")
    if i.situation:
        lines.append(f"- **Situatie:** {i.situation}")
    lines += ["", "## Niveauverloop", "", "| Tijd | Van | Naar | Door | Reden |", "|---|---|---|---|---|"]
    lines += [
        f"| {clock.local(h.at)} | {h.before or '—'} | {h.after} | {h.author} | {_cell(h.reason)} |" for h in s.history
    ]
    lines += ["", "## Beeld", ""]
    if s.picture is not None:
        lines.append(f"{s.picture.data['text']}  ")
        lines.append(f"_({clock.local(s.picture.at)}, {s.picture.author})_")
    else:
        lines.append("Nog geen beeld vastgelegd.")
    lines += ["", "## Oordeel", ""]
    lines += [f"- {clock.local_time(j.at)} {j.data['text']} _({j.author})_" for j in s.judgements] or ["Geen."]
    if s.earlier_judgements:
        lines.append(f"- _… en {s.earlier_judgements} eerdere in het logboek (`calamiteit incident show {i.id}`)._")
    lines += ["", "## Besluiten", ""]
    if s.decisions:
        lines += ["| # | Tijd | Besluit | Actiehouder | Deadline | Status |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {a.number} | {clock.local(d.at)} | {_cell(a.text)} | {_cell(a.owner)} | {_deadline(a)} | {_status(a)} |"
            for d, a in s.decisions
        ]
    else:
        lines.append("Geen.")
    lines += ["", "## Open acties", ""]
    lines += [f"- [ ] **{a.number}.** {a.text} — {a.owner}, deadline {_deadline(a)}" for a in s.open_actions] or [
        "Geen."
    ]
    lines += ["", "## Routering op dit niveau", ""]
    lines += [
        f"- {r.when}{' (' + ', '.join(r.tiers) + ')' if r.tiers else ''}: "
        f"{', '.join(org_names.get(o, o) for o in r.to)}"
        + (f"; zo nodig ook {', '.join(org_names.get(o, o) for o in r.also)}" if r.also else "")
        for r in s.routes
    ]
    lines += ["", "## Volgende update", ""]
    if s.next_update is not None:
        lines.append(f"Uiterlijk **{clock.local(s.next_update)}** (elke {s.every_minutes} minuten op {s.level.name}).")
    else:
        lines.append("Geen: het incident is gesloten.")
    lines += ["", f"_Logboek: {i.entries} regels, laatste hash `{i.head[:16]}`._", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def text(s: Sitrap, org_names: dict[str, str]) -> str:
    """Plain text for a terminal or SMS-like channel: the Markdown without its markup."""
    out = []
    for line in markdown(s, org_names).splitlines():
        if line.startswith("|---"):
            continue
        line = line.lstrip("#").strip() if line.startswith("#") else line
        line = line.replace("**", "").replace("`", "").replace("_(", "(").replace(")_", ")").rstrip()
        if line.startswith("_Logboek"):
            line = line.strip("_")
        if line.startswith("|"):
            line = "  ".join(cell.strip() for cell in line.strip("|").split("|"))
        out.append(line)
    return "\n".join(out) + "\n"


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
        "made_at": clock.stamp(s.made_at),
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
        "next_update": None if s.next_update is None else clock.stamp(s.next_update),
        "log": {"entries": i.entries, "head": i.head},
    }
    from .document import dumps

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
