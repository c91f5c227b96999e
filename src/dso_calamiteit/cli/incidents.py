"""Commands of the incident logbook: `incident …`, `log`, `niveau`, `acties`, `actie` (`rapport` is in sitrap.py).

Thin: each parses its flags, calls one use case of app.incidents or app.handover, and hands the result to
views.incidents (JSON, the export) or views.tables.incidents (for people).
"""

# No `from __future__ import annotations` here: Typer would then eval every annotation of every command
# at start-up (measured: 18 ms against 8 ms to build the command tree).

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..adapters import clock
from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError
from ..domain.language import _, ngettext
from ..domain.safetext import visible
from .handover import incident_export, incident_import
from .options import Author, ConfigDir, DataDir, Db, Json, Situation, console, say

if TYPE_CHECKING:
    from ..app.place import Where
    from ..domain.logbook import Fault

incident_app = typer.Typer(
    help="Incidenten in het logboek: openen, tonen, sluiten, controleren, exporteren.", no_args_is_help=True
)


def _alarm(faults: "list[Fault]") -> int:
    """A broken chain is said loudly on stderr, and the exit code says it too (4), whatever was shown."""
    if not faults:
        return exitcodes.OK
    from ..views.tables.terminal import Text

    err = console(stderr=True)
    for f in faults[:5]:
        said = _("LET OP: de hashketen van {incident} klopt niet: regel {n}: {message}")
        err.print(Text(said.format(incident=f.incident, n=f.n, message=f.message), style="bold red"))
    if len(faults) > 5:
        more = len(faults) - 5
        said = ngettext(
            "… en nog {n} breuk; calamiteit incident verify toont ze.",
            "… en nog {n} breuken; calamiteit incident verify toont ze.",
            more,
        )
        err.print(Text(said.format(n=more), style="red"))
    return exitcodes.TAMPERED


@incident_app.command("open")
def incident_open(
    title: Annotated[str, typer.Argument(help="Korte titel, bijvoorbeeld 'Omgevingsloket onbereikbaar'.")],
    level: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--level", help="Beginniveau (standaard het basisniveau).", show_default=False),
    ] = None,
    situatie: Situation = None,
    auteur: Author = None,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Open een incident in het logboek en print zijn id.

    Voorbeeld: ID=$(calamiteit incident open "Omgevingsloket onbereikbaar" --level 1)
    """
    from ..app import configuration, incidents, logbook
    from ..domain.routing import chosen_situation
    from ..views.incidents import incident_document

    config = configuration.load(config_dir)
    body = incidents.opening(config.criteria, title, level, chosen_situation(config.routing, situatie))
    incident = incidents.open_incident(Place(data_dir, db), body, logbook.author(auteur))
    if json:
        print(incident_document(incident))
    else:
        print(incident)
    return exitcodes.OK


@incident_app.command("list")
def incident_list(
    all_: Annotated[bool, typer.Option("--all", help="Ook gesloten incidenten.")] = False,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Toon de open incidenten (met --all ook de gesloten).

    Voorbeeld: calamiteit incident list --all
    """
    from ..app import configuration, incidents

    config = configuration.load(config_dir)
    rows = incidents.incidents(Place(data_dir, db), all_, config.reporting)
    if json:
        from ..views.incidents import incidents_document

        print(incidents_document(rows))
    else:
        from ..views.tables import incidents as tables

        tables.incidents(console(), rows, config.criteria, clock.now())
    return _alarm([f for r in rows for f in r.faults])


