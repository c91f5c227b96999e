"""Records on a screen of any width: a table when it fits, one block per record when it does not.

A phone number, an e-mail address, an id or a file path is never cut or broken over lines (a coordinator
dials or copies it); other text wraps at word boundaries. When the columns that must stay whole do not fit
beside each other, every record is printed as its own block of "Kop: waarde" lines instead.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table

from ...domain.records import record
from ...domain.safetext import visible
from .terminal import Text

Cell = str | Text


@record
class Column:
    header: str
    keep: bool = False  # never broken: phone, e-mail, id, path, time
    justify: Literal["left", "right"] = "left"
    style: str = ""


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def table(
    title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], caption: str | None = None
) -> Table:
    found = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    for i, col in enumerate(columns):
        cells = [_plain(r[i]) for r in rows]
        need = _need(col, cells)
        # A column whose every line is already no wider than its narrowest cannot gain from wrapping; left
        # wrapable, Rich would narrow it below that minimum, widen it back, and crop the row at the edge.
        longest = max((len(line) for c in [*cells, col.header] for line in c.splitlines()), default=0)
        found.add_column(
            col.header,
            no_wrap=col.keep or longest <= need,
            min_width=need,
            justify=col.justify,
            style=col.style,
            overflow="ellipsis" if col.keep else "fold",
        )
    for row in rows:
        found.add_row(*row)
    return found


def records(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    empty: str | None = None,
    caption: str | None = None,
) -> None:
    """Print the rows; a sentence instead of an empty table; stacked when the table cannot fit."""
    if not rows and empty:
        console.print(Text(empty))
        return
    found = fitted(console, title, columns, rows, caption)
    if not isinstance(found, Group):
        console.print(found)
        return
    for part in found.renderables:
        # a whole value wider than the screen is printed as one line past the edge; the rest as laid out
        console.print(part, soft_wrap=isinstance(part, Whole), end="\n" if isinstance(part, Whole) else "")


def lines(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    empty: str | None = None,
    caption: str | None = None,
) -> None:
    """Like `records`, for a list that may run to hundreds of rows: when every row fits the screen on one line
    as it is, the columns are padded to their widest value and printed as one Text (Rich's table measures and
    lays out every cell: 250 rows cost it about 150 ms); otherwise `records` decides (a table that wraps, or
    one block per record)."""
    if not rows and empty:
        console.print(Text(empty))
        return
    plain = [[visible(_plain(c)) for c in r] for r in rows]  # measured as shown: a control character is one '␛'
    widths = [max(cell_len(col.header), *(cell_len(r[i]) for r in plain)) for i, col in enumerate(columns)]
    if any("\n" in c for r in plain for c in r) or 2 + sum(widths) + 2 * (len(widths) - 1) > console.width:
        records(console, title, columns, rows, empty=empty, caption=caption)
        return
    out = Text()
    if title:
        out.append(f"{title}\n\n", style="italic")

    def line(cells: Sequence[Cell], texts: Sequence[str], style: str = "") -> None:
        plain = " "  # unstyled text gathered and appended at once: one append per styled cell, not per piece
        for i, (col, cell, text) in enumerate(zip(columns, cells, texts, strict=True)):
            pad = " " * (widths[i] - cell_len(text))
            plain += " " if i == 0 else "  "
            if col.justify == "right":
                plain += pad
            own = style or col.style or (cell.style if isinstance(cell, Text) else "")
            if own:
                out.append(plain)
                out.append(text, style=own)
                plain = ""
            else:
                plain += text
            if col.justify != "right" and i < len(columns) - 1:
                plain += pad
        out.append(plain + "\n")

    headers = [c.header for c in columns]
    line(headers, headers, style="bold")
    out.append(" " + "─" * (2 + sum(widths) + 2 * (len(widths) - 1)) + "\n")
    for cells, texts in zip(rows, plain, strict=True):
        line(cells, texts)
    if caption:
        out.append(f"\n{caption}\n", style="dim")
    console.print(out, end="", soft_wrap=True)


def fitted(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    caption: str | None = None,
    width: int | None = None,
) -> RenderableType:
    """The table when its narrowest form fits the console and Rich gives every column at least what it needs,
    else the stacked form. Rich shares out the width itself and, when the natural widths do not fit, narrows
    columns below their minimum and crops ("Ni" for "Niveau", "opschalen van 1 naar " at 80 columns): its own
    column widths are asked for before printing, which costs a measurement, not a render."""
    width = console.width if width is None else width
    if narrowest(columns, rows) <= width:
        found = table(title, columns, rows, caption)
        if _fits(console, found, columns, rows, width):
            return found
    return Group(*_stacked_parts(title, columns, rows, caption, width))


class Fitted:
    """A table laid out at the width it is printed at, as `fitted` does: for a table inside a panel."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> None:
        self.columns, self.rows = columns, rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield fitted(console, None, self.columns, self.rows, width=options.max_width)


