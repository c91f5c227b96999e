"""Use cases of usage figures: `calamiteit gebruik import` reads a CSV whole, checks every row, and keeps it
in the logbook database (SQLite or PostgreSQL) in one transaction, or nothing of it."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters.input_files import read_bounded
from ..domain.errors import UsageError, suggest
from ..domain.language import _
from ..domain.records import record
from ..domain.usage_figures import line_of_offset, parse
from .logbook import opened
from .place import Where

if TYPE_CHECKING:
    from ..domain.monitoring import MonitorFile

MAX_BYTES = 64 * 1024 * 1024


class CsvError(UsageError):
    """A usage file that cannot be taken in: every problem with its line; nothing was stored."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        shown = "; ".join(_("regel {line}: {message}").format(line=line, message=said) for line, said in problems[:5])
        more = _(" (en nog {count})").format(count=len(problems) - 5) if len(problems) > 5 else ""
        super().__init__(
            _("{path}: niets ingelezen: {problems}").format(path=path, problems=shown) + more,
            _("Verbeter het bestand en lees het opnieuw in."),
        )
        self.problems = problems


@record(frozen=False)
class Imported:
    path: Path
    rows: int
    new: int
    changed: int
    unknown: list[str] = field(default_factory=list)  # applications config/monitor.yaml does not know, as written
    warnings: list[str] = field(default_factory=list)  # one sentence per unknown name, in the asked language


def import_file(where: Where, path: Path, monitor: MonitorFile) -> Imported:
    raw = read_bounded(path, MAX_BYTES, _("Splits het bestand."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = line_of_offset(raw, exc.start)
        raise CsvError(path, [(line, _("geen UTF-8 (sla het bestand op als CSV UTF-8)"))]) from None
    rows, problems = parse(text)
    if problems:
        raise CsvError(path, [(p.line, p.message) for p in problems])
    if not rows:
        raise CsvError(path, [(2, _("geen regels met cijfers"))])
    known = {t.name.casefold(): t.name for t in monitor.targets}
    unknown = sorted({r.application for r in rows if r.application.casefold() not in known})
    with opened(where) as store:
        new, changed = store.record_usage([(r.day, r.application, r.metric, r.count) for r in rows])
    warnings = [  # the name first, then whether it is in monitor.yaml, then the nearest known name
        _("'{name}' staat niet in config/monitor.yaml (wel bewaard).").format(name=name) + suggest(name, known.values())
        for name in unknown
    ]
    return Imported(path, len(rows), new, changed, unknown, warnings)
