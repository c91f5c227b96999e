"""English on request beside complete Dutch (issue 25): the language chosen, the catalogues in step with the
code, and what an operator reads in each language."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
from pathlib import Path
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
            changed.add(message.id, locations=message.locations, context=message.context)
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


# --- records stay language-neutral ------------------------------------------------------------------------


def _assessed(calamiteit: Invoke, lang: str) -> tuple[list[dict], str, str]:
    """An incident assessed and scaled up by the advice in `lang`: its stored entries, and the timeline and the
    sitrap as shown in the other language."""
    from .conftest import all_answers

    incident = calamiteit("incident", "open", "Loket traag", "--level", "0").out.strip()
    answers = [a.replace("serviceketen-ontoereikend=nee", "serviceketen-ontoereikend=ja") for a in all_answers()]
    done = calamiteit("--lang", lang, "assess", "--incident", incident, "--volg-advies", "--json", *answers)
    assert done.code == 0, done.err
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    other = "nl" if lang == "en" else "en"
    shown = calamiteit("--lang", other, "incident", "show", incident, "--alles").out
    report = calamiteit("--lang", other, "rapport", incident, "--concept").out
    return entries, shown, report


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_what_the_tool_records_is_the_same_in_either_language(calamiteit: Invoke) -> None:
    in_english, shown_dutch, report_dutch = _assessed(calamiteit, "en")
    in_dutch, shown_english, report_english = _assessed(calamiteit, "nl")

    def bodies(entries: list[dict]) -> list[tuple[str, str]]:
        return [(e["kind"], json.dumps(e["data"], sort_keys=True)) for e in entries if e["kind"] != "open"]

    assert bodies(in_english) == bodies(in_dutch)  # the chain holds the same values, in whichever language made
    change = next(e["data"] for e in in_english if e["kind"] == "level_change")
    assert change["reason"] == "" and change["grounds"]["recommended"] == "Niveau 1 (OCT)"
    for said in (report_dutch, shown_dutch):  # worded when shown: in Dutch …
        assert "Opschalen van Serviceketen naar Niveau 1 (OCT): nu geldt" in said.replace("\n", " ")
    for said in (report_english, shown_english):  # … and in English
        assert "Scale up from Serviceketen to Niveau 1 (OCT): now" in said.replace("\n", " ")


def test_a_record_from_before_keeps_its_words() -> None:
    from dso_calamiteit.domain.reasons import recorded_reason

    assert recorded_reason({"action": "opschalen", "reason": "Opschalen van 0 naar 1: zo besloten."}) == (
        "Opschalen van 0 naar 1: zo besloten."
    )


# --- golden output in both languages ------------------------------------------------------------------------

GOLDEN = REPO / "tests" / "data" / "golden"
MOMENT = "2026-11-28 23:17"  # za 28-11-2026 23:17 in Amsterdam: whom to call does not depend on today


def _normal(text: str, tmp: Path) -> str:
    """What varies between runs made constant: the temporary folder, incident ids, hashes, and the padding a
    path of another length gives a table."""
    import re

    text = text.replace(str(tmp), "<tmp>")
    text = re.sub(r"\b\d{4}-\d{3}-[a-z]{4}\b", "<incident>", text)
    text = re.sub(r"\b[0-9a-f]{16}\b", "<hash>", text)
    return "\n".join(re.sub(r"[ ─]{2,}", "  ", line).rstrip() for line in text.splitlines()) + "\n"


def _golden(name: str, lang: str, said: str) -> None:
    path = GOLDEN / f"{name}.{lang}.txt"
    if os.environ.get("CALAMITEIT_GOLDEN_UPDATE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(said, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with CALAMITEIT_GOLDEN_UPDATE=1 and read it"
    assert said == path.read_text(encoding="utf-8"), f"{path.name} differs (CALAMITEIT_GOLDEN_UPDATE=1 to renew)"


def _scripted_answers() -> list[str]:
    from .conftest import all_answers

    return [a.replace("serviceketen-ontoereikend=nee", "serviceketen-ontoereikend=ja") for a in all_answers()]


CASES: dict[str, tuple[str, ...]] = {
    "help": ("--help",),
    "assess": ("assess", "--no-input", "--current", "0", "--op", MOMENT),
    "contacts": ("contacts", "iplo"),
    "usage-error": ("contacts", "--bogus"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_commands(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, lang: str
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    if name == "help":  # commands listed in the order --help registers them, not the order earlier tests did
        from dso_calamiteit.cli import root

        monkeypatch.setattr(root, "_registered", set())
        monkeypatch.setattr(root.app, "registered_commands", [])
        monkeypatch.setattr(root.app, "registered_groups", [])
    args = CASES[name] + (tuple(_scripted_answers()) if name == "assess" else ())
    result = calamiteit("--lang", lang, *args)
    said = _normal(f"exit {result.code}\n--- stdout\n{result.out}--- stderr\n{result.err}", tmp_path)
    if lang == "en":  # a golden file is only as right as the run that wrote it: no Dutch of Typer's in English
        assert [w for w in _typer_in_dutch() if w in said] == []
    _golden(name, lang, said)


def _typer_in_dutch() -> list[str]:
    """The Dutch catalogue's words for Typer's and Click's own texts (panel titles, 'Gebruik', ...)."""
    from dso_calamiteit.views import i18n

    dutch = i18n._catalogue("nl")
    words = [dutch.gettext(msgid).split("{")[0].strip(" .:[]") for msgid in i18n.TYPER]
    return [w for w in words if len(w) > 4 and w not in {msgid.strip(" .:[]") for msgid in i18n.TYPER}]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_check_on_a_broken_file(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, make_config, shipped: Path, lang: str
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # the files table stays a table whatever the temporary folder's length
    def broken(name: str, old: str, new: str) -> str:
        text = (shipped / name).read_text(encoding="utf-8")
        assert old in text, name
        return text.replace(old, new, 1)

    folder = make_config(  # a value the schema refuses, YAML that does not parse, a rule of one file and of two
        contacts=broken("contacts.yaml", "tier: tactisch", "tier: tactish"),
        monitor=broken("config/monitor.yaml", "timeout_s: 10", "timeout_s 10"),
        routing=broken("config/routing.yaml", "\n", "\n\t# ingesprongen met een tab\n"),
        reporting=broken("config/rapport.yaml", "level: 2", "level: 7").replace("shown: 50", "shown: 0"),
        maintenance="",
    )
    result = calamiteit("--lang", lang, "check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    said = f"exit {result.code}\n--- stdout\n{result.out}--- stderr\n{result.err}"
    _golden("check-broken", lang, _normal(said, tmp_path))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_rapport(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str) -> None:
    from datetime import UTC, datetime

    from dso_calamiteit.adapters import clock

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 28, 22, 17, tzinfo=UTC))
    incident = calamiteit("incident", "open", "Omgevingsloket onbereikbaar", "--level", "0").out.strip()
    calamiteit("log", incident, "Loket geeft 503 sinds 22:40", "--beeld")
    calamiteit(
        "log",
        incident,
        "IPLO publiceert een storingsmelding",
        "--besluit",
        "--actiehouder",
        "IPLO",
        "--deadline",
        "23:30",
    )
    assert calamiteit("assess", "--incident", incident, "--volg-advies", "--no-input", *_scripted_answers()).code == 0
    result = calamiteit("--lang", lang, "rapport", incident, "--concept")
    assert result.code == 0, result.err
    _golden("rapport", lang, _normal(f"exit {result.code}\n--- stdout\n{result.out}--- stderr\n{result.err}", tmp_path))


