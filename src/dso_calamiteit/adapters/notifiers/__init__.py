"""Notifiers: one interface (interface.Notifier), one per kind of channel.

`email` sends over SMTP (standard library), `webhook` posts to a Microsoft Teams Workflows webhook (an
Adaptive Card) or to an organisation's own JSON gateway (SMS, paging). Secrets come from `secrets`.
"""

from __future__ import annotations

from ...domain.callout import EMAIL, CalloutFile
from .interface import Notifier

__all__ = ["Notifier", "for_channel", "not_ready"]


def not_ready(channel: str, config: CalloutFile) -> str:
    """Why this channel could not send now ('' when it could, as far as can be known without sending): a
    secret it needs is not set."""
    from .secrets import missing, secret

    if channel == EMAIL and config.email is not None:
        cfg = config.email
        if cfg.username and not secret(cfg.password_from):
            return missing(cfg.password_from, "het SMTP-wachtwoord")
        return ""
    hook = config.webhook(channel)
    if hook is not None and not secret(hook.url_from):
        return missing(hook.url_from, "de webhook-URL")
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
