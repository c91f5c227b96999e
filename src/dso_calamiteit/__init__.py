"""dso-calamiteit: escalation advice, routing and contacts for the DSO calamity organisation."""

__version__ = "0.1.0"
APP = "calamiteit"  # the command, and the name of its folders for configuration, data and cache (platformdirs)
