"""Reading an input file measured before it is read: a regular file only (a FIFO or a device could never end,
or block), its size checked against the limit before a byte is read, and counted while it is read (a file that
grows meanwhile is cut off at the limit, not read on into memory)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..domain.errors import UsageError

READ_CHUNK = 1024 * 1024


def read_bounded(path: Path, limit: int, advice: str) -> bytes:
    """The bytes of `path`, never more than `limit`; refused (exit 2) for a non-regular file or a larger one.
    `advice` says what to do with a file that is too large."""
    mib = f"{limit // (1024 * 1024)} MiB"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO's open does not wait for a writer
    except OSError as exc:
        raise UsageError(f"{path}: kan niet gelezen worden: {exc.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{path}: is een map", "Geef een bestand.")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{path}: is geen gewoon bestand (een pijp of apparaat)", "Geef een bestand.")
        raise UsageError(f"{path}: groter dan {mib}", advice)
    with os.fdopen(fd, "rb") as fh:
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := fh.read(READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UsageError(f"{path}: groter dan {mib} (het groeide tijdens het lezen)", advice)
                chunks.append(chunk)
        except OSError as exc:
            raise UsageError(f"{path}: kan niet gelezen worden: {exc.strerror}") from None
    return b"".join(chunks)
