"""Each detector alone, on hand-built contexts (real segmenter and diff, no model): exact outcomes."""

from __future__ import annotations

import json
import math

import pytest

from auditor.api import Auditor
from auditor.detect import DETECTORS, DetectorSet, SeverityPolicy
from auditor.detect.features import pair_features, rest_changed
from auditor.detect.content import ContentDetector
from auditor.detect.glossary import GlossaryEntry
from auditor.detect.numbers import NumberDetector, value
from auditor.detect.policy import DEFAULT_SEVERITIES
from auditor.detect.terminology import TerminologyDetector
from auditor.pipeline.tokens import Token
from detect_context import make_context, outcomes

AMNESTY = GlossaryEntry("amnesty", required=("amnesty",), forbidden=("pardon",))
PARDON = ("They were offered a pardon.", "They were offered an amnesty.")


# --- names -------------------------------------------------------------------------------------

def test_a_respelled_name_is_critical():
    assert outcomes("Lawyer Tabarov spoke to reporters.", "Lawyer Tabalov spoke to reporters.", ["name"]) == [
        ("name", "critical", "Tabarov", "Tabalov"),
    ]


def test_a_misspelling_is_one_finding_listing_every_place_it_occurs():
    cand, ref = "Lawyer Tabarov spoke.\n\nLater Tabarov left.", "Lawyer Tabalov spoke.\n\nLater he left."
    (finding,) = DetectorSet.build(names=["name"]).run(make_context(cand, ref))
    assert (finding.severity, finding.candidate_text, finding.reference_text) == ("critical", "Tabarov", "Tabalov")
    second = cand.rindex("Tabarov")
    assert finding.to_dict()["occurrences"] == [{"start": 7, "end": 14}, {"start": second, "end": second + 7}]
    assert "offset" not in finding.message and "2 times" in finding.message


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("Laughs from the crowd.", "Laughter from the crowd."),  # inflections of one word
        ("He works at Pixar Studios now.", "He works at Pixar Studio now."),
        ("Then I'd like to go there.", "Then I'll like to go there."),  # contractions
        ("He said That's fine.", "He said Thats fine."),
        ("The Avenue was closed.", "The Avenues was closed."),
    ],
)
def test_ordinary_words_contractions_and_inflections_are_not_names(cand, ref):
    assert outcomes(cand, ref, ["name"]) == []


def test_a_lowercase_word_is_not_a_recurrence_of_a_capitalised_misspelling():
    found = outcomes("Mr Acount spoke.\n\nThe acount was closed.", "Mr Account spoke.\n\nThe account was closed.", ["name"])
    assert found == [("name", "critical", "Acount", "Account")]


def test_a_romanisation_variant_is_minor():
    assert outcomes("Lawyer Alexey Tabalov spoke.", "Lawyer Alexei Tabalov spoke.", ["name"]) == [("name", "minor", "Alexey", "Alexei")]


def test_a_rare_name_spelled_two_ways_is_major_without_a_reference_difference():
    text = "Garmazapova spoke. Later Garmazhapova left. Garmazhapova smiled."
    assert outcomes(text, text, ["name"]) == [("name", "major", "Garmazapova", "")]


def test_of_two_spellings_the_one_the_reference_does_not_use_is_flagged_even_in_the_majority():
    cand = "Garmazapova spoke. Later Garmazapova left. Garmazhapova smiled."
    ref = "Garmazhapova spoke to reporters. She left."
    (finding,) = DetectorSet.build(names=["name"]).run(make_context(cand, ref, beads=[((2,), (0,)), ((0,), ()), ((1,), ()), ((), (1,))]))
    assert (finding.rule, finding.candidate_text) == ("name.two_spellings", "Garmazapova")
    assert len(finding.occurrences) == 2 and "the reference spells it 'Garmazhapova'" in finding.message


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


def test_grammatical_number_is_not_a_changed_number():
    assert outcomes("Police arrested several suspect.", "Police arrested several suspects.", ["number"]) == []
    assert "number.plural" not in DEFAULT_SEVERITIES


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("Two black holes are approaching each other.", "Both black holes are approaching each other."),
        ("The 2 men left early.", "The two men left early."),
        ("The men left early. Ten of them came back.", "The 10 men left early. Some of them came back."),
    ],
)
def test_a_figure_written_differently_implied_or_moved_is_the_same_figure(cand, ref):
    assert outcomes(cand, ref, ["number"]) == []


# --- negation ----------------------------------------------------------------------------------

