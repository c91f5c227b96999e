"""Which language the reader asked for: `--lang`, CALAMITEIT_LANG, then the system's locale; Dutch otherwise.

Kept apart from `i18n`, whose msgids are Typer's and Click's English: these messages are the tool's own (Dutch).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..domain.errors import UsageError
from ..domain.language import LANGUAGES, _

ENV_LANGUAGE = "CALAMITEIT_LANG"
ENV_LANGUAGE_OLD = "CALAMITEIT_TAAL"  # the name before English came (session 29); still read
SYSTEM = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _spoken(value: str) -> str | None:
    """The first language we have in a locale value: 'en_GB.UTF-8' → 'en', 'de:en' → 'en', 'C' → None."""
    for part in value.split(":"):
        code = part.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()
        if code in LANGUAGES:
            return code
    return None


def language(environ: Mapping[str, str] | None = None) -> str:
    """CALAMITEIT_LANG, else the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG naming a language we have; Dutch."""
    env = os.environ if environ is None else environ
    for name in (ENV_LANGUAGE, ENV_LANGUAGE_OLD):
        chosen = env.get(name, "").strip()
        if chosen:
            if chosen.lower() not in LANGUAGES:
                raise UsageError(
                    _("{name}={value}: onbekende taal").format(name=name, value=chosen),
                    _("Kies {choices}.").format(choices=", ".join(LANGUAGES)),
                )
            return chosen.lower()
    for name in SYSTEM:
        found = _spoken(env.get(name, ""))
        if found:
            return found
    return "nl"


def lang_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """`--lang en` or `--lang=en` anywhere before `--`, and the arguments without it (every command takes it)."""
    chosen: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--lang" or arg.startswith("--lang="):
            if arg == "--lang":
                if i + 1 >= len(argv):
                    choose = _("Kies {choices}.").format(choices=", ".join(LANGUAGES))
                    raise UsageError(_("--lang heeft een waarde nodig"), choose)
                chosen, i = argv[i + 1], i + 2
            else:
                chosen, i = arg.partition("=")[2], i + 1
            if chosen.lower() not in LANGUAGES:
                raise UsageError(
                    _("--lang {value}: onbekende taal").format(value=chosen),
                    _("Kies {choices}.").format(choices=", ".join(LANGUAGES)),
                )
            chosen = chosen.lower()
            continue
        rest.append(arg)
        i += 1
    return chosen, rest
