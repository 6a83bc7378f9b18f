"""The cells the aligner's search visits: each document as unit vectors with word weights, a band
of DP cells, and the cosines inside it computed once in a few matrix products."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from auditor.pipeline.beads import BEAD_SHAPES
from auditor.pipeline.pooling import unit_rows, word_weights
from auditor.pipeline.segment import Sentence

_WIDEST = max(max(shape) for shape in BEAD_SHAPES)


@dataclass(frozen=True)
class Side:
    """One document at one resolution: unit vectors, word weights and paragraph numbers."""

    vectors: np.ndarray
    weights: np.ndarray
    paragraphs: np.ndarray

    @classmethod
    def of(cls, vectors: np.ndarray, sentences: Sequence[Sentence]) -> "Side":
        return cls(vectors, word_weights(sentences), np.array([s.paragraph for s in sentences], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.vectors)

    def window_norms(self, size: int) -> np.ndarray:
        """Length of the word-weighted sum of every window of `size` consecutive sentences."""
        weighted = self.vectors * self.weights[:, None]
        windows = sum(weighted[k : len(self) - size + 1 + k] for k in range(size))
        return np.linalg.norm(windows, axis=1)

    def coarser(self) -> "Side":
        """Half as many units: each pools two consecutive sentences (the last may stand alone)."""
        weighted = self.vectors * self.weights[:, None]
        pooled = weighted[0::2].copy()
        pooled[: len(self) // 2] += weighted[1::2]
        pooled = unit_rows(pooled)
        weights = self.weights[0::2].copy()
        weights[: len(self) // 2] += self.weights[1::2]
        return Side(pooled.astype(np.float32), weights, self.paragraphs[0::2])


@dataclass(frozen=True)
class Band:
    """Columns lo[i]..hi[i] (inclusive) of DP row i that the search visits; both grow with i."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))


class BandSimilarity:
    """Cosines of candidate sentence k with reference sentences first[k] .. last[k]-1, row after row.

    Row k covers every column that a bead ending in DP rows k+1 .. k+3 reads; rows with similar
    column ranges are computed together in one matrix product.
    """

    def __init__(self, cand: Side, ref: Side, band: Band):
        n, m = len(cand), len(ref)
        self.cand, self.ref, self.band = cand, ref, band
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