def test_an_assessment_in_english_in_a_real_terminal(tmp_path: Path) -> None:
    """The installed console script in a pseudo-terminal, asked in English: English prompts, Dutch criteria (the
    user's data) and both 'y' and 'j' taken."""
    import pexpect

    from .conftest import default_sigint
    from .test_interactive import console_script

    env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "pty-cache"), COLUMNS="120", TERM="xterm")
    env["CALAMITEIT_LANG"] = "en"
    child = pexpect.spawn(
        console_script(),
        ["assess", "--current", "0"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
        preexec_fn=default_sigint,
    )
    child.expect("When do we speak of a calamity")
    child.expect("Answer each question with y\\(es\\) or n\\(o\\)")
    child.expect(r"Is afhandeling in de serviceketen.*\[y/n\]")
    child.sendline("maybe")
    child.expect(r"Answer with y\(es\) or n\(o\)\.")
    child.sendline("no")
    child.expect(r"Is snelle besluitvorming vereist\?.*\[y/n\]")
    child.sendline("j")
    for _ in range(CRITERIA_COUNT - 2):
        child.expect(r"\[y/n\]")
        child.sendline("n")
    child.expect("Advised level")
    child.expect("Advice: scale up")
    child.expect("Scale up from")
    child.expect("Call now")
    child.expect("All contacts along these lines")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


# --- criteria.yaml in English, optionally --------------------------------------------------------------------


def test_criteria_in_english_where_written_and_check_warns_where_not(
    calamiteit: Invoke, make_config, shipped: Path
) -> None:
    text = (shipped / "criteria.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "        question: Is snelle besluitvorming vereist?\n",
        "        question: Is snelle besluitvorming vereist?\n"
        "        text_en: Quick decision-making required.\n"
        "        question_en: Is quick decision-making required?\n",
    )
    folder = make_config(criteria=text)
    english = calamiteit("--lang", "en", "criteria", "--config-dir", str(folder)).out
    assert "Quick decision-making required." in english and "Snelle besluitvorming vereist." not in english
    assert "Politiek-bestuurlijke onrust" in english  # not translated: shown as written
    assert "Snelle besluitvorming vereist." in calamiteit("criteria", "--config-dir", str(folder)).out
    check = calamiteit("check", "--config-dir", str(folder))
    assert check.code == exitcodes.OK, check.out  # a warning, not an error
    assert "criterium 'politiek-bestuurlijke-onrust': question_en ontbreekt" in check.out
    assert "criterium 'snelle-besluitvorming'" not in check.out
    assert "text_en ontbreekt" not in calamiteit("check").out  # a file with no English at all: Dutch by choice
    data = json.loads(calamiteit("--lang", "en", "criteria", "--json", "--config-dir", str(folder)).out)
    assert data == json.loads(calamiteit("criteria", "--json", "--config-dir", str(folder)).out)  # JSON: as written


# --- a call-out channel in its own language ----------------------------------------------------------------


def test_a_channel_with_lang_en_gets_english_in_a_dutch_run(
    calamiteit: Invoke, make_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .hooks import Posted, hook_server
    from .test_callout_message import callout_yaml

    hooks = "webhooks:\n  - id: teams-lev\n    kind: teams\n    url_from: TEST_TEAMS_URL\n    lang: en\n"
    folder = make_config(callout=callout_yaml(hooks, "[teams-lev]"))
    incident = calamiteit("incident", "open", "Loket traag", "--level", "1").out.strip()
    posted = Posted()
    with hook_server(posted) as base:
        monkeypatch.setenv("TEST_TEAMS_URL", base + "/teams")
        preview = calamiteit("oproep", incident, "--config-dir", str(folder)).out
        sent = calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    assert "Onderwerp:" in preview and "# Oproep" in preview  # the run's own language: Dutch
    (envelope,) = [body for _, _, body in posted.accepted]
    card = json.dumps(envelope, ensure_ascii=False)
    assert "call-out" in card and "Called out" in card and '"Level"' in card  # the channel's: English
    assert "Opgeroepen" not in card and "oproep" not in card and '"Niveau"' not in card
    assert "Alles aangekomen" in sent.err or "Alles aangekomen" in sent.out  # what the run says stays Dutch


def test_moments_read_in_the_readers_language_and_back() -> None:
    from datetime import UTC, datetime

    from dso_calamiteit.domain.dutchtime import local, parse_moment

    at = datetime(2026, 11, 28, 22, 17, tzinfo=UTC)
    try:
        language.use("en", None)
        shown = local(at)
        stored = local("2026-11-28T22:17:00+00:00")
        language.use("nl", None)
        assert (shown, stored, local(at)) == ("Sat 28-11-2026 23:17", "Sat 28-11-2026 23:17", "za 28-11-2026 23:17")
        assert parse_moment(shown, at) == parse_moment("za 28-11-2026 23:17", at)  # English reads back too
    finally:
        language.use("nl", None)


# The Dutch headings and words of the readiness views (tables/readiness.py): none may reach an English reader.
DUTCH_READINESS = (
    "Groep", "Rol", "Organisatie", "Nu bereikbaar", "Bereikbaar op", "Telefoon", "Paraatheid op", "Contactpersonen",
    "Laag", "Onbekend", "Helpdesks", "Eisen", "Eis", "Gedekt door", "Stand", "in orde", "NIET GEDEKT", "Gaten",
    "Samenvatting per eis", "Ongedekt", "Langste", "Eerste", "Laatste", "Duur", "gevonden", "gewoon",
    "dag en nacht", "op vaste tijden", "niet gedekt", "niemand", "Geen gaten",
)  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("team", "OCT", "--op", "2026-11-30 10:00"),
        ("team", "--op", "2026-11-28 23:00"),
        ("paraatheid", "--op", "2026-11-30 10:00"),
        ("paraatheid", "--op", "2026-11-28 23:00"),
        ("paraatheid", "--van", "2024-01-01", "--tot", "2024-01-02"),
        ("paraatheid", "--van", "2026-12-01", "--tot", "2026-12-20"),
    ],
    ids=["team-OCT", "teams-night", "paraatheid", "paraatheid-night", "gaps", "no-gaps"],
)
def test_readiness_and_teams_in_english_carry_no_dutch_headings(calamiteit: Invoke, args: tuple[str, ...]) -> None:
    import re

    english = calamiteit("--lang", "en", *args)
    dutch = calamiteit(*args)
    assert english.code == dutch.code and not english.err, english.err
    found = [w for w in DUTCH_READINESS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", english.out)]
    assert not found, f"Dutch in the English {args[0]}: {found}\n{english.out}"
    assert any(w in english.out for w in ("Reachable", "Requirement", "Gaps in the cover", "No gaps"))
    assert any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", dutch.out) for w in DUTCH_READINESS)


DUTCH_REASONS = ("verbinding", "geweigerd", "onverwachte", "verwacht", "ontbreekt", "trager", "gepland")
DUTCH_MONITOR = (
    "Beschikbaarheid", "Applicatie", "Omgeving", "Staat", "Latentie", "Reden", "onbeschikbaar", "beschikbaar",
    "traag", "LET OP", "van", "geen enkele applicatie", "in gepland onderhoud",
)  # fmt: skip


def test_monitor_in_english_carries_no_dutch_headings(calamiteit: Invoke, make_config, monkeypatch) -> None:
    import re

    from .servers import closed_port

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    port = closed_port()
    targets = "".join(f"  - name: App{i}\n    url: http://127.0.0.1:{port}/\n    env: prod\n" for i in (1, 2))
    folder = str(make_config(monitor=f"timeout_s: 2\nmax_body_kb: 512\ntargets:\n{targets}"))
    english = calamiteit("--lang", "en", "monitor", "--config-dir", folder)
    dutch = calamiteit("monitor", "--config-dir", folder)
    assert english.code == dutch.code and "Traceback" not in english.err
    found = [w for w in DUTCH_MONITOR + DUTCH_REASONS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", english.out)]
    assert not found, f"Dutch in the English monitor: {found}\n{english.out}"
    assert "unavailable" in english.out and "NOTE:" in english.out and "0 of 2 available" in english.out
    assert "onbeschikbaar" in dutch.out and "LET OP" in dutch.out
    assert "connection refused" in english.out and "verbinding geweigerd" in dutch.out  # the reason, worded
    with_json = calamiteit("--lang", "en", "monitor", "--json", "--config-dir", folder)
    doc = json.loads(with_json.out)  # the document is the same in either language: scripts read it
    assert doc["summary"].startswith("0 van 2 beschikbaar") and doc["likely_cause"].startswith("geen enkele")
    assert {r["state"] for r in doc["results"]} == {"onbeschikbaar"}
    assert {(r["reason"], r["reason_kind"]) for r in doc["results"]} == {("verbinding geweigerd", "refused")}

    def timeless(d: dict) -> dict:  # type: ignore[type-arg]
        return d | {"checked_at": None, "results": [r | {"latency_ms": None} for r in d["results"]]}

    dutch_doc = json.loads(calamiteit("monitor", "--json", "--config-dir", folder).out)
    assert timeless(doc) == timeless(dutch_doc)  # the same document in either language, reasons included
# --- the incident logbook in English --------------------------------------------------------------------------

DUTCH_LOGBOOK_WORDS = (  # headings and fixed words of the logbook's screens; none is in the user's data below
    "Incidenten",
    "Titel",
    "Geopend",
    "Regels",
    "Volgende sitrap",
    "Tijd",
    "Door",
    "Soort",
    "Inhoud",
    "Laatste hash",
    "geopend",
    "door",
    "uiterlijk",
    "beeld",
    "besluit",
    "beoordeling",
    "Open acties",
    "Actiehouder",
    "vastgelegd",
    "gesloten",
    "klopt",
)


def _logbook_screens(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, lang: str) -> str:
    from datetime import UTC, datetime

    from dso_calamiteit.adapters import clock

    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 28, 22, 17, tzinfo=UTC))
    incident = calamiteit("incident", "open", "Omgevingsloket onbereikbaar", "--level", "0").out.strip()
    said = [
        calamiteit("--lang", lang, "log", incident, "Loket geeft 503 sinds 22:40", "--beeld"),
        calamiteit("--lang", lang, "log", incident, "IPLO meldt storing", "--besluit", *("--actiehouder", "IPLO")),
        calamiteit("--lang", lang, "niveau", incident, "1", "--reden", "OCT bijeen"),
        calamiteit("--lang", lang, "incident", "list"),
        calamiteit("--lang", lang, "incident", "show", incident),
        calamiteit("--lang", lang, "incident", "show", incident, "--alles"),
        calamiteit("--lang", lang, "acties"),
        calamiteit("--lang", lang, "incident", "verify", incident),
    ]
    assert [r.code for r in said] == [0] * len(said), [r.err for r in said]
    return "".join(f"exit {r.code}\n--- stdout\n{r.out}--- stderr\n{r.err}" for r in said)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_incident_screens(
    calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str
) -> None:
    """`log`, `niveau`, `incident list`, `incident show` (table and --alles), `acties` and `verify`: in English no
    Dutch heading or fixed word is left (the user's titles and texts stay as typed)."""
    import re

    said = _logbook_screens(calamiteit, monkeypatch, lang)
    left = [w for w in DUTCH_LOGBOOK_WORDS if re.search(rf"\b{w}\b", said)]
    if lang == "en":
        assert left == [], f"Dutch in the English logbook screens: {left}"
    else:
        assert {"Tijd", "Door", "Soort", "Inhoud", "Laatste hash", "Volgende sitrap"} <= set(left)
    whole_hash = re.sub(r"\b[0-9a-f]{64}\b", "<hash>", said)  # the id's random part goes into every hash
    _golden("incident-screens", lang, _normal(whole_hash, tmp_path))


