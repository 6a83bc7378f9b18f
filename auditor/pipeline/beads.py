"""What the aligner takes and gives: its options, the bead shapes, the null model and the alignment."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

# (candidate sentences, reference sentences) per bead; the order breaks ties deterministically.
BEAD_SHAPES: tuple[tuple[int, int], ...] = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (1, 0), (0, 1))

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
    # The counterpart test's chain of mutual best matches: each must clear the unrelated-pair location
    # by this many robust SDs (and min_threshold); benchmarks/calibrate_counterparts.py.
    support_z: float = 1.0
    # Gap filling: sentences left unaligned on both sides of one gap pair when they beat what the best
    # unrelated cell of a gap that size scores above with this probability (gaps.gap_threshold); between
    # aligned neighbours even odds, before the first / after the last aligned bead the stricter edge_chance.
    gap_chance: float = 0.5
    edge_chance: float = 0.2


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
    # Sentences of (candidate, reference) on the counterpart test's chain (support.py); None: those of `beads`.
    support: tuple[int, int] | None = None

    def supported(self, side: str) -> int:
        """Sentences of `side` on the counterpart test's chain of mutual best matches."""
        if self.support is None:
            return len(self.aligned_indices(side))
        return self.support[0 if side == "candidate" else 1]

    def aligned_indices(self, side: str) -> set[int]:
        return {i for bead in self.beads if bead.aligned for i in getattr(bead, side)}

    @cached_property
    def similarity(self) -> np.ndarray:
        """The full candidate × reference cosine matrix, computed on first use.

        Meant for article-sized pairs (a picture of the alignment): 20k × 20k sentences take 1.6 GB.
        """
        return self.cand_vectors @ self.ref_vectors.T
