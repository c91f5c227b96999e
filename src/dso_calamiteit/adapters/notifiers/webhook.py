"""Webhooks: a Microsoft Teams channel through a Workflows (Power Automate) webhook, which takes an Adaptive
Card, or an organisation's own gateway (SMS, paging) that takes a plain JSON document.

One POST per call-out: the card names everyone, the gateway gets the list with phone numbers. A redirect is
not followed (the message is not sent anywhere else than configured), and the URL, itself a secret, is never
in a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...domain.callout import Delivery, Message, Recipient, Webhook
from .interface import Notifier
from .secrets import missing, secret

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def card(message: Message, recipients: Sequence[Recipient]) -> dict[str, Any]:
    """The Adaptive Card (version 1.4, what Teams renders) in the envelope a Workflows webhook expects."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.subject, "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts]},
        {"type": "TextBlock", "text": message.markdown, "wrap": True},
    ]
    if recipients:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": r.role, "value": f"{r.name} ({r.org})"} for r in recipients],
            }
        )
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {"$schema": CARD_SCHEMA, "type": "AdaptiveCard", "version": "1.4", "body": body},
            }
        ],
    }


def document(message: Message, recipients: Sequence[Recipient]) -> dict[str, Any]:
    """For a gateway of the organisation's own: everything it needs to text or page, as plain JSON."""
    return {
        "schema_version": 1,
        "kind": "callout",
        "purpose": message.purpose,
        "incident": message.incident,
        "title": message.title,
        "level": message.level,
        "level_name": message.level_name,
        "subject": message.subject,
        "text": message.markdown,
        "recipients": [
            {"id": r.key, "name": r.name, "org": r.org, "role": r.role, "phone": r.contact.phone.strip()}
            for r in recipients
        ],
    }


class WebhookNotifier(Notifier):
    def __init__(self, hook: Webhook) -> None:
        self.hook = hook
        self.channel = hook.id

    def send(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        import httpx

        url = secret(self.hook.url_from)
        if not url:
            return self.all(recipients, "error", missing(self.hook.url_from, "de webhook-URL"))
        payload = card(message, recipients) if self.hook.kind == "teams" else document(message, recipients)
        seconds = self.hook.timeout_seconds
        try:
            with httpx.Client(timeout=seconds, follow_redirects=False) as client:
                answer = client.post(url, json=payload)
        except httpx.TimeoutException:
            return self.all(recipients, "timeout", f"{self.channel} antwoordde niet binnen {seconds:g} s")
        except httpx.HTTPError as exc:  # never str(exc): it holds the URL
            return self.all(recipients, "unreachable", f"{self.channel} is niet bereikbaar ({type(exc).__name__})")
        status = answer.status_code
        if 200 <= status < 300:
            return self.all(recipients, "accepted", f"HTTP {status}")
        if 300 <= status < 400:
            return self.all(
                recipients, "refused", f"{self.channel} stuurt door naar een ander adres (HTTP {status}); niet gevolgd"
            )
        return self.all(recipients, "refused", f"{self.channel} antwoordde HTTP {status}")
