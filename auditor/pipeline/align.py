"""Stage 4, align: a monotonic dynamic-programming sentence aligner over cosine similarities.

Beads are 1-1, 1-2, 2-1, 1-3, 3-1 and the unaligned 1-0 / 0-1. A many-side bead is scored
from the pooled sentence vectors (a word-weighted sum, renormalised), so no window is ever
encoded again. There is no global length ratio: garbled text splits and merges freely.

Whether a sentence has a counterpart at all is decided against a null model fitted to this very
document pair: most cells of the similarity matrix compare unrelated sentences, so their robust
location and scale say what "unrelated" scores here. A bead gains `similarity - threshold`;
leaving a sentence unaligned gains nothing.

Time and memory grow linearly with length. The search visits only a band of cells around a
path: for a pair up to `full_dp_cells` cells the band is the whole matrix, so the result is the
exact optimum; a larger pair is first aligned coarsely, each side shortened by pooling
consecutive sentence pairs (recursively, as Vecalign does), and the fine search then covers
`band_radius` sentences around the coarse path. The null model of a large pair is fitted on an
evenly spaced sample of rows and columns.

The parts: bead types and options in `beads`, the null model in `null_model`, the band and its
cosines in `band`, the coarse-to-fine search in `banded_dp`; this module joins fragments and scores beads.
"""

from __future__ import annotations

import bisect
from typing import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from auditor.pipeline.band import BandSimilarity, Side
from auditor.pipeline.banded_dp import search
from auditor.pipeline.gaps import fill_gaps
from auditor.pipeline.leftovers import attach_leftovers, pooled_cosine
from auditor.pipeline.support import mutual_chain
from auditor.pipeline.beads import BEAD_SHAPES, AlignOptions, Alignment, Bead, NullModel, Path
from auditor.pipeline.null_model import fit_null
from auditor.pipeline.segment import Sentence


def align(
    cand_vectors: np.ndarray,
    ref_vectors: np.ndarray,
    cand_sents: Sequence[Sentence],
    ref_sents: Sequence[Sentence],
    options: AlignOptions = AlignOptions(),
) -> Alignment:
    """Align two documents given their unit sentence vectors."""
    cand, ref = Side.of(cand_vectors, cand_sents), Side.of(ref_vectors, ref_sents)
    # Many small matrix products: BLAS threads would only wait for each other (16 ms a product on a busy machine).
    with threadpool_limits(1, user_api="blas"):
        path, null, sims = search(cand, ref, options)
        chain = mutual_chain(sims, null, options)
        raw = [[list(range(c0, c1)), list(range(r0, r1))] for c0, c1, r0, r1 in path]
        raw = fill_gaps(raw, cand, ref, null, options)
        raw = attach_leftovers(raw, (cand, ref), (cand_sents, ref_sents))
        beads = _finish(raw, cand, ref, sims, null)
    return Alignment(beads, null, cand_vectors, ref_vectors, support=(chain, chain))


bead_similarity = pooled_cosine


def _finish(raw: list[list[list[int]]], cand: Side, ref: Side, sims: BandSimilarity, null: NullModel) -> list[Bead]:
    """Score each bead; an unaligned sentence's confidence is that nothing within its reach matches it.

    Its reach is the stretch of the other document between the aligned beads around it.
    """
    aligned_at = [k for k, (c, r) in enumerate(raw) if c and r]
    beads = []
    for k, (c, r) in enumerate(raw):
        if c and r:
            sim = bead_similarity(cand, ref, c, r)
            beads.append(Bead(tuple(c), tuple(r), sim, null.chance(sim)))
            continue
        pos = bisect.bisect_left(aligned_at, k)
        other = 1 if c else 0
        lo = raw[aligned_at[pos - 1]][other][-1] + 1 if pos > 0 else 0
        hi = raw[aligned_at[pos]][other][0] if pos < len(aligned_at) else (len(ref) if c else len(cand))
        best = sims.best_in_row(c[0], lo, hi) if c else sims.best_in_column(r[0], lo, hi)
        beads.append(Bead(tuple(c), tuple(r), None, 1.0 - null.chance(best)))
    return beads


__all__ = ["BEAD_SHAPES", "AlignOptions", "Alignment", "Bead", "NullModel", "Path", "align", "bead_similarity", "fit_null"]
