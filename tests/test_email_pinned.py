"""The e-mail channel pinned value for value (issue 24, mutation testing of adapters/notifiers/email.py): the
message as composed (headers, the reused Message-ID, the confirmation link, the HTML alternative), addresses on
the wire (IDNA, SMTPUTF8), the diagnosis of each failure by the step it happened in, and against a real SMTP server
on loopback (aiosmtpd): one message per recipient over one connection, a retry on a new connection only when the
old one was gone before the message began, one BCC message for everyone, each step's deadline. Called directly,
not through the CLI, so that one run is quick."""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import trustme

from dso_calamiteit.adapters.notifiers import email as mail
from dso_calamiteit.domain.callout import Delivery, EmailChannel, Message
from dso_calamiteit.domain.contacts import Contact
from dso_calamiteit.domain.recipients import Recipient

from .mail import Handler, Mailbox, smtp_server
from .postgres import free_port
from .servers import closed_port

SENDER = "calamiteiten@dso.example.nl"
MESSAGE = Message("convocation", "I-2026-001", "Storing", 2, "Niveau 2", "Oproep: Storing", "# Oproep\n\nKom **nu**.\n",
                  (("Niveau", "2"),))


def channel(port: int, **changes: object) -> EmailChannel:
    values: dict[str, object] = {"host": "127.0.0.1", "sender": SENDER, "port": port, "security": "geen",
                                 "timeout_seconds": 5.0}
    values.update(changes)
    return EmailChannel(**values)  # type: ignore[arg-type]


def person(key: str, email: str | None = None) -> Recipient:
    contact = Contact(org="dso-lv", role="Coördinator", tier="operationeel", email=email or f"{key}@dso.example.nl",
                      id=key)
    return Recipient(key, f"Naam {key}", "DSO-LV", "Coördinator", contact)


