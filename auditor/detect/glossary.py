"""The project's glossary: how reference terms must, and must not, be rendered in the candidate.

Terms match whole words, ignoring case, runs of whitespace and straight or curly apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_QUOTES = "'’‘"


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A regex for `phrase` as whole words, any case, any whitespace between words, any apostrophe."""
    words = ["".join(f"[{_QUOTES}]" if c in _QUOTES else re.escape(c) for c in word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class GlossaryEntry:
    """How one reference term must, and must not, be rendered in the candidate."""

    term: str
    required: tuple[str, ...] = ()  # where the reference has the term, the candidate uses one of these
    forbidden: tuple[str, ...] = ()  # never acceptable anywhere in the candidate
    severity: str = "major"

    @cached_property
    def term_pattern(self) -> re.Pattern[str]:
        return phrase_pattern(self.term)

    @cached_property
    def required_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(phrase_pattern(p) for p in self.required)

    @cached_property
    def forbidden_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(phrase_pattern(p) for p in self.forbidden)
