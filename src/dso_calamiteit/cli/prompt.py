"""Asking the criteria of a person at a terminal. Everything goes to stderr; stdout keeps only the result."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..domain.answers import parse_answer
from ..domain.criteria import CriteriaFile
from ..domain.errors import Interrupted, UsageError
from ..domain.language import _

if TYPE_CHECKING:  # Rich is imported only when a person is actually asked: scripted runs skip it
    from rich.console import Console


def stdin_is_terminal() -> bool:
    """The prompt gate; tests replace it to drive the prompts without a terminal."""
    return sys.stdin.isatty()


def ask_all(criteria: CriteriaFile, ids: list[str], console: Console) -> dict[str, bool]:
    """Ask the criteria in `ids`, level by level; end of input is a usage error (exit 2), never a hang."""
    from ..views.tables.criteria import definition
    from ..views.tables.terminal import Text

    console.print(definition(criteria.definition))
    console.print(Text(_("Beantwoord elke vraag met j(a) of n(ee)."), style="dim"))
    wanted = set(ids)
    answers: dict[str, bool] = {}
    total = len(ids)
    for lv in criteria.ordered:
        todo = [c for c in lv.criteria if c.id in wanted]
        if not todo:
            continue
        console.print(Text(f"\n{lv.label}", style="bold"))
        for c in todo:
            answers[c.id] = _ask(console, f"[{len(answers) + 1}/{total}] {c.shown_question}")
    return answers


def _ask(console: Console, question: str, ended: str | None = None) -> bool:
    from ..views.tables.terminal import Text

    while True:
        try:
            console.print(Text(question), Text(_("[j/n]"), style="bold cyan"), end=" ")
            raw = input()
        except EOFError:
            console.print()
            raise UsageError(ended or _("invoer beëindigd voordat alle criteria beantwoord waren")) from None
        except KeyboardInterrupt:
            console.print()
            raise Interrupted(_("onderbroken; er is niets vastgelegd")) from None
        value = parse_answer(raw)
        if value is not None:
            return value
        console.print(Text(_("Antwoord met j(a) of n(ee)."), style="yellow"))


def confirm(console: Console, question: str) -> bool:
    """One yes/no question (end of input: a usage error; Ctrl-C: interrupted, nothing recorded)."""
    return _ask(console, question, _("invoer beëindigd voor de vraag beantwoord was; er is niets vastgelegd"))
