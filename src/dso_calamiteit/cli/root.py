"""The `calamiteit` command: thin Typer commands that wire config, domain and output, and map errors to exits.

Heavy modules (Rich, PyYAML, pydantic) are imported inside the commands that need them: start-up is
measured (benchmarks/startup.py), and an operator in a calamity should not wait for imports.
"""

# No `from __future__ import annotations` here: Typer would then eval every annotation of every command
# at start-up (measured: 18 ms against 8 ms to build the command tree).

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from .. import __version__
from ..app.logbook import Place
from ..domain import exitcodes
from ..domain.errors import CalamiteitError, NotFoundError, UsageError, suggest
from .options import Author, ConfigDir, DataDir, Db, Json, Moment, console

if TYPE_CHECKING:
    from ..adapters.config import Config

app = typer.Typer(
    name="calamiteit",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # a paragraph of a docstring is one paragraph on screen, rewrapped to fit
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _config(config_dir: Path | None) -> "Config":
    from ..app import configuration

    return configuration.load(config_dir)


def _logbook_commands() -> None:
    from .incidents import actie, acties, incident_app, log, niveau, rapport

    app.add_typer(incident_app, name="incident")
    for command in (log, niveau, acties, actie, rapport):
        app.command()(command)


def _monitor_commands() -> None:
    from .monitor import monitor

    app.command()(monitor)


def _callout_commands() -> None:
    from .callout import oproep

    app.command()(oproep)


def _overview_commands() -> None:
    from .overview import overzicht

    app.command()(overzicht)


def _usage_commands() -> None:
    from .usage import usage_app

    app.add_typer(usage_app, name="gebruik")


def _db_commands() -> None:
    from .database import db_app

    app.add_typer(db_app, name="db")


def _readiness_commands() -> None:
    from .readiness import paraatheid, team

    app.command()(paraatheid)
    app.command()(team)


# Typer builds every registered command on each run (about 0.5 ms each): the command groups beyond the core
# are registered only when the command line asks for one of them, and all of them for help and completion.
GROUPS = {
    "incident": _logbook_commands,
    "log": _logbook_commands,
    "niveau": _logbook_commands,
    "acties": _logbook_commands,
    "actie": _logbook_commands,
    "rapport": _logbook_commands,
    "monitor": _monitor_commands,
    "paraatheid": _readiness_commands,
    "team": _readiness_commands,
    "db": _db_commands,
    "oproep": _callout_commands,
    "gebruik": _usage_commands,
    "overzicht": _overview_commands,
}
CORE = {"assess", "contacts", "criteria", "routes", "check", "schema"}
_registered: set[Any] = set()


def _register(argv: list[str]) -> None:
    first = next((a for a in argv if not a.startswith("-")), None)
    if first in CORE:
        wanted: list[Any] = []
    elif first in GROUPS:
        wanted = [GROUPS[first]]
    else:
        wanted = list(dict.fromkeys(GROUPS.values()))
    for group in wanted:
        if group not in _registered:
            _registered.add(group)
            group()


def _say_line(message: str) -> None:
    from ..domain.safetext import visible

    sys.stderr.write(visible(message) + "\n")


def _version(value: bool) -> None:
    if value:
        print(f"calamiteit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Toon de versie en stop.")
    ] = False,
) -> None:
    """Beslishulp voor de calamiteitenorganisatie van het Digitaal Stelsel Omgevingswet (DSO).

    Uitvoer staat op stdout, meldingen en vragen op stderr. Exitcodes: 0 gelukt, 1 niets gevonden of bezet,
    2 onjuist gebruik of antwoorden, 3 ongeldige configuratie of onbruikbaar logboek, 4 hashketen klopt niet,
    5 monitor: iets traag, 6 monitor: iets onbeschikbaar, 7 paraatheid: eis niet gedekt, 10+N assess
    --exit-level: niveau N, 130 onderbroken.
    """


