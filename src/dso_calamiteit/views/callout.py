"""A call-out in words: the message every channel sends (subject and Markdown), the preview of what would go
to whom (plain lines, without Rich), and the JSON of `oproep --json`. The table of what came of each delivery
is in views/tables/callout.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

from ..domain import dutchtime
from ..domain.callout import Draft, Message, Plan, channel_word
from ..domain.confirmation import REPLY_TEXT
from ..domain.delivery_reasons import dutch, words
from ..domain.language import N_, _, counted, current
from ..domain.safetext import markdown as esc
from ..domain.safetext import visible
from .jsondoc import dumps
from .sitrap import markdown as sitrap_markdown

if TYPE_CHECKING:
    from ..app.callout import Composed, Sent


def _facts(d: Draft) -> list[tuple[str, str]]:
    facts = [(_("Incident"), f"{d.incident.id}: {d.incident.title}"), (_("Niveau"), d.level.label)]
    if d.meeting:
        facts.append((_("Bijeenkomen"), d.meeting))
    # one next update: the one the sitrap in the message says (a convocation's concept), else the promised one
    due = d.concept.next_update if d.concept is not None else d.next_update
    if due:
        facts.append((_("Volgende update"), dutchtime.local(due)))
    return facts


def _sections(d: Draft) -> list[tuple[str, list[str]]]:
    """The decision that set the level; the advice beside it only when it says otherwise, marked as such. Plain
    text: the Markdown and the card each escape it their own way."""
    if d.decided_by:
        moment = dutchtime.local(d.decided_at)
        line = _("Van {before} naar {after}, besloten door {who} ({moment})").format(
            before=d.decided_from, after=d.level.label, who=d.decided_by, moment=moment
        )
        decision = line + (f": {d.decision_reason}" if d.decision_reason else ".")
    else:
        decision = _("{level} sinds de opening van het incident.").format(level=d.level.label)
    out = [(_("Besluit"), [decision])]
    if d.advised and d.advice_differs:
        advice = ([d.advice_reason] if d.advice_reason else []) + (
            [f"- {t}" for t in d.triggered] or ["- " + _("geen criterium met ja beantwoord")]
        )
        out.append((_("Advies (wijkt af van het besluit: {level})").format(level=d.advice_level), advice))
    return out


def _decision(sections: list[tuple[str, list[str]]]) -> list[str]:
    lines: list[str] = []
    for heading, body in sections:
        lines += ["", f"## {esc(heading)}", ""]
        lines += [f"- {esc(x[2:])}" if x.startswith("- ") else esc(x) for x in body]
    return lines


def message(d: Draft) -> Message:
    """The call-out as every channel sends it: a convocation (team, facts, advice, the picture now) or a sitrap."""
    return _confirming(_worded(d))


def _worded(d: Draft) -> Message:
    state, level, facts = d.incident, d.level, _facts(d)
    if d.purpose == "sitrap":
        subject = f"{d.subject_prefix} {state.id} · {level.label} · " + _("situatierapport {number}").format(
            number=d.report
        )
        subject = subject.strip()
        return Message(
            "sitrap",
            state.id,
            state.title,
            state.level,
            level.label,
            subject,
            d.report_text,
            tuple(facts),
            d.report,
            called_heading=_("Opgeroepen"),
            more_called=_("+{count} meer"),
            cut_note=_("Ingekort: de rest past niet in één Teams-bericht."),
            full_text_note=_("Situatierapport {number}: de volledige tekst staat in de e-mail en het logboek.").format(
                number=d.report
            ),
            sections=d.report_sections,
        )
    lines = [
        "# "
        + _("Oproep {team}: incident {incident}, {title}").format(
            team=esc(d.team_name), incident=esc(state.id), title=esc(state.title)
        ),
        "",
    ]
    lines += [f"- **{label}:** {esc(value)}" for label, value in facts]
    lines.append("- **" + _("Opgeroepen:") + f"** {dutchtime.local(d.called_at)}")
    sections = _sections(d)
    lines += _decision(sections)
    lines += ["", "## " + _("Situatierapport (wie bijeen te roepen, beeld, besluiten)"), ""]
    # the call-out's concept is made without a chain's faults (app/callout: sitrap_of(..., broken=())): no remark
    concept = sitrap_markdown(d.concept, d.org_names, anyway="") if d.concept is not None else ""
    lines += [("#" + line) if line.startswith("#") else line for line in concept.splitlines()]
    subject = (
        f"{d.subject_prefix} {state.id} · {level.label} · " + _("oproep {team}").format(team=d.team_name)
    ).strip()
    return Message(
        "convocation",
        state.id,
        state.title,
        state.level,
        level.label,
        subject,
        "\n".join(lines) + "\n",
        tuple(facts),
        sections=tuple((h, tuple(b)) for h, b in sections),
        called_heading=_("Opgeroepen"),
        more_called=_("+{count} meer"),
        cut_note=_("Ingekort: de rest past niet in één Teams-bericht."),
    )


def _confirming(m: Message) -> Message:
    """What a message says in its own language beyond its text: its language, the words before a
    confirmation link in an e-mail, and a gateway's reply instruction."""
    prompt = "**" + _("Kom je?") + "** " + _("Bevestig of meld af:")
    return replace(m, lang=current(), confirm_prompt=prompt, reply_text=_(REPLY_TEXT))


