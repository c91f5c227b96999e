"""The command-line face: the Typer commands (one module per command group), the prompt, the shared options
and the console script's entry point (`entry.main`).

Kept empty on purpose: the entry point imports nothing heavy before it can answer a Ctrl-C.
"""
