"""`calamiteit rapport`: the situation report (sitrap) of an incident, numbered, written and with --verstuur
sent to the team of the level.

Thin: flags in, app.sitrap makes and records the report in the format asked (views.sitrap writes it),
app.callout sends it the way `calamiteit oproep` does.
"""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see root.py).

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..adapters import clock
from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import UsageError
from ..domain.language import _, counted
from .options import Author, ConfigDir, DataDir, Db, Insist, Output, Send, Yes, console, emit, say

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..app.callout import Sent
    from ..app.place import Where


class Format(StrEnum):
    md = "md"
    json = "json"
    text = "text"
    html = "html"


def _anyway() -> str:
    """What the first line of a report of a broken chain says after the break: made anyway, with this flag.
    Worded when the report is written (a call-out's copy in another language is written in that language)."""
    return _("dit rapport is toch gemaakt (--toch).")


def rapport(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    format_: Annotated[
        Format, typer.Option("--format", help="md, json, text of html (één zelfstandige pagina, voor mail en print).")
    ] = Format.md,
    output: Output = None,
    concept: Annotated[
        bool, typer.Option("--concept", help="Alleen een voorbeeld: krijgt geen nummer en wordt niet vastgelegd.")
    ] = False,
    nummer: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--nummer", help="Toon sitrap N opnieuw zoals hij gemaakt is (geen nieuw nummer, niets vastgelegd).",
            show_default=False,
        ),
    ] = None,
    toch: Insist = False,
    verstuur: Send = False,
    ja: Yes = False,
    auteur: Author = None,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Maak het situatierapport (sitrap) van een incident, genummerd per incident (--concept: voorbeeld).

    Een eerdere sitrap opnieuw lezen: --nummer N (in elk --format; er wordt niets vastgelegd).

    Voorbeeld: calamiteit rapport 2026-001 --output sitrap.md --verstuur
    """
    from ..app import configuration, logbook
    from ..app import sitrap as reports
    from ..views import sitrap as written

    if verstuur and concept:
        raise UsageError(
            _("een concept wordt niet verstuurd"), _("Laat --concept weg om de sitrap te maken en versturen.")
        )
    if nummer is not None and (verstuur or concept):
        raise UsageError(_("--nummer toont een gemaakte sitrap opnieuw; niet samen met --concept of --verstuur"))
    config = configuration.load(config_dir)
    where, author = Place(data_dir, db, config_dir), logbook.author(auteur)
    if nummer is not None:
        names = {o.id: o.name for o in config.contacts.organisations}
        render = written.FORMATS[format_.value]
        again = reports.reprint(config, where, incident, nummer, lambda s: render(s, names, anyway=_anyway()), output)
        if output is None:
            emit(again.text, None)
        else:
            reports.publish(again)
            say(_("Geschreven: {path}").format(path=output))
        return exitcodes.OK
    if verstuur and not _send_confirmed(config, where, incident, author, ja):
        return exitcodes.OK
    names = {o.id: o.name for o in config.contacts.organisations}
    report = reports.make(
        config,
        where,
        incident,
        lambda s: written.FORMATS[format_.value](s, names, anyway=_anyway()),
        output,
        author,
        clock.now(),
        concept=concept,
        insist=toch,
        markdown=(lambda s: written.FORMATS["md"](s, names, anyway=_anyway())) if verstuur else None,
        card=(lambda s: written.card_sections(s, names, anyway=_anyway())) if verstuur else None,
        languages=_other_languages(config) if verstuur else (),
    )
    if output is None:
        emit(report.text, None)
    else:
        reports.publish(report)
        if str(output) not in ("-", "/dev/stdout"):
            say(_("Geschreven: {path}").format(path=output))
    if not verstuur:
        return exitcodes.OK
    if report.number is None:
        raise UsageError(_("het slotrapport van een gesloten incident wordt niet verstuurd"))
    from ..app import callout
    from ..views.callout import message

    composed = callout.compose(
        config, where, incident, clock.now(), message, author=author, sitrap=(report.number, report.markdown),
        sitrap_sections=report.sections, sitrap_in=report.in_language,
    )
    sent = callout.send(config, where, composed, author)
    _show_sent(sent)
    return sent.exit_code


def _other_languages(config: "Config") -> set[str]:
    """The languages besides this run's that a recipient or channel of the call-out asks for (`lang:`)."""
    from ..app.callout import languages
    from ..domain.language import current

    return languages(config) - {"", current()}


def _send_confirmed(config: "Config", where: "Where", incident: str, author: str, yes: bool) -> bool:
    """Asked before the sitrap is made: declining leaves no numbered sitrap that was meant to go out."""
    from ..app import callout
    from ..views.callout import message
    from . import prompt

    if yes or not prompt.stdin_is_terminal():
        return True
    preview = callout.compose(config, where, incident, clock.now(), message, author=author, sitrap=(0, ""))
    count, channels = preview.plan.count, len(preview.plan.routes)
    via = counted(channels, "kanaal", "kanalen")
    who = counted(count, "ontvanger", "ontvangers")
    question = _("Sitrap maken en versturen naar {who} via {via}?").format(who=who, via=via)
    if prompt.confirm(console(stderr=True), question):
        return True
    say(_("Niets gemaakt en niets verstuurd."))
    return False


def _show_sent(sent: "Sent") -> None:
    """What came of each delivery, on stderr (stdout holds the sitrap itself)."""
    from ..views.callout import deadline_line, repeated_line
    from ..views.tables.callout import result

    entry = _("regel {n} van {incident}").format(n=sent.entry.n, incident=sent.entry.incident) if sent.entry else "?"
    err = console(stderr=True)
    result(err, err, sent.deliveries, sent.complete, entry, sent.pending)
    for line in (deadline_line(sent), repeated_line(sent)):
        if line:
            err.print(line, markup=False)


