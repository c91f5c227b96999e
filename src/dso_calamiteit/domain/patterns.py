"""Regular expressions compiled when first used, not when their module is imported: seven compiled at import
were 3 % of the instructions of `assess --json`, which uses none of them (a compile is 0.1-0.5 ms each)."""

from __future__ import annotations

import re
from functools import cache


@cache
def pattern(source: str) -> re.Pattern[str]:
    """`re.compile(source)`, once per process."""
    return re.compile(source)
