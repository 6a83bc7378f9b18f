"""Stage 4, align: a monotonic dynamic-programming sentence aligner over cosine similarities.

Beads are 1-1, 1-2, 2-1, 1-3, 3-1 and the unaligned 1-0 / 0-1. A many-side bead is scored
from the pooled sentence vectors (a word-weighted sum, renormalised), so no window is ever
encoded again. There is no global length ratio: garbled text splits and merges freely.

Whether a sentence has a counterpart at all is decided against a null model fitted to this very
document pair: most cells of the similarity matrix compare unrelated sentences, so their robust
location and scale say what "unrelated" scores here. A bead gains `similarity - threshold`;
leaving a sentence unaligned gains nothing.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .segment import Sentence

# (candidate sentences, reference sentences) per bead; the order breaks ties deterministically.
BEAD_SHAPES: tuple[tuple[int, int], ...] = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (1, 0), (0, 1))


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
    """The beads covering both documents, the null model behind them and the raw similarities."""

    beads: list[Bead]
    null: NullModel
    similarity: np.ndarray = field(repr=False)

    def aligned_indices(self, side: str) -> set[int]:
        return {i for bead in self.beads if bead.aligned for i in getattr(bead, side)}


def fit_null(similarity: np.ndarray, options: AlignOptions) -> NullModel:
    """Fit the unrelated-pair distribution from the cells that are no row's or column's best."""
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
    return NullModel(location, scale, threshold, trials=max(n, m, 1))


def _pool(vectors: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Unit vectors of every window of `size` consecutive sentences, weighted by word count."""
    weighted = vectors * weights[:, None]
    windows = sum(weighted[k : len(vectors) - size + 1 + k] for k in range(size))
    norms = np.linalg.norm(windows, axis=1, keepdims=True)
    return windows / np.maximum(norms, 1e-12)


