"""Answers to the criteria: from --answer flags, an answers file's contents, or a person at a prompt."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .criteria import CriteriaFile
from .errors import UsageError, suggest
from .language import N_, _

YES = frozenset({"ja", "j", "yes", "y", "true", "waar", "1"})
NO = frozenset({"nee", "n", "no", "false", "onwaar", "0"})
ACCEPTED = N_("ja/nee (ook j/n, yes/no, true/false)")  # said with _()


def parse_answer(value: object) -> bool | None:
    """True, False, or None when `value` is not a recognisable yes or no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in YES:
            return True
        if word in NO:
            return False
    return None


def from_flags(pairs: Iterable[str]) -> dict[str, bool]:
    """Parse repeated `--answer ID=ja` flags."""
    answers: dict[str, bool] = {}
    for pair in pairs:
        ident, sep, raw = pair.partition("=")
        value = parse_answer(raw)
        if not sep or not ident.strip():
            raise UsageError(_("--answer '{pair}': verwacht ID=ja of ID=nee").format(pair=pair))
        if value is None:
            said = _("--answer {id}: '{value}' is geen antwoord; gebruik {accepted}")
            raise UsageError(said.format(id=ident, value=raw, accepted=_(ACCEPTED)))
        answers[ident.strip()] = value
    return answers


def from_mapping(data: Any, problem: Callable[[tuple[str, ...], str], str]) -> dict[str, bool]:
    """A mapping id → answer as read from a file; also the JSON document that `assess --json` wrote.

    `problem(loc, message)` turns a place in the file into the message that names its line.
    """
    loc: tuple[str, ...] = ()
    if isinstance(data, dict) and isinstance(data.get("answers"), dict) and "schema_version" in data:
        data, loc = data["answers"], ("answers",)
    if not isinstance(data, dict):
        raise UsageError(problem(loc, _("verwacht een mapping van criterium-id naar ja/nee")))
    answers: dict[str, bool] = {}
    for key, raw in data.items():
        value = parse_answer(raw)
        if value is None:
            said = _("'{value}' is geen antwoord; gebruik {accepted}").format(value=raw, accepted=_(ACCEPTED))
            raise UsageError(problem((*loc, str(key)), said))
        answers[str(key)] = value
    return answers


def check_known(criteria: CriteriaFile, answers: Mapping[str, bool]) -> None:
    """Refuse ids that are not criteria, naming the nearest one."""
    known = [c.id for _level, c in criteria.all_criteria()]
    for ident in answers:
        if ident not in known:
            raise UsageError(
                _("onbekend criterium '{id}'.").format(id=ident) + suggest(ident, known),
                _("'calamiteit criteria' toont alle ids."),
            )


def missing(criteria: CriteriaFile, answers: Mapping[str, bool]) -> list[str]:
    return [c.id for _level, c in criteria.all_criteria() if c.id not in answers]