@app.command()
def assess(
    answer: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--answer", "-a", help="Antwoord als ID=ja of ID=nee (herhaalbaar).", show_default=False),
    ] = None,
    answers_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--answers", help="YAML- of JSON-bestand: criterium-id → ja/nee.", show_default=False),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Nooit vragen; ontbrekende antwoorden zijn een fout.")
    ] = False,
    current: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--current",
            help="Het niveau waarop het incident nu staat: geeft advies op-/afschalen.",
            show_default=False,
        ),
    ] = None,
    situatie: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--situatie",
            help="Spits de routering toe op een situatie (zie `calamiteit routes`).",
            show_default=False,
        ),
    ] = None,
    exit_level: Annotated[
        bool, typer.Option("--exit-level", help=f"Exitcode {exitcodes.LEVEL_BASE} + niveau bij succes.")
    ] = False,
    incident: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--incident",
            help="Leg de beoordeling vast in het logboek van dit incident; zijn niveau is dan het huidige niveau.",
            show_default=False,
        ),
    ] = None,
    volg_advies: Annotated[
        bool,
        typer.Option("--volg-advies", help="Met --incident: neem het geadviseerde niveau over (zonder vraag)."),
    ] = False,
    alleen_advies: Annotated[
        bool,
        typer.Option("--alleen-advies", help="Met --incident: leg alleen het advies vast; het niveau blijft."),
    ] = False,
    alle_contacten: Annotated[
        bool,
        typer.Option("--alle-contacten", help="Toon alle contacten langs de lijnen, niet de eerste 8 per organisatie."),
    ] = False,
    auteur: Author = None,
    json: Json = False,
    config_dir: ConfigDir = None,
    data_dir: DataDir = None,
    db: Db = None,
) -> int:
    """Stel de opschalingscriteria als ja/nee-vragen en adviseer een niveau, routering en contacten.

    Voorbeeld: calamiteit assess --no-input --answer snelle-besluitvorming=ja ... --current 0 --json
    """
    from ..adapters import clock
    from ..app import briefing
    from ..domain import answers as answers_mod
    from ..domain.assessment import assess as decide
    from . import prompt

    config = _config(config_dir)
    criteria = config.criteria
    given = briefing.given(criteria, answers_file, answer or [])
    if incident is not None:  # the incident's level is the current one; its situation the default
        from ..app import incidents

        known = incidents.context(Place(data_dir, db), incident)
        if known.closed:
            raise UsageError(f"incident {incident} is gesloten; er kan niets meer worden vastgelegd")
        if current is not None and current != known.level:
            raise UsageError(f"--current {current} klopt niet: incident {incident} staat op niveau {known.level}")
        current = known.level
        if situatie is None:
            situatie = known.situation
    if current is not None and criteria.level(current) is None:
        levels = ", ".join(str(lv.level) for lv in criteria.ordered)
        raise UsageError(f"--current {current}: onbekend niveau; kies uit {levels}")
    situatie = briefing.situation(config, situatie)
    todo = answers_mod.missing(criteria, given)
    if todo:
        if no_input or not prompt.stdin_is_terminal():
            raise UsageError(
                f"geen antwoord op {len(todo)} criteria: {', '.join(todo)}",
                "Geef ze met --answer ID=ja|nee of --answers BESTAND, of start in een terminal zonder --no-input.",
            )
        given.update(prompt.ask_all(criteria, todo, console(stderr=True)))
    if incident is not None:
        from ..app import incidents, logbook

        if volg_advies and alleen_advies:
            raise UsageError("kies --volg-advies of --alleen-advies, niet beide")
        seen = known.level
        advised = decide(criteria, given, seen).recommended.level
        apply, asked = volg_advies, False
        if advised != seen and not (volg_advies or alleen_advies):
            move = f"{'opschalen' if advised > seen else 'afschalen'} van niveau {seen} naar {advised}"
            if no_input or not prompt.stdin_is_terminal():
                raise UsageError(
                    f"het advies is {move}; het niveau is een besluit: er is niets vastgelegd",
                    "Geef --volg-advies om het advies over te nemen, of --alleen-advies om alleen het advies vast "
                    "te leggen (besluit zelf met `calamiteit niveau`).",
                )
            apply = prompt.confirm(console(stderr=True), f"Het advies is {move}. Het niveau zo wijzigen?")
            asked = True
        result, written = incidents.record_assessment(
            Place(data_dir, db),
            incident,
            lambda level: decide(criteria, given, level),
            situatie,
            logbook.author(auteur),
            apply=apply,
            seen_level=seen if asked else None,  # a person's answer holds only for the level they were shown
        )
        outcome = ""
        if len(written) > 1:
            outcome = f"; {written[-1].data['action']} naar niveau {written[-1].data['after']}"
        elif result.recommended.level != seen:
            outcome = f"; alleen als advies (niveau {result.recommended.level}); het niveau blijft {seen}"
        _say_line(f"Beoordeling vastgelegd bij incident {written[0].incident}{outcome}.")
    else:
        result = decide(criteria, given, current)
    found = briefing.brief(config, result, situatie, clock.now())
    if json:
        from ..views import document

        print(document.assessment(found, config))
    else:
        from ..views import render

        render.assessment(console(), found, config, all_contacts=alle_contacten)
    return exitcodes.LEVEL_BASE + result.recommended.level if exit_level else exitcodes.OK


