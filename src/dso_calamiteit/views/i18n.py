"""The language of everything the tool says: Dutch by default, English on request, through gettext.

The catalogues (`locale/<taal>/LC_MESSAGES/calamiteit.po`, compiled to `.mo` with Babel) hold two kinds of
msgid: the tool's own messages, whose msgid is the Dutch text written in the code (`domain/language.py` marks
them), and Typer's and Click's, whose msgid is their English. So the Dutch catalogue translates only Typer and
Click, and the English one every message of the tool (docs/design.md, "Languages").

`setup(argv)` chooses the language (`--lang`, CALAMITEIT_LANG, LANGUAGE, LC_ALL, LC_MESSAGES, LANG; Dutch when
none matches), reads that one catalogue (one small file) and hands it to `domain/language`. Typer looks its own
texts up with the global `gettext.gettext`: this domain is made gettext's global one, and gettext's lookups for it
answer from the same catalogue, not from the environment. The Click that Typer vendors writes plain English; its
messages are translated here, at calamiteit's boundary, through the same catalogue.
"""

from __future__ import annotations

import gettext
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from ..domain import language as words
from ..domain.errors import UsageError
from ..domain.language import N_, _, current
from .lang import ENV_LANGUAGE, lang_option, language

DOMAIN = "calamiteit"
LOCALE = Path(__file__).parents[1] / "locale"

__all__ = ["ENV_LANGUAGE", "N_", "_", "click_message", "language", "ngettext", "setup", "setup_late", "translate_help"]


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """One small file read: the `.mo` of that language (nothing found: the msgids themselves)."""
    return gettext.translation(DOMAIN, str(LOCALE), languages=[lang], fallback=True)


_stdlib_dgettext = gettext.dgettext
_stdlib_dngettext = gettext.dngettext


def _dgettext(domain: str, message: str) -> str:
    return _catalogue(current()).gettext(message) if domain == DOMAIN else _stdlib_dgettext(domain, message)


def _dngettext(domain: str, msgid1: str, msgid2: str, n: int) -> str:
    if domain == DOMAIN:
        return _catalogue(current()).ngettext(msgid1, msgid2, n)
    return _stdlib_dngettext(domain, msgid1, msgid2, n)


def setup(argv: list[str] | None = None) -> list[str]:
    """Choose the language, load its catalogue, and make it what every layer and Typer say; returns the
    arguments without `--lang`. Runs before Typer parses anything."""
    words.use("nl", None, loader=_catalogue)  # a wrong CALAMITEIT_LANG or --lang is said in Dutch
    lang = language()
    words.use(lang, _catalogue(lang))
    chosen, rest = lang_option(list(argv or []))
    if chosen is not None:
        words.use(chosen, _catalogue(chosen))
    gettext.textdomain(DOMAIN)
    gettext.dgettext = _dgettext  # gettext.gettext, which Typer imported, looks up through these
    gettext.dngettext = _dngettext
    _reword_typer_constants()
    return rest


# typer/rich_utils.py words these once, when it is first imported, in the language of that moment. One run per
# process imports it after `setup`; a process that runs the CLI again (the tests, an embedding) in another
# language gets them worded again here, or an English --help would keep Dutch panel titles.
_TYPER_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def _reword_typer_constants() -> None:
    rich_utils = sys.modules.get("typer.rich_utils")
    if rich_utils is None:  # not imported yet: it words them itself, in this run's language
        return
    for name, msgid in _TYPER_CONSTANTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, _dgettext(DOMAIN, msgid))


def setup_late(argv: list[str]) -> None:
    """Start-up was interrupted, maybe before `setup` ran (a Ctrl-C while the CLI imports): the language as
    `setup` chooses it, so that the one line about the interruption is in the reader's language; Dutch when the
    choice is itself wrong."""
    try:
        setup(argv)
    except UsageError:
        words.use("nl", None)


def ngettext(one: str, more: str, n: int) -> str:
    """A count's word in the user's language ('1 nieuwe regel', '3 nieuwe regels'), through the catalogue."""
    return words.ngettext(one, more, n)


