"""What came of a call-out's deliveries, as a table, and one line that says whether everything arrived."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from ...domain import dutchtime
from ...domain.delivery_reasons import words
from ...domain.language import N_, _, counted, pgettext
from ...domain.recipients import channel_word
from . import layout
from .layout import Column
from .terminal import Text

if TYPE_CHECKING:
    from ...app.callout_status import Called
    from ...domain.callout import Delivery

OUTCOME_WORDS: dict[str, str] = {  # worded with outcome() where shown
    "accepted": N_("aangenomen"),
    "refused": N_("geweigerd"),
    "timeout": N_("geen antwoord (time-out)"),
    "unreachable": N_("niet bereikbaar"),
    "error": "fout",
    "pending": N_("nog niet verstuurd"),
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
    "pending": "yellow",
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
                words(d.reason) if d.outcome != "accepted" else "",
            ]
            for d in found
        ],
        empty=_("Er is niets verstuurd."),
    )


def result(
    table: Console, note: Console, found: list[Delivery], complete: bool, entry: str, pending: int = 0
) -> None:
    """The deliveries as a table, and one line that says whether everything arrived and where it is recorded
    (`pending`: deliveries not sent when the call-out's deadline passed, counted in)."""
    deliveries(table, found)
    done = sum(d.outcome == "accepted" for d in found)
    word = _("Alles aangekomen") if complete else _("NIET alles aangekomen")
    note.print(
        Text(
            word
            + ": "
            + _("{done} van {total} aangenomen; vastgelegd als {entry}.").format(
                done=done, total=len(found) + pending, entry=entry
            )
        )
    )


ANSWER_WORDS = {"komt": N_("komt"), "kan_niet": N_("kan niet"), "": N_("geen antwoord")}
ANSWER_STYLE = {"komt": "green", "kan_niet": "bold red", "": "yellow"}


def channels(deliveries: list[tuple[str, str, str, str]]) -> str:
    """Each channel once: 'aangenomen' when any call-out's message on it was accepted (it reached them), else its
    latest outcome; channels with the same outcome together: 'e-mail, sms: aangenomen'. Every try is in the
    JSON."""
    shown: dict[str, str] = {}
    for channel, result, _why, _at in deliveries:
        if shown.get(channel) != "accepted":
            shown[channel] = result
    by_outcome: dict[str, list[str]] = {}
    for channel, result in shown.items():
        by_outcome.setdefault(result, []).append(channel_word(channel))
    return "; ".join(f"{', '.join(chs)}: {outcome(o)}" for o, chs in by_outcome.items())


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
            Text(_(ANSWER_WORDS[r.answer]) + (f" ({r.via})" if r.via else ""), style=ANSWER_STYLE[r.answer]),
            dutchtime.local(r.since) if r.since else "",
        ]
        for role, people in roles.items()
        for i, r in enumerate(people)
    ]
    layout.lines(
        console,
        _("Oproep {incident}: wie komt").format(incident=incident),
        [Column(_("Rol")), Column(_("Opgeroepen")), Column(_("Kanalen")), Column(_("Antwoord")),
         Column(_("Sinds"), keep=True)],
        table,
        empty=_("Er is voor dit incident nog niemand opgeroepen."),
    )
    if roles:
        console.print(Text(covered(roles)))


def covered(roles: dict[str, list[Called]]) -> str:
    """'Toegezegd: 2 van 5 rollen; nog niemand voor: A, B, C.'"""
    open_roles = [role for role, people in roles.items() if not any(p.answer == "komt" for p in people)]
    said = _("Toegezegd: {done} van {roles}").format(
        done=len(roles) - len(open_roles), roles=counted(len(roles), "rol", "rollen")
    )
    if not open_roles:
        return said + "."
    named = ", ".join(open_roles[:SHOWN_OPEN_ROLES])
    left = len(open_roles) - SHOWN_OPEN_ROLES
    more = _(" en nog {count}").format(count=left) if left > 0 else ""
    return _("{said}; nog niemand die komt voor: {named}{more}.").format(said=said, named=named, more=more)
