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
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from auditor.pipeline.pooling import unit_rows, word_weights
from auditor.pipeline.segment import Sentence

# (candidate sentences, reference sentences) per bead; the order breaks ties deterministically.
BEAD_SHAPES: tuple[tuple[int, int], ...] = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (1, 0), (0, 1))
_SKIP_REFERENCE = BEAD_SHAPES.index((0, 1))
_WIDEST = max(max(shape) for shape in BEAD_SHAPES)

# A bead is (cand_start, cand_end, ref_start, ref_end), half-open sentence ranges.
Path = list[tuple[int, int, int, int]]


@dataclass(frozen=True)
class AlignOptions:
    """Knobs of the aligner; the defaults were checked on the seeds and generated pairs."""

    null_z: float = 3.0  # a bead must beat the unrelated-pair location by this many robust SDs
    min_threshold: float = 0.35  # guard rails around the null model's threshold
    max_threshold: float = 0.6  # true pairs at cosine 0.6 and above are always eligible
    merge_penalty: float = 0.02  # a many-side bead must gain this much over the 1-1 it replaces
    paragraph_penalty: float = 0.15  # per paragraph boundary a many-side bead crosses
    prior_location: float = 0.15  # null model prior for tiny documents (seen on unrelated news text)
    prior_scale: float = 0.12
    prior_weight: float = 50.0  # cells of evidence the prior is worth
    full_dp_cells: int = 250_000  # pairs up to this many cells are searched whole (exact optimum)
    band_radius: int = 8  # sentences either side of the coarse path that the fine search covers
    null_sample: int = 2048  # rows and columns of a larger pair that the null model is fitted on


@dataclass(frozen=True)
class NullModel:
    """What an unrelated sentence pair scores in this document pair."""

    location: float
    scale: float
    threshold: float
    trials: int  # how many other-side sentences a sentence competes with

    def chance(self, similarity: float) -> float:
        """Probability that the best of `trials` unrelated sentences scores below `similarity`."""
        z = (similarity - self.location) / self.scale
        below = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
        return below**self.trials


@dataclass(frozen=True)
class Bead:
    """One alignment entry: sentence indices of each side, in document order."""

    candidate: tuple[int, ...]
    reference: tuple[int, ...]
    similarity: float | None
    confidence: float

    @property
    def aligned(self) -> bool:
        return bool(self.candidate) and bool(self.reference)

    def to_dict(self) -> dict:
        return {
            "candidate": list(self.candidate),
            "reference": list(self.reference),
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "confidence": round(self.confidence, 4),
        }


@dataclass
class Alignment:
    """The beads covering both documents, the null model behind them and the sentence vectors."""

    beads: list[Bead]
    null: NullModel
    cand_vectors: np.ndarray = field(repr=False)
    ref_vectors: np.ndarray = field(repr=False)

    def aligned_indices(self, side: str) -> set[int]:
        return {i for bead in self.beads if bead.aligned for i in getattr(bead, side)}

    @cached_property
    def similarity(self) -> np.ndarray:
        """The full candidate × reference cosine matrix, computed on first use.

        Meant for article-sized pairs (a picture of the alignment): 20k × 20k sentences take 1.6 GB.
        """
        return self.cand_vectors @ self.ref_vectors.T


