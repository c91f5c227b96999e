"""The public status page of `calamiteit web` (/status/): the applications' state and availability, the
maintenance announced, and the disruptions with ONLY their public updates (`log ID --publiek`); its Atom feed.
The leak test looks for every internal text of the logbook and the contacts on every public page."""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from dso_calamiteit.adapters import config as config_files
from dso_calamiteit.app.logbook import opened
from dso_calamiteit.domain import dutchtime

from .conftest import Invoke
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

TOKEN = "een-lange-geheime-code-voor-het-team"
PUBLIC_ONE = "Het Omgevingsloket is traag; we werken aan een oplossing."
PUBLIC_TWO = "Het Omgevingsloket werkt weer."
INTERNAL = [
    "Storing na release van Voorbeeldsoft (intern)",  # the title
    "Leverancier Voorbeeldsoft bevestigt fout in release 3.2",  # observation
    "Vermoedelijk DNS bij de hostingpartij",  # judgement
    "Bel de directeur van Voorbeeldsoft",  # decision
    "Ellen de Wit",  # its owner
    "Landelijke uitval langer dan een uur",  # a level reason
    "Release teruggedraaid, evaluatie gepland",  # the close reason
    "Coördinator Test",  # the author of everything
    "Vertrouwelijk: nog niet publiek maken",  # a second incident without a public update
]


def public_pages(url: str) -> dict[str, httpx.Response]:
    paths = ["/status/", "/status/feed.atom", "/status", "/status/bestaat-niet", "/status/../", "/"]
    return {p: httpx.get(url + p, follow_redirects=True) for p in paths}


def contact_texts() -> list[str]:
    """Every name and phone number of the contacts in use."""
    contacts = config_files.load(config_files.locate(None)).contacts
    texts = [c.name for c in contacts.contacts if c.name] + [c.phone for c in contacts.contacts if c.phone]
    assert len(texts) > 10
    return texts


def disruption(calamiteit: Invoke) -> str:
    incident = calamiteit("incident", "open", INTERNAL[0], "--level", "1").out.strip()
    assert calamiteit("log", incident, INTERNAL[1], "--beeld").code == 0
    assert calamiteit("log", incident, PUBLIC_ONE, "--publiek").code == 0
    assert calamiteit("log", incident, INTERNAL[2], "--oordeel").code == 0
    assert calamiteit("log", incident, INTERNAL[3], "--besluit", "--actiehouder", INTERNAL[4]).code == 0
    assert calamiteit("niveau", incident, "2", "--reden", INTERNAL[5]).code == 0
    assert calamiteit("rapport", incident).code == 0
    assert calamiteit("oproep", incident).code == 0
    assert calamiteit("log", incident, PUBLIC_TWO, "--publiek").code == 0
    assert calamiteit("incident", "close", incident, "--reden", INTERNAL[6], "--force").code == 0
    other = calamiteit("incident", "open", INTERNAL[8]).out.strip()
    assert calamiteit("log", other, "Iets interns", "--beeld").code == 0
    return incident


def test_nothing_internal_reaches_a_public_page(calamiteit: Invoke) -> None:
    incident = disruption(calamiteit)
    internal = INTERNAL + contact_texts() + ["Iets interns", "sitrap", "situatierapport"]
    with serving(env={"CALAMITEIT_WEB_TOKEN": TOKEN}) as site:
        pages = public_pages(site.url)
    status, feed = pages["/status/"], pages["/status/feed.atom"]
    assert status.status_code == 200 and PUBLIC_ONE in status.text and PUBLIC_TWO in status.text
    assert PUBLIC_ONE in feed.text and PUBLIC_TWO in feed.text
    assert pages["/status"].status_code == 200 and PUBLIC_ONE in pages["/status"].text  # redirected to /status/
    assert pages["/"].status_code == 401  # the gedeeld beeld itself stays behind the token
    for path, page in pages.items():
        for text in internal:
            for form in {text, text.replace("'", "&#39;"), text.replace("&", "&amp;")}:
                assert form not in page.text, f"{path} toont interne tekst {text!r}"
    assert "Opgelost" in status.text and f'id="verstoring-{incident}"' in status.text


