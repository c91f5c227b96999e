"""Prometheus text-format files for node_exporter's textfile collector: the monitor's last round under
blackbox_exporter's metric names, and whether each readiness requirement is met now.

Teams that already run Prometheus and Alertmanager can then alert on the DSO from their own monitoring. Written
with prometheus_client (imported only for --prometheus), atomically: a scrape never reads half a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import CalamiteitError, UsageError
from ..domain.language import _
from ..domain.monitoring import ANSWERED
from .output_files import write_atomic

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from ..domain.monitoring import Result
    from ..domain.readiness import Standing


def _registry() -> CollectorRegistry:
    try:
        from prometheus_client import CollectorRegistry
    except ImportError:
        raise UsageError(
            _("--prometheus vraagt prometheus_client, en dat is niet geïnstalleerd"),
            "pip install 'dso-calamiteit[prometheus]'",
        ) from None
    return CollectorRegistry()


def monitor_file(results: Sequence[Result], path: Path) -> None:
    registry = _registry()  # first: it says plainly when prometheus_client is not installed
    from prometheus_client import Gauge

    labels = ["target", "env"]
    success = Gauge("probe_success", "Displays whether or not the probe was a success", labels, registry=registry)
    duration = Gauge("probe_duration_seconds", "Returns how long the probe took to complete in seconds", labels,
                     registry=registry)
    status = Gauge("probe_http_status_code", "Response HTTP status code", labels, registry=registry)
    expiry = Gauge("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime", labels,
                   registry=registry)
    planned = Gauge("calamiteit_planned_maintenance", "1 while the target is in a window of config/onderhoud.yaml",
                    labels, registry=registry)
    for r in results:
        key = (r.target.name, r.target.env)
        success.labels(*key).set(1 if r.observed in ANSWERED else 0)
        status.labels(*key).set(r.status or 0)
        if r.latency_ms is not None:
            duration.labels(*key).set(r.latency_ms / 1000)
        if r.cert_expires is not None:
            expiry.labels(*key).set(r.cert_expires)
        planned.labels(*key).set(1 if r.state == "onderhoud" else 0)
    _write(path, registry)


def readiness_file(standings: Sequence[Standing], path: Path) -> None:
    registry = _registry()
    from prometheus_client import Gauge

    met = Gauge("calamiteit_readiness_requirement_met", "1 when the readiness requirement is met now",
                ["org", "tier", "period"], registry=registry)
    reachable = Gauge("calamiteit_readiness_reachable_contacts", "Contacts reachable now for the requirement",
                      ["org", "tier", "period"], registry=registry)
    for st in standings:
        key = (st.requirement.org, st.requirement.tier, st.period)
        met.labels(*key).set(1 if st.met else 0)
        reachable.labels(*key).set(len(st.reachable))
    _write(path, registry)


def _write(path: Path, registry: CollectorRegistry) -> None:
    from prometheus_client import generate_latest

    try:
        write_atomic(path, generate_latest(registry).decode("utf-8"))  # a file: beside it, then renamed over it
    except CalamiteitError as exc:
        if exc.hint:
            raise
        raise CalamiteitError(
            exc.message, _("Kies een map waarin geschreven mag worden (node_exporter: --collector.textfile.directory).")
        ) from None
