"""The assessment briefing: the answers gathered, the level advised, and with it the routing, the contacts to
call and whom to convene; for an incident, recorded in its logbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import answers, dutchtime
from ..domain.contacts import TIERS
from ..domain.errors import ConfigError, UsageError
from ..domain.routing import Briefing, contacts_for
from ..domain.teams import candidates, ordered
from .readiness import Call, around, convocation, whom_to_call

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.assessment import Assessment
    from ..domain.criteria import CriteriaFile
    from ..domain.readiness import Reachability
    from ..domain.routing import Route, RoutedContact


def given(criteria: CriteriaFile, file: Path | None, flags: list[str]) -> dict[str, bool]:
    """The answers from an answers file (YAML or JSON) and from --answer flags (which win); ids checked."""
    found: dict[str, bool] = {}
    quick = None
    if file is not None:  # answers_file brings json and its line pattern: not for --answer flags alone
        from ..adapters import answers_file

        quick = answers_file.plain(file)
    if quick is not None:
        found.update(quick)
    elif file is not None:
        from ..adapters.config import yamlfile

        try:
            doc = yamlfile.read(file)
        except ConfigError as exc:  # a bad answers file is bad input (exit 2), not bad configuration
            raise UsageError(str(exc.problems[0])) from None
        found.update(answers.from_mapping(doc.data, lambda loc, message: str(doc.problem(loc, message))))
    found.update(answers.from_flags(flags))
    answers.check_known(criteria, found)
    return found


def brief(config: Config, result: Assessment, chosen: str | None, at: datetime, asked: bool = False) -> Briefing:
    """The advice with the routes of its level, the contacts those routes bring in, and whom to convene at `at`
    (`asked`: a moment given with --op, which the headings then name instead of 'Nu')."""
    routes = config.routing.routes_for(result.recommended.level, chosen)
    routed = contacts_for(routes, config.contacts)
    reach = around(at, config)  # once, for both the team to convene and whom to phone now
    convene = convocation(config, result.recommended.team, at, reach)
    calls = call_now(config, result, routes, routed, at, reach)
    return Briefing(result, chosen, routes, routed, convene, calls, dutchtime.local(at) if asked else None)


def call_now(
    config: Config,
    result: Assessment,
    routes: list[Route],
    routed: list[RoutedContact],
    at: datetime,
    reach: Reachability,
) -> list[Call]:
    """Whom to phone now, in order: each role of the level's team, then each line of the routing; people not
    reachable now and closed desks are left out, with what to do instead (a stand-in, the next opening)."""
    matrix = config.contacts
    names = {o.id: o.name for o in matrix.organisations}
    calls: list[Call] = []
    team = config.teams.team(result.recommended.team)
    if team is not None:
        for m in ordered(team):
            what = f"{m.role} ({names.get(m.org, m.org)})"
            calls.append(whom_to_call(config, what, candidates(m, config.contacts), at, reach))
    called = {c.contact.id for c in calls if c.contact is not None and c.contact.id}
    for route in routes:
        # every contact of the line's organisations and tiers, in file order: `routed` lists each contact
        # once over all lines, which would leave a second line to the same organisation without its people
        mine = [matrix.contacts[i] for i in matrix.at(route.to, route.tiers or TIERS)]  # the index, no scan
        if not mine:
            continue
        what = f"{route.when} → {', '.join(names.get(o, o) for o in route.to)}"
        call = whom_to_call(config, what, mine, at, reach, called)  # someone already listed: the next one
        calls.append(call)
        if call.contact is not None and call.contact.id:
            called.add(call.contact.id)
    return calls
