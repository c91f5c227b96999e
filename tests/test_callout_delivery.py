"""Each recipient's outcome is their own, and each failure is said for what it is: odd addresses (IDNA,
SMTPUTF8), servers without AUTH or STARTTLS, a DATA time-out, a server that accepts and then hangs up, 4xx
against 5xx, a greeting or a webhook answer that trickles in; and no clear-text login to a remote host."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import idna
import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
from .mail import Mailbox, smtp_server

LOTTE = "l.meïjer@dso-lv.example.nl"  # a local part outside ASCII: only SMTPUTF8 takes it
SANNE = "s.bos@iplö.example.nl"  # a domain outside ASCII: IDNA
SANNE_WIRE = "s.bos@" + idna.encode("iplö.example.nl", uts46=True).decode()


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


def callout_yaml(port: int, *, security: str = "geen", username: str = "", separate: bool = True,
                 timeout: float = 5, host: str = "127.0.0.1", extra: str = "", routes: str = "[email]") -> str:
    login = f"  username: {username}\n" if username else ""
    return (
        f"email:\n  host: {host}\n  port: {port}\n  security: {security}\n  sender: calamiteiten@dso.example.nl\n"
        f"{login}  separate: {'true' if separate else 'false'}\n  timeout_seconds: {timeout}\n"
        f"{extra}routes:\n  default: {routes}\n"
    )


def odd_contacts(shipped: Path) -> str:
    text = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    return text.replace("l.meijer@dso-lv.example.nl", LOTTE).replace("s.bos@iplo.example.nl", SANNE)


def send(calamiteit: Invoke, folder: Path) -> tuple[int, dict[str, tuple[str, str]], str]:
    incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
    result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert "Traceback" not in result.err
    doc = json.loads(result.out)
    return result.code, {d["recipient"]: (d["outcome"], d["reason"]) for d in doc["deliveries"]}, result.err


# --- 2. one recipient never stops the others --------------------------------------------------------------


@pytest.mark.parametrize("separate", [True, False])
def test_an_address_the_server_cannot_take_refuses_only_that_recipient(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, separate: bool
) -> None:
    box = Mailbox()
    with smtp_server(box) as port:  # no SMTPUTF8
        folder = make_config(callout=callout_yaml(port, separate=separate), contacts=odd_contacts(shipped))
        code, outcomes, _ = send(calamiteit, folder)
    assert code == exitcodes.CALLOUT_INCOMPLETE
    assert outcomes.pop("lotte-meijer") == ("refused", "de mailserver ondersteunt geen adres met ï")
    assert len(outcomes) >= 3 and {o for o, _ in outcomes.values()} == {"accepted"}, outcomes
    assert SANNE_WIRE in box.to() and LOTTE not in box.to()  # the domain in IDNA on the wire
    assert len(set(box.to())) == len(outcomes)


def test_with_smtputf8_the_address_goes_as_it_is(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path
) -> None:
    box = Mailbox()
    with smtp_server(box, utf8=True) as port:
        folder = make_config(callout=callout_yaml(port), contacts=odd_contacts(shipped))
        code, outcomes, _ = send(calamiteit, folder)
    assert code == exitcodes.OK, outcomes
    assert LOTTE in box.to() and SANNE_WIRE in box.to()


def test_check_warns_about_an_address_only_smtputf8_takes(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path
) -> None:
    folder = make_config(callout=callout_yaml(25), contacts=odd_contacts(shipped))
    result = calamiteit("check", "--config-dir", str(folder))
    doc = json.loads(calamiteit("check", "--json", "--config-dir", str(folder)).out)
    assert result.code == exitcodes.OK
    assert "Let op: contact lotte-meijer: e-mailadres met 'ï' voor de @" in result.out
    assert any("SMTPUTF8" in w for w in doc["warnings"] if "lotte-meijer" in w), doc


def bound_lines(calamiteit: Invoke, folder: Path) -> list[str]:
    doc = json.loads(calamiteit("check", "--json", "--config-dir", str(folder)).out)
    return [w for w in doc["warnings"] if "oproep duurt" in w or "het langst duurt" in w]


def test_check_says_the_bound_per_channel_and_what_makes_the_slowest_slow(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    """The channels run side by side: the bound of each, the whole is the slowest's, and why that one is slow
    (the shipped 21 contacts with e-mail: 20 s + 21 x 3 x 20 s + 2 s = 1282 s, BCC would be 82 s)."""
    hooks = ("webhooks:\n  - {id: teams-oct, kind: teams, url_from: T_URL, timeout_seconds: 10}\n"
             "  - {id: sms, kind: json, url_from: S_URL, timeout_seconds: 15}\n")
    folder = make_config(callout=callout_yaml(25, timeout=20, extra=hooks, routes="[email, teams-oct, sms]"))
    whole, why = bound_lines(calamiteit, folder)
    assert whole == ("een oproep duurt hoogstens 1282 s: de kanalen lopen tegelijk, dus telt het traagste "
                     "(e-mail 1282 s, sms 15 s, teams-oct 10 s)")
    assert why.startswith("het langst duurt e-mail: verbinding 20 s + 21 berichten na elkaar, elk hoogstens drie "
                          "deadlines van 20 s")
    assert why.endswith("separate: false (één bericht in BCC: 82 s)")
    shown = calamiteit("check", "--config-dir", str(folder)).out
    assert "e-mail 1282 s" in " ".join(shown.split()) and "sms 15 s" in " ".join(shown.split())

    folder = make_config(callout=callout_yaml(25, timeout=20, separate=False, routes="[email, teams-oct, sms]",
                                              extra=hooks.replace("timeout_seconds: 15", "timeout_seconds: 120")))
    whole, why = bound_lines(calamiteit, folder)
    assert whole.startswith("een oproep duurt hoogstens 120 s") and "(sms 120 s, e-mail 82 s, teams-oct 10 s)" in whole
    assert why == "het langst duurt sms: één POST met een deadline van 120 s (timeout_seconds van die webhook)"


# --- 3. the right diagnosis ---------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_without_auth_is_said_to_offer_no_login(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALAMITEIT_SMTP_WACHTWOORD", "geheim-42")
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, username="oct"))
        code, outcomes, _ = send(calamiteit, folder)
    reasons = {r for _, r in outcomes.values()}
    assert code == exitcodes.CALLOUT_INCOMPLETE and box.messages == []
    assert reasons == {
        f"de mailserver 127.0.0.1:{port} biedt geen aanmelden (AUTH) aan; laat username weg of kies een andere server"
    }


def test_a_server_without_starttls_is_said_to_lack_it(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, security="starttls"))
        _, outcomes, _ = send(calamiteit, folder)
    assert {r for _, r in outcomes.values()} == {
        f"de mailserver 127.0.0.1:{port} kent geen STARTTLS; kies security: tls, of een andere server"
    }


def test_accepted_then_dropped_counts_as_delivered_and_the_rest_still_go(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    box = Mailbox(drop_after_accept=True)
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        code, outcomes, _ = send(calamiteit, folder)
        incident = calamiteit("incident", "list", "--json").out
        again = calamiteit("oproep", json.loads(incident)["incidents"][0]["id"], "--verstuur",
                           "--config-dir", str(folder))
    assert code == exitcodes.OK, outcomes
    assert {o for o, _ in outcomes.values()} == {"accepted"} and len(box.messages) == len(outcomes) >= 3
    assert len(box.sessions) == len(outcomes)  # a new connection for each after the drop
    assert again.code == exitcodes.OK and len(box.messages) == len(outcomes)  # nothing sent twice


def test_a_data_time_out_is_said_as_such_within_the_deadline(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    box = Mailbox(stall=30)
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, timeout=1))
        started = time.monotonic()
        code, outcomes, _ = send(calamiteit, folder)
        took = time.monotonic() - started
    assert code == exitcodes.CALLOUT_INCOMPLETE
    assert {outcomes[k] for k in outcomes} == {
        ("timeout", f"de mailserver 127.0.0.1:{port} bevestigde het bericht niet binnen 1 s (na DATA)")
    }
    assert took < len(outcomes) * 1.0 + 4  # one deadline per message, not per socket read


def test_4xx_is_try_again_later_and_5xx_is_refused(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    box = Mailbox(refuse={"a.devries@dso-lv.example.nl"}, later={"l.meijer@dso-lv.example.nl"})
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        _, outcomes, _ = send(calamiteit, folder)
    assert outcomes["anna-de-vries"] == ("refused", "de server weigerde: 550 5.1.1 Onbekende ontvanger")
    assert outcomes["lotte-meijer"] == (
        "error", "de server weigerde tijdelijk: 450 4.2.1 Postbus tijdelijk vol; later opnieuw proberen"
    )
    assert sum(o == "accepted" for o, _ in outcomes.values()) == len(outcomes) - 2


@contextmanager
def trickling_smtp(step: float) -> Iterator[int]:
    """A 'server' that sends its greeting one byte every `step` seconds: each read is quick, the whole is not."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            for byte in b"220 traag.example.nl ESMTP\r\n":
                if stop.wait(step):
                    break
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    break
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield port
    finally:
        stop.set()
        listener.close()