@app.command()
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
    from ..domain.contacts import TIERS, nearest, pick, search, vocabulary

    config = _config(config_dir)
    matrix = config.contacts
    orgs = [o.id for o in matrix.organisations]
    if org is not None:
        chosen = pick(org, [(o.id, o.name) for o in matrix.organisations])
        if chosen is None:
            raise UsageError(
                f"--org '{org}': onbekende organisatie.{suggest(org, orgs)}", f"Kies uit: {', '.join(orgs)}."
            )
        org = chosen
    tiers = []
    for t in tier or []:
        found_tier = pick(t, [(x, x) for x in TIERS])
        if found_tier is None:
            raise UsageError(f"--tier '{t}': onbekend.{suggest(t, TIERS)}", f"Kies uit: {', '.join(TIERS)}.")
        tiers.append(found_tier)
    found = search(matrix, query, org, tiers)
    if bereikbaar:
        from ..app import readiness

        found = readiness.reachable(config, found, readiness.moment(op))
    elif op is not None:
        raise UsageError("--op hoort bij --bereikbaar")
    if not found:
        what = f" voor '{query}'" if query else ""
        close = nearest(query, vocabulary(matrix)) if query and not search(matrix, query) else []
        hint = f" Bedoelde u {' of '.join(repr(c) for c in close)}?" if close else ""
        raise NotFoundError(f"geen {'bereikbaar ' if bereikbaar else ''}contact gevonden{what}.{hint}")
    if json:
        from ..views import document

        print(document.contacts(found, matrix))
    else:
        from ..views import render

        title = f"Contacten ({len(found)})"
        if bereikbaar:
            from ..app import readiness
            from ..domain import dutchtime

            title += f", bereikbaar {'nu' if op is None else 'op ' + dutchtime.local(readiness.moment(op))}"
        render.contacts_table(console(), found, matrix, title)
    return exitcodes.OK


@app.command()
def criteria(json: Json = False, config_dir: ConfigDir = None) -> int:
    """Toon de definitie, de niveaus en hun opschalingscriteria.

    Voorbeeld: calamiteit criteria --json
    """
    config = _config(config_dir)
    if json:
        from ..views import document

        print(document.criteria(config.criteria))
    else:
        from ..views import render

        render.criteria(console(), config.criteria)
    return exitcodes.OK


@app.command()
def routes(json: Json = False, config_dir: ConfigDir = None) -> int:
    """Toon de korte lijnen: bij welke situatie u naar wie gaat.

    Voorbeeld: calamiteit routes
    """
    config = _config(config_dir)
    if json:
        from ..views import document

        print(document.routes(config))
    else:
        from ..views import render

        out = console()
        render.routes_table(out, list(config.routing.routes), config.contacts, "Korte lijnen")
        for s in config.routing.situations:
            out.print(f"  --situatie {s.id}: {s.title}")
    return exitcodes.OK


@app.command()
def check(json: Json = False, config_dir: ConfigDir = None, data_dir: DataDir = None, db: Db = None) -> int:
    """Controleer alle YAML-bestanden en het logboek; meld elk probleem als bestand:regel:kolom.

    Het logboek wordt, als het bestaat, op zijn hashketen gecontroleerd (exitcode 4 bij een breuk).
    Voorbeeld: calamiteit check --config-dir ./mijn-config
    """
    from ..app import configuration, logbook

    files = configuration.check(config_dir)
    book = logbook.check(Place(data_dir, db))
    problems = files.problems + book.unusable + book.broken
    if json:
        from ..views import document

        print(document.check(files.sources, problems))
    else:
        from ..domain.safetext import visible
        from ..views import render

        render.check(console(), files.sources, files.summary)
        print(visible(book.note))
        for p in problems:
            print(visible(str(p)))
        if problems:
            from ..domain.words import count

            print(f"{count(len(problems), 'probleem', 'problemen')} gevonden.")
    if files.problems or book.unusable:
        return exitcodes.CONFIG
    return exitcodes.TAMPERED if book.broken else exitcodes.OK


