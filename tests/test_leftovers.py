"""Leftover sentences join a neighbouring bead of their paragraph only when they belong to it (stub vectors)."""

from __future__ import annotations

import numpy as np

from auditor.pipeline.band import Side
from auditor.pipeline.leftovers import attach_leftovers
from auditor.pipeline.segment import Sentence

WORDS = "Alpha beta gamma delta epsilon zeta"  # six words on every side: no fragment, no words left unexplained


def _side(vectors: list[list[float]], paragraphs: list[int]) -> tuple[Side, list[Sentence]]:
    sents = [Sentence(k, 0, 0, WORDS, p) for k, p in enumerate(paragraphs)]
    unit = np.array(vectors, dtype=np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    return Side.of(unit, sents), sents


def _attach(cand_vectors, cand_paragraphs, ref_vectors, raw):
    cand, cand_sents = _side(cand_vectors, cand_paragraphs)
    ref, ref_sents = _side(ref_vectors, [0] * len(ref_vectors))
    return attach_leftovers(raw, (cand, ref), (cand_sents, ref_sents))


def test_second_half_of_a_split_translation_joins_its_bead():
    # The reference sentence says a and b; the candidate says a, then b in a sentence of its own.
    beads = _attach([[1, 0, 0], [0, 1, 0.1]], [0, 0], [[1, 1, 0]], [[[0], [0]], [[1], []]])
    assert beads == [[[0, 1], [0]]]


def test_an_unrelated_sentence_stays_unaligned_although_the_bead_stays_strong():
    # Joining the unrelated sentence lowers the bead's cosine from 1.0 to 0.71 (still above any null threshold).
    beads = _attach([[1, 0, 0], [0, 0, 1]], [0, 0], [[1, 0, 0]], [[[0], [0]], [[1], []]])
    assert beads == [[[0], [0]], [[1], []]]


def test_the_other_paragraphs_bead_is_no_host():
    beads = _attach([[1, 0, 0], [0, 1, 0.1]], [0, 1], [[1, 1, 0]], [[[0], [0]], [[1], []]])
    assert beads == [[[0], [0]], [[1], []]]


def test_a_reference_leftover_joins_the_bead_it_completes():
    cand, cand_sents = _side([[1, 1, 0]], [0])
    ref, ref_sents = _side([[1, 0, 0], [0, 1, 0.1]], [0, 0])
    beads = attach_leftovers([[[0], [0]], [[], [1]]], (cand, ref), (cand_sents, ref_sents))
    assert beads == [[[0], [0, 1]]]


def test_a_leftover_both_beads_could_take_joins_the_one_it_completes_not_the_one_before():
    # Candidate: a / c / b; the second reference sentence says b and c. Both neighbouring reference sides
    # have words the candidate leaves unexplained, so either bead may take c; it raises the second bead's
    # cosine (0.71 to 1.0) and lowers the first's. A remnant (three words or fewer, or a lower-case start)
    # still joins the sentence before it.
    longer = WORDS + " eta theta iota kappa"
    cand_sents = [Sentence(0, 0, 0, WORDS, 0), Sentence(1, 0, 0, "Then c came along.", 0), Sentence(2, 0, 0, WORDS, 0)]
    ref_sents = [Sentence(0, 0, 0, longer, 0), Sentence(1, 0, 0, longer, 0)]
    cand = Side.of(np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float32), cand_sents)
    ref = Side.of(np.array([[1, 0, 0], [0, 0.7071, 0.7071]], dtype=np.float32), ref_sents)
    beads = attach_leftovers([[[0], [0]], [[1], []], [[2], [1]]], (cand, ref), (cand_sents, ref_sents))
    assert beads == [[[0], [0]], [[1, 2], [1]]]
    remnant = [cand_sents[0], Sentence(1, 0, 0, "c too.", 0), cand_sents[2]]
    beads = attach_leftovers([[[0], [0]], [[1], []], [[2], [1]]], (cand, ref), (remnant, ref_sents))
    assert beads == [[[0, 1], [0]], [[2], [1]]]
