"""`calamiteit monitor` against real servers on loopback: states, reasons, the API key, history."""

from __future__ import annotations

import json
import ssl
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

from dso_calamiteit.domain import exitcodes

from . import backends
from .conftest import Invoke, default_sigint, reaped
from .servers import BIG, ProxySeen, Seen, closed_port, proxy, serve

KEY = "geheim-sleutel-8c1f0e"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("DSO_API_KEY", raising=False)


@pytest.fixture
def server() -> Iterator[tuple[str, Seen]]:
    with serve() as running:
        yield running


def targets_yaml(*targets: dict[str, object], timeout: float = 2) -> str:
    lines = [f"timeout_s: {timeout}", "max_body_kb: 512", "targets:"]
    for t in targets:
        lines.append(f"  - name: {t['name']}")
        for key, value in t.items():
            if key != "name":
                lines.append(f"    {key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def run_monitor(
    calamiteit: Invoke, make_config: Callable[..., Path], *targets: dict[str, object], args: tuple[str, ...] = ()
) -> tuple[int, dict[str, dict]]:
    folder = make_config(monitor=targets_yaml(*targets))
    result = calamiteit("monitor", "--json", "--config-dir", str(folder), *args)
    assert "Traceback" not in result.err
    doc = json.loads(result.out)
    assert doc["kind"] == "monitor"
    return result.code, {r["name"]: r for r in doc["results"]}


def t(name: str, url: str, **extra: object) -> dict[str, object]:
    return {"name": name, "url": url, "env": "prod", **extra}


