"""Availability of the DSO applications: the targets (config/monitor.yaml), judging one check, history figures.

Pure: the HTTP side is in probe.py, storage in store.py. States are the words an operator reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from .dutchtime import read_fixed
from .language import N_, _
from .records import record
from .schema import STRICT

Env = Literal["prod", "pre"]
State = Literal["beschikbaar", "traag", "onbeschikbaar", "onderhoud"]
ANSWERED = ("beschikbaar", "traag")  # answered correctly: slow counts as available (blackbox's probe_success too)


@record
class Target:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    name: str
    """Naam van de applicatie zoals coördinatoren hem noemen; uniek per omgeving."""
    url: str
    """Volledige http(s)-URL die wordt opgevraagd."""
    env: Env
    """Omgeving: prod of pre."""
    expect_status: int = 200
    """De HTTP-status die 'beschikbaar' betekent."""
    budget_ms: int = 2000
    """Langer dan dit (in milliseconden) is 'traag'."""
    api_key: bool = False
    """Stuur de sleutel uit DSO_API_KEY mee als x-api-key: alleen over https, alleen naar dezelfde host en poort."""
    contains: str = ""
    """Tekst die in het antwoord moet staan (optioneel; alleen zo veel wordt gelezen als nodig)."""

    @property
    def origin(self) -> tuple[str, str, int | None]:
        return origin(self.url)


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in: the unit a secret may be sent to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"https": 443, "http": 80}.get(scheme)


@record
class MonitorFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    targets: tuple[Target, ...]
    """De te controleren adressen."""
    concurrency: int = 10
    """Hoeveel controles tegelijk lopen."""
    timeout_s: float = 10.0
    """Maximale duur van één controle in seconden (standaard; --timeout overschrijft)."""
    max_body_kb: int = 1024
    """Hoeveel van een antwoord hooguit wordt gelezen om 'contains' te zoeken."""


@record
class Window:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    application: str
    """Naam van de applicatie zoals in config/monitor.yaml."""
    start: str
    """Begin, Nederlandse tijd: JJJJ-MM-DD HH:MM (in het uur dat de klok terug gaat eventueel +02:00 of +01:00)."""
    end: str
    """Einde, Nederlandse tijd: JJJJ-MM-DD HH:MM (na het begin; over de klokwissel heen telt de echte tijd)."""
    description: str
    """Wat er gebeurt, bijvoorbeeld 'Release 2026.12 van het Omgevingsloket'."""
    env: Env | None = None
    """Alleen deze omgeving (prod of pre); weglaten: beide."""

    def bounds(self) -> tuple[datetime, datetime]:
        """(start, end) as UTC moments; the file's validation has made sure both read.

        Dutch time over the clock change: an end in the hour the clock goes back over takes its first reading
        after the start (02:45 to 02:15 that night is a window of 30 minutes).
        """
        start = read_fixed(self.start).at.astimezone(UTC)
        return start, read_fixed(self.end, after=start).at.astimezone(UTC)

    def covers(self, target: Target, at: datetime) -> bool:
        if self.application.casefold() != target.name.casefold() or self.env not in (None, target.env):
            return False
        start, end = self.bounds()
        return start <= at < end


@record
class MaintenanceFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    windows: tuple[Window, ...] = ()
    """Gepland onderhoud: een applicatie in zo'n venster heet 'onderhoud', niet 'onbeschikbaar'."""

    def window(self, target: Target, at: datetime) -> Window | None:
        return next((w for w in self.windows if w.covers(target, at)), None)


