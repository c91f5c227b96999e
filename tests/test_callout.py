"""The call-out against real servers on loopback: SMTP (aiosmtpd, with STARTTLS from a throw-away CA and
authentication), a Teams Workflows webhook and a gateway of the organisation's own (a loopback HTTP server),
and the logbook that records every delivery."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
from .hooks import Posted, hook_server
from .mail import Mailbox, smtp_server
from .postgres import free_port

pytestmark = pytest.mark.usefixtures("backend")  # every delivery is recorded: on SQLite and on PostgreSQL

WEDNESDAY_MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 10:00 in the Netherlands: office hours
PASSWORD = "zeer-geheim-wachtwoord-42"
TEAMS_URL_PATH = "/workflows/geheim-token-123"
DEFAULT_ROUTES = "routes:\n  default: [email]\n"


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_MORNING)


def callout_yaml(port: int, *, security: str = "geen", username: str = "", separate: bool = True,
                 hooks: str = "", routes: str = "") -> str:
    login = f"  username: {username}\n" if username else ""
    return (
        'meeting: "Teams-brug OCT: https://teams.example.nl/oct"\n'
        "email:\n"
        "  host: 127.0.0.1\n"
        f"  port: {port}\n"
        f"  security: {security}\n"
        "  sender: calamiteiten@dso.example.nl\n"
        f"{login}"
        f"  separate: {'true' if separate else 'false'}\n"
        "  timeout_seconds: 5\n"
        f"{hooks}"
        f"{routes or DEFAULT_ROUTES}"
    )


def open_level_one(calamiteit: Invoke, folder: Path) -> str:
    incident = calamiteit("incident", "open", "Omgevingsloket onbereikbaar", "--level", "1").out.strip()
    calamiteit("log", incident, "Loket geeft 503 sinds 09:40", "--beeld")
    return incident


def preview(calamiteit: Invoke, incident: str, folder: Path) -> dict:
    result = calamiteit("oproep", incident, "--json", "--config-dir", str(folder))
    assert result.code == 0, result.err
    return json.loads(result.out)


def callouts(calamiteit: Invoke, incident: str) -> list[dict]:
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    return [e["data"] for e in entries if e["kind"] == "callout"]


# --- showing, and sending by e-mail ------------------------------------------------------------------------


def test_without_verstuur_nothing_is_sent(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        shown = calamiteit("oproep", incident, "--config-dir", str(folder))
        doc = preview(calamiteit, incident, folder)
    assert shown.code == 0 and "Niets verstuurd" in shown.err and "Ontvangers (" in shown.out
    assert box.messages == [] and box.sessions == set()
    assert doc["sent"] is False and doc["routes"]["email"], doc
    assert "Oproep Operationeel Calamiteitenteam" in doc["text"] and "Teams-brug OCT" in doc["text"]
    assert callouts(calamiteit, incident) == []


def test_email_reaches_the_team_and_the_logbook_records_it(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        planned = preview(calamiteit, incident, folder)["routes"]["email"]
        sent = calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder))
    assert sent.code == exitcodes.OK, sent.err
    assert "Alles aangekomen" in sent.err
    assert len(box.messages) == len(planned) and len(box.sessions) == 1  # one connection for all of them
    rcpts, first = box.messages[0]
    assert first["Subject"].startswith(f"[DSO calamiteit] {incident} · Niveau 1")
    assert first["Message-ID"] and first["From"] == "calamiteiten@dso.example.nl" and first["To"] == rcpts[0]
    text = first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    assert "Loket geeft 503 sinds 09:40" in text and "<h1>" in html and "Loket geeft 503 sinds 09:40" in html
    recorded = callouts(calamiteit, incident)
    assert len(recorded) == 1 and recorded[0]["purpose"] == "convocation" and recorded[0]["level"] == 1
    assert {d["outcome"] for d in recorded[0]["deliveries"]} == {"accepted"}
    assert {d["recipient"] for d in recorded[0]["deliveries"]} == {r["recipient"] for r in planned}
    assert "@" not in json.dumps(recorded)  # ids, never addresses
    shown = calamiteit("incident", "show", incident).out
    assert "oproep verstuurd:" in shown and f"{len(planned)} aangenomen" in shown


def test_one_bcc_message_when_configured(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    """One message whose envelope holds each recipient once: the very people a message each would reach."""
    each, together = Mailbox(), Mailbox()
    with smtp_server(each) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        planned = preview(calamiteit, incident, folder)["routes"]["email"]
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == 0
    with smtp_server(together) as port:
        folder = make_config(callout=callout_yaml(port, separate=False))
        incident = open_level_one(calamiteit, folder)
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == 0
    assert [len(rcpts) for rcpts, _ in each.messages] == [1] * len(planned)
    assert len(together.messages) == 1
    rcpts, message = together.messages[0]
    assert sorted(rcpts) == sorted(r for rs, _ in each.messages for r in rs) and len(set(rcpts)) == len(planned) >= 2
    assert message["To"] == "undisclosed-recipients:;" and "Bcc" not in message
    (recorded,) = callouts(calamiteit, incident)
    assert sorted(d["recipient"] for d in recorded["deliveries"]) == sorted(r["recipient"] for r in planned)


def test_starttls_and_login_with_a_password_from_the_environment(
    calamiteit: Invoke, make_config: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # the throw-away CA is trusted, nothing else changes
    monkeypatch.setenv("CALAMITEIT_SMTP_WACHTWOORD", PASSWORD)
    box = Mailbox()
    with smtp_server(box, tls=server_tls, login=("calamiteiten", PASSWORD)) as port:
        folder = make_config(callout=callout_yaml(port, security="starttls", username="calamiteiten"))
        incident = open_level_one(calamiteit, folder)
        sent = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        monkeypatch.setenv("CALAMITEIT_SMTP_WACHTWOORD", "fout-wachtwoord")
        refused = calamiteit("oproep", incident, "--verstuur", "--allen", "--json", "--config-dir", str(folder))
    assert sent.code == 0, sent.out + sent.err
    assert box.logins[0] == (b"calamiteiten", PASSWORD.encode()) and box.messages
    for _, message in box.messages:
        assert PASSWORD not in message.as_string()
    assert refused.code == exitcodes.CALLOUT_INCOMPLETE
    outcomes = json.loads(refused.out)["deliveries"]
    assert {d["outcome"] for d in outcomes} == {"refused"}
    assert "aanmelden bij 127.0.0.1" in outcomes[0]["reason"] and "geweigerd voor calamiteiten" in outcomes[0]["reason"]
    logbook = calamiteit("incident", "show", incident, "--json").out
    everything = sent.out + sent.err + refused.out + refused.err + logbook
    assert PASSWORD not in everything and "fout-wachtwoord" not in everything


def test_an_untrusted_certificate_is_refused(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(server_tls)  # a CA nobody trusts
    box = Mailbox()
    with smtp_server(box, tls=server_tls) as port:
        folder = make_config(callout=callout_yaml(port, security="starttls"))
        incident = open_level_one(calamiteit, folder)
        result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert result.code == exitcodes.CALLOUT_INCOMPLETE and box.messages == []
    assert "niet te vertrouwen" in json.loads(result.out)["deliveries"][0]["reason"]


def test_a_refused_recipient_is_recorded_and_a_rerun_sends_only_to_them(
    calamiteit: Invoke, make_config: Callable[..., Path]
) -> None:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        planned = preview(calamiteit, incident, folder)["routes"]["email"]
        assert len(planned) >= 2
        from dso_calamiteit.adapters import config as cfg

        contacts = cfg.load(cfg.locate(folder)).contacts.contacts
        victim = next(c for c in contacts if c.name == planned[0]["name"])
        box.refuse.add(victim.email)
        first = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        box.refuse.clear()
        box.messages.clear()
        second = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        again = len(box.messages)
        box.messages.clear()
        everyone = calamiteit("oproep", incident, "--verstuur", "--allen", "--json", "--config-dir", str(folder))
    assert first.code == exitcodes.CALLOUT_INCOMPLETE
    refused = [d for d in json.loads(first.out)["deliveries"] if d["outcome"] != "accepted"]
    assert refused == [
        {"channel": "email", "recipient": planned[0]["recipient"], "outcome": "refused",
         "reason": "de server weigerde: 550 5.1.1 Onbekende ontvanger", "reason_kind": "smtp-refused"}
    ]
    assert second.code == exitcodes.OK and again == 1  # only the one that failed
    assert box.to() and len(box.messages) == len(planned) and everyone.code == 0
    recorded = callouts(calamiteit, incident)
    assert [len(r["deliveries"]) for r in recorded] == [len(planned), 1, len(planned)]


def test_the_server_hangs_up_in_the_middle(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    box = Mailbox(hang_up=True)
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert result.code == exitcodes.CALLOUT_INCOMPLETE and "Traceback" not in result.err
    outcomes = json.loads(result.out)["deliveries"]
    assert {d["outcome"] for d in outcomes} == {"error"} and "verbrak de verbinding" in outcomes[0]["reason"]
    assert len(callouts(calamiteit, incident)[0]["deliveries"]) == len(outcomes)  # nothing lost


# --- webhooks: Teams and a gateway of one's own --------------------------------------------------------------

HOOKS = """webhooks:
  - id: teams-oct
    kind: teams
    url_from: TEST_TEAMS_URL
  - id: sms
    kind: json
    url_from: TEST_SMS_URL
    timeout_seconds: 0.5
