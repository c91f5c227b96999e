"""`oproep ID --status`: per recipient of the incident's call-outs, their deliveries and their latest
confirmation. Kept apart from app/confirmation.py (tokens, HMAC, reply codes) so that this read imports only
what it reads: the logbook and the contacts (benchmarks/callout_status.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import field
from typing import TYPE_CHECKING, Any

from ..adapters import config as files
from ..adapters.stores import reading
from ..domain.contacts import Contact
from ..domain.hashing import entry_hash
from ..domain.recipients import Recipient, recipient_key
from ..domain.records import record
from .logbook import locate, opened
from .place import Where

if TYPE_CHECKING:
    from pathlib import Path

    from ..adapters.config import Config
    from ..adapters.stores.reading import Delivery


@record(frozen=False)
class Called:
    """One recipient of the incident's call-outs: their deliveries and their latest confirmation."""

    recipient: Recipient
    callout: str
    deliveries: list[tuple[str, str, str, str]] = field(default_factory=list)  # (channel, outcome, reason, at)
    answer: str = ""  # komt | kan_niet | '' (no answer)
    via: str = ""
    since: str = ""  # when they answered, else when they were last called
    note: str = ""


def called(config: Config, store: Any, incident: str, altered: list[int] | None = None) -> dict[str, Called]:
    """Everyone the incident's call-outs reached for, in the order first called, with their confirmations:
    the deliveries in one query, oldest first, each recipient's contact looked up once. A person's call-out is
    the latest that reached for them (a confirmation by name is recorded against it). A confirmation whose
    stored row does not match its own hash (edited in the database) or does not read as one is not counted:
    its number goes to `altered`, for the caller to say (a forged "komt" must not stop an escalation)."""
    confirmations = ((e.n, e.at, e.body, e.expected_hash() == e.hash) for e in store.of_kind(incident, "confirmation"))
    return _collect(config, store.incident_deliveries(incident), confirmations, altered)


def _collect(
    config: Config,
    deliveries: Iterable[Delivery],
    confirmations: Iterable[tuple[int, str, str, bool]],  # (n, at, body, whether it matches its hash)
    altered: list[int] | None,
) -> dict[str, Called]:
    contacts = {recipient_key(c): c for c in config.contacts.contacts}
    out: dict[str, Called] = {}
    for callout, channel, key, outcome, reason, at in deliveries:
        row = out.get(key)
        if row is None:
            c = contacts.get(key) or Contact("", key, "operationeel", key)  # since removed from contacts.yaml
            row = out[key] = Called(Recipient(key, c.name or c.role, c.org, c.role, c), callout)
        row.callout = callout
        row.deliveries.append((channel, outcome, reason, at))
        if at > row.since:
            row.since = at
    for n, at, body, intact in confirmations:
        data = _parsed(body)
        who, answer = data.get("recipient"), data.get("answer")
        if not intact or not isinstance(who, str) or answer not in ("komt", "kan_niet"):
            if altered is not None:
                altered.append(n)
            continue
        row = out.get(who)
        if row is not None:
            row.answer, row.via, row.since = answer, str(data.get("via", "")), at
            row.note = str(data.get("note", ""))
    return out


def _parsed(body: str) -> dict[str, Any]:
    """The body as an object; an empty one when it is none (then it does not read as a confirmation)."""
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def configured(config_dir: Path | None) -> Config:
    """The configuration, without app.configuration (what `check` needs): the status reads only the contacts."""
    return files.load(files.locate(config_dir))


def status(config: Config, where: Where, incident: str) -> tuple[str, list[Called], list[int]]:
    """The incident's id, everyone called, and the numbers of confirmations left out as altered. The ordinary
    case (a SQLite logbook, the full id) is a plain read of the rows (adapters.stores.reading); every other
    case opens the Store."""
    altered: list[int] = []
    found = reading.callout_status(locate(where).path, incident)  # None for PostgreSQL: no path
    if found is not None:
        deliveries, stored = found
        confirmations = (
            (n, at, body, entry_hash(incident, n, at, author, kind, body, prev) == hashed)
            for n, at, author, kind, body, prev, hashed in stored
        )
        return incident, list(_collect(config, deliveries, confirmations, altered).values()), altered
    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        return incident, list(called(config, store, incident, altered).values()), altered
