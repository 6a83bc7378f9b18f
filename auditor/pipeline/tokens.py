"""Tokens of the word diff: words and symbols with their offsets, and what counts as a content word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

from auditor.pipeline.segment import Sentence

# Numbers with separators, the n't of a contraction, hyphenated or apostrophised words, lone symbols.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+?(?=n['’]t\b)|n['’]t\b|\w+(?:[-'’]\w+)*|[^\w\s]")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself
    nor of off on once only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself yourselves
    it's that's there's he's she's they're we're i'm said says say told tells not now""".split()
)


CANDIDATE, REFERENCE = "candidate", "reference"


@dataclass(frozen=True)
class Token:
    """A word or symbol with its offsets into the text of one document, the candidate or the reference."""

    text: str
    start: int
    end: int
    side: str = CANDIDATE

    @property
    def key(self) -> tuple[str, int, int]:
        """What tells tokens apart across both documents: the same offsets recur on the other side."""
        return (self.side, self.start, self.end)

    # cached: the diff and its move search read these many times per token
    @cached_property
    def norm(self) -> str:
        norm = self.text.casefold().replace("’", "'")
        return "not" if norm == "n't" else norm  # "wasn't" and "was not" say the same

    @cached_property
    def is_word(self) -> bool:
        return any(ch.isalnum() for ch in self.text)

    @cached_property
    def is_content(self) -> bool:
        return self.is_word and self.norm not in STOPWORDS


def tokenize(sentences: Sequence[Sentence], side: str = CANDIDATE) -> list[Token]:
    """Tokens of consecutive sentences of one side, offsets absolute in its document."""
    return [
        Token(m.group(), s.start + m.start(), s.start + m.end(), side) for s in sentences for m in _TOKEN.finditer(s.text)
    ]


def stem(word: str) -> str:
    """A crude stem, enough to treat 'expected' / 'expecting' as the same word."""
    for suffix in ("ing", "ed", "es", "e", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word
