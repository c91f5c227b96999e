"""The Starlette application: routes, the Dutch error pages, and the guard around it all.

No URL path reaches the file system: the static files are a fixed list read from the package at start-up.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from typing import Any

from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..app import incidents
from ..domain.entry_rules import valid_id
from ..domain.errors import CalamiteitError
from ..domain.language import _
from ..domain.safetext import visible
from . import confirm, pages
from .guard import Guard
from .live import Watcher

PUBLIC_S = 5.0  # the status page and its feed are worked out at most this often
WHOLE_S = 30.0  # an incident page verifies the whole chain at most this often; the new entries on every read
Handler = Callable[[Request], Awaitable[Response]]
STATIC = {  # every file /static/ serves, by name
    "calamiteit.css": "text/css; charset=utf-8",
    "live.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("dso_calamiteit.web") / "static"
    return {name: ((folder / name).read_bytes(), kind) for name, kind in STATIC.items()}


def build(settings: pages.Settings) -> Any:
    env = pages.environment()
    files = _static_files()
    watcher = Watcher(settings)
    gate = confirm.Gate()
    kept = incidents.KeptTimelines(settings.where, pages.PAGE_SIZE, WHOLE_S, time.monotonic)
    # Before anything listens: every template compiled and the open incidents' chains verified whole and
    # kept (a logbook that fails here is exit 3, as at the start-up check), so that the first reader of an
    # incident gets what every later reader gets; `made_once` (below) does the rest.
    for name in env.list_templates():
        env.get_template(name)
    warmed = kept.warm(incidents.open_incidents(settings.where))

    def made_once() -> None:
        """Each warmed incident's page made once and thrown away, in the thread pool the requests run in,
        then the garbage collector's pass over all that. Without it the first request of each was slower
        than every later one: 75 ms starting the pool's thread, a collection that walks the whole kept state
        (gen2, 160 ms measured for a 10,000-entry incident), and the rest of the page ~1.3-1.5x, spread
        over all of it, not one cause."""
        for ref in warmed:
            with suppress(Exception):  # a page that fails here fails on its read too, and says why there
                pages.incident(settings, env, ref, 1, kept)
        gc.collect()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(made_once)  # uvicorn listens only after this (server.serve: lifespan "on")
        yield

    def error_page(status: int, title: str, text: str) -> bytes:
        return env.get_template("fout.html").render(title=title, text=text).encode("utf-8")

    def render(template: str, **values: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**values))

    def missing(text: str) -> HTMLResponse:
        return HTMLResponse(error_page(404, _("Niet gevonden"), text), status_code=404)

    async def index(request: Request) -> Response:
        return render("index.html", live="/live/", **await run_in_threadpool(pages.index, settings, kept))

    async def incident(request: Request) -> Response:
        ref = request.path_params["ref"]
        try:
            page = int(request.query_params.get("pagina", "1"))
        except ValueError:
            page = 0
        try:
            html = await run_in_threadpool(pages.incident, settings, env, ref, page, kept)
        except pages.Missing:
            said = _("Incident {ref} bestaat niet in dit logboek (of die pagina van de tijdlijn niet).")
            return missing(said.format(ref=ref))
        return HTMLResponse(html)

    public: dict[str, tuple[float, dict[str, Any], str, str]] = {}
    working = asyncio.Lock()  # one reader works it out; the others wait for that and take it

    async def public_values() -> tuple[dict[str, Any], str, str]:
        """The status page's data, its HTML and the digest of what it shows, worked out at most once every
        PUBLIC_S seconds whatever the number of readers: a public page must not let the outside world load the
        logbook at will."""
        async with working:
            kept = public.get("status")
            if kept is None or time.monotonic() - kept[0] > PUBLIC_S:
                values = await run_in_threadpool(pages.public, settings)
                html = env.get_template("status.html").render(live="/status/live", **values)
                kept = (time.monotonic(), values, html, pages.public_digest(values))
                public["status"] = kept
        return kept[1], kept[2], kept[3]

    async def status_page(request: Request) -> Response:
        return HTMLResponse((await public_values())[1])

    async def status_changes() -> Any:
        """The public page's event stream: on a fixed cadence (PUBLIC_S) it compares the digest of what the
        page shows, and says "bijgewerkt" only when that changed. An internal entry changes nothing there, so
        it sends nothing: the stream cannot tell outsiders when the team is writing."""
        seen = (await public_values())[2]
        while True:
            await asyncio.sleep(PUBLIC_S)
            now = (await public_values())[2]
            if now != seen:
                seen = now
                yield {"event": "status", "data": "bijgewerkt"}

    async def live_status(request: Request) -> Response:
        return EventSourceResponse(status_changes(), ping=15)

    async def feed(request: Request) -> Response:
        values = (await public_values())[0]
        base = str(request.base_url).rstrip("/")
        text = env.get_template("feed.atom").render(base=base, **values)
        return Response(text, media_type="application/atom+xml; charset=utf-8")

    async def live_all(request: Request) -> Response:
        return EventSourceResponse(watcher.changes(None), ping=15)

    async def live_incident(request: Request) -> Response:
        ref = request.path_params["ref"]
        if not valid_id(ref):
            return missing(_("Dit incident bestaat niet."))
        return EventSourceResponse(watcher.changes(ref), ping=15)

    async def static(request: Request) -> Response:
        found = files.get(request.path_params["name"])
        if found is None:
            return missing(_("Dit bestand bestaat niet."))
        body, kind = found
        return Response(body, media_type=kind)

    async def confirm_page(request: Request) -> Response:
        return await confirm.show(env, settings, gate, request)

    async def confirm_answer(request: Request) -> Response:
        return await confirm.record(env, settings, gate, request)

    async def not_found(request: Request, exc: Exception) -> Response:
        return missing(_("Deze pagina bestaat niet."))

    def failed(request: Request, exc: Exception) -> Response:
        """The logbook went away or broke while serving, or a bug: one line on the console, a Dutch page to
        the reader, never a traceback (the public status page says nothing of the cause)."""
        said = exc.message if isinstance(exc, CalamiteitError) else _("interne fout: {error}").format(
            error=f"{type(exc).__name__}: {exc}"
        )
        sys.stderr.write(visible(f"calamiteit web: {request.url.path}: {said}") + "\n")
        sys.stderr.flush()
        public = request.url.path.startswith("/status/")
        text = _("De status is even niet te lezen; probeer het zo opnieuw.") if public else visible(said)
        return HTMLResponse(error_page(503, _("Even niet beschikbaar"), text), status_code=503)

    def caught(handler: Handler) -> Handler:
        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                return failed(request, exc)

        return answer

    routes = [
        Route("/", caught(index), methods=["GET"]),
        Route("/incident/{ref}", caught(incident), methods=["GET"]),
        Route("/static/{name}", caught(static), methods=["GET"]),
        Route("/live/", caught(live_all), methods=["GET"]),
        Route("/live/incident/{ref}", caught(live_incident), methods=["GET"]),
        Route("/status/", caught(status_page), methods=["GET"]),
        Route("/status/feed.atom", caught(feed), methods=["GET"]),
        Route("/status/live", caught(live_status), methods=["GET"]),
        Route(confirm.PATH, caught(confirm_page), methods=["GET"]),
        Route(confirm.PATH, caught(confirm_answer), methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found}, lifespan=lifespan)
    return Guard(app, settings.token, error_page)
