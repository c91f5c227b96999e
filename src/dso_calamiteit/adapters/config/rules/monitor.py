"""config/monitor.yaml: URLs that are http(s), an API key only over HTTPS, budgets and statuses that can be."""

from __future__ import annotations

from urllib.parse import urlsplit

from ....domain.language import _
from ....domain.monitoring import MonitorFile
from .common import Finding, Loc, at_least_one, filled


def check(f: MonitorFile) -> list[Finding]:
    out: list[Finding] = []
    if not 1 <= f.concurrency <= 100:
        out.append((("concurrency",), _("{value} valt buiten 1..100").format(value=f.concurrency)))
    if not 0 < f.timeout_s <= 300:
        out.append((("timeout_s",), _("{value} seconden valt buiten 0..300").format(value=f.timeout_s)))
    if f.max_body_kb < 1:
        out.append((("max_body_kb",), at_least_one()))
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(f.targets):
        here: Loc = ("targets", i)
        out += filled(t, here, "name")
        try:
            parts = urlsplit(t.url)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in t.url
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            valid = False
        if not valid:
            out.append(((*here, "url"), _("'{url}' is geen geldige http(s)-URL").format(url=t.url)))
        elif t.api_key and parts.scheme != "https":
            out.append(
                ((*here, "api_key"), _("de API-sleutel gaat nooit over onversleuteld HTTP: gebruik een https-URL"))
            )
        if not 100 <= t.expect_status <= 599:
            out.append(((*here, "expect_status"), _("{status} is geen HTTP-status").format(status=t.expect_status)))
        if t.budget_ms < 1:
            out.append(((*here, "budget_ms"), at_least_one()))
        if (t.name, t.env) in seen:
            out.append(((*here, "name"), _("'{name}' komt twee keer voor in {env}").format(name=t.name, env=t.env)))
        seen.add((t.name, t.env))
    return out
