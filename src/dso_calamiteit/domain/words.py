"""Plain Dutch for numbers: '1 probleem', '3 problemen', '99,5%'."""

from __future__ import annotations


def count(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def percent(value: float) -> str:
    """A percentage with a decimal comma, as Dutch readers write it."""
    return f"{value:.1f}".replace(".", ",") + "%"
