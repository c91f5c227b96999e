"""English on request beside complete Dutch (issue 25): the language chosen, the catalogues in step with the
code, and what an operator reads in each language."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from types import ModuleType

import pytest

from dso_calamiteit.cli import prompt
from dso_calamiteit.domain import exitcodes, language
from dso_calamiteit.views import lang as choice

from .conftest import REPO, Invoke

CRITERIA_COUNT = 14


def _catalogue_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue", REPO / "tools" / "catalogue.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return _catalogue_tool()


@pytest.fixture(scope="module")
def code(tool: ModuleType):  # type: ignore[no-untyped-def]
    """The messages of the code now (Babel's extractor over src/, and the commands' help texts)."""
    return tool.template()


# --- the catalogues against the code ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_message_of_the_code_is_in_the_catalogue_and_translated(tool: ModuleType, code, lang: str) -> None:
    missing, _stale = tool.out_of_date(lang, code)
    assert missing == [], f"not in {lang}.po: run tools/catalogue.py and translate (docs/development.md)"
    assert tool.untranslated(lang) == [], f"untranslated in {lang}.po (docs/development.md, 'Languages')"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_catalogues_are_in_step_with_the_code(tool: ModuleType, code, lang: str) -> None:
    _missing, stale = tool.out_of_date(lang, code)
    assert stale == [], f"{lang}.po has messages the code no longer uses: run tools/catalogue.py"
    compiled = tool.compiled(tool.read(lang))
    assert compiled == tool.po_path(lang).with_suffix(".mo").read_bytes(), "run tools/catalogue.py"


def test_the_check_sees_a_new_message_and_a_gone_one(tool: ModuleType, code) -> None:
    """The comparison itself: a message the code gains is missing, one it loses is stale."""
    from babel.messages.catalog import Catalog

    changed = Catalog(domain="calamiteit")
    for message in code:
        if message.id and message.id != "Poort.":
            changed.add(message.id, locations=message.locations)
    changed.add("Een bericht dat nergens vertaald is.", locations=[("app/x.py", 1)])
    missing, stale = tool.out_of_date("en", changed)
    assert missing == ["Een bericht dat nergens vertaald is."] and stale == ["Poort."]


def test_a_message_in_the_code_is_found_where_it_is_written(tool: ModuleType, code) -> None:
    """Every layer's marks are extracted: the domain's, a count's plural, a help text, Typer's English."""
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in code if m.id}
    assert ("open actie", "open acties") in {m.id for m in code if isinstance(m.id, tuple)}
    assert "[j/n]" in ids and "Poort." in ids
    assert tool.source_language(ids["Usage"]) == "en" and tool.source_language(ids["[j/n]"]) == "nl"


# --- which language ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "nl"),
        ({"LANG": "C.UTF-8"}, "nl"),
        ({"LANG": "de_DE.UTF-8"}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "nl_NL.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "nl_NL.UTF-8"}, "nl"),
        ({"LC_ALL": "en_US.UTF-8", "LANGUAGE": "nl"}, "nl"),
        ({"LANGUAGE": "de:en", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANGUAGE": "fr", "LC_ALL": "C", "LANG": "en_US.UTF-8"}, "en"),
        ({"CALAMITEIT_LANG": "en", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"CALAMITEIT_LANG": "nl", "LANGUAGE": "en"}, "nl"),
        ({"CALAMITEIT_TAAL": "en"}, "en"),
    ],
)
def test_the_language_in_order(environ: dict[str, str], expected: str) -> None:
    assert choice.language(environ) == expected


def test_lang_option_anywhere_before_the_double_dash() -> None:
    assert choice.lang_option(["--lang", "en", "contacts", "x"]) == ("en", ["contacts", "x"])
    assert choice.lang_option(["contacts", "--lang=EN", "x"]) == ("en", ["contacts", "x"])
    assert choice.lang_option(["log", "1", "--", "--lang", "en"]) == (None, ["log", "1", "--", "--lang", "en"])


@pytest.mark.parametrize(
    "args",
    [("--lang", "de", "contacts"), ("contacts", "--lang"), ("--lang=", "contacts")],
)
def test_a_wrong_language_is_a_usage_error(calamiteit: Invoke, args: tuple[str, ...]) -> None:
    result = calamiteit(*args)
    assert result.code == exitcodes.USAGE and result.out == ""
    assert result.err.startswith("calamiteit: --lang") and "Kies nl, en." in result.err


def test_a_wrong_calamiteit_lang_is_a_usage_error(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALAMITEIT_LANG", "fr")
    result = calamiteit("contacts", "iplo")
    assert result.code == exitcodes.USAGE
    assert result.err == "calamiteit: CALAMITEIT_LANG=fr: onbekende taal\n  Kies nl, en.\n"


def test_the_option_wins_over_the_environment_and_each_run_chooses_again(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "No such option: --bogus" in calamiteit("contacts", "--bogus").err
    assert "Onbekende optie: --bogus" in calamiteit("contacts", "--bogus", "--lang", "nl").err
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "Onbekende optie: --bogus" in calamiteit("contacts", "--bogus").err
    assert "No such option: --bogus" in calamiteit("--lang", "en", "contacts", "--bogus").err
    assert language.current() == "en"


def test_numbers_and_counts_in_each_language() -> None:
    from dso_calamiteit.domain.words import percent

    class English:
        def gettext(self, message: str) -> str:
            return message

        def ngettext(self, one: str, more: str, n: int) -> str:
            return {"incident": ("incident", "incidents")}[one][n != 1]

    try:
        language.use("en", English())
        assert (percent(99.5), language.counted(2, "incident", "incidenten")) == ("99.5%", "2 incidents")
        language.use("nl", None)
        assert (percent(99.5), language.counted(2, "incident", "incidenten")) == ("99,5%", "2 incidenten")
        assert language.counted(1, "incident", "incidenten") == "1 incident"
    finally:
        language.use("nl", None)


# --- answering yes or no ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("yes", "no"), [("j", "n"), ("y", "n"), ("ja", "nee"), ("yes", "no")])
def test_yes_and_no_in_either_language(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, lang: str, yes: str, no: str
) -> None:
    monkeypatch.setattr(prompt, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join([yes] + [no] * (CRITERIA_COUNT - 1)) + "\n"))
    result = calamiteit("--lang", lang, "assess", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["answers"]["serviceketen-ontoereikend"] is True
    assert ("[y/n]" if lang == "en" else "[j/n]") in result.err
    assert "Answer each question with y(es) or n(o)." in result.err if lang == "en" else "j(a) of n(ee)" in result.err


def test_no_message_is_marked_where_babel_cannot_read_it() -> None:
    """`_()` inside an f-string, or `_(f"…")`, is never extracted: the message would reach an English reader in
    Dutch while every catalogue test passes."""
    import ast

    marks = {"_", "N_", "ngettext", "counted"}
    hidden = []
    for path in sorted((REPO / "src" / "dso_calamiteit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and getattr(inner.func, "id", None) in marks
                        and any(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in inner.args)
                    ):
                        hidden.append(f"{path.relative_to(REPO)}:{inner.lineno} inside an f-string")
            marked = isinstance(node, ast.Call) and getattr(node.func, "id", None) in marks
            if marked and any(isinstance(arg, ast.JoinedStr) for arg in node.args):  # type: ignore[attr-defined]
                hidden.append(f"{path.relative_to(REPO)}:{node.lineno} marks an f-string")
    assert hidden == []
