"""`calamiteit criteria`: the definition, the levels and their escalation criteria."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

from ..domain import exitcodes
from .options import ConfigDir, Json, console


def criteria(json: Json = False, config_dir: ConfigDir = None) -> int:
    """Toon de definitie, de niveaus en hun opschalingscriteria.

    Voorbeeld: calamiteit criteria --json
    """
    from ..app import configuration

    config = configuration.load(config_dir)
    if json:
        from ..views.criteria import document

        print(document(config.criteria))
    else:
        from ..views.tables.criteria import criteria as panels

        panels(console(), config.criteria)
    return exitcodes.OK
