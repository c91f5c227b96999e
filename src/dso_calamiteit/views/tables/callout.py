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
    from ...app.callout_status import Called
    from ...domain.callout import Delivery

OUTCOME_WORDS: dict[str, str] = {
    "accepted": "aangenomen",
    "refused": "geweigerd",
    "timeout": "geen antwoord (time-out)",
    "unreachable": "niet bereikbaar",
    "error": "fout",
    "pending": "nog niet verstuurd",
}

OUTCOME_STYLE = {"accepted": "green", "refused": "bold red", "timeout": "bold red", "unreachable": "yellow",
                 "error": "bold red", "pending": "yellow"}


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


def result(
    table: Console, note: Console, found: list[Delivery], complete: bool, entry: str, pending: int = 0
) -> None:
    """The deliveries as a table, and one line that says whether everything arrived and where it is recorded
    (`pending`: deliveries not sent when the call-out's deadline passed, counted in)."""
    deliveries(table, found)
    done = sum(d.outcome == "accepted" for d in found)
    word = "Alles aangekomen" if complete else "NIET alles aangekomen"
    note.print(Text(f"{word}: {done} van {len(found) + pending} aangenomen; vastgelegd als {entry}."))


ANSWER_WORDS = {"komt": "komt", "kan_niet": "kan niet", "": "geen antwoord"}
ANSWER_STYLE = {"komt": "green", "kan_niet": "bold red", "": "yellow"}


def channels(deliveries: list[tuple[str, str, str, str]]) -> str:
    """Each channel once: 'aangenomen' when any call-out's message on it was accepted (it reached them), else its
    latest outcome; channels with the same outcome together: 'e-mail, sms: aangenomen'. Every try is in the
    JSON."""
    shown: dict[str, str] = {}
    for channel, outcome, _, _ in deliveries:
        if shown.get(channel) != "accepted":
            shown[channel] = outcome
    by_outcome: dict[str, list[str]] = {}
    for channel, outcome in shown.items():
        by_outcome.setdefault(outcome, []).append(channel_word(channel))
    return "; ".join(f"{', '.join(chs)}: {OUTCOME_WORDS.get(o, o)}" for o, chs in by_outcome.items())


SHOWN_OPEN_ROLES = 8  # roles without a "komt" named in the closing line; more are counted


def status(console: Console, incident: str, rows: list[Called]) -> None:
    """`oproep ID --status`: per role who was called, on which channels with what outcome (each channel's
    latest), their answer and since when; the role named once above its people. One line closes it: how many
    roles have someone who comes, and which have not. Printed by layout.lines: a call-out of hundreds stays
    quick to show (benchmarks/callout_status.py)."""
    roles: dict[str, list[Called]] = {}
    for r in rows:
        roles.setdefault(r.recipient.role, []).append(r)
    table: list[list[layout.Cell]] = [
        [
            role if i == 0 else "",
            r.recipient.name,
            channels(r.deliveries),
            Text(ANSWER_WORDS[r.answer] + (f" ({r.via})" if r.via else ""), style=ANSWER_STYLE[r.answer]),
            dutchtime.local(r.since) if r.since else "",
        ]
        for role, people in roles.items()
        for i, r in enumerate(people)
    ]
    layout.lines(
        console,
        f"Oproep {incident}: wie komt",
        [Column("Rol"), Column("Opgeroepen"), Column("Kanalen"), Column("Antwoord"), Column("Sinds", keep=True)],
        table,
        empty="Er is voor dit incident nog niemand opgeroepen.",
    )
    if roles:
        console.print(Text(covered(roles)))


def covered(roles: dict[str, list[Called]]) -> str:
    """'Toegezegd: 2 van 5 rollen; nog niemand voor: A, B, C.'"""
    open_roles = [role for role, people in roles.items() if not any(p.answer == "komt" for p in people)]
    said = f"Toegezegd: {len(roles) - len(open_roles)} van {len(roles)} rol{'' if len(roles) == 1 else 'len'}"
    if not open_roles:
        return said + "."
    named = ", ".join(open_roles[:SHOWN_OPEN_ROLES])
    more = f" en nog {len(open_roles) - SHOWN_OPEN_ROLES}" if len(open_roles) > SHOWN_OPEN_ROLES else ""
    return f"{said}; nog niemand die komt voor: {named}{more}."
