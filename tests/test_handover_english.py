"""`incident import` refusing what is no export, in English (issue 25): each refusal of app/handover in the
reader's language with `--lang en`, naming the file; nothing imported; Dutch unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dso_calamiteit.domain import exitcodes

from .conftest import Invoke

# the Dutch words of these refusals: none may reach an English reader
DUTCH = ("geen export", "geen UTF-8", "geen geldige", "genest", "ongeldig", "ontbreekt", "regel", "Niets ingelezen",
         "Een id bestaat", "Geen export")


def export_of(calamiteit: Invoke) -> dict:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    assert calamiteit("log", incident, "Loket traag", "--beeld").code == exitcodes.OK
    return json.loads(calamiteit("incident", "export", incident).out)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("list", "not an export of 'calamiteit incident export' (not a JSON object)"),
        ("empty", "not an export of 'calamiteit incident export' (not a JSON object)"),
        ("latin1", "not UTF-8 (byte "),
        ("broken", "not valid JSON ("),
        ("other", "not an export of 'calamiteit incident export' (kind missing or wrong)"),
        ("bad-id", "invalid incident id \"../x\""),
        ("bad-id", "An id consists of letters, digits and dashes (such as 2026-007)."),
        ("no-entries", "not an export of 'calamiteit incident export' (entries or head missing)"),
        ("bad-entry", ": entry 2: "),
        ("bad-entry", "Nothing imported."),
        ("deep", "nested too deep; not an export of 'calamiteit incident export'"),
    ],
)
def test_an_import_refused_in_english(calamiteit: Invoke, tmp_path: Path, name: str, said: str) -> None:
    good = export_of(calamiteit)
    bad_entry = json.loads(json.dumps(good))
    del bad_entry["entries"][1]["body"]["text"]
    kind = good["kind"]
    files: dict[str, bytes] = {
        "list": b"[]",
        "empty": b"",
        "latin1": b'{"kind": "caf\xe9"}',
        "broken": b'{"kind": ',
        "other": b'{"hello": 1}',
        "bad-id": json.dumps({"kind": kind, "incident": "../x"}).encode(),
        "no-entries": json.dumps({"kind": kind, "incident": "2026-050"}).encode(),
        "bad-entry": json.dumps(bad_entry).encode(),
        "deep": b'{"kind": "x", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    }
    path = tmp_path / f"{name}.json"
    path.write_bytes(files[name])
    english = calamiteit("--lang", "en", "incident", "import", str(path))
    assert english.code == exitcodes.USAGE, english.err
    assert said in english.err and path.name in english.err, english.err
    assert not [w for w in DUTCH if w in english.err], english.err
    dutch = calamiteit("incident", "import", str(path))
    assert dutch.code == exitcodes.USAGE and said not in dutch.err, dutch.err


def test_a_file_too_big_is_refused_with_an_english_hint(calamiteit: Invoke, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as fh:  # sparse: larger than MAX_IMPORT_BYTES without writing it
        fh.truncate(257 * 1024 * 1024)
    result = calamiteit("--lang", "en", "incident", "import", str(big))
    assert result.code == exitcodes.USAGE and "Not an export of one incident." in result.err, result.err
