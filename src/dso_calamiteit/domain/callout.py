"""The call-out: whom to reach through which channel, the message they get, and what came of each delivery.

Pure: the configuration (config/oproep.yaml) as dataclasses, who is reached through what, and what a
convocation or a sitrap says (its words are views.callout's). Sending is for the notifiers
(adapters/notifiers/); recording for app.callout.
Secrets are never here: the file names the environment variable (or keyring entry) that holds each one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from datetime import datetime
from typing import Any, ClassVar, Literal

from . import delivery_reasons
from .confirmation import REPLY_TEXT
from .contacts import Contact, ContactsFile
from .criteria import Level
from .language import N_, _
from .logbook import Incident
from .recipients import Recipient as Recipient  # re-exported (domain/recipients.py)
from .recipients import channel_word as channel_word
from .recipients import recipient_key as recipient_key
from .records import record
from .schema import STRICT
from .sitrap import Sitrap
from .teams import Convocation

Security = Literal["starttls", "tls", "geen"]
WebhookKind = Literal["teams", "json"]
Outcome = Literal["accepted", "refused", "timeout", "unreachable", "error"]
EMAIL = "email"


@record
class EmailChannel:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    host: str
    """SMTP-server, bijvoorbeeld smtp.example.nl."""
    sender: str
    """Afzender (From), bijvoorbeeld calamiteiten@example.nl."""
    port: int = 587
    """Poort: 587 bij starttls, 465 bij tls."""
    security: Security = "starttls"
    """starttls (aanbevolen), tls (impliciet, poort 465) of geen (alleen voor een server op deze machine)."""
    username: str = ""
    """Gebruikersnaam voor aanmelden; leeg: niet aanmelden."""
    password_from: str = "CALAMITEIT_SMTP_WACHTWOORD"
    """Naam van de omgevingsvariabele (of sleutelbos-item) met het wachtwoord; nooit het wachtwoord zelf."""
    separate: bool = True
    """Eén bericht per ontvanger (true) of één bericht met alle ontvangers in BCC (false)."""
    timeout_seconds: float = 20
    """Hoe lang op de server gewacht wordt, per stap."""
    lang: Literal["", "nl", "en"] = ""
    """Taal van de berichten via dit kanaal: nl of en; leeg: die van de opdracht (--lang)."""


@record
class Webhook:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Naam van het kanaal, gebruikt in routes (kleine letters, cijfers en '-')."""
    kind: WebhookKind
    """teams (Workflows-webhook, Adaptive Card) of json (eigen gateway, bijvoorbeeld sms of piepers)."""
    url_from: str
    """Naam van de omgevingsvariabele (of sleutelbos-item) met de URL: een webhook-URL is zelf een geheim."""
    timeout_seconds: float = 10
    """Hoe lang op het antwoord gewacht wordt."""
    lang: Literal["", "nl", "en"] = ""
    """Taal van de berichten via dit kanaal (bijvoorbeeld en voor een kanaal naar leveranciers); leeg: die van de
    opdracht (--lang)."""


@record
class Routes:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    default: tuple[str, ...] = (EMAIL,)
    """Kanalen voor iedereen zonder eigen regel: email en/of ids van webhooks."""
    organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per organisatie-id (contacts.yaml) de kanalen, in plaats van default."""
    contacts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per contact-id (contacts.yaml) de kanalen, in plaats van die van de organisatie."""


@record
class Escalation:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    level: int
    """Het niveau (criteria.yaml) waarvoor dit geldt."""
    wait_minutes: float = 10
    """Hoe lang op een bevestiging gewacht wordt voordat herinnerd en de volgende voor de rol opgeroepen wordt."""
    repeats: int = 1
    """Hoe vaak een opgeroepene die niet antwoordt een herinnering krijgt."""


@record
class CalloutFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    email: EmailChannel | None = None
    """Het e-mailkanaal (SMTP); weglaten: geen e-mail."""
    webhooks: tuple[Webhook, ...] = ()
    """Teams-kanalen en eigen gateways."""
    routes: Routes = field(default_factory=Routes)
    """Wie via welk kanaal bereikt wordt."""
    meeting: str = ""
    """Waar het team bijeenkomt: vergaderplek of brug (telefoon, Teams-link); staat in elke oproep."""
    subject_prefix: str = "[DSO calamiteit]"
    """Begin van het onderwerp van elke e-mail."""
    confirm_url: str = ""
    """Adres van de bevestigingspagina (bijvoorbeeld https://oct.example.nl/bevestig); leeg: geen link."""
    escalation: tuple[Escalation, ...] = ()
    """Per niveau: wachttijd op een bevestiging en aantal herinneringen (anders 10 minuten en 1)."""
    deadline_seconds: float | None = None
    """Hoogstens zoveel seconden voor de hele oproep (alle kanalen samen); daarna probeert geen kanaal nog een
    volgende ontvanger en blijft de rest openstaan voor een volgende run. Leeg: geen grens."""

    def escalation_for(self, level: int) -> Escalation:
        return next((e for e in self.escalation if e.level == level), Escalation(level))

    def channel_ids(self) -> list[str]:
        return ([EMAIL] if self.email else []) + [w.id for w in self.webhooks]

    def lang_of(self, channel: str) -> str:
        """The language a channel's messages are in ('': the run's own)."""
        if channel == EMAIL:
            return self.email.lang if self.email else ""
        found = self.webhook(channel)
        return found.lang if found else ""

    def webhook(self, channel: str) -> Webhook | None:
        return next((w for w in self.webhooks if w.id == channel), None)

    def channels_for(self, contact: Contact) -> tuple[str, ...]:
        if contact.id and contact.id in self.routes.contacts:
            return self.routes.contacts[contact.id]
        return self.routes.organisations.get(contact.org, self.routes.default)


