"""Notifiers: one interface (interface.Notifier), one per kind of channel.

`email` sends over SMTP (standard library), `webhook` posts to a Microsoft Teams Workflows webhook (an
Adaptive Card) or to an organisation's own JSON gateway (SMS, paging). Secrets come from `secrets`.
"""

from __future__ import annotations

from ...domain.callout import EMAIL, CalloutFile
from .interface import Notifier

__all__ = ["Notifier", "for_channel"]


def for_channel(channel: str, config: CalloutFile) -> Notifier:
    if channel == EMAIL and config.email is not None:
        from .email import EmailNotifier

        return EmailNotifier(config.email)
    hook = config.webhook(channel)
    if hook is None:
        raise KeyError(channel)
    from .webhook import WebhookNotifier

    return WebhookNotifier(hook)
