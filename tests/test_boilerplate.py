"""Web-page residue is labelled and left out of the coverage shares (pipeline/boilerplate.py)."""

import json

from auditor.pipeline.boilerplate import boilerplate_indices
from auditor.pipeline.segment import segment


def test_seed_001_blog_comment_section_and_ellipsis_are_boilerplate(seed_pair):
    ref = seed_pair.reference_sentences
    # the article is cut at "...", then a reader's comment (R12-R14) and the comment section's labels
    assert [s.index for s in ref if s.boilerplate] == [11, 12, 13, 14, 15, 16]
    assert (ref[11].text, ref[15].text, ref[16].text) == ("...", "Comments", "Post a Comment")
    assert not any(s.boilerplate for s in seed_pair.candidate_sentences)
    aligned = seed_pair.alignment.aligned_indices("reference")
    content = [s for s in ref if not s.boilerplate]
    assert len(content) == 11
    assert seed_pair.summary.coverage["reference"] == sum(s.index in aligned for s in content) / 11 == 1.0
    assert seed_pair.summary.unaligned["reference"] == 0  # every sentence of the article itself was checked
    assert seed_pair.boilerplate_counts() == {"candidate": 0, "reference": 6}


def test_json_labels_boilerplate_sentences_and_counts_them(seed_pair):
    data = json.loads(seed_pair.to_json())
    assert [k for k, s in enumerate(data["reference"]["sentences"]) if s.get("boilerplate")] == [11, 12, 13, 14, 15, 16]
    assert data["summary"]["boilerplate"] == {"candidate": 0, "reference": 6}


def test_rules_label_share_lines_and_comment_tails_but_not_prose():
    text = (
        "The council approved the budget on Monday.\n\nShare this:\n\nIt takes effect in May.\n\n"
        "Readers asked about the comments made by the mayor.\n\n…\n\nThe vote was 7 to 2.\n\n"
        "3 Comments\n\nGreat article!\n\nLeave a Reply\n"
    )
    sentences = segment(text)
    labelled = [sentences[k].text for k in sorted(boilerplate_indices(sentences))]
    assert labelled == ["Share this:", "…", "3 Comments", "Great article!", "Leave a Reply"]


def test_a_cut_in_the_second_half_before_a_comment_section_takes_what_lies_between():
    text = (
        "The council approved the budget on Monday.\nIt takes effect in May.\nThe vote was 7 to 2.\n"
        "The mayor said: “We are pleased.”\n...\nI think the mayor is wrong about this.\nComments\nPost a Comment\n"
    )
    sentences = segment(text)
    labelled = [sentences[k].text for k in sorted(boilerplate_indices(sentences))]
    assert labelled == ["...", "I think the mayor is wrong about this.", "Comments", "Post a Comment"]


def test_a_comments_heading_near_the_top_does_not_take_the_article():
    sentences = segment("Comments\n\nThe council approved the budget.\n\nIt takes effect in May.\n\nThe vote was close.\n")
    assert boilerplate_indices(sentences) == frozenset()
