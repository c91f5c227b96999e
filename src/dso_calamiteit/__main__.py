"""`python -m dso_calamiteit`: the same entry point as the `calamiteit` script."""

from .cli.entry import main

main()