@app.command()
def schema(
    kind: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(
            help="criteria, contacts, routing, rapport, monitor, paraatheid, teams, logboek, oproep of onderhoud "
            "(de bestandsnamen; ook de Engelse namen reporting, readiness, logbook, callout en maintenance); "
            "zonder: alle.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Print het JSON Schema van een YAML-bestand, voor editors (yaml-language-server) en controle.

    Voorbeeld: calamiteit schema contacts > contacts.schema.json
    """
    import json as jsonlib

    from ..adapters.config.validation import MODELS, json_schema

    dutch = {
        "rapport": "reporting",
        "paraatheid": "readiness",
        "routering": "routing",
        "contacten": "contacts",
        "logboek": "logbook",
        "oproep": "callout",
        "onderhoud": "maintenance",
    }
    if kind is not None:
        kind = dutch.get(kind.casefold(), kind.casefold())
    if kind is not None and kind not in MODELS:
        names = [
            "criteria", "contacts", "routing", "rapport", "monitor", "paraatheid", "teams", "logboek", "oproep",
            "onderhoud",
        ]
        raise UsageError(f"onbekende soort '{kind}'.{suggest(kind, names)}", f"Kies uit: {', '.join(names)}.")
    body = json_schema(kind) if kind else {k: json_schema(k) for k in MODELS}
    print(jsonlib.dumps(body, ensure_ascii=False, indent=2))
    return exitcodes.OK


def _say(lines: list[str]) -> None:
    from ..domain.safetext import visible

    for i, line in enumerate(lines):
        sys.stderr.write(("calamiteit: " if i == 0 else "  ") + visible(line) + "\n")
    sys.stderr.flush()


def _interrupted() -> int:
    """Ctrl-C: exit 130, and for a command that writes, whether its entry is in the logbook (a runbook that
    retries on 130 must not write it twice)."""
    from ..adapters import commits

    stored = commits.outcome()
    _say(["onderbroken"] + ([stored] if stored else []))
    return exitcodes.INTERRUPTED


def _check_encoding(argv: list[str]) -> None:
    """Bytes that are not UTF-8 (a terminal in Latin-1) are refused before they can reach the logbook."""
    for number, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise UsageError(
                f"argument {number} ('{shown}') is geen geldige UTF-8-tekst",
                "Zet de terminal op UTF-8 (bijvoorbeeld LANG=nl_NL.UTF-8) en typ de tekst opnieuw.",
            ) from None


def run(argv: list[str] | None = None) -> int:
    """Run the app and turn every outcome into an exit code; nothing escapes as a traceback."""
    try:
        from ..adapters import commits
        from ..views import i18n  # inside the try: a Ctrl-C while these load is an interruption too

        commits.reset()
        i18n.setup()
        argv = sys.argv[1:] if argv is None else argv
        _check_encoding(argv)
        _register(argv)
        command = typer.main.get_command(app)
        if len(argv) <= 1 or "--help" in argv or "-h" in argv:  # a help page may be shown: in the user's language
            i18n.translate_help(command, command.context_class(command, help_option_names=["-h", "--help"]))
        result = command(args=argv, prog_name="calamiteit", standalone_mode=False)
        if result == exitcodes.INTERRUPTED:  # Typer turns Ctrl-C inside a command into a silent Exit(130)
            return _interrupted()
        return result if isinstance(result, int) else exitcodes.OK
    except CalamiteitError as exc:
        _say(exc.lines())
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        return _interrupted()
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # typer's own usage errors: unknown option, bad value
        ctx = getattr(exc, "ctx", None)
        message = exc.format_message()
        if message:  # empty: no arguments, and the help page was shown instead
            see = i18n._("See {command} --help.").format(command=f"'{ctx.command_path if ctx else 'calamiteit'}")
            _say([i18n.click_message(message), see.replace(" --help.", " --help'.")])
        return exitcodes.USAGE if exc.exit_code == exitcodes.USAGE else exitcodes.FAILURE
    except BrokenPipeError:
        # The reader went away (`| head`): point stdout at /dev/null so the flush at exit is quiet.
        # typer itself turns a broken pipe inside a command into exit 1; this is the same outcome.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exitcodes.FAILURE
    except Exception as exc:  # a bug: still no traceback for the operator, but enough to report it
        if os.environ.get("CALAMITEIT_DEBUG"):
            raise
        _say(
            [
                f"interne fout: {type(exc).__name__}: {exc}",
                "Zet CALAMITEIT_DEBUG=1 voor de traceback en meld dit.",
            ]
        )
        return exitcodes.FAILURE


def main() -> None:
    """Kept for `dso_calamiteit.cli:main` users; the console script uses entry.main."""
    sys.exit(run())
