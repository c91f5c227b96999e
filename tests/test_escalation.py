"""Escalation on a fixed clock: nothing before the wait; after it, a reminder to whoever did not answer and the
call-out to the next contact for that role; a role that confirmed is left alone; two `--escaleer` at once
send nothing twice (counted at the SMTP server)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, default_sigint, reaped
from .mail import Mailbox, smtp_server

pytestmark = pytest.mark.usefixtures("backend")  # deciding inside the write lock: on SQLite and on PostgreSQL

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
RUN = """
import os, sys
from datetime import datetime
from dso_calamiteit.adapters import clock
clock.now = lambda: datetime.fromisoformat(os.environ["TEST_NOW"])
from dso_calamiteit.cli import root
sys.exit(root.run(sys.argv[1:]))
"""


def at(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    monkeypatch.setattr(clock, "now", lambda: START.replace(minute=minutes))


def callout_yaml(port: int) -> str:
    return (
        f"email:\n  host: 127.0.0.1\n  port: {port}\n  security: geen\n  sender: calamiteiten@dso.example.nl\n"
        "escalation:\n  - {level: 1, wait_minutes: 10, repeats: 1}\n"
        "routes:\n  default: [email]\n"
    )


def no_reminders(port: int) -> str:
    """oproep.yaml of `callout_yaml` without a reminder: after the wait only the next contact is called."""
    return callout_yaml(port).replace("repeats: 1", "repeats: 0")


def one_role(shipped: Path) -> str:
    """teams.yaml with the OCT as one role of two contacts (the first called, then the other, then nobody)."""
    teams = (shipped / "config" / "teams.yaml").read_text(encoding="utf-8")
    start, end = teams.index("  - id: OCT"), teams.index("  - id: SCT")
    return teams[:start] + (
        "  - id: OCT\n    name: Operationeel Calamiteitenteam\n    members:\n"
        "      - {group: kernteam, org: dso-lv, role: Voorzitter OCT}\n"
    ) + teams[end:]


@dataclass
class Sent:
    box: Mailbox  # the SMTP server's mailbox: the call-out's messages are in it
    folder: Path  # the config folder (--config-dir)
    incident: str


@contextmanager
def sent(
    calamiteit: Invoke,
    make_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    callout: Callable[[int], str] = callout_yaml,
    **files: str,
) -> Iterator[Sent]:
    """A level-1 incident whose call-out went out at 09:00 on the fixed clock, by e-mail to a real SMTP server on
    loopback that stays up for the block; `callout` writes oproep.yaml for its port, `files` replace others."""
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout(port), **files)
        at(monkeypatch, 0)
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == exitcodes.OK
        yield Sent(box, folder, incident)


def test_after_the_wait_a_reminder_and_the_next_contact_and_never_twice(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sent(calamiteit, make_config, monkeypatch) as done:
        box, folder, incident = done.box, done.folder, done.incident
        first = set(box.to())
        at(monkeypatch, 5)
        early = calamiteit("oproep", incident, "--escaleer", "--config-dir", str(folder))
        assert early.code == exitcodes.OK and "Wacht nog op" in early.err and set(box.to()) == first
        calamiteit("bevestig", incident, "Lotte Meijer", "--komt", "--config-dir", str(folder))
        at(monkeypatch, 11)
        late = calamiteit("oproep", incident, "--escaleer", "--config-dir", str(folder))
        assert late.code in (exitcodes.OK, exitcodes.CALLOUT_INCOMPLETE), late.err
        reminded = [m for _, m in box.messages if str(m["Subject"]).startswith("Herinnering:")]
        to = [r for rcpts, m in box.messages if str(m["Subject"]).startswith("Herinnering:") for r in rcpts]
        assert reminded and "Herinnering aan" in late.err
        assert "l.meijer@dso-lv.example.nl" not in to  # she confirmed
        assert set(to) & first  # a reminder to someone who did not answer
        backups = set(to) - first
        assert backups and "Volgende opgeroepen" in late.err  # the next contact for a role, never called before
        count = len(box.messages)
        again = calamiteit("oproep", incident, "--escaleer", "--config-dir", str(folder))
        assert again.code == exitcodes.OK and len(box.messages) == count  # just escalated: nothing twice

        env = dict(os.environ, TEST_NOW=START.replace(minute=25).isoformat())
        argv = [sys.executable, "-c", RUN, "oproep", incident, "--escaleer", "--config-dir", str(folder)]
        both = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        with reaped(*both):
            outs = [p.communicate(timeout=60) for p in both]
        assert all(p.returncode in (0, 8) for p in both), outs
    second = [rcpts[0] for rcpts, m in box.messages[count:]]
    assert len(second) == len(set(second)), second  # two at once: nobody got this round twice
    said = [err for _, err in outs]
    assert sum("Herinnering aan" in e or "Volgende opgeroepen" in e for e in said) <= 1, said
    # a contact called at 09:11 as the next for a role, still silent at 09:25, gets their reminder
    called_next = {line.split(": ", 1)[1].rsplit(" (", 1)[0] for line in late.err.splitlines()
                   if line.startswith("Volgende opgeroepen: ")}
    reminded_now = {line.removeprefix("Herinnering aan ").rstrip(".") for e in said for line in e.splitlines()
                    if line.startswith("Herinnering aan ")}
    assert called_next & reminded_now, (called_next, reminded_now)


def test_a_second_escalation_between_deciding_and_sending_finds_it_claimed(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another coordinator's `--escaleer` that decides after this one decided, but before it sent: it finds the
    escalation claimed (recorded as intents inside the lock) and sends nobody anything."""
    from dso_calamiteit.app import configuration
    from dso_calamiteit.app import escalation as esc
    from dso_calamiteit.app.place import Place
    from dso_calamiteit.views import callout as words

    with sent(calamiteit, make_config, monkeypatch) as done:
        folder, incident = done.folder, done.incident
        at(monkeypatch, 11)
        real, inner, busy = esc.send, [], []

        def racing(*args, **kwargs):  # the other coordinator decides now
            if not busy:
                busy.append(True)
                config = configuration.load(folder)
                inner.append(esc.escalate(config, Place(None, None, folder), incident, clock.now(), words.message, "b"))
            return real(*args, **kwargs)

        monkeypatch.setattr(esc, "send", racing)
        done = calamiteit("oproep", incident, "--escaleer", "--config-dir", str(folder))
    assert done.code in (0, 8) and "Volgende opgeroepen" in done.err
    assert inner and inner[0].reminded == [] and inner[0].backups == [] and inner[0].sent is None


