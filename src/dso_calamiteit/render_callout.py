"""A call-out on the screen: what would go to whom through which channel, and what came of each delivery."""

from __future__ import annotations

from rich.console import Console

from . import layout
from .callout import OUTCOME_WORDS, Delivery, Plan, channel_word
from .layout import Cell, Column
from .safetext import visible
from .terminal import Text

OUTCOME_STYLE = {"accepted": "green", "refused": "bold red", "timeout": "bold red", "unreachable": "yellow",
                 "error": "bold red"}


def preview(console: Console, plan: Plan) -> None:
    """The message, then every recipient per channel; nothing has been sent."""
    m = plan.message
    console.print(Text(f"Onderwerp: {m.subject}", style="bold"))
    console.file.write(visible(m.markdown) + "\n")
    rows: list[list[Cell]] = [[channel_word(ch), r.name, r.role, r.org, Text("wordt verstuurd", style="green")]
            for ch, rs in plan.routes.items() for r in rs]
    rows += [[channel_word(d.channel), d.recipient, "", "", Text("eerder aangenomen; niet opnieuw", style="dim")]
             for d in plan.already]
    rows += [[channel_word(d.channel), d.recipient, "", "", Text(d.reason, style="yellow")] for d in plan.unreachable]
    layout.records(
        console,
        f"Ontvangers ({plan.count})",
        [Column("Kanaal"), Column("Ontvanger"), Column("Rol"), Column("Organisatie", keep=True), Column("Status")],
        rows,
        empty="Niemand om op te roepen.",
    )
    for role in plan.nobody:
        console.print(Text(f"Niemand bereikbaar voor {role}.", style="bold yellow"))


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