@incident_app.command("show")
def incident_show(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    laatste: Annotated[
        int, typer.Option("--laatste", help="Toon de laatste N regels van de tijdlijn.", min=1, show_default=True)
    ] = 50,
    alles: Annotated[bool, typer.Option("--alles", help="Toon alle regels (als lijst, niet als tabel).")] = False,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            "--watch",
            help="Blijf volgen: toon nieuwe regels zodra collega's ze vastleggen, tot Ctrl-C of het sluiten. "
            "Met --json: elke regel als één JSON-regel.",
        ),
    ] = False,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Toon de tijdlijn van een incident: de laatste regels, of met --alles alle; --follow volgt hem live.

    Voorbeeld: calamiteit incident show 2026-001 --laatste 20
    """
    from ..app import configuration, incidents

    if follow:
        return _follow(Place(data_dir, db), incident, laatste, json, config_dir)
    if json:
        from ..views.incidents import TimelineWriter

        writer = TimelineWriter(sys.stdout.write)
        state, _, faults, _ = incidents.each_entry(Place(data_dir, db), incident, writer.entry, keep=False)
        writer.end(state, faults)
        return _alarm(faults)
    from ..views.tables import incidents as tables

    config = configuration.load(config_dir)
    now = clock.now()
    if not alles:
        found = incidents.timeline(Place(data_dir, db), incident, laatste)
        tables.timeline(console(), found, config, now)
        return _alarm(found.faults)
    with incidents.every_entry(Place(data_dir, db), incident) as (full, stream, broken):
        out = console()
        tables.heading(out, full, config, now)
        tables.lines(out, full, stream, now, signed=config.contacts.signed_by)
    return _alarm(broken)


def _follow(where: "Where", incident: str, newest: int, json: bool, config_dir: "Path | None") -> int:
    """The timeline as `show` prints it, then every new entry as one line (JSON Lines with --json)."""
    from ..app import configuration, incidents

    if json:
        from ..views.incidents import entry_text

        state, texts, faults, check = incidents.each_entry(where, incident, entry_text)
        print("\n".join(texts), flush=True)
        if faults:
            return _alarm(faults)
        for e in incidents.follow(where, incident, state, check):
            print(entry_text(e), flush=True)
        return exitcodes.OK
    from ..views.tables import incidents as tables

    config = configuration.load(config_dir)
    found = incidents.timeline(where, incident, newest)
    out = console()
    tables.timeline(out, found, config, clock.now())
    if found.faults:
        return _alarm(found.faults)
    out.print(_("Volgt nieuwe regels (Ctrl-C stopt) …"), style="dim")
    sys.stdout.flush()
    for e in incidents.follow(where, incident, found.state, found.check):
        tables.lines(out, found.state, [e], clock.now(), head=False, signed=config.contacts.signed_by)
        out.file.flush()
    out.print(_("Incident {id} is gesloten.").format(id=found.state.id), style="dim")
    return exitcodes.OK


@incident_app.command("close")
def incident_close(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    reden: Annotated[str, typer.Option("--reden", help="Waarom het incident gesloten wordt.")],
    force: Annotated[bool, typer.Option("--force", help="Sluit ook als er nog open acties zijn.")] = False,
    auteur: Author = None,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Sluit een incident; geweigerd zolang er open acties zijn, tenzij --force.

    Voorbeeld: calamiteit incident close 2026-001 --reden "Storing verholpen, evaluatie gepland"
    """
    from ..app import incidents, logbook

    closed = incidents.close_incident(Place(data_dir, db), incident, reden, force, logbook.author(auteur))
    say(_("Incident {id} gesloten.").format(id=closed.incident))
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
    db: Db = None,
) -> int:
    """Controleer de hashketen van een incident: meldt gewijzigde, ingevoegde of verwijderde regels.

    Met --head ook of een eerder verstuurde stand nog in de keten staat (een herberekende keten valt dan op).
    Voorbeeld: calamiteit incident verify 2026-001 --head 3f2a9c0d1e4b5a67
    """
    from ..app import incidents

    if head is not None and not re.fullmatch(r"[0-9a-f]{16,64}", head.strip().lower()):
        said = _("--head '{head}': geef minstens de eerste 16 tekens (0-9, a-f) van de hash")
        raise UsageError(said.format(head=head))
    sent = head.strip().lower() if head is not None else None
    found = incidents.verify(Place(data_dir, db), incident, sent)
    for f in found.faults:
        said = _("{path}: incident {incident} regel {n}: {message}")
        print(visible(said.format(path=found.path, incident=f.incident, n=f.n, message=f.message)))
    if found.faults:
        return exitcodes.TAMPERED
    for w in found.warnings:  # a warning, not a break: said on stderr, exit 0
        said = _("let op: incident {incident} regel {n}: {message}")
        print(visible(said.format(incident=w.incident, n=w.n, message=w.message)), file=sys.stderr)
    also = "; " + _("hash {hash} staat erin").format(hash=sent) if sent else ""
    said = ngettext(
        "Logboek van {incident} klopt: {n} regel, laatste hash {head}",
        "Logboek van {incident} klopt: {n} regels, laatste hash {head}",
        found.summary.entries,
    )
    print(said.format(incident=incident, n=found.summary.entries, head=found.summary.head) + also)
    return exitcodes.OK


