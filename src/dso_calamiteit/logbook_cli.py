"""Commands of the incident logbook: `incident …`, `log`, `acties`, `actie`, `rapport`.

Thin like cli.py: they resolve the data folder, the author and the clock, call incidents.py, and print.
"""

# No `from __future__ import annotations` here: Typer would then eval every annotation of every command
# at start-up (measured: 18 ms against 8 ms to build the command tree).

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from . import exitcodes
from .document import dumps
from .errors import CalamiteitError, UsageError
from .options import Author, ConfigDir, DataDir, Json, console

if TYPE_CHECKING:
    from .config import Config
    from .logbook import Entry
    from .store import Store

incident_app = typer.Typer(
    help="Incidenten in het logboek: openen, tonen, sluiten, controleren, exporteren.", no_args_is_help=True
)

ENV_AUTHOR = "CALAMITEIT_AUTEUR"


class Format(StrEnum):
    md = "md"
    json = "json"
    text = "text"


def author_of(flag: str | None) -> str:
    """--auteur, else CALAMITEIT_AUTEUR, else the login name: every entry says who wrote it."""
    for candidate in (flag, os.environ.get(ENV_AUTHOR)):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


@contextmanager
def opened(data_dir: Path | None, create: bool = True, readonly: bool = False) -> "Iterator[Store]":
    """The logbook; `readonly` for commands that only read (they then need read access only)."""
    from .config import data_dir as resolve
    from .store import Store

    store = Store.open(resolve(data_dir), create=create, readonly=readonly)
    try:
        yield store
    finally:
        store.close()


def _stamp() -> str:
    from . import clock, dutchtime

    return dutchtime.stamp(clock.now())


def _say(message: str) -> None:
    console(stderr=True).print(message)


def _criteria(config_dir: Path | None) -> "Config":
    from . import config

    return config.load(config.locate(config_dir))


@incident_app.command("open")
def incident_open(
    title: Annotated[str, typer.Argument(help="Korte titel, bijvoorbeeld 'Omgevingsloket onbereikbaar'.")],
    level: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--level", help="Beginniveau (standaard het basisniveau).", show_default=False),
    ] = None,
    situatie: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--situatie", help="Situatie voor de routering (zie `calamiteit routes`).", show_default=False),
    ] = None,
    auteur: Author = None,
    json: Json = False,
    data_dir: DataDir = None,
    config_dir: ConfigDir = None,
) -> int:
    """Open een incident in het logboek en print zijn id.

    Voorbeeld: ID=$(calamiteit incident open "Omgevingsloket onbereikbaar" --level 1)
    """
    from . import incidents
    from .errors import suggest

    config = _criteria(config_dir)
    situations = [s.id for s in config.routing.situations]
    if situatie is not None and situatie not in situations:
        raise UsageError(f"--situatie '{situatie}': onbekend.{suggest(situatie, situations)}")
    body = incidents.opening(config.criteria, title, level, situatie)
    with opened(data_dir) as store:
        entry = store.open_incident(body["title"], body, author_of(auteur), _stamp())
    if json:
        print(dumps("incident", {"id": entry.incident}, indent=None))
    else:
        print(entry.incident)
    return exitcodes.OK


@incident_app.command("list")
def incident_list(
    all_: Annotated[bool, typer.Option("--all", help="Ook gesloten incidenten.")] = False,
    json: Json = False,
    data_dir: DataDir = None,
    config_dir: ConfigDir = None,
) -> int:
    """Toon de open incidenten (met --all ook de gesloten).

    Voorbeeld: calamiteit incident list --all
    """
    with opened(data_dir, readonly=True) as store:
        rows = store.summaries(include_closed=all_)
    if json:
        print(dumps("incidents", {"incidents": [vars(r) for r in rows]}))
    else:
        from . import render_logbook

        render_logbook.incidents(console(), rows, _criteria(config_dir).criteria)
    return exitcodes.OK


