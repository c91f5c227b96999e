"""The message catalogues, kept in step with the code by Babel: extract, update, compile, check.

    .venv/bin/python tools/catalogue.py            # extract, update both .po, compile both .mo; list what is missing
    .venv/bin/python tools/catalogue.py --check    # only say what is out of date or untranslated (exit 1 if any)

What is extracted: every `_()`, `N_()`, `ngettext()` and `counted()` in the source (Babel's own
Python extractor, the keywords below; `babel.cfg` has the same for a plain `pybabel extract`), and the help texts
of every command and option as Typer builds them (docstrings and `help=`, which no extractor can see). Two
catalogues, each with exactly the messages that need translating into its language: `en` every message of the
tool (Dutch msgids), `nl` the English msgids of Typer and Click (listed in `views/i18n.py`). A new message gets an
empty translation in the `.po`; `--check` (and tests/test_languages.py) fail until it is filled in.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dso_calamiteit"
LOCALE = PACKAGE / "locale"
DOMAIN = "calamiteit"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "counted": (2, 3), "pgettext": ((1, "c"), 2)}
# the code (Babel's Python extractor) and the web face's templates (Jinja2's own extractor, with its i18n
# extension: {{ _("...") }}, {% trans %}); the same keywords for both
METHODS = [
    ("**.py", "python"),
    ("web/templates/**.html", "jinja2.ext:babel_extract"),
    ("web/templates/**.atom", "jinja2.ext:babel_extract"),
]
ENGLISH_SOURCE = "views/i18n.py"  # the one module whose msgids are English (Typer's and Click's)
HELP = "cli (help texts)"
FIXED = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
HEADER = {
    "nl": "Dutch messages of calamiteit: Typer's and Click's English texts (the tool's own msgids are Dutch).",
    "en": "English messages of calamiteit: the msgids are the Dutch texts written in the code.",
}


def _help_texts() -> Iterator[str]:
    """The help of every command, group and option, as Typer builds it (the group's own too)."""
    import typer.main

    from dso_calamiteit.cli import root

    root._register([])  # every command group
    command = typer.main.get_command(root.app)

    def walk(node) -> Iterator[str]:  # type: ignore[no-untyped-def]
        if node.help:
            yield node.help
        for param in node.params:
            if getattr(param, "help", None):
                yield param.help
        for sub in getattr(node, "commands", {}).values():
            yield from walk(sub)

    yield from walk(command)


def template() -> Catalog:
    """What the code says now: one catalogue of every msgid, each with where it is (file names)."""
    found = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=METHODS, keywords=KEYWORDS, comment_tags=("i18n:",)
    ):
        if not (message[0] if isinstance(message, tuple) else message):
            continue
        key = message[0] if isinstance(message, tuple) else message
        known = found.get(key, context=context)
        if known is not None and isinstance(known.id, tuple) != isinstance(message, tuple):
            raise SystemExit(
                f"{filename}:{lineno}: {key!r} is a plain message and the singular of a plural elsewhere; a catalogue "
                "holds one of them only (gettext would miss the other): word one of them differently"
            )
        found.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    for text in _help_texts():
        if text not in found:
            found.add(text, locations=[(HELP, 0)])
    return found


def source_language(message) -> str:  # type: ignore[no-untyped-def]
    """'en' for Typer's and Click's msgids (views/i18n.py), 'nl' for everything the tool writes itself."""
    return "en" if any(path == ENGLISH_SOURCE for path, _line in message.locations) else "nl"


def wanted(lang: str, code: Catalog) -> Catalog:
    """The part of the code's messages that needs translating into `lang`."""
    part = Catalog(domain=DOMAIN, locale=lang)
    for message in code:
        if message.id and source_language(message) != lang:
            part.add(
                message.id, locations=message.locations, auto_comments=message.auto_comments, context=message.context
            )
    return part


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def compiled(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def _key(message) -> object:  # type: ignore[no-untyped-def]
    return message.id if message.context is None else (message.context, message.id)


def out_of_date(lang: str, code: Catalog) -> tuple[list[str], list[str]]:
    """(msgids the code has and the .po lacks, msgids the .po has and the code no longer uses)."""
    need = {_key(m) for m in wanted(lang, code) if m.id}
    have = {_key(m) for m in read(lang) if m.id}
    return sorted(map(str, need - have)), sorted(map(str, have - need))


def untranslated(lang: str) -> list[str]:
    """msgids of the .po with an empty translation (a plural: any form empty), or one marked fuzzy: Babel leaves
    a fuzzy translation out of the .mo, so the reader gets the Dutch (Babel marks one when a message turns from
    singular to plural; read it, then take the flag off)."""
    empty = []
    for message in read(lang):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and (not all(forms) or message.fuzzy):
            empty.append(str(message.id) + (" (fuzzy)" if message.fuzzy else ""))
    return empty


def update(lang: str, code: Catalog) -> Catalog:
    """The .po brought in step with the code: new msgids added empty, gone ones dropped, translations kept."""
    path = po_path(lang)
    catalogue = read(lang) if path.exists() else Catalog(domain=DOMAIN, locale=lang)
    catalogue.update(wanted(lang, code), no_fuzzy_matching=True, update_header_comment=False)
    catalogue.obsolete.clear()
    catalogue.header_comment = f"# {HEADER[lang]}\n# Kept in step by tools/catalogue.py (docs/development.md)."
    catalogue.project, catalogue.version = "calamiteit", ""
    catalogue.creation_date = catalogue.revision_date = FIXED  # no date churn: a merge touches only messages
    catalogue.last_translator = catalogue.language_team = "calamiteit"
    catalogue.msgid_bugs_address = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalogue, include_lineno=False, sort_by_file=False, width=116, omit_header=False)
    return read(lang)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; change nothing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    code = template()
    bad = False
    for lang in ("nl", "en"):
        if not args.check:
            catalogue = update(lang, code)
            (po_path(lang).with_suffix(".mo")).write_bytes(compiled(catalogue))
        missing, stale = out_of_date(lang, code)
        empty = untranslated(lang)
        said = (("not in the catalogue", missing), ("no longer in the code", stale), ("untranslated", empty))
        for label, items in said:
            for item in items:
                bad = True
                print(f"{lang}: {label}: {item!r}")
        if compiled(read(lang)) != po_path(lang).with_suffix(".mo").read_bytes():
            bad = True
            print(f"{lang}: the .mo is not compiled from the .po")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
