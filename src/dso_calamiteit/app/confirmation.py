"""Use cases of confirmation: `calamiteit bevestig` (by name or id, by SMS reply code, by signed token) and
`oproep ID --status` reads them (app/callout_status.py).

Every confirmation is a `confirmation` entry in the incident's chain: who, which call-out, comes or cannot,
how it came in, and the coordinator's note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..domain.confirmation import REPLY_CODES, LinkRefused, digits, find_person, read_token
from ..domain.errors import UsageError
from ..domain.language import _
from ..domain.logbook import Entry
from ..domain.records import record
from .callout_status import Called, called
from .logbook import opened, stamp
from .place import Where

if TYPE_CHECKING:
    from ..adapters.config import Config


@record
class Link:
    """What a confirmation link's page may show: the incident, the person and role, and what this link
    already recorded ('' nothing yet). Nothing else of the logbook."""

    incident: str
    title: str
    name: str
    role: str
    answer: str


def _linked(store: Any, people: dict[str, Called], incident: str | None, signed: str) -> tuple[str, str, Called]:
    """(incident, call-out, the person) of a signed token, checked: signed by this logbook, of a call-out of
    the incident (the one named, or the one in the token) that reached that person, not yet answered."""
    callout, key = read_token(store.confirm_key(), signed)
    owner = callout.partition("/")[0]
    if incident is not None and owner != incident:
        raise LinkRefused("onbekend", _("deze bevestigingscode hoort niet bij een oproep van dit incident"))
    reached = callout in store.callouts(owner) and key in {d[1] for d in store.deliveries(callout)}
    if not reached or key not in people:
        raise LinkRefused("onbekend", _("deze bevestigingscode hoort niet bij een oproep van dit incident"))
    for e in store.of_kind(owner, "confirmation"):
        if e.data.get("via") == "link" and e.data["callout"] == callout and e.data["recipient"] == key:
            said = _("deze bevestigingslink is al gebruikt: vastgelegd is dat u komt")
            if e.data["answer"] != "komt":
                said = _("deze bevestigingslink is al gebruikt: vastgelegd is dat u niet kunt komen")
            raise LinkRefused(
                "gebruikt", said, _("Iets veranderd? Bel de coördinator; die legt het vast met calamiteit bevestig.")
            )
    return owner, callout, people[key]


def _owner(store: Any, signed: str) -> str:
    """The incident of a signed token's call-out (the call-out id starts with the incident's id and a /)."""
    callout, _who = read_token(store.confirm_key(), signed)
    owner = callout.partition("/")[0]
    if not owner or owner not in {s.id for s in store.summaries()}:
        raise LinkRefused("onbekend", _("deze bevestigingscode hoort niet bij een oproep van dit logboek"))
    return str(owner)


def link_page(config: Config, where: Where, signed: str) -> Link:
    """The page behind a confirmation link: refused (LinkRefused) when the token is forged, of no call-out of
    this logbook, or used."""
    with opened(where, readonly=True) as store, store.snapshot():
        owner = _owner(store, signed)
        incident, _callout, row = _linked(store, called(config, store, owner), None, signed)
        return Link(incident, store.summary(incident).title, row.recipient.name, row.recipient.role, row.answer)


def confirm(
    config: Config,
    where: Where,
    incident: str | None,
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
    with opened(where, create=False) as store, store.transaction():  # the write lock: a link answers once
        if incident is None:  # a confirmation link's page: the incident is the token's
            if signed is None:
                raise UsageError(_("welk incident?"))
            incident = _owner(store, signed)
        incident = store.resolve(incident)
        people = called(config, store, incident)
        callout = ""
        if signed is not None:
            incident, callout, row = _linked(store, people, incident, signed)
            via = "link"
        elif code is not None:
            answer = REPLY_CODES.get(code.strip())
            if answer is None:
                unknown = _("onbekende antwoordcode '{code}'").format(code=code)
                raise UsageError(unknown, _("1 = ik kom, 2 = ik kan niet."))
            number = digits(phone or "")
            hits = [r for r in people.values() if r.recipient.contact and digits(r.recipient.contact.phone) == number]
            if not number or len(hits) != 1:
                raise UsageError(
                    _("het nummer '{phone}' hoort bij niemand die voor dit incident is opgeroepen").format(
                        phone=phone or ""
                    )
                )
            row, via = hits[0], "sms"
        else:
            if not person:
                raise UsageError(
                    _("wie bevestigt? Geef een naam of contact-id"), _("Of --code met --telefoon, of --token.")
                )
            row = people[find_person(person, [p.recipient for p in people.values()], incident).key]
        if answer is None:
            raise UsageError(_("komt hij of zij? Geef --komt of --kan-niet"))
        body: dict[str, Any] = {
            "callout": callout or row.callout,  # a link's answer belongs to the call-out that sent the link
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
