"""Findings on the seed pair and on hand-made pairs, asserted by text, category and severity."""

import pytest

from auditor.io.load import Document

RANK = {"minor": 1, "major": 2, "critical": 3}


def findings_on(result, text, category=None):
    return [f for f in result.findings if text in f.candidate_text and (category is None or f.category == category)]


def test_every_tabarov_is_a_name_finding(seed_pair):
    cand = seed_pair.candidate.text
    occurrences = [i for i in range(len(cand)) if cand.startswith("Tabarov", i)]
    assert len(occurrences) == 6
    # one misspelling is one finding: its occurrences cover every place, counted once in the penalty
    (finding,) = [f for f in seed_pair.findings if f.category == "name" and f.candidate_text == "Tabarov"]
    assert [span.start for span in finding.occurrences] == occurrences
    assert finding.candidate_span == finding.occurrences[0]
    assert finding.severity == "critical"


def test_alexey_for_alexei_is_at_most_minor(seed_pair):
    (alexey,) = findings_on(seed_pair, "Alexey", "name")
    assert alexey.candidate_text == "Alexey" and alexey.reference_text == "Alexei"
    assert alexey.severity == "minor"


def test_lost_double_negation_is_critical(seed_pair):
    (finding,) = findings_on(seed_pair, "couldn’t think", "negation")
    assert finding.severity == "critical"
    assert finding.reference_text == "not"


@pytest.mark.parametrize("fragment", ["rice field.", "aid group.", "Told."])
def test_dangling_fragments_are_major_garble(seed_pair, fragment):
    (finding,) = [f for f in seed_pair.findings if f.category == "garble" and f.candidate_text == fragment]
    assert RANK[finding.severity] >= RANK["major"]


def test_merged_word_is_garble(seed_pair):
    assert [f.candidate_text for f in seed_pair.findings if f.category == "garble" and "Ukrainenow" in f.candidate_text] == ["Ukrainenow"]


def test_meaning_changes_are_at_least_major(seed_pair):
    (finding,) = findings_on(seed_pair, "tied the knot", "meaning")
    assert RANK[finding.severity] >= RANK["major"]


def test_a_paraphrase_in_a_pair_that_reads_right_is_reported_minor(seed_pair):
    """"Department of Defense" for "Defense Ministry": the rule calls a changed entity major, but the rest
    of the pair reads right, so the fitted policy reports it as minor (a reviewer still sees it)."""
    (finding,) = findings_on(seed_pair, "Department of Defense", "meaning")
    assert (finding.rule, finding.severity, finding.reference_text) == ("meaning.entity", "minor", "Defense Ministry")


def test_cut_off_sentence_is_a_major_omission(seed_pair):
    (finding,) = findings_on(seed_pair, "such as using prisoners to", "omission")
    assert finding.candidate_text == "such as using prisoners to"
    assert finding.reference_text == "make up the manpower shortage."
    assert finding.severity == "major"


@pytest.mark.parametrize("cand, ref", [("examination", "inspection"), ("pardon", "amnesty")])
def test_synonyms_are_at_most_minor(seed_pair, cand, ref):
    found = findings_on(seed_pair, cand)
    assert found and all(f.severity == "minor" and f.category == "wording" and ref in f.reference_text for f in found)


def test_name_spelled_two_ways_in_one_document(seed_pair):
    spellings = {f.candidate_text for f in seed_pair.findings if f.category == "name" and f.candidate_text.startswith("Garma")}
    assert spellings & {"Garmazapova", "Garmazhapova"}


def test_unaligned_tail_is_unverified_not_mistranslated(seed_pair):
    tail_start = seed_pair.candidate_sentences[13].start
    tail = [f for f in seed_pair.findings if f.candidate_span and f.candidate_span.start >= tail_start]
    assert tail and {f.category for f in tail} <= {"garble", "name"}


def test_findings_are_sorted_sliceable_and_numbered(seed_pair):
    cand, ref = seed_pair.candidate.text, seed_pair.reference.text
    for f in seed_pair.findings:
        if f.candidate_span:
            assert cand[f.candidate_span.start : f.candidate_span.end] == f.candidate_text
        if f.reference_span:
            assert ref[f.reference_span.start : f.reference_span.end] == f.reference_text
    assert [f.id for f in seed_pair.findings] == [f"F{k:03d}" for k in range(1, len(seed_pair.findings) + 1)]
    assert seed_pair.summary.verdict == "fail"
    assert seed_pair.summary.counts_by_severity["critical"] >= 2  # the respelled name (one finding, six places) and the lost negation


def test_identical_documents_have_no_findings_and_pass(auditor):
    text = "Early in the war, President Volodymyr Zelenskyy promised amnesty to 300 prisoners. It was not enough.\n\nThe ministry denied it. rice field."
    result = auditor.compare_documents(Document(text), Document(text))
    assert result.findings == []
    assert result.summary.verdict == "pass"


def test_inserted_modifier_changes_the_meaning(auditor):
    ref = "Early in the war, Ukrainian President Volodymyr Zelenskyy promised amnesty to prisoners who volunteered to fight."
    cand = "Early in the civil war, Ukrainian President Volodymyr Zelenskyy promised amnesty to prisoners who volunteered to fight."
    result = auditor.compare_documents(Document(cand), Document(ref))
    (finding,) = result.findings
    assert (finding.category, finding.candidate_text) == ("meaning", "civil")
    assert RANK[finding.severity] >= RANK["major"]


def test_changed_number_is_critical(auditor):
    ref = "About 150 men had completed their contracts and were able to return home."
    cand = "About 160 men had completed their contracts and were able to return home."
    (finding,) = auditor.compare_documents(Document(cand), Document(ref)).findings
    assert (finding.category, finding.severity, finding.candidate_text, finding.reference_text) == ("number", "critical", "160", "150")


def test_a_short_name_replaced_word_for_word_is_critical_but_a_new_title_is_not_a_name(auditor):
    ref = "Police in Lyon arrested two men on Friday, the President of the regional council said."
    cand = "Police in Lian arrested two men on Friday, the Chairman of the regional council said."
    findings = auditor.compare_documents(Document(cand), Document(ref)).findings
    names = [(f.rule, f.candidate_text, f.reference_text, f.severity) for f in findings if f.category == "name"]
    assert names == [("name.respelled", "Lian", "Lyon", "critical")]
    assert "Chairman" in {f.candidate_text for f in findings if f.category != "name"}


def test_a_capitalised_part_of_a_hyphenated_word_is_a_name(auditor):
    ref = "A poster, possibly pro-Ukrainian, identified himself as a former soldier."
    cand = "A poster, possibly pro-Uklainyan, identified himself as a former soldier."
    (finding,) = auditor.compare_documents(Document(cand), Document(ref)).findings
    assert (finding.category, finding.severity, finding.candidate_text) == ("name", "critical", "pro-Uklainyan")
