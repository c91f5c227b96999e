"""`calamiteit oproep`: the convocation for the incident's level, shown, and with --verstuur sent and recorded.

Thin: flags in, app.callout composes (worded by views.callout) and sends, the preview, a table or JSON out.
`rapport --verstuur` (cli/sitrap.py) goes through the same functions.
"""

# No `from __future__ import annotations`: Typer evals every annotation at start-up otherwise (see cli.py).

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..adapters import clock
from ..app.place import Place
from ..domain import exitcodes
from ..domain.errors import Interrupted, UsageError
from ..domain.language import _, counted
from .options import Author, ConfigDir, DataDir, Db, Json, Moment, Send, Yes, console

if TYPE_CHECKING:
    from ..adapters.config import Config
    from ..app.callout import Composed, Sent

Everyone = Annotated[
    bool, typer.Option("--allen", help="Ook naar wie deze oproep eerder al ontving (anders alleen wie hem miste).")
]


Status = Annotated[bool, typer.Option("--status", help="Per rol: wie opgeroepen is, hoe, en of hij of zij komt.")]


Escalate = Annotated[
    bool,
    typer.Option("--escaleer", help="Herinner wie na de wachttijd niet bevestigde; roep de volgende voor die rol op."),
]
Watch = Annotated[
    bool, typer.Option("--bewaak", help="Escaleer steeds opnieuw tot elke rol bevestigd is (Ctrl-C stopt).")
]


