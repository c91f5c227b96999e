"""The tool's own words in the reader's language: `_`, `ngettext`, `N_` and numbers.

Every layer marks its operator text here, the domain too, so a message is written once, where it is made. The
Dutch literal is the msgid: the Dutch catalogue only fills in Typer's and Click's English, the English one has
every message. Pure: the catalogue is read at the edge (`views/i18n.setup`) and handed in with `use`; until then
(and in a test of the domain alone) every message is its Dutch msgid itself.

A text made at import time (a table of headings) is marked with `N_` and translated with `_` where it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Catalogue(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...
    def pgettext(self, context: str, message: str, /) -> str: ...


class _Dutch:
    """The msgids as they are (Dutch), Dutch plurals."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str, /) -> str:
        return message


LANGUAGES = ("nl", "en")
_current: list[tuple[str, Catalogue]] = [("nl", _Dutch())]
_loader: list[Callable[[str], Catalogue]] = []  # reads another language's catalogue (views/i18n hands it in)


def use(language: str, catalogue: Catalogue | None, loader: Callable[[str], Catalogue] | None = None) -> None:
    """From now on the words are `language`'s, from `catalogue` (None: the Dutch msgids themselves); `loader`
    reads another language's catalogue when a text is asked in it (`speaking`)."""
    _current[0] = (language, catalogue or _Dutch())
    if loader is not None:
        _loader[:] = [loader]


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Words in `language` for a while (a call-out channel in English in a Dutch run); '' keeps the current one.
    Not for threads: word the text first, then hand it to them."""
    saved = _current[0]
    if language and language != saved[0]:
        _current[0] = (language, _loader[0](language) if _loader else _Dutch())
    try:
        yield
    finally:
        _current[0] = saved


def current() -> str:
    """The language in use: 'nl' or 'en'."""
    return _current[0][0]


def _(message: str) -> str:
    """A message in the reader's language."""
    return _current[0][1].gettext(message)


def pgettext(context: str, message: str) -> str:
    """A message whose Dutch is also another message's ('fout' the outcome, 'fout' one of '2 fouten')."""
    return _current[0][1].pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message made before the language is known; translate it with `_` where it is shown."""
    return message


def ngettext(one: str, more: str, n: int) -> str:
    """A count's word in the reader's language: ngettext('incident', 'incidenten', n)."""
    return _current[0][1].ngettext(one, more, n)


def counted(n: int, one: str, more: str) -> str:
    """'1 incident', '2 incidenten' ('2 incidents' in English): mark both words with N_ where they are written."""
    return f"{n} {ngettext(one, more, n)}"


def decimal(value: float, decimals: int = 1) -> str:
    """A number with the reader's decimal mark: '99,5' in Dutch, '99.5' in English."""
    shown = f"{value:.{decimals}f}"
    return shown.replace(".", ",") if current() == "nl" else shown
