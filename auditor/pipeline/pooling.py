"""Word-weighted pooling of sentence vectors: a long sentence says more of a text than a short one."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from auditor.pipeline.segment import Sentence


def word_weights(sentences: Sequence[Sentence]) -> np.ndarray:
    """Each sentence's word count (at least 1), the weight of its vector in any pooled vector."""
    return np.array([max(s.words, 1) for s in sentences], dtype=np.float32)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """`matrix` with every row scaled to unit length (a zero row stays zero)."""
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)


def pooled(vectors: np.ndarray, sentences: Sequence[Sentence]) -> np.ndarray:
    """One unit vector for a run of sentences: the word-weighted sum of their vectors."""
    return unit_rows((vectors * word_weights(sentences)[:, None]).sum(axis=0))