class _BeadScorer:
    """Similarity of any bead ending at a cell, from sentence vectors and their pooled windows."""

    def __init__(self, cand: np.ndarray, ref: np.ndarray, cand_sents: Sequence[Sentence], ref_sents: Sequence[Sentence]):
        self.cand, self.ref = cand, ref
        self.cand_w = np.array([max(s.words, 1) for s in cand_sents], dtype=np.float32)
        self.ref_w = np.array([max(s.words, 1) for s in ref_sents], dtype=np.float32)
        self.cand_par = np.array([s.paragraph for s in cand_sents])
        self.ref_par = np.array([s.paragraph for s in ref_sents])
        self.single = cand @ ref.T
        self._windows: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def table(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, paragraph crossings) of all (a, b) beads, indexed by their first sentences."""
        key = (a, b)
        if key not in self._windows:
            cand = self.cand if a == 1 else _pool(self.cand, self.cand_w, a)
            ref = self.ref if b == 1 else _pool(self.ref, self.ref_w, b)
            sims = cand @ ref.T
            cross_c = self.cand_par[a - 1 :] - self.cand_par[: len(self.cand_par) - a + 1]
            cross_r = self.ref_par[b - 1 :] - self.ref_par[: len(self.ref_par) - b + 1]
            crossings = (cross_c[:, None] > 0).astype(np.float32) + (cross_r[None, :] > 0)
            self._windows[key] = (sims, crossings)
        return self._windows[key]

    def similarity(self, cand_idx: Sequence[int], ref_idx: Sequence[int]) -> float:
        """Cosine of one bead of any shape, pooled the same way as the tables."""
        c = self.cand[list(cand_idx)] * self.cand_w[list(cand_idx), None]
        r = self.ref[list(ref_idx)] * self.ref_w[list(ref_idx), None]
        c, r = c.sum(axis=0), r.sum(axis=0)
        return float(c @ r / max(np.linalg.norm(c) * np.linalg.norm(r), 1e-12))


def _dynamic_program(scorer: _BeadScorer, null: NullModel, options: AlignOptions) -> list[tuple[int, int, int, int]]:
    """Best monotonic path; returns beads as (cand_start, cand_end, ref_start, ref_end), rows vectorised."""
    n, m = scorer.single.shape
    score = np.full((n + 1, m + 1), -np.inf)
    choice = np.full((n + 1, m + 1), -1, dtype=np.int8)
    score[0, :] = 0.0
    choice[0, 1:] = BEAD_SHAPES.index((0, 1))
    gains = {}
    for a, b in BEAD_SHAPES:
        if a and b and a <= n and b <= m:
            sims, crossings = scorer.table(a, b)
            penalty = (options.merge_penalty if a + b > 2 else 0.0) + options.paragraph_penalty * crossings
            gains[(a, b)] = sims - null.threshold - penalty
    for i in range(1, n + 1):
        best = np.full(m + 1, -np.inf)
        best_choice = np.full(m + 1, -1, dtype=np.int8)
        for code, (a, b) in enumerate(BEAD_SHAPES):
            if a == 0 or a > i:
                continue
            if b == 0:
                candidate = score[i - a].copy()
            elif (a, b) in gains:
                candidate = np.full(m + 1, -np.inf)
                candidate[b:] = score[i - a, : m + 1 - b] + gains[(a, b)][i - a]
            else:
                continue
            better = candidate > best
            best[better], best_choice[better] = candidate[better], code
        # The 0-1 bead (skip a reference sentence) runs along the row: a running maximum.
        running = np.maximum.accumulate(best)
        from_left = running > best
        score[i], choice[i] = running, np.where(from_left, BEAD_SHAPES.index((0, 1)), best_choice)
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = BEAD_SHAPES[choice[i, j]]
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    return path[::-1]


def _attach_fragments(beads: list[list[list[int]]], sents: dict[str, Sequence[Sentence]]) -> None:
    """Join an unaligned sentence to the aligned bead beside it in the same paragraph.

    Garbled text breaks one sentence into pieces that score low on their own ("aid group.",
    "It's the people who tied the knot," he said.). A piece joins its neighbour's bead when it
    is fragment-like or when the other side of that bead has words left unexplained.
    """
    for side, other in (("candidate", "reference"), ("reference", "candidate")):
        key, okey = (0, 1) if side == "candidate" else (1, 0)
        sentences, others = sents[side], sents[other]
        owner = {idx: bead for bead in beads if bead[0] and bead[1] for idx in bead[key]}
        for bead in list(beads):
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
                    beads.remove(bead)
                    break


def align(
    cand_vectors: np.ndarray,
    ref_vectors: np.ndarray,
    cand_sents: Sequence[Sentence],
    ref_sents: Sequence[Sentence],
    options: AlignOptions = AlignOptions(),
) -> Alignment:
    """Align two documents given their unit sentence vectors."""
    scorer = _BeadScorer(cand_vectors, ref_vectors, cand_sents, ref_sents)
    null = fit_null(scorer.single, options)
    path = _dynamic_program(scorer, null, options)
    raw = [[list(range(c0, c1)), list(range(r0, r1))] for c0, c1, r0, r1 in path]
    _attach_fragments(raw, {"candidate": cand_sents, "reference": ref_sents})
    return Alignment(_finish(raw, scorer, null), null, scorer.single)


def _finish(raw: list[list[list[int]]], scorer: _BeadScorer, null: NullModel) -> list[Bead]:
    """Score each bead; an unaligned sentence's confidence is that nothing within its reach matches it.

    Its reach is the stretch of the other document between the aligned beads around it.
    """
    aligned_at = [k for k, (cand, ref) in enumerate(raw) if cand and ref]
    beads = []
    for k, (cand, ref) in enumerate(raw):
        if cand and ref:
            sim = scorer.similarity(cand, ref)
            beads.append(Bead(tuple(cand), tuple(ref), sim, null.chance(sim)))
            continue
        pos = bisect.bisect_left(aligned_at, k)
        other = 1 if cand else 0
        lo = raw[aligned_at[pos - 1]][other][-1] + 1 if pos > 0 else 0
        hi = raw[aligned_at[pos]][other][0] if pos < len(aligned_at) else scorer.single.shape[other]
        row = scorer.single[cand[0], lo:hi] if cand else scorer.single[lo:hi, ref[0]]
        best = float(row.max()) if row.size else -1.0
        beads.append(Bead(tuple(cand), tuple(ref), None, 1.0 - null.chance(best)))
    return beads
