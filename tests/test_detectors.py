"""Each detector alone, on hand-built contexts (real segmenter and diff, no model): exact outcomes."""

from __future__ import annotations

import json

import pytest

from auditor.api import Auditor
from auditor.detect import DETECTORS, DetectorSet, SeverityPolicy
from auditor.detect.content import ContentDetector
from auditor.detect.glossary import GlossaryEntry
from auditor.detect.numbers import NumberDetector, value
from auditor.detect.terminology import TerminologyDetector
from auditor.pipeline.diff import Token
from detect_context import make_context, outcomes

AMNESTY = GlossaryEntry("amnesty", required=("amnesty",), forbidden=("pardon",))
PARDON = ("They were offered a pardon.", "They were offered an amnesty.")


# --- names -------------------------------------------------------------------------------------

def test_a_respelled_name_is_critical():
    assert outcomes("Lawyer Tabarov spoke to reporters.", "Lawyer Tabalov spoke to reporters.", ["name"]) == [
        ("name", "critical", "Tabarov", "Tabalov"),
    ]


def test_a_misspelling_is_followed_where_the_reference_has_no_name():
    found = outcomes("Lawyer Tabarov spoke.\n\nLater Tabarov left.", "Lawyer Tabalov spoke.\n\nLater he left.", ["name"])
    assert found == [("name", "critical", "Tabarov", "Tabalov"), ("name", "critical", "Tabarov", "")]


def test_a_romanisation_variant_is_minor():
    assert outcomes("Lawyer Alexey Tabalov spoke.", "Lawyer Alexei Tabalov spoke.", ["name"]) == [("name", "minor", "Alexey", "Alexei")]


def test_a_rare_name_spelled_two_ways_is_major_without_a_reference_difference():
    text = "Garmazapova spoke. Later Garmazhapova left. Garmazhapova smiled."
    assert outcomes(text, text, ["name"]) == [("name", "major", "Garmazapova", "")]


# --- numbers -----------------------------------------------------------------------------------

def test_twenty_five_to_twenty_six_is_one_critical_number_finding():
    # every detector runs: the number explains the words, so nothing else reports them
    found = outcomes("The ship carried twenty-six sailors.", "The ship carried twenty-five sailors.")
    assert found == [("number", "critical", "twenty-six", "twenty-five")]


def test_twenty_five_to_digits_is_no_number_finding():
    found = outcomes("The ship carried 25 sailors.", "The ship carried twenty-five sailors.")
    assert [f for f in found if f[0] == "number"] == []
    assert outcomes("The ship carried 25 sailors.", "The ship carried twenty-five sailors.", ["number"]) == []


@pytest.mark.parametrize(
    "word, expected",
    [("twenty-five", 25), ("25", 25), ("1,000", 1000), ("sixth-month", 6), ("twenty-five-year-old", 25),
     ("dozens", 12), ("thousands", 1000), ("one", None), ("second", None), ("word", None),
     ("ones", None), ("tens", None), ("fifties", None), ("millions", 10**6)],
)
def test_number_values(word, expected):
    assert value(Token(word, 0, len(word))) == expected


def test_a_vague_plural_amount_is_no_figure():
    """'the ones' or 'tens of thousands' state no figure: nothing to compare (text2num reads 'ones' as 1)."""
    assert outcomes("Those are the ones we saw.", "Those are the questions we saw.", ["number"]) == []
    assert outcomes("Tens of thousands came.", "Thousands came.", ["number"]) == []


def test_an_added_and_a_missing_figure_are_critical():
    assert outcomes("He paid 40 dollars in 2019.", "He paid 40 dollars.", ["number"]) == [("number", "critical", "2019", "")]
    assert outcomes("He paid 40 dollars.", "He paid 40 dollars in 2019.", ["number"]) == [("number", "critical", "", "2019")]


def test_a_plural_flip_after_a_quantifier_is_major():
    assert outcomes("Police arrested several suspect.", "Police arrested several suspects.", ["number"]) == [
        ("number", "major", "suspect", "suspects"),
    ]


