"""A call-out on the screen: what would go to whom through which channel, and what came of each delivery."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ..domain.callout import OUTCOME_WORDS, Delivery, Plan, channel_word
from ..domain.safetext import visible

if TYPE_CHECKING:
    from rich.console import Console

OUTCOME_STYLE = {"accepted": "green", "refused": "bold red", "timeout": "bold red", "unreachable": "yellow",
                 "error": "bold red"}


def preview(out: TextIO, plan: Plan, org_names: dict[str, str]) -> None:
    """The message, then the recipients per channel, as plain lines written straight out: no Rich table (for
    a team of 30 it cost more than composing the whole call-out), not even Rich. Nothing has been sent."""
    m = plan.message
    lines = [f"Onderwerp: {m.subject}", "", m.markdown.rstrip("\n"), "", f"Ontvangers ({plan.count}):"]
    for channel, recipients in plan.routes.items():
        lines.append(f"  via {channel_word(channel)}:")
        lines += [f"    - {r.name} · {r.role} · {org_names.get(r.org, r.org)}" for r in recipients]
    if plan.already:
        lines.append("  eerder aangenomen, niet opnieuw:")
        lines += [f"    - {d.recipient} ({channel_word(d.channel)})" for d in plan.already]
    if plan.unreachable:
        lines.append("  niet bereikbaar:")
        lines += [f"    - {d.recipient}: {d.reason}" for d in plan.unreachable]
    if not plan.routes and not plan.already:
        lines.append("  niemand om op te roepen")
    lines += [f"Niemand bereikbaar voor {role}." for role in plan.nobody]
    out.write("\n".join(visible(line) for line in lines) + "\n")


def deliveries(console: Console, found: list[Delivery]) -> None:
    from . import layout  # the table (and Rich) is imported only once something was sent
    from .layout import Column
    from .terminal import Text

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
    from .terminal import Text

    deliveries(table, found)
    done = sum(d.outcome == "accepted" for d in found)
    word = "Alles aangekomen" if complete else "NIET alles aangekomen"
    note.print(Text(f"{word}: {done} van {len(found)} aangenomen; vastgelegd als {entry}."))
