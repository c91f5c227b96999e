"""The short lines (routing) for scripts: `routes --json`, and a route as every JSON document shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .jsondoc import dumps

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.routing import Route


def route(r: Route) -> dict[str, Any]:
    return {
        "id": r.id,
        "when": r.when,
        "situation": r.situation,
        "tiers": list(r.tiers),
        "to": list(r.to),
        "also": list(r.also),
        "min_level": r.min_level,
        "max_level": r.max_level,
    }


def document(config: Config) -> str:
    return dumps(
        "routes",
        {
            "situations": [{"id": s.id, "title": s.title} for s in config.routing.situations],
            "routes": [route(r) for r in config.routing.routes],
            "organisations": {o.id: o.name for o in config.contacts.organisations},
        },
    )
