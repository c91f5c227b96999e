"""config/onderhoud.yaml: readable moments, an end after the start, applications the monitor knows."""

from __future__ import annotations

import re
from datetime import datetime

from ....domain.errors import suggest
from ....domain.monitoring import MaintenanceFile, MonitorFile
from .common import Finding, Loc, filled

MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def check(f: MaintenanceFile, monitor: MonitorFile | None) -> list[Finding]:
    """Readable moments, an end after the start, and applications the monitor knows."""
    out: list[Finding] = []
    names = {t.name.casefold(): t.name for t in monitor.targets} if monitor is not None else None
    for i, w in enumerate(f.windows):
        here: Loc = ("windows", i)
        moments = {}
        for key in ("start", "end"):
            text = getattr(w, key)
            try:
                if not MOMENT.match(text):
                    raise ValueError
                moments[key] = datetime.fromisoformat(text)
            except ValueError:
                out.append(((*here, key), f"'{text}' is geen tijdstip; schrijf JJJJ-MM-DD HH:MM (Nederlandse tijd)"))
        if len(moments) == 2 and moments["end"] <= moments["start"]:
            out.append(((*here, "end"), f"het venster eindigt ({w.end}) voor of op het begin ({w.start})"))
        if names is not None and w.application.casefold() not in names:
            hint = suggest(w.application, names.values())
            out.append(((*here, "application"), f"onbekende applicatie '{w.application}'.{hint}"))
        out += filled(w, here, "description")
    return out
