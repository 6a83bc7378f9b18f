"""A whole aligned pair whose meaning drifts: the sentence-level evidence behind a `meaning` finding.

Word-level detectors see what changed, not how much it matters; the similarity of the aligned
sentences does (on the MQM dev set it separates clean from badly translated segments better than
any word rule). This detector proposes every aligned pair below `max_similarity`, with the pair's
similarity as evidence; the severity policy decides which deserve a finding, so most are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from auditor.detect.base import Context, Detector, Explained, Proposal


class SimilarityDetector(Detector):
    """One proposal per aligned pair that is not near-identical to its reference."""

    name = "similarity"
    rules = ("meaning.sentence",)

    @dataclass(frozen=True)
    class Params:
        max_similarity: float = 0.95  # chosen: above it the pair reads the same (rewordings at most); nothing to propose

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for k, bead in enumerate(context.alignment.beads):
            if not bead.aligned or bead.similarity is None or bead.similarity >= self.params.max_similarity:
                continue
            cand = (context.cand_sents[bead.candidate[0]].start, context.cand_sents[bead.candidate[-1]].end)
            ref = (context.ref_sents[bead.reference[0]].start, context.ref_sents[bead.reference[-1]].end)
            yield context.propose(
                "meaning.sentence",
                f"The sentence as a whole says something else than the reference (similarity {bead.similarity:.2f}): read it against the reference.",
                cand, ref, k, evidence={"sentence_similarity": round(float(bead.similarity), 4)},
            )
