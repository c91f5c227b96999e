"""What kind of process this is, set once at its start: a one-shot command (the console script) or a server.

Its own module, with no imports, so the console script can say so before anything heavy loads: `--version`
and `--help` import none of the configuration machinery (tests/test_startup_imports.py).
"""

ONE_SHOT = [False]  # True in a one-shot command (cli.entry): what it loads lives until it exits (`web` unsets)
