"""The validated configuration, found the way config.py describes: what every face starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import config
from ..domain.errors import ConfigError

if TYPE_CHECKING:
    from ..adapters.config import Config, Source
    from ..domain.errors import Disagreement, Problem


def load(config_dir: Path | None) -> Config:
    return config.load(config.locate(config_dir))


@dataclass
class Checked:
    """Which file of each kind is used, every problem in them, and a summary when there are none."""

    sources: list[Source]
    problems: list[Problem] = field(default_factory=list)
    summary: str | None = None
    warnings: list[str] = field(default_factory=list)  # valid, but worth knowing: own files and shipped defaults
    # that disagree, addresses a mail server may refuse, how long a call-out can take
    disagreements: list[Disagreement] = field(default_factory=list)  # the first of these, for `check --json`


def check(config_dir: Path | None) -> Checked:
    sources = config.locate(config_dir)
    try:
        cfg = config.load(sources)
    except ConfigError as exc:
        return Checked(sources, exc.problems)
    found = cfg.all_problems()
    disagreements = cfg.disagreements()  # said by `check` itself, in its list and its JSON, not also on stderr
    warned = [str(d) for d in disagreements]
    if found:  # `check` reads every file: each problem of each of them, and where own and shipped disagree
        return Checked(sources, found, None, warned, disagreements)
    summary = (
        f"Alles in orde: {len(cfg.criteria.levels)} niveaus, "
        f"{len(cfg.criteria.all_criteria())} criteria, {len(cfg.contacts.organisations)} organisaties, "
        f"{len(cfg.contacts.contacts)} contacten, {len(cfg.routing.routes)} lijnen."
    )
    from ..domain.callout import address_warnings  # only `check` needs the call-out's rules

    also = address_warnings(cfg.contacts.contacts) + callout_bound(cfg)
    return Checked(sources, [], summary, warned + also, disagreements)


def callout_bound(cfg: Config) -> list[str]:
    """How long a call-out can take at most, said by `check`: per channel (they run side by side, so the
    slowest counts), and what makes the slowest slow (see domain.callout.bounds)."""
    from ..domain.callout import EMAIL, bounds, channel_word

    found = sorted(bounds(cfg.callout, cfg.contacts.contacts), key=lambda b: -b.seconds)
    if not found:
        return []
    slowest = found[0]
    each = ", ".join(f"{channel_word(b.channel)} {b.seconds:g} s" for b in found)
    lines = [f"een oproep duurt hoogstens {slowest.seconds:g} s: de kanalen lopen tegelijk, dus telt het "
             f"traagste ({each})"]
    if slowest.channel == EMAIL and slowest.messages > 1:
        t = slowest.deadline
        lines.append(
            f"het langst duurt e-mail: verbinding {t:g} s + {slowest.messages} berichten na elkaar, elk hoogstens "
            f"drie deadlines van {t:g} s (het bericht, een nieuwe verbinding, een tweede poging) + 2 s; dat is het "
            f"ergste geval, "
            f"als elke server zijn deadline opmaakt. Korter met een lagere email.timeout_seconds, of met "
            f"separate: false (één bericht in BCC: {t + 3 * t + 2:g} s)"
        )
    elif slowest.channel == EMAIL:
        lines.append(f"het langst duurt e-mail: verbinding en één bericht, elk binnen {slowest.deadline:g} s")
    else:
        lines.append(f"het langst duurt {slowest.channel}: één POST met een deadline van {slowest.deadline:g} s "
                     "(timeout_seconds van die webhook)")
    cap = cfg.callout.deadline_seconds
    if cap is not None and cap < slowest.seconds:
        lines.append(f"deadline_seconds: {cap:g} s begrenst de hele oproep: daarna probeert geen kanaal nog een "
                     "volgende ontvanger; wat niet verstuurd is, blijft openstaan en gaat mee met de volgende run")
    return lines