def test_a_trickling_greeting_is_cut_off_at_the_deadline(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    with trickling_smtp(0.4) as port:
        folder = make_config(callout=callout_yaml(port, timeout=1.5))
        started = time.monotonic()
        code, outcomes, _ = send(calamiteit, folder)
        took = time.monotonic() - started
    assert code == exitcodes.CALLOUT_INCOMPLETE and took < 4, took
    assert {outcomes[k] for k in outcomes} == {
        ("timeout", f"de mailserver 127.0.0.1:{port} antwoordde niet binnen 1.5 s (verbinden)")
    }


@contextmanager
def trickling_hook(step: float) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b"ok" * 20
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for b in body:
                time.sleep(step)
                try:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                except OSError:
                    return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_slow_webhook_body_is_cut_off_and_never_delays_email(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = "webhooks:\n  - id: sms\n    kind: json\n    url_from: TEST_SMS_URL\n    timeout_seconds: 1.5\n"
    box = Mailbox(delay=0.1)
    with trickling_hook(0.5) as base, smtp_server(box) as port:
        monkeypatch.setenv("TEST_SMS_URL", base + "/sms")
        folder = make_config(callout=callout_yaml(port, extra=hooks, routes="[email, sms]"))
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        started = time.monotonic()
        result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        took = time.monotonic() - started
    deliveries = json.loads(result.out)["deliveries"]
    sms = {(d["outcome"], d["reason"]) for d in deliveries if d["channel"] == "sms"}
    mails = [d for d in deliveries if d["channel"] == "email"]
    assert sms == {("timeout", "sms begon te antwoorden (HTTP 200) maar was niet binnen 1.5 s klaar")}
    assert {d["outcome"] for d in mails} == {"accepted"}
    # side by side: e-mail (~0.1 s per message) and the webhook's 1.5 s overlap instead of adding up
    assert took < 1.5 + 0.1 * len(mails) + 1.5, took


# --- 4. no clear-text login ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "ok"), [("smtp.example.nl", False), ("10.0.0.5", False), ("127.0.0.1", True),
                                          ("localhost", True), ("::1", True)])
