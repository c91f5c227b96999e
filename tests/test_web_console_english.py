"""`calamiteit --lang en web`: what the server says on its console in English (issue 25), the lines it starts
with (where the site is, who can reach it) and each refusal before it listens (the port, the token, the TLS
files, a port in use); a real server on loopback (tests/web.py). The Dutch lines are tests/test_web.py's."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
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
