"""Live pages: one thread watches the logbook (app.incidents.watch) and keeps the entry count of every incident;
each open event stream (server-sent events, sse-starlette) looks at that count and tells its page "there is
something new" with the incident and its entry number only. The page then re-reads itself (static/live.js);
without JavaScript it is complete as served.

One watcher for any number of open pages: 200 readers cost 200 small coroutines, not 200 database connections.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import AsyncIterator

from ..app import incidents
from ..domain.errors import CalamiteitError
from ..domain.language import _
from ..domain.safetext import visible
from .pages import Settings

LOOK_S = 0.1  # how often an open stream looks at the watcher's counts (in memory)
RETRY_S = 5.0  # after the logbook failed the watcher, try again after this long


class Watcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.counts: dict[str, int] = {}
        self.version = 0
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="calamiteit-live", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                for counts in incidents.watch(self.settings.where):
                    self.counts = counts
                    self.version += 1
            except CalamiteitError as exc:
                said = _("live bijwerken: {reason}").format(reason=exc.message)
                sys.stderr.write(visible(f"calamiteit web: {said}") + "\n")
            except Exception as exc:
                said = _("live bijwerken: {reason}").format(reason=f"{type(exc).__name__}: {exc}")
                sys.stderr.write(visible(f"calamiteit web: {said}") + "\n")
            sys.stderr.flush()
            time.sleep(RETRY_S)

    async def changes(self, incident: str | None) -> AsyncIterator[dict[str, str]]:
        """Server-sent events for one page: `regel` with "incident n" when that incident (or, for None, any)
        has a new entry."""
        self.start()
        seen = dict(self.counts) if self.version else None
        while True:
            await asyncio.sleep(LOOK_S)
            if not self.version:
                continue
            counts = self.counts
            if seen is None:
                seen = dict(counts)
                continue
            for ref, n in counts.items():
                if (incident is None or ref == incident) and seen.get(ref) != n:
                    yield {"event": "regel", "data": f"{ref} {n}"}
                    break
            seen = dict(counts)
