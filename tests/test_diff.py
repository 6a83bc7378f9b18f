"""The word diff of an aligned group (auditor/pipeline/diff.py), on sentences from the real segmenter."""

from __future__ import annotations

import pytest

from auditor.pipeline.diff import diff_group
from auditor.pipeline.tokens import tokenize
from auditor.pipeline.segment import default_segmenter, segment

_SEGMENTER = default_segmenter()


def diff(cand: str, ref: str):
    return diff_group(0, segment(cand, _SEGMENTER), segment(ref, _SEGMENTER))


def hunks(cand: str, ref: str) -> list[tuple[str, str, str]]:
    """(op, candidate words, reference words) of each hunk."""
    return [(h.op, " ".join(t.text for t in h.cand), " ".join(t.text for t in h.ref)) for h in diff(cand, ref).hunks]


def test_tokens_carry_absolute_offsets_across_sentences():
    text = "It rained. Then 1,000 people didn’t leave."
    tokens = tokenize(segment(text, _SEGMENTER))
    assert [t.text for t in tokens] == ["It", "rained", ".", "Then", "1,000", "people", "did", "n’t", "leave", "."]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.norm for t in tokens if t.text == "n’t"] == ["not"]


def test_hyphenated_and_apostrophised_words_are_one_token():
    assert [t.text for t in tokenize(segment("A twenty-five-year-old O’Brien.", _SEGMENTER))] == ["A", "twenty-five-year-old", "O’Brien", "."]


@pytest.mark.parametrize(
    "cand, ref",
    [("The plan was approved.", "The plan was approved."), ("THE PLAN WAS APPROVED.", "the plan was approved."), ("He didn’t go.", "He didn't go.")],
)
def test_case_and_quote_style_are_no_difference(cand, ref):
    assert hunks(cand, ref) == []


def test_a_replaced_word():
    d = diff("The man bought bread.", "The man stole bread.")
    (hunk,) = d.hunks
    assert (hunk.op, hunk.cand_span(), hunk.ref_span()) == ("replace", (8, 14), (8, 13))


def test_an_insertion_stands_at_its_reference_gap():
    (hunk,) = diff("The civil war ended.", "The war ended.").hunks
    assert (hunk.op, [t.text for t in hunk.cand], hunk.ref, hunk.ref_span()) == ("insert", ["civil"], (), None)
    assert hunk.ref_at == 4  # where "war" starts in the reference


def test_a_deletion_stands_at_its_candidate_gap():
    (hunk,) = diff("He left the town.", "He left the town quickly.").hunks
    assert (hunk.op, hunk.cand, [t.text for t in hunk.ref]) == ("delete", (), ["quickly"])
    assert hunk.cand_span() == (16, 16)  # the gap before the full stop


def test_a_deletion_past_the_end_stands_after_the_last_token():
    (hunk,) = diff("He said the army used prisoners to", "He said the army used prisoners to fill the gaps.").hunks
    assert hunk.op == "delete" and hunk.cand_at == len("He said the army used prisoners to")


def test_an_insertion_and_a_deletion_one_shared_word_apart_are_one_replacement():
    assert hunks("The Department of Defense said so.", "The Defense Ministry said so.") == [
        ("replace", "Department of Defense", "Defense Ministry"),
    ]


def test_several_hunks_in_order():
    assert hunks("The man quickly bought bread.", "A man bought bread today.") == [
        ("replace", "The", "A"), ("insert", "quickly", ""), ("delete", "", "today"),
    ]


def test_an_empty_side_is_all_one_hunk():
    d = diff_group(3, [], segment("Only the reference.", _SEGMENTER))
    assert d.bead == 3 and d.cand == ()
    assert [(h.op, len(h.ref)) for h in d.hunks] == [("delete", 4)]



def test_a_clause_put_elsewhere_is_moved_back_before_the_hunks_are_cut():
    """A plain diff matches the shared middle and pairs the attribution with the quote it displaced;
    moving the quote as one block pairs each with its own counterpart."""
    cand = "Maria Lopez, a doctor who runs a clinic in the north, said: “We are seeing many more patients every week.”"
    ref = "“We see many more patients every week,” said Maria Lopez, a doctor who runs the northern clinic."
    d = diff(cand, ref)
    (move,) = d.moves
    assert " ".join(t.text for t in move.ref) == "We see many more patients every week"
    assert cand[slice(*move.cand_span)] == "We are seeing many more patients every week"
    assert move.left_at == 0  # the quote stood before "Maria Lopez"
    assert ("replace", "are seeing", "see") in hunks(cand, ref)
    assert [t.text for t in d.ref] == [t.text for t in tokenize(segment(ref, _SEGMENTER), "reference")]  # still in the reference's order


def test_words_that_only_swap_places_are_no_block_move():
    assert diff("The farmers, the police said, left the city.", "The police said the farmers left the city.").moves == ()
