"""Alignment of the seed pair, asserted by text, and the JSON contract it feeds."""

import json

import numpy as np


def aligned_text(result):
    """[(candidate texts, reference texts, similarity)] for the aligned beads, in order."""
    cand, ref = result.candidate_sentences, result.reference_sentences
    return [
        ([cand[i].text for i in b.candidate], [ref[j].text for j in b.reference], b.similarity)
        for b in result.alignment.beads
        if b.aligned
    ]


def test_title_and_first_ten_reference_sentences_align_in_order(seed_pair):
    rows = aligned_text(seed_pair)
    expected_starts = [
        ("Russia struggles to replenish troops", "Russia struggles to replace casualties"),
        ("Prisoners in the St. Petersburg", "The prisoners at the penal colony"),
        ("Instead, men in uniform arrived and offered them a pardon", "Instead, men in uniform arrived and offered them amnesty"),
        ("About a dozen people got out of prison", "Over the following days, about a dozen"),
        ("Speaking on condition of anonymity for fear", "Speaking on condition of anonymity because"),
        ("As Russia continues to suffer losses in it,", "As Russia continues to suffer losses in its invasion"),
        ("It has led to clandestine recruitment practices", "That has led instead to a covert recruitment"),
        ("This also comes amid reports", "This also is happening amid reports"),
        ("Alexey Tabarov, a lawyer", "“We’re seeing a huge outflow"),
        ("The group has been inundated", "The group has seen an influx"),
        ("“And the Department of Defense is digging deep", '"And the Defense Ministry is digging deep'),
    ]
    assert len(rows) == len(expected_starts)
    for (cands, refs, _), (cand_start, ref_start) in zip(rows, expected_starts):
        assert cands[0].startswith(cand_start)
        assert len(refs) == 1 and refs[0].startswith(ref_start)


def test_the_tabalov_quote_takes_every_piece_down_to_the_dangling_fragment(seed_pair):
    rows = aligned_text(seed_pair)
    cands, refs, sim = next(r for r in rows if r[1][0].startswith("“We’re seeing a huge outflow"))
    assert cands == [
        "Alexey Tabarov, a lawyer who runs a law firm at a conscription school, said: “We are witnessing "
        "a mass exodus of people who want to leave the war zone.",
        "It’s the people who tied the knot,” he said.",
        "aid group.",
    ]
    assert sim > 0.6


def test_everything_after_the_reference_ends_is_unaligned(seed_pair):
    cand = seed_pair.candidate_sentences
    start = next(s.index for s in cand if s.text.startswith("The defense ministry denies"))
    aligned = seed_pair.alignment.aligned_indices("candidate")
    assert start == 13
    assert not aligned & set(range(start, len(cand)))


def test_reference_junk_tail_is_unaligned(seed_pair):
    ref = seed_pair.reference_sentences
    unaligned = {ref[j].text for j in range(len(ref))} - {ref[j].text for j in seed_pair.alignment.aligned_indices("reference")}
    assert unaligned == {
        "...",
        "The anti-war movement in Russia has to be a surprise to the Putin regime which likes to pretend they "
        "are fighting Nazis instead of Ukraine's defense forces.",
        "The significant casualties they have endured must also play a part in the resistance to fighting.",
        "The total recent estimate I saw put the number at 80,000.",
        "Comments",
        "Post a Comment",
    }


def test_null_threshold_comes_from_the_document_pair(seed_pair, compare_seeds):
    thresholds = {seed_pair.alignment.null.threshold, compare_seeds("000", "003").alignment.null.threshold}
    assert len(thresholds) == 2
    assert all(0.35 <= t <= 0.6 for t in thresholds)


def test_coverage_states_the_aligned_share_of_each_side(seed_pair):
    summary = seed_pair.summary
    assert summary.counterparts
    assert summary.coverage == {"candidate": 13 / 62, "reference": 1.0}  # R11-R16 are page residue: cut, comment, labels
    assert summary.unaligned == {"candidate": 49, "reference": 0}
    assert summary.verdict != "pass"


def test_unrelated_articles_are_not_counterparts(compare_seeds):
    for cand, ref in (("000", "003"), ("000", "004"), ("002", "001")):
        summary = compare_seeds(cand, ref).summary
        assert summary.verdict == "not_counterparts", (cand, ref, summary.counterpart_share)
        assert summary.counterpart_share < 0.3


def test_identical_documents_align_one_to_one(auditor):
    from auditor.io.load import Document

    text = (auditor_seed := __import__("pathlib").Path(__file__).parent.parent / "seeds" / "001_25b45a1f2acf4c89.txt").read_text()
    result = auditor.compare_documents(Document(text), Document(text))
    assert [(b.candidate, b.reference) for b in result.alignment.beads] == [((i,), (i,)) for i in range(17)]
    assert result.summary.verdict == "pass"


