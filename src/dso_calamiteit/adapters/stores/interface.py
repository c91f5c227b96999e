"""The one interface of a logbook store, and the chain rules every engine shares.

An engine (SQLite, PostgreSQL) supplies a connection, its transactions and its own SQL dialect; the rules
of the chain live here once: numbers come from the entries, a closed incident takes nothing more, an entry
made outside the lock goes in only while the chain still ends where it was read. The hashes are computed
in Python (logbook.chained), so a chain verifies identically on both engines and moves between them.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from ...domain.errors import TamperedError, UsageError, suggest
from ...domain.language import _, counted, pgettext
from ...domain.logbook import GENESIS, Entry, Fault, Summary, Tip, canonical, chained, fold, not_before, verify
from ...domain.records import record
from .errors import StorageError
from .rollups import Check, RollUps

ENTRY_SQL = "SELECT incident, n, at, author, kind, body, prev_hash, hash, role FROM entries"
# The newest body of one kind; `{hint}` lets SQLite name the index its planner would otherwise pass by.
_LATEST = "(SELECT body FROM entries{hint} WHERE incident = ? AND kind = '{kind}' ORDER BY n DESC LIMIT 1)"
TIP_SQL = (
    "SELECT n, hash, kind, at, "
    + ", ".join(_LATEST.format(hint="{hint}", kind=k) for k in ("level_change", "open", "decision", "report"))
    + " FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1"
)
# What an append needs, from the entries: where the chain ends and, for a kind that is numbered (a decision, a
# report), the newest entry of that kind. The full tip (TIP_SQL) also looks up the level and the other count:
# four index look-ups and bodies more than an observation needs (issue 27: a fifth of an append's server time).
END_SQL = "SELECT n, hash, kind, at{latest} FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1"
NUMBERED = {"decision": "action", "report": "number"}  # kind: the field of its body that holds its number
# The column of the incidents row an entry of a kind moves besides `entries`, `head` and `closed_at`.
MOVES = {"decision": "actions", "report": "reports", "level_change": "level"}
SUMMARY_SQL = "SELECT id, title, opened_at, level, closed_at, entries, actions, reports, head FROM incidents"
CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o: nothing to mistake for 1 or 0 when read aloud or typed
CODE_LENGTH = 4


@record
class End:
    """Where an incident's chain ends, for an append (Store._end): its last entry, and the newest number of the
    kind being appended (0 when none, or when the kind is not numbered). For a close, the whole tip as well."""

    n: int
    hash: str
    closed: bool
    at: str
    number: int
    whole: Tip | None = None


# (channel, recipient, message_id, outcome, reason, at): one delivery of a call-out; outcome 'pending' until known
Delivered = tuple[str, str, str, str, str, str]
# Check: (at, name, env, url, state, status, latency_ms, reason), defined with the roll-ups it feeds


class Store(RollUps):
    """A logbook: incidents of hash-chained, append-only entries, and the monitor's recorded checks.

    Shared SQL is written with `?` placeholders and standard SQL that both engines read the same way; the
    period overview's roll-ups are kept by RollUps (rollups.py), part of every store.
    """

    #: what to call this logbook in a message: a file path, or a URL without its password
    where: str
    entry_sql = ENTRY_SQL
    latest_hint = ""  # SQLite names the index of the look-ups by kind
    tip_sql = TIP_SQL.format(hint="")
    #: the schema version found when opening, before any migration
    upgraded_from = 0

    # --- what an engine supplies --------------------------------------------------------------------------

    conn: Any  # the engine's DB-API connection

    def close(self) -> None:
        self.conn.close()

    @abstractmethod
    def transaction(self, noted: bool = True) -> AbstractContextManager[None]:
        """One write transaction that holds the logbook's write lock from its start, so what is read
        inside is still true at the commit; inside another one it joins it."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """One read transaction: every read inside sees the logbook as it was at one moment, so an entry a
        colleague appends meanwhile is wholly seen (row and entries) or not at all. Inside another
        transaction it joins it. Use it around every read of an incident's row together with its entries."""

    @abstractmethod
    def stream(self, incident: str, after: int = 0, upto: int | None = None) -> Iterator[Entry]:
        """The entries oldest first (those after entry `after`, and with `upto` none after that one), from a
        cursor: memory stays flat."""

    @abstractmethod
    def last_of_kind(self, incident: str, kind: str) -> Entry | None: ...

    @abstractmethod
    def record_checks(self, rows: Sequence[Check]) -> None:
        """Monitoring results: (at, name, env, url, state, status, latency_ms, reason); never the API key."""

    @abstractmethod
    def wait(self, incident: str, seconds: float) -> list[tuple[str, int]] | None:
        """Return when `incident` may have new entries, or after `seconds` (for `show --follow`): the entries
        stored meanwhile as (incident, n) when the engine says so (PostgreSQL's NOTIFY; [] when none came), or
        None when it cannot (SQLite): read again."""

    @property
    @abstractmethod
    def code(self) -> str | None:
        """This logbook's code, part of every incident id it gives out."""

    @abstractmethod
    def _insert(self, e: Entry) -> None: ...

    def _insert_many(self, entries: Sequence[Entry]) -> None:
        for e in entries:
            self._insert(e)

    def _bringing_in(self) -> None:
        """This transaction stores entries made elsewhere (an import, a copy), with their own times."""

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def require_writer(self) -> None:
        """Raise StorageError (nothing changed) when this connection may not write the logbook: a use case
        that acts outside the logbook (a call-out sends messages) asks this before it acts, not when it records."""

    # --- reading ----------------------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """The full id for what the operator typed: the id itself, or the one id that starts with `ref-`."""
        if self._one("SELECT 1 FROM incidents WHERE id = ?", (ref,)):
            return ref
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
        rows = self._rows(
            "SELECT id, title FROM incidents WHERE id LIKE ? ESCAPE '\\' ORDER BY opened_at, id", (pattern,)
        )
        if len(rows) == 1:
            return str(rows[0][0])
        if rows:
            shown = "; ".join(f"{i} ({title})" for i, title in rows[:5])
            raise UsageError(
                _("'{ref}' past bij {count}: {shown}").format(
                    ref=ref, count=counted(len(rows), "incident", "incidenten"), shown=shown
                ),
                _("Geef het volledige id."),
            )
        self.summary(ref)  # unknown: the usual message with a suggestion
        return ref

    def summaries(self, include_closed: bool = True) -> list[Summary]:
        sql = SUMMARY_SQL
        if not include_closed:
            sql += " WHERE closed_at IS NULL"
        return [Summary(*row) for row in self._rows(sql + " ORDER BY opened_at, id")]

    def summary(self, incident: str) -> Summary:
        row = self._one(SUMMARY_SQL + " WHERE id = ?", (incident,))
        if row is None:
            known = [r[0] for r in self._rows("SELECT id FROM incidents")]
            raise UsageError(
                _("onbekend incident '{id}'.").format(id=incident) + suggest(incident, known),
                _("'calamiteit incident list --all' toont alle incidenten."),
            )
        return Summary(*row)

    def tip(self, incident: str) -> Tip:
        """The end of the chain and the numbers a next entry needs, from the entries: one query of point
        look-ups (a writer over a network pays one round trip for it, not five)."""
        last = self._one(self.tip_sql, (incident,) * 5)
        if last is None:
            self.summary(incident)  # unknown id: the usual message with a suggestion
            raise StorageError(_("{where}: incident {id} heeft geen regels").format(where=self.where, id=incident))
        n, digest, kind, at, change, opening, decision, report = last

        def latest(body: str | None) -> dict[str, Any]:
            found: dict[str, Any] = json.loads(body) if body is not None else {}
            return found

        try:
            return Tip(
                n=n,
                hash=digest,
                level=int(latest(change).get("after", latest(opening).get("level", 0))),
                actions=int(latest(decision).get("action", 0)),
                reports=int(latest(report).get("number", 0)),
                closed=kind == "close",
                at=str(at),
            )
        except (AttributeError, TypeError, ValueError):  # a body edited beyond reading: no writer that needs it
            raise _unreadable(incident) from None

    def _end(self, incident: str, kind: str) -> End:
        """Where the chain ends, and the newest number of `kind` if it is numbered: what appending an entry of
        `kind` needs, in one query of one or two point look-ups."""
        if kind == "close":  # rare and final: the whole tip, so the closed row is written whole from the chain
            tip = self.tip(incident)  # and an unreadable entry refuses the close (TamperedError), as before
            return End(n=tip.n, hash=tip.hash, closed=tip.closed, at=tip.at, number=0, whole=tip)
        field = NUMBERED.get(kind)
        if field is None:
            row = self._one(END_SQL.format(latest=""), (incident,))
        else:
            latest = ", " + _LATEST.format(hint=self.latest_hint, kind=kind)
            row = self._one(END_SQL.format(latest=latest), (incident, incident))
        if row is None:
            self.summary(incident)  # unknown id: the usual message with a suggestion
            raise StorageError(_("{where}: incident {id} heeft geen regels").format(where=self.where, id=incident))
        number = 0
        if field is not None and row[4] is not None:
            try:
                number = int(json.loads(row[4]).get(field, 0))
            except (AttributeError, TypeError, ValueError):  # unreadable: no writer that needs it
                raise _unreadable(incident) from None
        return End(n=row[0], hash=row[1], closed=row[2] == "close", at=str(row[3]), number=number)

    def has_hash(self, incident: str, prefix: str) -> bool:
        """Whether an entry's hash starts with `prefix` (hex, as printed on a sitrap)."""
        if not all(c in "0123456789abcdef" for c in prefix):
            return False
        sql = "SELECT 1 FROM entries WHERE incident = ? AND hash LIKE ? LIMIT 1"
        return self._one(sql, (incident, prefix + "%")) is not None

    def entries(self, incident: str) -> list[Entry]:
        return list(self.stream(incident))

    def entry(self, incident: str, n: int) -> Entry | None:
        row = self._one(self.entry_sql + " WHERE incident = ? AND n = ?", (incident, n))
        return Entry(*row) if row else None

    def verify_chain(
        self, summary: Summary, sent_head: str | None = None, levels: frozenset[int] | None = None
    ) -> list[Fault]:
        """The chain's breaks; then the `incidents` row against what the chain says; then, when given, whether
        the head hash printed on a sent sitrap is still in the chain (a chain recomputed after sending is not).
        Here, below every use case, so that `check` and `incident verify` ask the same question."""
        faults = verify(summary.id, self.stream(summary.id), summary.head, levels)  # two streaming passes: flat memory
        if faults:
            return faults
        state = fold(self.stream(summary.id), keep=False)
        told = {
            pgettext("incidentregel", "regels"): (summary.entries, state.entries),
            pgettext("incidentregel", "niveau"): (summary.level, state.level),
            pgettext("incidentregel", "acties"): (summary.actions, max(state.actions, default=0)),
            pgettext("incidentregel", "rapporten"): (summary.reports, state.reports),
            pgettext("incidentregel", "gesloten"): (summary.closed_at, state.closed_at),
        }
        for name, (row, chain) in told.items():
            if row != chain:
                message = _(
                    "de incidentregel zegt {name} = {row}, de keten zegt {chain} (incidentregel gewijzigd)"
                ).format(name=name, row=row, chain=chain)
                faults.append(Fault(summary.id, state.entries, message))
        if sent_head is not None and not self.has_hash(summary.id, sent_head):
            faults.append(
                Fault(
                    summary.id,
                    state.entries,
                    _(
                        "hash {hash} staat niet in de keten: het logboek is herschreven nadat die hash werd verstuurd"
                    ).format(hash=sent_head),
                )
            )
        return faults

    def verify_all(self, levels: frozenset[int] | None = None) -> list[Fault]:
        faults: list[Fault] = []
        for summary in self.summaries():
            faults += self.verify_chain(summary, levels=levels)
        return faults

    def checks_since(self, since: str) -> list[tuple[str, str, str, float | None]]:
        rows = self._rows("SELECT name, env, state, latency_ms FROM checks WHERE at >= ? ORDER BY at", (since,))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def all_checks(self) -> list[Check]:
        """Every recorded check, oldest first (for a copy to another logbook)."""
        sql = "SELECT at, name, env, url, state, status, latency_ms, reason FROM checks ORDER BY at, name, env"
        return [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in self._rows(sql)]

    def usage_between(self, first: str, last: str) -> list[tuple[str, str, str, int]]:
        """Usage figures (day, application, metric, count) from `first` to `last` (ISO days, both included)."""
        sql = "SELECT day, application, metric, count FROM usage WHERE day >= ? AND day <= ? ORDER BY day"
        return [(r[0], r[1], r[2], int(r[3])) for r in self._rows(sql, (first, last))]

    def deliveries(self, callout: str) -> list[Delivered]:
        """The deliveries of one call-out: (channel, recipient, message_id, outcome, reason, at)."""
        sql = "SELECT channel, recipient, message_id, outcome, reason, at FROM deliveries WHERE callout = ?"
        rows = self._rows(sql + " ORDER BY channel, recipient", (callout,))
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def incident_deliveries(self, incident: str) -> list[tuple[str, str, str, str, str, str]]:
        """Every delivery of the incident's call-outs in one query, oldest first (by when its outcome, or its
        intent, was recorded; not by the call-out's id, where '#10' sorts before '#9'):
        (callout, channel, recipient, outcome, reason, at). What `oproep --status` reads."""
        sql = "SELECT callout, channel, recipient, outcome, reason, at FROM deliveries WHERE incident = ?"
        rows = self._rows(sql + " ORDER BY at, callout, channel, recipient", (incident,))
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def of_kind(self, incident: str, kind: str) -> list[Entry]:
        """The incident's entries of one kind, oldest first (by the kind index: a call-out's confirmations or the
        status page's public updates without reading the whole chain; a plain query, so it may run inside a write
        transaction)."""
        rows = self._rows(self.entry_sql + " WHERE incident = ? AND kind = ? ORDER BY n", (incident, kind))
        return [Entry(*row) for row in rows]

    def confirm_key(self) -> bytes:
        """The key that signs confirmation links: made once with the logbook's schema, kept in its database,
        so any coordinator's machine on the same logbook can check a token. A table of its own, which the
        documented reader role may not read (it could sign tokens with it)."""
        row = self._one("SELECT value FROM confirm_key")
        if not row or len(str(row[0])) < 32:
            raise StorageError(
                _("{where}: het logboek heeft geen sleutel voor bevestigingen").format(where=self.where),
                _("Werk het bij."),
            )
        return bytes.fromhex(str(row[0]))

    def callouts(self, incident: str) -> list[str]:
        """The ids of the incident's call-outs that have deliveries recorded."""
        rows = self._rows("SELECT DISTINCT callout FROM deliveries WHERE incident = ? ORDER BY callout", (incident,))
        return [str(r[0]) for r in rows]

    # --- writing ----------------------------------------------------------------------------------------

    def record_intent(
        self, incident: str, callout: str, planned: Sequence[tuple[str, str, str]], at: str
    ) -> dict[tuple[str, str], str]:
        """Before the first message goes out: one 'pending' row per (channel, recipient, Message-ID) not yet
        held, in one transaction. Returns the Message-ID of every planned delivery, as held: a retry uses the
        one the first attempt used."""
        with self.transaction():
            held = {(d[0], d[1]): d[2] for d in self.deliveries(callout)}
            for channel, recipient, message_id in planned:
                if (channel, recipient) not in held:
                    self._run(
                        "INSERT INTO deliveries (callout, incident, channel, recipient, message_id, outcome, reason,"
                        " at) VALUES (?, ?, ?, ?, ?, 'pending', '', ?)",
                        (callout, incident, channel, recipient, message_id, at),
                    )
                    held[(channel, recipient)] = message_id
        return held

    def record_outcomes(self, callout: str, outcomes: Sequence[tuple[str, str, str, str]], at: str) -> None:
        """What came of deliveries (channel, recipient, outcome, reason), in one transaction, as soon as it is
        known. An accepted delivery stays accepted: nothing later can make it look unsent."""
        with self.transaction():
            for channel, recipient, outcome, reason in outcomes:
                self._run(
                    "UPDATE deliveries SET outcome = ?, reason = ?, at = ?"
                    " WHERE callout = ? AND channel = ? AND recipient = ? AND outcome <> 'accepted'",
                    (outcome, reason, at, callout, channel, recipient),
                )

    def record_usage(self, rows: Sequence[tuple[str, str, str, int]]) -> tuple[int, int]:
        """Keep usage figures in one transaction: (new, changed). A row already held with the same count changes
        nothing (a re-import is harmless); with another count, the new figure replaces it (a correction)."""
        new = changed = 0
        with self.transaction():
            held = {
                (r[0], r[1], r[2]): int(r[3])
                for r in self._rows("SELECT day, application, metric, count FROM usage")
            }
            for day, application, metric, count in rows:
                before = held.get((day, application, metric))
                if before is None:
                    self._run("INSERT INTO usage (day, application, metric, count) VALUES (?, ?, ?, ?)",
                              (day, application, metric, count))
                    new += 1
                elif before != count:
                    self._run("UPDATE usage SET count = ? WHERE day = ? AND application = ? AND metric = ?",
                              (count, day, application, metric))
                    changed += 1
        return new, changed

    def open_incident(self, title: str, body: Mapping[str, Any], author: str, at: str) -> Entry:
        """A new incident with a typeable id that no other logbook gives out: `2026-007-kxqm` is the Dutch
        year, the number within it in this logbook, and this logbook's code. `2026-007` alone still finds it
        while no other incident's id starts with that."""
        from ...domain.dutchtime import LOCAL  # here: a read (oproep --status) need not load the time zone

        year = datetime.fromisoformat(at).astimezone(LOCAL).year
        with self.transaction():
            code = f"-{self.code}" if self.code else ""  # a logbook before schema 4 has no code
            row = self._one("SELECT count(*) FROM incidents WHERE id LIKE ?", (f"{year}-%{code}",))
            count = int(row[0]) if row else 0
            incident = f"{year}-{count + 1:03d}{code}"
            while self._one("SELECT 1 FROM incidents WHERE id = ?", (incident,)):
                count += 1
                incident = f"{year}-{count + 1:03d}{code}"
            entry = chained(incident, 1, at, author, "open", canonical(body), GENESIS)
            self._run(
                "INSERT INTO incidents (id, title, opened_at, level, entries, head) VALUES (?, ?, ?, ?, 1, ?)",
                (incident, title, at, int(body["level"]), entry.hash),
            )
            self._insert(entry)
        return entry

    def append(self, incident: str, kind: str, body: dict[str, Any], author: str, at: str) -> Entry:
        """Add one entry at the end of the chain; refused once the incident is closed.

        Decisions and reports get their next number here, inside the transaction and from the entries
        themselves, so two writers never share one and an edited `incidents` row cannot bend it.
        """
        with self.transaction():
            end = self._end(incident, kind)
            if end.closed:
                raise UsageError(
                    _("incident {id} is gesloten; er kan niets meer worden vastgelegd").format(id=incident)
                )
            field = NUMBERED.get(kind)
            if field is not None:
                body = {**body, field: end.number + 1}
            at = not_before(at, end.at)
            entry = chained(incident, end.n + 1, at, author, kind, canonical(body), end.hash)
            self._advance(entry, body, end.whole)
        return entry

    def append_made(self, entry: Entry) -> bool:
        """Add an entry the caller made in full from the chain as it read it, if the chain is still where
        it was (False when a colleague wrote in between: catch up and make it again).

        This lets a slow writer (a sitrap of a million entries) build its text outside the write lock and
        hold the lock only for this check and one insert.
        """
        with self.transaction():
            end = self._end(entry.incident, entry.kind)
            if end.closed or (end.n + 1, end.hash) != (entry.n, entry.prev_hash):
                return False
            if not_before(entry.at, end.at) != entry.at:
                said = _("{where}: regel {n} van {id} is ouder dan de regel ervoor")
                raise StorageError(said.format(where=self.where, n=entry.n, id=entry.incident))
            body = entry.data
            field = NUMBERED.get(entry.kind)
            if field is not None and body.get(field) != end.number + 1:
                return False
            if entry.expected_hash() != entry.hash:
                said = _("{where}: regel {n} van {id} heeft een onjuiste hash")
                raise StorageError(said.format(where=self.where, n=entry.n, id=entry.incident))
            self._advance(entry, body, end.whole)
        return True

    def import_entries(self, entries: list[Entry], title: str, level: int, actions: int, reports: int) -> int:
        """Store an exported incident (the caller has verified its chain); returns how many entries were new.

        An incident this logbook already holds is taken as a handover back: when its stored chain is the
        start of the exported one, the newer entries are appended (0 when there are none); when the two
        chains part ways, nothing is stored.
        """
        first, last = entries[0], entries[-1]
        with self.transaction():
            self._bringing_in()
            held = self._one(
                "SELECT n, hash FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1", (first.incident,)
            )
            new = entries
            if held is not None:
                n, digest = held
                if n >= len(entries):  # the export may be an earlier state of what is held: then nothing is new
                    n = len(entries)
                    found = self._one("SELECT hash FROM entries WHERE incident = ? AND n = ?", (first.incident, n))
                    digest = found[0] if found else None
                if entries[n - 1].hash != digest:
                    raise UsageError(
                        _(
                            "incident {id} staat al in dit logboek, met een andere regel {n} dan de export: beide "
                            "zijn na de overdracht verder geschreven"
                        ).format(id=first.incident, n=n),
                        _("Niets ingelezen. Leg de verschillen vast in één van beide logboeken."),
                    )
                new = entries[n:]
            closed = last.at if last.kind == "close" else None
            if held is None:
                self._run(
                    "INSERT INTO incidents (id, title, opened_at, level, closed_at, entries, actions, reports, head) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (first.incident, title, first.at, level, closed, last.n, actions, reports, last.hash),
                )
            self._insert_many(new)
            if held is not None and new:
                self._run(
                    "UPDATE incidents SET entries = ?, head = ?, level = ?, closed_at = ?, actions = ?, reports = ? "
                    "WHERE id = ?",
                    (last.n, last.hash, level, closed, actions, reports, first.incident),
                )
        return len(new)

    def _advance(self, entry: Entry, body: Mapping[str, Any], whole: Tip | None = None) -> None:
        """Insert `entry` and move the incident's row along with it (the triggers check both): `entries`, `head`
        and `closed_at` (all three follow from the entry alone) at every append, and the one column the entry's
        kind changes (a decision's number, a report's, the level). The others stay as they are: finding them from
        the entries costs the look-ups that `_end` leaves out. A close, given the `whole` tip, writes every column
        from the chain (the counts where they are not higher already): the closed row stays as it is for good."""
        self._insert(entry)
        sets = "entries = ?, head = ?, closed_at = ?"
        values = [entry.n, entry.hash, entry.at if entry.kind == "close" else None]
        if whole is not None:
            # The counts only upwards: the guard refuses a lower one, and a row edited upwards past the triggers
            # must not stop a close (verify keeps saying so).
            sets += ", level = ?, actions = CASE WHEN actions > ? THEN actions ELSE ? END"
            sets += ", reports = CASE WHEN reports > ? THEN reports ELSE ? END"
            values += [whole.level, whole.actions, whole.actions, whole.reports, whole.reports]
        column = MOVES.get(entry.kind)
        if column is not None:
            field = NUMBERED.get(entry.kind)
            sets += f", {column} = ?"
            values.append(body[field] if field is not None else int(body["after"]))
        self._run(f"UPDATE incidents SET {sets} WHERE id = ?", (*values, entry.incident))

    def decided(self) -> set[str]:
        """The incidents that have a decision among their entries (so perhaps an open action), from the entries
        themselves rather than the row's count: one look-up per incident on the kind index."""
        sql = (
            "SELECT id FROM incidents WHERE EXISTS (SELECT 1 FROM entries"
            + self.latest_hint
            + " WHERE entries.incident = incidents.id AND kind = 'decision')"
        )
        return {str(row[0]) for row in self._rows(sql)}


def _unreadable(incident: str) -> TamperedError:
    """An entry whose body a writer needs cannot be read: nothing is written."""
    return TamperedError(
        _("de hashketen van {id} klopt niet: een regel is onleesbaar; er is niets vastgelegd").format(id=incident),
        _("'calamiteit incident verify {id}' toont waar.").format(id=incident),
    )


def new_code() -> str:
    import secrets

    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
