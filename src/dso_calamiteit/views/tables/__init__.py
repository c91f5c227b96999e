"""The views drawn with Rich, one module per capability: tables, panels and the one safe console.

Apart from the other views because Rich costs start-up (~30 ms): a command imports a module here only when
it draws for a person, so JSON, Markdown and plain text never load Rich (docs/design.md, "Lazy imports").
"""
