"""The counterpart test's chain of mutual best matches, on stub vectors: order, rank and the floor decide."""

from __future__ import annotations

import numpy as np

from auditor.pipeline.band import Band, BandSimilarity, Side
from auditor.pipeline.beads import AlignOptions, NullModel
from auditor.pipeline.support import _longest_increasing, mutual_chain

NULL = NullModel(location=0.2, scale=0.1, threshold=0.5, trials=4)  # support floor: max(0.2 + 1 × 0.1, 0.35) = 0.35
OPTIONS = AlignOptions()


def _side(vectors: np.ndarray) -> Side:
    return Side(vectors.astype(np.float32), np.ones(len(vectors), dtype=np.float32), np.zeros(len(vectors), dtype=np.int64))


def _chain(counterpart: list[int], cosines: list[float]) -> int:
    """Candidate i at cosine `cosines[i]` to reference `counterpart[i]`, orthogonal to every other reference."""
    n = len(counterpart)
    ref = np.eye(2 * n)[:n]
    cand = np.zeros((n, 2 * n))
    for i, (j, c) in enumerate(zip(counterpart, cosines)):
        cand[i, j], cand[i, n + i] = c, np.sqrt(1 - c * c)
    cand_side, ref_side = _side(cand), _side(ref)
    return mutual_chain(BandSimilarity(cand_side, ref_side, Band.full(n, n)), NULL, OPTIONS)


def test_counterparts_in_order_all_count():
    assert _chain([0, 1, 2, 3], [0.6, 0.5, 0.7, 0.4]) == 4


def test_mutual_bests_out_of_order_count_only_along_one_order():
    assert _chain([3, 2, 1, 0], [0.9, 0.9, 0.9, 0.9]) == 1
    assert _chain([0, 2, 1, 3], [0.9, 0.9, 0.9, 0.9]) == 3


def test_a_mutual_best_under_the_support_floor_does_not_count():
    assert _chain([0, 1, 2, 3], [0.6, 0.34, 0.7, 0.36]) == 3


def test_a_row_best_that_is_not_its_column_best_does_not_count():
    # candidates 0 and 3 both prefer reference 1; only candidate 3 (0.8) is its best, and it is out of order
    assert _chain([1, 2, 3, 1], [0.6, 0.9, 0.9, 0.8]) == 2


def test_longest_increasing_subsequence():
    assert _longest_increasing([]) == 0
    assert _longest_increasing([5, 1, 2, 8, 3, 4]) == 4
    assert _longest_increasing([2, 2, 2]) == 1  # strictly increasing: a reference sentence counts once
