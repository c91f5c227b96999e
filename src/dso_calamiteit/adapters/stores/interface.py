"""The one interface of a logbook store, and the chain rules every engine shares.

An engine (SQLite, PostgreSQL) supplies a connection, its transactions and its own SQL dialect; the rules
of the chain live here once: numbers come from the entries, a closed incident takes nothing more, an entry
made outside the lock goes in only while the chain still ends where it was read. The hashes are computed
in Python (logbook.chained), so a chain verifies identically on both engines and moves between them.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from ...domain import exitcodes
from ...domain.errors import CalamiteitError, UsageError, suggest
from ...domain.logbook import GENESIS, Entry, Fault, Summary, Tip, canonical, chained, fold, verify

ENTRY_SQL = "SELECT incident, n, at, author, kind, body, prev_hash, hash, role FROM entries"
# The newest body of one kind; `{hint}` lets SQLite name the index its planner would otherwise pass by.
_LATEST = "(SELECT body FROM entries{hint} WHERE incident = ? AND kind = '{kind}' ORDER BY n DESC LIMIT 1)"
TIP_SQL = (
    "SELECT n, hash, kind, "
    + ", ".join(_LATEST.format(hint="{hint}", kind=k) for k in ("level_change", "open", "decision", "report"))
    + " FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1"
)
SUMMARY_SQL = "SELECT id, title, opened_at, level, closed_at, entries, actions, reports, head FROM incidents"
CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # no i, l, o: nothing to mistake for 1 or 0 when read aloud or typed
CODE_LENGTH = 4

Check = tuple[str, str, str, str, str, int | None, float | None, str]


class StorageError(CalamiteitError):
    """The logbook cannot be used as it is; it is left untouched."""

    exit_code = exitcodes.CONFIG


class BusyError(CalamiteitError):
    exit_code = exitcodes.FAILURE


class Store(ABC):
    """A logbook: incidents of hash-chained, append-only entries, and the monitor's recorded checks.

    Shared SQL is written with `?` placeholders and standard SQL that both engines read the same way.
    """

    #: what to call this logbook in a message: a file path, or a URL without its password
    where: str
    entry_sql = ENTRY_SQL
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
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def stream(self, incident: str, after: int = 0) -> Iterator[Entry]:
        """The entries oldest first (those after entry `after`), from a cursor: memory stays flat."""

    @abstractmethod
    def last_of_kind(self, incident: str, kind: str) -> Entry | None: ...

    @abstractmethod
    def record_checks(self, rows: Sequence[Check]) -> None:
        """Monitoring results: (at, name, env, url, state, status, latency_ms, reason); never the API key."""

    @abstractmethod
    def wait(self, incident: str, seconds: float) -> None:
        """Return when `incident` may have new entries, or after `seconds` (for `show --follow`)."""

    @property
    @abstractmethod
    def code(self) -> str | None:
        """This logbook's code, part of every incident id it gives out."""

    @abstractmethod
    def _insert(self, e: Entry) -> None: ...

    def _insert_many(self, entries: Sequence[Entry]) -> None:
        for e in entries:
            self._insert(e)

    @abstractmethod
    def schema_version(self) -> int: ...

    # --- reading ----------------------------------------------------------------------------------------

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

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
            raise UsageError(f"'{ref}' past bij {len(rows)} incidenten: {shown}", "Geef het volledige id.")
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
                f"onbekend incident '{incident}'.{suggest(incident, known)}",
                "`calamiteit incident list --all` toont alle incidenten.",
            )
        return Summary(*row)

    def tip(self, incident: str) -> Tip:
        """The end of the chain and the numbers a next entry needs, from the entries: one query of point
        look-ups (a writer over a network pays one round trip for it, not five)."""
        last = self._one(self.tip_sql, (incident,) * 5)
        if last is None:
            self.summary(incident)  # unknown id: the usual message with a suggestion
            raise StorageError(f"{self.where}: incident {incident} heeft geen regels")
        n, digest, kind, change, opening, decision, report = last

        def latest(body: str | None) -> dict[str, Any]:
            found: dict[str, Any] = json.loads(body) if body is not None else {}
            return found

        return Tip(
            n=n,
            hash=digest,
            level=int(latest(change).get("after", latest(opening).get("level", 0))),
            actions=int(latest(decision).get("action", 0)),
            reports=int(latest(report).get("number", 0)),
            closed=kind == "close",
        )

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

    def verify_chain(self, summary: Summary, sent_head: str | None = None) -> list[Fault]:
        """The chain's breaks; then the `incidents` row against what the chain says; then, when given, whether
        the head hash printed on a sent sitrap is still in the chain (a chain recomputed after sending is not).
        Here, below every use case, so that `check` and `incident verify` ask the same question."""
        faults = verify(summary.id, self.stream(summary.id), summary.head)  # two streaming passes: flat memory
        if faults:
            return faults
        state = fold(self.stream(summary.id), keep=False)
        told = {
            "regels": (summary.entries, state.entries),
            "niveau": (summary.level, state.level),
            "acties": (summary.actions, max(state.actions, default=0)),
            "rapporten": (summary.reports, state.reports),
            "gesloten": (summary.closed_at, state.closed_at),
        }
        for name, (row, chain) in told.items():
            if row != chain:
                message = f"de incidentregel zegt {name} = {row}, de keten zegt {chain} (incidentregel gewijzigd)"
                faults.append(Fault(summary.id, state.entries, message))
        if sent_head is not None and not self.has_hash(summary.id, sent_head):
            faults.append(
                Fault(
                    summary.id,
                    state.entries,
                    f"hash {sent_head} staat niet in de keten: het logboek is herschreven nadat die hash werd "
                    "verstuurd",
                )
            )
        return faults

    def verify_all(self) -> list[Fault]:
        faults: list[Fault] = []
        for summary in self.summaries():
            faults += self.verify_chain(summary)
        return faults

    def checks_since(self, since: str) -> list[tuple[str, str, str, float | None]]:
        rows = self._rows("SELECT name, env, state, latency_ms FROM checks WHERE at >= ? ORDER BY at", (since,))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def all_checks(self) -> list[Check]:
        """Every recorded check, oldest first (for a copy to another logbook)."""
        sql = "SELECT at, name, env, url, state, status, latency_ms, reason FROM checks ORDER BY at, name, env"
        return [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in self._rows(sql)]

    # --- the period overview: from roll-ups kept as checks are recorded, never the raw rows of a year -------

    def check_hours(self, start: str, end: str) -> list[tuple[str, str, str, int, int, int]]:
        """Per application and UTC hour: (name, env, hour, checks, up, in maintenance)."""
        sql = "SELECT name, env, hour, checks, up, maintenance FROM check_hours WHERE hour >= ? AND hour < ?"
        rows = self._rows(sql, (start[:13], end[:13]))
        return [(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows]

    def latency_percentiles(self, first_day: str, last_day: str) -> list[tuple[str, str, float | None, float | None]]:
        """Per application the median and 95th percentile latency of the checks that answered, over the local
        days given (both included), from the latency histogram (buckets 5 % wide: the figure is the bucket's
        middle, within 2.5 % of the exact one)."""
        from ...domain.overview import bucket_value

        sql = (
            "SELECT name, env, bucket, sum(count) FROM latency_days WHERE day >= ? AND day <= ? "
            "GROUP BY name, env, bucket ORDER BY name, env, bucket"
        )
        buckets: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for name, env, bucket, count in self._rows(sql, (first_day, last_day)):
            buckets.setdefault((name, env), []).append((int(bucket), int(count)))
        out = []
        for (name, env), counts in sorted(buckets.items()):
            total = sum(c for _, c in counts)
            ranks = {"p50": (total + 1) // 2, "p95": (95 * total + 99) // 100}
            found: dict[str, float] = {}
            seen = 0
            for bucket, count in counts:
                seen += count
                for key, rank in ranks.items():
                    if key not in found and seen >= rank:
                        found[key] = bucket_value(bucket)
            out.append((name, env, found.get("p50"), found.get("p95")))
        return out

    def down_stretches(self, start: str, end: str) -> list[tuple[str, str, str, str, int]]:
        """Every unbroken run of failed checks that overlaps the period: (name, env, first, last, count)."""
        sql = "SELECT name, env, first, last, checks FROM down_runs WHERE last >= ? AND first < ?"
        return [(r[0], r[1], r[2], r[3], int(r[4])) for r in self._rows(sql, (start, end))]

    def _roll_up(self, rows: Sequence[Check]) -> None:
        """Keep the overview's roll-ups with the checks just recorded (in the same transaction): per hour the
        counts, per local day a latency histogram, and the runs of failed checks (a check in planned maintenance
        neither breaks nor extends a run). Point reads and upserts only: as fast at 2 million rows as at 100."""
        from ...domain.monitoring import ANSWERED
        from ...domain.overview import latency_bucket, local_day

        hours: dict[tuple[str, str, str], list[int]] = {}
        latency: dict[tuple[str, str, str, int], int] = {}
        for at, name, env, _url, state, _status, ms, _reason in rows:
            counts = hours.setdefault((name, env, at[:13]), [0, 0, 0])
            counts[0] += 1
            counts[1] += state in ANSWERED
            counts[2] += state == "onderhoud"
            if state in ANSWERED and ms is not None:
                key = (name, env, local_day(at), latency_bucket(ms))
                latency[key] = latency.get(key, 0) + 1
        for (name, env, hour), (checks, up, planned) in hours.items():
            self._run(
                "INSERT INTO check_hours (name, env, hour, checks, up, maintenance) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name, env, hour) DO UPDATE SET checks = check_hours.checks + excluded.checks, "
                "up = check_hours.up + excluded.up, maintenance = check_hours.maintenance + excluded.maintenance",
                (name, env, hour, checks, up, planned),
            )
        for (name, env, day, bucket), count in latency.items():
            self._run(
                "INSERT INTO latency_days (name, env, day, bucket, count) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name, env, day, bucket) DO UPDATE SET count = latency_days.count + excluded.count",
                (name, env, day, bucket, count),
            )
        tips: dict[tuple[str, str], tuple[str, str, str | None]] = {}  # app → (at, state, first of its run)
        runs: dict[tuple[str, str, str], list[Any]] = {}  # (name, env, first) → [last, checks added, held before]
        for at, name, env, _url, state, *_ in sorted(rows, key=lambda r: r[0]):
            if state == "onderhoud":
                continue
            app = (name, env)
            if app not in tips:
                held = self._one("SELECT at, state, run_first FROM check_tips WHERE name = ? AND env = ?", app)
                tips[app] = (str(held[0]), str(held[1]), held[2]) if held else ("", "", None)
            _, before, run = tips[app]
            if state == "onbeschikbaar":
                if before != "onbeschikbaar" or run is None:
                    run = at
                    runs[(name, env, run)] = [at, 0, False]
                extended = runs.setdefault((name, env, run), [at, 0, True])
                extended[0] = at
                extended[1] += 1
            else:
                run = None
            tips[app] = (at, state, run)
        for (name, env, first), (last, added, held_before) in runs.items():
            if held_before:
                self._run(
                    "UPDATE down_runs SET last = ?, checks = checks + ? WHERE name = ? AND env = ? AND first = ?",
                    (last, added, name, env, first),
                )
            else:
                self._run(
                    "INSERT INTO down_runs (name, env, first, last, checks) VALUES (?, ?, ?, ?, ?)",
                    (name, env, first, last, added),
                )
        for (name, env), (at, state, run) in tips.items():
            if not state:
                continue
            self._run(
                "INSERT INTO check_tips (name, env, at, state, run_first) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name, env) DO UPDATE SET at = excluded.at, state = excluded.state, "
                "run_first = excluded.run_first",
                (name, env, at, state, run),
            )

    def _rebuild_rollups(self) -> None:
        """On the migration that brings the roll-ups: fill them from the checks already held, in time order."""
        sql = "SELECT at, name, env, url, state, status, latency_ms, reason FROM checks ORDER BY at"
        batch: list[Check] = []
        for r in self._rows(sql):
            batch.append((r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]))
            if len(batch) >= 10_000:
                self._roll_up(batch)
                batch = []
        if batch:
            self._roll_up(batch)

    def usage_between(self, first: str, last: str) -> list[tuple[str, str, str, int]]:
        """Usage figures (day, application, metric, count) from `first` to `last` (ISO days, both included)."""
        sql = "SELECT day, application, metric, count FROM usage WHERE day >= ? AND day <= ? ORDER BY day"
        return [(r[0], r[1], r[2], int(r[3])) for r in self._rows(sql, (first, last))]

    # --- writing ----------------------------------------------------------------------------------------

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
        from ...domain.dutchtime import LOCAL

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
            tip = self.tip(incident)
            if tip.closed:
                raise UsageError(f"incident {incident} is gesloten; er kan niets meer worden vastgelegd")
            if kind == "decision":
                body = {**body, "action": tip.actions + 1}
            if kind == "report":
                body = {**body, "number": tip.reports + 1}
            entry = chained(incident, tip.n + 1, at, author, kind, canonical(body), tip.hash)
            self._advance(tip, entry, body)
        return entry

    def append_made(self, entry: Entry) -> bool:
        """Add an entry the caller made in full from the chain as it read it, if the chain is still where
        it was (False when a colleague wrote in between: catch up and make it again).

        This lets a slow writer (a sitrap of a million entries) build its text outside the write lock and
        hold the lock only for this check and one insert.
        """
        with self.transaction():
            tip = self.tip(entry.incident)
            if tip.closed or (tip.n + 1, tip.hash) != (entry.n, entry.prev_hash):
                return False
            body = entry.data
            numbered = {"decision": ("action", tip.actions), "report": ("number", tip.reports)}.get(entry.kind)
            if numbered is not None and body.get(numbered[0]) != numbered[1] + 1:
                return False
            if entry.expected_hash() != entry.hash:
                raise StorageError(f"{self.where}: regel {entry.n} van {entry.incident} heeft een onjuiste hash")
            self._advance(tip, entry, body)
        return True

    def import_entries(self, entries: list[Entry], title: str, level: int, actions: int, reports: int) -> int:
        """Store an exported incident (the caller has verified its chain); returns how many entries were new.

        An incident this logbook already holds is taken as a handover back: when its stored chain is the
        start of the exported one, the newer entries are appended (0 when there are none); when the two
        chains part ways, nothing is stored.
        """
        first, last = entries[0], entries[-1]
        with self.transaction():
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
                        f"incident {first.incident} staat al in dit logboek, met een andere regel {n} dan de "
                        "export: beide zijn na de overdracht verder geschreven",
                        "Niets ingelezen. Leg de verschillen vast in één van beide logboeken.",
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

    def _advance(self, tip: Tip, entry: Entry, body: Mapping[str, Any]) -> None:
        """Insert `entry` after `tip` and move the incident's row along with it (the triggers check both)."""
        self._insert(entry)
        kind = entry.kind
        self._run(
            "UPDATE incidents SET entries = ?, head = ?, actions = ?, reports = ?, level = ?, closed_at = ? "
            "WHERE id = ?",
            (
                entry.n,
                entry.hash,
                tip.actions + (kind == "decision"),
                tip.reports + (kind == "report"),
                int(body["after"]) if kind == "level_change" else tip.level,
                entry.at if kind == "close" else None,
                entry.incident,
            ),
        )


def new_code() -> str:
    import secrets

    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
