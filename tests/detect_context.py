"""Hand-built comparison contexts for detector tests: no model, no aligner.

Both texts go through the real segmenter and the real word diff; sentences are aligned one to one
by index (or by the beads a test gives), and a bag-of-words hashing encoder stands in for the model,
so a sentence with one word of many changed stays close to the original and a short one does not.
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from auditor.detect import Context, DetectorSet, SeverityPolicy
from auditor.pipeline.align import Alignment, Bead, NullModel
from auditor.pipeline.diff import diff_group
from auditor.pipeline.segment import default_segmenter, segment

# A small vocabulary with ranks (lower is more frequent), enough for the merged-word and name checks.
VOCABULARY = {
    word: rank
    for rank, word in enumerate(
        "the a of to and in is was on for it with as by at from that he she they said not now later then "
        "man men people year years city town plan army police ukraine farmers farmer aid group field".split()
    )
}
_DIM = 512
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SEGMENTER = default_segmenter()


def bag_of_words(texts: list[str]) -> np.ndarray:
    """Unit vectors of hashed word counts: deterministic, and cosine = share of words in common."""
    vectors = np.zeros((len(texts), _DIM))
    for row, text in enumerate(texts):
        for word in _WORD.findall(text.casefold()):
            vectors[row, int(hashlib.sha256(word.encode()).hexdigest(), 16) % _DIM] += 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _similarity(cand_sents, ref_sents, c, r) -> float:
    """The stand-in encoder's cosine of the two sides of an entry, as the aligner would record it."""
    a, b = bag_of_words([" ".join(cand_sents[i].text for i in c), " ".join(ref_sents[j].text for j in r)])
    return float(a @ b)


def make_context(
    cand: str,
    ref: str,
    beads: Sequence[tuple[Sequence[int], Sequence[int]]] | None = None,
    glossary: Sequence = (),
) -> Context:
    """A Context for `cand` against `ref`, sentence i aligned with sentence i unless `beads` says
    otherwise ((candidate indices, reference indices) per entry, in order)."""
    cand_sents, ref_sents = segment(cand, _SEGMENTER), segment(ref, _SEGMENTER)
    if beads is None:
        n, m = len(cand_sents), len(ref_sents)
        beads = [((i,), (i,)) for i in range(min(n, m))]
        beads += [((i,), ()) for i in range(m, n)] + [((), (j,)) for j in range(n, m)]
    entries = [Bead(tuple(c), tuple(r), _similarity(cand_sents, ref_sents, c, r) if c and r else None, 1.0) for c, r in beads]
    alignment = Alignment(entries, NullModel(0.0, 1.0, 0.5, 1), np.zeros((len(cand_sents), 2)), np.zeros((len(ref_sents), 2)))
    diffs = {
        k: diff_group(k, [cand_sents[i] for i in b.candidate], [ref_sents[j] for j in b.reference])
        for k, b in enumerate(entries)
        if b.aligned
    }
    return Context(cand, ref, cand_sents, ref_sents, alignment, diffs, VOCABULARY, bag_of_words, glossary=glossary)


def outcomes(
    cand: str,
    ref: str,
    names: Sequence[str] | None = None,
    policy: SeverityPolicy | None = None,
    params: dict | None = None,
    **context,
) -> list[tuple[str, str, str, str]]:
    """(category, severity, candidate text, reference text) of each finding, in report order."""
    detectors = DetectorSet.build(params, policy, names)
    return [
        (str(f.category), str(f.severity), f.candidate_text, f.reference_text)
        for f in detectors.run(make_context(cand, ref, **context))
    ]
