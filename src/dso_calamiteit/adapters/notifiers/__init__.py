"""Notifiers: one interface (interface.Notifier), one per kind of channel.

`email` sends over SMTP (standard library), `webhook` posts to a Microsoft Teams Workflows webhook (an
Adaptive Card) or to an organisation's own JSON gateway (SMS, paging). Secrets come from `secrets`.
"""

from __future__ import annotations

from ...domain.callout import EMAIL, CalloutFile
from ...domain.delivery_reasons import reason
from .interface import Notifier

__all__ = ["Notifier", "for_channel", "not_ready"]


def not_ready(channel: str, config: CalloutFile) -> str:
    """Why this channel could not send now ('' when it could, as far as can be known without sending): a
    secret it needs is not set."""
    from .secrets import KEYRING_SERVICE, secret

    if channel == EMAIL and config.email is not None:
        cfg = config.email
        if cfg.username and not secret(cfg.password_from):
            return reason("smtp-password-missing", name=cfg.password_from, service=KEYRING_SERVICE)
        return ""
    hook = config.webhook(channel)
    if hook is not None and not secret(hook.url_from):
        return reason("webhook-url-missing", name=hook.url_from, service=KEYRING_SERVICE)
    return ""


def for_channel(channel: str, config: CalloutFile) -> Notifier:
    if channel == EMAIL and config.email is not None:
        from .email import EmailNotifier

        return EmailNotifier(config.email)
    hook = config.webhook(channel)
    if hook is None:
        raise KeyError(channel)
    from .webhook import WebhookNotifier

    return WebhookNotifier(hook)
