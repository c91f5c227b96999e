"""Plain Dutch for numbers: '1 probleem', '3 problemen', '99,5%'."""

from __future__ import annotations


def count(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def percent(value: float | None, decimals: int = 1) -> str:
    """A percentage with a decimal comma and no space, as Dutch readers write it ('99,5%'); '—' for none."""
    return "—" if value is None else f"{value:.{decimals}f}".replace(".", ",") + "%"
