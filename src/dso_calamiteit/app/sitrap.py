"""The situation report (sitrap) of an incident: numbered, recorded and published in the right order.

How the report reads is the face's to say: `make` takes the function that writes it (views.sitrap.FORMATS
bound to the organisations' names), because the text is written while the report's entry is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters.output_files import Staged
from ..adapters.stores import BusyError
from ..domain import dutchtime, sitrap
from ..domain.errors import CalamiteitError, UsageError
from ..domain.language import N_, _, speaking
from ..domain.logbook import (
    ChainCheck,
    Entry,
    Fault,
    Incident,
    canonical,
    chained,
    fold,
    fold_checked,
    not_before,
    refuse_broken,
)
from ..domain.records import record
from ..domain.sitrap import Answered
from .callout_status import called
from .logbook import opened
from .place import Where
from .readiness import convocation

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..domain.teams import Convocation

Write = Callable[[sitrap.Sitrap], str]  # a sitrap as text: views.sitrap.FORMATS[format] with the names bound
Sections = tuple[tuple[str, tuple[str, ...]], ...]  # a sitrap as an Adaptive Card's (heading, lines): views.sitrap


@record(frozen=False)
class Report:
    """A sitrap as written: its text, its number (None for a closed incident's final report) and, when it
    goes to a file, that file staged beside its place until `publish`."""

    incident: str
    text: str
    number: int | None
    staged: Staged | None = None
    markdown: str = ""  # the same report in Markdown, when asked for (to send it: rapport --verstuur)
    sections: Sections = ()  # and as a card's sections (views.sitrap.card_sections), likewise
    # both again per other language a recipient or channel of the call-out asks for (`lang:`), by language
    in_language: dict[str, tuple[str, Sections]] = field(default_factory=dict)


ATTEMPTS = 5  # colleagues writing while a big report is built: catch up and try again, this many times


def make(
    config: Config,
    where: Where,
    incident: str,
    write: Write,
    output: Path | None,
    author: str,
    made: datetime,
    *,
    concept: bool = False,
    insist: bool = False,
    markdown: Write | None = None,
    card: Callable[[sitrap.Sitrap], Sections] | None = None,
    languages: Iterable[str] = (),
) -> Report:
    """Make the next numbered report from what the logbook holds (a `concept` takes no number and records
    nothing: a preview that spoils no numbering).

    The report is built outside the write lock: one verifying pass over the log, the report entry made in
    full (its number and hash, which the report prints), the text rendered and any file staged; then the
    lock is held only to check that the chain has not moved and to insert that entry. When a colleague
    wrote in between, only the new entries are read and the report is made again. A full disk therefore
    records nothing; a crash after the commit leaves a numbered sitrap without a file, never a file whose
    number the logbook does not know (the file gets its name in `publish`). `markdown`, when given, also
    writes the report in Markdown (to send it: rapport --verstuur), and in each of `languages` too.
    """
    as_markdown: list[str] = []  # the Markdown of the latest report written, when asked for
    as_card: list[Sections] = []  # likewise its card's sections
    as_other: dict[str, tuple[str, Sections]] = {}  # both in the other languages asked for
    kept = sitrap.kept_notes(config.reporting)  # of a million notes only the few the report shows

    def written(found: Incident, number: int | None, broken: list[str]) -> str:
        report = sitrap_of(
            config, found, number, made, author, concept=concept and not found.closed, broken=broken, answers=answers
        )
        if markdown is not None:
            as_markdown[:] = [markdown(report)]
        if card is not None:
            as_card[:] = [card(report)]
        if markdown is not None and card is not None:
            for lang in languages:
                with speaking(lang):
                    as_other[lang] = (markdown(report), card(report))
        return write(report)

    def card_of() -> Sections:
        return as_card[0] if as_card else ()

    with opened(where, create=False) as store:
        incident = store.resolve(incident)
        levels = config.criteria.ladder
        with store.snapshot():  # ends before the append: the write transaction takes the lock itself
            check = ChainCheck(incident, store.summary(incident).head, levels)
            found = fold_checked(check.passing(store.stream(incident)), check.faults, keep=kept)
            answers = answered(config, store, incident)
        for _attempt in range(ATTEMPTS):
            faults = check.done()
            refuse_broken(incident, faults, insist, N_("gerapporteerd"))
            broken = broken_lines(faults)
            if concept or found.closed:  # not numbered, not recorded
                text = written(found, None, broken)
                staged = Staged(output, text) if output is not None else None
                return Report(incident, text, None, staged, "".join(as_markdown), card_of(), as_other)
            entry = report_entry(found, config.reporting.minutes_for(found.level), author, made)
            # The report shows the log with its own entry; fold that into a copy, `found` may need catching up.
            ahead = fold([entry], state=replace(found, report_entries=list(found.report_entries)))
            text = written(ahead, ahead.reports, broken)
            staged = Staged(output, text) if output is not None else None
            try:
                if store.append_made(entry):
                    said = "".join(as_markdown)
                    return Report(incident, text, ahead.reports, staged, said, card_of(), as_other)
            except BaseException:
                if staged is not None:
                    staged.discard()
                raise
            if staged is not None:
                staged.discard()
            check.head = None  # the stored head moved on with the chain; the transaction checks the tip
            new = store.stream(incident, after=check.expected_n - 1)  # not found.entries: a withheld entry is seen
            found = fold_checked(check.passing(new), check.faults, keep=kept, state=found)
    raise BusyError(
        _("het logboek van {incident} veranderde {times} keer terwijl het rapport werd gemaakt; er is niets "
          "vastgelegd").format(incident=incident, times=ATTEMPTS),
        _("Probeer het zo opnieuw: 'calamiteit rapport {incident}'.").format(incident=incident),
    )


def reprint(config: Config, where: Where, incident: str, number: int, write: Write, output: Path | None) -> Report:
    """Sitrap `number` again, exactly as made: the log up to and with its own entry, at that entry's moment and by
    its author. Nothing is recorded and no number is used (`rapport --nummer N`)."""
    with opened(where, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        check = ChainCheck(incident, store.summary(incident).head)
        found = fold_checked(check.passing(store.stream(incident)), check.faults, keep=False)
        refuse_broken(incident, check.done(), False, N_("opnieuw getoond"))
        if not 1 <= number <= len(found.report_entries):
            count = len(found.report_entries)
            have = (_("sitrap 1 t/m {count}").format(count=count) if count > 1
                    else _("alleen sitrap 1") if count else _("nog geen sitrap"))
            no_such = _("incident {incident} heeft geen sitrap {number}; het heeft {have}")
            raise UsageError(no_such.format(incident=incident, number=number, have=have))
        n = found.report_entries[number - 1]
        entry = store.entry(incident, n)
        then = fold(e for e in store.stream(incident) if e.n <= n)  # the log as it was when it was made
    if entry is None:  # the chain check above read it: only a store that lies gets here
        missing = _("incident {incident}: regel {n} van sitrap {number} ontbreekt")
        raise UsageError(missing.format(incident=incident, n=n, number=number))
    text = write(sitrap_of(config, then, number, datetime.fromisoformat(entry.at), entry.author, concept=False))
    return Report(incident, text, number, Staged(output, text) if output is not None else None, "")


def broken_lines(faults: Iterable[Fault]) -> list[str]:
    """The chain's faults as a sitrap names them on its first line (the CLI's report and the web's concept)."""
    return [_("regel {n}: {message}").format(n=f.n, message=f.message) for f in faults]


def sitrap_of(
    config: Config,
    found: Incident,
    number: int | None,
    made: datetime,
    author: str,
    *,
    concept: bool,
    broken: list[str] | None = None,
    team: Convocation | bool | None = True,
    answers: tuple[Answered, ...] = (),
) -> sitrap.Sitrap:
    """The sitrap of `found` at `made`; `team` True works out whom to convene, else it is the one given
    (a call-out has it already)."""
    level = config.criteria.level(found.level) or config.criteria.base
    if team is True:
        team = None
        if level.team and not found.closed:
            team = convocation(config, level.team, made)
    return sitrap.build(
        found,
        config.criteria,
        config.reporting,
        config.routing,
        number,
        made,
        author,
        concept=concept,
        team=team or None,
        broken=broken,
        signed=config.contacts.signed,
        stored_by=config.contacts.stored_by,
        answers=answers,
    )


def answered(config: Config, store: Any, incident: str) -> tuple[Answered, ...]:
    """Whom the incident's call-outs reached for, with their latest confirmation, for the team section."""
    return tuple(
        Answered(r.recipient.role, r.recipient.key, r.recipient.name, r.answer, r.via, r.since)
        for r in called(config, store, incident).values()
    )


def report_entry(found: Incident, every_minutes: int, author: str, made: datetime) -> Entry:
    """The report's own entry, made in full after the chain as `found` ends: number, next update, hash."""
    body = {"next_update": dutchtime.stamp(dutchtime.later(made, every_minutes)), "number": found.reports + 1}
    at, text, n = not_before(dutchtime.stamp(made), found.last_at), canonical(body), found.entries + 1
    return chained(found.id, n, at, author, "report", text, found.head)


def publish(report: Report) -> None:
    """Give a staged report file its name; a failure says which number is recorded without a file."""
    if report.staged is None:
        return
    try:
        report.staged.publish()
    except CalamiteitError as exc:
        if report.number is None:
            raise
        raise CalamiteitError(
            _("situatierapport {number} is vastgelegd in het logboek, maar niet geschreven: {message}").format(
                number=report.number, message=exc.message
            ),
            _("Maak een nieuw rapport met 'calamiteit rapport {incident}' (het krijgt nummer {next}).").format(
                incident=report.incident, next=report.number + 1
            ),
        ) from None