@dataclass(frozen=True)
class _Side:
    """One document at one resolution: unit vectors, word weights and paragraph numbers."""

    vectors: np.ndarray
    weights: np.ndarray
    paragraphs: np.ndarray

    @classmethod
    def of(cls, vectors: np.ndarray, sentences: Sequence[Sentence]) -> "_Side":
        return cls(vectors, word_weights(sentences), np.array([s.paragraph for s in sentences], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.vectors)

    def window_norms(self, size: int) -> np.ndarray:
        """Length of the word-weighted sum of every window of `size` consecutive sentences."""
        weighted = self.vectors * self.weights[:, None]
        windows = sum(weighted[k : len(self) - size + 1 + k] for k in range(size))
        return np.linalg.norm(windows, axis=1)

    def coarser(self) -> "_Side":
        """Half as many units: each pools two consecutive sentences (the last may stand alone)."""
        weighted = self.vectors * self.weights[:, None]
        pooled = weighted[0::2].copy()
        pooled[: len(self) // 2] += weighted[1::2]
        pooled = unit_rows(pooled)
        weights = self.weights[0::2].copy()
        weights[: len(self) // 2] += self.weights[1::2]
        return _Side(pooled.astype(np.float32), weights, self.paragraphs[0::2])


@dataclass(frozen=True)
class _Band:
    """Columns lo[i]..hi[i] (inclusive) of DP row i that the search visits; both grow with i."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def full(cls, n: int, m: int) -> "_Band":
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))


class _BandSimilarity:
    """Cosines of candidate sentence k with reference sentences first[k] .. last[k]-1, row after row.

    Row k covers every column that a bead ending in DP rows k+1 .. k+3 reads; rows with similar
    column ranges are computed together in one matrix product.
    """

    def __init__(self, cand: _Side, ref: _Side, band: _Band):
        n, m = len(cand), len(ref)
        self.cand, self.ref = cand, ref
        self.first = np.maximum(band.lo[1:] - _WIDEST, 0)
        self.last = np.minimum(band.hi[np.minimum(np.arange(n) + _WIDEST, n)], m)
        self.last = np.maximum(self.last, self.first)
        self.offset = np.concatenate([[0], np.cumsum(self.last - self.first)])
        self.full = n > 0 and bool((self.first == 0).all() and (self.last == m).all())
        self.values = np.empty(int(self.offset[-1]), dtype=np.float32)
        for k0, k1 in self._blocks():
            c0, c1 = self.first[k0], self.last[k1 - 1]
            block = cand.vectors[k0:k1] @ ref.vectors[c0:c1].T
            columns = np.arange(c1 - c0)
            inside = (columns >= (self.first[k0:k1] - c0)[:, None]) & (columns < (self.last[k0:k1] - c0)[:, None])
            self.values[self.offset[k0] : self.offset[k1]] = block[inside]

    def _blocks(self) -> list[tuple[int, int]]:
        """Runs of rows whose common column range wastes at most about half of its product."""
        first, last, offset = self.first.tolist(), self.last.tolist(), self.offset.tolist()
        blocks, k0, n = [], 0, len(first)
        while k0 < n:
            k1 = k0 + 1
            while k1 < n and (k1 + 1 - k0) * (last[k1] - first[k0]) <= 2 * (offset[k1 + 1] - offset[k0]) + 65536:
                k1 += 1
            blocks.append((k0, k1))
            k0 = k1
        return blocks

    def row(self, k: int, c0: int, c1: int) -> np.ndarray:
        """Cosines of candidate k with reference c0 .. c1-1 (inside the stored band)."""
        base = self.offset[k] - self.first[k]
        return self.values[base + c0 : base + c1]

    def dense(self) -> np.ndarray | None:
        """The whole matrix, when the band is the whole matrix."""
        return self.values.reshape(len(self.cand), len(self.ref)) if self.full else None

    def best_in_row(self, k: int, c0: int, c1: int) -> float:
        """Highest cosine of candidate k with reference c0 .. c1-1 (-1 for none)."""
        if c0 >= c1:
            return -1.0
        if self.first[k] <= c0 and c1 <= self.last[k]:
            return float(self.row(k, c0, c1).max())
        return float((self.ref.vectors[c0:c1] @ self.cand.vectors[k]).max())

    def best_in_column(self, c: int, k0: int, k1: int) -> float:
        """Highest cosine of reference c with candidate k0 .. k1-1 (-1 for none)."""
        if k0 >= k1:
            return -1.0
        rows = np.arange(k0, k1)
        if ((self.first[k0:k1] <= c) & (c < self.last[k0:k1])).all():
            return float(self.values[self.offset[rows] + c - self.first[rows]].max())
        return float((self.cand.vectors[k0:k1] @ self.ref.vectors[c]).max())


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


def _fit_null_of(cand: _Side, ref: _Side, sims: _BandSimilarity, options: AlignOptions) -> NullModel:
    """The null model from every cell of a small pair, or from evenly spaced rows and columns of a large one."""
    dense = sims.dense()
    if dense is None:
        rows = np.unique(np.linspace(0, len(cand) - 1, min(len(cand), options.null_sample)).round().astype(int))
        cols = np.unique(np.linspace(0, len(ref) - 1, min(len(ref), options.null_sample)).round().astype(int))
        dense = cand.vectors[rows] @ ref.vectors[cols].T
    return fit_null(dense, options, trials=max(len(cand), len(ref), 1))


def _gains(cand: _Side, ref: _Side, band: _Band, sims: _BandSimilarity, null: NullModel, options: AlignOptions) -> list[np.ndarray]:
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


def _dynamic_program(band: _Band, gains: list[np.ndarray]) -> Path:
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


def _band(cand: _Side, ref: _Side, options: AlignOptions) -> _Band:
    """The whole matrix for a small pair; for a large one, a band around the coarse pair's path."""
    n, m = len(cand), len(ref)
    if (n + 1) * (m + 1) <= options.full_dp_cells or min(n, m) <= 2:
        return _Band.full(n, m)
    # The coarse path only places the band: a quarter of the null model's sample is enough there.
    coarse_options = replace(options, null_sample=max(options.null_sample // 4, 1))
    coarse_path, _, _ = _search(cand.coarser(), ref.coarser(), coarse_options)
    return _project(coarse_path, n, m, options.band_radius)


def _project(coarse_path: Path, n: int, m: int, radius: int) -> _Band:
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
    return _Band(lo, hi)


def _search(cand: _Side, ref: _Side, options: AlignOptions) -> tuple[Path, NullModel, _BandSimilarity]:
    """The best path at this resolution, the null model it was scored against and the cosines it read."""
    band = _band(cand, ref, options)
    sims = _BandSimilarity(cand, ref, band)
    null = _fit_null_of(cand, ref, sims, options)
    return _dynamic_program(band, _gains(cand, ref, band, sims, null, options)), null, sims


def _attach_fragments(beads: list[list[list[int]]], sents: dict[str, Sequence[Sentence]]) -> list[list[list[int]]]:
    """Join an unaligned sentence to the aligned bead beside it in the same paragraph.

    Garbled text breaks one sentence into pieces that score low on their own ("aid group.",
    "It's the people who tied the knot," he said.). A piece joins its neighbour's bead when it
    is fragment-like or when the other side of that bead has words left unexplained.
    """
    for side, other in (("candidate", "reference"), ("reference", "candidate")):
        key, okey = (0, 1) if side == "candidate" else (1, 0)
        sentences, others = sents[side], sents[other]
        owner = {idx: bead for bead in beads if bead[0] and bead[1] for idx in bead[key]}
        joined: set[int] = set()
        for number, bead in enumerate(beads):
            if bead[okey] or not bead[key]:
                continue
            (idx,) = bead[key]
            for neighbour in (idx - 1, idx + 1):
                host = owner.get(neighbour)
                if host is None or sentences[neighbour].paragraph != sentences[idx].paragraph:
                    continue
                mine = sum(sentences[k].words for k in host[key])
                theirs = sum(others[k].words for k in host[okey])
                piece = sentences[idx]
                fragment = piece.words <= 3 or piece.text[:1].islower()
                if fragment or theirs - mine >= piece.words / 2:
                    host[key] = sorted(host[key] + [idx])
                    owner[idx] = host
                    joined.add(number)
                    break
        beads = [bead for number, bead in enumerate(beads) if number not in joined]
    return beads


def align(
    cand_vectors: np.ndarray,
    ref_vectors: np.ndarray,
    cand_sents: Sequence[Sentence],
    ref_sents: Sequence[Sentence],
    options: AlignOptions = AlignOptions(),
) -> Alignment:
    """Align two documents given their unit sentence vectors."""
    cand, ref = _Side.of(cand_vectors, cand_sents), _Side.of(ref_vectors, ref_sents)
    # Many small matrix products: BLAS threads would only wait for each other (16 ms a product on a busy machine).
    with threadpool_limits(1, user_api="blas"):
        path, null, sims = _search(cand, ref, options)
        raw = [[list(range(c0, c1)), list(range(r0, r1))] for c0, c1, r0, r1 in path]
        raw = _attach_fragments(raw, {"candidate": cand_sents, "reference": ref_sents})
        beads = _finish(raw, cand, ref, sims, null)
    return Alignment(beads, null, cand_vectors, ref_vectors)


def bead_similarity(cand: _Side, ref: _Side, cand_idx: Sequence[int], ref_idx: Sequence[int]) -> float:
    """Cosine of one bead of any shape: word-weighted sums of its sentence vectors."""
    c = (cand.vectors[list(cand_idx)] * cand.weights[list(cand_idx), None]).sum(axis=0)
    r = (ref.vectors[list(ref_idx)] * ref.weights[list(ref_idx), None]).sum(axis=0)
    return float(c @ r / max(np.sqrt(c @ c) * np.sqrt(r @ r), 1e-12))  # np.linalg.norm, without its checks


def _finish(raw: list[list[list[int]]], cand: _Side, ref: _Side, sims: _BandSimilarity, null: NullModel) -> list[Bead]:
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
