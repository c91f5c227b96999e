"""Issue 27: `assess --json` and `contacts --json` write their compact document with orjson when it is installed
(`views/jsondoc.compact_text`): the very bytes Python's encoder writes, and Python's encoder for what orjson
refuses or when it is missing."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters import config as config_loading
from dso_calamiteit.views import jsondoc
from dso_calamiteit.views.jsondoc import compact_text

CONFIG = config_loading.load(config_loading.locate(Path(__file__).resolve().parents[1] / "config"))


def python(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def test_orjson_is_installed() -> None:
    """A dependency (pyproject): without it the documents are right but the speed target is missed unseen."""
    import orjson  # noqa: F401


def test_every_code_point_is_written_as_python_writes_it() -> None:
    """Every code point but the surrogates, in a key and a value, beside ASCII and non-ASCII neighbours."""
    for start in range(0, 0x110000, 0x800):
        chunk = [chr(c) for c in range(start, start + 0x800) if not 0xD800 <= c <= 0xDFFF]
        document = {"k" + "".join(chunk[:64]): ["é" + ch + "\u2028x" for ch in chunk], "n": [0, -1, 2**63 - 1, True,
                                                                                          None, {}, []]}
        assert compact_text(document) == python(document), hex(start)


@pytest.mark.parametrize(
    "document",
    [{"s": "a\ud800b"}, {"n": 2**64}, {"n": -(2**63) - 1}, {1: "key not text"}, {"t": ("a", 1)}],
    ids=["lone surrogate", "beyond 64 bits", "below -2**63", "int key", "tuple"],
)
def test_what_orjson_refuses_or_writes_otherwise_goes_to_python(document: dict[Any, Any]) -> None:
    assert compact_text(document) == python(document)


def test_without_orjson_the_text_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    document = {"a": ["ë\x01\u202e", 1, None, False]}
    expected = compact_text(document)
    monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson: ImportError
    assert compact_text(document) == expected == python(document)


def test_the_assess_and_contacts_documents_are_written_by_orjson_and_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both documents at size (the shipped matrix 20 times over, some contacts with hostile text): written through
    orjson, and byte for byte what Python's encoder and the per-contact `contact` view gave."""
    import orjson

    from dso_calamiteit.adapters.config import Config
    from dso_calamiteit.adapters.config.loading import FILES
    from dso_calamiteit.app.assessment import brief
    from dso_calamiteit.domain.assessment import assess
    from dso_calamiteit.views import assessment, contacts
    from dso_calamiteit.views.contacts import contact

    monkeypatch.setattr(jsondoc, "chosen_indent", lambda: None)  # a script's stdout
    matrix = CONFIG.contacts
    people = [
        dataclasses.replace(c, name=f"{c.name} {k}\u202e", notes=f"\x9b\"{k}\\\n", org=c.org if k % 7 else "onbekend")
        for k in range(20) for c in matrix.contacts
    ]
    matrix = dataclasses.replace(matrix, contacts=tuple(people))
    config = Config({**{kind: getattr(CONFIG, kind) for kind in FILES}, "contacts": matrix})
    criteria = config.criteria
    top = criteria.ordered[-1]
    result = assess(criteria, {c.id: c in top.criteria for _, c in criteria.all_criteria()})
    found = brief(config, result, None, datetime(2026, 12, 7, 11, tzinfo=UTC))
    assert len(found.routed) > 100

    used: list[int] = []
    real = orjson.dumps

    def counted(document: Any) -> bytes:
        used.append(1)
        return real(document)

    monkeypatch.setattr(orjson, "dumps", counted)
    written = assessment.document(found, config)
    listed = contacts.document(list(matrix.contacts), matrix)
    assert len(used) == 2, "assess --json and contacts --json must go through orjson (jsondoc.compact_text)"
    monkeypatch.setattr(orjson, "dumps", real)

    reference = json.loads(written)
    reference["contacts"] = [contact(rc.contact, matrix, route=rc.route, optional=rc.optional) for rc in found.routed]
    assert written == jsondoc.json_text(python(reference))
    assert listed == jsondoc.json_text(python(json.loads(listed)))
    assert "\\u202e" in written and "\\u009b" in written  # still escaped for the terminal
