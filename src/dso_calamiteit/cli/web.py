"""`calamiteit web`: the gedeeld beeld in a browser. This command only parses its flags and starts the web
face (src/dso_calamiteit/web), a sibling of the CLI that calls the same use cases; see docs/guide/web.md."""

# No `from __future__ import annotations` here: Typer reads these annotations at run time.

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError
from ..domain.language import _
from .options import ConfigDir, DataDir, Db


def web(
    host: Annotated[
        str, typer.Option("--host", help="Adres om op te luisteren; standaard alleen deze computer.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.")] = 8080,
    tls_cert: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--tls-cert", help="Certificaat (PEM) voor HTTPS; met --tls-key."),
    ] = None,
    tls_key: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--tls-key", help="Onversleutelde privésleutel (PEM) bij --tls-cert."),
    ] = None,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Toon het gedeelde beeld in de browser: open incidenten, niveau, besluiten, sitrap, paraatheid, monitor.

    Alleen lezen. Buiten deze computer (--host) alleen met CALAMITEIT_WEB_TOKEN.
    Voorbeeld: calamiteit web --port 8080
    HTTPS: calamiteit web --tls-cert cert.pem --tls-key key.pem
    """
    try:
        from ..web import server  # the optional extra `web`: Starlette, uvicorn, Jinja2
    except ImportError as exc:
        raise UsageError(  # as `overzicht --format html` without plotly
            _("'calamiteit web' vraagt {module}, en dat is niet geïnstalleerd").format(module=exc.name),
            "pip install 'dso-calamiteit[web]'",
        ) from None
    from ..adapters.config import loading

    loading.FREEZE[0] = False  # a server loads the config per page: freezing each would keep its garbage for ever
    tls = server.tls_files(tls_cert, tls_key)
    chosen = server.settings(Place(data_dir, db, config_dir), config_dir, host, port)
    server.serve(chosen, port, tls)
    return exitcodes.OK
