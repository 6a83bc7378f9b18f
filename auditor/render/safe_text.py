"""Untrusted text made safe to show: scraped documents, file names and manifest ids may carry
control, zero-width and bidi characters that would hide text, reorder it (Trojan Source), drive a
terminal or start a CI workflow command, and file names may not be UTF-8 at all."""

from __future__ import annotations

import unicodedata

from auditor.io.escape import shown
from auditor.io.load import HIDDEN


def escaped(text: str, keep: str = "") -> str:
    """`text` with every invisible or direction-changing character (`auditor.io.load.HIDDEN`) but
    those in `keep` shown as `\\uXXXX`, and every lone surrogate (a non-UTF-8 byte of a file name)
    as text (`auditor.io.escape.shown`): nothing left in it can act on a terminal or a log."""

    def code(match) -> str:
        char = match.group()
        if char in keep:
            return char
        return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"

    return HIDDEN.sub(code, shown(text))


def visible(text: str) -> str:
    """One line of NFC text: runs of whitespace folded to a space, the rest as `escaped` shows it."""
    return escaped(" ".join(unicodedata.normalize("NFC", shown(text)).split()))
