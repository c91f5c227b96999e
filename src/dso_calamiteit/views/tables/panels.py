"""A panel whose title is never cropped: Rich cuts a title wider than the panel's top border ("0 · Niveau 0
(geen calamiteit, afhandeling in de servi…"); where it does not fit, the title is printed whole above an
untitled panel, decided at the width the panel is printed at."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.panel import Panel

from .terminal import Text

BORDER = 6  # the corners, the rule either side of the title and its spaces: "╭─ title ─╮"


class Titled:
    def __init__(self, body: RenderableType, title: str | Text, **panel: Any) -> None:
        self.body, self.title, self.panel = body, title if isinstance(title, Text) else Text(title), panel

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        if self.title.cell_len + BORDER <= options.max_width:
            yield Panel(self.body, title=self.title, **self.panel)
            return
        heading = self.title.copy()
        heading.stylize("bold")
        yield heading
        yield Panel(self.body, **{k: v for k, v in self.panel.items() if k != "title_align"})
