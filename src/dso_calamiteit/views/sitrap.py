"""A sitrap written out: Markdown for mail and chat, plain text for a terminal or an SMS-like channel, JSON for
scripts. The content is domain.sitrap's; here only how it reads.

Of a broken chain the first line says so, and then what the face that made the report says about it (`anyway`):
the CLI that it was made all the same with `--toch`, the web page what to do with the concept. The face words it,
as it knows its own flags; every writer but the JSON (which says `chain.verified`) takes it."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any, Protocol

from ..domain import dutchtime, safetext
from ..domain.confirmation import ANSWER_WORDS
from ..domain.language import _, counted
from ..domain.logbook import Action, Entry
from ..domain.records import record
from ..domain.sitrap import Answered, Sitrap, Step, by_role
from .jsondoc import dumps
from .readiness import convocation_json


def _corrects(e: Entry) -> str:
    """An entry that corrects an earlier one says so in words, in every format (the earlier one is left out)."""
    return " " + _("(correctie van regel {n})").format(n=e.data["corrects"]) if "corrects" in e.data else ""


def _title(s: Sitrap) -> str:
    if s.concept:
        return _("CONCEPT situatierapport (nog zonder nummer)")
    return _("Situatierapport {number}").format(number=s.number) if s.number is not None else _("Eindrapport")


def _step_note(h: Step) -> str:
    if not h.decided:
        return ""
    return " " + (
        _("(besluit, tegen het advies: {advised})").format(advised=h.advised) if h.advised else _("(besluit)")
    )


def _deadline(a: Action) -> str:
    return dutchtime.local(a.deadline) if a.deadline else "—"


def _status(a: Action, overdue: frozenset[int]) -> str:
    if a.number in overdue:
        return _("open, te laat")
    return _("open") if a.open else _("gereed {moment}").format(moment=dutchtime.local(a.done_at or ""))


@record
class _Style:
    """How one format writes the report's pieces; `esc` is applied to every text that comes from the logbook."""

    esc: Callable[[str], str]
    strong: Callable[[str], str]
    em: Callable[[str], str]
    heading: Callable[[str, int], str]
    markdown: bool
    card: bool = False  # plain lines for an Adaptive Card: a table's rows as list items, headings marked


_MD = _Style(
    esc=safetext.markdown,
    strong=lambda t: f"**{t}**",
    em=lambda t: f"_{t}_",
    heading=lambda t, level: f"{'#' * level} {t}",
    markdown=True,
)
_TEXT = _Style(esc=safetext.one_line, strong=str, em=str, heading=lambda t, level: t, markdown=False)
_HEADING = "\x00"  # marks a heading line in the card's plain text (one_line makes a NUL of the data visible)
_CARD = _Style(
    esc=safetext.one_line, strong=str, em=str, heading=lambda t, level: _HEADING + t, markdown=False, card=True
)


def _table(style: _Style, header: list[str], rows: list[list[str]]) -> list[str]:
    if style.card:  # a card shows no table (Teams renders no pipe tables): one list item per row
        return ["- " + " · ".join(cell for cell in row if cell.strip()) for row in rows]
    if style.markdown:
        return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
            "| " + " | ".join(row) + " |" for row in rows
        ]
    return ["  ".join(header)] + ["  ".join(row) for row in rows]


