"""E-mail over SMTP (smtplib): STARTTLS or implicit TLS with the certificate verified, optional login,
one message per recipient or one with everyone in BCC, over one connection for all of them.

Each message has a plain-text body and an HTML alternative rendered from the same Markdown (markdown-it-py,
which Rich already brings, with raw HTML off: text from the logbook stays text).

Every recipient's outcome is their own: a refused or odd address, or a connection that drops, is that one
recipient's outcome, and the next is tried (over a new connection when needed). A message the server has
accepted (250 after DATA) counts as delivered, whatever the connection does after. Each step has one overall
deadline (the connection with TLS and login; then each message), not a time-out per socket read: a server
that answers one byte at a time is cut off when the deadline passes.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import idna

from ...domain.callout import EMAIL, Delivery, EmailChannel, Message, Outcome, Recipient
from ...domain.delivery_reasons import reason
from .interface import Notifier
from .secrets import KEYRING_SERVICE, secret


def html(markdown: str, lang: str = "nl") -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"></head><body>\n{body}</body></html>\n'


def compose(
    message: Message, sender: str, to: str | None, message_id: str | None = None, link: str = ""
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to if to is not None else "undisclosed-recipients:;"
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id or make_msgid("calamiteit", domain=sender.rpartition("@")[2] or None)
    text = message.markdown
    if link:  # this recipient's own confirmation link (a signed token: see domain.confirmation)
        text = text.rstrip("\n") + f"\n\n{message.confirm_prompt} <{link}>\n"
    mail.set_content(text)
    mail.add_alternative(html(text, message.lang), subtype="html")
    return mail


def envelope_address(address: str) -> tuple[str, str]:
    """The address as it goes on the wire (the domain in IDNA), and '' or the first character of a local part
    that only a server with SMTPUTF8 can take."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip(), ""
    if not domain.isascii():
        with suppress(idna.IDNAError):  # else left as it is: the server's refusal says what is wrong with it
            domain = idna.encode(domain, uts46=True).decode("ascii")
    odd = next((c for c in local if not c.isascii()), "")
    return f"{local}@{domain}", odd


