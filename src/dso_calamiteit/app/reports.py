"""The situation report (sitrap) of an incident: numbered, recorded and published in the right order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import dutchtime, sitrap
from ..errors import CalamiteitError
from .incidents import state
from .logbook import opened

if TYPE_CHECKING:
    from ..config import Config
    from ..files import Staged

FORMATS: dict[str, Callable[[sitrap.Sitrap, dict[str, str]], str]] = {
    "md": sitrap.markdown,
    "text": sitrap.text,
    "json": sitrap.as_json,
}


@dataclass
class Report:
    """A sitrap as written: its text, its number (None for a closed incident's final report) and, when it
    goes to a file, that file staged beside its place until `publish`."""

    incident: str
    text: str
    number: int | None
    staged: Staged | None = None


def make(
    config: Config,
    data_dir: Path | None,
    incident: str,
    fmt: str,
    output: Path | None,
    author: str,
    made: datetime,
    *,
    concept: bool = False,
    insist: bool = False,
) -> Report:
    """Take the next number and make the report from what the logbook holds at that moment (a `concept`
    takes no number and records nothing: a preview that spoils no numbering).

    Number, report and staged file are made in one transaction (a full disk rolls the number back); the
    file gets its name only in `publish`, after the commit. A crash in between leaves a numbered sitrap
    without a file, never a file whose number the logbook does not know.
    """
    from ..files import Staged

    names = {o.id: o.name for o in config.contacts.organisations}
    render = FORMATS[fmt]
    from ..logbook import verify
    from .incidents import refuse_broken

    with opened(data_dir, create=False) as store:
        incident = store.resolve(incident)
        faults = verify(incident, store.stream(incident), store.summary(incident).head)
        refuse_broken(incident, faults, insist, "gerapporteerd")
        broken = [f"regel {f.n}: {f.message}" for f in faults]

        def written(number: int | None) -> str:
            found = state(store, incident)
            level = config.criteria.level(found.level) or config.criteria.base
            team = None
            if level.team and not found.closed:
                from .readiness import convocation

                team = convocation(config, level.team, made)
            report = sitrap.build(
                found,
                config.criteria,
                config.reporting,
                config.routing,
                number,
                made,
                author,
                concept=concept and not found.closed,
                team=team,
                broken=broken,
            )
            return render(report, names)

        if concept or store.summary(incident).closed_at is not None:  # not numbered, not recorded
            text = written(None)
            return Report(incident, text, None, Staged(output, text) if output is not None else None)
        every = config.reporting.minutes_for(store.tip(incident).level)
        next_update = dutchtime.stamp(dutchtime.later(made, every))
        with store.transaction():
            entry = store.append(incident, "report", {"next_update": next_update}, author, dutchtime.stamp(made))
            number = int(entry.data["number"])
            text = written(number)
            staged = Staged(output, text) if output is not None else None
    return Report(incident, text, number, staged)


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
            f"situatierapport {report.number} is vastgelegd in het logboek, maar niet geschreven: {exc.message}",
            f"Maak een nieuw rapport met `calamiteit rapport {report.incident}` "
            f"(het krijgt nummer {report.number + 1}).",
        ) from None
