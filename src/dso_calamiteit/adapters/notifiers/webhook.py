"""Webhooks: a Microsoft Teams channel through a Workflows (Power Automate) webhook, which takes an Adaptive
Card, or an organisation's own gateway (SMS, paging) that takes a plain JSON document.

One POST per call-out: the card names everyone, the gateway gets the list with phone numbers. A redirect is
not followed (the message is not sent anywhere else than configured), and the URL, itself a secret, is never
in a message.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Any

from ...domain.callout import Delivery, Message, Outcome, Recipient
from ...domain.callout import Webhook as Hook
from ...domain.safetext import markdown as esc
from .interface import Notifier
from .secrets import missing, secret

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def card(message: Message, recipients: Sequence[Recipient]) -> dict[str, Any]:
    """The Adaptive Card (version 1.5) in the envelope a Workflows webhook expects, built from its own elements:
    TextBlocks, a FactSet for the facts, a list for the team. Teams renders a subset of Markdown in TextBlocks
    and fact values (bold, italics, lists, links) and not headings or tables: every text from the incident is
    escaped, so a title like `[Klik hier](https://…)` stays text."""

    def text(value: str, **style: Any) -> dict[str, Any]:
        return {"type": "TextBlock", "text": esc(value), "wrap": True, **style}

    body: list[dict[str, Any]] = [
        text(message.subject, weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": [{"title": esc(k), "value": esc(v)} for k, v in message.facts]},
    ]
    for heading, lines in message.sections:
        if heading:
            body.append(text(heading, weight="Bolder", spacing="Medium"))
        items = [f"- {esc(x[2:])}" if x.startswith("- ") else esc(x) for x in lines]
        if items:
            body.append({"type": "TextBlock", "text": "\n".join(items), "wrap": True})
    if message.purpose == "sitrap" and not message.sections:
        fallback = f"Situatierapport {message.report}: de volledige tekst staat in de e-mail en het logboek."
        body.append(text(message.full_text_note or fallback))
    if recipients:
        body.append(text(message.called_heading, weight="Bolder", spacing="Medium"))
        team = [f"- {esc(r.role)}: {esc(r.name)} ({esc(r.org)})" for r in recipients]
        body.append({"type": "TextBlock", "text": "\n".join(team), "wrap": True})
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {"$schema": CARD_SCHEMA, "type": "AdaptiveCard", "version": "1.5", "body": body},
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


def idempotency_key(ids: Sequence[str]) -> str:
    """One key per POST, the same when the same recipients are sent the same call-out again."""
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()[:40]


class WebhookNotifier(Notifier):
    def __init__(self, hook: Hook) -> None:
        self.hook = hook
        self.channel = hook.id

    def deliver(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        """One POST for everyone, its outcome recorded for all of them at once. The whole answer must be in
        within the deadline (a gateway that answers one byte at a time is cut off)."""
        url = secret(self.hook.url_from)
        if not url:
            return self.all(recipients, "error", missing(self.hook.url_from, "de webhook-URL"))
        if self.hook.kind == "teams":
            payload = card(message, recipients)
        else:
            payload = document(message, recipients)
            payload["reply_text"] = message.reply_text
            for r, row in zip(recipients, payload["recipients"], strict=True):
                row["message_id"] = self.ids.get(r.key, "")
                row["confirm_url"] = self.links.get(r.key, "")
        key = idempotency_key([self.ids.get(r.key, r.key) for r in recipients])
        outcome, reason = post(url, payload, key, self.hook.timeout_seconds, self.channel)
        return self.all(recipients, outcome, reason)


def post(url: str, payload: dict[str, Any], key: str, seconds: float, channel: str) -> tuple[Outcome, str]:
    """POST within one overall deadline (connect + the whole answer); the outcome and why."""
    import httpx

    result: list[tuple[Outcome, str]] = []
    started: list[int] = []  # the status, once the answer's head is in

    def late() -> tuple[Outcome, str]:
        if started:
            status = started[0]
            return "timeout", f"{channel} begon te antwoorden (HTTP {status}) maar was niet binnen {seconds:g} s klaar"
        return "timeout", f"{channel} antwoordde niet binnen {seconds:g} s"

    # made before the clock starts: building a client (its TLS context) is this machine's time, not the server's
    client = httpx.Client(timeout=seconds, follow_redirects=False)

    def attempt() -> None:
        try:
            with client, client.stream("POST", url, json=payload, headers={"Idempotency-Key": key}) as answer:
                started.append(answer.status_code)
                answer.read()
        except httpx.TimeoutException:
            result.append(late())
            return
        except httpx.HTTPError as exc:  # never str(exc): it holds the URL
            result.append(("unreachable", f"{channel} is niet bereikbaar ({type(exc).__name__})"))
            return
        result.append(_status(answer.status_code, channel))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(seconds)
    if not result:  # still waiting, or reading a slow answer: given up (the thread ends with the process)
        return late()
    return result[0]


def _status(status: int, channel: str) -> tuple[Outcome, str]:
    if 200 <= status < 300:
        return "accepted", f"HTTP {status}"
    if 300 <= status < 400:
        return "refused", f"{channel} stuurt door naar een ander adres (HTTP {status}); niet gevolgd"
    if 400 <= status < 500:
        return "refused", f"{channel} weigerde het bericht (HTTP {status}); controleer de webhook"
    return "error", f"{channel} antwoordde HTTP {status} (fout bij de ontvanger; later opnieuw proberen)"
