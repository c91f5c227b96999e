"""`oproep ID --status`: per recipient of the incident's call-outs, their deliveries and their latest
confirmation. Kept apart from app/confirmation.py (tokens, HMAC, reply codes) so that this read imports only
what it reads: the logbook and the contacts (benchmarks/callout_status.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.contacts import Contact
from ..domain.recipients import Recipient, recipient_key
from .logbook import opened
from .place import Where

if TYPE_CHECKING:
    from ..adapters.config import Config


@dataclass
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
    contacts = {recipient_key(c): c for c in config.contacts.contacts}
    out: dict[str, Called] = {}
    for callout, channel, key, outcome, reason, at in store.incident_deliveries(incident):
        row = out.get(key)
        if row is None:
            c = contacts.get(key) or Contact("", key, "operationeel", key)  # since removed from contacts.yaml
            row = out[key] = Called(Recipient(key, c.name or c.role, c.org, c.role, c), callout)
        row.callout = callout
        row.deliveries.append((channel, outcome, reason, at))
        if at > row.since:
            row.since = at
    for e in store.of_kind(incident, "confirmation"):
        key, answer = e.data.get("recipient"), e.data.get("answer")
        if e.expected_hash() != e.hash or not isinstance(key, str) or answer not in ("komt", "kan_niet"):
            if altered is not None:
                altered.append(e.n)
            continue
        row = out.get(key)
        if row is not None:
            row.answer, row.via, row.since = answer, str(e.data.get("via", "")), e.at
            row.note = str(e.data.get("note", ""))
    return out


def status(config: Config, where: Where, incident: str) -> tuple[str, list[Called], list[int]]:
    """The incident's id, everyone called, and the numbers of confirmations left out as altered."""
    altered: list[int] = []
    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        return incident, list(called(config, store, incident, altered).values()), altered