def test_fast_answer_is_available(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    code, results = run_monitor(calamiteit, make_config, t("Snel", f"{base}/ok", contains="openapi"))
    assert code == exitcodes.OK
    assert results["Snel"]["state"] == "beschikbaar" and results["Snel"]["status"] == 200
    assert 0 < results["Snel"]["latency_ms"] < 2000


def test_each_fault_has_its_reason(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    code, results = run_monitor(
        calamiteit,
        make_config,
        t("Traag", f"{base}/slow", budget_ms=100),
        t("Fout", f"{base}/status/500"),
        t("Weg", f"{base}/status/404"),
        t("Tekst", f"{base}/ok", contains="Omgevingsloket"),
        t("Dicht", f"http://127.0.0.1:{closed_port()}/"),
        t("Lus", f"{base}/loop"),
        t("Naam", "http://calamiteit-test.invalid/"),
    )
    assert code == exitcodes.MONITOR_DOWN
    expected = {
        "Traag": ("traag", "trager dan budget"),
        "Fout": ("onbeschikbaar", "onverwachte status 500 (verwacht 200)"),
        "Weg": ("onbeschikbaar", "onverwachte status 404"),
        "Tekst": ("onbeschikbaar", "tekst 'Omgevingsloket' ontbreekt"),
        "Dicht": ("onbeschikbaar", "verbinding geweigerd"),
        "Lus": ("onbeschikbaar", "te veel doorverwijzingen"),
        "Naam": ("onbeschikbaar", "DNS-fout"),
    }
    for name, (state, reason) in expected.items():
        assert results[name]["state"] == state, (name, results[name])
        assert reason in results[name]["reason"], (name, results[name])


def test_only_slow_exits_with_its_own_code(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    code, _ = run_monitor(calamiteit, make_config, t("Traag", f"{base}/slow", budget_ms=100), t("Snel", f"{base}/ok"))
    assert code == exitcodes.MONITOR_SLOW


def test_a_server_that_never_answers_times_out(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    started = time.monotonic()
    code, results = run_monitor(calamiteit, make_config, t("Hangt", f"{base}/hang"), args=("--timeout", "0.5"))
    assert time.monotonic() - started < 5
    assert code == exitcodes.MONITOR_DOWN and results["Hangt"]["reason"] == "time-out"


def test_a_huge_body_is_not_read_whole(calamiteit: Invoke, make_config, server) -> None:
    base, seen = server
    started = time.monotonic()
    _, results = run_monitor(calamiteit, make_config, t("Groot", f"{base}/big", contains="niet-aanwezig"))
    assert time.monotonic() - started < 10
    assert results["Groot"]["reason"] == "tekst 'niet-aanwezig' ontbreekt"
    time.sleep(0.2)
    assert seen.big_bytes_sent < BIG / 4, seen.big_bytes_sent  # the client stopped reading long before the end


def test_self_signed_certificate_is_refused(calamiteit: Invoke, make_config) -> None:
    ca = trustme.CA()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    with serve(tls=server_context) as (base, _):
        code, results = run_monitor(calamiteit, make_config, t("Eigen cert", f"{base}/ok"))
    assert code == exitcodes.MONITOR_DOWN
    assert results["Eigen cert"]["reason"].startswith("certificaatfout")


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server context with a certificate of a throw-away CA that the client trusts through SSL_CERT_FILE."""
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "127.0.0.2").configure_cert(context)
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    return context


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_api_key_goes_only_to_the_target_origin(calamiteit: Invoke, make_config, monkeypatch, tmp_path, tls) -> None:
    monkeypatch.setenv("DSO_API_KEY", KEY)
    seen = Seen()
    with (
        serve("127.0.0.2", seen, tls=tls) as (other_host, _),
        serve("127.0.0.1", seen, tls=tls) as (other_port, _),
        serve("127.0.0.1", seen, other=other_host, tls=tls) as (base, _),
    ):
        port_hop = other_port.rsplit(":", 1)[1]
        folder = make_config(
            monitor=targets_yaml(
                t("Met sleutel", f"{base}/ok", api_key=True),
                t("Zonder sleutel", f"{base}/redirect-same"),
                t("Omleiding", f"{base}/redirect-other", api_key=True),
                t("Dicht", f"https://127.0.0.1:{closed_port()}/", api_key=True),
                t("Andere poort", f"https://127.0.0.1:{port_hop}/landing"),
            )
        )
        outputs = []
        for args in (["--json"], [], ["--record", "--json"]):
            result = calamiteit("monitor", "--config-dir", str(folder), *args)
            outputs += [result.out, result.err]
        history = calamiteit("monitor", "--history", "--json", "--config-dir", str(folder))
        outputs += [history.out, history.err]
    other_port_number = int(port_hop)
    assert [k for h, p, k in seen.keys if p == "/ok" and k == KEY], "the target's own origin got the key"
    assert all(key is None for host, path, key in seen.keys if host == "127.0.0.2"), "the key left for another host"
    assert all(key is None for host, path, key in seen.keys if path in ("/redirect-same", "/landing"))
    results = json.loads(outputs[0])["results"]
    assert results[2]["state"] == "beschikbaar"  # the redirect itself was followed
    assert other_port_number and results[4]["state"] == "beschikbaar"
    for text in outputs:
        assert KEY not in text
    stored = backends.rows(tmp_path / "data", "SELECT * FROM checks")
    assert stored and KEY not in repr(stored)
    if not backends.postgres():
        assert KEY.encode() not in (tmp_path / "data" / "logboek.sqlite").read_bytes()


def test_api_key_never_crosses_to_another_port_on_the_same_host(calamiteit: Invoke, make_config, monkeypatch, tls):
    """Same host, other port: another origin (another service), so no key, not even over TLS."""
    monkeypatch.setenv("DSO_API_KEY", KEY)
    seen = Seen()
    with serve("127.0.0.1", seen, tls=tls) as (other, _), serve("127.0.0.1", seen, other=other, tls=tls) as (base, _):
        _, results = run_monitor(calamiteit, make_config, t("Hop", f"{base}/redirect-other", api_key=True))
    assert results["Hop"]["state"] == "beschikbaar"
    assert [k for h, p, k in seen.keys if p == "/redirect-other"] == [KEY]
    assert [k for h, p, k in seen.keys if p == "/landing"] == [None]


def test_a_redirect_from_https_to_plain_http_is_not_followed(calamiteit: Invoke, make_config, monkeypatch, tls):
    monkeypatch.setenv("DSO_API_KEY", KEY)
    plain_seen, tls_seen = Seen(), Seen()
    with serve("127.0.0.1", plain_seen) as (plain, _), serve("127.0.0.1", tls_seen, other=plain, tls=tls) as (base, _):
        code, results = run_monitor(calamiteit, make_config, t("Downgrade", f"{base}/redirect-other", api_key=True))
    assert code == exitcodes.MONITOR_DOWN
    assert results["Downgrade"]["reason"] == "onveilige doorverwijzing van HTTPS naar HTTP (niet gevolgd)"
    assert plain_seen.keys == []  # nothing at all went over plain HTTP
    assert tls_seen.keys == [("127.0.0.1", "/redirect-other", KEY)]


def test_an_api_key_target_over_plain_http_is_a_config_error(calamiteit: Invoke, make_config) -> None:
    folder = make_config(monitor=targets_yaml(t("Plat", "http://127.0.0.1:9/ok", api_key=True)))
    result = calamiteit("check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    assert "monitor.yaml:7:5:" in result.out and "nooit over onversleuteld HTTP" in result.out


def test_a_gzip_answer_is_decoded_for_the_text_check(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    code, results = run_monitor(
        calamiteit,
        make_config,
        t("Gzip", f"{base}/gzip", contains="Omgevingsloket werkt"),
        t("Kapot", f"{base}/gzip-broken", contains="werkt"),
    )
    assert results["Gzip"]["state"] == "beschikbaar", results["Gzip"]
    assert results["Kapot"]["reason"] == "antwoord niet te lezen (gzip-fout)"
    assert code == exitcodes.MONITOR_DOWN


def test_a_gzip_bomb_is_inflated_no_further_than_max_body(calamiteit: Invoke, make_config, server) -> None:
    from dso_calamiteit.adapters.probe import _Inflater

    from .servers import bomb

    packed = bomb()  # made before the request: the server only sends it
    base, _ = server
    _, results = run_monitor(calamiteit, make_config, t("Bom", f"{base}/gzip-bomb", contains="nooit"))
    assert results["Bom"]["reason"] == "tekst 'nooit' ontbreekt"
    inflater = _Inflater("gzip", 512 * 1024)
    total = sum(len(inflater.feed(packed[i : i + 65536])) for i in range(0, len(packed), 65536))
    assert total == 512 * 1024  # 256 MiB on the wire's terms, 512 KiB in memory


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_record_and_history(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    folder = make_config(monitor=targets_yaml(t("Snel", f"{base}/ok"), t("Fout", f"{base}/status/500")))
    for _ in range(3):
        calamiteit("monitor", "--record", "--config-dir", str(folder))
    result = calamiteit("monitor", "--history", "--since", "1h", "--json", "--config-dir", str(folder))
    assert result.code == 0, result.err
    apps = {a["name"]: a for a in json.loads(result.out)["applications"]}
    assert apps["Snel"]["checks"] == 3 and apps["Snel"]["available_pct"] == 100.0
    assert apps["Fout"]["available_pct"] == 0.0 and apps["Fout"]["median_latency_ms"] is None
    assert apps["Snel"]["median_latency_ms"] > 0
    table = calamiteit("monitor", "--history", "--config-dir", str(folder))
    assert "100,0%" in table.out and " 0,0%" in table.out  # a decimal comma


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_history_without_records_and_bad_since(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    folder = make_config(monitor=targets_yaml(t("Snel", f"{base}/ok")))
    calamiteit("incident", "open", "maakt het logboek")
    assert calamiteit("monitor", "--history", "--config-dir", str(folder)).code == exitcodes.FAILURE
    bad = calamiteit("monitor", "--history", "--since", "gisteren", "--config-dir", str(folder))
    assert bad.code == exitcodes.USAGE and "24h" in bad.err


def test_env_and_only_select(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    folder = make_config(
        monitor=targets_yaml(
            t("Loket", f"{base}/ok"), {**t("Loket", f"{base}/ok"), "env": "pre"}, t("Portaal", f"{base}/ok")
        )
    )
    doc = json.loads(calamiteit("monitor", "--json", "--env", "pre", "--config-dir", str(folder)).out)
    assert [(r["name"], r["env"]) for r in doc["results"]] == [("Loket", "pre")]
    doc = json.loads(calamiteit("monitor", "--json", "--only", "portaal", "--config-dir", str(folder)).out)
    assert [r["name"] for r in doc["results"]] == ["Portaal"]
    wrong = calamiteit("monitor", "--only", "Portal", "--config-dir", str(folder))
    assert wrong.code == exitcodes.USAGE and "Bedoelde u 'Portaal'?" in wrong.err


def test_table_and_summary(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    folder = make_config(monitor=targets_yaml(t("Snel", f"{base}/ok"), t("Fout", f"{base}/status/500")))
    result = calamiteit("monitor", "--config-dir", str(folder))
    assert result.code == exitcodes.MONITOR_DOWN
    assert "Beschikbaarheid DSO" in result.out and "onverwachte status 500" in result.out
    assert "1 van 2 beschikbaar, 0 traag, 1 onbeschikbaar" in result.out


def test_malformed_url_is_a_config_error(calamiteit: Invoke, make_config) -> None:
    folder = make_config(monitor="targets:\n  - name: Kapot\n    url: htp//omgevingswet\n    env: prod\n")
    result = calamiteit("monitor", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    assert "monitor.yaml:3:" in result.err and "geen geldige http(s)-URL" in result.err


def test_shipped_targets_cover_the_public_entry_points(calamiteit: Invoke) -> None:
    from dso_calamiteit.adapters import config

    targets = config.load(config.locate()).monitor.targets
    urls = {t.url for t in targets}
    assert "https://omgevingswet.overheid.nl/" in urls and "https://pre.omgevingswet.overheid.nl/" in urls
    assert "https://developer.omgevingswet.overheid.nl/" in urls
    assert any("iplo.nl" in u and "storingen" in u for u in urls)
    for base in ("omgevingsdocumenten/api/presenteren/v8", "catalogus/api/opvragen/v3", "verzoeken/api/indienen/v4"):
        for host in ("service.omgevingswet.overheid.nl", "service.pre.omgevingswet.overheid.nl"):
            assert f"https://{host}/publiek/{base}/openapi.json" in urls


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_records_go_into_their_own_table(calamiteit: Invoke, make_config, server, tmp_path) -> None:
    base, _ = server
    folder = make_config(monitor=targets_yaml(t("Snel", f"{base}/ok")))
    calamiteit("monitor", "--record", "--config-dir", str(folder))
    assert backends.rows(tmp_path / "data", "SELECT name, state FROM checks") == [("Snel", "beschikbaar")]
    assert backends.rows(tmp_path / "data", "SELECT count(*) FROM entries") == [(0,)]


def test_watch_in_a_terminal_until_ctrl_c(make_config, server, tmp_path) -> None:
    import os

    import pexpect

    from .test_interactive import console_script

    base, seen = server
    folder = make_config(monitor=targets_yaml(t("Snel", f"{base}/ok")))
    env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "c"), TERM="xterm", COLUMNS="120")
    child = pexpect.spawn(
        console_script(),
        ["monitor", "--watch", "0.2", "--config-dir", str(folder)],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 120),
        preexec_fn=default_sigint,
    )
    child.expect("Beschikbaarheid DSO")
    deadline = time.monotonic() + 10
    while sum(path == "/ok" for _, path, _ in seen.keys) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sum(path == "/ok" for _, path, _ in seen.keys) >= 3  # it kept checking
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == exitcodes.INTERRUPTED
    assert "Traceback" not in (child.before or "")


def test_watch_without_a_terminal_prints_one_document_a_round(make_config, server, tmp_path) -> None:
    import os
    import signal
    import subprocess

    from .test_interactive import console_script

    base, _ = server
    folder = make_config(monitor=targets_yaml(t("Snel", f"{base}/ok")))
    proc = subprocess.Popen(
        [console_script(), "monitor", "--watch", "0.1", "--json", "--config-dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "c")),
        preexec_fn=default_sigint,
    )
    with reaped(proc):
        assert proc.stdout is not None
        docs = [json.loads(proc.stdout.readline()) for _ in range(2)]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert [d["results"][0]["state"] for d in docs] == ["beschikbaar", "beschikbaar"]
    assert proc.returncode == exitcodes.INTERRUPTED and "Traceback" not in err


def test_progress_on_a_terminal(make_config, server, tmp_path) -> None:
    import os

    import pexpect

    from .test_interactive import console_script

    base, _ = server
    folder = make_config(monitor=targets_yaml(t("Traag", f"{base}/slow", budget_ms=5000), t("Snel", f"{base}/ok")))
    env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(tmp_path / "c"), TERM="xterm", COLUMNS="120")
    child = pexpect.spawn(
        console_script(),
        ["monitor", "--config-dir", str(folder)],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 120),
    )
    child.expect("Controleren")  # the progress display while the slow target is still being checked
    child.expect("2 van 2 beschikbaar")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == exitcodes.OK


def test_checks_go_through_the_proxy_and_the_key_stays_in_the_tunnel(
    calamiteit: Invoke, make_config, monkeypatch, tls
) -> None:
    monkeypatch.setenv("DSO_API_KEY", KEY)
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    seen, through = Seen(), ProxySeen()
    with serve(seen=seen, tls=tls) as (secure, _), serve(seen=seen) as (plain, _), proxy(through) as via:
        monkeypatch.setenv("HTTPS_PROXY", via)
        monkeypatch.setenv("HTTP_PROXY", via)
        code, results = run_monitor(
            calamiteit,
            make_config,
            t("Met sleutel", f"{secure}/ok", api_key=True),
            t("Portaal", f"{plain}/ok"),
        )
    assert code == exitcodes.OK, results
    asked = {(method, target) for method, target, _ in through.requests}
    assert ("CONNECT", secure.removeprefix("https://")) in asked  # HTTPS went through the proxy, as a tunnel
    assert ("GET", f"{plain}/ok") in asked  # plain HTTP went through the proxy too
    assert all("x-api-key" not in headers for _, _, headers in through.requests), "the proxy saw the key"
    assert ("127.0.0.1", "/ok", KEY) in seen.keys  # and the target itself did get it


def test_a_total_failure_at_dns_or_connect_points_at_the_own_network(calamiteit: Invoke, make_config, monkeypatch):
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port()}")  # a proxy that is not there
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    targets = (t("Loket", "https://loket.example.nl/"), t("API", "http://api.example.nl/openapi.json"))
    code, results = run_monitor(calamiteit, make_config, *targets)
    assert code == exitcodes.MONITOR_DOWN
    reasons = {r["reason"] for r in results.values()}
    assert reasons <= {"verbinding geweigerd", "proxy-fout (proxy onbereikbaar of weigert)"}, reasons
    folder = make_config(monitor=targets_yaml(*targets))
    doc = json.loads(calamiteit("monitor", "--json", "--config-dir", str(folder)).out)
    assert "eigen netwerk of de proxy" in doc["likely_cause"]
    table = calamiteit("monitor", "--config-dir", str(folder))
    assert "LET OP: geen enkele applicatie bereikbaar" in " ".join(table.out.split())


def test_one_target_down_is_not_blamed_on_the_network(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    folder = make_config(
        monitor=targets_yaml(t("Goed", f"{base}/ok"), t("Dicht", f"http://127.0.0.1:{closed_port()}/"))
    )
    doc = json.loads(calamiteit("monitor", "--json", "--config-dir", str(folder)).out)
    assert doc["likely_cause"] is None
    # the one target checked (--only) failing at connect: one closed service says nothing of the own network
    alone = calamiteit("monitor", "--json", "--only", "Dicht", "--config-dir", str(folder))
    assert alone.code == exitcodes.MONITOR_DOWN
    doc = json.loads(alone.out)
    assert [r["reason"] for r in doc["results"]] == ["verbinding geweigerd"] and doc["likely_cause"] is None
    table = calamiteit("monitor", "--only", "Dicht", "--config-dir", str(folder))
    assert table.code == exitcodes.MONITOR_DOWN and "LET OP" not in table.out + table.err


def test_checks_reuse_their_connections(calamiteit: Invoke, make_config, server) -> None:
    """A small answer is read to its end, so the connection serves the next check: 30 checks, 2 at a time,
    over at most 2 connections (a new connection per check cost more CPU than the check; issue 12)."""
    base, seen = server
    folder = make_config(monitor="concurrency: 2\n" + targets_yaml(*(t(f"doel-{i}", f"{base}/ok") for i in range(30))))
    result = calamiteit("monitor", "--json", "--config-dir", str(folder))
    assert result.code == exitcodes.OK, result.err
    assert len(seen.keys) == 30 and len(seen.peers) <= 2


def test_a_slow_body_does_not_change_the_verdict(calamiteit: Invoke, make_config, server) -> None:
    """The headers decide; a body that trickles in is left after a moment, never a time-out of the check: the
    body takes 10 s, twice the check's time-out, so a check that waited for it would have been cut off."""
    base, _ = server
    code, results = run_monitor(calamiteit, make_config, t("Druppel", f"{base}/trickle"), args=("--timeout", "5"))
    assert code == exitcodes.OK
    assert results["Druppel"]["state"] == "beschikbaar" and results["Druppel"]["latency_ms"] < 5000


def test_chunked_closing_and_silent_servers(calamiteit: Invoke, make_config, server) -> None:
    """What the checks' own HTTP/1.1 transport must read right: a chunked body, a server that says it closes
    (its connection is not used again), one that hangs up without an answer."""
    base, _ = server
    folder = make_config(
        monitor=targets_yaml(
            t("Gedeeld", f"{base}/chunked", contains="Omgevingsloket werkt"),
            t("Sluit", f"{base}/close"),
            t("Sluit weer", f"{base}/close"),
            t("Stil", f"{base}/hangup"),
        )
    )
    result = calamiteit("monitor", "--json", "--config-dir", str(folder))
    found = {r["name"]: r for r in json.loads(result.out)["results"]}
    assert found["Gedeeld"]["state"] == "beschikbaar"
    assert found["Sluit"]["state"] == found["Sluit weer"]["state"] == "beschikbaar"
    silent = found["Stil"]
    assert (silent["state"], silent["reason"]) == ("onbeschikbaar", "verbinding verbroken zonder antwoord")
    assert result.code == exitcodes.MONITOR_DOWN


def test_a_connection_the_server_closed_while_idle_is_not_reused(calamiteit: Invoke, make_config, server) -> None:
    """Servers drop idle keep-alive connections; a check must then open a new one, not fail on the old."""
    base, _ = server
    targets = [t(f"Doel {i}", f"{base}/ok-then-idle-close") for i in range(30)]
    folder = make_config(monitor="concurrency: 2\n" + targets_yaml(*targets))  # two workers: reuse is tried
    result = calamiteit("monitor", "--json", "--config-dir", str(folder))
    states = [r["state"] for r in json.loads(result.out)["results"]]
    assert states == ["beschikbaar"] * 30, json.loads(result.out)["results"]


# --- planned maintenance (config/onderhoud.yaml) ---------------------------------------------------------------


def test_a_target_in_planned_maintenance_is_onderhoud_and_counted_apart(
    calamiteit: Invoke, make_config: Callable[..., Path], server, monkeypatch
) -> None:
    from datetime import UTC, datetime

    from dso_calamiteit.adapters import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 22, 30, tzinfo=UTC))  # 23:30 in NL
    base, _ = server
    window = (
        "windows:\n  - application: Loket\n    env: prod\n    start: \"2026-12-01 23:00\"\n"
        "    end: \"2026-12-02 01:00\"\n    description: Release 2026.12\n"
    )
    folder = make_config(
        monitor=targets_yaml(t("Loket", f"{base}/status/503"), t("API", f"{base}/ok")), maintenance=window
    )
    prom = folder / "monitor.prom"
    result = calamiteit("monitor", "--json", "--record", "--prometheus", str(prom), "--config-dir", str(folder))
    found = {r["name"]: r for r in json.loads(result.out)["results"]}
    assert result.code == exitcodes.OK  # the only failing target is in its window
    loket_labels = (("env", "prod"), ("target", "Loket"))
    assert families(prom)["calamiteit_planned_maintenance"][loket_labels] == 1
    assert families(prom)["probe_success"][loket_labels] == 0  # what the check found, for one's own alerting
    assert found["Loket"]["state"] == "onderhoud" and "Release 2026.12" in found["Loket"]["reason"]
    assert found["API"]["state"] == "beschikbaar"
    assert "onderhoud" in calamiteit("monitor", "--config-dir", str(folder)).out
    history = json.loads(calamiteit("monitor", "--history", "--json", "--config-dir", str(folder)).out)
    loket = next(a for a in history["applications"] if a["name"] == "Loket")
    assert loket["maintenance"] == 1 and loket["checks"] == 0  # counted apart, not as unavailable
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 2, 0, 30, tzinfo=UTC))  # 01:30: window over
    after = json.loads(calamiteit("monitor", "--json", "--config-dir", str(folder)).out)["results"]
    assert {r["name"]: r["state"] for r in after}["Loket"] == "onbeschikbaar"


