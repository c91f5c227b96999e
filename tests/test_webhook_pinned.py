"""The webhook channels pinned value for value (issue 24, mutation testing of adapters/notifiers/webhook.py): the
Adaptive Card as posted (escaped text, the sitrap's note, cut to Teams' size: the most people that fit, then the
text from the end), the gateway's document, the idempotency key, and against a real HTTP server on loopback each
answer said for what it is (2xx, a redirect not followed, 4xx, 5xx, no server, no answer, an answer that trickles)
within one deadline, the secret URL never in a reason. Called directly, not through the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters.notifiers import webhook as wh
from dso_calamiteit.domain.callout import Delivery, Message, Webhook
from dso_calamiteit.domain.contacts import Contact
from dso_calamiteit.domain.recipients import Recipient

from .servers import closed_port

SITRAP = Message("sitrap", "I-2026-001", "Storing", 2, "Niveau 2", "Sitrap 1: Storing", "# Sitrap\n\nWater.\n",
                 (("Niveau", "2 *vet*"),), report=1,
                 sections=(("Beeld", ("- water [x](y)", "droog")), ("", ("los",)), ("Leeg", ())))
CALL = Message("convocation", "I-2026-001", "Storing <b>", 2, "Niveau 2", "Oproep: Storing", "Kom **nu**.\n",
               (("Niveau", "2"),))


def person(key: str, phone: str = " 06 1234 5678 ") -> Recipient:
    return Recipient(key, f"Naam {key}", "DSO-LV", "Coördinator",
                     Contact(org="dso-lv", role="x", tier="operationeel", phone=phone, id=key))


def body(card: dict[str, Any]) -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = card["attachments"][0]["content"]["body"]
    return value


def said(recorded: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(recorded)
    return value


# --- what is posted -----------------------------------------------------------------------------------------------


def test_the_json_as_posted() -> None:
    assert wh.encoded({"b": [1, None], "a": "é"}) == '{"b":[1,null],"a":"é"}'.encode()
    with pytest.raises(ValueError):
        wh.encoded({"x": float("nan")})


def test_the_card_whole() -> None:
    def block(text: str, **style: str) -> dict[str, Any]:
        return {"type": "TextBlock", "text": text, "wrap": True, **style}

    heading = {"weight": "Bolder", "spacing": "Medium"}
    assert wh.card(SITRAP, [person("anna")]) == {
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": None,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": "1.5",
                "body": [
                    block("Sitrap 1: Storing", weight="Bolder", size="Medium"),
                    {"type": "FactSet", "facts": [{"title": "Niveau", "value": "2 \\*vet\\*"}]},
                    block("Beeld", **heading), block("- water \\[x\\](y)\ndroog"),
                    block("los"),
                    block("Leeg", **heading),
                    block("Opgeroepen", **heading), block("- Coördinator: Naam anna (DSO-LV)"),
                ],
            },
        }],
    }
    # a sitrap without parts says where its full text is; no one called: no list
    bare = replace(SITRAP, sections=(), report=3)
    assert body(wh.card(bare, []))[2:] == [
        block("Situatierapport 3: de volledige tekst staat in de e-mail en het logboek.")]
    assert body(wh.card(replace(bare, full_text_note="Zie de mail."), []))[2:] == [block("Zie de mail.")]
    # a call-out without parts says nothing more
    assert body(wh.card(CALL, []))[2:] == []
    assert body(wh.card(CALL, []))[0]["text"] == "Oproep: Storing"


def size(card: dict[str, Any]) -> int:
    return len(wh.encoded(card))


def shown(card: dict[str, Any]) -> tuple[int, str]:
    """How many people the card lists, and its last line about them."""
    lines = body(card)[-1]["text"].split("\n")
    people = [line for line in lines if line.startswith("- ")]
    return len(people), lines[-1]


def test_a_card_too_big_lists_the_most_people_that_fit() -> None:
    team = [person(f"p{i:02d}") for i in range(12)]
    whole = wh.card(CALL, team)
    assert wh.card(CALL, team, size(whole)) == whole
    assert shown(wh.card(CALL, team, size(whole) - 1)) == (11, "+1 meer")
    previous, first_at = -1, {}
    for limit in range(size(whole) - 1, 0, -1):
        cut = wh.card(CALL, team, limit)
        if size(cut) > limit:  # not even without the team: the text's turn (the next test)
            break
        count, last = shown(cut)
        assert last == f"+{12 - count} meer"
        first_at[count] = limit  # walking down: the smallest limit at which `count` people are listed
        assert previous == -1 or count <= previous
        previous = count
    # the most that fit: at the smallest limit that lists N people, the card is exactly that big
    for count, limit in first_at.items():
        assert size(wh.card(CALL, team, limit)) == limit, count
    assert sorted(first_at) == list(range(12))
    assert shown(wh.card(CALL, team, first_at[0])) == (0, "+12 meer")
    words = replace(CALL, more_called="and {count} more")
    assert shown(wh.card(words, team, size(whole) - 1)) == (11, "and 1 more")


def test_a_card_too_big_even_without_the_team_drops_text_from_the_end() -> None:
    parts = tuple((f"Deel {i}", (f"regel {i} " + "x" * 200,)) for i in range(6))
    message = replace(SITRAP, sections=parts)
    team = [person("anna"), person("bram")]
    note = "Situatierapport 1: de volledige tekst staat in de e-mail en het logboek."
    first_at: dict[int, int] = {}
    previous = 6
    for limit in range(size(wh.card(message, [])) - 1, 0, -1):  # not even without the team: text goes
        cut = wh.card(message, team, limit)
        texts = [b.get("text") for b in body(cut)]
        kept = sum(1 for t in texts if str(t).startswith("Deel "))
        assert kept <= previous and kept < 6
        previous = kept
        first_at[kept] = limit
        assert texts[0] == "Sitrap 1: Storing" and body(cut)[1]["type"] == "FactSet"  # the subject and facts stay
        assert texts[2 + 2 * kept:] == [note, "Opgeroepen", "+2 meer"]  # said where the text was cut; nobody listed
        assert size(cut) <= limit or kept == 0
    # each part left out exactly when it no longer fits: at the smallest limit that keeps N parts, exactly that big
    assert sorted(first_at) == [0, 1, 2, 3, 4, 5]
    for kept, limit in first_at.items():
        if kept:
            assert size(wh.card(message, team, limit)) == limit, kept
    call = replace(CALL, sections=parts)
    texts = [b.get("text") for b in body(wh.card(call, [], size(wh.card(call, [])) - 1))]
    assert texts[-1] == "Ingekort: de rest past niet in één Teams-bericht."
    assert sum(1 for t in texts if str(t).startswith("Deel ")) == 5
    words = replace(call, cut_note="Cut.")
    assert [b.get("text") for b in body(wh.card(words, [], 10))][-1] == "Cut."


def test_the_gateways_document() -> None:
    assert wh.document(CALL, [person("anna"), person("bram", "")]) == {
        "schema_version": 1, "kind": "callout", "purpose": "convocation", "incident": "I-2026-001",
        "title": "Storing <b>", "level": 2, "level_name": "Niveau 2", "subject": "Oproep: Storing",
        "text": "Kom **nu**.\n",
        "recipients": [
            {"id": "anna", "name": "Naam anna", "org": "DSO-LV", "role": "Coördinator", "phone": "06 1234 5678"},
            {"id": "bram", "name": "Naam bram", "org": "DSO-LV", "role": "Coördinator", "phone": ""},
        ],
    }


def test_the_idempotency_key() -> None:
    key = wh.idempotency_key(["b", "a"])
    assert key == hashlib.sha256(b"a\nb").hexdigest()[:40] == wh.idempotency_key(["a", "b"])
    assert len(key) == 40 and wh.idempotency_key(["a"]) != key


def test_a_status_said_for_what_it_is() -> None:
    def status(code: int) -> tuple[str, object]:
        outcome, why = wh._status(code, "teams")
        return outcome, (why if why.startswith("HTTP") else said(why))

    assert status(200) == ("accepted", "HTTP 200")
    assert status(299) == ("accepted", "HTTP 299")
    assert status(300) == ("refused", {"kind": "webhook-redirect", "channel": "teams", "status": 300})
    assert status(399) == ("refused", {"kind": "webhook-redirect", "channel": "teams", "status": 399})
    assert status(400) == ("refused", {"kind": "webhook-refused", "channel": "teams", "status": 400})
    assert status(499) == ("refused", {"kind": "webhook-refused", "channel": "teams", "status": 499})
    assert status(500) == ("error", {"kind": "webhook-error", "channel": "teams", "status": 500})
    assert status(199) == ("error", {"kind": "webhook-error", "channel": "teams", "status": 199})


# --- against a real server ----------------------------------------------------------------------------------------


@dataclass
class Posted:
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@contextmanager
def gateway() -> Iterator[tuple[str, Posted]]:
    posted = Posted()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            posted.requests.append((self.path, dict(self.headers.items()), data))
            path = self.path.split("?")[0]
            if path.startswith("/status/"):
                self.answer(int(path.rsplit("/", 1)[1]))
            elif path == "/redirect":
                self.answer(302, {"Location": "/status/200"})
            elif path == "/hang":
                time.sleep(3)
            elif path == "/trickle-long":  # 30 s of answer, each byte within a read time-out of 0.5 s
                self.trickle(100)
            elif path == "/trickle":
                self.trickle(10)
            else:
                self.answer(404)

        def trickle(self, size: int) -> None:
            """A 200 of `size` bytes: the headers at once, then the body a byte every 0.3 s."""
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.flush()
            try:
                for _ in range(size):
                    time.sleep(0.3)
                    self.wfile.write(b"x")
                    self.wfile.flush()
            except OSError:
                pass

        def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posted
    finally:
        server.shutdown()
        server.server_close()


SECRET = "geheim-token-0123456789"


def deliver(kind: str, url: str | None, monkeypatch: pytest.MonkeyPatch, message: Message = CALL,
            seconds: float = 5, **sent: Any) -> list[Delivery]:
    monkeypatch.setattr(wh, "secret", lambda name: url if name == "CALAMITEIT_TEST_HOOK" else None)
    hook = Webhook("sms", kind, "CALAMITEIT_TEST_HOOK", timeout_seconds=seconds)  # type: ignore[arg-type]
    return wh.WebhookNotifier(hook).send(message, [person("anna"), person("bram")], **sent)


def test_without_a_url_nothing_is_posted(monkeypatch: pytest.MonkeyPatch) -> None:
    out = deliver("json", None, monkeypatch)
    assert [(d.channel, d.recipient, d.outcome, said(d.reason)) for d in out] == [
        ("sms", k, "error", {"kind": "webhook-url-missing", "name": "CALAMITEIT_TEST_HOOK", "service": "calamiteit"})
        for k in ("anna", "bram")]


def test_a_card_posted_once_for_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded: list[list[Delivery]] = []
    with gateway() as (base, posted):
        out = deliver("teams", f"{base}/status/202?sig={SECRET}", monkeypatch, SITRAP, ids={"anna": "<a@x>"},
                      record=lambda d: recorded.append(list(d)) or True)
    assert [(d.recipient, d.outcome, d.reason) for d in out] == [("anna", "accepted", "HTTP 202"),
                                                                  ("bram", "accepted", "HTTP 202")]
    assert recorded == [out]
    ((path, headers, data),) = posted.requests
    assert path == f"/status/202?sig={SECRET}"
    assert data == wh.encoded(wh.card(SITRAP, [person("anna"), person("bram")]))
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == wh.idempotency_key(["<a@x>", "bram"])


def test_a_document_posted_with_each_ones_id_and_link(monkeypatch: pytest.MonkeyPatch) -> None:
    with gateway() as (base, posted):
        out = deliver("json", f"{base}/status/200", monkeypatch, ids={"anna": "<a@x>", "bram": "<b@x>"},
                      links={"bram": "https://logboek/b/bram"})
    assert [d.outcome for d in out] == ["accepted", "accepted"]
    ((_, headers, data),) = posted.requests
    expected = wh.document(CALL, [person("anna"), person("bram")])
    expected["reply_text"] = CALL.reply_text
    expected["recipients"][0].update(message_id="<a@x>", confirm_url="")
    expected["recipients"][1].update(message_id="<b@x>", confirm_url="https://logboek/b/bram")
    assert json.loads(data) == expected
    assert headers["Idempotency-Key"] == wh.idempotency_key(["<a@x>", "<b@x>"])
    with gateway() as (base, posted):
        deliver("json", f"{base}/status/200", monkeypatch)
    rows = json.loads(posted.requests[0][2])["recipients"]
    assert [(r["message_id"], r["confirm_url"]) for r in rows] == [("", ""), ("", "")]
    assert posted.requests[0][1]["Idempotency-Key"] == wh.idempotency_key(["anna", "bram"])


def test_each_answer_said_for_what_it_is_and_the_url_never(monkeypatch: pytest.MonkeyPatch) -> None:
    reasons: list[str] = []
    with gateway() as (base, posted):
        for path, expected in (
            ("/redirect", ("refused", {"kind": "webhook-redirect", "channel": "sms", "status": 302})),
            ("/status/404", ("refused", {"kind": "webhook-refused", "channel": "sms", "status": 404})),
            ("/status/503", ("error", {"kind": "webhook-error", "channel": "sms", "status": 503})),
        ):
            out = deliver("json", f"{base}{path}?t={SECRET}", monkeypatch)
            assert [(d.outcome, said(d.reason)) for d in out] == [expected, expected], path
            reasons += [d.reason for d in out]
        assert [p.split("?")[0] for p, _, _ in posted.requests] == ["/redirect", "/status/404", "/status/503"]
    out = deliver("json", f"http://127.0.0.1:{closed_port()}/{SECRET}", monkeypatch)
    assert [(d.outcome, said(d.reason)) for d in out] == [
        ("unreachable", {"kind": "webhook-unreachable", "channel": "sms", "error": "ConnectError"})] * 2
    reasons += [d.reason for d in out]
    out = deliver("json", f"http://{SECRET}.invalid/", monkeypatch)
    assert [d.outcome for d in out] == ["unreachable"] * 2
    reasons += [d.reason for d in out]
    assert SECRET not in "".join(reasons)


def test_no_answer_within_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No bound on the clock (a loaded machine may take longer): an answer that trickles in, each byte within the
    read time-out, is cut only by the whole deadline, and says so with the status it began with."""
    with gateway() as (base, _):
        out = deliver("json", f"{base}/hang", monkeypatch, seconds=0.5)
        assert [(d.outcome, said(d.reason)) for d in out] == [
            ("timeout", {"kind": "webhook-timeout", "channel": "sms", "seconds": "0.5"})] * 2
        out = deliver("json", f"{base}/trickle", monkeypatch, seconds=1)
        assert [(d.outcome, said(d.reason)) for d in out] == [
            ("timeout", {"kind": "webhook-late", "channel": "sms", "status": 200, "seconds": "1"})] * 2


