"""The Starlette application: routes, the Dutch error pages, and the guard around it all.

No URL path reaches the file system: the static files are a fixed list read from the package at start-up.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..domain.errors import CalamiteitError
from . import pages
from .guard import Guard

STATIC = {"calamiteit.css": "text/css; charset=utf-8"}  # every file /static/ serves, by name


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("dso_calamiteit.web") / "static"
    return {name: ((folder / name).read_bytes(), kind) for name, kind in STATIC.items()}


def build(settings: pages.Settings) -> Any:
    env = pages.environment()
    files = _static_files()

    def error_page(status: int, title: str, text: str) -> bytes:
        return env.get_template("fout.html").render(title=title, text=text).encode("utf-8")

    def render(template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**values), status_code=status)

    def missing(text: str) -> HTMLResponse:
        return HTMLResponse(error_page(404, "Niet gevonden", text), status_code=404)

    async def index(request: Request) -> Response:
        return render("index.html", **await run_in_threadpool(pages.index, settings))

    async def incident(request: Request) -> Response:
        ref = request.path_params["ref"]
        try:
            page = int(request.query_params.get("pagina", "1"))
        except ValueError:
            page = 0
        try:
            values = await run_in_threadpool(pages.incident, settings, ref, page)
        except pages.Missing:
            return missing(f"Incident {ref} bestaat niet in dit logboek (of die pagina van de tijdlijn niet).")
        return render("incident.html", **values)

    async def static(request: Request) -> Response:
        found = files.get(request.path_params["name"])
        if found is None:
            return missing("Dit bestand bestaat niet.")
        body, kind = found
        return Response(body, media_type=kind)

    async def not_found(request: Request, exc: Exception) -> Response:
        return missing("Deze pagina bestaat niet.")

    async def failed(request: Request, exc: Exception) -> Response:
        # The logbook went away or broke while serving: said on the page, in Dutch, without a traceback.
        text = exc.message if isinstance(exc, CalamiteitError) else "Er ging iets mis bij het lezen van het logboek."
        return HTMLResponse(error_page(503, "Logboek niet te lezen", text), status_code=503)

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/incident/{ref}", incident, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={404: not_found, CalamiteitError: failed, Exception: failed},
    )
    return Guard(app, settings.token, error_page)
