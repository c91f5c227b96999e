"""`calamiteit web`, the gedeeld beeld: a real uvicorn server on loopback (the console script in its own
process), read with httpx and, for what httpx would tidy up, a raw socket."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import dutchtime

from .conftest import Invoke
from .web import SCRIPT, serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

TOKEN = "een-lange-geheime-code-voor-het-team"
HOSTILE = "<script>alert('x')</script> [bold red]rood[/] <a href=\"javascript:alert(1)\">klik</a>"


@pytest.fixture
def earlier(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """Entries written two hours ago (a deadline then is overdue now, when the server reads them)."""
    moment = [datetime.now(UTC) - timedelta(hours=2)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    yield moment
    monkeypatch.undo()


def busy_incident(calamiteit: Invoke, earlier: list[datetime]) -> str:
    incident = calamiteit("incident", "open", HOSTILE, "--level", "1").out.strip()
    assert calamiteit("log", incident, "Omgevingsloket geeft 503", "--beeld").code == 0
    assert calamiteit("log", incident, "Leverancier ziet oorzaak in DNS", "--oordeel").code == 0
    overdue = (earlier[0] + timedelta(minutes=30)).astimezone(dutchtime.LOCAL).strftime("%Y-%m-%d %H:%M")
    assert calamiteit("log", incident, "Storingsmelding plaatsen", "--besluit", "--actiehouder", "Ellen de Wit",
                      "--deadline", overdue).code == 0
    later = (earlier[0] + timedelta(days=1)).astimezone(dutchtime.LOCAL).strftime("%Y-%m-%d %H:%M")
    assert calamiteit("log", incident, "VNG informeren", "--besluit", "--actiehouder", "Piet Smit",
                      "--deadline", later).code == 0
    assert calamiteit("niveau", incident, "2", "--reden", "Landelijke uitval langer dan een uur").code == 0
    assert calamiteit("rapport", incident).code == 0
    return incident


def test_the_gedeeld_beeld_shows_an_incident_whole(calamiteit: Invoke, earlier: list[datetime]) -> None:
    incident = busy_incident(calamiteit, earlier)
    shown = json.loads(calamiteit("incident", "show", incident, "--json").out)
    head = shown["entries"][-1]["hash"]
    with serving() as site:
        index = httpx.get(site.url + "/")
        page = httpx.get(f"{site.url}/incident/{incident}")
    assert index.status_code == 200 and f'href="/incident/{incident}"' in index.text
    assert "Paraatheid nu" in index.text and "Monitor" in index.text
    # a requirement by the organisation's name, as in the terminal ("DSO-LV", not its id "dso-lv")
    assert "<td>DSO-LV tactisch dag en nacht</td>" in index.text and "dso-lv tactisch" not in index.text
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    # data is never markup: the title is shown as text, nothing of it is a tag or a link
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;klik&lt;/a&gt;" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; [bold red]rood[/]" in html
    # level, its history with the reason, decisions with owners, deadlines and the overdue mark
    assert 'id="niveau">2 ' in html
    assert "opschalen van 1 naar 2" in html and "Landelijke uitval langer dan een uur" in html
    assert "Ellen de Wit" in html and "Piet Smit" in html
    row = html.split("Storingsmelding plaatsen</td>", 1)[1].split("</tr>", 1)[0]
    assert "over tijd" in row
    other = html.split("VNG informeren</td>", 1)[1].split("</tr>", 1)[0]
    assert "over tijd" not in other and ">open<" in other
    assert "Actie 1: Storingsmelding plaatsen" in html and "Actie 2: VNG informeren" in html
    # the sitrap, and the chain verified with its head
    assert "Vastgelegde sitraps: 1" in html and "Omgevingsloket geeft 503" in html.split('class="sitrap"')[1]
    assert "Hashketen <strong>klopt</strong>" in html and head in html
    # the timeline, newest first
    numbers = [int(part.split('"', 1)[0]) for part in html.split('id="regel-')[1:]]
    assert numbers == sorted(numbers, reverse=True) == list(range(len(shown["entries"]), 0, -1))


def test_the_timeline_is_paged_newest_first(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Veel regels").out.strip()
    for i in range(119):
        assert calamiteit("log", incident, f"waarneming {i}", "--beeld").code == 0
    with serving() as site:
        pages = [httpx.get(f"{site.url}/incident/{incident}" + (f"?pagina={p}" if p > 1 else "")) for p in (1, 2, 3)]
        beyond = httpx.get(f"{site.url}/incident/{incident}?pagina=4")
        nonsense = httpx.get(f"{site.url}/incident/{incident}?pagina=nul")
    seen = [[int(part.split('"', 1)[0]) for part in p.text.split('id="regel-')[1:]] for p in pages]
    assert seen == [list(range(120, 70, -1)), list(range(70, 20, -1)), list(range(20, 0, -1))]
    assert "?pagina=2" in pages[0].text and "Eerdere regels (70)" in pages[0].text
    assert "Nieuwere regels" in pages[2].text and "Eerdere regels" not in pages[2].text
    assert beyond.status_code == nonsense.status_code == 404


def test_only_get_and_head_everywhere(calamiteit: Invoke) -> None:
    with serving() as site:
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            for path in ("/", "/incident/2026-001", "/bestaat-niet", "/static/calamiteit.css"):
                answer = httpx.request(method, site.url + path)
                assert answer.status_code == 405, (method, path)
                assert answer.headers["allow"] == "GET, HEAD"
        head = httpx.head(site.url + "/")
    assert head.status_code == 200 and head.content == b""


def test_every_answer_has_the_security_headers(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Koppen").out.strip()
    with serving() as site:
        answers = [httpx.get(site.url + p) for p in ("/", f"/incident/{incident}", "/incident/2099-999",
                                                     "/static/calamiteit.css", "/nergens")]
        answers.append(httpx.post(site.url + "/"))
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
    assert [a.status_code for a in answers] == [200, 200, 404, 200, 404, 405]


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A request exactly as written (httpx would resolve the dots before sending)."""
    with socket.create_connection(("127.0.0.1", port), 5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


def test_no_path_reaches_the_file_system(calamiteit: Invoke) -> None:
    with serving() as site:
        for path in ("/../", "/../pyproject.toml", "/static/../../pyproject.toml", "/static/%2e%2e/pages.py",
                     "/static/..%2fpages.py", "/static/", "/static", "/templates/base.html", "/static/pages.py"):
            status, data = raw_get(site.port, path)
            assert status == 404, path
            assert b"[project]" not in data and b"import" not in data
        assert raw_get(site.port, "/static/calamiteit.css")[0] == 200


def test_an_unknown_incident_is_a_dutch_404_page(calamiteit: Invoke) -> None:
    calamiteit("incident", "open", "Bestaand")
    with serving() as site:
        unknown = httpx.get(site.url + "/incident/2099-999")
        odd = httpx.get(site.url + "/incident/%3Cb%3Ex")
    for answer in (unknown, odd):
        assert answer.status_code == 404
        assert '<html lang="nl">' in answer.text and "Niet gevonden" in answer.text
        assert "bestaat niet" in answer.text and "<b>x" not in answer.text
    assert "Incident 2099-999 bestaat niet" in unknown.text


def test_loopback_by_default_and_says_so(calamiteit: Invoke) -> None:
    with serving() as site:
        assert site.process.stderr is not None
        said = site.process.stderr.readline() + site.process.stderr.readline()
        assert httpx.get(site.url + "/").status_code == 200
    assert f"http://127.0.0.1:{site.port}/" in said and "Alleen bereikbaar vanaf deze computer" in said


def test_off_loopback_needs_a_token(calamiteit: Invoke) -> None:
    refused = subprocess.run([str(SCRIPT), "web", "--host", "0.0.0.0", "--port", "1"], capture_output=True,
                             text=True, timeout=15)
    assert refused.returncode == 2 and "CALAMITEIT_WEB_TOKEN" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 2
    short = subprocess.run([str(SCRIPT), "web", "--host", "0.0.0.0", "--port", "1"], capture_output=True,
                           text=True, timeout=15, env={**__import__("os").environ, "CALAMITEIT_WEB_TOKEN": "kort"})
    assert short.returncode == 2 and "te kort" in short.stderr


def test_the_token_as_bearer_or_cookie(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Afgeschermd").out.strip()
    with serving(env={"CALAMITEIT_WEB_TOKEN": TOKEN}, host="0.0.0.0") as site:
        assert site.process.stderr is not None
        said = "".join(site.process.stderr.readline() for _ in range(3))
        page = f"{site.url}/incident/{incident}"
        none = httpx.get(page)
        wrong = httpx.get(page, headers={"Authorization": f"Bearer {TOKEN}x"})
        prefix = httpx.get(page, headers={"Authorization": f"Bearer {TOKEN[:-1]}"})
        bearer = httpx.get(page, headers={"Authorization": f"Bearer {TOKEN}"})
        wrong_link = httpx.get(page + "?token=fout", follow_redirects=False)
        first = httpx.get(page + f"?pagina=1&token={TOKEN}", follow_redirects=False)
        cookie = first.headers["set-cookie"]
        value = cookie.split(";", 1)[0]
        again = httpx.get(page, headers={"Cookie": value})
        forged = httpx.get(page, headers={"Cookie": "calamiteit_toegang=" + "0" * 64})
        css = httpx.get(site.url + "/static/calamiteit.css")
        stream = httpx.get(f"{site.url}/live/incident/{incident}")  # the live stream is behind the token too
        elsewhere = raw_get(site.port, f"//kwaad.example.nl/?token={TOKEN}")[1]
    assert stream.status_code == 401
    assert b"\r\nlocation: /kwaad.example.nl/\r\n" in elsewhere.lower()  # no redirect to another site
    assert "toegangscode" in said and "CALAMITEIT_WEB_TOKEN" in said
    for refused in (none, wrong, prefix, wrong_link, forged):
        assert refused.status_code == 401 and "Toegangscode nodig" in refused.text
        assert incident not in refused.text and "Afgeschermd" not in refused.text
    assert bearer.status_code == 200 and "Afgeschermd" in bearer.text
    assert first.status_code == 303 and first.headers["location"] == f"/incident/{incident}?pagina=1"
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert again.status_code == 200 and "Afgeschermd" in again.text
    assert css.status_code == 200  # the 401 page's style sheet needs no token


def test_a_logbook_that_cannot_be_opened_stops_the_start(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "kapot.db"
    broken.write_bytes(b"dit is geen database " * 200)
    monkeypatch.setenv("CALAMITEIT_DB", str(broken))
    started = subprocess.run([str(SCRIPT), "web", "--port", "1"], capture_output=True, text=True, timeout=15)
    assert started.returncode == 3
    assert "kapot.db" in started.stderr and "geen logboekdatabase" in started.stderr
    assert "Traceback" not in started.stderr and "Gedeeld beeld op" not in started.stderr


def test_a_port_in_use_is_one_dutch_line(calamiteit: Invoke) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = subprocess.run([str(SCRIPT), "web", "--port", str(port)], capture_output=True, text=True,
                                 timeout=15)
    assert started.returncode == 1 and f"kan niet luisteren op 127.0.0.1:{port}: al in gebruik" in started.stderr
    assert "ERROR" not in started.stderr and "Gedeeld beeld op" not in started.stderr
