"""The web face: `calamiteit web` serves the gedeeld beeld (the team's shared picture) from the same logbook and
configuration as the CLI. A sibling of cli/, never importing it: it calls the same use cases in app/.

Starlette, uvicorn and Jinja2 are the optional extra `web`; nothing here is imported unless that command runs.
"""
