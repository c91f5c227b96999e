"""The rounds of `oproep --escaleer` and `--bewaak` in English (issue 25): what each round says (a reminder, the
next one called out, nobody left, every role confirmed, the wait) and the hint after Ctrl-C, with `--lang en`;
against a real SMTP server on loopback, on a fixed clock."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
from .test_escalation import START, at, no_reminders, one_role, sent

# what a round says in Dutch: none of it may reach an English reader
DUTCH = ("Herinnering", "Volgende opgeroepen", "Niemand meer", "Elke rol", "Wacht nog", "onderbroken", "logboek",
         "rollen", "volgende ronde")


def english(text: str) -> None:
    assert not [w for w in DUTCH if w in text], text
    assert "Traceback" not in text


def test_escaleer_says_its_round_in_english(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sent(calamiteit, make_config, monkeypatch) as done:
        folder, incident = done.folder, done.incident
        at(monkeypatch, 5)
        early = calamiteit("--lang", "en", "oproep", incident, "--escaleer", "--config-dir", str(folder))
        at(monkeypatch, 11)
        late = calamiteit("--lang", "en", "oproep", incident, "--escaleer", "--config-dir", str(folder))
    assert early.code == exitcodes.OK, early.err
    assert "Still waiting for 8 roles; next round from Wed 25-11-2026 10:10." in early.err, early.err
    assert late.code in (exitcodes.OK, exitcodes.CALLOUT_INCOMPLETE), late.err
    assert "Reminder to Lotte Meijer." in late.err and "Next one called out: " in late.err, late.err
    english(early.err + late.err)


def test_bewaak_in_english_until_nobody_is_left(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sent(calamiteit, make_config, monkeypatch, no_reminders, teams=one_role(shipped)) as done:
        folder, incident = done.folder, done.incident
        moments = iter(range(11, 60, 6))
        monkeypatch.setattr(clock, "now", lambda: START.replace(minute=next(moments)))
        monkeypatch.setattr(time, "sleep", lambda _: None)
        watched = calamiteit("--lang", "en", "oproep", incident, "--bewaak", "--config-dir", str(folder))
    assert watched.code == exitcodes.CALLOUT_INCOMPLETE, watched.err
    assert "Next one called out: " in watched.err and "(Voorzitter OCT)." in watched.err
    assert "Nobody left to call out for: Voorzitter OCT." in watched.err
    english(watched.err)


def test_bewaak_in_english_ends_once_every_role_is_confirmed(
    calamiteit: Invoke, make_config: Callable[..., Path], shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sent(calamiteit, make_config, monkeypatch, teams=one_role(shipped)) as done:
        folder, incident = done.folder, done.incident
        # the one called confirms: the first look finds every role confirmed
        doc = json.loads(calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder)).out)
        (first,) = doc["called"]
        assert calamiteit("bevestig", incident, first["recipient"], "--komt", "--config-dir", str(folder)).code == 0
        at(monkeypatch, 11)
        watched = calamiteit("--lang", "en", "oproep", incident, "--bewaak", "--config-dir", str(folder))
    assert watched.code == exitcodes.OK, watched.err
    assert "Every role confirmed (1)." in watched.err
    english(watched.err)


def test_bewaak_stopped_by_ctrl_c_says_so_in_english(
    calamiteit: Invoke, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sent(calamiteit, make_config, monkeypatch) as done:
        folder, incident = done.folder, done.incident
        at(monkeypatch, 5)  # within the wait: it waits, and is stopped while it waits

        def ctrl_c(_: float) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(time, "sleep", ctrl_c)
        stopped = calamiteit("--lang", "en", "oproep", incident, "--bewaak", "--config-dir", str(folder))
    assert stopped.code == exitcodes.INTERRUPTED, stopped.err
    assert "0 reminders and 0 next ones called out" in stopped.err
    assert f"What was sent is in the logbook: 'calamiteit oproep {incident} --status'." in stopped.err
    assert "Still waiting for 8 roles" in stopped.err
