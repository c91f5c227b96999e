"""What kind of process this is, set once at its start: a one-shot command (the console script) or a server.

Its own module, importing only the built-in gc, so the console script can say so before anything heavy loads:
`--version` and `--help` import none of the configuration machinery (tests/test_startup_imports.py).
"""

import gc

ONE_SHOT = [False]  # True in a one-shot command (cli.entry): what it loads lives until it exits (`web` unsets)
# True while cli.entry holds the cyclic garbage collector off for the start-up: importing Typer, the CLI and the
# command's module and building the command allocate tens of thousands of objects that live until the process
# ends, and the collector walked them again and again (36-70 collections before and during a warm command).
START_PAUSED = [False]
# The youngest generation is collected after this many new container objects instead of Python's 700: a command
# that builds thousands of rows, contacts or entries (they live until it ends) then pays a handful of collections,
# not tens (paired CPU, load 8: check, the status table, assess --json, contacts at 10,000 each ~4% less). The
# collector stays on, so whatever runs until it is stopped (web, monitor, oproep --bewaak, log --volg) still
# collects its cycles, later: the youngest generation every this many new objects, and garbage that survives into
# the older generations after proportionally more (about 28 times the objects of Python's default). Not off for
# the whole command: that measured the same and would leave every long-running path to switch it back on.
YOUNG_THRESHOLD = 20_000


def start_done() -> None:
    """The start-up is over (cli.root, just before the command runs): what it made is frozen out of the
    collector (it lives as long as the process), and the collector is on again for the command, collecting the
    youngest generation every YOUNG_THRESHOLD new objects."""
    if START_PAUSED[0]:
        START_PAUSED[0] = False
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
        gc.enable()
