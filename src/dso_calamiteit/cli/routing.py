"""`calamiteit routes`: the short lines, which situation goes to whom."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

from ..domain import exitcodes
from .options import ConfigDir, Json, console


def routes(json: Json = False, config_dir: ConfigDir = None) -> int:
    """Toon de korte lijnen: bij welke situatie u naar wie gaat.

    Voorbeeld: calamiteit routes
    """
    from ..app import configuration

    config = configuration.load(config_dir)
    if json:
        from ..views.routing import document

        print(document(config))
    else:
        from ..views.tables.routing import routes_table

        out = console()
        routes_table(out, list(config.routing.routes), config.contacts, "Korte lijnen")
        for s in config.routing.situations:
            out.print(f"  --situatie {s.id}: {s.title}")
    return exitcodes.OK
