"""The fast YAML path (rapidyaml) must read every file exactly as the PyYAML path does, or leave it to it."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from dso_calamiteit.adapters.config import yamlfile
from dso_calamiteit.adapters.config.yamlfile import SourceFloat, SourceInt
from dso_calamiteit.domain.errors import ConfigError

from .conftest import REPO

SCALARS = [
    "0612345678",
    "010",
    "0x1F",
    "-0x1F",
    "+12",
    "-7",
    "1_000",
    "12:30",
    "17:00:00",
    "1.10",
    "-1.5e3",
    "1e3",
    ".5",
    "+.inf",
    "-.Inf",
    ".NaN",
    "1.",
    "true",
    "True",
    "TRUE",
    "false",
    "yes",
    "no",
    "ja",
    "nee",
    "on",
    "off",
    "y",
    "n",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "2026-12-25",
    "2026-12-25T10:00:00+01:00",
    "+31 20 123 4567",
    "020 1234567",
    "0031201234567",
    "a: b",
    "x #y",
    "'",
    "é",
    "Coördinator",
    "🚨",
    "0o17",
    "0b101",
    "1,000",
    "=",
    "<<",
    "100%",
    "@home",
    "`cmd`",
    "-",
    "- x",
    "? q",
    "a\\nb",
    "\\u00e9",
    "0.0.1",
    "1.2.3.4",
    "+",
    "-.",
]


def same(a: Any, b: Any) -> bool:
    """Equal in value and in type (a SourceInt remembers its text; a str is not an int)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        pairs = zip(a.items(), b.items(), strict=False)
        return len(a) == len(b) and all(same(k, k2) and same(v, v2) for (k, v), (k2, v2) in pairs)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b) and a.source == b.source  # type: ignore[attr-defined]
    if isinstance(a, (SourceInt, SourceFloat)):
        return a == b and a.source == b.source
    return bool(a == b)


def documents() -> list[str]:
    docs = []
    for s in SCALARS:
        for form in (s, f"'{s}'", f'"{s}"'):
            docs += [f"key: {form}\n", f"- {form}\n", f"items: [{form}, x]\n", f"map: {{k: {form}}}\n"]
        docs.append(f"{s or 'leeg'}: waarde\n")
    docs += [
        "tekst: |\n  regel een\n  regel twee\n",
        "tekst: >-\n  gevouwen\n  tekst\n\n  alinea\n",
        "tekst: |+\n  houd\n\n",
        "tekst: een\n  doorlopende\n  regel\n",
        'tekst: "dubbel \\"quote\\" \\t tab \\u00e9 \\x41"\n',
        "tekst: 'enkel ''quote'''\n",
        "leeg:\nook_leeg: ~\nlijst: []\nkaart: {}\n",
        "# alleen commentaar\nkey: waarde # commentaar\n",
        "genest:\n  - a: 1\n    b: [1, 2, {c: d}]\n  - - x\n    - y\n",
        "? complex\n: sleutel\n",
        "\ufeffkey: bom\n",
        "key: waarde\n...\n",
        "%YAML 1.2\n---\nkey: waarde\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 010\n",
        "base: &b {x: 1}\nkind:\n  <<: *b\n",
        "key: a\nkey: b\n",
        "---\na: 1\n---\nb: 2\n",
        "key: [unclosed\n",
        "key:\n\t- tab\n",
        "key: 'unterminated\n",
        "- a\nb: c\n",
        "contacts:\n  - org: x\n    phone: 0612345678\n    notes: Let op! *belangrijk* & snel\n",
    ]
    return docs


@pytest.mark.parametrize("text", documents())
def test_the_fast_path_reads_as_pyyaml_or_leaves_it(text: str) -> None:
    fast = yamlfile._rapid(text.removeprefix("\ufeff"))
    try:
        slow: Any = yaml.load(text.removeprefix("\ufeff"), Loader=yamlfile.Loader)
        slow_error = None
    except yaml.YAMLError as exc:
        slow_error = exc
    if fast is yamlfile._UNDECIDED:
        return  # PyYAML decides: the same as before by construction
    assert slow_error is None, f"fast path accepted what PyYAML refuses: {slow_error}"
    assert same(fast, slow), (fast, slow)


@pytest.mark.parametrize(
    "text",
    ["key: a\nkey: b\n", "a: &x 1\nb: *x\n", "a: !!str 010\n", "---\na: 1\n---\nb: 2\n", "key: [open\n", "k:\n\t- t\n"],
)
def test_what_the_fast_path_leaves_to_pyyaml(text: str) -> None:
    assert yamlfile._rapid(text) is yamlfile._UNDECIDED


def test_errors_still_name_line_and_column() -> None:
    with pytest.raises(ConfigError) as dup:
        yamlfile.parse(b"contacts:\n  - org: x\n    org: y\n", "contacts.yaml")
    assert (dup.value.problems[0].line, dup.value.problems[0].column) == (3, 5)
    assert "dubbele sleutel" in dup.value.problems[0].message
    with pytest.raises(ConfigError) as broken:
        yamlfile.parse(b"a: 1\nb: [2, 3\nc: 4\n", "x.yaml")
    assert broken.value.problems[0].line is not None and "YAML-fout" in broken.value.problems[0].message


def test_every_shipped_file_takes_the_fast_path_and_reads_the_same() -> None:
    files = [REPO / "criteria.yaml", REPO / "contacts.yaml", *sorted((REPO / "config").glob("*.yaml"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yamlfile._rapid(text)
        assert fast is not yamlfile._UNDECIDED, path
        assert same(fast, yaml.load(text, Loader=yamlfile.Loader)), path


@pytest.mark.parametrize("text", ["", "\n", "# niets\n", "---\n", "~\n", "tekst\n", "- \n"])
def test_empty_and_bare_documents(text: str) -> None:
    fast = yamlfile._rapid(text)
    if fast is not yamlfile._UNDECIDED:
        assert same(fast, yaml.load(text, Loader=yamlfile.Loader))


def test_a_parse_error_prints_nothing_of_its_own(capfd: pytest.CaptureFixture[str]) -> None:
    """rapidyaml writes its own errors to fd 2; an operator sees only the tool's one Dutch line."""
    with pytest.raises(ConfigError):
        yamlfile.parse(b"items: [x, z\n", "x.yaml")
    assert capfd.readouterr().err == ""