def oproep(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    verstuur: Send = False,
    status: Status = False,
    escaleer: Escalate = False,
    bewaak: Watch = False,
    ja: Yes = False,
    allen: Everyone = False,
    json: Json = False,
    auteur: Author = None,
    op: Moment = None,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Roep het team van het huidige niveau op: rollen, wie nu bereikbaar is, advies, sitrap, bijeenkomen.

    Zonder --verstuur wordt alleen getoond wat naar wie zou gaan. Met --verstuur gaat het via de kanalen uit
    config/oproep.yaml (e-mail, Teams, een eigen webhook) en legt het logboek per ontvanger de uitkomst vast.
    Exitcode 8 als niet iedereen het via al zijn kanalen kreeg; opnieuw draaien verstuurt alleen wat mislukte.
    Exitcode 9 als de deadline van de hele oproep (deadline_seconds) verstreek; opnieuw draaien verstuurt de rest.
    Voorbeeld: calamiteit oproep 2026-001 --verstuur
    """
    if op is not None and verstuur:
        raise UsageError(_("--op toont wie er op een ander moment bereikbaar is; versturen gaat altijd over nu"))
    if status:  # before the call-out's own imports (channels, message): a plain read (benchmarks/callout_status.py)
        return show_status(config_dir, Place(data_dir, db, config_dir), incident, json)
    from ..app import callout, configuration, logbook, readiness
    from ..views import callout as words

    config = configuration.load(config_dir)
    where, author = Place(data_dir, db, config_dir), logbook.author(auteur)
    if escaleer or bewaak:
        return escalate(config, where, incident, author, watch=bewaak)
    at = readiness.moment(op)  # without --op: now, as before
    try:
        composed = callout.compose(config, where, incident, at, words.message, author=author, everyone=allen)
    except KeyboardInterrupt:
        raise Interrupted(_("onderbroken: er is niets verstuurd")) from None
    if not verstuur:
        blocked = callout.blocked(config, composed)
        if json:
            print(words.document(composed, None, blocked))
        else:
            names = {o.id: o.name for o in config.contacts.organisations}
            words.preview(sys.stdout, composed.plan, names, callout.spoken(config, composed))
            words.warnings(sys.stdout, blocked)
            sys.stderr.write(_("Niets verstuurd: --verstuur verstuurt.") + "\n")
        return exitcodes.OK
    if not confirmed(composed, ja):
        return exitcodes.OK
    sent = callout.send(config, where, composed, author)
    show(sent, json)
    return sent.exit_code


def escalate(config: "Config", where: Place, incident: str, author: str, watch: bool) -> int:
    """One round of escalation (--escaleer), or rounds until every role is confirmed (--bewaak)."""
    from ..app import escalation
    from ..domain import dutchtime
    from ..views import callout as words

    note = console(stderr=True)
    reminded = backups = 0
    said: tuple[int, object] | None = None  # the waiting line last said, so a watch says it once per change
    try:
        while True:
            now = clock.now()
            done = escalation.escalate(config, where, incident, now, words.message, author)
            reminded, backups = reminded + len(done.reminded), backups + len(done.backups)
            for name in done.reminded:
                note.print(_("Herinnering aan {name}.").format(name=name), markup=False)
            for name in done.backups:
                note.print(_("Volgende opgeroepen: {name}.").format(name=name), markup=False)
            if done.exhausted and not done.waiting and not done.reminded and not done.backups:
                roles = ", ".join(done.exhausted)
                note.print(_("Niemand meer op te roepen voor: {roles}.").format(roles=roles), markup=False)
                return exitcodes.CALLOUT_INCOMPLETE
            if not done.waiting and not done.reminded and not done.backups:
                note.print(_("Elke rol bevestigd ({n}).").format(n=len(done.confirmed)), markup=False)
                return exitcodes.OK
            if done.waiting and done.next_due and (len(done.waiting), done.next_due) != said:
                said = (len(done.waiting), done.next_due)
                waiting = counted(len(done.waiting), "rol", "rollen")
                due = dutchtime.local(done.next_due)
                note.print(_("Wacht nog op {waiting}; volgende ronde vanaf {due}.").format(waiting=waiting, due=due),
                           markup=False)
            if not watch:
                return exitcodes.OK
            pause = 15.0 if done.next_due is None else (done.next_due - clock.now()).total_seconds()
            time.sleep(min(max(pause, 1.0), 30.0))
    except KeyboardInterrupt:
        raise Interrupted(
            _("onderbroken: bewaken gestopt; {reminded} en {backups} opgeroepen").format(
                reminded=counted(reminded, "herinnering", "herinneringen"),
                backups=counted(backups, "volgende", "volgenden"),
            ),
            _("Wat verstuurd is, staat in het logboek: 'calamiteit oproep {incident} --status'.").format(
                incident=incident
            ),
        ) from None


def show_status(config_dir: Optional[Path], where: Place, incident: str, json: bool) -> int:  # noqa: UP045
    from ..app import callout_status

    config = callout_status.configured(config_dir)
    incident, rows, altered = callout_status.status(config, where, incident)
    if json:
        from ..views.callout_status import status_document

        print(status_document(incident, rows))
    else:
        from ..views.tables.callout import status as table

        table(console(), incident, rows)
    if not altered:
        return exitcodes.OK
    from ..views.tables.terminal import Text

    numbers = ", ".join(str(n) for n in altered)
    said = (_("LET OP: de hashketen van {incident} klopt niet: de bevestiging in regel {numbers} is na het "
              "vastleggen gewijzigd en niet meegeteld. 'calamiteit incident verify {incident}' toont alle breuken.")
            if len(altered) == 1 else
            _("LET OP: de hashketen van {incident} klopt niet: de bevestigingen in regels {numbers} zijn na het "
              "vastleggen gewijzigd en niet meegeteld. 'calamiteit incident verify {incident}' toont alle breuken."))
    console(stderr=True).print(Text(said.format(incident=incident, numbers=numbers), style="bold red"))
    return exitcodes.TAMPERED


Answer = Annotated[Optional[bool], typer.Option("--komt/--kan-niet", help="Komt hij of zij, of niet.")]  # noqa: UP045
Via = Annotated[str, typer.Option("--via", help="Hoe het binnenkwam: telefoon, mail of teams.")]
Note = Annotated[str, typer.Option("--toelichting", help="Wat erbij gezegd werd (bijvoorbeeld: over 20 minuten).")]
Code = Annotated[Optional[str], typer.Option("--code", help="Antwoordcode uit een sms: 1 = ik kom, 2 = ik kan niet.")]  # noqa: UP045
Phone = Annotated[Optional[str], typer.Option("--telefoon", help="Met --code: het nummer waar de sms vandaan kwam.")]  # noqa: UP045
Token = Annotated[Optional[str], typer.Option("--token", help="De code uit een bevestigingslink (t=…).")]  # noqa: UP045


def bevestig(
    incident: Annotated[str, typer.Argument(help="Id van het incident.")],
    persoon: Annotated[Optional[str], typer.Argument(help="Naam of contact-id van wie antwoordde.")] = None,  # noqa: UP045
    komt: Answer = None,
    via: Via = "telefoon",
    toelichting: Note = "",
    code: Code = None,
    telefoon: Phone = None,
    token: Token = None,
    json: Json = False,
    auteur: Author = None,
    data_dir: DataDir = None,
    db: Db = None,
    config_dir: ConfigDir = None,
) -> int:
    """Leg vast dat een opgeroepene komt of niet kan komen (in de hashketen van het incident).

    Voor wie het aan de telefoon hoort: een naam of contact-id (hoofdletters en accenten doen er niet toe).
    Een sms-antwoord: --code 1|2 met --telefoon. Een bevestigingslink: --token.
    Voorbeeld: calamiteit bevestig 2026-001 "Lotte Meijer" --komt --toelichting "over 20 minuten"
    """
    from ..app import configuration, confirmation, logbook
    from ..domain.errors import UsageError

    if via not in ("telefoon", "mail", "teams"):
        raise UsageError(_("--via '{via}' ken ik niet").format(via=via), _("Kies telefoon, mail of teams."))
    answer = None if komt is None else ("komt" if komt else "kan_niet")
    config = configuration.load(config_dir)
    entry, row = confirmation.confirm(
        config, Place(data_dir, db, config_dir), incident, author=logbook.author(auteur), person=persoon,
        answer=answer, via=via, note=toelichting, code=code, phone=telefoon, signed=token,
    )
    if json:
        from ..views.callout import confirmation_document

        print(confirmation_document(entry.incident, entry.n, entry.data))
    else:
        from ..domain.confirmation import ANSWER_WORDS

        who = f"{row.recipient.name} ({row.recipient.role})"
        said = _("{who} {answer}; vastgelegd als regel {n}.").format(
            who=who, answer=_(ANSWER_WORDS[row.answer]), n=entry.n
        )
        console(stderr=True).print(said, markup=False)
    return exitcodes.OK


def confirmed(composed: "Composed", yes: bool) -> bool:
    """On a terminal, one question naming how many and how; a runbook (no terminal, or --ja) is not asked."""
    from . import prompt

    plan = composed.plan
    if yes or not prompt.stdin_is_terminal() or not plan.routes:
        return True
    channels = len(plan.routes)
    question = _("Versturen naar {recipients} via {channels}?").format(
        recipients=counted(plan.count, "ontvanger", "ontvangers"), channels=counted(channels, "kanaal", "kanalen")
    )
    if prompt.confirm(console(stderr=True), question):
        return True
    console(stderr=True).print(_("Niets verstuurd."), markup=False)
    return False


def show(sent: "Sent", json: bool) -> None:
    """What came of the deliveries: the JSON document, or a table and one line (on stdout and stderr)."""
    from ..views.callout import deadline_line, repeated_line

    if json:
        from ..views.callout import document

        print(document(sent.composed, sent))
    else:
        from ..views.tables.callout import result

        entry = "?"
        if sent.entry:
            entry = _("regel {n} van {incident}").format(n=sent.entry.n, incident=sent.entry.incident)
        result(console(), console(stderr=True), sent.deliveries, sent.complete, entry, sent.pending)
    for line in (deadline_line(sent), repeated_line(sent)):
        if line:
            console(stderr=True).print(line, markup=False)