# Why a check was not simply available: a kind (an id, what is stored and compared) and the Dutch words it is
# shown in (the msgid; `_` gives the reader's language when shown). The values fill the {names}.
REASONS = {
    "time-out": N_("time-out"),
    "proxy": N_("proxy-fout (proxy onbereikbaar of weigert)"),
    "certificate": N_("certificaatfout (certificaat niet vertrouwd of ongeldig)"),
    "tls": N_("TLS-fout"),
    "dns": N_("DNS-fout (naam niet gevonden)"),
    "refused": N_("verbinding geweigerd"),
    "reset": N_("verbinding verbroken"),
    "no-answer": N_("verbinding verbroken zonder antwoord"),
    "failed": N_("verbinding mislukt ({error})"),
    "insecure-redirect": N_("onveilige doorverwijzing van HTTPS naar HTTP (niet gevolgd)"),
    "redirects": N_("te veel doorverwijzingen (meer dan {most})"),
    "unreadable": N_("antwoord niet te lezen ({encoding}-fout)"),
    "encoding": N_("antwoord in een onbekende codering ({encoding})"),
    "status": N_("onverwachte status {status} (verwacht {expected})"),
    "status-key": N_("onverwachte status {status} (verwacht {expected}); API-sleutel ontbreekt of is geweigerd"),
    "text": N_("tekst '{text}' ontbreekt"),
    "slow": N_("trager dan budget ({latency} > {budget} ms)"),
    "maintenance": N_("gepland onderhoud tot {end}: {description}"),
}
WORDS = "words"  # an older record's reason: the Dutch words it was stored in, shown as they are


