"""The excerpt a report shows for a finding: the candidate around it with its change marked
(reference words struck, candidate words bold) and the reference around it."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from auditor.detect import Finding
from auditor.pipeline.diff import GroupDiff, Hunk
from auditor.pipeline.tokens import Token, tokenize
from auditor.pipeline.segment import sentence_at
from auditor.result import CompareResult

CONTEXT_WORDS = 4  # tokens of unchanged text shown on each side of a change
MARKED_WORDS = 8  # a longer changed stretch shows this many words at each end


@dataclass(frozen=True)
class Mark:
    """A piece of an excerpt: text both sides share, reference words the candidate lost, or
    candidate words that differ from the reference (or that a reference-free check flagged)."""

    kind: str  # "same", "deleted" or "inserted"
    text: str


def excerpt(result: CompareResult, finding: Finding) -> tuple[list[Mark], str]:
    """The candidate around a finding with its change marked, and the reference around it."""
    diff = result.diffs.get(finding.alignment)
    cand, ref = _as_range(finding.candidate_span), _as_range(finding.reference_span)
    if diff:
        # The hunks holding the finding's candidate words; for a loss, the hunks holding its reference words.
        hunks = [h for h in diff.hunks if h.cand and _overlaps(h.cand_span(), cand)]
        hunks = hunks or [h for h in diff.hunks if h.ref and _overlaps(h.ref_span(), ref)]
        if hunks:
            return _diff_marks(result, diff, hunks), _reference_window(result, diff, hunks, ref)
    if cand:
        return _flagged_marks(result, finding), finding.reference_text
    return [Mark("deleted", finding.reference_text)], finding.reference_text


def _as_range(span) -> tuple[int, int] | None:
    return (span.start, span.end) if span else None


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _window(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int]:
    """Offsets of `start`..`end` widened by CONTEXT_WORDS tokens on each side."""
    starts = [t.start for t in tokens]
    first = max(bisect_right(starts, start) - 1 - CONTEXT_WORDS, 0)
    last = min(bisect_right(starts, max(end - 1, start)) - 1 + CONTEXT_WORDS, len(tokens) - 1)
    return min(tokens[first].start, start), max(tokens[last].end, end)


def _ellipsis(start: int, end: int, tokens: Sequence[Token]) -> tuple[str, str]:
    return ("… " if start > tokens[0].start else ""), (" …" if end < tokens[-1].end else "")


def _shorten(text: str) -> str:
    """A long changed stretch keeps its first and last words; the reference column has it whole."""
    words = text.split()
    if len(words) <= 2 * MARKED_WORDS:
        return text
    return " ".join(words[:MARKED_WORDS]) + " … " + " ".join(words[-MARKED_WORDS:])


def _diff_marks(result: CompareResult, diff: GroupDiff, hunks: list[Hunk]) -> list[Mark]:
    """The finding's hunks marked (reference words struck, candidate words bold) in plain context."""
    text = result.candidate.text
    hunks = sorted(hunks, key=lambda h: h.cand_at)
    start, end = _window(diff.cand, hunks[0].cand_at, max(h.cand_span()[1] for h in hunks))
    before, after = _ellipsis(start, end, diff.cand)
    marks, at = [Mark("same", before)], start
    for hunk in hunks:
        cand_start, cand_end = hunk.cand_span()
        if cand_start > at:
            marks.append(Mark("same", text[at:cand_start]))
        if hunk.ref:
            marks.append(Mark("deleted", _shorten(result.reference.text[slice(*hunk.ref_span())])))
        if hunk.cand:
            marks.append(Mark("inserted", _shorten(text[cand_start:cand_end])))
        at = max(at, cand_end)
    marks += [Mark("same", text[at:end]), Mark("same", after)]
    return _merge_same(marks)


def _merge_same(marks: list[Mark]) -> list[Mark]:
    """Adjacent unchanged pieces (an ellipsis and the text after it) as one code span."""
    merged: list[Mark] = []
    for mark in marks:
        if merged and mark.kind == merged[-1].kind == "same":
            merged[-1] = Mark("same", f"{merged[-1].text} {mark.text}")
        else:
            merged.append(mark)
    return [m for m in merged if m.text.strip()]


def _reference_window(result: CompareResult, diff: GroupDiff, hunks: list[Hunk], ref: tuple[int, int] | None) -> str:
    """The reference around the finding's own reference words, or else around its hunks."""
    if not diff.ref:
        return ""
    if ref is None:
        ref = (min(h.ref_at for h in hunks), max((h.ref_span() or (h.ref_at, h.ref_at))[1] for h in hunks))
    start, end = _window(diff.ref, *ref)
    before, after = _ellipsis(start, end, diff.ref)
    return before + result.reference.text[start:end] + after


def _flagged_marks(result: CompareResult, finding: Finding) -> list[Mark]:
    """A finding a reference-free check made: the flagged words in bold within their sentence."""
    span = finding.candidate_span
    sentence = sentence_at(result.candidate_sentences, span.start)
    tokens = tokenize([sentence]) or [Token(sentence.text, sentence.start, sentence.end)]
    start, end = _window(tokens, span.start, span.end)
    before, after = _ellipsis(start, end, tokens)
    text = result.candidate.text
    return _merge_same(
        [
            Mark("same", before),
            Mark("same", text[start : span.start]),
            Mark("inserted", text[span.start : span.end]),
            Mark("same", text[span.end : end]),
            Mark("same", after),
        ]
    )
