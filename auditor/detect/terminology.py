"""`terminology`: the candidate breaks the project's glossary.

A glossary entry names a term as the reference writes it, the renderings the candidate must use
for it, and renderings it must never use ("Conscript's School", never "conscription school").
"""

from __future__ import annotations

from typing import Iterable, Sequence

from auditor.detect.base import Context, Detector, Explained, Proposal, quote
from auditor.detect.glossary import GlossaryEntry
from auditor.pipeline.diff import GroupDiff
from auditor.pipeline.tokens import Token


class TerminologyDetector(Detector):
    """A forbidden rendering anywhere in the candidate; a glossary term the candidate renders otherwise.

    Its findings take the severity each glossary entry sets; it has no thresholds of its own.
    """

    name = "terminology"
    rules = ("terminology.forbidden", "terminology.required")

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for entry in context.glossary:
            forbidden = sorted({m.span() for p in entry.forbidden_patterns for m in p.finditer(context.cand_text)})
            for start, end in forbidden:
                bead = _bead_at(context, start)
                ref = _term_in(context, entry, bead)
                yield context.propose(
                    "terminology.forbidden",
                    f"{quote(context.cand_text[start:end])} is a forbidden rendering of {quote(entry.term)} (glossary){_advice(entry)}.",
                    (start, end), ref, bead, _covered(context, bead, (start, end), ref), configured=entry.severity,
                )
            if entry.required:
                yield from self._required(context, entry, forbidden)

    @staticmethod
    def _required(context: Context, entry: GlossaryEntry, forbidden: Sequence[tuple[int, int]]) -> Iterable[Proposal]:
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
            yield context.propose(
                "terminology.required",
                f"The glossary term {quote(context.ref_text[slice(*ref)])} is not rendered as required{_advice(entry)}.",
                cand, ref, bead, _covered(context, bead, cand, ref), configured=entry.severity,
            )


def _advice(entry: GlossaryEntry) -> str:
    """The renderings the glossary asks for, as the tail of a message."""
    return f"; use {' or '.join(map(quote, entry.required))}" if entry.required else ""


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


def _covered(context: Context, bead: int | None, cand: tuple[int, int], ref: tuple[int, int] | None) -> list[Token]:
    """The words of a glossary finding: they need no second finding from the content detector."""
    diff = context.diffs.get(bead) if bead is not None else None
    if diff is None:
        return []
    covered = [t for t in diff.cand if cand[0] <= t.start and t.end <= cand[1]]
    return covered + ([t for t in diff.ref if ref[0] <= t.start and t.end <= ref[1]] if ref else [])
