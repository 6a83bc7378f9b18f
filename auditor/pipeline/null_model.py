"""The null model: what an unrelated sentence pair scores in this document pair, fitted on its own
similarity matrix (or an evenly spaced sample of a large one)."""

from __future__ import annotations

import numpy as np

from auditor.pipeline.band import BandSimilarity, Side
from auditor.pipeline.beads import AlignOptions, NullModel


def fit_null(similarity: np.ndarray, options: AlignOptions, trials: int | None = None) -> NullModel:
    """Fit the unrelated-pair distribution from the cells that are no row's or column's best.

    `trials` is the other side's length when `similarity` is a sample of a larger matrix.
    """
    n, m = similarity.shape
    mask = np.ones_like(similarity, dtype=bool)
    if n and m:
        mask[np.arange(n), similarity.argmax(axis=1)] = False
        mask[similarity.argmax(axis=0), np.arange(m)] = False
    cells = similarity[mask]
    weight = cells.size / (cells.size + options.prior_weight)
    if cells.size:
        median = float(np.median(cells))
        mad_sd = 1.4826 * float(np.median(np.abs(cells - median)))
    else:
        median, mad_sd = options.prior_location, options.prior_scale
    location = weight * median + (1 - weight) * options.prior_location
    scale = max(weight * mad_sd + (1 - weight) * options.prior_scale, 0.03)
    threshold = min(max(location + options.null_z * scale, options.min_threshold), options.max_threshold)
    return NullModel(location, scale, threshold, trials=trials or max(n, m, 1))


def fit_null_of(cand: Side, ref: Side, sims: BandSimilarity, options: AlignOptions) -> NullModel:
    """The null model from every cell of a small pair, or from evenly spaced rows and columns of a large one."""
    dense = sims.dense()
    if dense is None:
        rows = np.unique(np.linspace(0, len(cand) - 1, min(len(cand), options.null_sample)).round().astype(int))
        cols = np.unique(np.linspace(0, len(ref) - 1, min(len(ref), options.null_sample)).round().astype(int))
        dense = cand.vectors[rows] @ ref.vectors[cols].T
    return fit_null(dense, options, trials=max(len(cand), len(ref), 1))
