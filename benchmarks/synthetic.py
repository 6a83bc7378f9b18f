"""Synthetic document pairs of any length, as sentence vectors, for timing the aligner alone.

Encoding 20,000 sentences takes minutes, so the vectors are made up, shaped like MiniLM's on news
text: every sentence leans on a shared topic direction (unrelated sentences score about 0.15-0.3),
and a translated sentence is its reference vector plus noise (cosine 0.7-0.95). The candidate
splits, merges, drops and inserts sentences, as garbled machine translation does.

    from synthetic import synthetic_pair
    cand_vectors, ref_vectors, cand_sents, ref_sents = synthetic_pair(20_000, seed=0)
"""

from __future__ import annotations

import numpy as np

from auditor.pipeline.segment import Sentence

DIMENSION = 384
SPLIT, MERGE, DROP, INSERT = 0.05, 0.05, 0.04, 0.05  # per reference sentence


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def _sentences(word_counts: list[int], paragraphs: list[int]) -> list[Sentence]:
    """Sentences with the given word counts and paragraph numbers; offsets into an imaginary text."""
    out, start = [], 0
    for index, (words, paragraph) in enumerate(zip(word_counts, paragraphs)):
        text = " ".join(["word"] * words).capitalize() + "."
        out.append(Sentence(index, start, start + len(text), text, paragraph))
        start += len(text) + 1
    return out


def synthetic_pair(sentences: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[Sentence], list[Sentence]]:
    """(candidate vectors, reference vectors, candidate sentences, reference sentences) for `sentences` reference sentences."""
    rng = np.random.default_rng(seed)
    topic = _unit(rng.normal(size=DIMENSION))
    lean = rng.uniform(0.2, 0.8, size=(sentences, 1))
    ref = _unit(rng.normal(size=(sentences, DIMENSION)) / np.sqrt(DIMENSION) + lean * topic)
    ref_words = rng.integers(6, 36, size=sentences).tolist()
    ref_par = np.cumsum(rng.random(sentences) < 0.25).tolist()

    def translated(vector: np.ndarray) -> np.ndarray:
        return vector + rng.uniform(0.35, 0.9) * rng.normal(size=DIMENSION) / np.sqrt(DIMENSION)

    cand, cand_words, cand_par = [], [], []
    k = 0
    while k < sentences:
        draw = rng.random()
        if draw < DROP:
            k += 1
            continue
        if draw < DROP + INSERT:
            cand.append(rng.normal(size=DIMENSION) / np.sqrt(DIMENSION) + rng.uniform(0.2, 0.8) * topic)
            cand_words.append(int(rng.integers(6, 36)))
            cand_par.append(ref_par[k])
            continue
        if draw < DROP + INSERT + SPLIT and ref_words[k] >= 8:
            cut = int(rng.integers(3, ref_words[k] - 2))
            cand += [translated(ref[k]), translated(ref[k])]
            cand_words += [cut, ref_words[k] - cut]
            cand_par += [ref_par[k]] * 2
            k += 1
            continue
        if draw < DROP + INSERT + SPLIT + MERGE and k + 1 < sentences and ref_par[k] == ref_par[k + 1]:
            cand.append(translated(ref[k] + ref[k + 1]))
            cand_words.append(ref_words[k] + ref_words[k + 1])
            cand_par.append(ref_par[k])
            k += 2
            continue
        cand.append(translated(ref[k]))
        cand_words.append(ref_words[k])
        cand_par.append(ref_par[k])
        k += 1
    cand_vectors = _unit(np.array(cand))
    return cand_vectors, ref, _sentences(cand_words, cand_par), _sentences(ref_words, ref_par)
