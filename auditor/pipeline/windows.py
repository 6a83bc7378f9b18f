"""Long texts read whole: the model reads at most `max_seq_length` word pieces (256 for all-MiniLM-L6-v2)
and silently drops the rest, so a long sentence would be scored on its beginning alone. A text over the
limit is cut into consecutive windows of at most that many pieces, each is encoded, and their vectors
are pooled, weighted by their piece counts (as sentences are pooled by their word counts).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from auditor.pipeline.pooling import unit_rows

# A word piece covers at least one character, so a text this short (in characters) always fits.
Offsets = Callable[[str], Sequence[tuple[int, int]]]  # a text's word pieces as (start, end) character offsets
WINDOWED = "windows-v1"  # cache-key tag of a vector pooled from windows (texts longer than the piece limit in characters)


def windows(text: str, offsets: Offsets, limit: int) -> list[tuple[str, int]]:
    """(window text, word pieces) covering `text`: the text itself when it fits in `limit` pieces."""
    if len(text) <= limit:
        return [(text, len(text))]
    pieces = [(s, e) for s, e in offsets(text) if e > s]
    if len(pieces) <= limit:
        return [(text, max(len(pieces), 1))]
    chunks = [pieces[k : k + limit] for k in range(0, len(pieces), limit)]
    return [(text[chunk[0][0] : chunk[-1][1]], len(chunk)) for chunk in chunks]


def encode_windowed(texts: Sequence[str], offsets: Offsets, limit: int, encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Unit vectors of `texts`, each pooled from its windows (one `encode` call for all windows)."""
    owners, parts, weights = [], [], []
    for k, text in enumerate(texts):
        for window, pieces in windows(text, offsets, limit):
            owners.append(k)
            parts.append(window)
            weights.append(pieces)
    vectors = np.asarray(encode(parts), dtype=np.float32)
    if len(parts) == len(texts):
        return vectors
    pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    np.add.at(pooled, np.array(owners), vectors * np.array(weights, dtype=np.float32)[:, None])
    return unit_rows(pooled).astype(np.float32)


def cache_tag(text: str, limit: int) -> str:
    """'' for a text that always fits; the windowing method's tag for one that may not."""
    return "" if len(text) <= limit else WINDOWED
