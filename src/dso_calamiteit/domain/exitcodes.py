"""Exit codes: the contract a runbook branches on. Documented in docs/runbook.md; change both together."""

OK = 0
FAILURE = 1  # found nothing (e.g. no contact matches), or stdout closed early (`| head`), or a bug
USAGE = 2  # bad flags, unknown or missing answers, end of input at a prompt
CONFIG = 3  # a YAML file is missing, unreadable or invalid; the logbook file cannot be used
TAMPERED = 4  # the logbook's hash chain does not verify: an entry was edited, inserted or removed
MONITOR_SLOW = 5  # monitor: every target answered, but at least one over its latency budget
MONITOR_DOWN = 6  # monitor: at least one target unavailable
READINESS_GAPS = 7  # paraatheid: a requirement is not met (at the moment asked, or somewhere in the period)
CALLOUT_INCOMPLETE = 8  # oproep / rapport --verstuur: not every recipient got it through every channel
CALLOUT_DEADLINE = 9  # oproep / rapport --verstuur: the call-out's deadline passed; the rest is pending (re-run)
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)

# `assess --exit-level`: a successful assessment exits LEVEL_BASE + level number. Level numbers are
# limited to 0..99 by validation, so these codes (10..109) never collide with the error codes above.
LEVEL_BASE = 10
MAX_LEVEL_NUMBER = 99
