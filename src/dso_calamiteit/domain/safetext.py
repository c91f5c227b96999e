"""Data is never markup, and never a terminal command: text from users, files, the logbook or servers is
shown as the characters it holds.

Escape sequences (CSI, OSC: window titles, screen clears, hyperlinks), carriage returns and bidirectional
overrides can make a terminal show something else than what was stored. In human output they become
visible stand-ins (the Unicode control pictures, or `\\x9b`-style escapes); JSON output keeps them exact.
"""

from __future__ import annotations

import re

from .patterns import pattern

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional controls (patterns.py).
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


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
    return pattern(_UNSAFE).sub(_stand_in, text) if pattern(_UNSAFE).search(text) else text


# In JSON these are only ever inside strings: escaping them keeps every value exact and the terminal safe.
_JSON_UNSAFE = "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"


# The same characters as UTF-8, by lead byte: DEL; U+0080-U+009F (C2 80-9F); U+061C (D8 9C); U+200E, U+200F and
# U+202A-U+202E (E2 80 8E-8F, AA-AE); U+2066-U+2069 (E2 81 A6-A9).
def _json_unsafe_utf8(data: bytes, i: int) -> bool:
    lead, rest = data[i], data[i + 1 : i + 3]
    if lead == 0x7F:
        return True
    if lead == 0xC2:
        return rest[:1] >= b"\x80" and rest[:1] <= b"\x9f"
    if lead == 0xD8:
        return rest[:1] == b"\x9c"
    bidi = rest in (b"\x80\x8e", b"\x80\x8f") or b"\x80\xaa" <= rest <= b"\x80\xae"
    return bidi or b"\x81\xa6" <= rest <= b"\x81\xa9"


def _may_hold_json_unsafe(document: str) -> bool:
    """Whether `document` holds a character of _JSON_UNSAFE, looked for in its UTF-8 form with one memchr per
    lead byte instead of the regex engine's pass over every character (a 3.5 MB `assess --json`: ~110 ms -> ~15)."""
    try:
        data = document.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: let the regex decide
        return True
    for lead in (b"\x7f", b"\xc2", b"\xd8", b"\xe2"):  # single bytes: bytes.find is a memchr
        i = data.find(lead)
        while i >= 0:
            if _json_unsafe_utf8(data, i):
                return True
            i = data.find(lead, i + 1)
    return False


def json_text(document: str) -> str:
    """A JSON text with the control characters that json.dumps(ensure_ascii=False) leaves raw escaped as \\uXXXX."""
    if document.isascii() or not _may_hold_json_unsafe(document):  # isascii: one quick pass in C
        return document
    return pattern(_JSON_UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def has_unsafe(text: str) -> bool:
    return pattern(_UNSAFE).search(text) is not None


def one_line(text: str) -> str:
    """`visible(text)` with newlines and tabs as spaces: for a line of a message or a Markdown list item."""
    return visible(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")


_MARKDOWN = r"([\\`*_\[\]<>#|~!])"


def markdown(text: str) -> str:
    """User text inside Markdown: shown literally, never a link, image, HTML tag, heading or table cell."""
    return pattern(_MARKDOWN).sub(r"\\\1", one_line(text))