# --- negation ----------------------------------------------------------------------------------

def test_a_lost_negation_is_critical_and_shows_the_flipped_phrase():
    assert outcomes("The plan was approved.", "The plan was not approved.", ["negation"]) == [
        ("negation", "critical", "plan was approved", "not"),
    ]


def test_an_added_negation_is_critical():
    assert outcomes("The plan was never approved.", "The plan was approved.", ["negation"]) == [
        ("negation", "critical", "plan was never approved", "The plan was approved."),
    ]


# --- content: meaning, addition, omission, wording ---------------------------------------------

@pytest.mark.parametrize(
    "cand, ref, expected",
    [
        ("The company may close the factory.", "The company will close the factory.", ("meaning", "major", "may", "will")),
        ("He met officials in Paris yesterday.", "He met officials in London yesterday.", ("meaning", "major", "Paris", "London")),
        ("The civil war ended.", "The war ended.", ("meaning", "major", "civil", "")),
        ("The mayor, who was elected last spring, resigned.", "The mayor resigned.", ("addition", "major", ", who was elected last spring,", "")),
        ("He left the town quickly.", "He left the town.", ("addition", "minor", "quickly", "")),
        ("The plan was really popular.", "The plan was popular.", ("wording", "minor", "really", "")),
        ("The mayor resigned.", "The mayor resigned after a long corruption scandal.", ("omission", "major", "", "after a long corruption scandal")),
        ("He left the town.", "He left the town quickly.", ("omission", "minor", "", "quickly")),
        ("He said the army used prisoners to", "He said the army used prisoners to fill the gaps.", ("omission", "major", "He said the army used prisoners to", "fill the gaps.")),
    ],
)
def test_content_rules(cand, ref, expected):
    assert outcomes(cand, ref, ["content"]) == [expected]


LONG = "The old man in the village {} fresh bread for his family every single morning."


def test_the_model_decides_a_replaced_word_in_a_short_sentence_moves_the_meaning():
    assert outcomes("The man bought bread.", "The man stole bread.", ["content"]) == [("meaning", "major", "bought", "stole")]


def test_the_model_decides_a_replaced_word_in_a_long_sentence_is_a_rewording():
    assert outcomes(LONG.format("bought"), LONG.format("stole"), ["content"]) == [("wording", "minor", "bought", "stole")]


def test_the_meaning_threshold_is_a_parameter():
    params = {"content": ContentDetector.Params(meaning_cosine=0.5)}
    assert outcomes("The man bought bread.", "The man stole bread.", ["content"], params=params) == [("wording", "minor", "bought", "stole")]


# --- unaligned ---------------------------------------------------------------------------------

def test_a_sentence_added_or_dropped_inside_a_covered_passage_is_major():
    cand = "The aid arrived. A man was added. The farmers waited. The end came."
    ref = "The aid arrived. The farmers waited. A sentence was dropped. The end came."
    beads = [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((), (2,)), ((3,), (3,))]
    assert outcomes(cand, ref, ["unaligned"], beads=beads) == [
        ("addition", "major", "A man was added.", ""),
        ("omission", "major", "", "A sentence was dropped."),
    ]


def test_unaligned_sentences_outside_the_covered_passage_are_not_findings():
    beads = [((0,), (0,)), ((1,), ()), ((), (1,))]
    assert outcomes("The aid arrived. A man was added.", "The aid arrived. A sentence was dropped.", ["unaligned"], beads=beads) == []


