"""Untrusted text made safe to show: scraped documents may carry control, zero-width and bidi
characters that would hide text, reorder it (Trojan Source) or drive a terminal."""

from __future__ import annotations

import unicodedata

from auditor.io.load import HIDDEN


def visible(text: str) -> str:
    """One line of NFC text with runs of whitespace folded to a space and every invisible or
    direction-changing character (`auditor.io.load.HIDDEN`) shown as `\\uXXXX`."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