@record
class Reason:
    """Why a check was not simply available, language-neutral: a kind from REASONS and its values. Stored as a
    small JSON object, worded in the reader's language when shown (`text`); '' (no kind) when it was available.
    A reason stored as words, before session 31, reads back as those words (kind WORDS), shown as stored."""

    kind: str = ""
    values: tuple[tuple[str, str | int], ...] = ()

    @classmethod
    def of(cls, kind: str, **values: str | int) -> Reason:
        if kind not in REASONS:
            raise ValueError(f"unknown reason kind {kind!r}")
        return cls(kind, tuple(sorted(values.items())))

    def __bool__(self) -> bool:
        return bool(self.kind)

    def text(self) -> str:
        """The reason in the reader's language."""
        if not self.kind:
            return ""
        if self.kind == WORDS:
            return str(dict(self.values).get(WORDS, ""))
        return _(REASONS[self.kind]).format(**dict(self.values))

    def stored(self) -> str:
        """What the logbook keeps: the same in every language ('' for none; older words as they were)."""
        if not self.kind:
            return ""
        if self.kind == WORDS:
            return str(dict(self.values).get(WORDS, ""))
        return json.dumps({"kind": self.kind, **dict(self.values)}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def read(cls, stored: str) -> Reason:
        """A stored reason back: our JSON with a known kind and the values its words need; anything else (a Dutch
        text an older version stored) is kept as words, shown as stored."""
        if not stored:
            return cls()
        if stored.startswith("{"):
            try:
                data = json.loads(stored)
            except ValueError:
                data = None
            if isinstance(data, dict) and data.get("kind") in REASONS:
                kind = data.pop("kind")
                values = {k: v for k, v in data.items() if isinstance(v, str | int) and not isinstance(v, bool)}
                try:
                    REASONS[kind].format(**values)
                except (KeyError, IndexError, ValueError):
                    pass
                else:
                    return cls(kind, tuple(sorted(values.items())))
        return cls(WORDS, ((WORDS, stored),))


@record
class Check:
    """The outcome of one request as the probe saw it, before judging."""

    status: int | None
    latency_ms: float | None
    found_text: bool | None  # None: no text asked for, or not got that far
    failure: Reason | None  # why no usable answer came
    cert_expires: float | None = None  # the TLS certificate's notAfter (Unix time), where an HTTPS answer came


@record
class Result:
    target: Target
    state: State
    status: int | None
    latency_ms: float | None
    reason: Reason
    checked_at: str
    observed: str = ""  # what the check itself found; differs from `state` only in planned maintenance
    cert_expires: float | None = None


def judge(target: Target, check: Check, checked_at: str, maintenance: Window | None = None) -> Result:
    """Available only with the expected status, the text (if asked) and within budget; slow when over budget.
    In a planned maintenance window the state is 'onderhoud', whatever the answer: not an outage (what the check
    found is kept as `observed`)."""
    state, reason = _verdict(target, check)
    if maintenance is not None:
        planned = Reason.of("maintenance", end=maintenance.end, description=maintenance.description)
        return Result(
            target, "onderhoud", check.status, check.latency_ms, planned, checked_at, state, check.cert_expires
        )
    return Result(target, state, check.status, check.latency_ms, reason, checked_at, state, check.cert_expires)


def _verdict(target: Target, check: Check) -> tuple[State, Reason]:
    if check.failure is not None:
        return "onbeschikbaar", check.failure
    if check.status != target.expect_status:
        kind = "status-key" if check.status in (401, 403) and target.api_key else "status"
        status = check.status if check.status is not None else "?"
        return "onbeschikbaar", Reason.of(kind, status=status, expected=target.expect_status)
    if target.contains and not check.found_text:
        return "onbeschikbaar", Reason.of("text", text=target.contains)
    if check.latency_ms is not None and check.latency_ms > target.budget_ms:
        return "traag", Reason.of("slow", latency=int(f"{check.latency_ms:.0f}"), budget=target.budget_ms)
    return "beschikbaar", Reason()


def select(targets: Iterable[Target], env: str | None, only: Iterable[str]) -> list[Target]:
    """Targets of one environment and/or with the given names (case-insensitive)."""
    wanted = {n.casefold() for n in only}
    return [t for t in targets if (env is None or t.env == env) and (not wanted or t.name.casefold() in wanted)]


def summary(results: list[Result]) -> str:
    counts = {s: sum(r.state == s for r in results) for s in ("beschikbaar", "traag", "onbeschikbaar", "onderhoud")}
    text = _("{up} van {total} beschikbaar, {slow} traag, {down} onbeschikbaar").format(
        up=counts["beschikbaar"], total=len(results), slow=counts["traag"], down=counts["onbeschikbaar"]
    )
    planned = _(", {count} in gepland onderhoud").format(count=counts["onderhoud"]) if counts["onderhoud"] else ""
    return text + planned


LOCAL_FAILURES = frozenset({"dns", "refused", "proxy", "failed"})  # no server answered: kinds of Reason
LIKELY_LOCAL = N_(
    "geen enkele applicatie bereikbaar, alle op DNS of verbinding: waarschijnlijk ligt het aan het eigen netwerk "
    "of de proxy (HTTPS_PROXY/NO_PROXY), niet aan het DSO"
)


def likely_cause(results: list[Result]) -> str | None:
    """When every target (two or more) fails before any server answered, the cause is most likely on this
    side: the coordinator's network, DNS or proxy. Said so that a false total outage is not reported."""
    if len(results) < 2:
        return None
    if all(r.state == "onbeschikbaar" and r.reason.kind in LOCAL_FAILURES for r in results):
        return LIKELY_LOCAL
    return None


@record
class Availability:
    name: str
    env: str
    checks: int
    available_pct: float  # 'traag' counts as available: it answered correctly, only late
    median_latency_ms: float | None
    maintenance: int = 0  # checks in planned maintenance: counted apart, not in the share


def availability(rows: Iterable[tuple[str, str, str, float | None]]) -> list[Availability]:
    """From recorded (name, env, state, latency) rows: per application the share available and median latency."""
    import statistics

    grouped: dict[tuple[str, str], list[tuple[str, float | None]]] = {}
    for name, env, state, latency in rows:
        grouped.setdefault((name, env), []).append((state, latency))
    out = []
    for (name, env), everything in sorted(grouped.items()):
        checks = [(state, lat) for state, lat in everything if state != "onderhoud"]
        planned = len(everything) - len(checks)
        up = sum(state != "onbeschikbaar" for state, _ in checks)
        latencies = [lat for state, lat in checks if lat is not None and state != "onbeschikbaar"]
        share = 100.0 * up / len(checks) if checks else 100.0
        median = statistics.median(latencies) if latencies else None
        out.append(Availability(name, env, len(checks), share, median, planned))
    return out