def said(recorded: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(recorded)
    return value


class Notes:
    """`record` of a notifier: every batch of outcomes as it came, and whether to go on."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.batches: list[list[Delivery]] = []
        self.stop_after = stop_after

    def __call__(self, deliveries: Sequence[Delivery]) -> bool:
        self.batches.append(list(deliveries))
        return self.stop_after is None or len(self.batches) < self.stop_after


def send(cfg: EmailChannel, recipients: list[Recipient], notes: Notes | None = None, ids: dict[str, str] | None = None,
         links: dict[str, str] | None = None) -> list[Delivery]:
    return mail.EmailNotifier(cfg).send(MESSAGE, recipients, ids=ids, record=notes, links=links)


# --- the message --------------------------------------------------------------------------------------------------


def test_the_html_alternative() -> None:
    assert mail.html("# Kop\n\n<b>x</b> & **vet**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "en") == (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head><body>\n<h1>Kop</h1>\n'
        "<p>&lt;b&gt;x&lt;/b&gt; &amp; <strong>vet</strong></p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n"
        "</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n</body></html>\n"
    )
    assert mail.html("x").startswith('<!DOCTYPE html>\n<html lang="nl">')


def test_a_message_as_composed() -> None:
    m = mail.compose(MESSAGE, SENDER, "anna@dso.example.nl", "<vast-1@dso.example.nl>", "https://logboek/b/abc")
    assert (m["From"], m["To"], m["Subject"], m["Message-ID"]) == (
        SENDER, "anna@dso.example.nl", "Oproep: Storing", "<vast-1@dso.example.nl>")
    assert parsedate_to_datetime(str(m["Date"])).utcoffset() is None  # UTC, written as -0000
    assert str(m["Date"]).endswith(" -0000")
    plain, rich = m.get_body(("plain",)), m.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content() == (
        "# Oproep\n\nKom **nu**.\n\n**Kom je?** Bevestig of meld af: <https://logboek/b/abc>\n")
    assert rich.get_content() == mail.html(plain.get_content(), "nl")
    bare = mail.compose(MESSAGE, SENDER, None)
    assert bare["To"] == "undisclosed-recipients:;" and "Bcc" not in bare
    made = str(bare["Message-ID"])
    assert made.startswith("<") and made.endswith("@dso.example.nl>") and ".calamiteit@" in made
    assert bare.get_body(("plain",)).get_content() == "# Oproep\n\nKom **nu**.\n"  # type: ignore[union-attr]
    english = Message(**{**MESSAGE.__dict__, "lang": "en", "confirm_prompt": "Coming?"})
    m = mail.compose(english, SENDER, "a@b.example", None, "https://l")
    assert m.get_body(("plain",)).get_content().endswith("\n\nComing? <https://l>\n")  # type: ignore[union-attr]
    assert '<html lang="en">' in m.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_the_message_on_the_wire() -> None:
    """The header names as they are written (as the RFCs spell them), the parts' types, the sender's domain in a
    made Message-ID (after the last @), and only newlines cut before the confirmation line."""
    m = mail.compose(MESSAGE, SENDER, "a@b.example", None, "https://l")
    assert m.keys() == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"]
    assert [line for line in m.as_string().splitlines() if line.startswith("Content-Type:")] == [
        "Content-Type: multipart/alternative;", 'Content-Type: text/plain; charset="utf-8"',
        'Content-Type: text/html; charset="utf-8"']
    assert str(mail.compose(MESSAGE, '"a@b"@dso.example.nl', None)["Message-ID"]).endswith(
        ".calamiteit@dso.example.nl>")
    for markdown, plain in (("Klaar: X \n\n", "Klaar: X \n\n"), ("Klaar: X\n", "Klaar: X\n\n")):
        m = mail.compose(Message(**{**MESSAGE.__dict__, "markdown": markdown}), SENDER, "a@b.example", None, "https://l")
        assert m.get_body(("plain",)).get_content() == (  # type: ignore[union-attr]
            plain + "**Kom je?** Bevestig of meld af: <https://l>\n")


def test_addresses_on_the_wire() -> None:
    assert mail.envelope_address("  anna@dso.example.nl ") == ("anna@dso.example.nl", "")
    assert mail.envelope_address("s.bos@iplö.example.nl") == ("s.bos@xn--ipl-una.example.nl", "")
    assert mail.envelope_address("l.meïjer@dso.example.nl") == ("l.meïjer@dso.example.nl", "ï")
    assert mail.envelope_address("ï.é@iplö.example.nl") == ("ï.é@xn--ipl-una.example.nl", "ï")
    assert mail.envelope_address(" geen-apenstaart ") == ("geen-apenstaart", "")
    assert mail.envelope_address("a@b@ë.example") == ("a@b@xn--cda.example", "")  # the last @ parts the domain
    assert mail.envelope_address("a@ë..example") == ("a@ë..example", "")  # no IDNA: left for the server to refuse
    assert mail.envelope_address("s.bos@IPLÖ.Example.NL") == ("s.bos@xn--ipl-una.example.nl", "")  # UTS 46: lower case


# --- the diagnoses ------------------------------------------------------------------------------------------------


def test_a_servers_refusal() -> None:
    assert mail._reply(450, b"4.2.1  Postbus\r\n vol") == (
        "error", '{"kind":"smtp-not-now","reply":"450 4.2.1 Postbus vol"}')
    assert mail._reply(400, "x")[0] == "error"
    assert mail._reply(499, "x")[0] == "error"
    assert mail._reply(500, "x")[0] == "refused"
    assert mail._reply(399, "x")[0] == "refused"
    assert mail._reply(550, b"5.1.1 Onbekend \xff") == (
        "refused", '{"kind":"smtp-refused","reply":"550 5.1.1 Onbekend \ufffd"}')
    assert mail._reply(0, b"") == ("refused", '{"kind":"smtp-refused","reply":"0"}')


def failure(exc: BaseException, phase: str = "connect", **changes: object) -> tuple[str, dict[str, object]]:
    values: dict[str, object] = {"username": "calamiteiten", "timeout_seconds": 7.5, **changes}
    outcome, why = mail._failure(exc, channel(2525, **values), phase)
    return outcome, said(why)


def test_why_no_session_could_be_had() -> None:
    where = {"where": "127.0.0.1:2525"}
    assert failure(TimeoutError()) == ("timeout", {"kind": "smtp-timeout", **where, "seconds": "7.5"})
    assert failure(smtplib.SMTPAuthenticationError(535, b"nee"), "login") == (
        "refused", {"kind": "smtp-login-refused", **where, "user": "calamiteiten", "code": 535})
    assert failure(smtplib.SMTPAuthenticationError(535, b"nee"), username="") == (
        "refused", {"kind": "smtp-login-refused", **where, "user": "", "code": 535})
    assert failure(smtplib.SMTPNotSupportedError(), "login") == ("error", {"kind": "smtp-no-auth", **where})
    assert failure(smtplib.SMTPNotSupportedError(), "starttls") == ("error", {"kind": "smtp-no-starttls", **where})
    assert failure(smtplib.SMTPNotSupportedError(), "mail") == (
        "error", {"kind": "smtp-failed", **where, "error": "SMTPNotSupportedError"})
    untrusted = ssl.SSLCertVerificationError(1, "certificate verify failed")
    untrusted.verify_message = "self-signed certificate"
    assert failure(untrusted) == ("error", {"kind": "smtp-certificate", **where, "detail": "self-signed certificate"})
    tls = ssl.SSLError(1, "wrong version")
    tls.reason = "WRONG_VERSION_NUMBER"
    assert failure(tls) == ("error", {"kind": "smtp-tls", **where, "detail": "WRONG_VERSION_NUMBER"})
    tls.reason = None
    assert failure(tls) == ("error", {"kind": "smtp-tls", **where, "detail": "SSLError"})
    assert failure(smtplib.SMTPServerDisconnected()) == ("error", {"kind": "smtp-dropped", **where})
    assert failure(smtplib.SMTPResponseException(421, b"druk")) == (
        "error", {"kind": "smtp-not-now", "reply": "421 druk"})
    assert failure(smtplib.SMTPResponseException(554, b"nee")) == (
        "refused", {"kind": "smtp-refused", "reply": "554 nee"})
    assert failure(ConnectionRefusedError()) == ("unreachable", {"kind": "smtp-unreachable", **where})
    assert failure(socket.gaierror()) == ("unreachable", {"kind": "smtp-unreachable", **where})
    assert failure(ConnectionResetError()) == (
        "error", {"kind": "smtp-failed", **where, "error": "ConnectionResetError"})


def test_a_broken_message_by_its_step() -> None:
    notifier = mail.EmailNotifier(channel(2525, timeout_seconds=3.0))
    anna = person("anna")

    def broken(phase: str, cut: bool, exc: BaseException) -> tuple[str, dict[str, object], bool]:
        delivery, gone = notifier._broken(anna, phase, cut, exc)
        assert (delivery.channel, delivery.recipient) == ("email", "anna")
        return delivery.outcome, said(delivery.reason), gone

    where = {"where": "127.0.0.1:2525"}
    dropped = smtplib.SMTPServerDisconnected()
    assert broken("data", True, dropped) == ("timeout", {"kind": "smtp-data-timeout", **where, "seconds": "3"}, False)
    assert broken("data", False, dropped) == ("error", {"kind": "smtp-data-dropped", **where}, False)
    assert broken("data", False, TimeoutError()) == (
        "timeout", {"kind": "smtp-data-timeout", **where, "seconds": "3"}, False)
    assert broken("mail", True, dropped) == ("timeout", {"kind": "smtp-timeout", **where, "seconds": "3"}, False)
    assert broken("mail", False, dropped) == ("error", {"kind": "smtp-dropped", **where}, True)
    assert broken("mail", False, TimeoutError()) == (
        "timeout", {"kind": "smtp-timeout", **where, "seconds": "3"}, False)
    try:  # smtplib turns a read's time-out into "disconnected": the cause says what it was
        try:
            raise TimeoutError
        except TimeoutError:
            raise smtplib.SMTPServerDisconnected("weg") from None
    except smtplib.SMTPServerDisconnected as late:
        late.__context__ = TimeoutError()
        assert broken("mail", False, late)[0] == "timeout"
        assert broken("data", False, late)[0] == "timeout"


def test_a_deadline_cuts_the_connection_and_says_so() -> None:
    ours, theirs = socket.socketpair()

    class Smtp:
        sock = ours

    try:
        with mail.deadline(Smtp(), 0.05) as cut:  # type: ignore[arg-type]
            theirs.settimeout(10)
            assert theirs.recv(1) == b""  # cut: the other end reads the end of the stream
        assert cut == [True]
        with mail.deadline(Smtp(), 0.05) as cut:  # type: ignore[arg-type]
            pass
        time.sleep(0.2)
        assert cut == [False]  # done in time: never cut afterwards
        with mail.deadline(object(), 0.01) as cut:  # type: ignore[arg-type]  # no socket yet: only said
            waited = 0.0
            while not cut[0] and waited < 10:  # the timer's thread, however loaded the machine
                time.sleep(0.01)
                waited += 0.01
        assert cut == [True]
    finally:
        ours.close()
        theirs.close()


# --- against a real server ----------------------------------------------------------------------------------------


def test_one_message_each_over_one_connection() -> None:
    box = Mailbox(refuse={"bram@dso.example.nl"}, later={"carla@dso.example.nl"})
    notes = Notes()
    team = [person("anna"), person("bram"), person("carla"), person("dirk")]
    ids = {"anna": "<id-anna@dso.example.nl>", "dirk": "<id-dirk@dso.example.nl>"}
    links = {"anna": "https://logboek/b/anna"}
    with smtp_server(box) as port:
        out = send(channel(port), team, notes, ids, links)
    assert [(d.recipient, d.outcome, said(d.reason) if d.reason else "") for d in out] == [
        ("anna", "accepted", ""),
        ("bram", "refused", {"kind": "smtp-refused", "reply": "550 5.1.1 Onbekende ontvanger"}),
        ("carla", "error", {"kind": "smtp-not-now", "reply": "450 4.2.1 Postbus tijdelijk vol"}),
        ("dirk", "accepted", ""),
    ]
    assert {d.channel for d in out} == {"email"}
    assert notes.batches == [[d] for d in out]  # each recorded the moment it was known
    assert len(box.sessions) == 1  # one connection for all of them
    assert [(rcpts, str(m["Message-ID"])) for rcpts, m in box.messages] == [
        (["anna@dso.example.nl"], "<id-anna@dso.example.nl>"), (["dirk@dso.example.nl"], "<id-dirk@dso.example.nl>")]
    anna, dirk = (m for _, m in box.messages)
    assert anna["To"] == "anna@dso.example.nl"
    assert "<https://logboek/b/anna>" in anna.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Bevestig" not in dirk.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_stop_asked_for_stops_the_rest() -> None:
    box = Mailbox()
    notes = Notes(stop_after=1)
    with smtp_server(box) as port:
        out = send(channel(port), [person("anna"), person("bram")], notes)
    assert [d.recipient for d in out] == ["anna"] and box.to() == ["anna@dso.example.nl"]


def test_an_address_only_smtputf8_takes() -> None:
    team = [person("lotte", "l.meïjer@dso.example.nl"), person("sanne", "s.bos@iplö.example.nl")]
    box = Mailbox()
    with smtp_server(box) as port:
        out = send(channel(port), team)
    assert [(d.channel, d.recipient, d.outcome, d.reason) for d in out] == [
        ("email", "lotte", "refused", '{"kind":"smtp-no-utf8","character":"ï"}'), ("email", "sanne", "accepted", "")]
    assert box.to() == ["s.bos@xn--ipl-una.example.nl"]
    box = Mailbox()
    with smtp_server(box, utf8=True) as port:
        out = send(channel(port), team)
    assert [d.outcome for d in out] == ["accepted", "accepted"]
    assert box.to() == ["l.meïjer@dso.example.nl", "s.bos@xn--ipl-una.example.nl"]


def test_one_bcc_message_for_everyone() -> None:
    box = Mailbox(refuse={"bram@dso.example.nl"})
    notes = Notes()
    team = [person("lotte", "l.meïjer@dso.example.nl"), person("anna"), person("bram"), person("carla")]
    ids = {"anna": "<id-anna@dso.example.nl>", "carla": "<id-carla@dso.example.nl>"}
    with smtp_server(box) as port:
        out = send(channel(port, separate=False), team, notes, ids, {"anna": "https://logboek/b/anna"})
    assert [(d.channel, d.recipient, d.outcome) for d in out] == [
        ("email", "lotte", "refused"), ("email", "anna", "accepted"), ("email", "bram", "refused"),
        ("email", "carla", "accepted")]
    assert said(out[2].reason) == {"kind": "smtp-refused", "reply": "550 5.1.1 Onbekende ontvanger"}
    assert [len(b) for b in notes.batches] == [1, 3]
    ((rcpts, message),) = box.messages  # once, everyone in it, each once
    assert rcpts == ["anna@dso.example.nl", "carla@dso.example.nl"]
    assert message["To"] == "undisclosed-recipients:;" and "Bcc" not in message
    assert message["Message-ID"] == "<id-anna@dso.example.nl>"  # the first one's
    assert "Bevestig" not in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]  # no one's link


def test_bcc_when_the_server_takes_no_one() -> None:
    box = Mailbox(refuse={"anna@dso.example.nl", "bram@dso.example.nl"})
    with smtp_server(box) as port:
        out = send(channel(port, separate=False), [person("anna"), person("bram")])
        odd = send(channel(port, separate=False), [person("lotte", "l.meïjer@dso.example.nl")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "refused", {"kind": "smtp-refused", "reply": "550 5.1.1 Onbekende ontvanger"}) for k in ("anna", "bram")]
    assert [(d.recipient, d.outcome) for d in odd] == [("lotte", "refused")]
    assert box.messages == []


def test_bcc_when_the_server_fails_the_message() -> None:
    box = Mailbox(stall=0.01)  # answers the message 451
    with smtp_server(box) as port:
        out = send(channel(port, separate=False), [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "error", {"kind": "smtp-not-now", "reply": "451 te laat"}) for k in ("anna", "bram")]
    box = Mailbox(hang_up=True)
    with smtp_server(box) as port:
        out = send(channel(port, separate=False), [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "error", {"kind": "smtp-data-dropped", "where": f"127.0.0.1:{port}"}) for k in ("anna", "bram")]
    box = Mailbox(stall=3)
    with smtp_server(box) as port:
        out = send(channel(port, separate=False, timeout_seconds=0.5), [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "timeout", {"kind": "smtp-data-timeout", "where": f"127.0.0.1:{port}", "seconds": "0.5"})
        for k in ("anna", "bram")]


def test_a_message_that_fails_at_data_each() -> None:
    box = Mailbox(stall=0.01)
    with smtp_server(box) as port:
        out = send(channel(port), [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "error", {"kind": "smtp-not-now", "reply": "451 te laat"}) for k in ("anna", "bram")]
    assert len(box.sessions) == 1  # reset, and the same connection goes on
    box = Mailbox(hang_up=True)
    with smtp_server(box) as port:
        out = send(channel(port), [person("anna"), person("bram")], ids={"anna": "<a@x>", "bram": "<b@x>"})
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "error", {"kind": "smtp-data-dropped", "where": f"127.0.0.1:{port}"}) for k in ("anna", "bram")]
    assert box.dropped == ["<a@x>", "<b@x>"]  # each sent once, never again: it may have arrived
    assert len(box.sessions) == 2  # the next over a new connection


def test_a_connection_gone_before_the_message_is_tried_once_more() -> None:
    box = Mailbox(drop_after_accept=True)
    with smtp_server(box) as port:
        out = send(channel(port), [person("anna"), person("bram"), person("carla")])
    assert [(d.recipient, d.outcome) for d in out] == [("anna", "accepted"), ("bram", "accepted"),
                                                       ("carla", "accepted")]
    assert box.to() == ["anna@dso.example.nl", "bram@dso.example.nl", "carla@dso.example.nl"]  # each once
    assert len(box.sessions) == 3


def test_a_message_not_confirmed_in_time() -> None:
    box = Mailbox(stall=3)
    with smtp_server(box) as port:
        out = send(channel(port, timeout_seconds=0.5), [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "timeout", {"kind": "smtp-data-timeout", "where": f"127.0.0.1:{port}", "seconds": "0.5"})
        for k in ("anna", "bram")]


def test_no_server_is_said_for_everyone_at_once() -> None:
    port = closed_port()
    for separate in (True, False):
        notes = Notes()
        out = send(channel(port, separate=separate), [person("anna"), person("bram")], notes)
        assert [(d.channel, d.recipient, d.outcome, said(d.reason)) for d in out] == [
            ("email", k, "unreachable", {"kind": "smtp-unreachable", "where": f"127.0.0.1:{port}"})
            for k in ("anna", "bram")]
        assert notes.batches == [out]


@contextmanager
def loopback(take: Callable[[socket.socket], None], stop: threading.Event) -> Iterator[int]:
    """A listening socket on loopback that hands every connection to `take` until `stop` is set (looked at every
    tenth of a second); yields its port, and on leaving sets `stop`, waits for the listening thread and closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn = listener.accept()[0]
            except OSError:
                continue
            take(conn)

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        worker.join()
        listener.close()


@contextmanager
def silent_server() -> Iterator[int]:
    """Takes the connection and never says a word."""
    held: list[socket.socket] = []
    try:
        with loopback(held.append, threading.Event()) as port:
            yield port
    finally:
        for s in held:
            s.close()


def test_a_server_that_never_greets_is_cut_at_the_deadline() -> None:
    """The deadline (0.5 s) cuts before the socket's own read time-out (1.5 s) would: said as the connection's
    deadline, not as a plain time-out (no bound on the clock: a loaded machine may take longer)."""
    with silent_server() as port:
        out = send(channel(port, timeout_seconds=0.5), [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "timeout", {"kind": "smtp-connect-timeout", "where": f"127.0.0.1:{port}", "seconds": "0.5"})
        for k in ("anna", "bram")]


def test_a_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALAMITEIT_TEST_SMTP", "goed-wachtwoord")
    box = Mailbox()
    with smtp_server(box, login=("calamiteiten", "goed-wachtwoord")) as port:
        cfg = channel(port, username="calamiteiten", password_from="CALAMITEIT_TEST_SMTP")
        assert [d.outcome for d in send(cfg, [person("anna")])] == ["accepted"]
        assert box.logins == [(b"calamiteiten", b"goed-wachtwoord")]
        monkeypatch.setenv("CALAMITEIT_TEST_SMTP", "fout")
        out = send(cfg, [person("anna"), person("bram")])
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "refused", {"kind": "smtp-login-refused", "where": f"127.0.0.1:{port}", "user": "calamiteiten",
                        "code": 535}) for k in ("anna", "bram")]
    box = Mailbox()
    with smtp_server(box) as port:  # no AUTH offered
        monkeypatch.setenv("CALAMITEIT_TEST_SMTP", "goed-wachtwoord")
        out = send(channel(port, username="calamiteiten", password_from="CALAMITEIT_TEST_SMTP"), [person("anna")])
    assert [(d.outcome, said(d.reason)) for d in out] == [("error", {"kind": "smtp-no-auth",
                                                                      "where": f"127.0.0.1:{port}"})]