def test_json_contract(seed_pair):
    data = json.loads(seed_pair.to_json())
    assert data["schema_version"] == 1
    text = seed_pair.candidate.text
    for side, doc in (("candidate", seed_pair.candidate), ("reference", seed_pair.reference)):
        sentences = data[side]["sentences"]
        assert all(doc.text[s["start"] : s["end"]] == s["text"] for s in sentences)
        seen = [i for entry in data["alignment"] for i in entry[side]]
        assert seen == list(range(len(sentences)))  # every index once, in document order
    for entry in data["alignment"]:
        assert (entry["similarity"] is None) == (not entry["candidate"] or not entry["reference"])
        assert 0.0 <= entry["confidence"] <= 1.0
    # each finding's offsets index the decoded text and slice back to its quoted text
    texts = {"candidate": text, "reference": seed_pair.reference.text}
    assert [f["id"] for f in data["findings"]] == [f"F{k:03d}" for k in range(1, 52)]
    for finding in data["findings"]:
        for side in ("candidate", "reference"):
            span = finding[f"{side}_span"]
            assert finding[f"{side}_text"] == (texts[side][span["start"] : span["end"]] if span else "")
    severities = [f["severity"] for f in data["findings"]]
    assert data["summary"]["counts_by_severity"] == {s: severities.count(s) for s in data["summary"]["counts_by_severity"]}
    assert sum(data["summary"]["counts_by_severity"].values()) == 51
    assert data["summary"]["coverage"] == {"candidate": round(13 / 62, 4), "reference": 1.0}  # 4 decimals in JSON


def test_pooled_bead_gains_match_the_bead_similarity():
    from auditor.pipeline.align import BEAD_SHAPES, AlignOptions, NullModel, bead_similarity
    from auditor.pipeline.band import Band as _Band, BandSimilarity as _BandSimilarity, Side as _Side
    from auditor.pipeline.banded_dp import gains_of as _gains
    from auditor.pipeline.segment import segment

    sents = segment("One two three. Four five. Six seven eight nine.")
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    side = _Side.of(vecs, sents)
    band = _Band.full(3, 3)
    gains = _gains(side, side, band, _BandSimilarity(side, side, band), NullModel(0.0, 1.0, 0.0, 3), AlignOptions(merge_penalty=0.0))
    cell = lambda i, j: 4 * i + j  # DP cell (i, j) of the full 4 x 4 band
    assert np.isclose(gains[BEAD_SHAPES.index((2, 1))][cell(3, 1)], bead_similarity(side, side, [1, 2], [0]), atol=1e-6)
    assert np.isclose(gains[BEAD_SHAPES.index((1, 3))][cell(1, 3)], bead_similarity(side, side, [0], [0, 1, 2]), atol=1e-6)


def _joined(results, side):
    """Sentence vectors and sentences of several comparisons' `side` documents, one after another."""
    from auditor.pipeline.segment import Sentence

    vectors, sentences = [], []
    for result in results:
        vectors.append(result.alignment.cand_vectors if side == "candidate" else result.alignment.ref_vectors)
        shift = sentences[-1].paragraph + 1 if sentences else 0
        for s in getattr(result, f"{side}_sentences"):
            sentences.append(Sentence(len(sentences), s.start, s.end, s.text, s.paragraph + shift))
    return np.concatenate(vectors), sentences


def test_banded_search_finds_the_exact_path(seed_pair, compare_seeds):
    """Searching only around the coarse path (forced here at every size) aligns what the whole matrix aligns."""
    from auditor.pipeline.align import AlignOptions, align

    cand = _joined([seed_pair, compare_seeds("002", "001")], "candidate")  # 000 then 002
    ref = _joined([seed_pair, compare_seeds("000", "003")], "reference")  # 001 then 003
    exact = align(cand[0], ref[0], cand[1], ref[1], AlignOptions(full_dp_cells=10**9))
    banded = align(cand[0], ref[0], cand[1], ref[1], AlignOptions(full_dp_cells=0))
    aligned = [(b.candidate, b.reference, b.similarity) for b in exact.beads if b.aligned]
    assert [(b.candidate, b.reference, b.similarity) for b in banded.beads if b.aligned] == aligned
    assert len(aligned) > 11 and exact.null == banded.null
    seed_alone = align(seed_pair.alignment.cand_vectors, seed_pair.alignment.ref_vectors,
                       seed_pair.candidate_sentences, seed_pair.reference_sentences, AlignOptions(full_dp_cells=0))
    assert seed_alone.beads == seed_pair.alignment.beads


def test_null_model_of_a_large_pair_comes_from_a_sample(seed_pair, compare_seeds):
    from auditor.pipeline.align import AlignOptions, align

    cand = _joined([seed_pair, compare_seeds("002", "001")], "candidate")
    ref = _joined([seed_pair, compare_seeds("000", "003")], "reference")
    exact = align(cand[0], ref[0], cand[1], ref[1]).null
    sampled = align(cand[0], ref[0], cand[1], ref[1], AlignOptions(full_dp_cells=0, null_sample=60)).null
    assert sampled.threshold != exact.threshold and abs(sampled.threshold - exact.threshold) < 0.02
    assert sampled.trials == exact.trials == len(cand[1])