def test_a_lost_negation_is_critical_and_shows_the_flipped_phrase():
    assert outcomes("The plan was approved.", "The plan was not approved.", ["negation"]) == [
        ("negation", "critical", "plan was approved", "not"),
    ]


def test_an_added_negation_is_critical():
    assert outcomes("The plan was never approved.", "The plan was approved.", ["negation"]) == [
        ("negation", "critical", "plan was never approved", "The plan was approved."),
    ]


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("The sound was a little weak.", "The sound was not strong enough."),  # the negated word itself replaced
        ("There can be no doubt that two stars merged.", "Undoubtedly, two stars merged."),  # a negative prefix
        ("The stars are so small that we can't hear them.", "The stars are too small for us to hear."),  # too ... to
        ("The market will not improve without help.", "The market will hardly improve."),  # a negative-polarity word
        ("He left, and the police cannot find him anywhere now.", "He left."),  # a whole clause added
    ],
)
def test_polarity_paraphrased_is_not_a_negation_flip(cand, ref):
    assert outcomes(cand, ref, ["negation"]) == []


def test_a_flip_is_found_when_the_negated_word_is_kept_in_another_inflection():
    assert outcomes("The men have not refused to fight.", "The men are refusing to fight.", ["negation"]) == [
        ("negation", "critical", "The men have not refused to fight", "are refusing"),
    ]


def test_a_flip_names_the_negated_word_the_reference_keeps():
    (found,) = DetectorSet.build(names=["negation"]).run(make_context("The plan was approved.", "The plan was not approved."))
    assert found.message == "Negation 'not' lost before 'approved': the candidate says the opposite of the reference."


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


@pytest.mark.parametrize(
    "cand, ref",
    [("I'll see you there.", "I will see you there."), ("We won't go.", "We will not go."), ("The EU agreed.", "The European Union agreed.")],
)
def test_a_contracted_modal_or_an_acronym_for_its_expansion_is_no_meaning_change(cand, ref):
    assert [f for f in outcomes(cand, ref, ["content"]) if f[0] == "meaning"] == []


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


@pytest.mark.parametrize("short", ["Thank you all.", "Laughter.", "It's called obsidian.", "We did it.", "Really?"])
def test_a_short_complete_sentence_is_not_a_fragment(short):
    cand = f"The aid arrived late. {short} The farmers waited for hours."
    assert outcomes(cand, "The aid arrived late. The farmers waited for hours.", ["garble"]) == []


def test_a_cut_off_sentence_is_one_finding():
    cand, ref = "The aid arrived late. He said the army used prisoners to", "The aid arrived late. He said the army used prisoners to fill the gaps."
    assert outcomes(cand, ref) == [("omission", "major", "He said the army used prisoners to", "fill the gaps.")]


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
    assert glossary.explained == {("candidate", pardon, pardon + 6), ("reference", amnesty, amnesty + 7)}  # the words, on each side
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

def test_a_custom_policy_decides_the_severity():
    cand, ref = "It cost 5 dollars.", "It cost 6 dollars."
    milder = SeverityPolicy().replaced({"number.changed": "minor"})
    assert outcomes(cand, ref, ["number"], policy=milder) == [("number", "minor", "5", "6")]
    assert outcomes(cand, ref, ["number"], policy=SeverityPolicy().replaced({"number.changed": None})) == []


def test_the_default_policy_covers_every_rule_of_every_detector():
    rules = {rule for cls in DETECTORS.values() for rule in cls.rules}
    assert rules == set(DEFAULT_SEVERITIES)


def test_a_policy_without_the_rule_refuses():
    with pytest.raises(KeyError, match="number.changed"):
        outcomes("It cost 5 dollars.", "It cost 6 dollars.", ["number"], policy=SeverityPolicy({}))


def test_the_fitted_policy_has_a_severity_for_every_rule_of_every_detector():
    table = SeverityPolicy.named("mqm-zhen").data["table"]
    assert {rule for cls in DETECTORS.values() for rule in cls.rules} == set(table)


def test_the_rule_stays_out_of_the_json():
    (finding,) = DetectorSet.build(names=["number"]).run(make_context("It cost 5 dollars.", "It cost 6 dollars."))
    assert finding.rule == "number.changed"
    assert "rule" not in finding.to_dict()


# --- building and settings ---------------------------------------------------------------------

def test_detectors_are_built_once_with_their_params():
    detectors = DetectorSet.build({"number": NumberDetector.Params(neighbours=0)})
    assert detectors["number"].params.neighbours == 0
    with pytest.raises(ValueError, match="unknown detector"):
        DetectorSet.build({"numbers": NumberDetector.Params()})
    with pytest.raises(TypeError):
        DetectorSet.build({"number": ContentDetector.Params()})