class _Smtp(smtplib.SMTP):
    """smtplib's client, noting the step it is in, so a failure is diagnosed by where it happened."""

    phase = "connect"

    def mail(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.phase = "mail"
        return super().mail(*args, **kwargs)

    def data(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.phase = "data"
        return super().data(*args, **kwargs)


class _SmtpSsl(_Smtp, smtplib.SMTP_SSL):
    pass


class _Cut(Exception):
    """The step's deadline passed and the connection was cut."""


@contextmanager
def deadline(smtp: smtplib.SMTP, seconds: float) -> Iterator[list[bool]]:
    """Cut the connection when `seconds` pass before the block is done; the flag says it was cut."""
    cut = [False]

    def fire() -> None:
        cut[0] = True
        sock = getattr(smtp, "sock", None)
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield cut
    finally:
        timer.cancel()


class EmailNotifier(Notifier):
    channel = EMAIL

    def __init__(self, config: EmailChannel) -> None:
        self.config = config
        self.password: str | None = None

    def deliver(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        cfg = self.config
        self.password = secret(cfg.password_from) if cfg.username else None
        if cfg.username and not self.password:
            return self.all(
                recipients, "error", reason("smtp-password-missing", name=cfg.password_from, service=KEYRING_SERVICE)
            )
        if cfg.separate:
            return self._one_each(message, recipients)
        return self._together(message, recipients)

    # --- the connection ----------------------------------------------------------------------------------

    def _connect(self) -> _Smtp:
        """A connection with TLS and login done, within one deadline; raises what went wrong (with .phase)."""
        cfg = self.config
        context = ssl.create_default_context()  # verifies the certificate and the host name
        # a socket read may wait a second longer than the step's deadline: the deadline cuts first, and says so
        read = cfg.timeout_seconds + 1
        smtp: _Smtp = _SmtpSsl(timeout=read, context=context) if cfg.security == "tls" else _Smtp(timeout=read)
        smtp._host = cfg.host  # type: ignore[attr-defined]  # what TLS checks the certificate against
        with deadline(smtp, cfg.timeout_seconds) as cut:
            try:
                smtp.connect(cfg.host, cfg.port)
                smtp.ehlo_or_helo_if_needed()
                if cfg.security == "starttls":
                    smtp.phase = "starttls"
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if cfg.username and self.password:
                    smtp.phase = "login"
                    smtp.login(cfg.username, self.password)
                smtp.phase = "ready"
            except BaseException as exc:
                _close(smtp)
                if cut[0] and isinstance(exc, OSError | smtplib.SMTPException):
                    raise _Cut(smtp.phase) from exc
                exc.phase = smtp.phase  # type: ignore[attr-defined]
                raise
        return smtp

    def _session(self) -> tuple[_Smtp | None, tuple[Outcome, str] | None]:
        try:
            return self._connect(), None
        except _Cut:
            seconds = f"{self.config.timeout_seconds:g}"
            return None, ("timeout", reason("smtp-connect-timeout", where=self._where(), seconds=seconds))
        except (OSError, smtplib.SMTPException) as exc:
            return None, _failure(exc, self.config, getattr(exc, "phase", "connect"))

    def _where(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    # --- one message per recipient ------------------------------------------------------------------------

    def _one_each(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        out: list[Delivery] = []
        smtp: _Smtp | None = None
        try:
            for i, r in enumerate(recipients):
                address, odd = envelope_address(r.contact.email)
                for attempt in (0, 1):
                    if smtp is None:
                        smtp, down = self._session()
                        if smtp is None:  # no connection at all: the same for everyone not yet tried
                            assert down is not None
                            self.done(out, [Delivery(EMAIL, x.key, *down) for x in recipients[i:]])
                            return out
                    result, gone = self._send_one(smtp, message, r, address, odd)
                    if gone is not None:  # the connection is gone: the next one gets a new one
                        _close(smtp)
                        smtp = None
                        if gone and attempt == 0:  # dropped before this message began: once more, anew
                            continue
                    break
                if not self.done(out, [result]):
                    break
        finally:
            if smtp is not None:
                _quit(smtp)
        return out

    def _send_one(
        self, smtp: _Smtp, message: Message, r: Recipient, address: str, odd: str
    ) -> tuple[Delivery, bool | None]:
        """One message; the second value: None (the connection is fine), True (it was gone before this message
        began: try it again on a new one), False (it broke during this message)."""
        if odd and not smtp.has_extn("smtputf8"):
            return Delivery(EMAIL, r.key, "refused", reason("smtp-no-utf8", character=odd)), None
        mail = compose(message, self.config.sender, address, self.ids.get(r.key), self.links.get(r.key, ""))
        smtp.phase = "mail"
        with deadline(smtp, self.config.timeout_seconds) as cut:
            try:
                refused = smtp.send_message(mail, to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = exc.recipients.get(address, (0, b""))
                return Delivery(EMAIL, r.key, *_reply(code, text)), None
            except smtplib.SMTPResponseException as exc:
                # a reply the deadline cut off half-way reads as a code of its first bytes ("25"): it is the cut
                if exc.smtp_code == -1 or cut[0] or isinstance(exc, smtplib.SMTPServerDisconnected):
                    return self._broken(r, smtp.phase, cut[0], exc)
                _reset(smtp)
                return Delivery(EMAIL, r.key, *_reply(exc.smtp_code, exc.smtp_error)), None
            except (OSError, smtplib.SMTPException) as exc:
                return self._broken(r, smtp.phase, cut[0], exc)
        if address in refused:
            return Delivery(EMAIL, r.key, *_reply(*refused[address])), None
        return Delivery(EMAIL, r.key, "accepted"), None

    def _broken(self, r: Recipient, phase: str, cut: bool, exc: BaseException) -> tuple[Delivery, bool]:
        where, seconds = self._where(), f"{self.config.timeout_seconds:g}"
        # smtplib turns a read's time-out into "disconnected": the cause says what it was
        cut = cut or isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
        if phase == "data":  # the message was on its way: whether it arrived is not known
            if cut:
                why = reason("smtp-data-timeout", where=where, seconds=seconds)
                return Delivery(EMAIL, r.key, "timeout", why), False
            return Delivery(EMAIL, r.key, "error", reason("smtp-data-dropped", where=where)), False
        if cut:
            return Delivery(EMAIL, r.key, "timeout", reason("smtp-timeout", where=where, seconds=seconds)), False
        return Delivery(EMAIL, r.key, "error", reason("smtp-dropped", where=where)), True

    # --- one message, everyone in BCC ---------------------------------------------------------------------

    def _together(self, message: Message, recipients: Sequence[Recipient]) -> list[Delivery]:
        out: list[Delivery] = []
        smtp, down = self._session()
        if smtp is None:
            assert down is not None
            return self.all(recipients, *down)
        try:
            addresses: dict[str, str] = {}
            for r in recipients:
                address, odd = envelope_address(r.contact.email)
                if odd and not smtp.has_extn("smtputf8"):
                    refused_ = Delivery(EMAIL, r.key, "refused", reason("smtp-no-utf8", character=odd))
                    self.done(out, [refused_])
                else:
                    addresses[r.key] = address
            if not addresses:
                return out
            first = next(iter(addresses))
            mail = compose(message, self.config.sender, None, self.ids.get(first))
            smtp.phase = "mail"
            with deadline(smtp, self.config.timeout_seconds) as cut:
                try:
                    refused = smtp.send_message(mail, to_addrs=list(addresses.values()))
                except smtplib.SMTPRecipientsRefused as exc:
                    refused = exc.recipients
                except smtplib.SMTPResponseException as exc:
                    if exc.smtp_code == -1 or cut[0] or isinstance(exc, smtplib.SMTPServerDisconnected):
                        outcome = self._broken(recipients[0], smtp.phase, cut[0], exc)[0]
                        self.done(out, [Delivery(EMAIL, k, outcome.outcome, outcome.reason) for k in addresses])
                        return out
                    outcome_, why = _reply(exc.smtp_code, exc.smtp_error)
                    self.done(out, [Delivery(EMAIL, k, outcome_, why) for k in addresses])
                    return out
                except (OSError, smtplib.SMTPException) as exc:
                    outcome = self._broken(recipients[0], smtp.phase, cut[0], exc)[0]
                    self.done(out, [Delivery(EMAIL, k, outcome.outcome, outcome.reason) for k in addresses])
                    return out
            self.done(out, [
                Delivery(EMAIL, key, *_reply(*refused[address])) if address in refused
                else Delivery(EMAIL, key, "accepted")
                for key, address in addresses.items()
            ])
            return out
        finally:
            _quit(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    with suppress(OSError):
        smtp.close()


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye; a server that hangs up first changes nothing about what it accepted."""
    try:
        with deadline(smtp, 2):
            smtp.quit()
    except (OSError, smtplib.SMTPException):
        _close(smtp)


def _reset(smtp: smtplib.SMTP) -> None:
    with suppress(OSError, smtplib.SMTPException):
        smtp.rset()


def _reply(code: int, text: bytes | str) -> tuple[Outcome, str]:
    """A server's refusal: 4xx is 'not now' (a re-run tries again), 5xx is 'no'. The server's own words are
    kept as it said them (`reply`), the tool's around them worded when shown."""
    said = " ".join((text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)).split())
    reply = f"{code} {said}".strip()
    if 400 <= code < 500:
        return "error", reason("smtp-not-now", reply=reply)
    return "refused", reason("smtp-refused", reply=reply)


def _failure(exc: BaseException, cfg: EmailChannel, phase: str) -> tuple[Outcome, str]:
    """Why no session could be had, by the step it failed in."""
    where = f"{cfg.host}:{cfg.port}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timeout", reason("smtp-timeout", where=where, seconds=f"{cfg.timeout_seconds:g}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "refused", reason("smtp-login-refused", where=where, user=cfg.username or "", code=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPNotSupportedError) and phase == "login":
        return "error", reason("smtp-no-auth", where=where)
    if isinstance(exc, smtplib.SMTPNotSupportedError) and phase == "starttls":
        return "error", reason("smtp-no-starttls", where=where)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "error", reason("smtp-certificate", where=where, detail=str(exc.verify_message))
    if isinstance(exc, ssl.SSLError):
        return "error", reason("smtp-tls", where=where, detail=str(exc.reason or type(exc).__name__))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "error", reason("smtp-dropped", where=where)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, ConnectionRefusedError | socket.gaierror):
        return "unreachable", reason("smtp-unreachable", where=where)
    return "error", reason("smtp-failed", where=where, error=type(exc).__name__)
