"""Untrusted strings (document text, file names, manifest ids) on their way out of the tool.

Two hazards, handled once here for every output:
- a file name that is not UTF-8 arrives surrogate-escaped (U+DC80-U+DCFF stand for its raw bytes)
  and a JSON manifest can carry a lone surrogate: neither can be written as UTF-8, so each is shown
  as text (`\\xff` for a raw byte, `\\ud800` for a lone surrogate) and every output stays valid UTF-8;
- control, bidi and other invisible characters (`auditor.io.load.HIDDEN`) could drive a terminal or
  a CI log: JSON writes them as `\\uXXXX` escapes, which keep the value and show nothing raw.
Strict JSON has no NaN or Infinity, so `dumps` refuses them rather than writing what strict parsers reject.
"""

from __future__ import annotations

import json
import re

from auditor.io.load import HIDDEN

_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_text(char: str) -> str:
    code = ord(char)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` with every lone surrogate written out as text, so that it encodes as UTF-8; a name
    that was valid UTF-8 comes back unchanged."""
    return _SURROGATE.sub(lambda m: _surrogate_text(m.group()), text)


def _json_escape(match: re.Match) -> str:
    char = match.group()
    if _SURROGATE.fullmatch(char):
        return _surrogate_text(char).replace("\\", "\\\\")  # the text `\xff` inside a JSON string
    units = char.encode("utf-16-be")  # beyond the BMP a JSON escape is a surrogate pair
    return "".join(f"\\u{units[k:k + 2].hex()}" for k in range(0, len(units), 2))


_JSON_UNSAFE = re.compile(f"{_SURROGATE.pattern}|{HIDDEN.pattern}")


def dumps(value: object, **options) -> str:
    """JSON text that is valid UTF-8, holds no raw control or bidi character, and no NaN or Infinity
    (a ValueError: no output of the tool may carry one). Options go to `json.dumps`."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, **options)
    return _JSON_UNSAFE.sub(_json_escape, text)