def _fits(
    console: Console, found: Table, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> bool:
    try:
        widths = found._calculate_column_widths(console, console.options.update_width(width))
        extra = found._extra_width
    except AttributeError:  # a Rich without this (private) measurement: trust the estimate
        return True
    if sum(widths) + extra > width:  # Rich would cut the row at the screen's edge
        return False
    pairs = enumerate(zip(columns, widths, strict=False))
    return all(w >= _need(col, [_plain(r[i]) for r in rows]) for i, (col, w) in pairs)


READABLE_WORD = 24  # words up to this long are never broken ("(Leveranciersmanagement)"); longer ones fold


def narrowest(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> int:
    """The narrowest the table can be with every value that must stay whole on one line and the other
    columns still readable (Rich's own measurement lets them shrink to nothing and then crops)."""
    return 1 + sum(_need(col, [_plain(r[i]) for r in rows]) + 3 for i, col in enumerate(columns))


def _need(col: Column, cells: list[str]) -> int:
    """A column's narrowest width: its longest whole value, or its longest word up to READABLE_WORD."""
    if col.keep:
        return max(1, len(col.header), *(len(line) for c in cells for line in c.splitlines()))
    return max(1, min(max((len(w) for c in [*cells, col.header] for w in c.split()), default=1), READABLE_WORD))


INDENT = "  "  # a value under its label


class Whole(Text):
    """A value printed as one line even past the screen's edge (the terminal wraps it, a copy gets it whole)."""


def _stacked_parts(
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    caption: str | None,
    width: int,
) -> list[RenderableType]:
    """One block per record of 'Kop: waarde' lines; running text wraps under its value (at word boundaries),
    and a value that must stay whole but does not fit beside its label gets a line of its own.

    Built as plain wrapped text rather than a Rich grid per record: a long list stays fast to print.
    """
    label = max(len(c.header) for c in columns) + 1
    room = width - label - 1
    under = max(width - len(INDENT), 10)  # a value that does not fit beside its label goes under it
    parts: list[RenderableType] = []
    out = Text()
    if title:
        out.append(f"{title}\n", style="bold")
    for row in rows:
        out.append("\n")
        for col, cell in zip(columns, row, strict=True):
            value = _plain(cell)
            if not value.strip():
                continue
            style = col.style or (cell.style if isinstance(cell, Text) else "")
            lines = value.splitlines()
            if not col.keep and room < min(READABLE_WORD, max(len(w) for w in value.split())):
                # beside a long label a word would be broken: the value wraps under the label instead
                out.append(f"{col.header}:\n", style="dim")
                for line in lines:
                    for w in textwrap.wrap(line, under, break_on_hyphens=False) or [""]:
                        out.append(INDENT)
                        out.append(w, style=style)
                        out.append("\n")
                continue
            out.append(f"{col.header + ':':<{label}} ", style="dim")
            if col.keep and any(len(line) > room for line in lines):
                out.append("\n")
                parts += [out, *(Whole(line, style=style) for line in lines)]
                out = Text()
                continue
            wrapped = [
                w
                for line in lines
                for w in (textwrap.wrap(line, room, break_on_hyphens=False) if not col.keep else [line]) or [""]
            ]
            out.append(wrapped[0], style=style)
            for more in wrapped[1:]:
                out.append("\n" + " " * (label + 1))
                out.append(more, style=style)
            out.append("\n")
    if caption:
        out.append(f"\n{caption}\n", style="dim")
    parts.append(out)
    return parts
