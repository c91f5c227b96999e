"""The validated configuration, found the way config.py describes: what every face starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import config
from ..domain.errors import ConfigError

if TYPE_CHECKING:
    from ..adapters.config import Config, Source
    from ..domain.errors import Problem


def load(config_dir: Path | None) -> Config:
    return config.load(config.locate(config_dir))


@dataclass
class Checked:
    """Which file of each kind is used, every problem in them, and a summary when there are none."""

    sources: list[Source]
    problems: list[Problem] = field(default_factory=list)
    summary: str | None = None
    warnings: list[str] = field(default_factory=list)  # valid, but worth knowing before a call-out


def check(config_dir: Path | None) -> Checked:
    sources = config.locate(config_dir)
    try:
        cfg = config.load(sources)
    except ConfigError as exc:
        return Checked(sources, exc.problems)
    summary = (
        f"Alles in orde: {len(cfg.criteria.levels)} niveaus, "
        f"{len(cfg.criteria.all_criteria())} criteria, {len(cfg.contacts.organisations)} organisaties, "
        f"{len(cfg.contacts.contacts)} contacten, {len(cfg.routing.routes)} lijnen."
    )
    from ..domain.callout import address_warnings  # only `check` needs the call-out's rules

    return Checked(sources, [], summary, address_warnings(cfg.contacts.contacts) + callout_bound(cfg))


def callout_bound(cfg: Config) -> list[str]:
    """How long a call-out can take at most, said by `check` (see domain.callout.bound)."""
    from ..domain.callout import bound

    seconds = bound(cfg.callout, len(cfg.contacts.contacts))
    if not seconds:
        return []
    return [f"een oproep duurt hoogstens {seconds:g} s (alle kanalen tegelijk; ieder bericht met zijn eigen deadline)"]
