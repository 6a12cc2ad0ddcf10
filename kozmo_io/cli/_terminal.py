"""Text from files, made safe to print on a terminal: escaped controls, cut lengths.

Whatever a task wrote (literal names and values, an error's code, message and worker) may hold
terminal escapes, carriage returns or bidirectional controls that would rewrite or reorder what the
reader sees. :func:`printable` escapes every C0 and C1 control and every bidi control; :func:`cut`
bounds a text's length, saying how long it was; :func:`json_safe` escapes the same characters in a
JSON document without changing the values it carries.
"""

from __future__ import annotations

import re

__all__ = ("cut", "json_safe", "one_line", "printable")

# C0 controls except tab and newline, DEL, the C1 controls (U+0080-U+009F), the bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069), the bidi marks (U+200E, U+200F, U+061C)
# and the Unicode line and paragraph separators (some terminals break lines on them).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_MULTI_LINE = re.compile(f"[{_UNSAFE}]")
_ONE_LINE = re.compile(f"[\t\n{_UNSAFE}]")
# In a JSON document the C0 controls are escaped already; these others are not (ensure_ascii off).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"  # noqa: PLR2004 - one byte


def printable(text: str) -> str:
    r"""Escape every control character except newline and tab, and every bidi control.

    Args:
        text: Any text.

    Returns:
        ``text`` with each such character written as ``\xNN`` or ``\uNNNN``.
    """
    return _MULTI_LINE.sub(_escape, text)


def one_line(text: str) -> str:
    """Like :func:`printable`, and newline and tab escaped too: the text stays on one line.

    Args:
        text: Any text.

    Returns:
        The escaped text.
    """
    return _ONE_LINE.sub(_escape, text)


def cut(text: str, limit: int) -> str:
    """Return at most ``limit`` characters of ``text``, noting its length when it was longer.

    Args:
        text: Any text.
        limit: The number of characters kept.

    Returns:
        ``text``, or its start followed by ``... (N characters)``.
    """
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def json_safe(document: str) -> str:
    r"""Escape the controls a JSON encoder leaves raw (C1, DEL, bidi) as ``\uNNNN``.

    The document means the same: such characters only occur inside JSON strings, where the escape
    stands for the character itself.

    Args:
        document: A JSON document.

    Returns:
        The same document, printable.
    """
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", document)
