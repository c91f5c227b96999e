"""A real SMTP server on loopback for the call-out tests (aiosmtpd): what it received, whom it refused, and
faults on request (a recipient refused, authentication refused, the connection closed in the middle)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from .postgres import free_port


@dataclass
class Mailbox:
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)  # (envelope recipients, message)
    # one per SMTP connection: the session itself, not its id(), which a later connection may reuse once a
    # closed one is freed (test_callout_resume waits for a new connection and missed it that way)
    sessions: set[Any] = field(default_factory=set)
    refuse: set[str] = field(default_factory=set)  # addresses answered with 550
    later: set[str] = field(default_factory=set)  # addresses answered with 450 (try again later)
    drop_after_accept: bool = False  # answer 250 to the message, then close the connection
    stall: float = 0.0  # seconds to wait before answering the message (longer than the client's deadline)
    hang_up: bool = False  # close the connection when the message data arrives
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    delay: float = 0.0  # seconds before a message is accepted
    dropped: list[str] = field(default_factory=list)  # Message-IDs of messages received, then hung up on

    def ids_by_recipient(self) -> dict[str, list[str]]:
        """Every accepted message's Message-ID, per envelope recipient (a duplicate shows twice)."""
        found: dict[str, list[str]] = {}
        for rcpts, message in self.messages:
            for r in rcpts:
                found.setdefault(r, []).append(str(message["Message-ID"]))
        return found

    def to(self) -> list[str]:
        return [r for rcpts, _ in self.messages for r in rcpts]


class Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.box.sessions.add(session)
        if address in self.box.refuse:
            return "550 5.1.1 Onbekende ontvanger"
        if address in self.box.later:
            return "450 4.2.1 Postbus tijdelijk vol"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.box.hang_up:
            raw = envelope.original_content or envelope.content
            self.box.dropped.append(str(message_from_bytes(raw, policy=policy.default)["Message-ID"]))
            server.transport.close()
            await asyncio.sleep(0)
            return "421 weg"
        if self.box.delay:
            await asyncio.sleep(self.box.delay)
        if self.box.stall:
            await asyncio.sleep(self.box.stall)
            return "451 te laat"
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.box.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        if self.box.drop_after_accept:
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the 250 is on its way
        return "250 Bericht aangenomen"


def authenticator(user: str, password: str, box: Mailbox) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            box.logins.append((auth_data.login, auth_data.password))
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)

    return check


@contextmanager
def smtp_server(
    box: Mailbox, *, tls: ssl.SSLContext | None = None, login: tuple[str, str] | None = None, utf8: bool = False,
    require_tls: bool = True, auth: bool = True,
) -> Iterator[int]:
    from aiosmtpd.controller import Controller

    port = free_port()
    options: dict[str, Any] = {"enable_SMTPUTF8": utf8}
    if tls is not None:
        options.update(tls_context=tls, require_starttls=require_tls)
    if login is not None and auth:
        options.update(authenticator=authenticator(*login, box), auth_required=True, auth_require_tls=tls is not None)
    controller = Controller(Handler(box), hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
