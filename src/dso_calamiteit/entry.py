"""The console script's entry point: nothing heavy is imported before Ctrl-C can be answered.

Importing the CLI takes most of start-up (Typer, Rich on demand); a Ctrl-C in that time must end like any
other interruption, with exit 130 and one line, not a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import run
    except KeyboardInterrupt:
        sys.stderr.write("calamiteit: onderbroken (er is niets vastgelegd)\n")
        sys.exit(130)
    sys.exit(run())
