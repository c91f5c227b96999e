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


def dutch_holidays(first: int, last: int) -> frozenset[date]:
    """The Dutch public holidays of those years, from the `holidays` package, kept in the user cache.

    Importing `holidays` costs ~150 ms (it loads every country), most of a level-1 assessment. The dates are
    worked out once per range of years and per installed version of the package (its file is the key, found
    without importing it) and read back from the cache after that.
    """
    spec = importlib.util.find_spec("holidays")
    stamp = ""
    if spec is not None and spec.origin:
        info = Path(spec.origin).stat()
        stamp = f"{info.st_size}-{info.st_mtime_ns}"
    path = cache_dir() / f"holidays-nl-{first}-{last}-{stamp}.txt"
    try:
        return frozenset(date.fromisoformat(line) for line in path.read_text(encoding="ascii").split())
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