@incident_app.command("show")
def incident_show(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    laatste: Annotated[
        int, typer.Option("--laatste", help="Toon de laatste N regels van de tijdlijn.", min=1, show_default=True)
    ] = 50,
    alles: Annotated[bool, typer.Option("--alles", help="Toon alle regels (als lijst, niet als tabel).")] = False,
    json: Json = False,
    data_dir: DataDir = None,
    config_dir: ConfigDir = None,
) -> int:
    """Toon de tijdlijn van een incident: de laatste regels, of met --alles alle.

    Voorbeeld: calamiteit incident show 2026-001 --laatste 20
    """
    from collections import deque

    from .logbook import fold

    if json:
        with opened(data_dir, readonly=True) as store:
            store.summary(incident)
            entries = store.entries(incident)
        state = fold(entries)
        from .incidents import entries_json
        from .safetext import json_text

        doc = {
            "incident": incident,
            "title": state.title,
            "level": state.level,
            "closed_at": state.closed_at,
            "open_actions": [a.number for a in state.open_actions],
            "head": state.head,
        }
        head = dumps("timeline", doc, indent=None)
        print(json_text(f'{head[:-1]},"entries":{entries_json(entries)}}}'))
        return exitcodes.OK

    from . import render_logbook

    criteria = _criteria(config_dir).criteria
    with opened(data_dir, readonly=True) as store:
        store.summary(incident)
        recent: deque[Entry] = deque(maxlen=laatste)

        def kept(entries: "Iterator[Entry]") -> "Iterator[Entry]":
            for e in entries:
                recent.append(e)
                yield e

        state = fold(kept(store.stream(incident)), keep=False)  # one pass, the newest N kept: memory stays flat
        out = console()
        if not alles:
            render_logbook.timeline(out, state, list(recent), criteria)
            return exitcodes.OK
        render_logbook.heading(out, state, criteria)
        render_logbook.lines(out, state, store.stream(incident))
    return exitcodes.OK


@incident_app.command("close")
def incident_close(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    reden: Annotated[str, typer.Option("--reden", help="Waarom het incident gesloten wordt.")],
    force: Annotated[bool, typer.Option("--force", help="Sluit ook als er nog open acties zijn.")] = False,
    auteur: Author = None,
    data_dir: DataDir = None,
) -> int:
    """Sluit een incident; geweigerd zolang er open acties zijn, tenzij --force.

    Voorbeeld: calamiteit incident close 2026-001 --reden "Storing verholpen, evaluatie gepland"
    """
    from . import incidents

    with opened(data_dir) as store:
        incidents.close(store, incident, reden, force, author_of(auteur), _stamp())
    _say(f"Incident {incident} gesloten.")
    return exitcodes.OK


@incident_app.command("verify")
def incident_verify(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    head: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--head",
            help="De hash onderaan een verstuurd situatierapport (minstens 16 tekens): staat die nog in de keten?",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
) -> int:
    """Controleer de hashketen van een incident: meldt gewijzigde, ingevoegde of verwijderde regels.

    Met --head ook of een eerder verstuurde stand nog in de keten staat (een herberekende keten valt dan op).
    Voorbeeld: calamiteit incident verify 2026-001 --head 3f2a9c0d1e4b5a67
    """
    import re

    from .incidents import verify_incident
    from .safetext import visible

    if head is not None and not re.fullmatch(r"[0-9a-f]{16,64}", head.strip().lower()):
        raise UsageError(f"--head '{head}': geef minstens de eerste 16 tekens (0-9, a-f) van de hash")
    sent = head.strip().lower() if head is not None else None
    with opened(data_dir, create=False, readonly=True) as store:
        summary = store.summary(incident)
        faults = verify_incident(store, summary, sent)
        path = store.path
    for f in faults:
        print(visible(f"{path}: incident {f.incident} regel {f.n}: {f.message}"))
    if faults:
        return exitcodes.TAMPERED
    also = f"; hash {sent} staat erin" if sent else ""
    print(f"Logboek van {incident} klopt: {summary.entries} regels, laatste hash {summary.head}{also}")
    return exitcodes.OK