def test_a_clear_text_login_is_only_for_a_local_relay(
    calamiteit: Invoke, make_config: Callable[..., Path], host: str, ok: bool
) -> None:
    folder = make_config(callout=callout_yaml(25, host=host, username="oct"))
    result = calamiteit("check", "--config-dir", str(folder))
    if ok:
        assert result.code == exitcodes.OK, result.out
    else:
        assert result.code == exitcodes.CONFIG and "config/oproep.yaml" in result.out
        assert "aanmelden zonder versleuteling" in result.out and "kies security: starttls of tls" in result.out


# --- the whole call-out's deadline --------------------------------------------------------------------------


def test_the_call_outs_deadline_stops_every_channel_and_a_re_run_sends_the_rest_once(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    """deadline_seconds: a server that takes 0.6 s per message and a deadline of 1.5 s: the e-mail channel stops
    after the message it is on, the rest stays 'pending', the run says so in one line and exits 9; a re-run
    (no deadline) sends exactly those, each recipient ends with one message."""
    box = Mailbox(delay=0.6)
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, extra="deadline_seconds: 1.5\n"))
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        started = time.monotonic()
        cut = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        took = time.monotonic() - started
        doc = json.loads(cut.out)
        status = json.loads(calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder)).out)
        outcomes = [d["outcome"] for r in status["called"] for d in r["deliveries"]]
        first = len(box.messages)
        other = calamiteit("incident", "open", "Tweede storing", "--level", "1").out.strip()
        table = calamiteit("oproep", other, "--verstuur", "--config-dir", str(folder))  # the table, cut likewise
        folder = make_config(callout=callout_yaml(port))
        again = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert cut.code == exitcodes.CALLOUT_DEADLINE, cut.err
    assert doc["deadline_passed"] is True and doc["pending"] == outcomes.count("pending") >= 1
    assert doc["complete"] is False
    assert 1 <= first == outcomes.count("accepted") < len(outcomes)
    lines = [line for line in cut.err.splitlines() if "deadline" in line]
    left = f"{doc['pending']} {'bericht' if doc['pending'] == 1 else 'berichten'}"
    assert lines == [f"Deadline van de oproep verstreken (deadline_seconds: 1.5 s): {left} nog niet verstuurd; "
                     "opnieuw versturen verstuurt alleen die, met hetzelfde Message-ID."]
    assert took < 1.5 + 0.6 + 2.0 + 3.0  # the deadline, the message on its way, the grace, start-up
    assert table.code == exitcodes.CALLOUT_DEADLINE
    said = " ".join(table.err.split())
    assert "NIET alles aangekomen" in said and f"van {len(outcomes)} aangenomen" in said  # the pending counted in
    assert "Deadline van de oproep verstreken" in said
    assert again.code == exitcodes.OK, again.err
    mine = [(rcpts, m) for rcpts, m in box.messages if incident in str(m["Subject"])]
    assert len(mine) == len(outcomes)
    per_person = [r for rcpts, _ in mine for r in rcpts]
    assert len(per_person) == len(set(per_person))  # each recipient once


