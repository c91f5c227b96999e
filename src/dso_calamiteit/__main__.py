"""`python -m dso_calamiteit`: the same entry point as the `calamiteit` script."""

from .entry import main

main()
