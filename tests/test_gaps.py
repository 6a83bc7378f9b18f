"""Gap filling between aligned neighbours, on stub vectors: which leftovers pair up and which stay unaligned."""

from __future__ import annotations

import numpy as np

from auditor.pipeline.band import Side
from auditor.pipeline.beads import AlignOptions, NullModel
from auditor.pipeline.gaps import fill_gaps, gap_threshold

NULL = NullModel(location=0.2, scale=0.1, threshold=0.5, trials=3)
OPTIONS = AlignOptions()


def _side(vectors: list[list[float]], paragraphs: list[int]) -> Side:
    unit = np.array(vectors, dtype=np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    return Side(unit, np.ones(len(vectors), dtype=np.float32), np.array(paragraphs, dtype=np.int64))


def _angle(cosine: float) -> list[float]:
    """A unit vector at `cosine` to [1, 0, 0, 0]."""
    return [cosine, float(np.sqrt(1 - cosine**2)), 0.0, 0.0]


def _aligned(raw):
    return [bead for bead in raw if bead[0] and bead[1]]


RAW = [[[0], [0]], [[1], []], [[], [1]], [[2], [2]]]  # one candidate and one reference sentence left between aligned beads
ENDS = [[0, 0, 1, 0], [0, 0, 0, 1]]


def test_a_one_by_one_gap_pairs_above_the_unrelated_median():
    assert gap_threshold(NULL, 1, 0.5) == 0.2
    ref = _side([ENDS[0], [1, 0, 0, 0], ENDS[1]], [0, 0, 0])
    cand = _side([ENDS[0], _angle(0.25), ENDS[1]], [0, 0, 0])
    assert fill_gaps([list(map(list, b)) for b in RAW], cand, ref, NULL, OPTIONS) == [[[0], [0]], [[1], [1]], [[2], [2]]]


def test_a_one_by_one_gap_inside_a_paragraph_stays_open_under_the_median():
    ref = _side([ENDS[0], [1, 0, 0, 0], ENDS[1]], [0, 0, 0])
    cand = _side([ENDS[0], _angle(0.1), ENDS[1]], [0, 0, 0])
    assert _aligned(fill_gaps([list(map(list, b)) for b in RAW], cand, ref, NULL, OPTIONS)) == [[[0], [0]], [[2], [2]]]


def test_whole_paragraphs_left_between_aligned_paragraphs_pair_however_weak():
    ref = _side([ENDS[0], [1, 0, 0, 0], ENDS[1]], [0, 1, 2])
    cand = _side([ENDS[0], _angle(0.1), ENDS[1]], [0, 1, 2])
    assert fill_gaps([list(map(list, b)) for b in RAW], cand, ref, NULL, OPTIONS) == [[[0], [0]], [[1], [1]], [[2], [2]]]


def test_the_edge_run_after_the_last_aligned_bead_needs_more_than_the_median():
    raw = [[[0], [0]], [[1], []], [[], [1]]]
    ref = _side([ENDS[0], [1, 0, 0, 0]], [0, 1])
    cand = _side([ENDS[0], _angle(0.25)], [0, 1])
    assert gap_threshold(NULL, 1, OPTIONS.edge_chance) > 0.25
    assert _aligned(fill_gaps([list(map(list, b)) for b in raw], cand, ref, NULL, OPTIONS)) == [[[0], [0]]]


def test_a_paragraph_pair_hemmed_in_by_filling_the_leading_run_pairs_too():
    # The path's first aligned bead is the third paragraph; filling the leading run pairs the first
    # (cosine 1.0) and leaves the second paragraph of each side between two aligned beads.
    raw = [[[0], []], [[], [0]], [[1], []], [[], [1]], [[2], [2]]]
    ref = _side([[0, 0, 1, 0], [1, 0, 0, 0], ENDS[1]], [0, 1, 2])
    cand = _side([[0, 0, 1, 0], _angle(0.1), ENDS[1]], [0, 1, 2])
    assert fill_gaps(raw, cand, ref, NULL, OPTIONS) == [[[0], [0]], [[1], [1]], [[2], [2]]]
