"""Team composition (config/teams.yaml): who sits in the OCT and SCT, by role, linked to the contact matrix.

A level in criteria.yaml names its team (`team: OCT`); a team here with the same id says whom to convene.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from .contacts import Contact, ContactsFile
from .language import _
from .records import record
from .schema import STRICT

Group = Literal["kernteam", "opgeroepen", "koepel"]
GROUP_ORDER = ("kernteam", "opgeroepen", "koepel")


@record
class Member:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    org: str
    """Organisatie-id (contacts.yaml)."""
    role: str
    """Rol zoals in contacts.yaml; alle contacten met die rol bij die organisatie kunnen de plek vullen."""
    group: Group = "kernteam"
    """kernteam, opgeroepen (opgeroepen of genodigd) of koepel."""


@record
class Team:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    id: str
    """Korte naam, gelijk aan 'team' van een niveau in criteria.yaml (bijvoorbeeld OCT)."""
    name: str
    """Voluit."""
    members: tuple[Member, ...]
    """De rollen in het team."""


@record
class TeamsFile:
    __pydantic_config__: ClassVar[dict[str, Any]] = STRICT

    teams: tuple[Team, ...] = ()
    """De teams."""

    def team(self, name: str) -> Team | None:
        return next((t for t in self.teams if t.id.casefold() == name.casefold()), None)


def candidates(member: Member, matrix: ContactsFile) -> list[Contact]:
    """The contacts in `member`'s role at its organisation, in file order (by the index: not every contact)."""
    return [c for c in (matrix.contacts[i] for i in matrix.at((member.org,))) if c.role == member.role]


def ordered(team: Team) -> list[Member]:
    return sorted(team.members, key=lambda m: GROUP_ORDER.index(m.group))


@record
class Seat:
    """One role of a team at a moment: who fills it and is reachable, and who fills it with unknown readiness."""

    group: str
    org: str
    role: str
    reachable: tuple[Contact, ...]
    """On duty first, then file order: the first is whom to call."""
    unknown: tuple[Contact, ...]
    instead: str = ""
    """Who stands in ('waarnemer voor Bram Jansen'), or when nobody is reachable what to do instead ('weer
    bereikbaar vanaf … (naam)')."""
    stand_in: Contact | None = None
    """The person standing in for an absent holder of the role (also when they hold the role themselves)."""
    absent: Contact | None = None
    """The absent holder `stand_in` stands in for."""


def standing_in(absent: Contact) -> str:
    """What a stand-in is called, the one text for it: 'waarnemer voor Bram Jansen'."""
    return _("waarnemer voor {who}").format(who=absent.name or absent.role)


@record
class Convocation:
    """Whom to call together for a team at a moment: its roles in order, each with who is reachable."""

    team: str
    name: str
    members: tuple[Seat, ...]