def test_no_password_no_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []
    monkeypatch.setattr(mail, "secret", lambda name: looked_up.append(name))
    box = Mailbox()
    with smtp_server(box) as port:
        out = send(channel(port, username="calamiteiten", password_from="CALAMITEIT_TEST_GEEN"),
                   [person("anna"), person("bram")])
        assert [d.outcome for d in send(channel(port), [person("anna")])] == ["accepted"]  # no user: no password
    assert [(d.recipient, d.outcome, said(d.reason)) for d in out] == [
        (k, "error", {"kind": "smtp-password-missing", "name": "CALAMITEIT_TEST_GEEN", "service": "calamiteit"})
        for k in ("anna", "bram")]
    assert box.sessions and box.to() == ["anna@dso.example.nl"]
    assert looked_up == ["CALAMITEIT_TEST_GEEN"]  # without a user name no secret is asked for (a keyring may prompt)


def trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return server_tls


def test_starttls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server_tls = trusted(tmp_path, monkeypatch)
    monkeypatch.setenv("CALAMITEIT_TEST_SMTP", "goed")
    box = Mailbox()
    with smtp_server(box, tls=server_tls, login=("calamiteiten", "goed")) as port:
        cfg = channel(port, security="starttls", username="calamiteiten", password_from="CALAMITEIT_TEST_SMTP")
        assert [d.outcome for d in send(cfg, [person("anna")])] == ["accepted"]
    assert box.logins == [(b"calamiteiten", b"goed")]
    with smtp_server(Mailbox()) as port:  # no STARTTLS offered
        out = send(channel(port, security="starttls"), [person("anna")])
    assert [(d.outcome, said(d.reason)) for d in out] == [
        ("error", {"kind": "smtp-no-starttls", "where": f"127.0.0.1:{port}"})]
    untrusted = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(untrusted)
    with smtp_server(Mailbox(), tls=untrusted) as port:
        out = send(channel(port, security="starttls"), [person("anna")])
    assert [(d.outcome, said(d.reason)["kind"]) for d in out] == [("error", "smtp-certificate")]
    assert "certificate" in str(said(out[0].reason)["detail"])


