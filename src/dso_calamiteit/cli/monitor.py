"""`calamiteit monitor`: which DSO applications answer right now and how fast; and their history."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

import os
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError
from ..domain.language import _
from .options import ConfigDir, DataDir, Db, Json, console

if TYPE_CHECKING:
    from ..app.place import Where
    from ..domain.monitoring import MaintenanceFile, MonitorFile, Result, Target


class EnvChoice(StrEnum):
    prod = "prod"
    pre = "pre"


def monitor(
    env: Annotated[
        Optional[EnvChoice],  # noqa: UP045 - typer 0.28 needs Optional on Python 3.11
        typer.Option("--env", help="Alleen deze omgeving: prod of pre.", show_default=False),
    ] = None,
    only: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--only", help="Alleen deze applicatie (naam, herhaalbaar).", show_default=False),
    ] = None,
    timeout: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--timeout", help="Maximale duur van één controle in seconden.", show_default=False),
    ] = None,
    watch: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--watch", help="Controleer elke S seconden opnieuw, tot Ctrl-C.", show_default=False),
    ] = None,
    record: Annotated[bool, typer.Option("--record", help="Bewaar de uitkomsten in het logboekbestand.")] = False,
    history: Annotated[
        bool, typer.Option("--history", help="Toon beschikbaarheid en mediane latentie uit bewaarde uitkomsten.")
    ] = False,
    since: Annotated[str, typer.Option("--since", help="Met --history: periode, zoals 30m, 24h of 7d.")] = "24h",
    prometheus: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--prometheus",
            help="Schrijf de uitkomsten ook als Prometheus-tekstbestand (voor node_exporter's textfile collector; "
            "metriekennamen van blackbox_exporter), atomair; met --watch na elke ronde.",
            show_default=False,
        ),
    ] = None,
    alles: Annotated[
        bool,
        typer.Option(
            "--alles",
            help="Ook bij meer dan 50 doelen elk doel als regel in de tabel (anders: wat niet beschikbaar is "
            "voluit, de beschikbare per applicatie samengevat).",
        ),
    ] = False,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Controleer de beschikbaarheid van de DSO-applicaties (alle tegelijk) en toon staat, status en latentie.

    Exitcode 0: alles beschikbaar; 5: iets traag; 6: iets onbeschikbaar. De sleutel uit DSO_API_KEY gaat
    alleen als x-api-key naar de hosts van doelen met api_key: true en verschijnt nergens in de uitvoer.
    Voorbeeld: calamiteit monitor --env prod --json
    """
    from ..app import configuration
    from ..app import monitor as use

    loaded = configuration.load(config_dir)
    cfg, planned = loaded.monitor, loaded.maintenance
    if history:
        return _history(Place(data_dir, db), since, json)
    targets = use.targets(cfg, env.value if env else None, only or [])
    if timeout is not None and not 0 < timeout <= 300:
        raise UsageError(_("--timeout {value}: kies een waarde tussen 0 en 300 seconden").format(value=timeout))
    if watch is not None and watch <= 0:
        raise UsageError(_("--watch {value}: kies een positief aantal seconden").format(value=watch))
    seconds = timeout if timeout is not None else cfg.timeout_s
    api_key = os.environ.get(use.ENV_API_KEY) or None
    if watch is None:
        results = _round(cfg, planned, targets, api_key, seconds, progress=True)
        _show(results, json, alles)
        _record(results, record, Place(data_dir, db))
        _export(results, prometheus)
        return use.exit_code(results)
    return _watch(cfg, planned, targets, api_key, seconds, watch, record, Place(data_dir, db), json, prometheus, alles)


def _round(
    cfg: "MonitorFile",
    planned: "MaintenanceFile",
    targets: "list[Target]",
    api_key: str | None,
    timeout: float,
    progress: bool,
) -> "list[Result]":
    """One round; on a terminal with a progress bar on stderr."""
    from ..app.monitor import check_round

    err = console(stderr=True)
    if progress and err.is_terminal:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as bar:
            task = bar.add_task(_("Controleren…"), total=len(targets))
            return check_round(cfg, targets, api_key, timeout, lambda: bar.advance(task), planned)
    return check_round(cfg, targets, api_key, timeout, maintenance=planned)


def _export(results: "list[Result]", path: "Path | None") -> None:
    if path is not None:
        from ..app.monitor import export

        export(results, path)


def _record(results: "list[Result]", record: bool, where: "Where") -> None:
    if record:
        from ..app.monitor import record as keep

        warning = keep(results, where)
        if warning:
            console(stderr=True).print(f"calamiteit: {warning}")


def _show(results: "list[Result]", json: bool, alles: bool = False) -> None:
    if json:
        from ..views.monitor import document

        print(document(results))
    else:
        from ..views.tables.monitor import round_table

        out = console()
        out.print(round_table(out, results, alles))


def _watch(
    cfg: "MonitorFile",
    planned: "MaintenanceFile",
    targets: "list[Target]",
    api_key: str | None,
    timeout: float,
    every: float,
    record: bool,
    where: "Where",
    json: bool,
    prometheus: "Path | None" = None,
    alles: bool = False,
) -> int:
    """Re-check every `every` seconds until Ctrl-C: a live table on a terminal, one document a round elsewhere."""
    out = console()
    if json or not out.is_terminal:
        while True:
            results = _round(cfg, planned, targets, api_key, timeout, progress=False)
            _show(results, json, alles)
            _record(results, record, where)
            _export(results, prometheus)
            time.sleep(every)
    from rich.live import Live

    from ..views.tables.monitor import round_table

    with Live(console=out, auto_refresh=False) as live:
        while True:
            results = _round(cfg, planned, targets, api_key, timeout, progress=False)
            live.update(round_table(out, results, alles), refresh=True)
            _record(results, record, where)
            _export(results, prometheus)
            time.sleep(every)


def _history(where: "Where", since: str, json: bool) -> int:
    from ..app.monitor import history

    start, figures = history(where, since)
    if json:
        from ..views.monitor import history_document

        print(history_document(start, figures))
    else:
        from ..views.tables.monitor import history as table

        table(console(), start, figures)
    return exitcodes.OK
