"""config/paraatheid.yaml: known contacts and organisations, hours with days, ends after starts."""

from __future__ import annotations

from ....domain.contacts import ContactsFile
from ....domain.errors import suggest
from ....domain.language import _
from ....domain.readiness import Hours, ReadinessFile, Requirement
from .common import Finding, Loc, at_least_one, unknown_org


def _hours(hours: tuple[Hours, ...], loc: Loc) -> list[Finding]:
    return [((*loc, "weekly", i, "days"), _("noem minstens één dag")) for i, h in enumerate(hours) if not h.days]


def _when(always: bool, weekly: tuple[Hours, ...], loc: Loc) -> list[Finding]:
    if always == bool(weekly):
        return [(loc, _("geef óf 'always: true' óf 'weekly' met dagen en tijden"))]
    return _hours(weekly, loc)


def check(f: ReadinessFile, contacts: ContactsFile | None) -> list[Finding]:
    out: list[Finding] = []
    ids = [c.id for c in contacts.contacts if c.id] if contacts else None
    orgs = [o.id for o in contacts.organisations] if contacts else None

    def contact(value: str, loc: Loc) -> None:
        if ids is not None and value not in ids:
            out.append(
                (
                    loc,
                    _("onbekend contact '{id}' (geef het contact een id in contacts.yaml).").format(id=value)
                    + suggest(value, ids),
                )
            )

    for i, s in enumerate(f.schedules):
        contact(s.contact, ("schedules", i, "contact"))
        out.extend(_when(s.always, s.weekly, ("schedules", i)))
    for i, r in enumerate(f.rotas):
        if not r.order:
            out.append((("rotas", i, "order"), _("noem minstens één contact")))
        for j, c in enumerate(r.order):
            contact(c, ("rotas", i, "order", j))
        if r.shift_hours < 1:
            out.append((("rotas", i, "shift_hours"), _("moet minstens 1 uur zijn")))
        if r.end is not None and r.end <= r.start:
            out.append((("rotas", i, "end"), _("het rooster eindigt voordat het begint")))
    for i, x in enumerate(f.exceptions):
        contact(x.contact, ("exceptions", i, "contact"))
        if x.stand_in is not None:
            contact(x.stand_in, ("exceptions", i, "stand_in"))
            if x.kind != "afwezig":
                out.append((("exceptions", i, "stand_in"), _("een waarnemer hoort bij kind: afwezig")))
        if x.end <= x.start:
            out.append((("exceptions", i, "end"), _("de uitzondering eindigt voordat hij begint")))

    def requirement(r: Requirement, loc: Loc) -> None:
        if orgs is not None and r.org not in orgs:
            out.append(((*loc, "org"), unknown_org(r.org, orgs)))
        if r.minimum < 1:
            out.append(((*loc, "minimum"), at_least_one()))
        out.extend(_when(r.always, r.weekly, loc))

    for i, req in enumerate(f.requirements):
        requirement(req, ("requirements", i))
    for i, h in enumerate(f.heightened):
        if h.end < h.start:
            out.append((("heightened", i, "end"), _("de periode eindigt voordat hij begint")))
        for j, req in enumerate(h.requirements):
            requirement(req, ("heightened", i, "requirements", j))
    return out