def test_a_public_update_is_an_entry_of_the_chain(calamiteit: Invoke, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    incident = calamiteit("incident", "open", "Ketentest").out.strip()
    logged = calamiteit("log", incident, PUBLIC_ONE, "--publiek", "--json")
    assert logged.code == 0 and json.loads(logged.out)["kind"] == "public_update"
    shown = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    assert [(e["kind"], e["data"]) for e in shown[1:]] == [("public_update", {"text": PUBLIC_ONE})]
    assert calamiteit("incident", "verify", incident).code == 0
    table = calamiteit("incident", "show", incident)
    assert "publieke update" in table.out and PUBLIC_ONE in table.out
    # handed over: another logbook takes it in (entry_rules knows the kind)
    assert calamiteit("incident", "export", incident, "-o", str(tmp_path / "x.json")).code == 0
    monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(tmp_path / "elders"))
    assert calamiteit("incident", "import", str(tmp_path / "x.json")).code == 0
    assert calamiteit("log", incident, "   ", "--publiek").code == 2
    refused = calamiteit("log", incident, "x", "--publiek", "--beeld")
    assert refused.code == 2 and "--publiek" in refused.err
    assert calamiteit("log", incident, "x", "--publiek", "--actiehouder", "Iemand").code == 2


def test_a_corrected_public_update_is_replaced(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Correctie").out.strip()
    first = json.loads(calamiteit("log", incident, "Storing duurt tot 14:00", "--publiek", "--json").out)
    fixed = calamiteit("log", incident, "Storing duurt tot 16:00", "--publiek", "--corrigeert", str(first["n"]))
    assert fixed.code == 0
    with serving() as site:
        page = httpx.get(site.url + "/status/").text
    assert "tot 16:00" in page and "tot 14:00" not in page


def test_availability_over_ninety_days_with_maintenance_apart(calamiteit: Invoke, make_config) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = []
    for days_ago in (3, 2, 1):
        at = now - timedelta(days=days_ago)
        for i in range(10):
            moment = dutchtime.stamp(at + timedelta(minutes=i))
            state = "onbeschikbaar" if days_ago == 2 and i < 5 else "beschikbaar"
            rows.append((moment, "Omgevingsloket", "prod", "https://x.example/", state, 200, 20.0, ""))
        rows.append((dutchtime.stamp(at + timedelta(minutes=30)), "Omgevingsloket", "prod", "https://x.example/",
                     "onderhoud", None, None, "gepland onderhoud"))
    rows.append((dutchtime.stamp(now), "Omgevingsloket", "prod", "https://x.example/", "traag", 200, 900.0, ""))
    with opened(None) as store:
        store.record_checks(rows)
    start = (datetime.now(dutchtime.LOCAL) + timedelta(days=2)).strftime("%Y-%m-%d 22:00")
    end = (datetime.now(dutchtime.LOCAL) + timedelta(days=3)).strftime("%Y-%m-%d 02:00")
    folder = make_config(maintenance=f"""
        windows:
          - application: Omgevingsloket
            start: "{start}"
            end: "{end}"
            description: Release 2026.12 van het Omgevingsloket
        """)
    with serving("--config-dir", str(folder)) as site:
        page = httpx.get(site.url + "/status/").text
    row = page.split("<td>Omgevingsloket</td>", 1)[1].split("</tr>", 1)[0]
    assert "traag" in row  # the latest check
    assert "83,87%" in row  # 26 of 31 up; the 3 checks in maintenance not counted
    assert "gepland onderhoud apart: 3 controles" in row
    assert row.count('class="dag slecht"') == 1 and row.count('class="dag goed"') == 3
    assert row.count('class="dag ') == 91  # today and the 90 days before it
    assert "Release 2026.12 van het Omgevingsloket" in page.split('id="kop-onderhoud"', 1)[1]


@pytest.mark.parametrize(
    "now",
    [
        "2026-12-03T22:30:00+00:00",  # 23:30 in winter time; 90 times 24 hours back is 00:30 in summer time
        "2026-12-03T23:30:00+00:00",  # already the 4th, locally
        "2026-05-31T22:30:00+00:00",  # 00:30 on 1 June in summer time; 90 times 24 hours back is 23:30 in winter time
        "2026-03-29T12:00:00+00:00",  # the day summer time begins
    ],
)
def test_the_page_shows_today_and_the_ninety_days_before_it_at_any_hour(now: str) -> None:
    from dso_calamiteit.app import status
    from dso_calamiteit.domain import dutchtime

    moment = datetime.fromisoformat(now)
    start, days = status.window(moment)
    today = moment.astimezone(dutchtime.LOCAL).date()
    assert len(days) == 91 and days[-1] == today and days[0] == today - timedelta(days=90)
    assert len(set(days)) == 91 and days == sorted(days)
    assert start.astimezone(dutchtime.LOCAL).replace(tzinfo=None) == datetime(days[0].year, days[0].month, days[0].day)


def test_the_atom_feed_reads_as_atom(calamiteit: Invoke) -> None:
    disruption(calamiteit)
    with serving() as site:
        answer = httpx.get(site.url + "/status/feed.atom")
    assert answer.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(answer.content)
    entries = feed.findall("a:entry", ns)
    assert [e.findtext("a:content", namespaces=ns) for e in entries] == [PUBLIC_TWO, PUBLIC_ONE]
    assert all(e.findtext("a:id", namespaces=ns) and e.findtext("a:updated", namespaces=ns) for e in entries)
    assert feed.findtext("a:updated", namespaces=ns) == entries[0].findtext("a:updated", namespaces=ns)
    assert entries[0].findtext("a:title", namespaces=ns).startswith("Opgelost: ")


def test_an_update_edited_in_the_database_is_not_published(calamiteit: Invoke, tmp_path: Path) -> None:
    from .backends import tamper

    incident = calamiteit("incident", "open", "Geknoeid").out.strip()
    assert calamiteit("log", incident, PUBLIC_ONE, "--publiek").code == 0
    assert calamiteit("log", incident, PUBLIC_TWO, "--publiek").code == 0
    forged = json.dumps({"text": "Alles is in orde, er was niets aan de hand."})
    tamper(tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2", (forged, incident)))
    with serving() as site:
        page = httpx.get(site.url + "/status/").text
    assert PUBLIC_TWO in page and "niets aan de hand" not in page and PUBLIC_ONE not in page


def test_the_status_page_is_worked_out_at_most_every_five_seconds(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Cache").out.strip()
    assert calamiteit("log", incident, PUBLIC_ONE, "--publiek").code == 0
    with serving() as site:
        first = httpx.get(site.url + "/status/").text
        assert calamiteit("log", incident, PUBLIC_TWO, "--publiek").code == 0
        soon = httpx.get(site.url + "/status/").text
        time.sleep(5.3)
        later = httpx.get(site.url + "/status/").text
    assert PUBLIC_ONE in first and PUBLIC_TWO not in soon  # every reader gets the one worked out
    assert PUBLIC_TWO in later  # and within 5 s the next one


def _events(url: str, found: list[tuple[float, str, str]], ready: threading.Event) -> None:
    try:
        with httpx.stream("GET", url, timeout=60) as answer:
            assert answer.headers["content-type"].startswith("text/event-stream")
            ready.set()
            event = ""
            for line in answer.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    found.append((time.monotonic(), event, line[5:].strip()))
    except httpx.HTTPError:
        pass  # the server stopped


def test_the_status_stream_tells_of_public_changes_only(calamiteit: Invoke) -> None:
    """The public page is live without telling outsiders when the team writes: its stream compares the digest
    of what the page shows on a fixed cadence; internal entries (on a disruption and elsewhere) send nothing,
    a public update sends one event that says nothing else."""
    from dso_calamiteit.web.site import PUBLIC_S

    incident = calamiteit("incident", "open", INTERNAL[0], "--level", "1").out.strip()
    assert calamiteit("log", incident, PUBLIC_ONE, "--publiek").code == 0
    other = calamiteit("incident", "open", INTERNAL[8]).out.strip()
    with serving(env={"CALAMITEIT_WEB_TOKEN": TOKEN}) as site:  # the stream is public, as the page
        page = httpx.get(site.url + "/status/")
        found: list[tuple[float, str, str]] = []
        ready = threading.Event()
        threading.Thread(target=_events, args=(site.url + "/status/live", found, ready), daemon=True).start()
        assert ready.wait(10)
        time.sleep(0.5)
        for text, kind in [(INTERNAL[1], "--beeld"), (INTERNAL[2], "--oordeel")]:
            assert calamiteit("log", incident, text, kind).code == 0
        assert calamiteit("log", incident, INTERNAL[3], "--besluit", "--actiehouder", INTERNAL[4]).code == 0
        assert calamiteit("niveau", incident, "2", "--reden", INTERNAL[5]).code == 0
        assert calamiteit("log", other, "Iets interns", "--beeld").code == 0
        assert calamiteit("incident", "open", "Nog een intern incident").code == 0
        time.sleep(2 * PUBLIC_S + 1)  # two whole rounds of the cadence, and the page worked out again
        quiet = list(found)
        written = time.monotonic()
        assert calamiteit("log", incident, PUBLIC_TWO, "--publiek").code == 0
        deadline = written + 2 * PUBLIC_S + 2
        while not found and time.monotonic() < deadline:
            time.sleep(0.1)
        told = list(found)
        later = httpx.get(site.url + "/status/").text
    assert quiet == [], quiet  # nothing internal: no event at all
    assert [(event, data) for _, event, data in told] == [("status", "bijgewerkt")]
    assert told[0][0] - written <= 2 * PUBLIC_S + 1
    assert PUBLIC_TWO in later
    assert page.status_code == 200 and 'data-live="/status/live"' in page.text
    assert '<script src="/static/live.js" defer></script>' in page.text