@record
class Delivery:
    """What came of one channel for one recipient."""

    channel: str
    recipient: str  # recipient_key
    outcome: Outcome
    reason: str = ""

    def as_record(self) -> dict[str, str]:
        """What the `callout` entry keeps (hash chain): the reason as recorded, the same in every language (a
        kind and values, or one of the tool's messages; domain/delivery_reasons.py)."""
        return {"channel": self.channel, "recipient": self.recipient, "outcome": self.outcome, "reason": self.reason}

    def as_json(self) -> dict[str, str | None]:
        """For scripts (`--json`): the reason in Dutch words in either language, and its kind (None for words)."""
        worded = {"reason": delivery_reasons.dutch(self.reason), "reason_kind": delivery_reasons.kind(self.reason)}
        return self.as_record() | worded


@record
class Message:
    """One call-out: the same words for every channel (Markdown; e-mail adds an HTML rendering)."""

    purpose: Literal["convocation", "sitrap"]
    incident: str
    title: str
    level: int
    level_name: str
    subject: str
    markdown: str
    facts: tuple[tuple[str, str], ...]  # for a card: (label, value)
    report: int | None = None  # the sitrap's number, for a sitrap
    # for a card: (heading, lines) of plain text, the parts of the message a card shows (it cannot show Markdown
    # headings or tables); the card escapes them
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # for a card, worded with the message (a channel may speak another language than the run): the heading over
    # the people called out, and what a card says instead of a sitrap's full text
    called_heading: str = "Opgeroepen"
    full_text_note: str = ""
    # the language it is worded in (an e-mail's <html lang>), and the words a channel adds for a confirmation:
    # before the link in an e-mail, and a gateway's reply instruction (domain.confirmation.REPLY_TEXT)
    lang: str = "nl"
    confirm_prompt: str = "**Kom je?** Bevestig of meld af:"
    reply_text: str = REPLY_TEXT
    # for a card that would not fit in one Teams message: the line for the people left out ({count}), and what
    # it says where the rest of its text was left out
    more_called: str = N_("+{count} meer")  # the defaults; views/callout words them in the message's language
    cut_note: str = N_("Ingekort: de rest past niet in één Teams-bericht.")


@record
class Draft:
    """What a call-out says, before it is worded: app.callout decides what goes out, the face's view
    (views.callout.message) writes the subject and the Markdown every channel sends."""

    purpose: Literal["convocation", "sitrap"]
    incident: Incident
    level: Level
    team_name: str
    meeting: str  # where the team meets (config/oproep.yaml), or ''
    subject_prefix: str
    next_update: datetime | None
    called_at: datetime
    org_names: dict[str, str]
    advised: bool = False  # a convocation: whether the incident has an assessment to quote
    advice_reason: str = ""
    triggered: tuple[str, ...] = ()  # the texts of the criteria answered 'ja' in that assessment
    concept: Sitrap | None = None  # a convocation: the picture now, as an unnumbered sitrap
    report: int | None = None  # a sitrap: its number
    report_text: str = ""  # a sitrap: its Markdown, as made and recorded
    report_sections: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a sitrap: the same, as a card's plain sections
    # the decision that set the level (a convocation): who, when, from which level, why; '' when it was opened so
    decided_by: str = ""
    decided_at: str = ""  # stored stamp
    decided_from: str = ""  # the label of the level before
    decision_reason: str = ""
    advice_differs: bool = False  # the latest advice's level is not the level decided: then the advice is shown
    advice_level: str = ""  # the label of the advised level


@record(frozen=False)
class Plan:
    """Who gets the message through which channel; who cannot be reached through one of theirs."""

    message: Message
    routes: dict[str, list[Recipient]] = field(default_factory=dict)  # channel → recipients
    unreachable: list[Delivery] = field(default_factory=list)  # "niet bereikbaar via …"
    already: list[Delivery] = field(default_factory=list)  # accepted by an earlier run: not sent again
    nobody: list[str] = field(default_factory=list)  # roles with nobody reachable now

    @property
    def count(self) -> int:
        return len({r.key for rs in self.routes.values() for r in rs})


