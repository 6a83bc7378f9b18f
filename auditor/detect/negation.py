"""`negation`: polarity flipped, a not / n't / never / no lost or added."""

from __future__ import annotations

from typing import Iterable

from auditor.detect.base import Context, Detector, Finding

NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor", "nowhere", "without", "cannot"})


class NegationDetector(Detector):
    """Counts negations on each side of an aligned group: a different count flips what is said."""

    def detect(self, context: Context) -> Iterable[Finding]:
        for bead, diff in context.diffs.items():
            cand_neg = sum(t.norm in NEGATIONS for t in diff.cand)
            ref_neg = sum(t.norm in NEGATIONS for t in diff.ref)
            if cand_neg == ref_neg:
                continue
            hunk = next((h for h in diff.hunks if self._count(h.cand) != self._count(h.ref)), None)
            if hunk is None:
                continue
            context.explain(t for t in hunk.cand + hunk.ref if t.norm in NEGATIONS)
            lost = cand_neg < ref_neg
            words = [t for t in (hunk.ref if lost else hunk.cand) if t.norm in NEGATIONS]
            start, end = self._widen(diff.cand, hunk)
            what = "lost" if lost else "added"
            yield context.finding(
                "negation", "critical",
                f"Negation '{' '.join(t.text for t in words)}' {what}: the candidate says the opposite of the reference.",
                (start, end), hunk.ref_span() or self._ref_context(diff, hunk), bead,
            )

    @staticmethod
    def _count(tokens) -> int:
        return sum(t.norm in NEGATIONS for t in tokens)

    @staticmethod
    def _widen(tokens, hunk, reach: int = 2) -> tuple[int, int]:
        """The changed words plus `reach` words on each side, so the reader sees the flipped phrase."""
        start, end = hunk.cand_span()
        before = [t for t in tokens if t.end <= start and t.is_word][-reach:]
        after = [t for t in tokens if t.start >= end and t.is_word][:reach]
        return (before[0].start if before else start), (after[-1].end if after else end)

    @staticmethod
    def _ref_context(diff, hunk) -> tuple[int, int] | None:
        return (diff.ref[0].start, diff.ref[-1].end) if diff.ref else None
