"""dso-calamiteit: escalation advice, routing and contacts for the DSO calamity organisation."""

__version__ = "0.1.0"