def test_detector_settings_are_plain_sorted_json():
    settings = Auditor().detector_settings()
    assert list(settings) == sorted(DETECTORS)
    assert all(list(params) == sorted(params) for params in settings.values())
    assert settings["content"]["meaning_cosine"] == 0.85
    assert settings["number"]["severity"]["number.changed"] == "critical"
    assert json.loads(json.dumps(settings)) == settings


# --- the pair features the fitted policy reads ----------------------------------------------------

def test_pair_features_describe_the_whole_aligned_pair_and_rest_changed_what_lies_outside_one_proposal():
    context = make_context("The man bought bread in Lian. It cost 5 dollars.", "The man stole bread in Lyon. It cost 6 dollars.")
    features = pair_features(context, 0, [2, 3])  # a major and a critical proposal in the first pair
    assert features == {
        "rule_points": math.log1p(30), "worst_rule": 3.0, "similarity": context.alignment.beads[0].similarity,
        "length_ratio": 0.0, "words": math.log1p(6), "changed_share": 4 / 12, "hunks": math.log1p(2),
    }
    proposals = {p.rule: p for p in DetectorSet().propose(context) if p.alignment == 0}
    assert rest_changed(proposals["name.respelled"], context) == 2 / 12  # bought/stole lies outside Lian/Lyon


def test_a_phrase_moved_within_its_sentence_is_one_minor_reordering_at_both_places():
    cand = "In the morning the farmers left the city with their families."
    ref = "The farmers left the city with their families in the morning."
    [finding] = DetectorSet.build(None, SeverityPolicy(), None).run(make_context(cand, ref))
    assert (finding.rule, str(finding.severity), finding.candidate_text, finding.reference_text) == (
        "wording.moved", "minor", "In the morning", "in the morning",
    )
    assert [(s.start, s.end) for s in finding.occurrences] == [(0, 14), (cand.index("."), cand.index("."))]


def test_a_moved_phrase_said_another_way_is_one_reordering_when_putting_both_back_keeps_the_meaning():
    cand = "In the days that followed, the farmers left the city."
    ref = "The farmers left the city over the following days."
    assert outcomes(cand, ref, policy=SeverityPolicy()) == [
        ("wording", "minor", "In the days that followed,", "over the following days"),
    ]


def test_a_clause_put_elsewhere_is_diffed_at_its_new_place_and_what_changed_in_it_is_reported():
    """The word diff moves the clause (auditor/pipeline/moves.py): the reordering itself is not
    reported (wording.reordered has no severity in the table), the words added inside it are."""
    cand = "According to the police in the capital, the farmers left the city."
    ref = "The farmers left the city, according to the police."
    proposals = DetectorSet().propose(make_context(cand, ref))
    assert [(p.rule, p.reference_text) for p in proposals if p.rule == "wording.reordered"] == [("wording.reordered", "according to the police")]
    assert outcomes(cand, ref, policy=SeverityPolicy()) == [("addition", "minor", "in the capital,", "")]


def test_one_word_shared_by_a_dropped_and_an_added_clause_is_not_a_move_of_either():
    cand = "She said the man was not among them, but he thought about it for years in prison."
    ref = "She said the man was not among them, although with years left on his sentence, he thought about it."
    found = outcomes(cand, ref, policy=SeverityPolicy())
    assert ("omission", "major", "but", "although with years left on his sentence,") in found
    assert not [f for f in found if f[0] == "wording" and "moved" in f[2]]


def test_an_intensifier_that_replaces_another_says_so():
    cand = "The plan may be highly unpopular with the farmers of the town."
    ref = "The plan may be very unpopular with the farmers of the town."
    [finding] = DetectorSet.build(None, SeverityPolicy(), None).run(make_context(cand, ref))
    assert (finding.rule, finding.message) == ("wording.hedge", "'very' became 'highly': one intensifier for another that keeps the meaning.")


def test_a_name_misspelled_in_two_sentences_is_one_finding_and_the_reference_spelling_is_not_lost():
    cand = "The lawyer Tabarov spoke first. Then Tabarov said it was over."
    ref = "The lawyer Tabalov spoke first. Then Tabalov said it was over."
    [finding] = DetectorSet.build(None, SeverityPolicy(), None).run(make_context(cand, ref))
    assert (finding.rule, str(finding.severity), finding.reference_text) == ("name.respelled", "critical", "Tabalov")
    assert [cand[s.start : s.end] for s in finding.occurrences] == ["Tabarov", "Tabarov"]
