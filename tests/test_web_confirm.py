"""The confirmation link of a call-out mail in `calamiteit web` (a real uvicorn on loopback, read with httpx):
the page names the incident and the role, "Ik kom" / "Ik kan niet" is recorded through the same use case as
`calamiteit bevestig --token`; forged, unknown and used tokens are refused with a Dutch page; a cross-site
POST is refused; the link's token opens that page only, never the gedeeld beeld."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.app.logbook import opened
from dso_calamiteit.app.place import Place
from dso_calamiteit.domain import dutchtime
from dso_calamiteit.domain.confirmation import token as sign

from .conftest import Invoke
from .mail import Mailbox, smtp_server
from .parts import chromium
from .test_confirmation import callout_yaml
from .test_web_a11y import AXE, violations
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

ACCESS = "een-lange-geheime-code-voor-het-team"
INTERNAL = "GEHEIM-INTERN: leverancier noemt de oorzaak"


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    """The call-out is sent at 09:00 on a working day (who is reachable then is fixed)."""
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


@pytest.fixture
def called(calamiteit: Invoke, make_config: Callable[..., Path]) -> tuple[str, Path, dict[str, str]]:
    """An incident with a call-out sent by mail; the confirmation links by recipient address."""
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = calamiteit("incident", "open", "Storing <b>loket</b>", "--level", "1").out.strip()
        assert calamiteit("log", incident, INTERNAL, "--oordeel").code == 0
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == 0
    links = {}
    for rcpts, message in box.messages:
        text = message.get_body(("plain",)).get_content()
        links[rcpts[0]] = next(x for x in text.split() if "https://oct.example.nl/bevestig?t=" in x).strip("<>")
    return incident, folder, links


def token_of(link: str) -> str:
    """The documented URL form `<confirm_url>?t=<token>`: the web face serves `/bevestig?t=…`."""
    parts = urlsplit(link)
    assert parts.path == "/bevestig"
    return parse_qs(parts.query)["t"][0]


def status(calamiteit: Invoke, incident: str, folder: Path) -> dict[str, dict]:
    doc = json.loads(calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder)).out)
    return {r["recipient"]: r for r in doc["called"]}


def opened_page(client: httpx.Client, token: str) -> tuple[httpx.Response, str]:
    page = client.get("/bevestig", params={"t": token})
    found = re.search(r'name="formulier" value="([^"]+)"', page.text)
    return page, found.group(1) if found else ""


def answer(client: httpx.Client, site: str, token: str, form: str, said: str, origin: str | None = None,
           **headers: str) -> httpx.Response:
    sent = {"origin": origin if origin is not None else site, **headers}
    return client.post("/bevestig", data={"t": token, "formulier": form, "antwoord": said}, headers=sent)


@pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL
def test_ik_kom_through_the_link_is_a_confirmation_in_the_chain(calamiteit: Invoke, called) -> None:
    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    with serving("--config-dir", str(folder)) as site, httpx.Client(base_url=site.url) as client:
        page, form = opened_page(client, token)
        assert page.status_code == 200, page.text
        html = page.text
        assert f"Incident {incident}: Storing &lt;b&gt;loket&lt;/b&gt;" in html  # the title is text
        assert "Lotte Meijer" in html and 'id="rol"' in html
        assert INTERNAL not in html and "0000" not in html and "+31" not in html  # nothing else of the logbook
        assert "<script" not in html and page.headers["referrer-policy"] == "same-origin"
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert 'method="post" action="/bevestig"' in html and form
        cookie = page.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/bevestig" in cookie
        done = answer(client, site.url, token, form, "komt")
        assert done.status_code == 200, done.text
        assert "Vastgelegd: u komt" in done.text
    row = status(calamiteit, incident, folder)["lotte-meijer"]
    assert row["answer"] == "komt" and row["via"] == "link"
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    (entry,) = [e for e in entries if e["kind"] == "confirmation"]
    assert entry["author"] == "bevestigingslink"
    assert calamiteit("incident", "verify", incident).code == 0


def test_forged_unknown_and_used_tokens_are_refused(calamiteit: Invoke, called) -> None:
    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    what, mac = token.split(".")
    forged = what + "." + ("A" if mac[0] != "A" else "B") + mac[1:]
    with opened(Place(None, None, None)) as store:
        key = store.confirm_key()
        (callout,) = store.callouts(incident)
    not_reached = sign(key, callout, "iemand-anders")  # signed by this logbook, but nobody this call-out reached
    no_callout = sign(key, f"{incident}/oproep-die-er-niet-is", "lotte-meijer")
    other_logbook = sign(b"\x01" * 32, callout, "lotte-meijer")
    with serving("--config-dir", str(folder)) as site, httpx.Client(base_url=site.url) as client:
        for bad, code, words in [
            (forged, 403, "niet door dit logboek ondertekend"),
            (other_logbook, 403, "niet door dit logboek ondertekend"),
            (not_reached, 403, "hoort niet bij een oproep"),
            (no_callout, 403, "hoort niet bij een oproep"),
            ("kapot-é.ü", 403, "niet door dit logboek ondertekend"),
        ]:
            page, form = opened_page(client, bad)
            assert page.status_code == code and words in page.text and not form, (bad, page.text)
            assert 'lang="nl"' in page.text and "Deze link werkt niet" in page.text
        _, form = opened_page(client, token)
        posted = answer(client, site.url, forged, form, "komt")
        assert posted.status_code == 403 and "niet door dit logboek ondertekend" in posted.text
        assert answer(client, site.url, token, form, "komt").status_code == 200
        again, _ = opened_page(client, token)
        assert again.status_code == 409 and "al gebruikt" in again.text and "u komt" in again.text
        changed = answer(client, site.url, token, form, "kan_niet")
        assert changed.status_code == 409 and "Bel de coördinator" in changed.text
        assert client.get("/bevestig").status_code == 404
    row = status(calamiteit, incident, folder)["lotte-meijer"]
    assert row["answer"] == "komt"
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    assert len([e for e in entries if e["kind"] == "confirmation"]) == 1


def test_a_cross_site_post_is_refused(calamiteit: Invoke, called) -> None:
    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    with serving("--config-dir", str(folder)) as site, httpx.Client(base_url=site.url) as client:
        _, form = opened_page(client, token)
        refused = [
            answer(client, site.url, token, form, "komt", origin="https://kwaad.example.nl"),
            answer(client, site.url, token, form, "komt", origin="null"),
            answer(client, site.url, token, form, "komt", origin="", referer="https://kwaad.example.nl/x"),
            answer(client, site.url, token, "", "komt"),  # no form value
            answer(client, site.url, token, "geraden", "komt"),  # a form value that is not the cookie's
        ]
        with httpx.Client(base_url=site.url) as stranger:  # the right Origin, but not the page's cookie
            refused.append(answer(stranger, site.url, token, form, "komt"))
        for r in refused:
            assert r.status_code == 403 and "niet van de bevestigingspagina" in r.text, r.text
        assert status(calamiteit, incident, folder)["lotte-meijer"]["answer"] is None
        # a Referer from this site when the browser sent no Origin is accepted
        ok = client.post("/bevestig", data={"t": token, "formulier": form, "antwoord": "kan_niet"},
                         headers={"referer": f"{site.url}/bevestig?t={token}"})
        assert ok.status_code == 200, ok.text
    assert status(calamiteit, incident, folder)["lotte-meijer"]["answer"] == "kan_niet"


def test_the_link_opens_its_page_only_never_the_gedeeld_beeld(calamiteit: Invoke, called) -> None:
    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    env = {"CALAMITEIT_WEB_TOKEN": ACCESS}
    with serving("--config-dir", str(folder), env=env) as site, httpx.Client(base_url=site.url) as client:
        page, form = opened_page(client, token)  # no access token needed here
        assert page.status_code == 200 and form
        for path in ("/", f"/incident/{incident}", "/live/"):
            assert client.get(path).status_code == 401  # the page's cookie opens nothing else
            assert client.get(path, params={"t": token}).status_code == 401
            assert client.get(path, params={"token": token}).status_code == 401
            assert client.get(path, headers={"authorization": f"Bearer {token}"}).status_code == 401
        for path in ("/", "/bevestig/", "/bevestig/x", f"/incident/{incident}", "/status/"):
            assert client.post(path, data={"t": token}).status_code == 405, path
        for method in ("PUT", "DELETE", "PATCH"):
            assert client.request(method, "/bevestig").status_code == 405
        assert answer(client, site.url, token, form, "komt").status_code == 200
    assert status(calamiteit, incident, folder)["lotte-meijer"]["answer"] == "komt"


@pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL
def test_two_answers_at_once_record_one(calamiteit: Invoke, called) -> None:
    """Pressed twice (two tabs, a double click): the check and the entry share the write lock."""
    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    with serving("--config-dir", str(folder)) as site, httpx.Client(base_url=site.url) as client:
        _, form = opened_page(client, token)
        with ThreadPoolExecutor(8) as pool:
            codes = sorted(pool.map(lambda said: answer(client, site.url, token, form, said).status_code,
                                    ["komt", "kan_niet"] * 8))
    assert codes == [200] + [409] * 15
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    assert len([e for e in entries if e["kind"] == "confirmation"]) == 1


def test_the_same_token_still_works_on_the_command_line_once(calamiteit: Invoke, called) -> None:
    """One use case for both faces: a link answered on the command line is used for the page too."""
    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    ok = calamiteit("bevestig", incident, "--komt", "--token", token, "--config-dir", str(folder))
    assert ok.code == 0, ok.err
    again = calamiteit("bevestig", incident, "--kan-niet", "--token", token, "--config-dir", str(folder))
    assert again.code == 2 and "al gebruikt" in again.err
    with serving("--config-dir", str(folder)) as site, httpx.Client(base_url=site.url) as client:
        page, _ = opened_page(client, token)
        assert page.status_code == 409




def test_ik_kom_clicked_in_chromium_shows_in_oproep_status(calamiteit: Invoke, called) -> None:
    """Debian's chromium (Playwright, executable_path): the link from the mail, "Ik kom" clicked, and the
    answer in `oproep --status --json`; a second person answers with JavaScript off ("Ik kan niet")."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    incident, folder, links = called
    lotte = token_of(links["l.meijer@dso-lv.example.nl"])
    other_address, other_link = next((a, x) for a, x in links.items() if a != "l.meijer@dso-lv.example.nl")
    other = token_of(other_link)
    errors: list[str] = []
    with serving("--config-dir", str(folder), env={"CALAMITEIT_WEB_TOKEN": ACCESS}) as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_context().new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{site.url}/bevestig?t={lotte}")
        heading = page.inner_text("h1")
        page.click("text=Ik kom")
        page.wait_for_selector("#vastgelegd")
        said = page.inner_text("#vastgelegd")
        # accessibility by axe-core (injected, so this context bypasses the CSP), at a phone's width
        checked = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 800}).new_page()
        axe = AXE.read_text(encoding="utf-8")
        checked.goto(f"{site.url}/bevestig?t={other}")  # not answered yet: the form
        found = {"form": violations(checked, axe)}
        checked.goto(f"{site.url}/bevestig?t=vervalst.x")
        found["refused"] = violations(checked, axe)
        quiet = browser.new_context(java_script_enabled=False).new_page()
        quiet.goto(f"{site.url}/bevestig?t={other}")
        quiet.click("text=Ik kan niet")
        quiet.wait_for_selector("#vastgelegd")
        with httpx.Client(base_url=site.url) as hammer:  # this address past its limit: the 429 page, checked too
            codes = [hammer.get("/bevestig", params={"t": f"x{i}.y"}).status_code for i in range(80)]
        assert 429 in codes
        busy = checked.goto(f"{site.url}/bevestig?t=vervalst.x")
        assert busy is not None and busy.status == 429
        found["busy"] = violations(checked, axe)
        browser.close()
    assert errors == [], errors
    serious = {where: [v for v in vs if v[1] in ("serious", "critical")] for where, vs in found.items()}
    assert all(not vs for vs in serious.values()), serious
    assert heading.startswith(f"Incident {incident}: Storing <b>loket</b>")
    assert "u komt" in said
    rows = status(calamiteit, incident, folder)
    assert rows["lotte-meijer"]["answer"] == "komt" and rows["lotte-meijer"]["via"] == "link"
    (second,) = [r for key, r in rows.items() if key != "lotte-meijer" and r["answer"]]
    assert second["answer"] == "kan_niet" and second["via"] == "link", other_address


