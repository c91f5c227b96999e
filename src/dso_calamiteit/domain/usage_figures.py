"""Usage figures of the DSO applications: a CSV of (date, application, metric, count) read whole and checked
before anything of it is kept, and what counts as an unusually low day.

Pure: the text comes in, rows or located problems go out. Dates are read as people write them in the Netherlands
(15-01-2024, 15-1-2024) and as ISO (2024-01-15); the separator is ';' or ',' (as the header row uses).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from .language import _, counted
from .records import record

HEADERS = {
    "date": ("date", "datum", "dag"),
    "application": ("application", "applicatie", "toepassing"),
    "metric": ("metric", "metriek", "maat"),
    "count": ("count", "aantal"),
}
_DUTCH = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MAX_PROBLEMS = 20
MAX_COUNT = 10**15  # a count per day above this is a mistake (and would not fit the database's bigint for long)
MAX_NAME = 200  # characters of an application or metric name
MAX_FIELD = 4096  # characters of one field; csv's own limit (128 KiB) would end the reading with its own error
_COUNT = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)")
LOW_SHARE = 0.5  # a day below half the usual level of its weekday is flagged
MIN_WEEKS = 3  # the usual level needs at least this many earlier same weekdays


@record
class Row:
    day: str  # ISO date
    application: str
    metric: str
    count: int


@record
class Problem:
    line: int
    message: str


def parse(text: str) -> tuple[list[Row], list[Problem]]:
    """Every row, or the problems (with their line numbers); duplicates of one key with different counts are a
    problem, exact repeats are taken once."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [Problem(1, _("geen kopregel; verwacht datum;applicatie;metriek;aantal"))]
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = [h.strip().casefold() for h in next(reader)]
    except csv.Error:
        return [], [Problem(1, _("kopregel onleesbaar: een veld is te lang of een aanhalingsteken sluit niet"))]
    columns: dict[str, int] = {}
    for field, names in HEADERS.items():
        found = next((i for i, h in enumerate(header) if h in names), None)
        if found is None:
            said = _("kolom '{dutch}' (of '{english}') ontbreekt in de kopregel")
            return [], [Problem(1, said.format(dutch=names[1], english=names[0]))]
        columns[field] = found
    rows: dict[tuple[str, str, str], tuple[int, Row]] = {}
    problems: list[Problem] = []
    for number, cells in _rows(reader, problems):
        if not any(c.strip() for c in cells):
            continue
        if any(len(c) > MAX_FIELD for c in cells):
            problems.append(Problem(number, _("een veld is langer dan {most} tekens").format(most=MAX_FIELD)))
            continue
        if len(cells) < len(header):
            said = _("{fields}, verwacht {wanted}").format(
                fields=counted(len(cells), "veld", "velden"), wanted=len(header)
            )
            problems.append(Problem(number, said))
            continue
        row, problem = _row(cells, columns, number)
        if problem is not None:
            problems.append(problem)
            continue
        assert row is not None
        key = (row.day, row.application, row.metric)
        if key in rows and rows[key][1].count != row.count:
            first = rows[key][0]
            problems.append(
                Problem(
                    number,
                    _(
                        "{application} {metric} op {day} staat ook op regel {first}, met een ander aantal "
                        "({before} en {now})"
                    ).format(
                        application=row.application,
                        metric=row.metric,
                        day=row.day,
                        first=first,
                        before=rows[key][1].count,
                        now=row.count,
                    ),
                )
            )
            continue
        rows.setdefault(key, (number, row))
        if len(problems) >= MAX_PROBLEMS:
            break
    return [r for _line, r in rows.values()], problems


def _rows(reader: Iterator[list[str]], problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every row after the header; a row csv cannot read (an unclosed quote running on
    for ever) ends the reading with a problem at its line."""
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            problems.append(Problem(number, _("onleesbaar: een veld is te lang of een aanhalingsteken sluit niet")))
            return
        yield number, cells


def _row(cells: Sequence[str], columns: dict[str, int], number: int) -> tuple[Row | None, Problem | None]:
    raw_day = cells[columns["date"]].strip()
    day = read_date(raw_day)
    if day is None:
        return None, Problem(number, _("'{day}' is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)").format(day=raw_day))
    application = " ".join(cells[columns["application"]].split())
    metric = " ".join(cells[columns["metric"]].split())
    if not application or not metric:
        return None, Problem(number, _("applicatie en metriek mogen niet leeg zijn"))
    if len(application) > MAX_NAME or len(metric) > MAX_NAME:
        return None, Problem(number, _("applicatie of metriek langer dan {most} tekens").format(most=MAX_NAME))
    typed = cells[columns["count"]].strip()
    shown = typed if len(typed) <= 40 else typed[:40] + "…"
    raw_count = typed.replace(" ", "")
    if not _COUNT.fullmatch(raw_count):  # 12.345 as Dutch write it; 12.5 is not a whole count
        said = _("'{count}' is geen geheel aantal (duizendtallen met een punt: 12.345)")
        return None, Problem(number, said.format(count=shown))
    digits = raw_count.replace(".", "")
    if digits.startswith("-"):
        return None, Problem(number, _("negatief aantal ({count})").format(count=shown))
    if len(digits.lstrip("0")) > 16 or int(digits) > MAX_COUNT:
        return None, Problem(number, _("aantal '{count}' is groter dan 10^15").format(count=shown))
    return Row(day.isoformat(), application, metric, int(digits)), None


def read_date(text: str) -> date | None:
    for pattern, order in ((_ISO, (1, 2, 3)), (_DUTCH, (3, 2, 1))):
        found = pattern.match(text)
        if found:
            try:
                return date(int(found[order[0]]), int(found[order[1]]), int(found[order[2]]))
            except ValueError:
                return None
    return None


def line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


@record
class Day:
    day: str
    count: int
    usual: float | None  # the median of the same weekday over the earlier weeks (None: too few yet)
    low: bool


def flagged(series: Iterable[tuple[str, int]]) -> list[Day]:
    """Each day beside the usual level for its weekday: the median of the same weekday in the weeks before it
    (at least MIN_WEEKS of them); a day below LOW_SHARE of that is flagged (a sudden drop in submissions is a
    sign of an outage too)."""
    import statistics  # with its fractions and decimal: not at `overzicht`'s start when no figures are read

    out: list[Day] = []
    earlier: dict[int, list[int]] = {}
    for day, count in sorted(series):
        weekday = date.fromisoformat(day).weekday()
        before = earlier.setdefault(weekday, [])
        usual = statistics.median(before) if len(before) >= MIN_WEEKS else None
        out.append(Day(day, count, usual, usual is not None and count < LOW_SHARE * usual))
        before.append(count)
    return out
