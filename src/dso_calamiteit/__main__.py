"""`python -m dso_calamiteit` runs the same command as `calamiteit`."""

from .cli import main

main()