def _write(s: Sitrap, org_names: dict[str, str], style: _Style, anyway: str) -> str:
    i, esc, strong, em, by = s.incident, style.esc, style.strong, style.em, s.signed
    lines = []
    if s.broken:  # the first line: nobody reads this report as if nothing happened
        lines += [
            strong(_("LET OP: de hashketen van dit logboek klopt niet"))
            + f" ({esc(s.broken[0])}"
            + (_("; en nog {count}").format(count=len(s.broken) - 1) if len(s.broken) > 1 else "")
            + "); "
            + anyway,
            "",
        ]
    lines += [style.heading(f"{_title(s)} — incident {esc(i.id)}: {esc(i.title)}", 1), ""]
    made_by = _("{moment} door {who}")
    lines.append(
        "- " + strong(_("Opgesteld:")) + " " + made_by.format(moment=dutchtime.local(s.made_at), who=esc(by(s.author)))
    )
    lines.append(
        "- "
        + strong(_("Geopend:"))
        + " "
        + made_by.format(moment=dutchtime.local(i.opened_at), who=esc(by(i.opened_by)))
    )
    if i.closed_at:
        lines.append("- " + strong(_("Gesloten:")) + f" {dutchtime.local(i.closed_at)} — {esc(i.close_reason)}")
    level = s.level
    team = f" ({esc(level.team_name)})" if level.team_name and level.team_name != level.team else ""
    lines.append("- " + strong(_("Niveau:")) + f" {esc(level.label)}{team}")
    if i.situation:
        lines.append("- " + strong(_("Situatie:")) + f" {esc(i.situation)}")
    lines += ["", style.heading(_("Niveauverloop"), 2), ""]
    lines += _table(
        style,
        [_("Tijd"), _("Van"), _("Naar"), _("Door"), _("Reden")],
        [
            [
                dutchtime.local(h.at),
                esc(h.before) or "—",
                esc(h.after),
                esc(by(h.author)),
                esc(h.reason) + _step_note(h),
            ]
            for h in s.history
        ],
    )
    since = _("sinds situatierapport {number}").format(number=s.since) if s.since else _("sinds het begin")
    lines += ["", style.heading(_("Beeld ({since})").format(since=since), 2), ""]
    if s.earlier_picture:  # only the newest are shown: the rest is in the logbook
        earlier = counted(s.earlier_picture, "eerdere waarneming", "eerdere waarnemingen")
        lines.append("- " + _("… en {earlier}: zie het logboek").format(earlier=earlier))
    lines += [
        f"- {dutchtime.local(o.at)} {esc(o.data['text'])}{_corrects(o)} {em(f'({esc(s.by(o))})')}"
        for o in s.picture
    ]
    if not s.picture:
        lines.append(_("Geen nieuwe feiten.") if s.last_picture else _("Nog geen beeld vastgelegd."))
        if s.last_picture is not None:
            o = s.last_picture
            lines.append(
                "- "
                + _("Laatst vastgesteld, {moment}:").format(moment=dutchtime.local(o.at))
                + f" {esc(o.data['text'])}{_corrects(o)} {em(f'({esc(s.by(o))})')}"
            )
    lines += ["", style.heading(_("Oordeel (knelpunten, risico's)"), 2), ""]
    lines += [
        f"- {dutchtime.local_time(j.at)} {esc(j.data['text'])}{_corrects(j)} {em(f'({esc(s.by(j))})')}"
        for j in s.judgements
    ] or [_("Geen.")]
    if s.earlier_judgements:
        command = f"calamiteit incident show {safetext.one_line(i.id)}"
        shown = f"`{command}`" if style.markdown else command
        lines.append(
            "- "
            + em(
                _("… en {count} eerdere in het logboek ({command}).").format(count=s.earlier_judgements, command=shown)
            )
        )
    lines += ["", style.heading(_("Besluiten"), 2), ""]
    if s.decisions:
        lines += _table(
            style,
            ["#", _("Tijd"), _("Besluit"), _("Actiehouder"), _("Deadline"), _("Status")],
            [
                [str(a.number), dutchtime.local(d.at), esc(a.text), esc(a.owner), _deadline(a), _status(a, s.overdue)]
                for d, a in s.decisions
            ],
        )
    else:
        lines.append(_("Geen."))
    lines += ["", style.heading(_("Open acties"), 2), ""]
    box = "[ ] " if style.markdown else ""
    lines += [
        f"- {box}{strong(f'{a.number}.')} {esc(a.text)} — {esc(a.owner)}, "
        + _("deadline {moment}").format(moment=_deadline(a))
        + (" " + strong(_("TE LAAT")) if a.number in s.overdue else "")
        for a in s.open_actions
    ] or [_("Geen.")]
    if s.team is not None:
        lines += ["", style.heading(_("Bijeen te roepen: {team}").format(team=esc(s.team.name)), 2), ""]
        for m in s.team.members:
            who = m.reachable[0] if m.reachable else None
            reach = f"{esc(who.name or who.role)}, {esc(who.phone or '')}" if who else _("niemand bereikbaar")
            lines.append(f"- {esc(m.role)} ({esc(org_names.get(m.org, m.org))}): {reach}")
    if s.answers:
        lines += ["", style.heading(_("Bevestigingen van de oproep"), 2), ""]
        for role, people in by_role(s.answers).items():
            lines.append(f"- {esc(role)}: " + "; ".join(_answer(a, esc) for a in people))
    lines += ["", style.heading(_("Routering op dit niveau"), 2), ""]
    lines += [
        f"- {esc(r.when)}{' (' + ', '.join(r.tiers) + ')' if r.tiers else ''}: "
        f"{', '.join(esc(org_names.get(o, o)) for o in r.to)}"
        + (
            "; "
            + _("zo nodig ook {organisations}").format(
                organisations=", ".join(esc(org_names.get(o, o)) for o in r.also)
            )
            if r.also
            else ""
        )
        for r in s.routes
    ]
    lines += ["", style.heading(_("Prognose en volgende update"), 2), ""]
    if s.next_update is not None:
        lines.append(
            _("Uiterlijk {moment} (elke {minutes} minuten op {level}).").format(
                moment=strong(dutchtime.local(s.next_update)), minutes=s.every_minutes, level=esc(level.name)
            )
        )
    else:
        lines.append(_("Geen: het incident is gesloten."))
    head = f"`{i.head[:16]}`" if style.markdown else i.head[:16]
    foot = _("Logboek: {entries}, laatste hash {head}.").format(
        entries=counted(i.entries, "regel", "regels"), head=head
    )
    lines += ["", em(foot), ""]
    return "\n".join(lines)