@incident_app.command("export")
def incident_export(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Schrijf naar dit bestand in plaats van stdout.", show_default=False),
    ] = None,
    data_dir: DataDir = None,
) -> int:
    """Exporteer een incident volledig als JSON, voor overdracht en evaluatie.

    Voorbeeld: calamiteit incident export 2026-001 -o 2026-001.json
    """
    from . import incidents

    with opened(data_dir, create=False, readonly=True) as store:
        text = incidents.export(store, incident)
    _emit(text, output)
    return exitcodes.OK


@incident_app.command("import")
def incident_import(
    file: Annotated[Path, typer.Argument(help="Een bestand van `calamiteit incident export`.")],
    data_dir: DataDir = None,
    config_dir: ConfigDir = None,
) -> int:
    """Lees een geëxporteerd incident in; geweigerd als de hashketen niet klopt.

    Voorbeeld: calamiteit incident import 2026-001.json
    """
    from . import incidents

    entries, state = incidents.read_export(_criteria(config_dir).criteria, file)  # before the logbook is touched
    with opened(data_dir) as store:
        incidents.import_entries(store, entries, state)
    print(state.id)
    _say(f"Incident {state.id} ingelezen: {state.entries} regels, hashketen klopt.")
    return exitcodes.OK


def log(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    text: Annotated[str, typer.Argument(help="Wat er is vastgesteld, geoordeeld of besloten.")],
    beeld: Annotated[bool, typer.Option("--beeld", help="Beeldvorming: feiten.")] = False,
    oordeel: Annotated[bool, typer.Option("--oordeel", help="Oordeelsvorming: duiding, opties.")] = False,
    besluit: Annotated[bool, typer.Option("--besluit", help="Besluitvorming: een besluit (ook een actie).")] = False,
    actiehouder: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--actiehouder", help="Wie het besluit uitvoert (verplicht bij --besluit).", show_default=False),
    ] = None,
    deadline: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--deadline", help="Uiterlijk: HH:MM (vandaag) of JJJJ-MM-DD HH:MM.", show_default=False),
    ] = None,
    corrigeert: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--corrigeert", help="Deze regel corrigeert regel N (die blijft staan).", show_default=False),
    ] = None,
    auteur: Author = None,
    json: Json = False,
    data_dir: DataDir = None,
) -> int:
    """Leg beeld, oordeel of besluit vast in het logboek van een incident (BOB).

    Voorbeeld: calamiteit log 2026-001 "Loket weer bereikbaar" --beeld
    """
    from . import clock, dutchtime, incidents

    kinds = [k for k, on in (("observation", beeld), ("judgement", oordeel), ("decision", besluit)) if on]
    if len(kinds) != 1:
        raise UsageError("kies precies één van --beeld, --oordeel of --besluit")
    due = dutchtime.stamp(dutchtime.parse_local(deadline, clock.now())) if deadline else None
    with opened(data_dir, create=False) as store:
        entry = incidents.note(
            store,
            incident,
            kinds[0],
            text,
            author_of(auteur),
            _stamp(),
            owner=actiehouder,
            deadline=due,
            corrects=corrigeert,
        )
    if json:
        print(dumps("entry", incidents.entry_json(entry), indent=None))
    else:
        action = entry.data.get("action")
        extra = f" (actie {action} voor {entry.data['owner']})" if action else ""
        _say(f"Regel {entry.n} vastgelegd bij {incident}: {incidents.kind_word(entry.kind)}{extra}.")
    return exitcodes.OK