def language_for(channel: str, recipient: Recipient, config: CalloutFile, contacts: ContactsFile) -> str:
    """The language a recipient gets a call-out in through `channel` ('': the run's): the contact's own
    `lang:`, else its organisation's (contacts.yaml), else the channel's (config/oproep.yaml)."""
    return contacts.language_of(recipient.contact) or config.lang_of(channel)


def address(channel: str, contact: Contact, config: CalloutFile) -> str:
    """The address a channel needs for this contact ('' when the contact has none): e-mail for e-mail, a
    phone number for a JSON gateway (SMS), nothing for a Teams channel (the card names everyone)."""
    if channel == EMAIL:
        return contact.email.strip()
    hook = config.webhook(channel)
    if hook is not None and hook.kind == "json":
        return contact.phone.strip()
    return "teams"


def plan(
    message: Message,
    recipients: Iterable[Recipient],
    config: CalloutFile,
    delivered: Mapping[tuple[str, str], Delivery] | None = None,
) -> Plan:
    """Route every recipient; `delivered` holds what an earlier run of the same call-out got accepted
    (channel, recipient) → delivery: those are not sent again."""
    found = Plan(message)
    delivered = delivered or {}
    configured = set(config.channel_ids())
    for r in recipients:
        for channel in config.channels_for(r.contact):
            if channel not in configured:
                found.unreachable.append(Delivery(channel, r.key, "unreachable", N_("kanaal niet ingesteld")))
            elif not address(channel, r.contact, config):
                kind = "no-email" if channel == EMAIL else "no-phone"
                why = delivery_reasons.reason(kind, channel=channel_word(channel))
                found.unreachable.append(Delivery(channel, r.key, "unreachable", why))
            elif (channel, r.key) in delivered:
                found.already.append(delivered[(channel, r.key)])
            else:
                found.routes.setdefault(channel, []).append(r)
    return found


def from_team(convocation: Convocation | None, contacts: ContactsFile) -> tuple[list[Recipient], list[str]]:
    """The reachable contact of each role of a team (app.readiness.convocation), and the roles with nobody."""
    if not convocation:
        return [], []
    recipients: list[Recipient] = []
    nobody: list[str] = []
    by_name = {(c.org, c.role, c.name, c.phone): c for c in contacts.contacts}
    for member in convocation.members:
        if not member.reachable:
            nobody.append(f"{member.role} ({member.org})")
            continue
        first = member.reachable[0]
        contact = by_name.get((first.org, first.role, first.name, first.phone))
        if contact is None:
            continue
        key = recipient_key(contact)
        if all(r.key != key for r in recipients):
            recipients.append(Recipient(key, contact.name or contact.role, contact.org, member.role, contact))
    return recipients, nobody


def outcome_counts(deliveries: Sequence[Delivery]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in deliveries:
        counts[d.outcome] = counts.get(d.outcome, 0) + 1
    return counts


def address_warnings(contacts: Iterable[Contact]) -> list[str]:
    """Addresses that only some mail servers take: a local part (before the @) with a character outside ASCII
    needs SMTPUTF8; without it, that one recipient is refused (the others still get it)."""
    out: list[str] = []
    for c in contacts:
        local = c.email.strip().rpartition("@")[0]
        odd = next((ch for ch in local if not ch.isascii()), "")
        if odd:
            out.append(
                _(
                    "contact {contact}: e-mailadres met '{odd}' voor de @; alleen een mailserver met "
                    "SMTPUTF8 neemt het aan (de anderen krijgen de oproep wel)"
                ).format(contact=c.id or c.name or c.role, odd=odd)
            )
    return out


@record
class ChannelBound:
    """The longest one channel of a call-out can take (domain.callout.bounds)."""

    channel: str
    seconds: float
    messages: int  # messages sent one after the other on this channel (a webhook: one POST)
    deadline: float  # its `timeout_seconds`


def bounds(config: CalloutFile, contacts: Iterable[Contact]) -> list[ChannelBound]:
    """Per channel the longest a call-out to `contacts` can take; the channels run side by side, so the whole
    call-out's bound is the slowest channel's. E-mail: the connection's deadline, then per recipient routed to
    e-mail its message's deadline with at most one new connection and a second try after a drop (three
    deadlines; a BCC message is one message), plus 2 s to say goodbye. A webhook: one POST within its deadline."""
    people = list(contacts)
    out: list[ChannelBound] = []
    if config.email is not None:
        t = config.email.timeout_seconds
        routed = sum(1 for c in people if c.email and EMAIL in config.channels_for(c))
        messages = routed if config.email.separate else min(routed, 1)
        if messages:
            out.append(ChannelBound(EMAIL, t + messages * 3 * t + 2, messages, t))
    for w in config.webhooks:
        if any(w.id in config.channels_for(c) for c in people):
            out.append(ChannelBound(w.id, w.timeout_seconds, 1, w.timeout_seconds))
    return out