def _answer(a: Answered, esc: Callable[[str], str]) -> str:
    """'Lotte Meijer komt (sinds 09:12, telefoon)', '… kan niet komen (…)', '… geen antwoord (opgeroepen 09:01)'."""
    when = dutchtime.local_time(a.since) if a.since else "?"
    if not a.answer:
        return _("{name} geen antwoord (opgeroepen {moment})").format(name=esc(a.name), moment=when)
    answer = _(ANSWER_WORDS[a.answer]) if a.answer in ANSWER_WORDS else a.answer
    return _("{name} {answer} (sinds {moment}, {via})").format(
        name=esc(a.name), answer=answer, moment=when, via=esc(a.via)
    )


def markdown(s: Sitrap, org_names: dict[str, str], *, anyway: str) -> str:
    """Markdown that reads well pasted into mail or chat: short sections, small tables, no HTML.

    Text from the logbook is escaped: it never becomes a link, an image, a tag or a heading.
    """
    return _write(s, org_names, _MD, anyway)


def text(s: Sitrap, org_names: dict[str, str], *, anyway: str) -> str:
    """Plain text for a terminal or SMS-like channel: the same sections, data shown exactly as written."""
    return _write(s, org_names, _TEXT, anyway).rstrip("\n") + "\n"


def card_sections(s: Sitrap, org_names: dict[str, str], *, anyway: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The sitrap for an Adaptive Card (rapport --verstuur to Teams): (heading, lines) of plain text, the same
    content as the text format, tables as list items; the card escapes every line for Teams' Markdown subset."""
    sections: list[tuple[str, list[str]]] = []
    for line in _write(s, org_names, _CARD, anyway).splitlines():
        if line.startswith(_HEADING):
            sections.append((line[len(_HEADING):], []))
        elif line.strip():
            if not sections:
                sections.append(("", []))
            sections[-1][1].append(line)
    return tuple((heading, tuple(lines)) for heading, lines in sections)


def as_json(s: Sitrap, org_names: dict[str, str], *, anyway: str = "") -> str:  # chain.verified says it
    i = s.incident

    def note(o: Entry) -> dict[str, Any]:
        return {"n": o.n, "at": o.at, "author": o.author, "text": o.data["text"], "corrects": o.data.get("corrects")}

    doc: dict[str, Any] = {
        "chain": {"verified": not s.broken, "faults": s.broken},
        "number": s.number,
        "concept": s.concept,
        "incident": {
            "id": i.id,
            "title": i.title,
            "opened_at": i.opened_at,
            "closed_at": i.closed_at,
            "situation": i.situation,
        },
        "made_at": dutchtime.stamp(s.made_at),
        "author": s.author,
        "level": {"level": s.level.level, "name": s.level.name, "team": s.level.team},
        "history": [vars(h) for h in s.history],
        "since_report": s.since,
        "observations": [note(o) for o in s.picture],
        "earlier_observations": s.earlier_picture,
        "picture": None if s.last_picture is None else note(s.last_picture),
        "judgements": [
            {"at": j.at, "author": j.author, "text": j.data["text"], "corrects": j.data.get("corrects")}
            for j in s.judgements
        ],
        "earlier_judgements": s.earlier_judgements,
        "decisions": [_action(a, s.overdue) | {"at": d.at, "author": d.author} for d, a in s.decisions],
        "open_actions": [_action(a, s.overdue) for a in s.open_actions],
        "team": convocation_json(s.team),
        "confirmations": [
            {
                "role": a.role,
                "recipient": a.recipient,
                "name": a.name,
                "answer": a.answer or None,
                "via": a.via or None,
                "since": a.since or None,
            }
            for a in s.answers
        ],
        "routing": [
            {
                "when": r.when,
                "tiers": list(r.tiers),
                "to": [org_names.get(o, o) for o in r.to],
                "also": [org_names.get(o, o) for o in r.also],
            }
            for r in s.routes
        ],
        "every_minutes": s.every_minutes,
        "next_update": None if s.next_update is None else dutchtime.stamp(s.next_update),
        "log": {"entries": i.entries, "head": i.head},
    }
    return dumps("sitrap", doc) + "\n"


def _action(a: Action, overdue: frozenset[int]) -> dict[str, Any]:
    return {
        "number": a.number,
        "text": a.text,
        "owner": a.owner,
        "deadline": a.deadline,
        "open": a.open,
        "overdue": a.number in overdue,
        "done_at": a.done_at,
    }


# The formats of `rapport --format`; each takes the report and the organisations' names by id.
# The page's own style: one self-contained file for mail, readable on a phone, printed on A4. No script at all.
_PAGE_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 0 1rem; color: #111;
  background: #fff; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.5rem; border-bottom: 1px solid #bbb; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top;
  padding: .25rem .5rem; border-bottom: 1px solid #bbb; overflow-wrap: anywhere; }
thead th { background: #e8eef5; } code { overflow-wrap: anywhere; }
@page { size: A4; margin: 15mm; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; } h2 { break-after: avoid; }
  tr { break-inside: avoid; } }
"""


def html(s: Sitrap, org_names: dict[str, str], *, anyway: str) -> str:
    """`rapport --format html`: the sitrap as one self-contained HTML page (for mail, and to print on A4), from
    the same Markdown, rendered by markdown-it with raw HTML off: text from the logbook stays text."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown(s, org_names, anyway=anyway))
    title = escape(f"{_title(s)} — incident {s.incident.id}")
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n"
        "</body>\n</html>\n"
    )


class Writer(Protocol):
    def __call__(self, s: Sitrap, org_names: dict[str, str], *, anyway: str) -> str: ...


FORMATS: dict[str, Writer] = {
    "md": markdown,
    "text": text,
    "json": as_json,
    "html": html,
}
