"""The views: every output format for people and scripts, one module per capability.

Rich tables, JSON documents (the runbook contract), Markdown, plain text and HTML are written here from
the domain's data and the application layer's results; nothing here reads a file, the clock or the logbook.
"""
