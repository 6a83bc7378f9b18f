"""Gap filling: sentences that the path leaves unaligned on both sides between the same two aligned
neighbours are each other's only possible counterparts (the order is monotonic), so they are aligned
when they score above what unrelated sentences of this pair typically score.

A weak translation of a sentence scores under the null threshold (which must hold against every
sentence of the other document) but, hemmed in by its aligned neighbours, it competes only with the
few sentences of its gap. Pairing it lets the detectors report its errors instead of leaving it
unverified; what still finds no partner is an addition or omission inside a covered passage.
Text before the first or after the last aligned bead is never filled: that is outside the other
document's extent (a truncated reference, a comment thread after the article).
"""

from __future__ import annotations

from dataclasses import replace

from auditor.pipeline.band import Band, BandSimilarity, Side
from auditor.pipeline.banded_dp import dynamic_program, gains_of
from auditor.pipeline.beads import AlignOptions, NullModel

Raw = list[list[list[int]]]  # beads as [candidate indices, reference indices]


def fill_gaps(raw: Raw, cand: Side, ref: Side, null: NullModel, options: AlignOptions) -> Raw:
    """`raw` with every gap between aligned beads re-aligned at the gap threshold."""
    aligned = [k for k, (c, r) in enumerate(raw) if c and r]
    out: Raw = raw[: aligned[0]] if aligned else list(raw)
    for here, there in zip(aligned, aligned[1:]):
        out.append(raw[here])
        gap = raw[here + 1 : there]
        cands = [i for c, _ in gap for i in c]
        refs = [j for _, r in gap for j in r]
        out.extend(_realign(cands, refs, cand, ref, null, options) if cands and refs else gap)
    if aligned:
        out.extend(raw[aligned[-1] :])
    return out


def _realign(cands: list[int], refs: list[int], cand: Side, ref: Side, null: NullModel, options: AlignOptions) -> Raw:
    """The best path through one gap's cells, its sentence numbers those of the whole documents."""
    c0, r0 = cands[0], refs[0]
    sub_cand = Side(cand.vectors[c0 : cands[-1] + 1], cand.weights[c0 : cands[-1] + 1], cand.paragraphs[c0 : cands[-1] + 1])
    sub_ref = Side(ref.vectors[r0 : refs[-1] + 1], ref.weights[r0 : refs[-1] + 1], ref.paragraphs[r0 : refs[-1] + 1])
    band = Band.full(len(sub_cand), len(sub_ref))
    sims = BandSimilarity(sub_cand, sub_ref, band)
    gap_null = replace(null, threshold=null.location + options.gap_z * null.scale)
    path = dynamic_program(band, gains_of(sub_cand, sub_ref, band, sims, gap_null, options))
    return [[list(range(c0 + a, c0 + b)), list(range(r0 + c, r0 + d))] for a, b, c, d in path]