def test_a_maintenance_window_that_ends_before_it_starts(calamiteit: Invoke, make_config) -> None:
    window = (
        "windows:\n  - application: Omgevingsloket\n    start: \"2026-12-02 01:00\"\n"
        "    end: \"2026-12-01 23:00\"\n    description: Release\n"
        "  - application: Omgevingslokt\n    start: \"morgen\"\n    end: \"2026-12-01 23:00\"\n"
        "    description: Typfout\n"
    )
    folder = make_config(maintenance=window)
    result = calamiteit("check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    assert "config/onderhoud.yaml:4" in result.out and "eindigt (2026-12-01 23:00) voor of op het begin" in result.out
    assert "onbekende applicatie 'Omgevingslokt'" in result.out and "Omgevingsloket" in result.out
    assert "'morgen' is geen tijdstip" in result.out


# --- Prometheus textfiles ----------------------------------------------------------------------------------------


def families(path: Path) -> dict[str, dict[tuple[str, ...], float]]:
    """The file read back with prometheus_client's own parser: metric → label values → value."""
    from prometheus_client.parser import text_string_to_metric_families

    found: dict[str, dict[tuple[str, ...], float]] = {}
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value  # type: ignore[arg-type]
    return found


def test_monitor_writes_a_prometheus_textfile(calamiteit: Invoke, make_config, tls, tmp_path: Path) -> None:
    with serve("127.0.0.1", tls=tls) as (secure, _), serve() as (plain, _):
        folder = make_config(
            monitor=targets_yaml(
                t("Veilig", f"{secure}/ok"), t("Kapot", f"{plain}/status/500"), t("Weg", f"{plain}/hangup")
            )
        )
        out = tmp_path / "textfile" / "calamiteit.prom"
        out.parent.mkdir()
        result = calamiteit("monitor", "--json", "--prometheus", str(out), "--config-dir", str(folder))
    assert result.code == exitcodes.MONITOR_DOWN
    metrics = families(out)
    key = lambda name: (("env", "prod"), ("target", name))  # noqa: E731
    assert metrics["probe_success"] == {key("Veilig"): 1.0, key("Kapot"): 0.0, key("Weg"): 0.0}
    codes = metrics["probe_http_status_code"]
    assert (codes[key("Veilig")], codes[key("Kapot")], codes[key("Weg")]) == (200, 500, 0)
    assert 0 < metrics["probe_duration_seconds"][key("Veilig")] < 5
    expiry = metrics["probe_ssl_earliest_cert_expiry"]
    assert list(expiry) == [key("Veilig")] and expiry[key("Veilig")] > time.time()  # trustme: valid for years
    assert metrics["calamiteit_planned_maintenance"][key("Veilig")] == 0
    assert [p.name for p in out.parent.iterdir()] == ["calamiteit.prom"]  # no temporary file left


READINESS = """\
schedules:
  - {contact: bram-jansen, always: true}
  - {contact: lotte-meijer, always: true}
  - contact: carla-bakker
    weekly:
      - {days: [ma, di, wo, do, vr], start: "08:00", end: "17:00"}
requirements:
  - {org: dso-lv, tier: tactisch, always: true, minimum: 2}
  - {org: dso-lv, tier: strategisch, always: true}
heightened:
  - name: Verhoogd
    start: "2026-11-01"
    end: "2026-11-30"
    requirements:
      - {org: iplo, tier: strategisch, always: true}
"""


@pytest.mark.parametrize(
    ("moment", "code", "expected"),
    [
        # a Wednesday in the heightened period: Bram and Lotte (tactisch, both needed), Carla (strategisch, office
        # hours); nobody of IPLO's strategic tier is reachable
        ("2026-11-25 10:00", exitcodes.READINESS_GAPS,
         {("dso-lv", "tactisch", ""): (1, 2), ("dso-lv", "strategisch", ""): (1, 1),
          ("iplo", "strategisch", "Verhoogd"): (0, 0)}),
        # the evening of the day after the period: Carla has gone home, the period's requirement is gone
        ("2026-12-01 20:00", exitcodes.READINESS_GAPS,
         {("dso-lv", "tactisch", ""): (1, 2), ("dso-lv", "strategisch", ""): (0, 0)}),
        # a Monday morning after the period: all met
        ("2026-12-07 09:00", exitcodes.OK, {("dso-lv", "tactisch", ""): (1, 2), ("dso-lv", "strategisch", ""): (1, 1)}),
    ],
)
def test_paraatheid_writes_a_prometheus_textfile(
    calamiteit: Invoke, make_config, tmp_path: Path, moment: str, code: int, expected: dict
) -> None:
    """Per requirement: met (1/0) and how many of its contacts are reachable now, worked out from the rota above."""
    out = tmp_path / "paraatheid.prom"
    folder = make_config(readiness=READINESS)
    result = calamiteit("paraatheid", "--op", moment, "--prometheus", str(out), "--config-dir", str(folder))
    assert result.code == code, result.err
    metrics = families(out)

    def key(org: str, tier: str, period: str) -> tuple:
        return tuple(sorted({"org": org, "tier": tier, "period": period}.items()))

    assert metrics["calamiteit_readiness_requirement_met"] == {key(*k): v[0] for k, v in expected.items()}
    assert metrics["calamiteit_readiness_reachable_contacts"] == {key(*k): v[1] for k, v in expected.items()}


PROMETHEUS_SAID = {  # the option's own messages, in each language
    "nl": ("kan niet schrijven",
           "  Kies een map waarin geschreven mag worden (node_exporter: --collector.textfile.directory).",
           "calamiteit: --prometheus vraagt prometheus_client, en dat is niet geïnstalleerd"),
    "en": ("cannot write", "  Choose a folder that may be written to (node_exporter: --collector.textfile.directory).",
           "calamiteit: --prometheus needs prometheus_client, and that is not installed"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_prometheus_file_that_cannot_be_written(calamiteit: Invoke, tmp_path: Path, lang: str) -> None:
    result = calamiteit("--lang", lang, "paraatheid", "--prometheus", str(tmp_path / "bestaat-niet" / "x.prom"))
    assert result.code == exitcodes.FAILURE
    said, hint, _ = PROMETHEUS_SAID[lang]
    assert said in result.err and "Traceback" not in result.err
    assert result.err.splitlines()[-1] == hint


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_without_prometheus_client_the_option_says_what_to_install(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Both files, with the library missing: one line and the install command, no internal error, no file."""
    from dso_calamiteit.adapters import metrics
    from dso_calamiteit.domain.errors import UsageError

    monkeypatch.setitem(sys.modules, "prometheus_client", None)
    out = tmp_path / "x.prom"
    result = calamiteit("--lang", lang, "paraatheid", "--prometheus", str(out))
    assert result.code == exitcodes.USAGE, result.err
    assert result.err.splitlines() == [PROMETHEUS_SAID[lang][2], "  pip install 'dso-calamiteit[prometheus]'"]
    assert "internal error" not in result.err and "interne fout" not in result.err and not out.exists()
    with pytest.raises(UsageError, match="prometheus_client"):  # the library call itself, outside the CLI
        metrics.monitor_file([], out)


def test_the_prometheus_files_are_the_same_in_english(
    calamiteit: Invoke, make_config, tmp_path: Path
) -> None:
    """Metric names, HELP texts and label values are identifiers, not text: `--lang en` writes the same bytes
    (an alert rule written against one works against the other), while what the command prints is English."""
    folder = make_config(readiness=READINESS)
    written = {}
    for lang in ("nl", "en"):
        out = tmp_path / f"{lang}.prom"
        result = calamiteit("--lang", lang, "paraatheid", "--op", "2026-11-25 10:00", "--prometheus", str(out),
                            "--config-dir", str(folder))
        assert result.code == exitcodes.READINESS_GAPS, result.err
        written[lang] = (out.read_bytes(), result.out)
    assert written["en"][0] == written["nl"][0]
    assert b'org="iplo",period="Verhoogd",tier="strategisch"} 0.0' in written["en"][0]
    assert written["en"][1] != written["nl"][1]  # the table beside it did change language


def test_the_monitor_file_speaks_blackbox_exporters_language(tmp_path: Path) -> None:
    """The metric names and HELP texts are blackbox_exporter's own (dashboards and alerts written for it work);
    the duration is in seconds, the certificate's expiry in Unix time, maintenance a 1."""
    from dso_calamiteit.adapters import metrics
    from dso_calamiteit.domain.monitoring import Reason, Result, Target

    site = Target(name="Omgevingsloket", url="https://example.nl/", env="prod")
    results = [
        Result(site, "beschikbaar", 200, 1500.0, Reason(), "2026-12-05T02:00:00+01:00", "beschikbaar", 1_900_000_000.0),
        Result(Target(name="Viewer", url="https://example.nl/v", env="pre"), "onderhoud", None, None,
               Reason.of("maintenance", end="2026-12-05 04:00", description="Release"), "2026-12-05T02:00:00+01:00",
               "onbereikbaar"),
    ]
    out = tmp_path / "m.prom"
    metrics.monitor_file(results, out)
    text = out.read_text(encoding="utf-8")
    helps = dict(line[len("# HELP "):].split(" ", 1) for line in text.splitlines() if line.startswith("# HELP "))
    assert helps == {
        "probe_success": "Displays whether or not the probe was a success",
        "probe_duration_seconds": "Returns how long the probe took to complete in seconds",
        "probe_http_status_code": "Response HTTP status code",
        "probe_ssl_earliest_cert_expiry": "Returns last SSL chain expiry in unixtime",
        "calamiteit_planned_maintenance": "1 while the target is in a window of config/onderhoud.yaml",
    }
    found = families(out)
    loket, viewer = (("env", "prod"), ("target", "Omgevingsloket")), (("env", "pre"), ("target", "Viewer"))
    assert found["probe_duration_seconds"] == {loket: 1.5}
    assert found["probe_ssl_earliest_cert_expiry"] == {loket: 1_900_000_000.0}
    assert found["probe_success"] == {loket: 1.0, viewer: 0.0}
    assert found["probe_http_status_code"] == {loket: 200.0, viewer: 0.0}
    assert found["calamiteit_planned_maintenance"] == {loket: 0.0, viewer: 1.0}


def test_the_readiness_file_says_what_each_gauge_means(calamiteit: Invoke, make_config, tmp_path: Path) -> None:
    out = tmp_path / "p.prom"
    result = calamiteit("paraatheid", "--op", "2026-12-07 09:00", "--prometheus", str(out),
                        "--config-dir", str(make_config(readiness=READINESS)))
    assert result.code == exitcodes.OK, result.err
    helps = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("# HELP ")]
    assert helps == [
        "# HELP calamiteit_readiness_requirement_met 1 when the readiness requirement is met now",
        "# HELP calamiteit_readiness_reachable_contacts Contacts reachable now for the requirement",
    ]


def _round(n: int, down: dict[int, str], name: Callable[[int], str] = lambda i: f"doel-{i:03d}") -> list:
    from dso_calamiteit.domain.monitoring import Reason, Result, Target

    return [
        Result(
            Target(name=name(i), url=f"http://127.0.0.1/{i}", env="prod" if i % 2 else "pre"),
            down.get(i, "beschikbaar"),  # type: ignore[arg-type]
            None if i in down else 200,
            None if i in down else 12.0,
            Reason.of("refused") if i in down else Reason(),
            "2026-12-03T08:00:00+00:00",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("width", [60, 80, 100])
def test_a_large_round_shows_what_is_down_first_and_summarises_the_rest(width: int) -> None:
    import io

    from dso_calamiteit.views.tables.monitor import SUMMARY_FROM, round_table
    from dso_calamiteit.views.tables.terminal import SafeConsole

    def shown(results: list, alles: bool = False) -> str:
        out = SafeConsole(file=io.StringIO(), width=width, force_terminal=False)
        out.print(round_table(out, results, alles))
        return out.file.getvalue()  # type: ignore[attr-defined]

    big = _round(
        1000,
        {999: "onbeschikbaar", 500: "traag", 3: "onderhoud"},
        lambda i: "Loket\x1b[2J" if i == 7 else f"doel-{i:03d}",
    )
    text = shown(big)
    lines = text.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    # down first, then slow, then maintenance; each in full (state and reason)
    assert text.index("doel-999") < text.index("doel-500") < text.index("doel-003") < text.index("Beschikbaar (997)")
    assert text.count("verbinding geweigerd") == 3 and text.count("onbeschikbaar") == 2  # the row and the caption
    # every available target named once, with its environment, never broken over two lines
    for i in (0, 1, 2, 4, 998):
        assert text.count(f"doel-{i:03d} ({'prod' if i % 2 else 'pre'})") == 1
    assert "doel-999 (" not in text and "\x1b" not in text and "Loket␛[2J (prod)" in text
    assert "997 van 1000 beschikbaar, 1 traag, 1 onbeschikbaar, 1 in gepland onderhoud" in " ".join(text.split())
    assert "calamiteit monitor --alles" in text
    # --alles and a small round: every target its own row, in the configured order, as before
    every = shown(big, alles=True)
    assert every.count("doel-") == 999 and "Loket␛[2J" in every and "--alles" not in every
    assert every.index("doel-003") < every.index("doel-500") < every.index("doel-999")
    small = shown(_round(SUMMARY_FROM, {2: "onbeschikbaar"}))
    assert small.count("doel-") == SUMMARY_FROM and "per applicatie" not in small
    assert small.index("doel-001") < small.index("doel-002") < small.index("doel-003")


def test_monitor_alles_on_the_command_line(calamiteit: Invoke, make_config, server) -> None:
    base, _ = server
    many = [t(f"Doel{i}", f"{base}/ok") for i in range(51)]
    folder = make_config(monitor=targets_yaml(*many, t("Fout", f"{base}/status/500")))
    summarised = calamiteit("monitor", "--config-dir", str(folder)).out
    assert "Beschikbaar (51), per applicatie" in summarised and "onverwachte status 500" in summarised
    full = calamiteit("monitor", "--alles", "--config-dir", str(folder)).out
    assert "per applicatie" not in full and full.count("Doel") == 51
    doc = json.loads(calamiteit("monitor", "--json", "--config-dir", str(folder)).out)
    assert len(doc["results"]) == 52  # the JSON stays complete
