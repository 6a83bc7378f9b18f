"""`negation`: polarity flipped, a not / n't / never / no lost or added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from auditor.detect.base import Context, Detector, Explained, Proposal
from auditor.pipeline.diff import GroupDiff, Hunk, Token

NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor", "nowhere", "without", "cannot"})


def _count(tokens: Iterable[Token]) -> int:
    return sum(t.norm in NEGATIONS for t in tokens)


class NegationDetector(Detector):
    """Counts negations on each side of an aligned group: a different count flips what is said."""

    name = "negation"
    rules = ("negation.lost", "negation.added")

    @dataclass(frozen=True)
    class Params:
        reach: int = 2  # chosen: words shown on each side of the changed ones, so the reader sees the flipped phrase

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for bead, diff in context.diffs.items():
            cand_neg, ref_neg = _count(diff.cand), _count(diff.ref)
            if cand_neg == ref_neg:
                continue
            hunk = next((h for h in diff.hunks if _count(h.cand) != _count(h.ref)), None)
            if hunk is None:
                continue
            lost = cand_neg < ref_neg
            words = [t for t in (hunk.ref if lost else hunk.cand) if t.norm in NEGATIONS]
            what = "lost" if lost else "added"
            yield context.propose(
                f"negation.{what}",
                f"Negation '{' '.join(t.text for t in words)}' {what}: the candidate says the opposite of the reference.",
                self._widen(diff.cand, hunk), hunk.ref_span() or self._ref_context(diff), bead,
                explains=[t for t in hunk.cand + hunk.ref if t.norm in NEGATIONS],
                evidence={"candidate_negations": cand_neg, "reference_negations": ref_neg},
            )

    def _widen(self, tokens: tuple[Token, ...], hunk: Hunk) -> tuple[int, int]:
        """The changed words plus `reach` words on each side."""
        reach = self.params.reach
        start, end = hunk.cand_span()
        before = [t for t in tokens if t.end <= start and t.is_word][-reach:] if reach else []
        after = [t for t in tokens if t.start >= end and t.is_word][:reach]
        return (before[0].start if before else start), (after[-1].end if after else end)

    @staticmethod
    def _ref_context(diff: GroupDiff) -> tuple[int, int] | None:
        return (diff.ref[0].start, diff.ref[-1].end) if diff.ref else None
