"""Who a call-out reaches, as the logbook records them: small on purpose, so that reading a call-out's
deliveries and confirmations (`oproep --status`) need not import the call-out's message and channels."""

from __future__ import annotations

from .contacts import Contact
from .records import record


def recipient_key(contact: Contact) -> str:
    """What the logbook records for a recipient: the contact's id, else organisation and role; never an
    address."""
    return contact.id or f"{contact.org}/{contact.role}"


@record
class Recipient:
    key: str
    name: str
    org: str
    role: str  # the role they are called for (the team's role, or the contact's own)
    contact: Contact


CHANNEL_WORDS = {"email": "e-mail"}


def channel_word(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, channel)
