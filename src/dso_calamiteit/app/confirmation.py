"""Use cases of confirmation: `calamiteit bevestig` (by name or id, by SMS reply code, by signed token) and
`oproep ID --status` (per role: who was called, how, what came of it, confirmed or not and since when).

Every confirmation is a `confirmation` entry in the incident's chain: who, which call-out, comes or cannot,
how it came in, and the coordinator's note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.confirmation import REPLY_CODES, digits, find_person, read_token
from ..domain.contacts import Contact
from ..domain.errors import UsageError
from ..domain.logbook import Entry
from ..domain.recipients import Recipient, recipient_key
from .logbook import opened, stamp
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


def called(config: Config, store: Any, incident: str) -> dict[str, Called]:
    """Everyone the incident's call-outs reached for, in the order first called, with their confirmations."""
    contacts = {recipient_key(c): c for c in config.contacts.contacts}
    out: dict[str, Called] = {}
    for callout in store.callouts(incident):
        for channel, key, _, outcome, reason, at in store.deliveries(callout):
            c = contacts.get(key) or Contact("", key, "operationeel", key)  # since removed from contacts.yaml
            person = Recipient(key, c.name or c.role, c.org, c.role, c)
            row = out.setdefault(key, Called(person, callout))
            row.callout = callout
            row.deliveries.append((channel, outcome, reason, at))
            row.since = max(row.since, at)
    for e in store.of_kind(incident, "confirmation"):
        if e.data["recipient"] in out:
            row = out[e.data["recipient"]]
            row.answer, row.via, row.since, row.note = e.data["answer"], e.data["via"], e.at, e.data.get("note", "")
    return out


def confirm(
    config: Config,
    where: Where,
    incident: str,
    *,
    author: str,
    person: str | None = None,
    answer: str | None = None,
    via: str = "telefoon",
    note: str = "",
    code: str | None = None,
    phone: str | None = None,
    signed: str | None = None,
) -> tuple[Entry, Called]:
    """Record one confirmation: a person the coordinator names, an SMS reply code from a phone number, or a
    signed token from a confirmation link."""
    with opened(where, create=False) as store:
        incident = store.resolve(incident)
        people = called(config, store, incident)
        if signed is not None:
            callout, key = read_token(store.confirm_key(), signed)
            if key not in people or not callout.startswith(incident + "/"):
                raise UsageError("deze bevestigingscode hoort niet bij een oproep van dit incident")
            row, via = people[key], "link"
        elif code is not None:
            answer = REPLY_CODES.get(code.strip())
            if answer is None:
                raise UsageError(f"onbekende antwoordcode '{code}'", "1 = ik kom, 2 = ik kan niet.")
            number = digits(phone or "")
            hits = [r for r in people.values() if r.recipient.contact and digits(r.recipient.contact.phone) == number]
            if not number or len(hits) != 1:
                raise UsageError(f"het nummer '{phone or ''}' hoort bij niemand die voor dit incident is opgeroepen")
            row, via = hits[0], "sms"
        else:
            if not person:
                raise UsageError("wie bevestigt? Geef een naam of contact-id", "Of --code met --telefoon, of --token.")
            row = people[find_person(person, [p.recipient for p in people.values()]).key]
        if answer is None:
            raise UsageError("komt hij of zij? Geef --komt of --kan-niet")
        body: dict[str, Any] = {
            "callout": row.callout,
            "recipient": row.recipient.key,
            "name": row.recipient.name,
            "role": row.recipient.role,
            "answer": answer,
            "via": via,
        }
        if note.strip():
            body["note"] = note.strip()
        entry = store.append(incident, "confirmation", body, author, stamp())
    row.answer, row.via, row.since, row.note = answer, via, entry.at, note.strip()
    return entry, row


def status(config: Config, where: Where, incident: str) -> tuple[str, list[Called]]:
    with opened(where, readonly=True) as store:
        incident = store.resolve(incident)
        return incident, list(called(config, store, incident).values())
