"""Reading an input file measured before it is read: a regular file only (a FIFO or a device could never end,
or block), its size checked against the limit before a byte is read, and counted while it is read (a file that
grows meanwhile is cut off at the limit, not read on into memory)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from ..domain.errors import UsageError, os_reason
from ..domain.language import _

READ_CHUNK = 1024 * 1024


def read_bounded(
    path: Path, limit: int, advice: str, *, pipes: bool = False, first: Callable[[bytes], None] | None = None
) -> bytes:
    """The bytes of `path`, never more than `limit`; refused (exit 2) for a device, a folder or a larger file, and
    for a pipe unless `pipes` (then it is read as it comes and cut off at the limit: `… | incident import
    /dev/stdin`). `advice` says what to do with a file that is too large; `first`, when given, sees the first
    chunk and may refuse the file at once (no need to read 256 MiB of something that is no export)."""
    mib = f"{limit // (1024 * 1024)} MiB"

    def unreadable(exc: OSError) -> UsageError:
        return UsageError(_("{path}: kan niet gelezen worden: {reason}").format(path=path, reason=os_reason(exc)))

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO's open does not wait for a writer
    except OSError as exc:
        raise unreadable(exc) from None
    st = os.fstat(fd)
    pipe = pipes and stat.S_ISFIFO(st.st_mode)
    if (not stat.S_ISREG(st.st_mode) and not pipe) or st.st_size > limit:
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(_("{path}: is een map").format(path=path), _("Geef een bestand."))
        if not stat.S_ISREG(st.st_mode):
            said = _("{path}: is geen gewoon bestand (een pijp of apparaat)")
            raise UsageError(said.format(path=path), _("Geef een bestand."))
        raise UsageError(_("{path}: groter dan {size}").format(path=path, size=mib), advice)
    if pipe:
        os.set_blocking(fd, True)  # a pipe is read as the writer gives it
    with os.fdopen(fd, "rb") as fh:
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := fh.read(READ_CHUNK):
                if first is not None and not chunks:
                    first(chunk)
                size += len(chunk)
                if size > limit:
                    said = _("{path}: groter dan {size} (het groeide tijdens het lezen)")
                    raise UsageError(said.format(path=path, size=mib), advice)
                chunks.append(chunk)
        except OSError as exc:
            raise unreadable(exc) from None
    return b"".join(chunks)