def test_bevestig_is_rate_limited_per_address_and_per_token(calamiteit: Invoke, called) -> None:
    """An outsider cannot make the server read the logbook at will through the one page without an access
    token: per client address and per link token at most so many requests a minute, then a Dutch 429 page
    with Retry-After. Other addresses (127.0.0.x are all this computer) are not held up by one."""
    from dso_calamiteit.web.confirm import PER_ADDRESS, PER_TOKEN, WINDOW_S

    incident, folder, links = called
    token = token_of(links["l.meijer@dso-lv.example.nl"])

    def client_from(site_url: str, address: str) -> httpx.Client:
        return httpx.Client(base_url=site_url, transport=httpx.HTTPTransport(local_address=address))

    with serving("--config-dir", str(folder)) as site:
        with client_from(site.url, "127.0.0.2") as client:
            codes = [opened_page(client, f"vervalst-{i}.x")[0].status_code for i in range(PER_ADDRESS)]
            assert codes == [403] * PER_ADDRESS  # every one read and refused, none held up
            busy = client.get("/bevestig", params={"t": "vervalst-nog-een.x"})
            posted = answer(client, site.url, token, "x", "komt")  # a POST from that address too
        for r in (busy, posted):
            assert r.status_code == 429, r.text
            assert 1 <= int(r.headers["retry-after"]) <= WINDOW_S
            assert 'lang="nl"' in r.text and "Te veel verzoeken" in r.text and "Probeer het over" in r.text
            assert r.headers["content-security-policy"] and "vervalst" not in r.text
        with client_from(site.url, "127.0.0.3") as other:  # another address: not held up
            page, form = opened_page(other, token)
            assert page.status_code == 200 and form
        # one link from many addresses: PER_TOKEN a minute in all (the page above was one)
        seen = []
        for i in range(PER_TOKEN):
            with client_from(site.url, f"127.0.1.{i + 1}") as each:
                seen.append(each.get("/bevestig", params={"t": token}).status_code)
        assert seen == [200] * (PER_TOKEN - 1) + [429], seen
        with client_from(site.url, "127.0.2.1") as last:
            page, form = opened_page(last, "vervalst.x")  # that address may still ask about another link
            assert page.status_code == 403
            last.cookies.set("calamiteit_formulier", "f")
            held = last.post("/bevestig", data={"t": token, "formulier": "f", "antwoord": "komt"},
                             headers={"origin": site.url})
            assert held.status_code == 429 and int(held.headers["retry-after"]) >= 1
    assert status(calamiteit, incident, folder)["lotte-meijer"]["answer"] is None


