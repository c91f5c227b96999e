"""What this process has written to the logbook, so that Ctrl-C can say whether the entry was stored.

A runbook that retries on exit 130 must know whether its entry is already in: the message says so. The
commit itself runs with Ctrl-C held back, so the answer is never a guess about a half-finished COMMIT.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..domain.language import _

_counts = {"began": 0, "committed": 0}


def reset() -> None:
    _counts["began"] = _counts["committed"] = 0


def began() -> None:
    _counts["began"] += 1


def committed() -> None:
    _counts["committed"] += 1


def outcome() -> str | None:
    """One line for an interrupted command that writes; None when it had not started writing."""
    if _counts["committed"]:
        return _(
            "wat al was vastgelegd, staat in het logboek (niet opnieuw vastleggen; zie 'calamiteit incident show')"
        )
    if _counts["began"]:
        return _("er is niets vastgelegd in het logboek")
    return None


@contextmanager
def no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done, then raise it: a commit is never interrupted half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt
