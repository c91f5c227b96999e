"""`calamiteit contacts`: people and organisations in the contact matrix, optionally only who is reachable."""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

from typing import Annotated, Optional

import typer

from ..domain import exitcodes
from ..domain.errors import NotFoundError, UsageError, suggest
from ..domain.language import _
from .options import ConfigDir, Json, Moment, console


def contacts(
    query: Annotated[str, typer.Argument(help="Zoektekst: organisatie, rol, naam, trefwoord of notitie.")] = "",
    org: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--org", help="Alleen deze organisatie (id).", show_default=False),
    ] = None,
    tier: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--tier",
            help="Alleen deze laag: operationeel, tactisch of strategisch (herhaalbaar).",
            show_default=False,
        ),
    ] = None,
    bereikbaar: Annotated[
        bool, typer.Option("--bereikbaar", help="Alleen wie bereikbaar is (volgens config/paraatheid.yaml).")
    ] = False,
    op: Moment = None,
    json: Json = False,
    config_dir: ConfigDir = None,
) -> int:
    """Zoek personen en organisaties in de contactmatrix (hoofdletter- en accentongevoelig).

    Voorbeeld: calamiteit contacts provincien --tier tactisch
    """
    from ..app import configuration
    from ..domain.contacts import TIERS, nearest, pick, search, vocabulary

    config = configuration.load(config_dir)
    matrix = config.contacts
    orgs = [o.id for o in matrix.organisations]
    if org is not None:
        chosen = pick(org, [(o.id, o.name) for o in matrix.organisations])
        if chosen is None:
            raise UsageError(
                _("--org '{org}': onbekende organisatie.").format(org=org) + suggest(org, orgs),
                _("Kies uit: {choices}.").format(choices=", ".join(orgs)),
            )
        org = chosen
    tiers = []
    for t in tier or []:
        found_tier = pick(t, [(x, x) for x in TIERS])
        if found_tier is None:
            raise UsageError(
                _("--tier '{tier}': onbekend.").format(tier=t) + suggest(t, TIERS),
                _("Kies uit: {choices}.").format(choices=", ".join(TIERS)),
            )
        tiers.append(found_tier)
    found = search(matrix, query, org, tiers)
    if bereikbaar:
        from ..app import readiness

        found = readiness.reachable(config, found, readiness.moment(op))
    elif op is not None:
        raise UsageError(_("--op hoort bij --bereikbaar"))
    if not found:
        what = _(" voor '{query}'").format(query=query) if query else ""
        close = nearest(query, vocabulary(matrix)) if query and not search(matrix, query) else []
        hint = " " + _("Bedoelde u {options}?").format(options=_(" of ").join(repr(c) for c in close)) if close else ""
        found_none = _("geen bereikbaar contact gevonden") if bereikbaar else _("geen contact gevonden")
        raise NotFoundError(f"{found_none}{what}.{hint}")
    if json:
        from ..views.contacts import document

        print(document(found, matrix))
    else:
        from ..views.tables.contacts import contacts_table

        title = _("Contacten ({count})").format(count=len(found))
        if bereikbaar:
            from ..app import readiness
            from ..domain import dutchtime

            title += (
                _(", bereikbaar nu")
                if op is None
                else _(", bereikbaar op {moment}").format(moment=dutchtime.local(readiness.moment(op)))
            )
        contacts_table(console(), found, matrix, title)
    return exitcodes.OK
