"""config/onderhoud.yaml: readable moments, an end after the start, applications the monitor knows."""

from __future__ import annotations

from datetime import UTC, datetime

from ....domain.dutchtime import read_fixed
from ....domain.errors import UsageError, suggest
from ....domain.language import _
from ....domain.monitoring import MaintenanceFile, MonitorFile
from .common import Finding, Loc, filled


def check(f: MaintenanceFile, monitor: MonitorFile | None) -> list[Finding]:
    """Readable moments, an end after the start, and applications the monitor knows."""
    out: list[Finding] = []
    names = {t.name.casefold(): t.name for t in monitor.targets} if monitor is not None else None
    for i, w in enumerate(f.windows):
        here: Loc = ("windows", i)
        moments: dict[str, datetime] = {}
        for key in ("start", "end"):
            text = getattr(w, key)
            try:  # the one reader of moments: a time the clock skips is refused, one it passes twice is chosen
                moments[key] = read_fixed(text, after=moments.get("start")).at.astimezone(UTC)
            except UsageError as problem:
                out.append(((*here, key), "; ".join(problem.lines())))
        if len(moments) == 2 and moments["end"] <= moments["start"]:
            out.append(
                (
                    (*here, "end"),
                    _("het venster eindigt ({end}) voor of op het begin ({start})").format(end=w.end, start=w.start),
                )
            )
        if names is not None and w.application.casefold() not in names:
            hint = suggest(w.application, names.values())
            out.append(((*here, "application"), _("onbekende applicatie '{name}'.").format(name=w.application) + hint))
        out += filled(w, here, "description")
    return out
