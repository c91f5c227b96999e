"""Dutch public holidays for readiness, from the `holidays` package, kept in the user cache.

Importing `holidays` costs ~150 ms (it loads every country), most of a level-1 assessment; a warm run reads the
dates back from a small file instead.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from .config import cache_dir
from .output_files import write_atomic

_READ: dict[tuple[int, int], frozenset[date]] = {}  # per range of years, once per process (assess asks twice)


def dutch_holidays(first: int, last: int) -> frozenset[date]:
    """The Dutch public holidays of those years, from the `holidays` package, kept in the user cache.

    Importing `holidays` costs ~150 ms (it loads every country), most of a level-1 assessment. The dates are
    worked out once per range of years and per installed version of the package (its file is the key, found
    without importing it) and read back from the cache after that.
    """
    if (first, last) not in _READ:
        _READ[first, last] = _holidays(first, last)
    return _READ[first, last]


def _holidays(first: int, last: int) -> frozenset[date]:
    spec = importlib.util.find_spec("holidays")
    stamp = ""
    if spec is not None and spec.origin:
        info = Path(spec.origin).stat()
        stamp = f"{info.st_size}-{info.st_mtime_ns}"
    path = cache_dir() / f"holidays-nl-{first}-{last}-{stamp}.txt"
    try:
        # UTF-8, not ASCII: the same dates, without loading the ASCII codec for this one file
        return frozenset(date.fromisoformat(line) for line in path.read_text(encoding="utf-8").split())
    except (OSError, ValueError):
        pass
    import holidays

    found = frozenset(holidays.country_holidays("NL", years=range(first, last + 1)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, "\n".join(sorted(d.isoformat() for d in found)) + "\n")
    except Exception:
        pass
    return found