# --- garble ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "cand, ref, expected",
    [
        ("The aid arrived late. Rice field. The farmers waited for hours.", "The aid arrived late in the rice field. The farmers waited for hours.", ("major", "Rice field.")),
        ("The aid arrived late. and the farmers waited for hours.", "The aid arrived late and the farmers waited for hours.", ("major", "and the farmers waited for hours.")),
        ("The aid arrived late. The farmers waited for the", "The aid arrived late. The farmers waited for the trucks.", ("major", "The farmers waited for the")),
        ("The aid arrived late. . The farmers waited.", "The aid arrived late. The farmers waited.", ("major", ". .")),
        ("The head of’s office resigned.", "The head of the office resigned.", ("major", "of’s")),
        ("The the farmers waited.", "The farmers waited.", ("minor", "The the")),
        ("Farmers in Ukrainenow wait.", "Farmers in Ukraine now wait.", ("minor", "Ukrainenow")),
    ],
)
def test_garble(cand, ref, expected):
    assert outcomes(cand, ref, ["garble"]) == [("garble", *expected, "")]


def test_garble_the_aligned_reference_shares_is_not_reported():
    text = "The aid arrived late. Told. The farmers waited for hours."
    assert outcomes(text, text, ["garble"]) == []


# --- terminology and the explained words --------------------------------------------------------

def test_a_forbidden_rendering_is_the_only_finding_on_its_words():
    assert outcomes(*PARDON, glossary=[AMNESTY]) == [("terminology", "major", "pardon", "amnesty")]
    assert outcomes(*PARDON) == [("meaning", "major", "a pardon", "an amnesty")]  # no glossary: the content detector reports it


def test_the_glossary_explains_its_words_to_the_content_detector_however_it_is_passed():
    context = make_context(*PARDON, glossary=[AMNESTY])
    glossary = TerminologyDetector().detect(context)
    cand, ref = PARDON
    pardon, amnesty = cand.index("pardon"), ref.index("amnesty")
    assert glossary.explained == {(pardon, pardon + 6), (amnesty, amnesty + 7)}  # the words, on each side
    assert ContentDetector().detect(context, glossary.explained).proposals == ()
    assert [p.rule for p in ContentDetector().detect(context).proposals] == ["meaning.model"]
    # order is declared, not hidden: content before the glossary sees nothing explained
    content_first = DetectorSet.build(names=["content", "terminology"]).run(context)
    assert sorted(f.category for f in content_first) == ["meaning", "terminology"]


def test_a_term_not_rendered_as_required_takes_the_glossary_severity():
    entry = GlossaryEntry("Conscript's School", required=("Conscript's School",), severity="critical")
    found = outcomes("He studied at the conscription school.", "He studied at the Conscript’s School.", ["terminology"], glossary=[entry])
    assert found == [("terminology", "critical", "conscription", "Conscript’s School")]


# --- the severity policy -----------------------------------------------------------------------

def test_the_default_policy_knows_every_rule_or_its_category():
    """Rules the fitted model never saw fall back to their category; terminology carries the glossary's own severity."""
    model = SeverityPolicy().data["models"]["major"]
    rules = {rule for cls in DETECTORS.values() for rule in cls.rules if not rule.startswith("terminology.")}
    assert all(rule in model["rule"] or rule.partition(".")[0] in model["category"] for rule in rules)


def test_the_rule_stays_out_of_the_json():
    (finding,) = DetectorSet.build(names=["number"]).run(make_context("It cost 5 dollars.", "It cost 6 dollars."))
    assert finding.rule == "number.changed"
    assert "rule" not in finding.to_dict()


# --- building and settings ---------------------------------------------------------------------

def test_detectors_are_built_once_with_their_params():
    detectors = DetectorSet.build({"number": NumberDetector.Params(count_reach=1)})
    assert detectors["number"].params.count_reach == 1
    with pytest.raises(ValueError, match="unknown detector"):
        DetectorSet.build({"numbers": NumberDetector.Params()})
    with pytest.raises(TypeError):
        DetectorSet.build({"number": ContentDetector.Params()})


def test_detector_settings_are_plain_sorted_json():
    settings = Auditor().detector_settings()
    assert list(settings) == sorted(DETECTORS)
    assert all(list(params) == sorted(params) for params in settings.values())
    assert settings["content"]["meaning_cosine"] == 0.85
    assert settings["number"]["severity"] == {}  # no rule fixed by hand: the fitted policy decides (see the signature)
    assert json.loads(json.dumps(settings)) == settings
