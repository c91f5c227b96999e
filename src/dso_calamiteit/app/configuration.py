"""The validated configuration, found the way config.py describes: what every face starts from."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import config
from ..domain.errors import ConfigError
from ..domain.language import _, counted
from ..domain.records import record

if TYPE_CHECKING:
    from ..adapters.config import Config, Source
    from ..domain.errors import Disagreement, Problem


def load(config_dir: Path | None) -> Config:
    return config.load(config.locate(config_dir))


@record(frozen=False)
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
    summary = _("Alles in orde: {levels}, {criteria}, {organisations}, {contacts}, {lines}.").format(
        levels=counted(len(cfg.criteria.levels), "niveau", "niveaus"),
        criteria=counted(len(cfg.criteria.all_criteria()), "criterium", "criteria"),
        organisations=counted(len(cfg.contacts.organisations), "organisatie", "organisaties"),
        contacts=counted(len(cfg.contacts.contacts), "contact", "contacten"),
        lines=counted(len(cfg.routing.routes), "lijn", "lijnen"),
    )
    from ..domain.callout import address_warnings  # only `check` needs the call-out's rules

    english = [
        _("waarschuwing: criteria.yaml: {where} ontbreekt; met --lang en staat daar de Nederlandse tekst").format(
            where=gap
        )
        for gap in cfg.criteria.missing_english()
    ]
    also = english + address_warnings(cfg.contacts.contacts) + callout_bound(cfg)
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
    lines = [
        _("een oproep duurt hoogstens {seconds} s: de kanalen lopen tegelijk, dus telt het traagste ({each})").format(
            seconds=f"{slowest.seconds:g}", each=each
        )
    ]
    if slowest.channel == EMAIL and slowest.messages > 1:
        t = slowest.deadline
        lines.append(
            _(
                "het langst duurt e-mail: verbinding {t} s + {messages} berichten na elkaar, elk hoogstens "
                "drie deadlines van {t} s (het bericht, een nieuwe verbinding, een tweede poging) + 2 s; dat is het "
                "ergste geval, als elke server zijn deadline opmaakt. Korter met een lagere email.timeout_seconds, "
                "of met separate: false (één bericht in BCC: {bcc} s)"
            ).format(t=f"{t:g}", messages=slowest.messages, bcc=f"{t + 3 * t + 2:g}")
        )
    elif slowest.channel == EMAIL:
        lines.append(
            _("het langst duurt e-mail: verbinding en één bericht, elk binnen {seconds} s").format(
                seconds=f"{slowest.deadline:g}"
            )
        )
    else:
        lines.append(
            _(
                "het langst duurt {channel}: één POST met een deadline van {seconds} s "
                "(timeout_seconds van die webhook)"
            ).format(channel=slowest.channel, seconds=f"{slowest.deadline:g}")
        )
    cap = cfg.callout.deadline_seconds
    if cap is not None and cap < slowest.seconds:
        lines.append(
            _(
                "deadline_seconds: {seconds} s begrenst de hele oproep: daarna probeert geen kanaal nog een "
                "volgende ontvanger; wat niet verstuurd is, blijft openstaan en gaat mee met de volgende run"
            ).format(seconds=f"{cap:g}")
        )
    return lines
