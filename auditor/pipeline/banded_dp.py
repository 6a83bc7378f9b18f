"""The coarse-to-fine dynamic program: what each bead shape gains in every cell of a band, the best
monotonic path through it, and the band itself, placed around the path of a coarser pair."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from auditor.pipeline.band import Band, BandSimilarity, Side
from auditor.pipeline.beads import BEAD_SHAPES, AlignOptions, NullModel, Path
from auditor.pipeline.null_model import fit_null_of

_SKIP_REFERENCE = BEAD_SHAPES.index((0, 1))


def gains_of(cand: Side, ref: Side, band: Band, sims: BandSimilarity, null: NullModel, options: AlignOptions) -> list[np.ndarray]:
    """What each aligned bead shape gains at every cell of the band (row after row), from the banded cosines.

    A many-side bead's cosine is that of the word-weighted sum of its sentence vectors: a weighted
    sum of single-sentence cosines divided by the length of the summed vectors. Cells where a
    shape cannot end hold -inf; leaving a candidate sentence out gains nothing.
    """
    cells = np.concatenate([[0], np.cumsum(band.hi - band.lo + 1)])
    rows = np.repeat(np.arange(len(band.lo)), np.diff(cells))
    cols = band.lo[rows] + np.arange(cells[-1]) - cells[rows]
    base = sims.offset[:-1] - sims.first  # values[base[k] + c] is the cosine of candidate k and reference c
    threshold, merge, per_paragraph = np.float32(null.threshold), np.float32(options.merge_penalty), np.float32(options.paragraph_penalty)
    out = []
    for a, b in BEAD_SHAPES:
        gain = np.full(len(rows), 0.0 if b == 0 else -np.inf, dtype=np.float32)
        if a and b and a <= len(cand) and b <= len(ref):
            at = np.flatnonzero((rows >= a) & (cols >= b))
            i, j = rows[at], cols[at]
            if a == b == 1:
                gain[at] = sims.values[base[i - 1] + j - 1] - threshold
            elif b == 1:
                sim = sum(cand.weights[i - a + t] * sims.values[base[i - a + t] + j - 1] for t in range(a))
                crossings = (cand.paragraphs[i - 1] > cand.paragraphs[i - a]).astype(np.float32)
                gain[at] = sim / cand.window_norms(a)[i - a] - threshold - (merge + per_paragraph * crossings)
            else:
                sim = sum(ref.weights[j - b + t] * sims.values[base[i - 1] + j - b + t] for t in range(b))
                crossings = (ref.paragraphs[j - 1] > ref.paragraphs[j - b]).astype(np.float32)
                gain[at] = sim / ref.window_norms(b)[j - b] - threshold - (merge + per_paragraph * crossings)
        out.append(gain)
    return out


def dynamic_program(band: Band, gains: list[np.ndarray]) -> Path:
    """Best monotonic path through the band, one vectorised DP row at a time.

    Each row stacks what every bead shape offers each cell; the first best shape wins a tie.
    """
    lo, hi = band.lo.tolist(), band.hi.tolist()
    n, m = len(lo) - 1, hi[-1]
    offset = np.concatenate([[0], np.cumsum(band.hi - band.lo + 1)]).tolist()
    score = np.empty(offset[-1])
    choice = np.full(offset[-1], -1, dtype=np.int8)
    score[: offset[1]] = 0.0
    choice[1 : offset[1]] = _SKIP_REFERENCE  # row 0: skip reference sentences from the start
    for i in range(1, n + 1):
        l, h = lo[i], hi[i]
        offers = np.full((_SKIP_REFERENCE, h - l + 1), -np.inf)
        for code, (a, b) in enumerate(BEAD_SHAPES[:_SKIP_REFERENCE]):
            if a > i:
                continue
            pl = lo[i - a]
            j0, j1 = max(l, pl + b, b), min(h, hi[i - a] + b)
            if j0 > j1:
                continue
            before = score[offset[i - a] + j0 - b - pl : offset[i - a] + j1 - b - pl + 1]
            np.add(before, gains[code][offset[i] + j0 - l : offset[i] + j1 - l + 1], out=offers[code, j0 - l : j1 - l + 1])
        best_choice = offers.argmax(axis=0)
        best = offers.max(axis=0)
        # The 0-1 bead (skip a reference sentence) runs along the row: a running maximum.
        running = np.maximum.accumulate(best)
        choice[offset[i] : offset[i + 1]] = np.where(running > best, _SKIP_REFERENCE, best_choice)
        score[offset[i] : offset[i + 1]] = running
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = BEAD_SHAPES[choice[offset[i] + j - lo[i]]]
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    return path[::-1]


def band_for(cand: Side, ref: Side, options: AlignOptions) -> Band:
    """The whole matrix for a small pair; for a large one, a band around the coarse pair's path."""
    n, m = len(cand), len(ref)
    if (n + 1) * (m + 1) <= options.full_dp_cells or min(n, m) <= 2:
        return Band.full(n, m)
    # The coarse path only places the band: a quarter of the null model's sample is enough there.
    coarse_options = replace(options, null_sample=max(options.null_sample // 4, 1))
    coarse_path, _, _ = search(cand.coarser(), ref.coarser(), coarse_options)
    return project(coarse_path, n, m, options.band_radius)


def project(coarse_path: Path, n: int, m: int, radius: int) -> Band:
    """The cells of the full-resolution pair within `radius` of the rectangles the coarse beads cover."""
    beads = np.array(coarse_path, dtype=np.int64).reshape(-1, 4)
    rows0, rows1 = np.minimum(2 * beads[:, 0], n), np.minimum(2 * beads[:, 1], n)
    cols0, cols1 = np.minimum(2 * beads[:, 2], m), np.minimum(2 * beads[:, 3], m)
    heights = rows1 - rows0 + 1
    covered = np.repeat(rows0, heights) + np.arange(heights.sum()) - np.repeat(np.cumsum(heights) - heights, heights)
    lo, hi = np.full(n + 1, m, dtype=np.int64), np.zeros(n + 1, dtype=np.int64)
    np.minimum.at(lo, covered, np.repeat(cols0, heights))
    np.maximum.at(hi, covered, np.repeat(cols1, heights))
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # the path is monotone, so both bounds are too
    hi = np.maximum.accumulate(hi)
    index = np.arange(n + 1)
    lo = np.clip(lo[np.maximum(index - radius, 0)] - radius, 0, m)
    hi = np.clip(hi[np.minimum(index + radius, n)] + radius, 0, m)
    lo[0], hi[n] = 0, m
    lo[1:] = np.minimum(lo[1:], hi[:-1])  # each row meets the one above, so every cell is reachable
    return Band(lo, hi)


def search(cand: Side, ref: Side, options: AlignOptions) -> tuple[Path, NullModel, BandSimilarity]:
    """The best path at this resolution, the null model it was scored against and the cosines it read."""
    band = band_for(cand, ref, options)
    sims = BandSimilarity(cand, ref, band)
    null = fit_null_of(cand, ref, sims, options)
    return dynamic_program(band, gains_of(cand, ref, band, sims, null, options)), null, sims
