"""The logbook for people: the incident list, an incident's timeline (a table, or a line per entry), the open
actions. The same results as JSON are in views/incidents.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console

from ...domain import dutchtime
from ...domain.criteria import CriteriaFile
from ...domain.language import _, counted, ngettext
from ...domain.logbook import Action, Entry, Incident, kind_word
from ...domain.safetext import visible
from ...domain.sitrap import next_sitrap
from ..incidents import summary_line
from . import layout
from .layout import Column

if TYPE_CHECKING:
    from ...adapters.config import Config
    from ...app.incidents import Listed, Timeline
from .terminal import Text

KIND_STYLE = {"decision": "bold", "level_change": "bold red", "close": "bold", "assessment": "cyan"}


def _level(criteria: CriteriaFile, number: int) -> str:
    found = criteria.level(number)
    return found.label if found else str(number)


def _due(moment: datetime | None, now: datetime) -> Text:
    if moment is None:
        return Text("—", style="dim")
    late = moment < now
    return Text(dutchtime.local(moment) + (" " + _("te laat") if late else ""), style="bold red" if late else "")


def incidents(console: Console, rows: list[Listed], criteria: CriteriaFile, now: datetime) -> None:
    layout.records(
        console,
        _("Incidenten ({n})").format(n=len(rows)),
        [
            Column(_("Id"), keep=True, style="cyan"),
            Column(_("Titel")),
            Column(_("Niveau")),
            Column(_("Geopend"), keep=True),
            Column(_("Regels"), justify="right"),
            Column(_("Status")),
            Column(_("Volgende sitrap")),
        ],
        [
            [
                r.summary.id,
                r.summary.title,
                _level(criteria, r.summary.level),
                dutchtime.local(r.summary.opened_at),
                str(r.summary.entries),
                Text(_("keten klopt niet"), style="bold red")
                if r.faults
                else Text(_("gesloten"), style="dim")
                if r.summary.closed_at
                else Text(_("open"), style="bold green"),
                _due(r.next_sitrap, now),
            ]
            for r in rows
        ],
        empty=_("Geen open incidenten ('calamiteit incident list --all' toont ook de gesloten)."),
    )


def heading(console: Console, state: Incident, config: Config, now: datetime) -> None:
    status = _("gesloten {moment}").format(moment=dutchtime.local(state.closed_at)) if state.closed_at else _("open")
    late = sum(a.overdue(now) for a in state.open_actions)
    actions = counted(len(state.open_actions), "open actie", "open acties")
    console.print(
        Text.assemble(
            (f"Incident {state.id}: ", "bold"),
            (state.title, "bold"),
            "\n"
            + _("{level} · {status} · geopend {moment} door {who} · {actions}").format(
                level=_level(config.criteria, state.level),
                status=status,
                moment=dutchtime.local(state.opened_at),
                who=config.contacts.signed(state.opened_by),
                actions=actions,
            ),
            (_(", {n} te laat").format(n=late) if late else "", "bold red"),
        )
    )
    due = next_sitrap(config.reporting, state.opened_at, state.level, state.next_report, state.closed)
    if due is not None:
        console.print(Text.assemble(_("Volgende sitrap uiterlijk") + " ", _due(due, now)))


def _line(e: Entry, state: Incident, now: datetime) -> str:
    """The entry's summary; an open decision past its deadline says so."""
    line = summary_line(e)
    if e.kind == "decision":
        action = state.actions.get(int(e.data["action"]))
        if action is not None and action.entry == e.n and action.overdue(now):
            line += " (" + _("te laat") + ")"
    return line


def timeline(console: Console, found: Timeline, config: Config, now: datetime) -> None:
    """The newest entries as a table; how many earlier ones there are is said, not hidden."""
    state = found.state
    heading(console, state, config, now)
    if found.earlier:
        console.print(
            Text(
                "… "
                + ngettext(
                    "{n} eerdere regel niet getoond (--laatste N of --alles toont meer).",
                    "{n} eerdere regels niet getoond (--laatste N of --alles toont meer).",
                    found.earlier,
                ).format(n=found.earlier),
                style="dim",
            )
        )
    layout.records(
        console,
        None,
        [
            Column("#", justify="right", style="dim"),
            Column(_("Tijd"), keep=True),
            Column(_("Door")),
            Column(_("Soort")),
            Column(_("Inhoud")),
        ],
        [
            [
                str(e.n),
                dutchtime.local(e.at),
                config.contacts.signed_by(e.author, e.role, "\n"),
                Text(kind_word(e.kind), KIND_STYLE.get(e.kind, "")),
                _corrected(_line(e, state, now), state.corrected.get(e.n)),
            ]
            for e in found.newest
        ],
    )
    console.print(Text(_("Laatste hash: {head}").format(head=state.head), style="dim"))


def _corrected(line: str, by: int | None) -> Text:
    """A corrected entry says so in words (piped or without colour too), and is struck through on a terminal."""
    if by is None:
        return Text(line)
    shown = Text(line, style="strike dim")
    shown.append(" " + _("(gecorrigeerd in regel {n})").format(n=by), style="yellow")
    return shown


def lines(
    console: Console,
    state: Incident,
    entries: Iterable[Entry],
    now: datetime,
    head: bool = True,
    signed: Callable[[str, str | None], str] = lambda author, role: author,
) -> None:
    """Every entry as one plain line, written as it is read: no table layout over 200,000 rows."""
    write, chunk = console.file.write, []
    authors: dict[tuple[str, str | None], str] = {}  # few authors and accounts, many entries: each signed once
    for e in entries:
        by_n = state.corrected.get(e.n)
        mark = " " + _("(gecorrigeerd in regel {n})").format(n=by_n) if by_n is not None else ""
        said = f"{kind_word(e.kind)}{mark}: {_line(e, state, now)}"
        by = authors.get((e.author, e.role))
        if by is None:
            by = authors[(e.author, e.role)] = signed(e.author, e.role)
        text = f"{e.n:>6}  {dutchtime.local(e.at)}  {by}  {said}"
        chunk.append(visible(text))
        if len(chunk) == 1000:  # one write per thousand lines: a write per line costs more than the line
            write("\n".join(chunk) + "\n")
            chunk.clear()
    if chunk:
        write("\n".join(chunk) + "\n")
    if head:
        console.print(Text(_("Laatste hash: {head}").format(head=state.head), style="dim"))


def actions(console: Console, rows: list[tuple[Incident, Action]], now: datetime) -> None:
    layout.records(
        console,
        _("Open acties ({n})").format(n=len(rows)),
        [
            Column(_("Incident"), keep=True, style="cyan"),
            Column(_("Nr"), justify="right"),
            Column(_("Actie")),
            Column(_("Actiehouder")),
            Column(_("Deadline"), keep=True),
        ],
        [
            [
                _("{id} (gesloten)").format(id=incident.id) if incident.closed else incident.id,
                str(a.number),
                a.text,
                a.owner,
                _due(datetime.fromisoformat(a.deadline), now) if a.deadline else Text("—", style="dim"),
            ]
            for incident, a in rows
        ],
        empty=_("Geen open acties."),
    )
