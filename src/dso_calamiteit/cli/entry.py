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
        code = _interrupted()
    sys.exit(code)


def _interrupted() -> int:
    """One line in the reader's language (`--lang`, CALAMITEIT_LANG, ...: the CLI may not have read them yet)."""
    try:
        from ..views import i18n  # small: gettext and the language modules, not Typer

        i18n.setup_late(sys.argv[1:])
    except (Exception, KeyboardInterrupt):  # a second Ctrl-C, or a broken install: the line stays Dutch
        pass
    from ..domain.language import _

    stored = sys.modules.get("dso_calamiteit.adapters.interrupts")
    said = stored.outcome() if stored is not None else None
    sys.stderr.write("calamiteit: " + _("onderbroken") + "\n" + (f"  {said}\n" if said else ""))
    return 130
