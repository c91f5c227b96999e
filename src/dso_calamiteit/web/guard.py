"""What every answer of the web face goes through: only GET and HEAD, security headers on every answer, and
the access token (CALAMITEIT_WEB_TOKEN) for the gedeeld beeld.

A plain ASGI middleware (no Starlette classes): it sees every request before routing, so a POST to a path
that does not exist is a 405 like any other, and no answer leaves without its headers.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..domain.language import _

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ENV_TOKEN = "CALAMITEIT_WEB_TOKEN"
COOKIE = "calamiteit_toegang"
# Open to everyone, token or not: the style sheet (the 401 page needs it) and the public status page.
PUBLIC = ("/static/", "/status/")
ALLOWED = ("GET", "HEAD")
# The one place a POST may come in: the call-out's confirmation link (web/confirm.py checks the link's token,
# the same-site Origin and the form value, and records through app.confirmation.confirm). Exact paths only:
# a POST anywhere else, "/bevestig/x" included, is a 405. These paths need no access token (the link's token
# is the credential there) and open nothing else.
WRITABLE: tuple[str, ...] = ("/bevestig",)

# No inline script or style anywhere: everything the page uses comes from this server's /static/.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


def cookie_value(token: str) -> str:
    """What the cookie holds: derived from the token, so the token itself is not stored in the browser."""
    return hashlib.sha256(b"calamiteit-web\x1f" + token.encode("utf-8")).hexdigest()


def _same(given: str, expected: str) -> bool:
    """Compared in constant time (hmac.compare_digest), so the time taken tells nothing about the token."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class Guard:
    """Wraps the site: methods, headers and (when a token is set) access."""

    def __init__(self, app: ASGIApp, token: str | None, page: Callable[[int, str, str], bytes]) -> None:
        self.app, self.token, self.page = app, token, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                own = {bytes(k).lower() for k, _v in message["headers"]}  # a page may set its own (referrer policy)
                message["headers"] = [*message["headers"], *((k, v) for k, v in HEADERS if k not in own)]
            await send(message)

        writing = scope["method"] == "POST" and scope["path"] in WRITABLE
        if scope["method"] not in ALLOWED and not writing:
            await self._answer(
                with_headers, 405, _("Niet toegestaan"), _("Deze site is alleen te lezen."), [(b"allow", b"GET, HEAD")]
            )
            return
        path = scope["path"]
        guarded = self.token is not None and not (path.startswith(PUBLIC) or path == "/status" or path in WRITABLE)
        if guarded and not await self._admitted(scope, with_headers):
            return
        await self.app(scope, receive, with_headers)

    async def _admitted(self, scope: Scope, send: Send) -> bool:
        assert self.token is not None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and _same(bearer[7:].strip(), self.token):
            return True
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no cookie
            jar = SimpleCookie()
        if COOKIE in jar and _same(jar[COOKIE].value, cookie_value(self.token)):
            return True
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given and _same(given[-1], self.token):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            # the same path on this site: never "//host/…", which a browser would read as another site
            target = "/" + scope["path"].lstrip("/") + (f"?{rest}" if rest else "")
            cookie = f"{COOKIE}={cookie_value(self.token)}; HttpOnly; SameSite=Strict; Path=/"
            if scope.get("scheme") == "https":
                cookie += "; Secure"
            await self._answer(send, 303, _("Doorverwijzing"), _("U wordt doorgestuurd."),
                               [(b"location", target.encode("latin-1", "replace")), (b"set-cookie", cookie.encode())])
            return False
        await self._answer(
            send, 401, _("Toegangscode nodig"),
            _("Dit gedeelde beeld is afgeschermd. Open de link met de toegangscode die u van de coördinator kreeg."),
            [(b"www-authenticate", b'Bearer realm="calamiteit"')],
        )
        return False

    async def _answer(self, send: Send, status: int, title: str, text: str, extra: list[tuple[bytes, bytes]]) -> None:
        body = self.page(status, title, text)
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers + extra})
        await send({"type": "http.response.body", "body": body})
