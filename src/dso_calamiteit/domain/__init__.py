"""The domain: what a calamity night is made of, as dataclasses and pure functions.

No file, clock, terminal, database or network here (the `pure-domain` contract in pyproject.toml holds it):
criteria and levels, the assessment, contacts and routing, readiness, the hash-chained logbook and the
incident it folds into, the sitrap's content, the call-out's plan, monitoring verdicts and the overview's
figures. Everything else in the package is built on these; nothing here knows about anything else.
"""
