"""Stage 5, diff: a word-level diff of each aligned group, with character offsets on both sides."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
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

    @property
    def norm(self) -> str:
        norm = self.text.casefold().replace("’", "'")
        return "not" if norm == "n't" else norm  # "wasn't" and "was not" say the same

    @property
    def is_word(self) -> bool:
        return any(ch.isalnum() for ch in self.text)

    @property
    def is_content(self) -> bool:
        return self.is_word and self.norm not in STOPWORDS


def tokenize(sentences: Sequence[Sentence], side: str = CANDIDATE) -> list[Token]:
    """Tokens of consecutive sentences of one side, offsets absolute in its document."""
    return [
        Token(m.group(), s.start + m.start(), s.start + m.end(), side) for s in sentences for m in _TOKEN.finditer(s.text)
    ]


@dataclass(frozen=True)
class Hunk:
    """One difference between the two sides of an aligned group."""

    op: str  # "replace", "insert" (candidate only) or "delete" (reference only)
    cand: tuple[Token, ...]
    ref: tuple[Token, ...]
    cand_at: int  # candidate offset where the hunk stands (its start, or the gap for a deletion)
    ref_at: int  # reference offset where the hunk stands (its start, or the gap for an insertion)

    def cand_span(self) -> tuple[int, int]:
        return (self.cand[0].start, self.cand[-1].end) if self.cand else (self.cand_at, self.cand_at)

    def ref_span(self) -> tuple[int, int] | None:
        return (self.ref[0].start, self.ref[-1].end) if self.ref else None


@dataclass(frozen=True)
class GroupDiff:
    """The word diff of one alignment entry."""

    bead: int
    cand: tuple[Token, ...]
    ref: tuple[Token, ...]
    hunks: tuple[Hunk, ...]


def diff_group(bead: int, cand_sents: Sequence[Sentence], ref_sents: Sequence[Sentence]) -> GroupDiff:
    """Diff the words of a candidate group against its reference group (case and quote style ignored)."""
    cand, ref = tokenize(cand_sents), tokenize(ref_sents, REFERENCE)
    matcher = SequenceMatcher(None, [t.norm for t in cand], [t.norm for t in ref], autojunk=False)
    ranges: list[list[int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        # "Department of Defense" / "Defense Ministry": an insertion and a deletion one shared word
        # apart are one replacement.
        if ranges and op != "replace" and _one_sided(ranges[-1]) and sum(t.is_word for t in cand[ranges[-1][1] : i1]) <= 1:
            ranges[-1][1], ranges[-1][3] = i2, j2
        else:
            ranges.append([i1, i2, j1, j2])
    hunks = []
    for i1, i2, j1, j2 in ranges:
        op = "replace" if i1 < i2 and j1 < j2 else ("insert" if i1 < i2 else "delete")
        hunks.append(Hunk(op, tuple(cand[i1:i2]), tuple(ref[j1:j2]), _offset_at(cand, i1), _offset_at(ref, j1)))
    return GroupDiff(bead, tuple(cand), tuple(ref), tuple(hunks))


def _offset_at(tokens: list[Token], index: int) -> int:
    """Offset of token `index`, or the end of the last token when `index` is past the end."""
    return tokens[index].start if index < len(tokens) else (tokens[-1].end if tokens else 0)


def _one_sided(r: list[int]) -> bool:
    return (r[0] == r[1]) != (r[2] == r[3])
