"""Monitoring: which targets to check, one round of checks judged, recording it, and the history."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import clock
from ..domain import dutchtime, exitcodes
from ..domain.errors import CalamiteitError, NotFoundError, UsageError, suggest
from ..domain.language import _
from ..domain.monitoring import Availability, availability, judge, select
from ..domain.records import record as frozen_record
from .logbook import opened
from .place import Where

if TYPE_CHECKING:
    from ..domain.monitoring import MaintenanceFile, MonitorFile, Result, Target

ENV_API_KEY = "DSO_API_KEY"


def targets(cfg: MonitorFile, env: str | None, only: list[str]) -> list[Target]:
    names = sorted({t.name for t in cfg.targets})
    folded = {n.casefold() for n in names}
    for name in only:
        if name.casefold() not in folded:
            raise UsageError(
                _("--only '{name}': onbekende applicatie.").format(name=name) + suggest(name, names),
                _("'calamiteit monitor --help'; de namen staan in config/monitor.yaml."),
            )
    chosen = select(cfg.targets, env, only)
    if not chosen:
        raise UsageError(_("geen doelen over na --env/--only"))
    return chosen


def check_round(
    cfg: MonitorFile,
    chosen: list[Target],
    api_key: str | None,
    timeout: float,
    on_done: Callable[[], None] | None = None,
    maintenance: MaintenanceFile | None = None,
) -> list[Result]:
    """Every target checked at once and judged; `on_done` is called as each check ends (for a progress bar).
    A target in a planned maintenance window (config/onderhoud.yaml) is judged 'onderhoud'."""
    import asyncio

    from ..adapters.probe import check_all
    now = clock.now()
    checked_at = dutchtime.stamp(now)
    checks = asyncio.run(
        check_all(
            chosen,
            api_key=api_key,
            timeout=timeout,
            concurrency=cfg.concurrency,
            max_body=cfg.max_body_kb * 1024,
            on_done=(lambda *_: on_done()) if on_done is not None else None,
        )
    )
    return [
        judge(t, c, checked_at, maintenance.window(t, now) if maintenance else None)
        for t, c in zip(chosen, checks, strict=True)
    ]


def record(results: list[Result], where: Where) -> str | None:
    """Keep the results in the logbook file; a logbook that cannot take them gives a warning, not a failure:
    the round was already reported, and its exit code is that of the targets. The reason is kept as its kind and
    values (`Reason.stored`), the same whatever the language of the run."""
    rows = [
        (r.checked_at, r.target.name, r.target.env, r.target.url, r.state, r.status, r.latency_ms, r.reason.stored())
        for r in results
    ]
    try:
        with opened(where) as store:
            store.record_checks(rows)
    except CalamiteitError as exc:
        return _("uitkomsten niet bewaard: {message}").format(message=exc.message)
    return None


def export(results: list[Result], path: Path) -> None:
    """The round as a Prometheus textfile (blackbox_exporter's metric names), written atomically."""
    from ..adapters.metrics import monitor_file

    monitor_file(results, path)


def exit_code(results: list[Result]) -> int:
    if any(r.state == "onbeschikbaar" for r in results):
        return exitcodes.MONITOR_DOWN
    if any(r.state == "traag" for r in results):
        return exitcodes.MONITOR_SLOW
    return exitcodes.OK


def history(where: Where, since: str) -> tuple[datetime, list[Availability]]:
    """Availability per application since `since` ago (30m, 24h, 7d) from the recorded checks."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", since)
    if not match:
        raise UsageError(_("--since '{since}': gebruik bijvoorbeeld 30m, 24h of 7d").format(since=since))
    amount, unit = int(match[1]), match[2]
    start = clock.now() - timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})
    with opened(where, create=False, readonly=True) as store:
        rows = store.checks_since(dutchtime.stamp(start))
    figures = availability(rows)
    if not figures:
        raise NotFoundError(
            _("geen bewaarde controles sinds {moment}").format(moment=dutchtime.local(start)),
            _("Bewaar uitkomsten met 'calamiteit monitor --record'."),
        )
    return start, figures


@frozen_record
class Latest:
    """An application's most recent recorded check, with its availability over the same span."""

    name: str
    env: str
    state: str
    latency_ms: float | None
    figures: Availability


def latest(where: Where, hours: int = 24) -> list[Latest]:
    """The last recorded state of each application in the last `hours`, for the web face's gedeeld beeld
    (empty when nothing was recorded: a page shows that, it is not an error)."""
    start = clock.now() - timedelta(hours=hours)
    with opened(where, create=False, readonly=True) as store:
        rows = store.checks_since(dutchtime.stamp(start))
    last: dict[tuple[str, str], tuple[str, float | None]] = {}
    for name, env, state, latency in rows:  # oldest first: the last one seen stays
        last[(name, env)] = (state, latency)
    return [Latest(a.name, a.env, *last[(a.name, a.env)], a) for a in availability(rows)]
