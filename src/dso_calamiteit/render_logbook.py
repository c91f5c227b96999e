"""Rich views of the logbook: the incident list, an incident's timeline, the open actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table

from . import dutchtime
from .criteria import CriteriaFile
from .logbook import Action, Entry, Incident
from .safetext import visible
from .timeline import kind_word, summary_line

if TYPE_CHECKING:
    from .app.incidents import Listed, Timeline
    from .config import Config
from .terminal import Text

KIND_STYLE = {"decision": "bold", "level_change": "bold red", "close": "bold", "assessment": "cyan"}


def _level(criteria: CriteriaFile, number: int) -> str:
    found = criteria.level(number)
    return found.label if found else str(number)


def _due(moment: datetime | None, now: datetime) -> Text:
    if moment is None:
        return Text("—", style="dim")
    late = moment < now
    return Text(dutchtime.local(moment) + (" te laat" if late else ""), style="bold red" if late else "")


def incidents(console: Console, rows: list[Listed], criteria: CriteriaFile, now: datetime) -> None:
    table = Table(title=f"Incidenten ({len(rows)})", title_justify="left", box=box.SIMPLE_HEAD)
    longest = max((len(r.summary.id) for r in rows), default=2)
    table.add_column("Id", style="cyan", no_wrap=True, min_width=longest)  # an id is never cut
    table.add_column("Titel", ratio=2, min_width=12, overflow="fold")
    table.add_column("Niveau", ratio=1, overflow="fold")
    table.add_column("Geopend", ratio=1, overflow="fold")
    table.add_column("Regels", justify="right")
    table.add_column("Status")
    table.add_column("Volgende sitrap", ratio=1, overflow="fold")
    for listed in rows:
        r = listed.summary
        status = Text("gesloten", style="dim") if r.closed_at else Text("open", style="bold green")
        table.add_row(
            r.id,
            r.title,
            _level(criteria, r.level),
            dutchtime.local(r.opened_at),
            str(r.entries),
            status,
            _due(listed.next_sitrap, now),
        )
    console.print(table)


def heading(console: Console, state: Incident, config: Config, now: datetime) -> None:
    from .reporting import next_sitrap

    status = f"gesloten {dutchtime.local(state.closed_at)}" if state.closed_at else "open"
    late = sum(a.overdue(now) for a in state.open_actions)
    console.print(
        Text.assemble(
            (f"Incident {state.id}: ", "bold"),
            (state.title, "bold"),
            f"\n{_level(config.criteria, state.level)} · {status} · geopend {dutchtime.local(state.opened_at)} "
            f"door {state.opened_by} · {len(state.open_actions)} open actie(s)",
            (f", {late} te laat" if late else "", "bold red"),
        )
    )
    due = next_sitrap(config.reporting, state.opened_at, state.level, state.next_report, state.closed)
    if due is not None:
        console.print(Text.assemble("Volgende sitrap uiterlijk ", _due(due, now)))


def _line(e: Entry, state: Incident, now: datetime) -> str:
    """The entry's summary; an open decision past its deadline says so."""
    line = summary_line(e)
    if e.kind == "decision":
        action = state.actions.get(int(e.data["action"]))
        if action is not None and action.entry == e.n and action.overdue(now):
            line += " (te laat)"
    return line


def timeline(console: Console, found: Timeline, config: Config, now: datetime) -> None:
    """The newest entries as a table; how many earlier ones there are is said, not hidden."""
    state = found.state
    heading(console, state, config, now)
    if found.earlier:
        console.print(
            Text(f"… {found.earlier} eerdere regels niet getoond (--laatste N of --alles toont meer).", style="dim")
        )
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Tijd", no_wrap=True)
    table.add_column("Door", no_wrap=True)
    table.add_column("Soort", no_wrap=True)
    table.add_column("Inhoud", ratio=1)
    for e in found.newest:
        line = Text(_line(e, state, now), style="strike dim" if e.n in state.corrected else "")
        kind = Text(kind_word(e.kind), KIND_STYLE.get(e.kind, ""))
        table.add_row(str(e.n), dutchtime.local(e.at), e.author, kind, line)
    console.print(table)
    console.print(Text(f"Laatste hash: {state.head}", style="dim"))


def lines(console: Console, state: Incident, entries: Iterable[Entry], now: datetime) -> None:
    """Every entry as one plain line, written as it is read: no table layout over 200,000 rows."""
    write = console.file.write
    for e in entries:
        mark = " (gecorrigeerd)" if e.n in state.corrected else ""
        text = f"{e.n:>6}  {dutchtime.local(e.at)}  {e.author}  {kind_word(e.kind)}{mark}: {_line(e, state, now)}"
        write(visible(text) + "\n")
    console.print(Text(f"Laatste hash: {state.head}", style="dim"))


def actions(console: Console, rows: list[tuple[Incident, Action]], now: datetime) -> None:
    table = Table(title=f"Open acties ({len(rows)})", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Incident", style="cyan", no_wrap=True)
    table.add_column("Nr", justify="right")
    table.add_column("Actie", ratio=1)
    table.add_column("Actiehouder")
    table.add_column("Deadline", no_wrap=True)
    for incident, a in rows:
        deadline = _due(datetime.fromisoformat(a.deadline), now) if a.deadline else Text("—", style="dim")
        table.add_row(incident.id, str(a.number), a.text, a.owner, deadline)
    console.print(table)
