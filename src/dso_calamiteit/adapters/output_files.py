"""Writing output files so that a reader never sees half of one, whatever happens half-way; and only ever as a
file: what is at the path decides how it is written.

- a regular file or a new name: written beside it and renamed over it in one step (atomic);
- `-` or /dev/stdout: the text goes to stdout;
- a FIFO or a device (a pipe a collector reads, /dev/null): written to directly, never replaced (a rename
  would put a regular file where the device was, which as root breaks /dev/null for the whole machine);
- a symbolic link: refused (exit 2): whoever can make the link could point it at a file of yours; give the path
  it points to;
- a folder or anything else: refused.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..domain.errors import CalamiteitError, UsageError, os_reason
from ..domain.language import _

STDOUT_NAMES = ("-", "/dev/stdout")


def is_stdout(path: Path | str) -> bool:
    return str(path) in STDOUT_NAMES


def _cannot(path: Path, exc: OSError) -> CalamiteitError:
    return CalamiteitError(_("{path}: kan niet schrijven: {reason}").format(path=path, reason=os_reason(exc)))


def _kind(path: Path) -> str:
    """'stdout', 'atomic' (a regular file or a new name) or 'direct' (a FIFO or device); refused otherwise."""
    if is_stdout(path):
        return "stdout"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "atomic"
    except OSError as exc:
        raise _cannot(path, exc) from None
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(
            _("{path}: is een symbolische koppeling; daarheen wordt niet geschreven").format(path=path),
            _("Geef het pad van het bestand zelf."),
        )
    if stat.S_ISREG(st.st_mode):
        return "atomic"
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "direct"
    said = _("{path}: is een map") if stat.S_ISDIR(st.st_mode) else _("{path}: is geen gewoon bestand")
    raise UsageError(said.format(path=path), _("Geef de naam van een bestand."))


def _beside(path: Path) -> tuple[int, Path]:
    """A new hidden temporary file in the folder of `path` (so the rename stays on one file system)."""
    import tempfile  # here: a command that may write (the holidays' cache) but does not, loads no random (~2 ms)

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot(path, exc) from None
    return fd, Path(tmp)


def _replace(tmp: Path, path: Path) -> None:
    """`tmp` renamed over `path`, only while that is still a regular file or a new name."""
    if _kind(path) != "atomic":  # something else was put at the path meanwhile: not replaced
        raise UsageError(_("{path}: is intussen geen gewoon bestand meer; er is niets vervangen").format(path=path))
    os.replace(tmp, path)


def _open_direct(path: Path) -> TextIO:
    """The FIFO or device itself, opened for writing without creating or following anything."""
    return os.fdopen(os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)), "w", encoding="utf-8")


class Staged:
    """A file written in full beside its place, not yet visible under its name: `publish` renames it there.

    Lets a command write first, commit what the file records, and only then show the file: a crash in
    between leaves a hidden temporary file, never a file that claims something the logbook does not hold.
    For stdout, a FIFO or a device the text is held until `publish` writes it there.
    """

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.kind = _kind(path)
        self.tmp: Path | None = None
        if self.kind != "atomic":
            return
        fd, self.tmp = _beside(path)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise _cannot(path, exc) from None
            raise

    def publish(self) -> None:
        if self.kind == "stdout":
            sys.stdout.write(self.text)
            sys.stdout.flush()
            return
        if self.kind == "direct":
            try:
                with _open_direct(self.path) as fh:
                    fh.write(self.text)
            except OSError as exc:
                raise _cannot(self.path, exc) from None
            return
        assert self.tmp is not None
        try:
            _replace(self.tmp, self.path)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise _cannot(self.path, exc) from None
            raise

    def discard(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` at `path` as its kind wants (see the module): a regular file through a temporary file beside
    it, flushed to disk, then renamed over it in one step."""
    Staged(path, text).publish()


@contextmanager
def streamed_atomic(path: Path) -> Iterator[Callable[[str], object]]:
    """Like `write_atomic` for a text written piece by piece (an export of a million entries is never one
    string), by the same rules and the same parts as `Staged`: the temporary file is renamed over `path` only
    when the block ends without an error (otherwise removed)."""
    kind = _kind(path)
    if kind == "stdout":
        yield sys.stdout.write
        sys.stdout.flush()
        return
    if kind == "direct":
        try:
            with _open_direct(path) as fh:
                yield fh.write
        except OSError as exc:
            raise _cannot(path, exc) from None
        return
    fd, staged = _beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh.write
            fh.flush()
            os.fsync(fh.fileno())
        _replace(staged, path)
    except BaseException as exc:
        staged.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot(path, exc) from None
        raise