def test_a_slow_answer_within_the_deadline_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    with gateway() as (base, _):
        out = deliver("json", f"{base}/trickle", monkeypatch, seconds=20)
    assert [(d.outcome, d.reason) for d in out] == [("accepted", "HTTP 200")] * 2


def test_a_slow_answer_never_keeps_the_command_from_ending() -> None:
    """Given up at the deadline, the worker that still reads the answer does not hold the process: a call-out
    ends when its deadline says, not when a trickling gateway is done (30 s here)."""
    code = (
        "import sys\n"
        "from dso_calamiteit.adapters.notifiers.webhook import post\n"
        "print(post(sys.argv[1], {}, 'k', 0.5, 'sms')[0])\n"
    )
    here = str(Path(wh.__file__).parents[3])  # the package this test runs against (a mutation run's copy too)
    env = {**os.environ, "PYTHONPATH": here}
    if env.get("MUTANT_UNDER_TEST") == "stats":  # mutmut's coverage pass: the child cannot record it (no config)
        del env["MUTANT_UNDER_TEST"]
    with gateway() as (base, _):
        done = subprocess.run([sys.executable, "-c", code, f"{base}/trickle-long"], capture_output=True, text=True,
                              timeout=25, env=env)
    assert (done.returncode, done.stdout) == (0, "timeout\n"), done.stderr