def test_implicit_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """security: tls speaks TLS from the first byte: against a server that speaks plain SMTP that fails as TLS."""
    trusted(tmp_path, monkeypatch)
    with smtp_server(Mailbox()) as port:
        out = send(channel(port, security="tls"), [person("anna")])
    assert [(d.outcome, said(d.reason)["kind"]) for d in out] == [("error", "smtp-tls")]


# --- a scripted server: replies no real server library gives on request -------------------------------------------


@contextmanager
def scripted(after_data: str, utf8: bool = False, trickle: str = "") -> Iterator[int]:
    """A bare SMTP server on loopback that answers every command with 250 and the end of each message with
    `after_data`: 'garbage' (a reply with no code), 'trickle' (250, one byte every quarter second), '451-close'
    (451, then hangs up), '250' (accepted). `trickle`: 'greeting' (its greeting one byte every quarter second),
    'quit' (an answer to QUIT that never ends, a byte every quarter second)."""
    stop = threading.Event()

    def drip(conn: socket.socket, reply: bytes) -> bool:
        """`reply` a byte every quarter second; False when the server stopped before it was all sent."""
        for byte in reply:
            if stop.wait(0.25):
                return False
            conn.sendall(bytes([byte]))
        return True

    def session(conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            if trickle == "greeting":
                if not drip(conn, b"220 proef\r\n"):
                    return
            else:
                conn.sendall(b"220 proef\r\n")
            while not stop.is_set():
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb == b"EHLO":
                    conn.sendall(b"250-proef\r\n250 SMTPUTF8\r\n" if utf8 else b"250 proef\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 ga door\r\n")
                    while reader.readline() not in (b".\r\n", b""):
                        pass
                    if after_data == "garbage":
                        conn.sendall(b"weg\r\n")
                    elif after_data == "250":
                        conn.sendall(b"250 aangenomen\r\n")
                    elif after_data == "trickle":
                        if not drip(conn, b"250 aangenomen\r\n"):
                            return
                    else:
                        conn.sendall(b"451 later\r\n")
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                elif verb == b"QUIT":
                    if trickle == "quit":
                        conn.sendall(b"221 ")
                        while not stop.wait(0.25):
                            conn.sendall(b"x")
                    conn.sendall(b"221 dag\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            pass
        finally:
            reader.close()
            conn.close()

    def start(conn: socket.socket) -> None:
        threading.Thread(target=session, args=(conn,), daemon=True).start()

    with loopback(start, stop) as port:
        yield port


@pytest.mark.parametrize("separate", [True, False])
def test_a_reply_without_a_code_is_a_dropped_message(separate: bool) -> None:
    """smtplib reads a reply it cannot parse as code -1: whether the message arrived is not known."""
    for team in ([person("anna")], [person("anna"), person("bram")]):
        with scripted("garbage") as port:
            out = send(channel(port, separate=separate), team)
        assert [(d.channel, d.recipient, d.outcome, said(d.reason)) for d in out] == [
            ("email", r.key, "error", {"kind": "smtp-data-dropped", "where": f"127.0.0.1:{port}"}) for r in team]


@pytest.mark.parametrize("separate", [True, False])
def test_a_reply_that_trickles_is_cut_at_the_deadline(separate: bool) -> None:
    """Each byte comes within the socket's read time-out: only the step's deadline stops it."""
    with scripted("trickle") as port:
        out = send(channel(port, separate=separate, timeout_seconds=0.6), [person("anna")])
    assert [(d.channel, d.outcome, said(d.reason)) for d in out] == [
        ("email", "timeout", {"kind": "smtp-data-timeout", "where": f"127.0.0.1:{port}", "seconds": "0.6"})]


def test_a_refusal_and_then_a_hang_up() -> None:
    """451 to the message, then the server hangs up: a refusal for now, the reset that follows fails quietly."""
    for separate in (True, False):
        with scripted("451-close") as port:
            out = send(channel(port, separate=separate), [person("anna")])
        assert [(d.channel, d.outcome, said(d.reason)) for d in out] == [
            ("email", "error", {"kind": "smtp-not-now", "reply": "451 later"})]


def test_bcc_with_smtputf8_and_one_alone() -> None:
    team = [person("lotte", "l.meïjer@dso.example.nl"), person("anna")]
    with scripted("garbage", utf8=True) as port:  # the server takes the address: it is in the message
        out = send(channel(port, separate=False), team)
    assert [(d.recipient, d.outcome) for d in out] == [("lotte", "error"), ("anna", "error")]
    box = Mailbox()
    with smtp_server(box) as port:
        out = send(channel(port, separate=False), team)
        alone = send(channel(port, separate=False, timeout_seconds=0.5), [person("bram")])
    assert [(d.channel, d.recipient, d.outcome, said(d.reason) if d.reason else "") for d in out + alone] == [
        ("email", "lotte", "refused", {"kind": "smtp-no-utf8", "character": "ï"}),
        ("email", "anna", "accepted", ""), ("email", "bram", "accepted", "")]


def test_bcc_one_recipient_dropped() -> None:
    box = Mailbox(hang_up=True)
    with smtp_server(box) as port:
        out = send(channel(port, separate=False), [person("anna")])
    assert [(d.channel, d.recipient, d.outcome, said(d.reason)) for d in out] == [
        ("email", "anna", "error", {"kind": "smtp-data-dropped", "where": f"127.0.0.1:{port}"})]


def test_the_servers_words_as_text() -> None:
    assert mail._reply(450, "Postbus   vol ") == ("error", '{"kind":"smtp-not-now","reply":"450 Postbus vol"}')


def test_a_greeting_that_trickles_is_cut_at_the_deadline() -> None:
    """Each byte of the greeting comes within the socket's read time-out: only the connection's deadline stops it
    (a deadline that only raised a flag would let it through, and the message would go)."""
    for separate in (True, False):
        with scripted("250", trickle="greeting") as port:
            out = send(channel(port, separate=separate, timeout_seconds=0.6), [person("anna")])
        assert [(d.outcome, said(d.reason) if d.reason else "") for d in out] == [
            ("timeout", {"kind": "smtp-connect-timeout", "where": f"127.0.0.1:{port}", "seconds": "0.6"})]


def finished(work: Callable[[], object], within: float = 30.0) -> bool:
    """Whether `work` ends within `within` seconds (far beyond the deadlines it is about: a loaded machine keeps it)."""
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(within)
    return not worker.is_alive()


def test_a_goodbye_that_never_ends_is_cut() -> None:
    """The answer to QUIT never ends (a byte every quarter second): cut after 2 s, the message stays accepted."""
    for separate in (True, False):
        out: list[Delivery] = []
        with scripted("250", trickle="quit") as port:
            cfg = channel(port, separate=separate)
            assert finished(lambda: out.extend(send(cfg, [person("anna")])))  # noqa: B023  # joined before the next
        assert [(d.recipient, d.outcome) for d in out] == [("anna", "accepted")]


def test_a_connection_never_taken_is_given_up() -> None:
    """A server whose queue of connections is full never answers the connection: no socket yet for the deadline to
    cut, so the socket's own time-out ends it, and it is still said as the connection's deadline."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    filler = socket.create_connection(("127.0.0.1", port))  # the one place in the queue
    try:
        for security in ("geen", "tls"):
            out: list[Delivery] = []
            cfg = channel(port, security=security, timeout_seconds=0.5)
            assert finished(lambda: out.extend(send(cfg, [person("anna")])))  # noqa: B023  # joined before the next
            assert [(d.outcome, said(d.reason)) for d in out] == [
                ("timeout", {"kind": "smtp-connect-timeout", "where": f"127.0.0.1:{port}", "seconds": "0.5"})]
    finally:
        filler.close()
        listener.close()


@contextmanager
def server_at(box: Mailbox, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """aiosmtpd on `host`, speaking TLS from the first byte when given `tls` (implicit TLS, port 465's way)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    options: dict[str, object] = {} if tls is None else {"ssl_context": tls}
    controller = Controller(Handler(box), hostname=host, port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_implicit_tls_checks_the_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server_tls = trusted(tmp_path, monkeypatch)
    box = Mailbox()
    with server_at(box, tls=server_tls) as port:
        out = send(channel(port, security="tls"), [person("anna")])
    assert [d.outcome for d in out] == ["accepted"] and box.to() == ["anna@dso.example.nl"]
    untrusted = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(untrusted)
    box = Mailbox()
    with server_at(box, tls=untrusted) as port:
        out = send(channel(port, security="tls"), [person("anna")])
    assert [(d.outcome, said(d.reason)["kind"] if d.reason else "") for d in out] == [("error", "smtp-certificate")]
    assert box.messages == []


def test_the_host_connected_to_is_the_one_configured() -> None:
    """A server on 127.0.0.2: loopback, but not where a connection to no host in particular lands."""
    box = Mailbox()
    with server_at(box, "127.0.0.2") as port:
        out = send(channel(port, host="127.0.0.2"), [person("anna")])
    assert [d.outcome for d in out] == ["accepted"] and box.to() == ["anna@dso.example.nl"]