def test_bewaak_stops_on_ctrl_c_saying_what_it_sent(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    with sent(calamiteit, make_config, monkeypatch) as done:
        folder, incident = done.folder, done.incident
        env = dict(os.environ, TEST_NOW=START.replace(minute=5).isoformat())  # within the wait: it waits
        argv = [sys.executable, "-c", RUN, "oproep", incident, "--bewaak", "--config-dir", str(folder)]
        proc = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint
        )
        with reaped(proc):  # a timed-out wait leaves no `--bewaak` running on (it was found alive minutes later)
            assert proc.stderr is not None
            first = proc.stderr.readline()  # it says what it waits for before it waits: the signal comes after that
            assert re.match(r"Wacht nog op \d+ rollen; volgende ronde vanaf wo 25-11-2026 \d\d:\d\d\.$", first), first
            proc.send_signal(signal.SIGINT)
            _, rest = proc.communicate(timeout=60)
        err = first + rest
    assert proc.returncode == exitcodes.INTERRUPTED, err
    assert "onderbroken: bewaken gestopt; 0 herinneringen en 0 volgenden opgeroepen" in err
    assert "Traceback" not in err


def test_bewaak_says_plainly_when_nobody_is_left_for_a_role(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team of one role with two contacts, no reminders: the first is called, then the other, then nobody is
    left: `--bewaak` says so and exits 8 (its clock moves on six minutes each time it looks; it never sleeps)."""
    import time

    with sent(calamiteit, make_config, monkeypatch, no_reminders, teams=one_role(shipped)) as done:
        box, folder, incident = done.box, done.folder, done.incident
        first = set(box.to())
        moments = iter(range(11, 60, 6))
        monkeypatch.setattr(clock, "now", lambda: START.replace(minute=next(moments)))
        monkeypatch.setattr(time, "sleep", lambda _: None)
        watched = calamiteit("oproep", incident, "--bewaak", "--config-dir", str(folder))
    assert watched.code == exitcodes.CALLOUT_INCOMPLETE, watched.err
    assert "Niemand meer op te roepen voor: Voorzitter OCT." in watched.err
    assert len(first) == 1 and len(set(box.to())) == 2  # the one called, then the other; nobody twice
    assert len(box.to()) == 2


def test_bewaak_ends_with_exit_0_once_every_role_is_confirmed(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team of one role: the first contact does not answer, `--bewaak` calls the next after the wait; while it
    waits that one confirms; its next look finds every role confirmed: it says so and exits 0, sending no more."""
    import json
    import time

    with sent(calamiteit, make_config, monkeypatch, no_reminders, teams=one_role(shipped)) as done:
        box, folder, incident = done.box, done.folder, done.incident
        moments = iter(range(11, 60, 6))
        monkeypatch.setattr(clock, "now", lambda: START.replace(minute=next(moments)))
        confirmed: list[str] = []

        def answer_while_waiting(_: float) -> None:  # the backup confirms while --bewaak sleeps
            doc = json.loads(calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder)).out)
            (backup,) = [r for r in doc["called"] if "escalation" in r["callout"]]
            said = calamiteit("bevestig", incident, backup["recipient"], "--komt", "--config-dir", str(folder))
            assert said.code == exitcodes.OK, said.err
            confirmed.append(backup["name"])

        monkeypatch.setattr(time, "sleep", answer_while_waiting)
        watched = calamiteit("oproep", incident, "--bewaak", "--config-dir", str(folder))
    assert watched.code == exitcodes.OK, watched.err
    assert len(confirmed) == 1  # (the nested invocations took the stderr printed before the sleep)
    assert "Elke rol bevestigd (1)." in watched.err and "Niemand meer" not in watched.err
    assert len(box.to()) == 2  # the first, then the backup; nothing after the confirmation
