"""Writing output files so that a reader never sees half of one, whatever happens half-way."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import CalamiteitError


class Staged:
    """A file written in full beside its place, not yet visible under its name: `publish` renames it there.

    Lets a command write first, commit what the file records, and only then show the file: a crash in
    between leaves a hidden temporary file, never a file that claims something the logbook does not hold.
    """

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        folder = path.parent if str(path.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise CalamiteitError(f"{path}: kan niet schrijven: {exc.strerror}") from None
        self.tmp = Path(tmp)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise CalamiteitError(f"{path}: kan niet schrijven: {exc.strerror}") from None
            raise

    def publish(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise CalamiteitError(f"{self.path}: kan niet schrijven: {exc.strerror}") from None

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path` in one step."""
    Staged(path, text).publish()


@contextmanager
def streamed_atomic(path: Path) -> Iterator[Callable[[str], object]]:
    """Like `write_atomic` for a text written piece by piece (an export of a million entries is never one
    string): the pieces go to a temporary file beside `path`, which is flushed and renamed over `path` only
    when the block ends without an error; otherwise it is removed."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CalamiteitError(f"{path}: kan niet schrijven: {exc.strerror}") from None
    staged = Path(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh.write
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(staged, path)
    except BaseException as exc:
        staged.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CalamiteitError(f"{path}: kan niet schrijven: {exc.strerror}") from None
        raise