def callout_entries(calamiteit: Invoke, incident: str) -> list[dict]:
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    return [e for e in entries if e["kind"] == "callout"]


def test_the_chain_says_the_deadline_cut_the_call_out_and_a_re_run_that_gets_no_further_adds_no_entry(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    """The call-out's entry records what stopped it, as a kind and its values (language-neutral, worded where it
    is shown): {"kind": "deadline", "deadline_seconds": …, "pending": …}. A server that takes 3 s per message and
    a deadline of 0.5 s: nothing comes of a run (the message on its way outlasts the 2 s of grace). Re-runs that
    get no further add no second and third "niemand" entry: they exit 9 as before, name the entry that already
    says it, and the chain still verifies."""
    box = Mailbox(delay=3.0)
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, extra="deadline_seconds: 0.5\n"))
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        runs = [calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder)) for _ in range(3)]
        shown = calamiteit("incident", "show", incident, "--config-dir", str(folder))
    assert [r.code for r in runs] == [exitcodes.CALLOUT_DEADLINE] * 3, runs[0].err
    docs = [json.loads(r.out) for r in runs]
    (entry,) = callout_entries(calamiteit, incident)
    assert entry["data"]["cut"] == {"kind": "deadline", "deadline_seconds": 0.5, "pending": docs[0]["pending"]}
    assert docs[0]["pending"] >= 1 and not [d for d in entry["data"]["deliveries"] if d["outcome"] == "accepted"]
    assert [d["new_entry"] for d in docs] == [True, False, False]
    assert {d["entry"] for d in docs} == {entry["n"]}
    again = " ".join(runs[2].err.split())
    assert f"Niets nieuws in het logboek: ook deze poging kwam niet verder dan de vorige, en regel {entry['n']} " \
           f"van {incident} zegt dat al." in again
    assert "Deadline van de oproep verstreken" in again
    said = " ".join(shown.out.split())
    assert f"deadline van 0.5 s verstreken, {docs[0]['pending']} " in said
    assert calamiteit("incident", "verify", incident).code == exitcodes.OK


