"""The one exception family that reaches the CLI boundary, where it becomes a message and an exit code."""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable

from . import exitcodes
from .language import N_, _, counted
from .records import record


@record
class Problem:
    """One thing wrong in one file, pointing at the place to change."""

    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


@record
class Disagreement:
    """One's own file and a shipped default that do not fit together (one names what the other lacks): a
    warning, the command goes on. `first` is the first such place, `more` how many others there are."""

    first: Problem
    more: int
    own: str  # one's own file, to complete
    shipped: str  # the shipped default
    instead: str  # the file name one could lay down oneself instead of the shipped default

    def __str__(self) -> str:
        more = _(" (en nog {count})").format(count=self.more) if self.more else ""
        return _(
            "waarschuwing: {problem}: uw eigen {own} en het meegeleverde {default} passen niet bij "
            "elkaar; vul {own} aan of leg ook een eigen {file} neer"
        ).format(problem=str(self.first).rstrip(".") + more, own=self.own, default=self.shipped, file=self.instead)


class CalamiteitError(Exception):
    """An error an operator can act on; never shown with a traceback."""

    exit_code = exitcodes.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        return [self.message] + ([self.hint] if self.hint else [])


class UsageError(CalamiteitError):
    exit_code = exitcodes.USAGE


class NotFoundError(CalamiteitError):
    exit_code = exitcodes.FAILURE


class Interrupted(CalamiteitError):
    exit_code = exitcodes.INTERRUPTED


class TamperedError(CalamiteitError):
    """The logbook's hash chain does not verify: an entry was edited, inserted or removed (exit 4)."""

    exit_code = exitcodes.TAMPERED


class ConfigError(CalamiteitError):
    """One or more problems in the YAML files; all are collected so `check` can show them at once."""

    exit_code = exitcodes.CONFIG

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else _("ongeldige configuratie")
        more = len(self.problems) - 1
        hint = (
            _("(en nog {problems}; 'calamiteit check' toont ze allemaal)").format(
                problems=counted(more, "probleem", "problemen")
            )
            if more
            else None
        )
        super().__init__(first, hint)


def suggest(word: str, options: Iterable[str]) -> str:
    """A ' Bedoelde u …?' suffix naming the nearest option, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return " " + _("Bedoelde u '{option}'?").format(option=close[0]) if close else ""


# What the operating system says, in Dutch (strerror is the C library's English: "Not a directory").
_OS_REASONS = {
    errno.ENOENT: N_("bestaat niet"),
    errno.ENOTDIR: N_("een deel van het pad is een bestand, geen map"),
    errno.EISDIR: N_("is een map, geen bestand"),
    errno.EACCES: N_("geen toegang (rechten)"),
    errno.EPERM: N_("niet toegestaan (rechten)"),
    errno.ENOSPC: N_("de schijf is vol"),
    errno.EROFS: N_("alleen-lezen bestandssysteem"),
    errno.EEXIST: N_("bestaat al"),
    errno.ENAMETOOLONG: N_("naam te lang"),
    errno.ELOOP: N_("te veel symbolische koppelingen"),
    errno.EBUSY: N_("in gebruik"),
    errno.EIO: N_("lees- of schrijffout van de schijf"),
    errno.EDQUOT: N_("schijfquotum bereikt"),
    errno.EMFILE: N_("te veel open bestanden"),
    errno.ETXTBSY: N_("in gebruik"),
}


def os_reason(exc: OSError) -> str:
    """An OSError's reason in Dutch; an unusual one by its number (the English text would be the only one)."""
    known = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if known:
        return _(known)
    if exc.errno:
        return _("fout van het besturingssysteem (errno {errno})").format(errno=exc.errno)
    return _("fout van het besturingssysteem")
