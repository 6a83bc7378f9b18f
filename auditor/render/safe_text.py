"""Untrusted text made safe to show: scraped documents may carry control, zero-width and bidi
characters that would hide text, reorder it (Trojan Source) or drive a terminal."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls, zero-width characters, bidi embeddings/overrides/isolates and the BOM.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """One line of NFC text with runs of whitespace folded to a space and every invisible or
    direction-changing character shown as `\\uXXXX`."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