LANGUAGE_NAMES = {"nl": N_("Nederlands"), "en": N_("Engels")}


def preview(
    out: TextIO, plan: Plan, org_names: dict[str, str], spoken: Mapping[tuple[str, str], str] | None = None
) -> None:
    """The message, then the recipients per channel, as plain lines written straight out: no Rich table (for
    a team of 30 it cost more than composing the whole call-out), not even Rich. Nothing has been sent.
    `spoken`: (channel, recipient) → the language of those who get it in another than the run's (`lang:`)."""
    spoken = spoken or {}
    m = plan.message
    lines = [
        _("Onderwerp: {subject}").format(subject=m.subject),
        "",
        m.markdown.rstrip("\n"),
        "",
        _("Ontvangers ({count}):").format(count=plan.count),
    ]
    for channel, recipients in plan.routes.items():
        lines.append("  " + _("via {channel}:").format(channel=channel_word(channel)))
        lines += [
            f"    - {r.name} · {r.role} · {org_names.get(r.org, r.org)}" + _in_language(spoken.get((channel, r.key)))
            for r in recipients
        ]
    if plan.already:
        lines.append("  " + _("eerder aangenomen, niet opnieuw:"))
        lines += [f"    - {d.recipient} ({channel_word(d.channel)})" for d in plan.already]
    if plan.unreachable:
        lines.append("  " + _("niet bereikbaar:"))
        lines += [f"    - {d.recipient}: {words(d.reason)}" for d in plan.unreachable]
    if not plan.routes and not plan.already:
        lines.append("  " + _("niemand om op te roepen"))
    lines += [_("Niemand bereikbaar voor {role}.").format(role=role) for role in plan.nobody]
    out.write("\n".join(visible(line) for line in lines) + "\n")


def _in_language(lang: str | None) -> str:
    return f" · {_(LANGUAGE_NAMES.get(lang, lang))}" if lang else ""


def warnings(out: TextIO, blocked: list[tuple[str, str, str]]) -> None:
    """The dry run's warning block: what could not go out if it were sent now, and why."""
    if not blocked:
        return
    blocked_now = counted(len(blocked), "bericht of kanaal kan", "berichten of kanalen kunnen")
    lines = ["", _("LET OP: {blocked} nu niet versturen:").format(blocked=blocked_now)]
    lines += [f"  ! {channel_word(channel)}: {who + ': ' if who else ''}{words(why)}" for channel, who, why in blocked]
    out.write("\n".join(visible(line) for line in lines) + "\n")


def document(composed: Composed, sent: Sent | None, blocked: list[tuple[str, str, str]] | None = None) -> str:
    """`oproep --json`: what would go (or went) to whom through which channel, and what came of it."""
    plan = composed.plan
    m = plan.message
    body: dict[str, Any] = {
        "sent": sent is not None,
        "incident": m.incident,
        "purpose": m.purpose,
        "level": m.level,
        "report": m.report,
        "subject": m.subject,
        "text": m.markdown,
        "routes": {
            ch: [{"recipient": r.key, "name": r.name, "role": r.role, "org": r.org} for r in rs]
            for ch, rs in plan.routes.items()
        },
        "already": [d.as_json() for d in plan.already],
        "unreachable": [d.as_json() for d in plan.unreachable],
        "nobody_reachable": plan.nobody,
    }
    if sent is None:
        body["cannot_send"] = [
            {"channel": c, "reason": f"{who}: {dutch(why)}" if who else dutch(why)} for c, who, why in blocked or []
        ]
    if sent is not None:
        body["deliveries"] = [d.as_json() for d in sent.deliveries]
        body["complete"] = sent.complete
        body["entry"] = sent.entry.n if sent.entry else None
        body["deadline_passed"] = sent.deadline is not None
        body["pending"] = sent.pending
        body["new_entry"] = sent.entry is not None and not sent.repeated
    return dumps("callout", body)


def deadline_line(sent: Sent) -> str | None:
    """The one line when the call-out's deadline (deadline_seconds) stopped it with deliveries still pending."""
    if sent.deadline is None:
        return None
    return (
        _(
            "Deadline van de oproep verstreken (deadline_seconds: {seconds} s): {messages} nog niet verstuurd; "
            "opnieuw versturen verstuurt alleen die, met hetzelfde Message-ID."
        ).format(seconds=f"{sent.deadline:g}", messages=counted(sent.pending, "bericht", "berichten"))
    )


def repeated_line(sent: Sent) -> str | None:
    """When a run the deadline stopped again got no further than the one before it: no second entry saying the
    same, and which one says it."""
    if not sent.repeated or sent.entry is None:
        return None
    return _(
        "Niets nieuws in het logboek: ook deze poging kwam niet verder dan de vorige, en regel {n} van {incident} "
        "zegt dat al."
    ).format(n=sent.entry.n, incident=sent.entry.incident)


def confirmation_document(incident: str, n: int, data: dict[str, Any]) -> str:
    """`bevestig --json`: the confirmation as recorded, and its entry number."""
    return dumps("confirmation", {"incident": incident, "entry": n, **data})
