"""`terminology`: the project's glossary, and the wording changes it accepts.

A glossary entry names a term as the reference writes it, the renderings the candidate must use
for it, and renderings it must never use ("Conscript's School", never "conscription school").
Terms match whole words, ignoring case, runs of whitespace and straight or curly apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

from ..diff import GroupDiff
from .base import Context, Detector, Finding, quote

_QUOTES = "'’‘"
_ARTICLES = frozenset({"a", "an", "the"})


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

    def advice(self) -> str:
        return f"; use {' or '.join(map(quote, self.required))}" if self.required else ""


class TerminologyDetector(Detector):
    """A forbidden rendering anywhere in the candidate; a glossary term the candidate renders otherwise."""

    def detect(self, context: Context) -> Iterable[Finding]:
        for entry in context.glossary:
            forbidden = sorted({m.span() for p in entry.forbidden_patterns for m in p.finditer(context.cand_text)})
            for start, end in forbidden:
                bead = _bead_at(context, start)
                ref = _term_in(context, entry, bead)
                _explain(context, bead, (start, end), ref)
                yield context.finding(
                    "terminology", entry.severity,
                    f"{quote(context.cand_text[start:end])} is a forbidden rendering of {quote(entry.term)} (glossary){entry.advice()}.",
                    (start, end), ref, bead,
                )
            if entry.required:
                yield from self._required(context, entry, forbidden)

    @staticmethod
    def _required(context: Context, entry: GlossaryEntry, forbidden: Sequence[tuple[int, int]]) -> Iterable[Finding]:
        """Aligned groups whose reference has the term and whose candidate has none of the required renderings."""
        for bead, diff in context.diffs.items():
            ref = _term_in(context, entry, bead)
            if ref is None or not diff.cand:
                continue
            start, end = diff.cand[0].start, diff.cand[-1].end
            if any(p.search(context.cand_text, start, end) for p in entry.required_patterns):
                continue
            if any(start <= f < end for f, _ in forbidden):
                continue  # already reported as a forbidden rendering
            cand = _counterpart(diff, ref) or (start, end)
            _explain(context, bead, cand, ref)
            yield context.finding(
                "terminology", entry.severity,
                f"The glossary term {quote(context.ref_text[slice(*ref)])} is not rendered as required{entry.advice()}.",
                cand, ref, bead,
            )


def _bead_at(context: Context, offset: int) -> int | None:
    """The aligned entry whose candidate side holds `offset`."""
    for bead, diff in context.diffs.items():
        if diff.cand and diff.cand[0].start <= offset < diff.cand[-1].end:
            return bead
    return None


def _term_in(context: Context, entry: GlossaryEntry, bead: int | None) -> tuple[int, int] | None:
    """Where the reference side of aligned entry `bead` has the term."""
    diff = context.diffs.get(bead) if bead is not None else None
    if not diff or not diff.ref:
        return None
    match = entry.term_pattern.search(context.ref_text, diff.ref[0].start, diff.ref[-1].end)
    return match.span() if match else None


def _counterpart(diff: GroupDiff, ref: tuple[int, int]) -> tuple[int, int] | None:
    """The candidate words the diff put against the reference term, if it changed them."""
    for hunk in diff.hunks:
        span = hunk.ref_span()
        if hunk.cand and span and span[0] < ref[1] and ref[0] < span[1]:
            return hunk.cand_span()
    return None


def _explain(context: Context, bead: int | None, cand: tuple[int, int], ref: tuple[int, int] | None) -> None:
    """The words of a glossary finding need no second finding from the content detector."""
    diff = context.diffs.get(bead) if bead is not None else None
    if diff is None:
        return
    context.explain(t for t in diff.cand if cand[0] <= t.start and t.end <= cand[1])
    if ref:
        context.explain(t for t in diff.ref if ref[0] <= t.start and t.end <= ref[1])


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
