"""What came of a call-out's deliveries, as a table, and one line that says whether everything arrived."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from ...domain import dutchtime
from ...domain.language import N_, _, pgettext
from ...domain.recipients import channel_word
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...app.confirmation import Called
    from ...domain.callout import Delivery

OUTCOME_WORDS: dict[str, str] = {  # worded with outcome() where shown
    "accepted": N_("aangenomen"),
    "refused": N_("geweigerd"),
    "timeout": N_("geen antwoord (time-out)"),
    "unreachable": N_("niet bereikbaar"),
    "error": "fout",
}


def outcome(word: str) -> str:
    """A delivery's outcome (an id) in the reader's words."""
    if word == "error":
        return pgettext("uitkomst", "fout")
    return _(OUTCOME_WORDS[word]) if word in OUTCOME_WORDS else word


OUTCOME_STYLE = {
    "accepted": "green",
    "refused": "bold red",
    "timeout": "bold red",
    "unreachable": "yellow",
    "error": "bold red",
}


def deliveries(console: Console, found: list[Delivery]) -> None:
    layout.records(
        console,
        _("Verstuurd"),
        [Column(_("Kanaal")), Column(_("Ontvanger")), Column(_("Uitkomst")), Column(_("Reden"))],
        [
            [
                channel_word(d.channel),
                d.recipient,
                Text(outcome(d.outcome), style=OUTCOME_STYLE[d.outcome]),
                _(d.reason) if d.outcome != "accepted" else "",
            ]
            for d in found
        ],
        empty=_("Er is niets verstuurd."),
    )


def result(table: Console, note: Console, found: list[Delivery], complete: bool, entry: str) -> None:
    """The deliveries as a table, and one line that says whether everything arrived and where it is recorded."""
    deliveries(table, found)
    done = sum(d.outcome == "accepted" for d in found)
    word = _("Alles aangekomen") if complete else _("NIET alles aangekomen")
    note.print(
        Text(
            word
            + ": "
            + _("{done} van {total} aangenomen; vastgelegd als {entry}.").format(
                done=done, total=len(found), entry=entry
            )
        )
    )


ANSWER_WORDS = {"komt": N_("komt"), "kan_niet": N_("kan niet"), "": N_("geen antwoord")}
ANSWER_STYLE = {"komt": "green", "kan_niet": "bold red", "": "yellow"}


def status(console: Console, incident: str, rows: list[Called]) -> None:
    """`oproep ID --status`: per role who was called, on which channels with what outcome, and their answer."""
    layout.records(
        console,
        _("Oproep {incident}: wie komt").format(incident=incident),
        [Column(_("Rol")), Column(_("Opgeroepen")), Column(_("Kanalen")), Column(_("Antwoord")), Column(_("Sinds"))],
        [
            [
                r.recipient.role,
                r.recipient.name,
                ", ".join(f"{channel_word(ch)}: {outcome(o)}" for ch, o, _why, _at in r.deliveries),
                Text(_(ANSWER_WORDS[r.answer]) + (f" ({r.via})" if r.via else ""), style=ANSWER_STYLE[r.answer]),
                dutchtime.local(r.since) if r.since else "",
            ]
            for r in rows
        ],
        empty=_("Er is voor dit incident nog niemand opgeroepen."),
    )
