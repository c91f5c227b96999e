"""What came of a call-out's deliveries, as a table, and one line that says whether everything arrived."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from ...domain import dutchtime
from ...domain.recipients import channel_word
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...app.confirmation import Called
    from ...domain.callout import Delivery

OUTCOME_WORDS: dict[str, str] = {
    "accepted": "aangenomen",
    "refused": "geweigerd",
    "timeout": "geen antwoord (time-out)",
    "unreachable": "niet bereikbaar",
    "error": "fout",
}

OUTCOME_STYLE = {"accepted": "green", "refused": "bold red", "timeout": "bold red", "unreachable": "yellow",
                 "error": "bold red"}


def deliveries(console: Console, found: list[Delivery]) -> None:
    layout.records(
        console,
        "Verstuurd",
        [Column("Kanaal"), Column("Ontvanger"), Column("Uitkomst"), Column("Reden")],
        [
            [channel_word(d.channel), d.recipient, Text(OUTCOME_WORDS[d.outcome], style=OUTCOME_STYLE[d.outcome]),
             d.reason if d.outcome != "accepted" else ""]
            for d in found
        ],
        empty="Er is niets verstuurd.",
    )


def result(table: Console, note: Console, found: list[Delivery], complete: bool, entry: str) -> None:
    """The deliveries as a table, and one line that says whether everything arrived and where it is recorded."""
    deliveries(table, found)
    done = sum(d.outcome == "accepted" for d in found)
    word = "Alles aangekomen" if complete else "NIET alles aangekomen"
    note.print(Text(f"{word}: {done} van {len(found)} aangenomen; vastgelegd als {entry}."))


ANSWER_WORDS = {"komt": "komt", "kan_niet": "kan niet", "": "geen antwoord"}
ANSWER_STYLE = {"komt": "green", "kan_niet": "bold red", "": "yellow"}


def status(console: Console, incident: str, rows: list[Called]) -> None:
    """`oproep ID --status`: per role who was called, on which channels with what outcome, and their answer."""
    layout.records(
        console,
        f"Oproep {incident}: wie komt",
        [Column("Rol"), Column("Opgeroepen"), Column("Kanalen"), Column("Antwoord"), Column("Sinds")],
        [
            [
                r.recipient.role,
                r.recipient.name,
                ", ".join(f"{channel_word(ch)}: {OUTCOME_WORDS.get(o, o)}" for ch, o, _, _ in r.deliveries),
                Text(ANSWER_WORDS[r.answer] + (f" ({r.via})" if r.via else ""), style=ANSWER_STYLE[r.answer]),
                dutchtime.local(r.since) if r.since else "",
            ]
            for r in rows
        ],
        empty="Er is voor dit incident nog niemand opgeroepen.",
    )
