"""Suppression policies: rewordings the project accepts are dropped before the verdict."""

from __future__ import annotations

import re
from typing import Sequence

from auditor.detect.base import Finding

_ARTICLES = frozenset({"a", "an", "the"})


def _wording_key(text: str) -> str:
    """'a pardon' and 'Pardon.' are one rendering: case, quotes, edge punctuation and a leading article go."""
    words = re.findall(r"\w+(?:['’]\w+)*", text.casefold().replace("’", "'"))
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def accept_wording(findings: Sequence[Finding], accepted: Sequence[tuple[str, str]]) -> tuple[list[Finding], int]:
    """Drop `wording` and `meaning` findings that replace one side of an accepted pair by the other.

    Pairs work both ways: ("amnesty", "pardon") accepts either for the other. Returns the findings
    kept and how many were dropped.
    """
    pairs = {frozenset((_wording_key(a), _wording_key(b))) for a, b in accepted}
    kept = [
        f for f in findings
        if not (f.category in ("wording", "meaning") and frozenset((_wording_key(f.candidate_text), _wording_key(f.reference_text))) in pairs)
    ]
    return kept, len(findings) - len(kept)