def log(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    text: Annotated[str, typer.Argument(help="Wat er is vastgesteld, geoordeeld of besloten.")],
    beeld: Annotated[bool, typer.Option("--beeld", help="Beeldvorming: feiten.")] = False,
    oordeel: Annotated[bool, typer.Option("--oordeel", help="Oordeelsvorming: duiding, opties.")] = False,
    besluit: Annotated[bool, typer.Option("--besluit", help="Besluitvorming: een besluit (ook een actie).")] = False,
    publiek: Annotated[
        bool,
        typer.Option("--publiek", help="Een publieke update: de enige tekst die de openbare statuspagina toont."),
    ] = False,
    actiehouder: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--actiehouder", help="Wie het besluit uitvoert (verplicht bij --besluit).", show_default=False),
    ] = None,
    deadline: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--deadline",
            help="Uiterlijk, Nederlandse tijd: HH:MM (vandaag), 'zo 14:00', 'morgen 08:00', '+30m', 'over 2 uur' "
            "of JJJJ-MM-DD HH:MM.",
            show_default=False,
        ),
    ] = None,
    corrigeert: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--corrigeert", help="Deze regel corrigeert regel N (die blijft staan).", show_default=False),
    ] = None,
    auteur: Author = None,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Leg beeld, oordeel of besluit vast in het logboek van een incident (BOB), of een publieke update.

    Een publieke update (--publiek) is voor iedereen: de openbare statuspagina van `calamiteit web` toont die
    en niets anders uit het logboek.

    Voorbeeld: calamiteit log 2026-001 "Loket weer bereikbaar" --beeld
    """
    from ..app import incidents, logbook
    from ..domain import dutchtime
    from ..domain.logbook import kind_word

    chosen = (("observation", beeld), ("judgement", oordeel), ("decision", besluit), ("public_update", publiek))
    kinds = [k for k, on in chosen if on]
    if len(kinds) != 1:
        raise UsageError(_("kies precies één van --beeld, --oordeel, --besluit of --publiek"))
    due = None
    if deadline:
        understood = dutchtime.read(deadline, clock.now(), future=True, what="deadline")
        if understood.note:
            say(understood.note)
        due = dutchtime.stamp(understood.at)
    entry = incidents.record_note(
        Place(data_dir, db),
        incident,
        kinds[0],
        text,
        logbook.author(auteur),
        owner=actiehouder,
        deadline=due,
        corrects=corrigeert,
    )
    if json:
        from ..views.incidents import entry_document

        print(entry_document(entry))
    else:
        action = entry.data.get("action")
        extra = " " + _("(actie {n} voor {owner})").format(n=action, owner=entry.data["owner"]) if action else ""
        if entry.data.get("deadline"):  # the moment as understood, with its weekday: a misreading shows at once
            extra = " " + _("(actie {n} voor {owner}, deadline {moment})").format(
                n=action, owner=entry.data["owner"], moment=dutchtime.local(entry.data["deadline"])
            )
        said = _("Regel {n} vastgelegd bij {incident}: {kind}{extra}.")
        say(said.format(n=entry.n, incident=entry.incident, kind=kind_word(entry.kind), extra=extra))
    return exitcodes.OK


def niveau(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    level: Annotated[int, typer.Argument(help="Het niveau waartoe besloten is (zie `calamiteit criteria`).")],
    reden: Annotated[str, typer.Option("--reden", help="Waarom: wordt vastgelegd en staat in elk rapport.")],
    auteur: Author = None,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Leg een besluit over het niveau vast, met de reden; ook tegen het advies in (dat wordt dan vermeld).

    Het tool adviseert (`assess --incident`), een mens besluit: dit is dat besluit.
    Voorbeeld: calamiteit niveau 2026-001 1 --reden "OCT bijeen op verzoek van IPLO"
    """
    from ..app import configuration, incidents, logbook

    criteria = configuration.load(config_dir).criteria
    entry = incidents.decide_level(Place(data_dir, db), criteria, incident, level, reden, logbook.author(auteur))
    if json:
        from ..views.incidents import entry_document

        print(entry_document(entry))
        return exitcodes.OK
    data = entry.data
    against = ""
    if data.get("advised") is not None and data["advised"] != data["after"]:
        against = ", " + _("tegen het advies (niveau {level}) in").format(level=data["advised"])
    said = _("Besluit vastgelegd bij {incident}: {move} naar niveau {level}{against}.")
    say(said.format(incident=entry.incident, move=_(data["action"]), level=data["after"], against=against))
    return exitcodes.OK


def acties(
    incident: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="Id van het incident; zonder: alle open incidenten.", show_default=False),
    ] = None,
    json: Json = False,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Toon de open acties (besluiten met een actiehouder).

    Voorbeeld: calamiteit acties 2026-001
    """
    from ..app import incidents

    rows, faults = incidents.open_actions(Place(data_dir, db), incident)
    now = clock.now()
    if json:
        from ..views.incidents import actions_document

        print(actions_document(rows, now))
    else:
        from ..views.tables import incidents as tables

        tables.actions(console(), rows, now)
    return _alarm(faults)


def actie(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    number: Annotated[int, typer.Argument(help="Nummer van de actie (zie `calamiteit acties`).")],
    gereed: Annotated[bool, typer.Option("--gereed", help="Meld de actie gereed.")] = False,
    toelichting: Annotated[str, typer.Option("--toelichting", help="Korte toelichting.")] = "",
    auteur: Author = None,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Meld een actie gereed (als nieuwe regel in het logboek).

    Voorbeeld: calamiteit actie 2026-001 2 --gereed --toelichting "Leveranciers gebeld"
    """
    from ..app import incidents, logbook

    if not gereed:
        raise UsageError(_("geef --gereed om de actie gereed te melden"))
    done = incidents.complete_action(Place(data_dir, db), incident, number, toelichting, logbook.author(auteur))
    say(_("Actie {n} van {incident} gereed gemeld.").format(n=number, incident=done.incident))
    return exitcodes.OK


# Handing an incident over is its own module (handover.py); its commands belong to `incident`, after verify.
incident_app.command("export")(incident_export)
incident_app.command("import")(incident_import)
