"""What the dataclasses that are also a configuration file's schema share: pydantic refuses unknown fields and
takes each field's docstring as its description (Dutch, shown by a coordinator's editor).

A module of its own so that a file kind's model (contacts.yaml's, read by `oproep --status`) does not import
another's (criteria.yaml's) for one constant.
"""

from __future__ import annotations

from typing import Any

STRICT: dict[str, Any] = {"extra": "forbid", "use_attribute_docstrings": True}