"""
ROUTES = """routes:
  default: [email, sms]
  organisations:
    dso-lv: [teams-oct]
"""


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Posted, str, str]]:
    posted = Posted()
    with hook_server(posted, "127.0.0.2") as other, hook_server(posted, elsewhere=other) as base:
        yield posted, base, other


def test_teams_card_and_gateway_document(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, hooks
) -> None:
    posted, base, _ = hooks
    monkeypatch.setenv("TEST_TEAMS_URL", base + TEAMS_URL_PATH)
    monkeypatch.setenv("TEST_SMS_URL", base + "/sms")
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, hooks=HOOKS, routes=ROUTES))
        incident = open_level_one(calamiteit, folder)
        result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert result.code == 0, result.out
    by_path = {path: body for _, path, body in posted.bodies}
    card = by_path[TEAMS_URL_PATH]
    content = card["attachments"][0]["content"]
    assert card["type"] == "message" and content["type"] == "AdaptiveCard" and content["version"] == "1.5"
    assert content["body"][0]["text"].startswith(f"\\[DSO calamiteit\\] {incident}")  # escaped for Teams
    gateway = by_path["/sms"]
    assert gateway["kind"] == "callout" and gateway["incident"] == incident
    assert all(r["phone"] for r in gateway["recipients"])
    everything = result.out + result.err + calamiteit("incident", "show", incident, "--json").out
    assert "geheim-token-123" not in everything  # a webhook URL is a secret too


SECRET = "/geheim-sms-token-456"  # in the gateway's URL: a secret, never in a message or the logbook


@pytest.mark.parametrize(("path", "outcome", "reason"), [
    ("/fail", "error", "antwoordde HTTP 500 (fout bij de ontvanger; later opnieuw proberen)"),
    ("/gone", "refused", "weigerde het bericht (HTTP 410); controleer de webhook"),
    ("/hang", "timeout", "antwoordde niet binnen 0.5 s"),
    ("/redirect", "refused", "stuurt door naar een ander adres (HTTP 307); niet gevolgd"),
    (None, "unreachable", "is niet bereikbaar (ConnectError)"),
])
def test_a_failing_gateway_is_recorded_and_email_still_goes(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, hooks,
    path: str | None, outcome: str, reason: str,
) -> None:
    posted, base, _ = hooks
    monkeypatch.setenv("TEST_TEAMS_URL", base + "/teams")
    gateway = base + path if path else f"http://127.0.0.1:{free_port()}"  # None: nothing listens there
    monkeypatch.setenv("TEST_SMS_URL", gateway + SECRET)
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, hooks=HOOKS, routes=ROUTES))
        incident = open_level_one(calamiteit, folder)
        started = time.monotonic()
        result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
        took = time.monotonic() - started
    assert result.code == exitcodes.CALLOUT_INCOMPLETE
    deliveries = json.loads(result.out)["deliveries"]
    sms = [d for d in deliveries if d["channel"] == "sms"]
    assert sms and {(d["outcome"], d["reason"]) for d in sms} == {(outcome, f"sms {reason}")}
    assert box.messages and {d["outcome"] for d in deliveries if d["channel"] == "email"} == {"accepted"}
    assert took < 4  # the time-out holds
    assert [h for h, _, _ in posted.bodies if h == "127.0.0.2"] == []  # nothing re-sent to the other host
    shown = [calamiteit("incident", "show", incident, *args) for args in ((), ("--json",), ("--alles",))]
    recorded = result.out + result.err + "".join(r.out + r.err for r in shown)
    assert "sms " + reason in recorded and SECRET.strip("/") not in recorded


def test_unreachable_mail_server_and_missing_secrets(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, hooks
) -> None:
    monkeypatch.delenv("TEST_TEAMS_URL", raising=False)
    monkeypatch.delenv("TEST_SMS_URL", raising=False)
    port = free_port()  # nothing listens there
    folder = make_config(callout=callout_yaml(port, hooks=HOOKS, routes=ROUTES))
    incident = open_level_one(calamiteit, folder)
    result = calamiteit("oproep", incident, "--verstuur", "--json", "--config-dir", str(folder))
    assert result.code == exitcodes.CALLOUT_INCOMPLETE and "Traceback" not in result.err
    reasons = {d["channel"]: d["reason"] for d in json.loads(result.out)["deliveries"]}
    assert reasons["email"] == f"de mailserver 127.0.0.1:{port} is niet bereikbaar"
    assert reasons["teams-oct"].startswith("de webhook-URL ontbreekt: zet TEST_TEAMS_URL")
    assert len(callouts(calamiteit, incident)) == 1


def test_a_contact_without_an_address_is_listed_not_skipped(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path
) -> None:
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    without = contacts.replace("    email: ", "    # email: ")  # nobody has an e-mail address
    folder = make_config(callout=callout_yaml(free_port()), contacts=without)
    incident = open_level_one(calamiteit, folder)
    doc = preview(calamiteit, incident, folder)
    assert doc["routes"] == {} and doc["unreachable"]
    assert {d["reason"] for d in doc["unreachable"]} == {"niet bereikbaar via e-mail: geen e-mailadres"}
    shown = calamiteit("oproep", incident, "--config-dir", str(folder)).out
    assert "niet bereikbaar via e-mail" in shown


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the test server's own warning
@pytest.mark.parametrize("variable", [None, "keyring.backends.null.Keyring"], ids=["no-variable", "null-variable"])
def test_the_password_from_the_keyring(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, variable: str | None
) -> None:
    """A backend set in code (keyring.set_keyring) is keyring's first choice, before PYTHON_KEYRING_BACKEND: a
    server's null-backend variable does not hide it (secrets.secret's shortcut is only for keyring not loaded)."""
    import keyring

    if variable is not None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", variable)
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return PASSWORD if (service, username) == ("calamiteit", "CALAMITEIT_SMTP_WACHTWOORD") else None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NotImplementedError

        def delete_password(self, service: str, username: str) -> None:
            raise NotImplementedError

    before = keyring.get_keyring()
    keyring.set_keyring(Memory())
    monkeypatch.delenv("CALAMITEIT_SMTP_WACHTWOORD", raising=False)
    box = Mailbox()
    try:
        with smtp_server(box, login=("calamiteiten", PASSWORD)) as port:
            folder = make_config(callout=callout_yaml(port, username="calamiteiten"))
            incident = open_level_one(calamiteit, folder)
            result = calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder))
    finally:
        keyring.set_keyring(before)
    assert result.code == 0 and box.logins == [(b"calamiteiten", PASSWORD.encode())]


# --- the sitrap, and many recipients ---------------------------------------------------------------------------


def test_rapport_verstuur_sends_the_numbered_sitrap(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = open_level_one(calamiteit, folder)
        result = calamiteit("rapport", incident, "--verstuur", "--config-dir", str(folder))
        concept = calamiteit("rapport", incident, "--verstuur", "--concept", "--config-dir", str(folder))
    assert result.code == 0, result.err
    assert "Situatierapport 1" in result.out and "Alles aangekomen" in result.err
    _, message = box.messages[0]
    assert message["Subject"].endswith("situatierapport 1")
    assert "Loket geeft 503" in message.get_body(("plain",)).get_content()
    recorded = callouts(calamiteit, incident)
    assert recorded[0]["purpose"] == "sitrap" and recorded[0]["report"] == 1
    assert concept.code == exitcodes.USAGE and "concept wordt niet verstuurd" in concept.err


def test_fifty_recipients_over_one_connection() -> None:
    from dso_calamiteit.adapters.notifiers.email import EmailNotifier
    from dso_calamiteit.domain.callout import EmailChannel, Message, Recipient
    from dso_calamiteit.domain.contacts import Contact

    people = [
        Recipient(f"p{i}", f"Persoon {i}", "gemeenten", "Adviseur",
                  Contact("gemeenten", "Adviseur", "tactisch", f"Persoon {i}", email=f"p{i}@gemeente.example.nl"))
        for i in range(50)
    ]
    message = Message("convocation", "2026-001-abcd", "Storing", 1, "Niveau 1", "[x] 2026-001-abcd", "# Oproep\n", ())
    box = Mailbox()
    with smtp_server(box) as port:
        channel = EmailChannel(host="127.0.0.1", sender="calamiteiten@dso.example.nl", port=port, security="geen")
        outcomes = EmailNotifier(channel).send(message, people)
    assert [d.outcome for d in outcomes] == ["accepted"] * 50
    assert len(box.messages) == 50 and len(box.sessions) == 1


def test_a_misconfigured_file_is_named_at_its_line(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    text = callout_yaml(25, hooks="webhooks:\n  - id: sms\n    kind: json\n    url_from: https://gw.example.nl/x?token=1\n",
                        routes="routes:\n  default: [email, pieper]\n")
    folder = make_config(callout=text)
    result = calamiteit("check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    assert "config/oproep.yaml" in result.out and "niet de URL zelf" in result.out
    assert "onbekend kanaal 'pieper'" in result.out


def test_at_a_terminal_the_send_is_confirmed_first(
    calamiteit: Invoke, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """Through a real pseudo-terminal: the question names how many and how; 'n' sends nothing, 'j' sends."""
    import pexpect

    from .test_interactive import spawn

    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port, routes="routes:\n  default: [email]\n"))
        incident = open_level_one(calamiteit, folder)
        answers = {}
        for answer in ("n", "j"):
            child = spawn(tmp_path, "oproep", incident, "--verstuur", "--config-dir", str(folder))
            child.expect(r"Versturen naar (\d+) ontvangers via 1 kanaal\?")
            answers[answer] = int(child.match.group(1))
            child.sendline(answer)
            child.expect(pexpect.EOF)
            child.close()
            if answer == "n":
                assert "Niets verstuurd" in (child.before or "") and box.messages == []
    assert answers["j"] >= 1 and len(box.messages) == answers["j"]
    assert len(callouts(calamiteit, incident)) == 1
