"""Use cases of `calamiteit db`: bring a logbook's schema up to date, and copy a whole logbook to another.

A copy moves every incident with its chain verified before (a broken chain is not copied) and after (the
target recomputes it), plus the monitor's recorded checks; it can run again (what is there already is
skipped), so a team that moves from SQLite to PostgreSQL and back loses nothing and doubles nothing.
"""

from __future__ import annotations

from dataclasses import field

from ..adapters.stores import location, open_store
from ..domain import exitcodes
from ..domain.errors import UsageError
from ..domain.language import _
from ..domain.logbook import fold, verify
from ..domain.records import record
from .handover import import_entries
from .logbook import ladder, locate
from .place import Where


@record(frozen=False)
class Upgraded:
    where: str
    before: int
    after: int


def upgrade(where: Where) -> Upgraded:
    """Create the logbook's schema or migrate it; refused (exit 3) on one from a newer calamiteit."""
    store = open_store(locate(where), upgrade=True)
    try:
        return Upgraded(store.where, store.upgraded_from, store.schema_version())
    finally:
        store.close()


@record(frozen=False)
class CopiedIncident:
    id: str
    entries: int
    new: int = 0
    problem: str | None = None
    broken: bool = False  # the source chain did not verify: not copied


@record(frozen=False)
class Copied:
    source: str
    target: str
    incidents: list[CopiedIncident] = field(default_factory=list)
    checks: int = 0
    checks_new: int = 0
    usage: int = 0  # usage figures (gebruik import) in the source
    usage_new: int = 0

    @property
    def exit_code(self) -> int:
        if any(i.broken for i in self.incidents):
            return exitcodes.TAMPERED
        return exitcodes.FAILURE if any(i.problem for i in self.incidents) else exitcodes.OK


def copy(source: str, target: str) -> Copied:
    """Every incident and recorded check of `source` into `target` (created or migrated as needed), in one
    transaction on the target: a copy that fails half-way (no rights, a lost connection) leaves nothing of itself,
    and a next run starts from the same state."""
    src_at = location.parse(source, "--from", password_allowed=False)
    dst_at = location.parse(target, "--to", password_allowed=False)
    if src_at == dst_at:
        raise UsageError(_("--from en --to wijzen hetzelfde logboek aan"))
    levels = ladder(None)
    src = open_store(src_at, create=False, readonly=True)
    try:
        dst = open_store(dst_at, create=True)
        try:
            copied = Copied(src.where, dst.where)
            with dst.transaction():  # whole or nothing: one transaction on the target
                for listed in src.summaries():
                    with src.snapshot():  # the row and the entries as of one moment: a colleague may write on
                        summary = src.summary(listed.id)
                        entries = list(src.stream(summary.id))
                    done = CopiedIncident(summary.id, len(entries))
                    copied.incidents.append(done)
                    faults = verify(summary.id, entries, summary.head, levels)
                    if faults:
                        done.broken = True
                        first = faults[0]
                        said = _("hashketen klopt niet (regel {n}: {message}); niet gekopieerd")
                        done.problem = said.format(n=first.n, message=first.message)
                        continue
                    try:
                        done.new = import_entries(dst, entries, fold(entries, keep=False))
                    except UsageError as exc:
                        done.problem = exc.message
                        continue
                    held = dst.summary(summary.id)
                    if verify(summary.id, dst.stream(summary.id), held.head):
                        done.problem = _("de keten klopt niet in het doel")
                checks = src.all_checks()
                have = set(dst.all_checks())
                fresh = [row for row in checks if row not in have]
                if fresh:
                    dst.record_checks(fresh)
                copied.checks, copied.checks_new = len(checks), len(fresh)
                usage = src.usage_between("0000-00-00", "9999-99-99")
                copied.usage = len(usage)
                if usage:
                    copied.usage_new = dst.record_usage(usage)[0]
            return copied
        finally:
            dst.close()
    finally:
        src.close()
