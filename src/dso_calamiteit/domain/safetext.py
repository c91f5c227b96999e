"""Data is never markup, and never a terminal command: text from users, files, the logbook or servers is
shown as the characters it holds.

Escape sequences (CSI, OSC: window titles, screen clears, hyperlinks), carriage returns and bidirectional
overrides can make a terminal show something else than what was stored. In human output they become
visible stand-ins (the Unicode control pictures, or `\\x9b`-style escapes); JSON output keeps them exact.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␍ for CR, …
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in; tabs and newlines stay."""
    return _UNSAFE.sub(_stand_in, text) if _UNSAFE.search(text) else text


# In JSON these are only ever inside strings: escaping them keeps every value exact and the terminal safe.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_text(document: str) -> str:
    """A JSON text with the control characters that json.dumps(ensure_ascii=False) leaves raw escaped as \\uXXXX."""
    if document.isascii() or not _JSON_UNSAFE.search(document):  # isascii: one quick pass in C
        return document
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def one_line(text: str) -> str:
    """`visible(text)` with newlines and tabs as spaces: for a line of a message or a Markdown list item."""
    return visible(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~!])")


def markdown(text: str) -> str:
    """User text inside Markdown: shown literally, never a link, image, HTML tag, heading or table cell."""
    return _MARKDOWN.sub(r"\\\1", one_line(text))
