"""The short lines (korte lijnen): per situation the organisation to go to, and the contacts that means."""

from __future__ import annotations

from dataclasses import field
from typing import Any, ClassVar, NamedTuple

from .assessment import Assessment
from .contacts import TIERS, Contact, ContactsFile, Tier, pick
from .errors import UsageError, suggest
from .language import _
from .records import record
from .schema import STRICT
from .teams import Convocation


@record
class Situation:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Vaste id, te kiezen met `assess --situatie ID`."""
    title: str
    """Omschrijving van de situatie."""


@record
class Route:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Vaste id van deze lijn."""
    when: str
    """Wanneer deze lijn geldt, letterlijk uit de bron."""
    to: tuple[str, ...]
    """Ids van de organisaties waar u naartoe gaat."""
    also: tuple[str, ...] = ()
    """Ids van organisaties die u zo nodig ook inschakelt."""
    tiers: tuple[Tier, ...] = ()
    """Voor welke laag van contact (operationeel, tactisch, strategisch) deze lijn geldt (leeg: alle lagen)."""
    situation: str | None = None
    """Geldt alleen bij deze situatie (id uit situations); leeg: altijd."""
    min_level: int | None = None
    """Geldt vanaf dit escalatieniveau (leeg: vanaf het basisniveau)."""
    max_level: int | None = None
    """Geldt tot en met dit escalatieniveau (leeg: tot het hoogste)."""

    def applies(self, level: int, situation: str | None) -> bool:
        if self.min_level is not None and level < self.min_level:
            return False
        if self.max_level is not None and level > self.max_level:
            return False
        return situation is None or self.situation in (None, situation)


@record
class RoutingFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    situations: tuple[Situation, ...]
    """Soorten verstoring waarop de routering kan worden toegespitst."""
    routes: tuple[Route, ...]
    """De korte lijnen."""

    def routes_for(self, level: int, situation: str | None = None) -> list[Route]:
        return [r for r in self.routes if r.applies(level, situation)]


class RoutedContact(NamedTuple):
    """A contact to call, with the line that brought it in and whether it is an 'also, if needed'. A named tuple,
    not a frozen dataclass: `assess` at 10,000 contacts makes 10,000 of them, and a frozen dataclass sets each
    field through object.__setattr__ (contacts_for 11 -> 7 ms)."""

    route: str
    contact: Contact
    optional: bool


def contacts_for(routes: list[Route], matrix: ContactsFile) -> list[RoutedContact]:
    """The contacts of the organisations the routes lead to, at the routes' tiers, each contact once.

    Organisations a route goes `to` come before those it names under `also`, so a contact that one line
    requires and another only suggests is listed as required.
    """
    seen: set[int] = set()
    result = []
    for optional in (False, True):
        for route in routes:
            orgs = route.also if optional else route.to
            for i in matrix.at(orgs, route.tiers or TIERS):  # the index, not every contact per line
                if i not in seen:
                    seen.add(i)
                    result.append(RoutedContact(route.id, matrix.contacts[i], optional))
    return result


def level_span(route: Route) -> str:
    """The levels a line holds at, in words: 'alle', 'vanaf 1', 't/m 1' or '1 t/m 2'."""
    low, high = route.min_level, route.max_level
    if low is None and high is None:
        return _("alle")
    if high is None:
        return _("vanaf {low}").format(low=low)
    return _("t/m {high}").format(high=high) if low is None else _("{low} t/m {high}").format(low=low, high=high)


@record
class Briefing:
    """Everything `assess` reports, built once and shown as tables or JSON: the assessment, the lines to
    follow at its level, the contacts they lead to, and (when the level has a team) whom to convene."""

    result: Assessment
    situation: str | None
    routes: list[Route]
    routed: list[RoutedContact]
    convene: Convocation | None
    call_now: list[Any] = field(default_factory=list)  # app.readiness.Call: whom to phone now, in order
    asked: str | None = None  # the moment asked with --op, as shown ('za 05-12-2026 02:10'); None: now


def chosen_situation(routing: RoutingFile, chosen: str | None) -> str | None:
    """The id of a --situatie given by id or title (any case, accents optional), or None; an unknown one is
    refused with the nearest suggestion."""
    if chosen is None:
        return None
    situations = [s.id for s in routing.situations]
    found = pick(chosen, [(s.id, s.title) for s in routing.situations])
    if found is None:
        raise UsageError(
            _("--situatie '{chosen}': onbekend.").format(chosen=chosen) + suggest(chosen, situations),
            _("Kies uit: {choices}.").format(choices=", ".join(situations)),
        )
    return found