def test_check_says_where_each_file_was_found_in_the_readers_language(calamiteit: Invoke, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    english, dutch = calamiteit("--lang", "en", "check"), calamiteit("check")
    assert "  default" in english.out and "standaard" not in english.out, english.out
    assert "  standaard" in dutch.out, dutch.out
    files = [json.loads(calamiteit(*lang, "check", "--json").out)["files"] for lang in (("--lang", "en"), ())]
    assert files[0] == files[1] and files[0][0]["origin"] == "standaard"  # in JSON the origin is an id
# --- the period overview in English -------------------------------------------------------------------------

DUTCH_OVERVIEW = (  # the overview's headings and fixed words; none is in the user's data of the logbook below
    "Overzicht", "Beschikbaarheid", "Applicatie", "Omgeving", "Beschikbaar", "Mediaan", "Langst onbeschikbaar",
    "Onderhoud", "Per dag", "Gebruik", "dagen", "opvallend laag", "gewoonlijk", "Incidenten", "afhandeling", "Titel",
    "Niveaus", "Duur", "Tot eerste opschaling", "Besluiten", "Acties gereed", "te laat", "nog open", "Paraatheid",
    "Organisatie", "Laag", "Periode", "Gaten", "Ongedekt", "controles", "t/m", "tot", "hoogst bereikt", "gewoon",
    "u", "ma", "di", "wo", "vr", "za", "zo",  # ("do" is English too)
)  # fmt: skip


def _overview_logbook(calamiteit: Invoke, make_config, monkeypatch: pytest.MonkeyPatch) -> str:
    """A small logbook on a fixed clock: one application checked four times (up, down, down, up) against a
    loopback server, one incident handled and closed, one left open, the example usage figures; the checks'
    latency fixed (the probe's clock stands still), so every figure is the same in every run."""
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from dso_calamiteit.adapters import clock, probe

    from .servers import serve
    from .test_monitor import t, targets_yaml

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(probe, "time", SimpleNamespace(perf_counter=lambda: 100.0))
    t0 = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)  # Monday 15 January 2024, 10:00 in the Netherlands
    now = [t0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    with serve() as (base, _seen):
        for hour, path in enumerate(("/ok", "/status/503", "/status/503", "/ok")):
            now[0] = t0 + timedelta(hours=hour)
            folder = make_config(monitor=targets_yaml(t("Loket", f"{base}{path}")))
            assert calamiteit("monitor", "--record", "--config-dir", str(folder)).code in (0, 6)
    now[0] = t0
    incident = calamiteit("incident", "open", "Omgevingsloket traag").out.strip()
    steps = [
        (30, ("niveau", incident, "1", "--reden", "OCT")),
        (40, ("log", incident, "Leverancier bellen", "--besluit", *("--actiehouder", "IPLO"))),
        (45, ("log", incident, "Persbericht", "--besluit", *("--actiehouder", "IPLO"))),
        (50, ("rapport", incident)),
        (80, ("actie", incident, "1", "--gereed")),
        (95, ("niveau", incident, "0", "--reden", "Stabiel")),
        (125, ("incident", "close", incident, "--reden", "Opgelost", "--force")),
        (200, ("incident", "open", "Melding van een koepel", "--level", "1")),
    ]
    for minutes, args in steps:
        now[0] = t0 + timedelta(minutes=minutes)
        assert calamiteit(*args).code == 0, args
    assert calamiteit("gebruik", "import", str(REPO / "voorbeelden" / "gebruik.csv")).code == 0
    now[0] = t0 + timedelta(days=10)
    return str(folder)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_overview(
    calamiteit: Invoke, make_config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str
) -> None:
    """`overzicht` as Markdown and as the table, on the same small logbook: English headings, labels, plurals and
    a decimal point with --lang en; the Dutch exactly as before."""
    import re

    folder = _overview_logbook(calamiteit, make_config, monkeypatch)
    monkeypatch.setenv("COLUMNS", "120")
    period = ("--van", "2024-01-15", "--tot", "2024-01-24", "--config-dir", folder)
    said = [
        calamiteit("--lang", lang, "overzicht", *period, "--format", "md"),
        calamiteit("--lang", lang, "overzicht", *period),
    ]
    assert [r.code for r in said] == [0, 0], [r.err for r in said]
    text = "".join(f"exit {r.code}\n--- stdout\n{r.out}--- stderr\n{r.err}" for r in said)
    words = [w for w in DUTCH_OVERVIEW if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    if lang == "en":
        assert words == [], f"Dutch in the English overview: {words}"
        assert "50.00%" in text and "2 incidents; highest reached" in text and "(2 checks)" in text
    else:
        assert {"Overzicht", "Beschikbaarheid", "Niveaus", "nog open", "t/m", "controles"} <= set(words)
        assert "50,00%" in text and "2 incidenten; hoogst bereikt" in text
    _golden("overview", lang, _normal(text, tmp_path))


def test_the_html_overview_in_english(calamiteit: Invoke, make_config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML page: lang="en", English headings, table heads, chart titles and notes, plotly's own English
    locale and a decimal point; the Dutch page keeps its Dutch locale."""
    import re

    pytest.importorskip("plotly")
    folder = _overview_logbook(calamiteit, make_config, monkeypatch)
    period = ("--van", "2024-01-15", "--tot", "2024-01-24", "--config-dir", folder, "--format", "html")
    english = calamiteit("--lang", "en", "overzicht", *period)
    dutch = calamiteit("overzicht", *period)
    assert english.code == dutch.code == 0, english.err
    ours = re.sub(r"<script>.*?</script>", "", english.out, flags=re.S)  # plotly.js itself is not ours
    assert '<html lang="en">' in english.out and "<h2>Availability of applications</h2>" in english.out
    assert "<th>Longest unavailable</th>" in english.out and "Available per day (%)" in english.out
    assert "strikingly low" in english.out and "50.00%" in ours and '"locale": "en"' in english.out
    assert '"separators":".,"' in english.out and 'Plotly.register({moduleType: "locale"' not in english.out
    words = [w for w in DUTCH_OVERVIEW if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", ours)]
    assert words == [], f"Dutch in the English HTML overview: {words}"
    charts = ("Beschikbaar per dag", "beschikbaar (%)", "opvallend laag", "Gebruik per dag", '"dag"')
    assert not [w for w in charts if w in english.out], "Dutch in the English charts"
    assert '<html lang="nl">' in dutch.out and 'name: "nl"' in dutch.out and '"separators":",."' in dutch.out
    assert "50,00%" in dutch.out
    assert "<h2>Beschikbaarheid applicaties</h2>" in dutch.out and '"locale": "nl"' in dutch.out


# --- the monitor's reasons: kept as a kind and values, worded when shown ----------------------------------------


def test_a_recorded_check_is_the_same_whichever_language_recorded_it(
    calamiteit: Invoke, make_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`monitor --record` under --lang en and under Dutch keeps the same reason (a kind and values, not words):
    the logbook does not depend on the language of the run; each screen words it in its own language."""
    from datetime import UTC, datetime

    from dso_calamiteit.adapters import clock
    from dso_calamiteit.app.logbook import opened
    from dso_calamiteit.app.place import Place

    from .servers import closed_port, serve
    from .test_monitor import t, targets_yaml

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 28, 22, 17, tzinfo=UTC))
    port = closed_port()
    with serve() as (base, _seen):
        folder = str(make_config(monitor=targets_yaml(
            t("Dicht", f"http://127.0.0.1:{port}/"), t("Fout", f"{base}/status/503"),
            t("Zonder", f"{base}/ok", contains="bestaat-niet"),
        )))
        run = ("monitor", "--record", "--config-dir", folder)
        shown = {lang: calamiteit("--lang", lang, *run).out for lang in ("en", "nl")}
    assert "unexpected status 503 (expected 200)" in shown["en"] and "text 'bestaat-niet' missing" in shown["en"]
    assert "onverwachte status 503 (verwacht 200)" in shown["nl"] and "verbinding geweigerd" in shown["nl"]
    with opened(Place(None, None, None), create=False, readonly=True) as store:
        rows = store.all_checks()
    kept = [(name, reason) for _at, name, _env, _url, _state, _status, _ms, reason in rows]
    assert len(kept) == 6 and kept[0::2] == kept[1::2], kept  # the en round and the nl round: the same records
    assert dict(kept[0::2]) == {
        "Dicht": '{"kind":"refused"}',
        "Fout": '{"kind":"status","expected":200,"status":503}',
        "Zonder": '{"kind":"text","text":"bestaat-niet"}',
    }


def test_a_stored_reason_reads_back_and_an_older_one_keeps_its_words() -> None:
    from dso_calamiteit.domain.monitoring import REASONS, Reason

    old = "onverwachte status 503 (verwacht 200)"  # what a logbook from before session 31 holds
    slow = Reason.of("slow", latency=2345, budget=2000)
    try:
        for lang, catalogue in (("nl", None), ("en", _english())):
            language.use(lang, catalogue)
            assert Reason.read(old).text() == old and Reason.read(old).stored() == old  # as stored, any language
            assert Reason.read(slow.stored()) == slow
        assert slow.text() == "slower than budget (2345 > 2000 ms)"
        language.use("nl", None)
        assert slow.text() == "trager dan budget (2345 > 2000 ms)"
    finally:
        language.use("nl", None)
    for odd in ('{"kind": "slow"}', '{"kind": "nieuw"}', "{kapot", '{"kind":"text","text":["x"]}'):
        assert Reason.read(odd).text() == odd  # not ours, or lacking a value its words need: shown as stored
    assert Reason.read("") == Reason() and not Reason() and Reason().stored() == ""
    assert all(Reason.read(Reason(k).stored()).kind in (k, "words") for k in REASONS)


def _english():  # type: ignore[no-untyped-def]
    """The English catalogue as the tool reads it."""
    from dso_calamiteit.views import i18n

    return i18n._catalogue("en")


# --- SMTP delivery reasons: kept as a kind and values, worded when shown -------------------------------------


def test_an_smtp_reason_is_recorded_the_same_in_either_language_and_worded_in_the_readers(
    calamiteit: Invoke, make_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call-out whose mail server is not there, sent under --lang en and under Dutch: the screen says why in
    its own language, the hash chain and the deliveries table keep the same kind and values, both chains verify,
    and `--json` (and `oproep --status --json`) give the Dutch words in either language plus `reason_kind`."""
    from .postgres import free_port
    from .test_callout import callout_yaml, callouts, open_level_one

    port = free_port()  # nothing listens there
    routes = "routes:\n  default: [email]\n"
    folder = str(make_config(callout=callout_yaml(port, routes=routes)))
    where = f"127.0.0.1:{port}"
    said, kept = {}, {}
    for lang in ("en", "nl"):
        incident = open_level_one(calamiteit, Path(folder))
        result = calamiteit("--lang", lang, "oproep", incident, "--verstuur", "--config-dir", folder)
        assert result.code == exitcodes.CALLOUT_INCOMPLETE and "Traceback" not in result.err
        said[lang] = " ".join((result.out + result.err).split())
        kept[lang] = [d["deliveries"] for d in callouts(calamiteit, incident)]
        assert calamiteit("incident", "verify", incident).code == exitcodes.OK
        status = json.loads(calamiteit("--lang", lang, "oproep", incident, "--status", "--json").out)
        reasons = {(d["reason"], d["reason_kind"]) for c in status["called"] for d in c["deliveries"]}
        assert reasons == {(f"de mailserver {where} is niet bereikbaar", "smtp-unreachable")}
    assert f"the mail server {where} is not reachable" in said["en"] and "mailserver" not in said["en"]
    assert f"de mailserver {where} is niet bereikbaar" in said["nl"]
    assert kept["en"] == kept["nl"] and kept["en"], kept  # the chain's record: the same in either language
    recorded = {d["reason"] for deliveries in kept["en"] for d in deliveries}
    assert recorded == {json.dumps({"kind": "smtp-unreachable", "where": where}, separators=(",", ":"))}
    incident = open_level_one(calamiteit, Path(folder))
    doc = json.loads(calamiteit("--lang", "en", "oproep", incident, "--verstuur", "--json", "--config-dir", folder).out)
    assert {(d["reason"], d["reason_kind"]) for d in doc["deliveries"]} == {
        (f"de mailserver {where} is niet bereikbaar", "smtp-unreachable")
    }


def test_a_recorded_delivery_reason_reads_in_each_language_and_an_older_one_as_recorded() -> None:
    from dso_calamiteit.domain.delivery_reasons import dutch, kind, reason, words

    refused = reason("smtp-refused", reply="550 5.1.1 Onbekende ontvanger")  # the server's own words: data
    old = "de server weigerde: 550 5.1.1 Onbekende ontvanger"  # what a logbook from before session 31 holds
    try:
        language.use("en", _english())
        assert words(refused) == "the server refused: 550 5.1.1 Onbekende ontvanger"
        assert words(old) == old and dutch(refused) == old and words("eerder") == "earlier"
        language.use("nl", None)
        assert words(refused) == old and words(old) == old and words("") == ""
    finally:
        language.use("nl", None)
    assert kind(refused) == "smtp-refused" and kind(old) is None
    for odd in ('{"kind":"smtp-refused"}', '{"kind":"nieuw","reply":"x"}', "{kapot"):
        assert words(odd) == odd and kind(odd) is None


# --- paraatheid --ics in the asked language ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_ics(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str) -> None:
    """The rota calendar's SUMMARY texts and its name in the asked language; the rota names and people are the
    user's data, the UIDs the same in either language (a calendar that subscribes keeps its events)."""
    import re
    from datetime import UTC, datetime

    from icalendar import Calendar

    from dso_calamiteit.adapters import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    period = ("--van", "2026-12-14", "--tot", "2026-12-27")
    uids = {}
    for other in ("nl", "en"):
        target = tmp_path / f"piket.{other}.ics"
        result = calamiteit("--lang", other, "paraatheid", "--ics", str(target), *period)
        assert result.code == 0, result.err
        uids[other] = sorted(str(e["UID"]) for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
        if other == lang:
            said_err, text = result.err, target.read_text(encoding="utf-8")
    assert uids["nl"] == uids["en"] and uids["nl"]
    cal = Calendar.from_ical(text)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    dutch = ("Afwezig", "waarnemer", "waarneming voor", "Extra bereikbaar", "Piket calamiteitenorganisatie")
    if lang == "en":
        assert "Absent: Bram Jansen (stand-in: Lotte Meijer)" in summaries
        assert any("(standing in for Bram Jansen)" in s for s in summaries)
        assert str(cal["X-WR-CALNAME"]) == "On-call rota, DSO calamity organisation"
        assert not [w for w in dutch if w in text], f"Dutch in the English calendar: {text}"
        assert "afspraken geschreven" not in said_err and "written to" in said_err
    else:
        assert "Afwezig: Bram Jansen (waarnemer: Lotte Meijer)" in summaries
    said = re.sub(r"\r\n ", "", text)  # unfold the long lines
    _golden("ics", lang, _normal(said, tmp_path))


def test_extra_reachability_in_the_english_calendar(
    calamiteit: Invoke, make_config, shipped: Path, tmp_path: Path
) -> None:
    from icalendar import Calendar

    text = (shipped / "config" / "paraatheid.yaml").read_text(encoding="utf-8").replace(
        "\nrequirements:",
        '  - {contact: lotte-meijer, kind: bereikbaar, start: "2026-12-15 18:00", end: "2026-12-15 22:00"}\n'
        "\nrequirements:",
        1,
    )
    folder = str(make_config(readiness=text))
    said = {}
    for lang in ("nl", "en"):
        target = tmp_path / f"{lang}.ics"
        result = calamiteit("--lang", lang, "paraatheid", "--ics", str(target), "--van", "2026-12-14", "--tot",
                            "2026-12-16", "--config-dir", folder)
        assert result.code == 0, result.err
        said[lang] = [str(e["SUMMARY"]) for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")]
    assert "Extra bereikbaar: Lotte Meijer" in said["nl"]
    assert "Extra reachable: Lotte Meijer" in said["en"] and not any("bereikbaar" in s for s in said["en"])


def test_typers_panel_titles_follow_each_run_in_one_process(calamiteit: Invoke) -> None:
    """typer.rich_utils words its panel titles once, at its first import: a second run in another language in
    the same process (as the tests do) must still get its own (a `-n 2` run once showed 'Opties' in English)."""
    said = {}
    for lang in ("nl", "en", "nl"):
        result = calamiteit("--lang", lang, "contacts", "--help")
        assert result.code == 0, result.err
        said.setdefault(lang, []).append(result.out)
    assert all("Opties" in out and "Options" not in out for out in said["nl"])
    assert "Options" in said["en"][0] and "Opties" not in said["en"][0]
