"""`calamiteit --lang en web`: what the server says on its console in English (issue 25), the lines it starts
with (where the site is, who can reach it), each refusal before it listens (the port, the token, the TLS
files, a port in use), and what it says while serving (the logbook broken under it, Ctrl-C); a real server on
loopback (tests/web.py). The other Dutch lines are tests/test_web.py's."""

from __future__ import annotations

import queue
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
from .test_web_live import _hold
from .web import serving

pytest.importorskip("uvicorn", reason="ontbreekt: de extra 'web' (pip install -e '.[test]')")

TOKEN = "een-lange-geheime-code-voor-het-team"
# the Dutch words of the console lines: none may reach an English reader
DUTCH = ("Gedeeld beeld", "Alleen bereikbaar", "Toegang alleen", "Bereikbaar voor", "toegangscode", "kies een",
         "te kort", "tekens", "Gebruik minstens", "is niet gezet", "horen bij", "bestaat niet", "geen certificaat",
         "Geef ", "luisteren", "in gebruik", "Kies ", "Zet ")


def english(text: str) -> None:
    assert not [w for w in DUTCH if w in text], text
    assert "Traceback" not in text


def test_the_start_up_lines_in_english(calamiteit: Invoke) -> None:
    with serving("--lang", "en") as site:
        assert site.process.stderr is not None
        said = site.process.stderr.readline() + site.process.stderr.readline()
    assert said == (f"Shared picture at http://127.0.0.1:{site.port}/ (Ctrl-C stops).\n"
                    "Reachable from this computer only; no access code needed.\n"), said
    with serving("--lang", "en", env={"CALAMITEIT_WEB_TOKEN": TOKEN}, host="0.0.0.0") as site:
        assert site.process.stderr is not None
        said = "".join(site.process.stderr.readline() for _ in range(3))
    assert f"Shared picture at http://0.0.0.0:{site.port}/ (Ctrl-C stops)." in said
    assert "Access only with the access code from CALAMITEIT_WEB_TOKEN: as a Bearer header, or once as " in said
    assert "Reachable by other computers: put a reverse proxy with TLS in front, or give --tls-cert" in said
    english(said)


def test_each_refusal_before_listening_in_english(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = str(tmp_path / "er-niet.pem")
    cases = [
        (("--port", "0"), "--port 0: choose a port from 1 to 65535"),
        (("--host", "192.0.2.1", "--port", "1"), "--host 192.0.2.1 can be reached by other computers, and "
         "CALAMITEIT_WEB_TOKEN is not set"),
        (("--host", "192.0.2.1", "--port", "1"), "Set CALAMITEIT_WEB_TOKEN (at least 16 random characters)"),
        (("--tls-cert", missing), "--tls-cert and --tls-key go together: give both, or neither"),
        (("--tls-cert", missing, "--tls-key", missing), f"--tls-cert {missing}: that file does not exist"),
        (("--tls-cert", missing, "--tls-key", missing), "Give a certificate and its unencrypted private key"),
        (("--tls-cert", str(tmp_path), "--tls-key", missing), f"--tls-cert {tmp_path}: that is not a file"),
    ]
    for args, said in cases:
        refused = calamiteit("--lang", "en", "web", *args)
        assert refused.code in (exitcodes.USAGE, exitcodes.CONFIG), (args, refused.err)
        assert said in refused.err, (args, refused.err)
        english(refused.err)
    monkeypatch.setenv("CALAMITEIT_WEB_TOKEN", "kort")
    short = calamiteit("--lang", "en", "web", "--host", "192.0.2.1", "--port", "1")
    assert short.code == exitcodes.USAGE and "CALAMITEIT_WEB_TOKEN is too short (4 characters)" in short.err
    assert "Use at least 16 random characters." in short.err
    english(short.err)


def test_a_port_in_use_in_english(calamiteit: Invoke) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = calamiteit("--lang", "en", "web", "--port", str(port))
    assert started.code == 1, started.err
    assert f"cannot listen on 127.0.0.1:{port}: already in use" in started.err
    assert "Choose another --port or --host." in started.err
    english(started.err)


WHILE_SERVING = {  # (the page's heading, the public page's text, the console's live line, the Ctrl-C line)
    "nl": ("Even niet beschikbaar", "De status is even niet te lezen; probeer het zo opnieuw.",
           "calamiteit web: live bijwerken: ", "calamiteit: onderbroken"),
    "en": ("Not available just now", "The status cannot be read just now; try again shortly.",
           "calamiteit web: live updates: ", "calamiteit: interrupted"),
}


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_logbook_broken_while_serving_is_said_in_the_language_asked(
    calamiteit: Invoke, tmp_path: Path, lang: str
) -> None:
    """The SQLite file overwritten under a running site: each page a 503 in the reader's language (the public
    one without the cause), one console line per failed page naming the path and the cause, the live watcher's
    own line, and Ctrl-C ends it with the usual line: all in the language asked for."""
    heading, public, live, stopped = WHILE_SERVING[lang]
    incident = calamiteit("incident", "open", "Logboek weg").out.strip()
    with serving("--lang", lang) as site:
        assert site.process.stderr is not None
        said: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(site.process.stderr, said), daemon=True).start()
        assert httpx.get(f"{site.url}/incident/{incident}", timeout=10).status_code == 200
        (tmp_path / "data" / LOGBOOK_FILE).write_bytes(b"geen logboek " * 10_000)
        page = httpx.get(f"{site.url}/incident/{incident}", timeout=10)
        status = httpx.get(f"{site.url}/status/", timeout=10)
        # the first live stream starts the watcher, which cannot open the logbook and says so
        threading.Thread(target=_hold, args=(f"{site.url}/live/", threading.Event()), daemon=True).start()
        console: list[str] = []
        deadline = time.monotonic() + 30
        while not any(line.startswith(live) for line in console):
            try:
                line = said.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            assert line is not None and time.monotonic() < deadline, console
            console.append(line)
        site.process.send_signal(signal.SIGINT)
        assert site.process.wait(10) == exitcodes.INTERRUPTED
        while (line := said.get(timeout=10)) is not None:
            console.append(line)
    assert page.status_code == 503 and f"<h1>{heading}</h1>" in page.text and "logboek.sqlite" in page.text
    assert status.status_code == 503 and public in status.text and "logboek.sqlite" not in status.text
    failed = [line for line in console if line.startswith("calamiteit web: /")]
    assert [line.split(": ")[1] for line in failed] == [f"/incident/{incident}", "/status/"], console
    assert all("logboek.sqlite" in line for line in failed)
    assert console[-1] == stopped and "Traceback" not in "\n".join(console), console
    if lang == "en":
        english("\n".join(console) + page.text + status.text)
