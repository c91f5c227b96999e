"""The `calamiteit` command: the root Typer app, which command groups it registers, and `run`, where every
outcome becomes an exit code and every error one message.

The commands themselves are in the modules beside this one, one per command group. A group is imported and
registered only when the command line asks for it, and a command imports its use cases and views when it
runs: start-up is measured (benchmarks/startup.py), and an operator in a calamity should not
wait for imports (docs/design.md, "Lazy imports").
"""

# No `from __future__ import annotations` here: Typer would then eval every annotation of every command
# at start-up (measured: 18 ms against 8 ms to build the command tree).

import os
import sys
from typing import Annotated, Any, Optional

import typer

from .. import __version__
from ..domain import exitcodes
from ..domain.errors import CalamiteitError, UsageError
from ..domain.language import _
from ..domain.safetext import visible

app = typer.Typer(
    name="calamiteit",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # a paragraph of a docstring is one paragraph on screen, rewrapped to fit
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _assessment_commands() -> None:
    from .assessment import assess

    app.command()(assess)


def _contacts_commands() -> None:
    from .contacts import contacts

    app.command()(contacts)


def _criteria_commands() -> None:
    from .criteria import criteria

    app.command()(criteria)


def _routing_commands() -> None:
    from .routing import routes

    app.command()(routes)


def _configuration_commands() -> None:
    from .configuration import check, schema

    app.command()(check)
    app.command()(schema)


def _logbook_commands() -> None:
    from .incidents import actie, acties, incident_app, log, niveau
    from .sitrap import rapport

    app.add_typer(incident_app, name="incident")
    for command in (log, niveau, acties, actie, rapport):
        app.command()(command)


def _monitor_commands() -> None:
    from .monitor import monitor

    app.command()(monitor)


def _callout_commands() -> None:
    from .callout import bevestig, oproep

    app.command()(oproep)
    app.command()(bevestig)


def _overview_commands() -> None:
    from .overview import overzicht

    app.command()(overzicht)


def _usage_commands() -> None:
    from .usage_figures import usage_app

    app.add_typer(usage_app, name="gebruik")


def _db_commands() -> None:
    from .database import db_app

    app.add_typer(db_app, name="db")


def _web_commands() -> None:
    from .web import web

    app.command()(web)


def _readiness_commands() -> None:
    from .readiness import paraatheid, team

    app.command()(paraatheid)
    app.command()(team)


# Typer builds every registered command on each run (about 0.5 ms each), and each command module is one more
# file to import: a command group is imported and registered only when the command line asks for it, and all
# of them for help and completion (none for --version).
GROUPS = {
    "assess": _assessment_commands,
    "contacts": _contacts_commands,
    "criteria": _criteria_commands,
    "routes": _routing_commands,
    "check": _configuration_commands,
    "schema": _configuration_commands,
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
    "bevestig": _callout_commands,
    "gebruik": _usage_commands,
    "overzicht": _overview_commands,
    "web": _web_commands,
}
_registered: set[Any] = set()


def _register(argv: list[str]) -> None:
    first = next((a for a in argv if not a.startswith("-")), None)
    if first not in GROUPS and "--version" in argv and not {"--help", "-h"} & set(argv):
        return  # `calamiteit --version` prints and stops before any command is looked at
    # help, completion or a typo: all of them, in the order --help lists them
    wanted = [GROUPS[first]] if first in GROUPS else list(dict.fromkeys(GROUPS.values()))
    for group in wanted:
        if group not in _registered:
            _registered.add(group)
            group()


def _version(value: bool) -> None:
    if value:
        print(f"calamiteit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Toon de versie en stop.")
    ] = False,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--lang",
            metavar="nl|en",
            help="Taal van wat de tool zegt: nl (standaard) of en; ook CALAMITEIT_LANG of LANG. Bij elk commando.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Beslishulp voor de calamiteitenorganisatie van het Digitaal Stelsel Omgevingswet (DSO).

    Uitvoer staat op stdout, meldingen en vragen op stderr. Exitcodes: 0 gelukt, 1 niets gevonden of bezet,
    2 onjuist gebruik of antwoorden, 3 ongeldige configuratie of onbruikbaar logboek, 4 hashketen klopt niet,
    5 monitor: iets traag, 6 monitor: iets onbeschikbaar, 7 paraatheid: eis niet gedekt, 8 oproep: niet alles
    aangekomen, 9 oproep: deadline verstreken (opnieuw draaien verstuurt de rest), 10+N assess --exit-level:
    niveau N, 130 onderbroken.
    """


def _say(lines: list[str]) -> None:
    for i, line in enumerate(lines):
        sys.stderr.write(("calamiteit: " if i == 0 else "  ") + visible(line) + "\n")
    sys.stderr.flush()


def _interrupted(unworded: list[str] | None = None) -> int:
    """Ctrl-C: exit 130, and for a command that writes, whether its entry is in the logbook (a runbook that
    retries on 130 must not write it twice). `unworded`: the arguments, when it came before the language was set."""
    if unworded is not None:
        from ..views import i18n

        i18n.setup_late(unworded)
    from ..adapters import interrupts

    stored = interrupts.outcome()
    _say([_("onderbroken")] + ([stored] if stored else []))
    return exitcodes.INTERRUPTED


def _check_encoding(argv: list[str]) -> None:
    """Bytes that are not UTF-8 (a terminal in Latin-1) are refused before they can reach the logbook."""
    for number, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise UsageError(
                _("argument {number} ('{shown}') is geen geldige UTF-8-tekst").format(number=number, shown=shown),
                _("Zet de terminal op UTF-8 (bijvoorbeeld LANG=nl_NL.UTF-8) en typ de tekst opnieuw."),
            ) from None


def run(argv: list[str] | None = None) -> int:
    """Run the app and turn every outcome into an exit code; nothing escapes as a traceback."""
    given = list(sys.argv[1:] if argv is None else argv)
    worded = False  # the language is set: until then, an interruption's line looks it up itself
    try:
        from ..adapters import interrupts
        from ..views import i18n  # inside the try: a Ctrl-C while these load is an interruption too

        interrupts.reset()
        argv = i18n.setup(given)  # the language first: Typer's words too
        worded = True
        _check_encoding(argv)
        _register(argv)
        command = typer.main.get_command(app)
        if len(argv) <= 1 or "--help" in argv or "-h" in argv:  # a help page may be shown: in the user's language
            i18n.translate_help(command, command.context_class(command, help_option_names=["-h", "--help"]))
        from ..adapters import process

        process.start_done()  # the collector on again (cli.entry held it off for the start-up), start-up frozen
        result = command(args=argv, prog_name="calamiteit", standalone_mode=False)
        if result == exitcodes.INTERRUPTED:  # Typer turns Ctrl-C inside a command into a silent Exit(130)
            return _interrupted()
        return result if isinstance(result, int) else exitcodes.OK
    except CalamiteitError as exc:
        _say(exc.lines())
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        return _interrupted(None if worded else given)
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
                _("interne fout: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                _("Zet CALAMITEIT_DEBUG=1 voor de traceback en meld dit."),
            ]
        )
        return exitcodes.FAILURE


def main() -> None:
    """Kept for `dso_calamiteit.cli:main` users; the console script uses entry.main."""
    sys.exit(run())
