"""Webhooks: a Microsoft Teams channel through a Workflows (Power Automate) webhook, which takes an Adaptive
Card, or an organisation's own gateway (SMS, paging) that takes a plain JSON document.

One POST per call-out: the card names everyone, the gateway gets the list with phone numbers. A redirect is
not followed (the message is not sent anywhere else than configured), and the URL, itself a secret, is never
in a message.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from typing import Any

from ...domain.callout import Delivery, Message, Outcome, Recipient
from ...domain.callout import Webhook as Hook
from ...domain.delivery_reasons import reason
from ...domain.language import _
from ...domain.safetext import markdown as esc
from .interface import Notifier
from .secrets import KEYRING_SERVICE, secret

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


# Teams takes a message of about 28 KB (the Workflows webhook refuses a bigger one): a card is kept below this many
# bytes of the JSON as posted (`encoded`), its team list cut first, then its text from the end.
TEAMS_MAX_BYTES = 28_000


def encoded(payload: dict[str, Any]) -> bytes:
    """The JSON exactly as it is posted (and measured against TEAMS_MAX_BYTES)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def card(message: Message, recipients: Sequence[Recipient], limit: int = TEAMS_MAX_BYTES) -> dict[str, Any]:
    """The Adaptive Card (version 1.5) in the envelope a Workflows webhook expects, built from its own elements:
    TextBlocks, a FactSet for the facts, a list for the team. Teams renders a subset of Markdown in TextBlocks
    and fact values (bold, italics, lists, links) and not headings or tables: every text from the incident is
    escaped, so a title like `[Klik hier](https://…)` stays text.

    Kept below `limit` bytes as posted: when the whole card does not fit, the team list is cut to as many
    people as fit, with one line for the rest ("+12 meer"); when even that does not fit, the text's parts are
    left out from the end, with one line that says so. The subject and the facts always stay."""

    def text(value: str, **style: Any) -> dict[str, Any]:
        return {"type": "TextBlock", "text": esc(value), "wrap": True, **style}

    head: list[dict[str, Any]] = [
        text(message.subject, weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": [{"title": esc(k), "value": esc(v)} for k, v in message.facts]},
    ]
    parts: list[list[dict[str, Any]]] = []
    for heading, lines in message.sections:
        part = [text(heading, weight="Bolder", spacing="Medium")] if heading else []
        items = [f"- {esc(x[2:])}" if x.startswith("- ") else esc(x) for x in lines]
        if items:
            part.append({"type": "TextBlock", "text": "\n".join(items), "wrap": True})
        parts.append(part)
    fallback = _("Situatierapport {number}: de volledige tekst staat in de e-mail en het logboek.").format(
        number=message.report
    )
    if message.purpose == "sitrap" and not message.sections:
        parts.append([text(message.full_text_note or fallback)])
    team = [f"- {esc(r.role)}: {esc(r.name)} ({esc(r.org)})" for r in recipients]

    def made(kept_parts: int, kept_team: int) -> dict[str, Any]:
        body = [*head, *(e for part in parts[:kept_parts] for e in part)]
        if kept_parts < len(parts):
            body.append(text((message.full_text_note or fallback) if message.purpose == "sitrap" else message.cut_note))
        if team:
            shown = team[:kept_team]
            if kept_team < len(team):
                shown.append(esc(message.more_called.format(count=len(team) - kept_team)))
            body.append(text(message.called_heading, weight="Bolder", spacing="Medium"))
            body.append({"type": "TextBlock", "text": "\n".join(shown), "wrap": True})
        return _envelope(body)

    def fits(payload: dict[str, Any]) -> bool:
        return len(encoded(payload)) <= limit

    whole = made(len(parts), len(team))
    if fits(whole):
        return whole
    if fits(made(len(parts), 0)):  # the most people that fit (the size grows with each one: halve the range)
        low, high = 0, len(team)  # made(low) fits, made(high) does not
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if fits(made(len(parts), middle)) else (low, middle)
        return made(len(parts), low)
    kept = max(len(parts) - 1, 0)  # no parts: nothing to leave out, and nothing said about it
    while kept > 0 and not fits(made(kept, 0)):
        kept -= 1
    return made(kept, 0)


def _envelope(body: list[dict[str, Any]]) -> dict[str, Any]:
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
            why = reason("webhook-url-missing", name=self.hook.url_from, service=KEYRING_SERVICE)
            return self.all(recipients, "error", why)
        if self.hook.kind == "teams":
            payload = card(message, recipients)
        else:
            payload = document(message, recipients)
            payload["reply_text"] = message.reply_text
            for r, row in zip(recipients, payload["recipients"], strict=True):
                row["message_id"] = self.ids.get(r.key, "")
                row["confirm_url"] = self.links.get(r.key, "")
        key = idempotency_key([self.ids.get(r.key, r.key) for r in recipients])
        outcome, said = post(url, payload, key, self.hook.timeout_seconds, self.channel)
        return self.all(recipients, outcome, said)


def post(url: str, payload: dict[str, Any], key: str, seconds: float, channel: str) -> tuple[Outcome, str]:
    """POST within one overall deadline (connect + the whole answer); the outcome and why."""
    import httpx

    result: list[tuple[Outcome, str]] = []
    started: list[int] = []  # the status, once the answer's head is in

    def late() -> tuple[Outcome, str]:
        if started:
            status = started[0]
            return "timeout", reason("webhook-late", channel=channel, status=status, seconds=f"{seconds:g}")
        return "timeout", reason("webhook-timeout", channel=channel, seconds=f"{seconds:g}")

    # made before the clock starts: building a client (its TLS context) is this machine's time, not the server's
    client = httpx.Client(timeout=seconds, follow_redirects=False)

    def attempt() -> None:
        try:
            headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
            with client, client.stream("POST", url, content=encoded(payload), headers=headers) as answer:
                started.append(answer.status_code)
                answer.read()
        except httpx.TimeoutException:
            result.append(late())
            return
        except httpx.HTTPError as exc:  # never str(exc): it holds the URL
            result.append(("unreachable", reason("webhook-unreachable", channel=channel, error=type(exc).__name__)))
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
        return "refused", reason("webhook-redirect", channel=channel, status=status)
    if 400 <= status < 500:
        return "refused", reason("webhook-refused", channel=channel, status=status)
    return "error", reason("webhook-error", channel=channel, status=status)
