from pathlib import Path

from auditor.pipeline.segment import segment

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def texts(text):
    return [s.text for s in segment(text)]


def test_offsets_slice_back_to_the_sentence():
    text = (SEEDS / "000_88841e910d11a9d7.txt").read_text()
    sentences = segment(text)
    assert len(sentences) == 62
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_abbreviations_do_not_break():
    assert texts("Prisoners in the St. Petersburg penal colony waited. The U.S. envoy said so.") == [
        "Prisoners in the St. Petersburg penal colony waited.",
        "The U.S. envoy said so.",
    ]


def test_dangling_fragments_stay_their_own_sentences():
    text = "They were detained, according to their relatives. rice field. Bryanka center was closed."
    assert texts(text) == [
        "They were detained, according to their relatives.",
        "rice field.",
        "Bryanka center was closed.",
    ]


def test_line_break_always_ends_a_sentence():
    assert texts("Russia struggles to replace casualties\nThe prisoners waited.") == [
        "Russia struggles to replace casualties",
        "The prisoners waited.",
    ]


def test_closing_quotes_stay_with_their_sentence():
    assert texts("“It’s the people who tied the knot,” he said. aid group.") == [
        "“It’s the people who tied the knot,” he said.",
        "aid group.",
    ]
    assert texts("“Yes!” he said. Then he left.") == ["“Yes!” he said.", "Then he left."]


def test_a_lone_period_joins_the_sentence_before():
    assert texts("It took place in recent weeks. .\nNext line.") == ["It took place in recent weeks. .", "Next line."]


def test_paragraph_is_the_line_a_sentence_stands_on():
    sentences = segment("One. Two.\n\nThree.")
    assert [s.paragraph for s in sentences] == [0, 0, 2]


def test_an_overlong_line_is_split_at_word_boundaries_into_near_equal_pieces():
    words = [f"w{k % 97}" for k in range(60_000)]
    line = " ".join(words)  # about 230,000 characters, no punctuation
    sentences = segment(line)
    lengths = [len(s.text) for s in sentences]
    assert max(lengths) <= 1000 and min(lengths) >= 900
    assert [s.continues for s in sentences] == [False] + [True] * (len(sentences) - 1)
    assert " ".join(s.text for s in sentences).split() == words  # no word cut, none lost
    assert all(line[s.start : s.end] == s.text for s in sentences)


def test_a_line_with_no_space_at_all_is_cut_into_pieces():
    sentences = segment("x" * 2500 + ". Next.")
    assert [len(s.text) for s in sentences] == [834, 834, 833, 5]
