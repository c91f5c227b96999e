"""The adapters: everything that touches the world, behind plain functions and one interface per kind.

Configuration files (finding, YAML, validation, the cache), the logbook stores (SQLite, PostgreSQL), the
notifiers of the call-out (e-mail, webhooks), the HTTP probe of the monitor, Prometheus textfiles, output
files written atomically, and the clock. They import the domain and nothing above it.
"""
