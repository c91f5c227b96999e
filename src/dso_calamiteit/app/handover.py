"""Handing an incident over: `incident export` (the whole chain, for another logbook or the evaluation) and
`incident import` (taken in only when every entry obeys the rules and the chain verifies).

The export's JSON is written by views.incidents.export_document; this module reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..adapters.input_files import read_bounded
from ..adapters.stores import Store
from ..domain.criteria import CriteriaFile
from ..domain.entry_rules import Refused, Replay, check_entry, valid_id
from ..domain.errors import TamperedError, UsageError
from ..domain.language import N_, _, counted
from ..domain.logbook import EXPORT_KIND, Entry, Fault, Incident, Summary, canonical, fold, refuse_broken, verify
from ..domain.records import record
from .logbook import ladder, opened
from .place import Where

MAX_IMPORT_BYTES = 256 * 1024 * 1024  # an export of about 400,000 entries; /dev/zero is refused at once
READ_CHUNK = 1024 * 1024


@record
class Export:
    """An incident as it is handed over: its row, every entry, and the chain's breaks when insisted on."""

    summary: Summary
    entries: list[Entry]
    faults: list[Fault]


@contextmanager
def exporting(
    where: Where, incident: str, insist: bool = False
) -> Iterator[tuple[Summary, list[Fault], Iterator[Entry]]]:
    """The incident's row and the chain's breaks (a first streaming pass), then every entry streamed in a second
    pass over the same snapshot: an export of a million entries keeps none of them. Refused for a broken chain
    unless `insist` (before anything is yielded, so nothing is written), and then the export says so."""
    levels = ladder(where)
    with opened(where, create=False, readonly=True) as store:
        incident = store.resolve(incident)
        with store.snapshot():  # the row and both passes as of one moment
            summary = store.summary(incident)
            faults = verify(incident, store.stream(incident), summary.head, levels)
            refuse_broken(incident, faults, insist, N_("geëxporteerd"))
            yield summary, faults, store.stream(incident)


def export_incident(where: Where, incident: str, insist: bool = False) -> Export:
    """The incident whole, in memory (for tests and small tools; the command streams with `exporting`)."""
    with exporting(where, incident, insist) as (summary, faults, entries):
        return Export(summary, list(entries), faults)


def _read_bounded(path: Path) -> str:
    """The file's text, measured before it is read and never more than MAX_IMPORT_BYTES."""

    def an_object(chunk: bytes) -> None:
        if not chunk.lstrip().startswith(b"{"):
            not_one = _("{path}: geen export van 'calamiteit incident export' (geen JSON-object)")
            raise UsageError(not_one.format(path=path))

    raw = read_bounded(path, MAX_IMPORT_BYTES, _("Geen export van één incident."), pipes=True, first=an_object)
    if not raw:
        an_object(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(_("{path}: geen UTF-8 (byte {n})").format(path=path, n=exc.start)) from None


def read_export(criteria: CriteriaFile, path: Path) -> tuple[list[Entry], Incident]:
    """Take in an export; refuse it whole when one entry breaks the rules or the hash chain does not verify.

    Every entry is checked (shape, values, the numbering of actions and reports, the level path) before
    anything is written: a nonsense entry in an append-only log would break the views of that incident
    for good.
    """
    try:
        doc = json.loads(_read_bounded(path))
    except RecursionError:
        raise UsageError(
            _("{path}: te diep genest; geen export van 'calamiteit incident export'").format(path=path)
        ) from None
    except ValueError as exc:
        raise UsageError(_("{path}: geen geldige JSON ({error})").format(path=path, error=exc)) from None
    if not isinstance(doc, dict) or doc.get("kind") != EXPORT_KIND:
        raise UsageError(
            _("{path}: geen export van 'calamiteit incident export' (kind ontbreekt of klopt niet)").format(path=path)
        )
    incident = doc.get("incident")
    if not valid_id(incident):
        raise UsageError(
            _("{path}: ongeldig incident-id {id}").format(path=path, id=json.dumps(incident, ensure_ascii=False)[:60]),
            _("Een id bestaat uit letters, cijfers en streepjes (zoals 2026-007)."),
        )
    raw_entries, head = doc.get("entries"), doc.get("head")
    if not isinstance(raw_entries, list) or not raw_entries or not isinstance(head, str):
        raise UsageError(
            _("{path}: geen export van 'calamiteit incident export' (entries of head ontbreekt)").format(path=path)
        )
    replay = Replay(criteria.ladder)
    for number, raw in enumerate(raw_entries, start=1):
        try:
            check_entry(replay, raw, number)
        except Refused as exc:
            refused = _("{path}: regel {n}: {refusal}").format(path=path, n=number, refusal=exc)
            raise UsageError(refused, _("Niets ingelezen.")) from None
    entries = [
        Entry(
            str(incident),
            e["n"],
            e["at"],
            e["author"],
            e["kind"],
            canonical(e["body"]),
            e["prev_hash"],
            e["hash"],
        )
        for e in raw_entries
    ]
    faults = verify(str(incident), entries, head)
    if faults:
        first = faults[0]
        raise TamperedError(
            _("{path}: de hashketen klopt niet bij regel {n}: {message}").format(
                path=path, n=first.n, message=first.message
            ),
            _("Niets ingelezen ({faults}).").format(faults=counted(len(faults), "fout", "fouten")),
        )
    return entries, fold(entries)


def import_entries(store: Store, entries: list[Entry], state: Incident) -> int:
    """Store an export that `read_export` has checked whole; returns how many of its entries were new."""
    return store.import_entries(entries, state.title, state.level, max(state.actions, default=0), state.reports)


def import_incident(where: Where, criteria: CriteriaFile, path: Path) -> tuple[Incident, int]:
    """Read and check the export whole before the logbook is even opened; then store what is new in it."""
    entries, result = read_export(criteria, path)
    with opened(where) as store:
        new = import_entries(store, entries, result)
    return result, new
