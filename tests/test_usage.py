"""Usage figures: `calamiteit gebruik import` into the logbook database (SQLite and PostgreSQL), all or nothing,
and which days count as unusually low."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.usage_figures import flagged, parse

from . import backends
from .conftest import REPO, Invoke

pytestmark = pytest.mark.usefixtures("backend")


def stored(tmp_path: Path) -> list[tuple]:
    sql = "SELECT day, application, metric, count FROM usage ORDER BY day, application"
    return backends.rows(tmp_path / "data", sql)


def test_the_shipped_example_imports_once(calamiteit: Invoke, tmp_path: Path) -> None:
    example = REPO / "voorbeelden" / "gebruik.csv"
    first = calamiteit("gebruik", "import", str(example), "--json")
    assert first.code == 0, first.err
    doc = json.loads(first.out)
    assert doc["rows"] == doc["new"] == 120 and doc["unknown_applications"] == []
    again = json.loads(calamiteit("gebruik", "import", str(example), "--json").out)
    assert (again["new"], again["changed"]) == (0, 0)  # a re-import changes nothing
    assert len(stored(tmp_path)) == 120
    assert ("2024-01-01", "Omgevingsloket", "indieningen", 1802) in stored(tmp_path)  # 01-01-2024 read as Dutch


def test_dutch_and_iso_dates_commas_and_a_correction(calamiteit: Invoke, tmp_path: Path) -> None:
    csv = tmp_path / "g.csv"
    csv.write_text("date,application,metric,count\n2024-01-15,Omgevingsloket,indieningen,1200\n"
                   "16-1-2024,Omgevingsloket,indieningen,1.300\n", encoding="utf-8")
    assert calamiteit("gebruik", "import", str(csv)).code == 0
    csv.write_text("datum;applicatie;metriek;aantal\n15-01-2024;Omgevingsloket;indieningen;1250\n", encoding="utf-8")
    corrected = json.loads(calamiteit("gebruik", "import", str(csv), "--json").out)
    assert (corrected["new"], corrected["changed"]) == (0, 1)
    assert stored(tmp_path) == [
        ("2024-01-15", "Omgevingsloket", "indieningen", 1250),
        ("2024-01-16", "Omgevingsloket", "indieningen", 1300),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;10\n31-02-2024;Loket;x;5\n",
         "regel 3: '31-02-2024' is geen datum"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;10\n2024-01-16;Loket;x;-4\n", "regel 3: negatief aantal"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;10\n2024-01-15;Loket;x;11\n",
         "regel 3: Loket x op 2024-01-15 staat ook op regel 2"),
        ("datum;applicatie;aantal\n2024-01-15;Loket;10\n", "regel 1: kolom 'metriek'"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;tien\n", "regel 2: 'tien' is geen geheel aantal"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;10\n2024-01-16;Loket;x;12.5\n",
         "regel 3: '12.5' is geen geheel aantal"),  # not 125
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;99999999999999999999\n", "regel 2: aantal"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;1000000000000001\n", "is groter dan 10^15"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;" + "9" * 4000 + "\n", "is groter dan 10^15"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;" + "9" * 5000 + "\n", "regel 2: een veld is langer"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;Loket;x;10\n2024-01-16;" + "L" * 200_000 + ";x;1\n",
         "regel 3: onleesbaar: een veld is te lang"),
        ("datum;applicatie;metriek;aantal\n2024-01-15;" + "L" * 100_000 + ";x;1\n", "regel 2: een veld is langer"),
    ],
)
def test_a_bad_row_stores_nothing(calamiteit: Invoke, tmp_path: Path, content: str, message: str) -> None:
    csv = tmp_path / "fout.csv"
    csv.write_text(content, encoding="utf-8")
    result = calamiteit("gebruik", "import", str(csv))
    assert result.code == exitcodes.USAGE and message in result.err and "niets ingelezen" in result.err
    assert "Traceback" not in result.err
    assert calamiteit("gebruik", "import", str(REPO / "voorbeelden" / "gebruik.csv")).code == 0
    assert all(r[1] != "Loket" for r in stored(tmp_path))  # not even the good first row of the bad file


def test_a_file_that_is_not_utf8(calamiteit: Invoke, tmp_path: Path) -> None:
    csv = tmp_path / "latin1.csv"
    csv.write_bytes("datum;applicatie;metriek;aantal\n2024-01-15;Loket;aanvragen;1\n2024-01-16;Lokét;x;2\n"
                    .encode("latin-1"))
    result = calamiteit("gebruik", "import", str(csv))
    assert result.code == exitcodes.USAGE and "regel 3: geen UTF-8" in result.err


def test_an_unknown_application_is_warned_and_kept(calamiteit: Invoke, tmp_path: Path) -> None:
    csv = tmp_path / "g.csv"
    csv.write_text("datum;applicatie;metriek;aantal\n2024-01-15;Omgevingslokt;indieningen;10\n", encoding="utf-8")
    result = calamiteit("gebruik", "import", str(csv))
    assert result.code == 0 and "Omgevingslokt" in result.err and "Omgevingsloket" in result.err
    assert stored(tmp_path) == [("2024-01-15", "Omgevingslokt", "indieningen", 10)]


def test_the_import_document_names_unknown_applications_the_same_in_both_languages(
    calamiteit: Invoke, tmp_path: Path
) -> None:
    """`unknown_applications` holds identifiers (as the file wrote them), so a script reads the same in English;
    only the free-text `warnings` follow the language (issue 25)."""
    csv = tmp_path / "g.csv"
    csv.write_text("datum;applicatie;metriek;aantal\n2024-01-15;Omgevingslokt;indieningen;10\n", encoding="utf-8")
    docs = {}
    for lang in ("nl", "en"):
        result = calamiteit("--lang", lang, "gebruik", "import", str(csv), "--json")
        assert result.code == 0, result.err
        docs[lang] = json.loads(result.out)
    assert docs["nl"]["unknown_applications"] == docs["en"]["unknown_applications"] == ["Omgevingslokt"]
    assert "staat niet in config/monitor.yaml" in docs["nl"]["warnings"][0]
    assert "monitor.yaml" in docs["en"]["warnings"][0] and "staat niet" not in docs["en"]["warnings"][0]
    assert "Omgevingsloket" in docs["en"]["warnings"][0]  # the nearest known name, in both
    assert (docs["nl"]["new"], docs["en"]["new"]) == (1, 0)  # the second run finds the row already kept
    strip = {"warnings", "new"}
    assert {k: v for k, v in docs["nl"].items() if k not in strip} == {
        k: v for k, v in docs["en"].items() if k not in strip
    }


def test_a_drop_below_half_the_usual_weekday_is_flagged() -> None:
    rows, problems = parse((REPO / "voorbeelden" / "gebruik.csv").read_text(encoding="utf-8"))
    assert problems == []
    loket = [(r.day, r.count) for r in rows if r.application == "Omgevingsloket"]
    low = [d.day for d in flagged(loket) if d.low]
    assert low == ["2024-01-23"]  # the example's fictional outage day, a Tuesday among busy Tuesdays
    first_weeks = [d for d in flagged(loket) if d.day < "2024-01-22"]
    assert all(d.usual is None for d in first_weeks)  # three earlier same weekdays are needed first


def test_a_non_regular_file_is_refused_before_it_is_read(calamiteit: Invoke, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pijp.csv"
    os.mkfifo(fifo)  # no writer: reading it would wait for ever
    for path in (fifo, Path("/dev/zero")):
        result = calamiteit("gebruik", "import", str(path))
        assert result.code == exitcodes.USAGE and "geen gewoon bestand" in result.err, result.err
    folder = calamiteit("gebruik", "import", str(tmp_path))
    assert folder.code == exitcodes.USAGE and "is een map" in folder.err


def test_an_oversized_file_is_refused_before_it_is_read(calamiteit: Invoke, tmp_path: Path) -> None:
    """A sparse file of 2 GB: refused from its size, without reading (reading it would take 2 GB and seconds)."""
    import time
    import tracemalloc

    big = tmp_path / "groot.csv"
    with big.open("wb") as fh:
        fh.truncate(2 * 1024**3)
    tracemalloc.start()
    started = time.perf_counter()
    result = calamiteit("gebruik", "import", str(big))
    took, (_, peak) = time.perf_counter() - started, tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.code == exitcodes.USAGE and "groter dan 64 MiB" in result.err
    assert peak < 16 * 1024**2 and took < 5, (peak, took)
