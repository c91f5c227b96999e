"""`calamiteit --lang en web` (or CALAMITEIT_LANG=en): the gedeeld beeld in English, every word of the site's
own through the catalogue, `<html lang="en">`; the logbook's data stays as typed. The Dutch site is unchanged.
A real server on loopback (tests/web.py), read with httpx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from .conftest import Invoke
from .test_web import busy_incident, earlier  # noqa: F401 (a fixture)
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

# the site's own Dutch words that must not be left on an English page (headings, labels, buttons)
DUTCH = ("Gedeeld beeld", "Open incidenten", "Paraatheid nu", "Monitor: laatste", "Volgende sitrap",
         ">Verstoringen<", ">Toepassingen<", "Gepland onderhoud", "Status van het",
         "Niveauverloop", "Besluiten", "Open acties", "Oproep: wie komt", "Situatierapport", "Tijdlijn", "Hashketen",
         "calamiteitenorganisatie", "Stand van", "Alleen lezen", "Naar het overzicht",
         "Niet gevonden", "bestaat niet")


WRAPPED = ("404", "index", "status", "incident")  # the pages whose templates go through the catalogue


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, re.S)]


@pytest.fixture(params=["--lang", "CALAMITEIT_LANG"])


def english(request: pytest.FixtureRequest) -> Iterator[tuple[tuple[str, ...], dict[str, str]]]:
    """Both ways of asking for English: the option before `web`'s own, and the environment."""
    yield (("--lang", "en"), {}) if request.param == "--lang" else ((), {"CALAMITEIT_LANG": "en"})


def test_the_english_site_speaks_english(calamiteit: Invoke, earlier: list[datetime],  # noqa: F811
                                         english: tuple[tuple[str, ...], dict[str, str]]) -> None:
    incident = busy_incident(calamiteit, earlier)
    args, env = english
    with serving(*args, env=env) as site:
        pages = {
            "index": httpx.get(site.url + "/"),
            "incident": httpx.get(f"{site.url}/incident/{incident}"),
            "status": httpx.get(site.url + "/status/"),
            "404": httpx.get(site.url + "/nergens"),
        }
    assert pages["404"].status_code == 404
    for name in WRAPPED:
        html = pages[name].text
        assert pages[name].status_code in (200, 404), name

        assert '<html lang="en">' in html, name
        for word in DUTCH:
            assert word not in html, (name, word)
    assert "Open incidents" in pages["index"].text and "Readiness now" in pages["index"].text
    assert "Disruptions" in pages["status"].text and "Planned maintenance" in pages["status"].text
    assert "Level history" in pages["incident"].text and "Timeline (newest first)" in pages["incident"].text
    # the logbook's data stays as typed
    assert "Omgevingsloket geeft 503" in pages["incident"].text and "Ellen de Wit" in pages["incident"].text
    assert "Shared picture" in pages["404"].text and "Not found" in pages["404"].text
    assert "This page does not exist." in pages["404"].text


def test_the_dutch_site_is_unchanged(calamiteit: Invoke) -> None:
    with serving() as site:
        index = httpx.get(site.url + "/")
        missing = httpx.get(site.url + "/nergens")
    for page in (index, missing):
        assert '<html lang="nl">' in page.text
        assert "Gedeeld beeld" in page.text
    assert "Stand van " in index.text and "vastleggen gaat met <code>calamiteit</code>" in index.text
    assert "Niet gevonden" in missing.text and "Deze pagina bestaat niet." in missing.text


def test_the_english_feed_and_the_locked_door(calamiteit: Invoke) -> None:
    with serving("--lang", "en", env={"CALAMITEIT_WEB_TOKEN": "een-lange-geheime-code-voor-het-team"}) as site:
        feed = httpx.get(site.url + "/status/feed.atom")
        door = httpx.get(site.url + "/")
    assert 'xml:lang="en"' in feed.text and "public updates" in feed.text and "publieke" not in feed.text
    assert door.status_code == 401 and '<html lang="en">' in door.text
    assert "Access code needed" in door.text and "Toegangscode" not in door.text