def test_a_re_run_after_the_deadline_that_gets_further_is_recorded(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    """Only a run that would say exactly what the call-out's last entry says is left out: a re-run that sends
    more (here the rest, without a deadline) gets its own entry, without a cut."""
    box = Mailbox(delay=0.6)
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, extra="deadline_seconds: 1.5\n"))
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        cut = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        folder = make_config(callout=callout_yaml(port))
        rest = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert (cut.code, rest.code) == (exitcodes.CALLOUT_DEADLINE, exitcodes.OK), rest.err
    first, second = callout_entries(calamiteit, incident)
    assert first["data"]["cut"]["pending"] == json.loads(cut.out)["pending"] >= 1
    assert "cut" not in second["data"] and json.loads(rest.out)["new_entry"] is True


def test_a_deadline_that_is_not_reached_changes_nothing(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, extra="deadline_seconds: 60\n"))
        code, outcomes, err = send(calamiteit, folder)
    assert code == exitcodes.OK and {o for o, _ in outcomes.values()} == {"accepted"}
    assert "deadline" not in err.lower()


def test_check_refuses_a_deadline_of_zero_and_says_when_it_cuts_the_bound(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    folder = make_config(callout=callout_yaml(25, timeout=20, extra="deadline_seconds: 0\n"))
    refused = calamiteit("check", "--config-dir", str(folder))
    assert refused.code == exitcodes.CONFIG
    assert "oproep.yaml" in refused.out + refused.err and "deadline_seconds" in refused.out + refused.err
    assert "moet groter dan 0 zijn" in refused.out + refused.err
    folder = make_config(callout=callout_yaml(25, timeout=20, extra="deadline_seconds: 300\n"))
    doc = json.loads(calamiteit("check", "--json", "--config-dir", str(folder)).out)
    assert any(w.startswith("deadline_seconds: 300 s begrenst de hele oproep") for w in doc["warnings"])


@pytest.mark.parametrize(
    "cut",
    [
        "deadline",
        {"kind": "onderbroken", "deadline_seconds": 5, "pending": 1},
        {"kind": "deadline", "deadline_seconds": 0, "pending": 1},
        {"kind": "deadline", "deadline_seconds": "5", "pending": 1},
        {"kind": "deadline", "deadline_seconds": True, "pending": 1},
        {"kind": "deadline", "deadline_seconds": 5, "pending": 0},
        {"kind": "deadline", "deadline_seconds": 5},
        {"kind": "deadline", "deadline_seconds": 5, "pending": 1, "tekst": "verstreken"},
    ],
)
def test_the_chain_refuses_a_cut_that_does_not_read_as_one(cut: object) -> None:
    """What a chain holds must make sense before any view words it: a `cut` is a known kind with its values."""
    from dso_calamiteit.domain.entry_rules import Refused, Replay, check_parts

    at = "2026-11-25T09:00:00+00:00"
    body = {"purpose": "convocation", "level": 1, "subject": "Oproep", "deliveries": []}
    replay = Replay(None)
    check_parts(replay, 1, at, "Ans", "open", {"title": "Storing", "level": 1})
    check_parts(replay, 2, at, "Ans", "callout", {**body, "cut": {"kind": "deadline", "deadline_seconds": 1.5,
                                                                    "pending": 3}})
    with pytest.raises(Refused):
        check_parts(replay, 3, at, "Ans", "callout", {**body, "cut": cut})
