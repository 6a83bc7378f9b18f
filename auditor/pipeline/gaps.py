"""Gap filling: sentences that the path leaves unaligned on both sides between the same two aligned
neighbours are each other's only possible counterparts (the order is monotonic), so they are aligned
when they score above what unrelated sentences of this pair typically score.

A weak translation of a sentence scores under the null threshold (which must hold against every
sentence of the other document) but, hemmed in by its aligned neighbours, it competes only with the
few sentences of its gap. Pairing it lets the detectors report its errors instead of leaving it
unverified; what still finds no partner is an addition or omission inside a covered passage.
A gap between two aligned beads is hemmed in on both sides: its sentences are where the order puts
each other's counterparts, so even odds against the best unrelated cell of the gap are enough
(`gap_chance` 0.5; one sentence against one: the unrelated median). Runs before the first and after
the last aligned bead have a neighbour on one side only, and may be text the other document does not
hold at all (the candidate going on after a truncated reference, seed 000 after 001): they must beat
the best unrelated cell four times in five (`edge_chance` 0.2), which for a long run is nearly the
null threshold, and its sentences stay unverified.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import NormalDist

from auditor.pipeline.band import Band, BandSimilarity, Side
from auditor.pipeline.banded_dp import dynamic_program, gains_of
from auditor.pipeline.beads import BEAD_SHAPES, AlignOptions, NullModel

Raw = list[list[list[int]]]  # beads as [candidate indices, reference indices]


def fill_gaps(raw: Raw, cand: Side, ref: Side, null: NullModel, options: AlignOptions) -> Raw:
    """`raw` with every gap between aligned beads re-aligned at the gap threshold, and the runs before
    the first and after the last aligned bead at the stricter edge threshold; then whole paragraphs
    still left between aligned beads (also those that filling an edge run hemmed in) pair in order."""
    aligned = [k for k, (c, r) in enumerate(raw) if c and r]
    if not aligned:
        return raw
    out = _fill(raw[: aligned[0]], cand, ref, null, options, options.edge_chance)
    for here, there in zip(aligned, aligned[1:]):
        out.append(raw[here])
        out.extend(_fill(raw[here + 1 : there], cand, ref, null, options, options.gap_chance))
    out.append(raw[aligned[-1]])
    out += _fill(raw[aligned[-1] + 1 :], cand, ref, null, options, options.edge_chance)
    aligned = [k for k, (c, r) in enumerate(out) if c and r]
    paired = out[: aligned[0] + 1]
    for here, there in zip(aligned, aligned[1:]):
        gap = out[here + 1 : there]
        paired.extend(_paragraph_pairs(gap, cand, ref) or gap)
        paired.append(out[there])
    return paired + out[aligned[-1] + 1 :]


def gap_threshold(null: NullModel, cells: int, chance: float) -> float:
    """What the best of `cells` unrelated pairs scores above with probability `chance`: a pair in a gap
    must beat it. One sentence against one sentence between aligned neighbours (chance 0.5): the
    unrelated median; a long run (a candidate going on after a truncated reference) must clear nearly
    the null threshold."""
    quantile = (1.0 - chance) ** (1.0 / max(cells, 1))
    return null.location + null.scale * NormalDist().inv_cdf(min(quantile, 1.0 - 1e-12))


def _paragraph_pairs(gap: Raw, cand: Side, ref: Side) -> Raw | None:
    """The gap's paragraphs paired in order, when it holds whole paragraphs, as many on each side, each
    pair a bead shape the aligner knows; else None.

    Between two aligned paragraphs, a paragraph of each side left over is the other's counterpart
    however weakly it scores: a heavily reworded reference (cosine under the unrelated median) or a
    garbled translation. Paragraph boundaries are evidence the cosine is not.
    """
    cands = [i for c, _ in gap for i in c]
    refs = [j for _, r in gap for j in r]
    cand_paras, ref_paras = _whole_paragraphs(cands, cand), _whole_paragraphs(refs, ref)
    if not cand_paras or not ref_paras or len(cand_paras) != len(ref_paras):
        return None
    pairs = [[c, r] for c, r in zip(cand_paras, ref_paras)]
    if any((len(c), len(r)) not in BEAD_SHAPES for c, r in pairs):
        return None
    return pairs


def _whole_paragraphs(indices: list[int], side: Side) -> list[list[int]] | None:
    """`indices` (consecutive sentences) grouped by paragraph, when no paragraph goes on outside them."""
    if not indices:
        return None
    first, last = indices[0], indices[-1]
    paragraphs = side.paragraphs
    if (first > 0 and paragraphs[first - 1] == paragraphs[first]) or (last + 1 < len(side) and paragraphs[last + 1] == paragraphs[last]):
        return None
    groups: list[list[int]] = []
    for k in indices:
        if groups and paragraphs[groups[-1][-1]] == paragraphs[k]:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def _fill(gap: Raw, cand: Side, ref: Side, null: NullModel, options: AlignOptions, chance: float) -> Raw:
    """One run of unaligned beads, re-aligned when it holds sentences of both sides."""
    cands = [i for c, _ in gap for i in c]
    refs = [j for _, r in gap for j in r]
    if not (cands and refs):
        return gap
    threshold = gap_threshold(null, len(cands) * len(refs), chance)
    return _realign(cands, refs, cand, ref, replace(null, threshold=threshold), options)


def _realign(cands: list[int], refs: list[int], cand: Side, ref: Side, gap_null: NullModel, options: AlignOptions) -> Raw:
    """The best path through one gap's cells, its sentence numbers those of the whole documents."""
    c0, r0 = cands[0], refs[0]
    sub_cand = Side(cand.vectors[c0 : cands[-1] + 1], cand.weights[c0 : cands[-1] + 1], cand.paragraphs[c0 : cands[-1] + 1])
    sub_ref = Side(ref.vectors[r0 : refs[-1] + 1], ref.weights[r0 : refs[-1] + 1], ref.paragraphs[r0 : refs[-1] + 1])
    band = Band.full(len(sub_cand), len(sub_ref))
    sims = BandSimilarity(sub_cand, sub_ref, band)
    path = dynamic_program(band, gains_of(sub_cand, sub_ref, band, sims, gap_null, options))
    return [[list(range(c0 + a, c0 + b)), list(range(r0 + c, r0 + d))] for a, b, c, d in path]
