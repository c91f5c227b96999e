"""`calamiteit web` in a real browser: Debian's chromium driven by Playwright (executable_path, never
`playwright install`). The index, an incident followed by its link, an entry from the CLI appearing without a
reload, hostile text shown as text, and everything still there with JavaScript off."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Invoke
from .parts import chromium
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

TITLE = "<script>alert('x')</script> [bold red]rood[/] <a href=\"javascript:alert(1)\">klik</a>"


def incident_with_everything(calamiteit: Invoke) -> str:
    incident = calamiteit("incident", "open", TITLE, "--level", "1").out.strip()
    assert calamiteit("log", incident, "Omgevingsloket geeft 503", "--beeld").code == 0
    decided = calamiteit("log", incident, "Storingsmelding plaatsen", "--besluit", "--actiehouder", "Ellen de Wit")
    assert decided.code == 0
    assert calamiteit("niveau", incident, "2", "--reden", "Landelijke uitval").code == 0
    assert calamiteit("rapport", incident).code == 0
    assert calamiteit("log", incident, "Het loket is traag.", "--publiek").code == 0
    return incident


def test_the_gedeeld_beeld_in_chromium(calamiteit: Invoke, tmp_path: Path) -> None:
    executable = chromium()  # before Playwright's import: where either is missing the test is skipped loudly
    from playwright.sync_api import sync_playwright

    incident = incident_with_everything(calamiteit)
    errors: list[str] = []
    dialogs: list[str] = []
    elsewhere: list[str] = []
    with serving() as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(site.url) else elsewhere.append(r.url))
        page.goto(site.url + "/")
        page.click(f'a[href="/incident/{incident}"]')
        page.wait_for_url(f"**/incident/{incident}")
        heading = page.inner_text("h1")
        level = page.inner_text("#niveau")
        decisions = page.inner_text("#kop-besluiten + table")
        sitrap = page.inner_text("pre.sitrap")
        links = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        page.screenshot(path=str(tmp_path / "incident-desktop.png"), full_page=True)
        # live: an entry from the CLI appears without a reload (the marker would be gone after one)
        page.evaluate("window.nietHerladen = true")
        page.wait_for_timeout(500)  # the stream is open
        assert calamiteit("log", incident, "Loket weer bereikbaar na herstart", "--beeld").code == 0
        page.wait_for_selector("text=Loket weer bereikbaar na herstart", timeout=5000)
        still = page.evaluate("window.nietHerladen === true")
        first_line = page.inner_text("ol.tijdlijn li:first-child")
        # a phone's width
        phone = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True).new_page()
        phone.goto(f"{site.url}/incident/{incident}")
        phone.screenshot(path=str(tmp_path / "incident-telefoon.png"), full_page=True)
        wide = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        browser.close()
    assert errors == [], errors  # no CSP violation, no script error
    assert dialogs == []  # the title's script never ran
    assert elsewhere == []  # nothing from another server
    assert heading == f"Incident {incident}: {TITLE}"  # shown exactly as typed
    assert level.startswith("2 ")
    assert "Storingsmelding plaatsen" in decisions and "Ellen de Wit" in decisions
    assert "Omgevingsloket geeft 503" in sitrap
    assert not any(h and h.lower().startswith("javascript") for h in links)
    assert still and "Loket weer bereikbaar na herstart" in first_line
    assert wide, "the incident page scrolls sideways on a phone"


def test_everything_is_there_without_javascript(calamiteit: Invoke) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    incident = incident_with_everything(calamiteit)
    with serving() as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(site.url + "/")
        index = page.inner_text("body")
        page.goto(f"{site.url}/incident/{incident}")
        text = page.inner_text("body")
        page.goto(f"{site.url}/status/")
        public = page.inner_text("body")
        browser.close()
    assert incident in index and TITLE in index
    for shown in (TITLE, "Landelijke uitval", "Storingsmelding plaatsen", "Ellen de Wit", "Omgevingsloket geeft 503",
                  "Hashketen klopt", "Tijdlijn"):
        assert shown in text, shown
    assert "Het loket is traag." in public
    assert "Ellen de Wit" not in public and "Omgevingsloket geeft 503" not in public and "rood" not in public


def test_the_status_page_follows_a_public_update_in_chromium(calamiteit: Invoke) -> None:
    """The public page in chromium: a public update appears without a reload (its own stream, /status/live)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    from dso_calamiteit.web.site import PUBLIC_S

    incident = calamiteit("incident", "open", "Publiek live").out.strip()
    assert calamiteit("log", incident, "Het loket is traag.", "--publiek").code == 0
    errors: list[str] = []
    with serving() as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_context().new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{site.url}/status/")
        page.evaluate("window.nietHerladen = true")
        page.wait_for_timeout(500)
        assert calamiteit("log", incident, "Het loket werkt weer.", "--publiek").code == 0
        page.wait_for_selector("text=Het loket werkt weer.", timeout=(2 * PUBLIC_S + 2) * 1000)
        still = page.evaluate("window.nietHerladen === true")
        browser.close()
    assert still and errors == [], errors