def test_a_card_without_text_parts_that_does_not_fit_says_nothing_was_cut() -> None:
    """A call-out with no text sections whose subject and facts alone are over the limit: nothing was left out,
    so no "Ingekort" line (it used to say so, from a count of -1 parts kept)."""
    call = replace(CALL, sections=())
    team = [person("anna"), person("bram")]
    too_small = size(wh.card(call, [])) - 1
    texts = [b.get("text") for b in body(wh.card(call, team, too_small))]
    assert CALL.cut_note not in texts and texts[-1] == "+2 meer"
    assert texts[0] == body(wh.card(call, []))[0]["text"]  # the subject stays


def test_the_worker_left_reading_a_slow_answer_is_a_daemon() -> None:
    """In-process twin of the test above (which mutmut cannot see, as it runs in a child): the thread still
    reading after the deadline is a daemon, so the process can end without it."""
    before = set(threading.enumerate())
    with gateway() as (base, _):
        assert wh.post(f"{base}/trickle-long", {}, "k", 0.5, "sms")[0] == "timeout"
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        workers = [t for t in left if getattr(t, "_target", None) is not None and "attempt" in repr(t._target)]
        assert workers, left  # the worker is still reading the trickle
        assert all(t.daemon for t in workers), workers


def test_text_that_fits_without_the_team_is_kept_whole() -> None:
    """When the text fits with nobody listed but not with one person, the card keeps every part and lists no one
    (the team is cut before any text is)."""
    parts = tuple((f"Deel {i}", (f"regel {i} " + "x" * 200,)) for i in range(3))
    call = replace(CALL, sections=parts)
    team = [person("anna"), person("bram")]
    whole = wh.card(call, team)
    for limit in range(size(whole) - 1, 0, -1):
        cut = wh.card(call, team, limit)
        if shown(cut)[0] == 0:  # the largest limit at which nobody is listed any more
            texts = [b.get("text") for b in body(cut)]
            assert sum(1 for t in texts if str(t).startswith("Deel ")) == 3, texts
            assert CALL.cut_note not in texts and size(cut) <= limit
            break
    else:
        raise AssertionError("never cut to nobody")
