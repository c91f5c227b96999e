"""Commands about the logbook itself: `db upgrade` (schema) and `db copy` (SQLite ⇄ PostgreSQL)."""

# No `from __future__ import annotations`: Typer reads these annotations at run time.

from typing import Annotated

import typer

from ..app.place import Place
from ..domain import exitcodes
from ..domain.language import _
from .options import DataDir, Db, Json, console

db_app = typer.Typer(
    help="Het logboek zelf: schema aanmaken of bijwerken, een heel logboek kopiëren (SQLite ⇄ PostgreSQL).",
    no_args_is_help=True,
)


@db_app.command("upgrade")
def db_upgrade(json: Json = False, data_dir: DataDir = None, db: Db = None) -> int:
    """Maak het schema van het logboek aan of werk het bij.

    Op PostgreSQL is dit een taak voor de beheerder (de coördinatoren hebben daar de rechten niet voor);
    een SQLite-logboek doet het bij het openen zelf. Een schema van een nieuwere versie wordt geweigerd.
    Voorbeeld: calamiteit db upgrade --db postgresql://beheer@db.example.nl/calamiteit
    """
    from ..app import database

    done = database.upgrade(Place(data_dir, db))
    if json:
        from ..views.database import upgrade_document

        print(upgrade_document(done))
    elif done.before == done.after:
        said = _("Schema {schema} is al actueel: {where}").format(schema=done.after, where=done.where)
        console().print(said, markup=False)
    else:
        said = _("Schema {before} → {after}: {where}").format(before=done.before, after=done.after, where=done.where)
        console().print(said, markup=False)
    return exitcodes.OK


@db_app.command("copy")
def db_copy(
    source: Annotated[str, typer.Option("--from", help="Het logboek waaruit gekopieerd wordt (pad of URL).")],
    target: Annotated[str, typer.Option("--to", help="Het logboek waarin gekopieerd wordt (pad of URL).")],
    json: Json = False,
) -> int:
    """Kopieer een heel logboek: alle incidenten (hashketen voor en na gecontroleerd) en de monitorhistorie.

    Wat het doel al heeft, wordt overgeslagen: opnieuw draaien is veilig. Een incident met een gebroken
    keten wordt niet gekopieerd (exitcode 4); een incident dat in beide logboeken verschillend verder is
    geschreven ook niet (exitcode 1). Wachtwoorden niet in de URL: PGPASSWORD, ~/.pgpass of PGSERVICE.
    Voorbeeld: calamiteit db copy --from ~/.local/share/calamiteit/logboek.sqlite --to postgresql://oct@db/calamiteit
    """
    from ..app import database

    done = database.copy(source, target)
    if json:
        from ..views.database import copy_document

        print(copy_document(done))
        return done.exit_code
    from ..views.tables.database import copied

    copied(console(), done)
    return done.exit_code