# Typer's own texts, which it looks up through gettext itself (typer/core.py, typer/rich_utils.py), and the
# arguments' names in the usage line: listed so that Babel finds them (their msgids are Typer's English).
TYPER = (
    N_("Usage"),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("Error"),
    N_("Aborted."),
    N_("Aborted!"),
    N_("(deprecated) "),
    N_("[default: {}]"),
    N_("[env var: {}]"),
    N_("[required]"),
    N_("(dynamic)"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("TEXT"),
    N_("TITLE"),
    N_("LEVEL"),
    N_("NUMBER"),
    N_("QUERY"),
    N_("FILE"),
    N_("KIND"),
    N_("NAME"),
    N_("See {command} --help."),  # cli/root.py: after a usage error
)


# Click's messages as it writes them → the msgid whose translation says the same; the named groups fill it in.
# Compiled when a message is first translated (_click_patterns), not at every command's start-up.
_CLICK_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing parameter:? (?P<name>.+?)\.?", N_("Missing parameter {name}.")),
    (r"Invalid value for (?P<name>'[^']*'): (?P<message>.*)", N_("Invalid value for {name}: {message}")),
    (r"Invalid value: (?P<message>.*)", "{message}"),
    (r"Option (?P<name>'[^']*') requires an argument\.", N_("Option {name} requires an argument.")),
    (
        r"Option (?P<name>'[^']*') requires (?P<count>\d+) arguments\.",
        N_("Option {name} requires {count} arguments."),
    ),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"No such command (?P<name>.+)\.", N_("No such command {name}.")),
    (r"(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
    (r"(?P<value>.+) is not a valid int(?:eger)?\.", N_("{value} is not a valid int.")),
    (r"(?P<value>.+) is not a valid float\.", N_("{value} is not a valid float.")),
    (r"(?P<value>.+) is not a valid boolean\..*", N_("{value} is not a valid boolean.")),
)
_POSSIBLE = r"^(?P<head>.*?) \(Possible options: (?P<options>.*)\)$"
_SUGGESTED = r"^(?P<head>.*?)\.? Did you mean (?P<suggestions>.+)\?$"  # Typer adds it


@cache
def _click_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), msgid) for pattern, msgid in _CLICK_PATTERNS)


def click_message(message: str) -> str:
    """A message of Click in the user's language (unknown ones stay as they are)."""
    suggested = re.match(_SUGGESTED, message, re.DOTALL)
    if suggested:
        tail = _("Did you mean {suggestions}?").format(suggestions=suggested["suggestions"])
        return f"{click_message(suggested['head'] + '.')} {tail}"
    found = re.match(_POSSIBLE, message)
    if found:
        tail = _("(Possible options: {options})").format(options=found["options"])
        return f"{click_message(found['head'])} {tail}"
    for pattern, msgid in _click_patterns():
        match = pattern.fullmatch(message)
        if match:
            parts = match.groupdict()
            if "message" in parts:  # the inner message is Click's too
                parts["message"] = click_message(parts["message"])
            return _(msgid).format(**parts)
    return message


def _usage_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
    """An argument in the usage line as a person reads it: 'INCIDENT TEKST', optional '[TEAM]' (Typer writes
    '{incident} {text}', the parameter's English name in braces)."""
    if not usage:
        return str(_ORIGINAL_METAVAR[0](self, ctx, usage=False))
    name = self.metavar or _(str(self.name or "").upper())
    name += "..." if self.nargs != 1 else ""
    return name if self.required else f"[{name}]"


_ORIGINAL_METAVAR: list[Any] = []


def _usage_line() -> None:
    """Typer's usage line in the user's language: 'Gebruik: calamiteit log [OPTIES] INCIDENT TEKST'."""
    import typer.core
    from typer._click import formatting

    if not _ORIGINAL_METAVAR:
        _ORIGINAL_METAVAR.append(typer.core.TyperArgument.make_metavar)
        typer.core.TyperArgument.make_metavar = _usage_metavar  # type: ignore[method-assign]
        write_usage = formatting.HelpFormatter.write_usage

        def written(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            write_usage(self, prog, args, _("Usage") + ": " if prefix is None else prefix)

        formatting.HelpFormatter.write_usage = written  # type: ignore[method-assign]


def translate_help(command: Any, ctx: Any) -> None:
    """The help and completion options' own help texts, in the user's language (Click writes them in English),
    and the usage line (its prefix, '[OPTIONS]', the arguments' names)."""
    _usage_line()
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = _("[OPTIONS]")
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    if getattr(command, "help", None):
        command.help = _(command.help)
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub, ctx)