def acties(
    incident: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="Id van het incident; zonder: alle open incidenten.", show_default=False),
    ] = None,
    json: Json = False,
    data_dir: DataDir = None,
) -> int:
    """Toon de open acties (besluiten met een actiehouder).

    Voorbeeld: calamiteit acties 2026-001
    """
    from . import incidents

    with opened(data_dir, readonly=True) as store:
        ids = [incident] if incident else [s.id for s in store.summaries(include_closed=False)]
        states = [incidents.state(store, i) for i in ids]
    rows = [(s, a) for s in states for a in s.open_actions]
    if json:
        doc = {
            "actions": [
                {"incident": s.id, "number": a.number, "text": a.text, "owner": a.owner, "deadline": a.deadline}
                for s, a in rows
            ],
        }
        print(dumps("actions", doc))
    else:
        from . import render_logbook

        render_logbook.actions(console(), rows)
    return exitcodes.OK


def actie(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    number: Annotated[int, typer.Argument(help="Nummer van de actie (zie `calamiteit acties`).")],
    gereed: Annotated[bool, typer.Option("--gereed", help="Meld de actie gereed.")] = False,
    toelichting: Annotated[str, typer.Option("--toelichting", help="Korte toelichting.")] = "",
    auteur: Author = None,
    data_dir: DataDir = None,
) -> int:
    """Meld een actie gereed (als nieuwe regel in het logboek).

    Voorbeeld: calamiteit actie 2026-001 2 --gereed --toelichting "Leveranciers gebeld"
    """
    from . import incidents

    if not gereed:
        raise UsageError("geef --gereed om de actie gereed te melden")
    with opened(data_dir, create=False) as store:
        incidents.complete_action(store, incident, number, toelichting, author_of(auteur), _stamp())
    _say(f"Actie {number} van {incident} gereed gemeld.")
    return exitcodes.OK


def rapport(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    format_: Annotated[Format, typer.Option("--format", help="md, json of text.")] = Format.md,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Schrijf naar dit bestand (in één keer, nooit half).", show_default=False),
    ] = None,
    auteur: Author = None,
    data_dir: DataDir = None,
    config_dir: ConfigDir = None,
) -> int:
    """Maak het situatierapport (sitrap) van een incident, genummerd per incident.

    Voorbeeld: calamiteit rapport 2026-001 --output sitrap.md
    """
    from . import clock, dutchtime, incidents, sitrap

    config = _criteria(config_dir)
    made = clock.now()
    who = author_of(auteur)
    names = {o.id: o.name for o in config.contacts.organisations}
    render = {Format.md: sitrap.markdown, Format.text: sitrap.text, Format.json: sitrap.as_json}[format_]

    def written(number: int | None) -> str:
        return render(sitrap.build(incidents.state(store, incident), config, number, made, who), names)

    from .files import Staged

    staged: Staged | None = None
    number: int | None = None
    with opened(data_dir, create=False) as store:
        if store.summary(incident).closed_at is not None:
            text = written(None)  # a closed incident: the final report, not numbered nor recorded
        else:
            every = config.reporting.minutes_for(store.tip(incident).level)
            next_update = dutchtime.stamp(dutchtime.later(made, every))
            # Number, report and file are made in one transaction (a full disk rolls the number back); the
            # file gets its name only after the commit. A crash in between leaves a numbered sitrap without
            # a file, never a file whose number the logbook does not know.
            with store.transaction():
                entry = store.append(incident, "report", {"next_update": next_update}, who, dutchtime.stamp(made))
                number = entry.data["number"]
                text = written(number)
                staged = Staged(output, text) if output is not None else None
    if output is None:
        _emit(text, None)
        return exitcodes.OK
    try:
        if staged is None:
            _emit(text, output)
        else:
            staged.publish()
            _say(f"Geschreven: {output}")
    except CalamiteitError as exc:
        if number is None:
            raise
        raise CalamiteitError(
            f"situatierapport {number} is vastgelegd in het logboek, maar niet geschreven: {exc.message}",
            f"Maak een nieuw rapport met `calamiteit rapport {incident}` (het krijgt nummer {number + 1}).",
        ) from None
    return exitcodes.OK


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    from .files import write_atomic

    write_atomic(output, text)
    _say(f"Geschreven: {output}")