def test_the_limit_is_a_sliding_window() -> None:
    """After the window has passed for the oldest request, one more may go; Retry-After counts to that moment."""
    from dso_calamiteit.web.limit import Limit

    now = [100.0]
    limit = Limit(3, 60.0, lambda: now[0])
    for at in (100.0, 110.0, 120.0):
        now[0] = at
        assert limit.wait_s("a") == 0
    assert limit.wait_s("a") == 40 and limit.wait_s("b") == 0  # another key has its own window
    now[0] = 130.5
    assert limit.wait_s("a") == 30  # refused requests are not counted
    now[0] = 160.0
    assert limit.wait_s("a") == 0 and limit.wait_s("a") == 10  # the oldest (100) has passed; next at 170


def test_the_incident_page_shows_the_confirmations_per_role_live(calamiteit: Invoke, called) -> None:
    """The gedeeld beeld's incident page, in chromium: per role who comes, who cannot and who has not answered
    yet, since when; a "Ik kom" through the link and a "kan niet" from the command line appear without a
    reload (the existing event stream: a confirmation is an entry of the incident)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    incident, folder, links = called
    rows = status(calamiteit, incident, folder)
    lotte = rows["lotte-meijer"]
    other_key, other = next((k, r) for k, r in rows.items() if k != "lotte-meijer")
    token = token_of(links["l.meijer@dso-lv.example.nl"])
    with serving("--config-dir", str(folder)) as site, sync_playwright() as p:
        with httpx.Client(base_url=site.url) as client:  # without JavaScript: the same section, as served
            served = client.get(f"/incident/{incident}").text
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{site.url}/incident/{incident}")
        before = page.inner_text("#bevestigingen")
        page.evaluate("window.nietHerladen = true")
        page.wait_for_timeout(500)  # the stream is open
        with httpx.Client(base_url=site.url) as client:
            _, form = opened_page(client, token)
            assert answer(client, site.url, token, form, "komt").status_code == 200
        page.wait_for_selector("#bevestigingen tr.antwoord-komt", timeout=5000)
        said = calamiteit("bevestig", incident, other["name"], "--kan-niet", "--toelichting", "<b>ziek</b>",
                          "--config-dir", str(folder))
        assert said.code == 0, said.err
        page.wait_for_selector("#bevestigingen tr.antwoord-kan_niet", timeout=5000)
        after = page.inner_text("#bevestigingen")
        groups = page.eval_on_selector_all("#bevestigingen tbody.rol th", "hs => hs.map(h => h.innerText)")
        lotte_row = page.inner_text("#bevestigingen tr.antwoord-komt")
        still = page.evaluate("window.nietHerladen === true")
        checked = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 800}).new_page()
        checked.goto(f"{site.url}/incident/{incident}")
        found = [v for v in violations(checked, AXE.read_text(encoding="utf-8")) if v[1] in ("serious", "critical")]
        browser.close()
    assert found == [], found
    assert "Oproep: wie komt" in served and "Lotte Meijer" in served and "geen antwoord" in served
    assert "komt (link)" not in before and "Lotte Meijer" in before
    assert still, "the page was reloaded"
    assert lotte["role"] in lotte_row and "Lotte Meijer" in lotte_row and "komt (link)" in lotte_row
    answered = status(calamiteit, incident, folder)
    assert dutchtime.local(answered["lotte-meijer"]["since"]) in lotte_row  # since when: the answer's time
    assert "kan niet (telefoon): <b>ziek</b>" in after  # the note is text
    roles = {r["role"] for r in answered.values()}
    assert len(groups) == len(roles)  # one group per role
    waiting = sum(1 for r in answered.values() if not r["answer"])
    assert sum(int(g.split(", ")[2].split()[0]) for g in groups) == waiting
    assert any(g.startswith(f"{lotte['role']}: ") and "1 komt" in g for g in groups), groups
    assert any(g.startswith(f"{other['role']}: ") and "1 kan niet" in g for g in groups), (groups, other_key)
