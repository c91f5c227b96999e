"""The confirmation link of a call-out mail: `GET /bevestig?t=TOKEN` shows the incident and the person's role
with "Ik kom" / "Ik kan niet"; `POST /bevestig` records the answer through the same use case as
`calamiteit bevestig --token` (app.confirmation.confirm). The only writable path of the site.

The link's token is the credential (no gedeeld-beeld access token needed, and it opens nothing else).
Cross-site requests are refused twice over: the POST's Origin (or, without it, its Referer) must be this
site's own host, and the form carries a random value that must equal a cookie set with the page
(HttpOnly, SameSite=Strict, Path=/bevestig), which a browser never sends with another site's POST.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jinja2 import Environment
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..app import configuration, confirmation
from ..domain.confirmation import LinkRefused
from ..domain.language import _
from .limit import Limit
from .pages import Settings

PATH = "/bevestig"
FORM_COOKIE = "calamiteit_formulier"
MAX_BODY = 4096  # a token, an answer and the form value: far less than this
STATUS = {"vervalst": 403, "onbekend": 403, "gebruikt": 409}
ANSWERS = {"komt": "komt", "kan_niet": "kan_niet"}
# The page's own address holds the token: the referrer goes to this site only (the form's Origin needs it).
AUTHOR = "bevestigingslink"  # who recorded it, in the chain (the person is in the entry itself)
OWN_HEADERS = {"referrer-policy": "same-origin"}
# How often /bevestig may be asked (GET and POST alike), in a sliding minute: per client address (a person
# opens the page and presses once; a whole office behind one address stays well under it) and per link token
# (a link passed around cannot be hammered from many addresses).
PER_ADDRESS = 60  # behind a reverse proxy every reader has its address: a whole call-out answering at once
PER_TOKEN = 20
WINDOW_S = 60.0


class Gate:
    """The rate limits of one running site (in memory)."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.address = Limit(PER_ADDRESS, WINDOW_S, now)
        self.token = Limit(PER_TOKEN, WINDOW_S, now)


def _busy(env: Environment, wait_s: int) -> HTMLResponse:
    answer = _page(env, 429, heading=_("Te veel verzoeken"),
                   refused=_("Deze pagina is te vaak gevraagd in korte tijd."),
                   hint=_("Probeer het over {seconds} seconden opnieuw, of bel de coördinator.").format(seconds=wait_s))
    answer.headers["retry-after"] = str(wait_s)
    return answer


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _page(env: Environment, status: int, **values: Any) -> HTMLResponse:
    values.setdefault("link", None)
    values.setdefault("token", "")
    values.setdefault("form", "")
    values.setdefault("said", "")
    values.setdefault("refused", "")
    values.setdefault("hint", "")
    values.setdefault("heading", _("Deze link werkt niet"))
    return HTMLResponse(env.get_template("bevestig.html").render(**values), status_code=status, headers=OWN_HEADERS)


def _refused(env: Environment, exc: LinkRefused) -> HTMLResponse:
    return _page(env, STATUS.get(exc.why, 403), refused=exc.message, hint=exc.hint or "")


def _same_site(request: Request) -> bool:
    """The POST comes from a page of this site: its Origin (or, when a browser sends none, its Referer) names
    the host the request was sent to. `Origin: null` (a sandboxed or privacy-stripped request) is refused."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    source = origin if origin is not None else request.headers.get("referer", "")
    if not host or not source or source == "null":
        return False
    parts = urlsplit(source)
    return parts.scheme in ("http", "https") and parts.netloc == host


async def show(env: Environment, settings: Settings, gate: Gate, request: Request) -> Response:
    wait_s = gate.address.wait_s(_address(request))
    if wait_s:
        return _busy(env, wait_s)
    signed = request.query_params.get("t", "")
    if not signed:
        return _page(env, 404, refused=_("Deze link mist de bevestigingscode."),
                     hint=_("Open de link uit de oproep-mail helemaal, of bel de coördinator."))
    wait_s = gate.token.wait_s(signed)
    if wait_s:
        return _busy(env, wait_s)
    try:
        link = await run_in_threadpool(
            lambda: confirmation.link_page(configuration.load(settings.config_dir), settings.where, signed)
        )
    except LinkRefused as exc:
        return _refused(env, exc)
    form = secrets.token_urlsafe(24)
    answer = _page(env, 200, link=link, token=signed, form=form)
    answer.set_cookie(FORM_COOKIE, form, path=PATH, httponly=True, samesite="strict",
                      secure=request.url.scheme == "https")
    return answer


async def record(env: Environment, settings: Settings, gate: Gate, request: Request) -> Response:
    wait_s = gate.address.wait_s(_address(request))
    if wait_s:
        return _busy(env, wait_s)
    refused = _page(env, 403, refused=_("Dit antwoord komt niet van de bevestigingspagina van deze site."),
                    hint=_("Open de link uit de oproep-mail opnieuw en kies daar, of bel de coördinator."))
    if not _same_site(request):
        return refused
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return _page(env, 413, refused=_("Dit antwoord is te groot."), hint="")
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    cookie = request.cookies.get(FORM_COOKIE, "")
    form = fields.get("formulier", "")
    if not cookie or not hmac.compare_digest(cookie.encode(), form.encode()):
        return refused
    answer = ANSWERS.get(fields.get("antwoord", ""))
    signed = fields.get("t", "")
    if answer is None or not signed:
        return _page(env, 400, refused=_("Kies \"Ik kom\" of \"Ik kan niet\"."), hint="")
    wait_s = gate.token.wait_s(signed)
    if wait_s:
        return _busy(env, wait_s)
    try:
        entry, row = await run_in_threadpool(
            lambda: confirmation.confirm(
                configuration.load(settings.config_dir), settings.where, None,
                author=AUTHOR, answer=answer, signed=signed,
            )
        )
    except LinkRefused as exc:
        return _refused(env, exc)
    said = _("Vastgelegd: u komt. Dank u.") if answer == "komt" else _("Vastgelegd: u kunt niet komen. Dank u.")
    link = confirmation.Link(entry.incident, "", row.recipient.name, row.recipient.role, answer)
    # the form cookie stays: a second press (back, resubmit) then hears "al gebruikt", not "another site"
    return _page(env, 200, link=link, said=said)

