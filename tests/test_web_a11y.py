"""`rapport --format html` (one self-contained sitrap page) and accessibility checked by a real engine:
axe-core 4.14.1 from the npm registry, vendored in tests/data/axe-core (MPL-2.0, its licence beside it),
injected into every page in chromium. No serious or critical violation is allowed."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import Invoke
from .parts import chromium
from .web import serving

AXE = Path(__file__).parent / "data" / "axe-core" / "axe.min.js"
TITLE = "<script>alert('x')</script> [bold red]rood[/] [klik](javascript:alert(1)) <img src=x onerror=alert(2)>"


def busy(calamiteit: Invoke) -> str:
    incident = calamiteit("incident", "open", TITLE, "--level", "1").out.strip()
    assert calamiteit("log", incident, "Omgevingsloket geeft 503", "--beeld").code == 0
    assert calamiteit("log", incident, "Waarschijnlijk DNS", "--oordeel").code == 0
    assert calamiteit("log", incident, "Storingsmelding plaatsen", "--besluit", "--actiehouder", "IPLO").code == 0
    assert calamiteit("niveau", incident, "2", "--reden", "Landelijke uitval").code == 0
    assert calamiteit("log", incident, "Het loket is traag.", "--publiek").code == 0
    return incident


def test_rapport_html_is_one_self_contained_page(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = busy(calamiteit)
    out = tmp_path / "sitrap.html"
    made = calamiteit("rapport", incident, "--format", "html", "-o", str(out))
    assert made.code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "<script" not in page and "<img" not in page and "<a " not in page  # nothing made from the title
    assert "&lt;script&gt;alert(" in page and "[bold red]rood[/]" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from elsewhere
    assert "@page { size: A4" in page and "Storingsmelding plaatsen" in page and "ituatierapport 1 " in page
    assert calamiteit("rapport", incident, "--format", "pdf").code == 2


def violations(page, axe: str) -> list[tuple[str, str, int]]:
    page.evaluate(axe)
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => [v.id, v.impact, v.nodes.length]))"
    )
    return [tuple(v) for v in found]


def test_no_serious_accessibility_violation(calamiteit: Invoke, tmp_path: Path) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    incident = busy(calamiteit)
    report = tmp_path / "sitrap.html"
    assert calamiteit("rapport", incident, "--format", "html", "--concept", "-o", str(report)).code == 0
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, list[tuple[str, str, int]]] = {}
    with serving() as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        for width in (1280, 375):
            # bypass_csp: axe is injected by the test, which the site's CSP would (rightly) refuse
            page = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900}).new_page()
            for path in ("/", f"/incident/{incident}", "/status/", "/incident/2099-999"):
                page.goto(site.url + path)
                found[f"{path} @{width}"] = violations(page, axe)
            page.goto(report.as_uri())
            found[f"rapport --format html @{width}"] = violations(page, axe)
        browser.close()
    serious = {where: [v for v in vs if v[1] in ("serious", "critical")] for where, vs in found.items()}
    assert all(not vs for vs in serious.values()), serious
    assert len(found) == 10
