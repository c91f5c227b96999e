"""The language of what Typer and Click say: Dutch by default, through gettext and one catalogue.

The catalogue (`locale/<taal>/LC_MESSAGES/calamiteit.po`, compiled to `.mo` with Babel) has the English
originals as msgids, so another language is one more catalogue and no code. Typer looks its own texts up with
`gettext.gettext`: `setup()` makes this catalogue gettext's default domain before Typer is imported. The
Click that Typer vendors writes plain English; its messages are translated here, at calamiteit's boundary,
through the same catalogue.
"""

from __future__ import annotations

import gettext
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "calamiteit"
LOCALE = Path(__file__).parents[1] / "locale"
ENV_LANGUAGE = "CALAMITEIT_TAAL"


def language() -> str:
    """CALAMITEIT_TAAL (e.g. `en` for the English originals), else Dutch."""
    return os.environ.get(ENV_LANGUAGE) or "nl"


def setup() -> None:
    """Typer's gettext lookups go to our catalogue, in our language (this process only)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language()


@cache
def _catalogue() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, str(LOCALE), languages=[language()], fallback=True)


def _(msgid: str) -> str:
    return _catalogue().gettext(msgid)


# Click's messages as it writes them → the msgid whose translation says the same; the named groups fill it in.
_CLICK: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), msgid)
    for pattern, msgid in (
        (r"No such option: (?P<name>\S+)", "No such option: {name}"),
        (r"Missing argument (?P<name>.+)\.", "Missing argument {name}."),
        (r"Missing option (?P<name>.+)\.", "Missing option {name}."),
        (r"Missing parameter:? (?P<name>.+?)\.?", "Missing parameter {name}."),
        (r"Invalid value for (?P<name>'[^']*'): (?P<message>.*)", "Invalid value for {name}: {message}"),
        (r"Invalid value: (?P<message>.*)", "{message}"),
        (r"Option (?P<name>'[^']*') requires an argument\.", "Option {name} requires an argument."),
        (r"Option (?P<name>'[^']*') requires (?P<count>\d+) arguments\.", "Option {name} requires {count} arguments."),
        (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", "Got unexpected extra argument(s) ({args})"),
        (r"No such command (?P<name>.+)\.", "No such command {name}."),
        (r"(?P<value>.+) is not one of (?P<choices>.+)\.", "{value} is not one of {choices}."),
        (r"(?P<value>.+) is not a valid int(?:eger)?\.", "{value} is not a valid int."),
        (r"(?P<value>.+) is not a valid float\.", "{value} is not a valid float."),
        (r"(?P<value>.+) is not a valid boolean\..*", "{value} is not a valid boolean."),
    )
)
_POSSIBLE = re.compile(r"^(?P<head>.*?) \(Possible options: (?P<options>.*)\)$")
_SUGGESTED = re.compile(r"^(?P<head>.*?)\.? Did you mean (?P<suggestions>.+)\?$", re.DOTALL)  # Typer adds it


def ngettext(one: str, more: str, n: int) -> str:
    """A count's word in the user's language ('1 nieuwe regel', '3 nieuwe regels'), through the catalogue."""
    return _catalogue().ngettext(one, more, n)


def click_message(message: str) -> str:
    """A message of Click in the user's language (unknown ones stay as they are)."""
    suggested = _SUGGESTED.match(message)
    if suggested:
        tail = _("Did you mean {suggestions}?").format(suggestions=suggested["suggestions"])
        return f"{click_message(suggested['head'] + '.')} {tail}"
    found = _POSSIBLE.match(message)
    if found:
        tail = _("(Possible options: {options})").format(options=found["options"])
        return f"{click_message(found['head'])} {tail}"
    for pattern, msgid in _CLICK:
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
            write_usage(self, prog, args, f"{_('Usage')}: " if prefix is None else prefix)

        formatting.HelpFormatter.write_usage = written  # type: ignore[method-assign]


def translate_help(command: Any, ctx: Any) -> None:
    """The help and completion options' own help texts, in the user's language (Click writes them in English),
    and the usage line (its prefix, '[OPTIONS]', the arguments' names)."""
    _usage_line()
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = _("[OPTIONS]")
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub, ctx)
