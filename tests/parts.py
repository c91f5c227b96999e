"""The real parts some tests need: a PostgreSQL server, and chromium driven by Playwright.

Where a part is missing its tests are skipped, but never quietly: the skip reason starts with PREFIX and names
what is missing and how to install it, and conftest's terminal summary ends the run with one line per missing
part. Where CI requires a part (CALAMITEIT_REQUIRE_POSTGRES, CALAMITEIT_REQUIRE_CHROMIUM; .ci/run sets both)
a missing one fails the test instead.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

PREFIX = "ontbreekt: "
POSTGRES = ("PostgreSQL", "CALAMITEIT_REQUIRE_POSTGRES")
CHROMIUM = ("chromium", "CALAMITEIT_REQUIRE_CHROMIUM")
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ENV = "CALAMITEIT_CHROMIUM"  # another browser binary; a path that does not exist means: none here


def missing(part: tuple[str, str], why: str, install: str) -> None:
    """Skip (or, where required, fail) a test that needs `part`: `why` it is missing, `install` what fixes it."""
    name, require = part
    if os.environ.get(require):
        pytest.fail(f"{name} vereist ({require}=1) maar: {why}; {install}", pytrace=False)
    pytest.skip(f"{PREFIX}{name}: {why}; {install}")


def chromium() -> str:
    """Debian's chromium, for Playwright's executable_path (never `playwright install`, which downloads)."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen is not None:
        found = chosen if Path(chosen).exists() else None
    else:
        found = next((p for p in CHROMIUM_PATHS if Path(p).exists()), None) or shutil.which("chromium")
    if found is None:
        missing(CHROMIUM, "geen chromium gevonden", "installeer met: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing(CHROMIUM, "playwright is niet geïnstalleerd", "installeer met: pip install -e '.[test]'")
    assert found is not None
    return found


def summary(reasons: list[str]) -> list[str]:
    """One line per missing part (and per other reason to skip), with how many tests it cost."""
    counted = Counter(reasons)
    return [f"{count} {'test' if count == 1 else 'tests'} overgeslagen, {reason}"
            for reason, count in sorted(counted.items())]
