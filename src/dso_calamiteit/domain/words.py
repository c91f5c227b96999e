"""Numbers in the reader's language: '99,5%' ('99.5%'). Counted words are `language.counted`."""

from __future__ import annotations

from .language import decimal


def percent(value: float | None, decimals: int = 1) -> str:
    """A percentage with the reader's decimal mark and no space ('99,5%', '99.5%'); '—' for none."""
    return "—" if value is None else decimal(value, decimals) + "%"
