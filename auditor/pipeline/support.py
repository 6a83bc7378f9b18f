"""The counterpart test's evidence: the longest chain, in document order, of mutual best matches.

Two translations of one text line up: most sentences' best match on the other side is their own
counterpart, which in turn prefers them, and these pairs follow each other in the same order on
both sides. Unrelated articles on the same subject still hold a few near-paraphrases (cosine up
to 0.73 on the seeds), some even mutual bests, but they do not fall in order through the whole
document. Rank and order make the test hold where the null threshold does not: in a ten-paragraph
news article every paragraph is about the same story, so a weak but real translation of a
paragraph scores only 2-3 robust SDs over the article's other paragraphs.
"""

from __future__ import annotations

import bisect

import numpy as np

from auditor.pipeline.band import BandSimilarity
from auditor.pipeline.beads import AlignOptions, NullModel


def mutual_chain(sims: BandSimilarity, null: NullModel, options: AlignOptions) -> int:
    """Length of the longest monotonic chain of mutual best cells (within the band) that clear the support floor."""
    n, m = len(sims.cand), len(sims.ref)
    widths = sims.last - sims.first
    if not n or not m or not widths.sum():
        return 0
    rows = np.repeat(np.arange(n), widths)
    cols = sims.first[rows] + np.arange(len(rows)) - sims.offset[rows]
    values = sims.values[: len(rows)]
    row_best = np.full(n, -np.inf, dtype=np.float32)
    col_best = np.full(m, -np.inf, dtype=np.float32)
    np.maximum.at(row_best, rows, values)
    np.maximum.at(col_best, cols, values)
    floor = max(null.location + options.support_z * null.scale, options.min_threshold)
    mutual = (values == row_best[rows]) & (values == col_best[cols]) & (values >= floor)
    return _longest_increasing(cols[mutual].tolist())  # cells come row by row, so rows already increase


def _longest_increasing(sequence: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for x in sequence:
        k = bisect.bisect_left(tails, x)
        tails[k : k + 1] = [x]
    return len(tails)
