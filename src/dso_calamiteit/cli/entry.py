"""The console script's entry point: nothing heavy is imported before Ctrl-C can be answered.

Importing the CLI takes most of start-up (Typer, Rich on demand); a Ctrl-C in that time must end like any
other interruption, with exit 130 and one line, not a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    try:
        from ..adapters import process  # not adapters.config: --version and --help need none of it

        process.ONE_SHOT[0] = True  # one command, then exit: the loaded config need not be collected (`web` unsets)
        if gc.isenabled():  # no collections while the start-up imports and builds: on again before the command
            gc.disable()
            process.START_PAUSED[0] = True
        from .root import run

        code = run()
    except KeyboardInterrupt:  # during the imports, or in the instant before run() could catch it itself
        stored = sys.modules.get("dso_calamiteit.adapters.interrupts")
        said = stored.outcome() if stored is not None else None
        sys.stderr.write("calamiteit: onderbroken\n" + (f"  {said}\n" if said else ""))
        code = 130
    sys.exit(code)
