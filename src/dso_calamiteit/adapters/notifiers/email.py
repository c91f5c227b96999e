"""E-mail over SMTP (smtplib): STARTTLS or implicit TLS with the certificate verified, optional login,
one message per recipient or one with everyone in BCC, over one connection for all of them.

Each message has a plain-text body and an HTML alternative rendered from the same Markdown (markdown-it-py,
which Rich already brings, with raw HTML off: text from the logbook stays text).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ...domain.callout import EMAIL, Delivery, EmailChannel, Message, Outcome, Recipient
from .interface import Notifier
from .secrets import missing, secret


def html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"></head><body>\n{body}</body></html>\n'


def compose(message: Message, sender: str, to: str | None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to if to is not None else "undisclosed-recipients:;"
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid("calamiteit", domain=sender.rpartition("@")[2] or None)
    mail.set_content(message.markdown)
    mail.add_alternative(html(message.markdown), subtype="html")
    return mail


class EmailNotifier(Notifier):
    channel = EMAIL

    def __init__(self, config: EmailChannel) -> None:
        self.config = config

    def send(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        cfg = self.config
        password = secret(cfg.password_from) if cfg.username else None
        if cfg.username and not password:
            return self.all(recipients, "error", missing(cfg.password_from, "het SMTP-wachtwoord"))
        try:
            smtp = self._connect(password)
        except (OSError, smtplib.SMTPException) as exc:
            outcome, reason = _failure(exc, cfg)
            return self.all(recipients, outcome, reason)
        try:
            if cfg.separate:
                return self._one_each(smtp, message, recipients)
            return self._together(smtp, message, recipients)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _connect(self, password: str | None) -> smtplib.SMTP:
        cfg = self.config
        context = ssl.create_default_context()  # verifies the certificate and the host name
        smtp: smtplib.SMTP
        if cfg.security == "tls":
            smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
        try:
            if cfg.security == "starttls":
                smtp.starttls(context=context)
            if cfg.username and password:
                smtp.login(cfg.username, password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _one_each(self, smtp: smtplib.SMTP, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        out: list[Delivery] = []
        for i, r in enumerate(recipients):
            address = r.contact.email.strip()
            try:
                refused = smtp.send_message(compose(message, self.config.sender, address), to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as exc:
                out.append(Delivery(EMAIL, r.key, "refused", _reply(*exc.recipients.get(address, (0, b"")))))
                continue
            except smtplib.SMTPResponseException as exc:
                out.append(Delivery(EMAIL, r.key, "refused", _reply(exc.smtp_code, exc.smtp_error)))
                continue
            except (OSError, smtplib.SMTPException) as exc:  # the connection is gone: so is the rest
                outcome, reason = _failure(exc, self.config)
                return out + self.all(recipients[i:], outcome, reason)
            if address in refused:
                out.append(Delivery(EMAIL, r.key, "refused", _reply(*refused[address])))
            else:
                out.append(Delivery(EMAIL, r.key, "accepted"))
        return out

    def _together(self, smtp: smtplib.SMTP, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        addresses = {r.key: r.contact.email.strip() for r in recipients}
        try:
            refused = smtp.send_message(compose(message, self.config.sender, None), to_addrs=list(addresses.values()))
        except smtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients
        except smtplib.SMTPResponseException as exc:
            return self.all(recipients, "refused", _reply(exc.smtp_code, exc.smtp_error))
        except (OSError, smtplib.SMTPException) as exc:
            outcome, reason = _failure(exc, self.config)
            return self.all(recipients, outcome, reason)
        return [
            Delivery(EMAIL, key, "refused", _reply(*refused[address])) if address in refused
            else Delivery(EMAIL, key, "accepted")
            for key, address in addresses.items()
        ]


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"de server weigerde: {code} {' '.join(said.split())}".strip()


def _failure(exc: BaseException, cfg: EmailChannel) -> tuple[Outcome, str]:
    where = f"{cfg.host}:{cfg.port}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timeout", f"de mailserver {where} antwoordde niet binnen {cfg.timeout_seconds:g} s"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "refused", f"aanmelden bij {where} geweigerd voor {cfg.username} ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "error", f"de mailserver {where} kent geen STARTTLS; kies security: tls, of een andere server"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "error", f"het certificaat van {where} is niet te vertrouwen ({exc.verify_message})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "error", f"de mailserver {where} verbrak de verbinding"
    if isinstance(exc, smtplib.SMTPResponseException):
        return "refused", _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, ConnectionRefusedError | socket.gaierror):
        return "unreachable", f"de mailserver {where} is niet bereikbaar"
    return "error", f"versturen via {where} mislukte ({type(exc).__name__})"
