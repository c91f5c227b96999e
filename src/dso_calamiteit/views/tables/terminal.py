"""The one place where text enters Rich: a console that never reads data as markup or passes control codes.

Every command prints through `console()`. Markup and emoji codes are off, so `[/b]` or `[link=…]` in a
title is shown as typed; strings (table cells, titles, captions) and every rendered segment go through
`safetext.visible`, so an escape sequence in a name, a note or an imported entry cannot reach the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich import text as rich_text
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.style import Style

from ...domain.safetext import has_unsafe, visible


class Text(rich_text.Text):
    """Rich's Text for data: control characters made visible before Rich measures (or silently strips) them.

    The render modules import this Text, never Rich's own, so no string of data reaches a table unescaped.
    """

    def __init__(self, text: str = "", style: str | Style = "", **kwargs: Any) -> None:
        super().__init__(visible(text), style, **kwargs)

    def append(self, text: str | rich_text.Text, style: str | Style | None = None) -> Text:
        super().append(visible(text) if isinstance(text, str) else text, style)
        return self


class SafeConsole(Console):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)
        self._rendering = False

    def render_str(self, text: str, **kwargs: Any) -> rich_text.Text:
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(visible(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        """A last line of defence for Text built elsewhere: no segment of data carries a control character.

        Rich renders nested renderables through this same method; only the outermost call looks at the
        segments, so each one is looked at once.
        """
        if self._rendering:
            yield from super().render(renderable, options)
            return
        self._rendering = True
        try:
            for segment in super().render(renderable, options):
                if not segment.control and has_unsafe(segment.text):
                    yield Segment(visible(segment.text), segment.style)
                else:
                    yield segment
        finally:
            self._rendering = False


def console(stderr: bool = False) -> Console:
    """Rich's console for stdout (results) or stderr (messages); Rich itself decides on colour (NO_COLOR, TERM)."""
    return SafeConsole(stderr=stderr)
