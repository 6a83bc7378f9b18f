"""Web-page residue is labelled and left out of the coverage shares (pipeline/boilerplate.py)."""

import json

from auditor.pipeline.boilerplate import boilerplate_indices
from auditor.pipeline.segment import segment


def test_seed_001_blog_comment_section_and_ellipsis_are_boilerplate(seed_pair):
    ref = seed_pair.reference_sentences
    assert [(s.index, s.text) for s in ref if s.boilerplate] == [(11, "..."), (15, "Comments"), (16, "Post a Comment")]
    assert not any(s.boilerplate for s in seed_pair.candidate_sentences)
    aligned = seed_pair.alignment.aligned_indices("reference")
    content = [s for s in ref if not s.boilerplate]
    assert len(content) == 14
    assert seed_pair.summary.coverage["reference"] == sum(s.index in aligned for s in content) / 14 == 11 / 14
    assert seed_pair.summary.unaligned["reference"] == 3  # the reader's comment text (R12-R14) stays unverified
    assert seed_pair.boilerplate_counts() == {"candidate": 0, "reference": 3}


def test_json_labels_boilerplate_sentences_and_counts_them(seed_pair):
    data = json.loads(seed_pair.to_json())
    assert [k for k, s in enumerate(data["reference"]["sentences"]) if s.get("boilerplate")] == [11, 15, 16]
    assert data["summary"]["boilerplate"] == {"candidate": 0, "reference": 3}


def test_rules_label_share_lines_and_comment_tails_but_not_prose():
    text = (
        "The council approved the budget on Monday.\n\nShare this:\n\nIt takes effect in May.\n\n"
        "Readers asked about the comments made by the mayor.\n\n…\n\nThe vote was 7 to 2.\n\n"
        "3 Comments\n\nGreat article!\n\nLeave a Reply\n"
    )
    sentences = segment(text)
    labelled = [sentences[k].text for k in sorted(boilerplate_indices(sentences))]
    assert labelled == ["Share this:", "…", "3 Comments", "Great article!", "Leave a Reply"]


def test_a_comments_heading_near_the_top_does_not_take_the_article():
    sentences = segment("Comments\n\nThe council approved the budget.\n\nIt takes effect in May.\n\nThe vote was close.\n")
    assert boilerplate_indices(sentences) == frozenset()
