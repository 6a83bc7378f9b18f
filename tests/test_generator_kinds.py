"""The detector fixes the generator's corruption kinds needed, on hand-built contexts (no model):
glued words, fragments Punkt keeps inside a sentence, true synonyms for function words, dropped phrases."""

from __future__ import annotations

import pytest

from detect_context import make_context, outcomes


# --- glued words: one finding, the garble one -------------------------------------------------------

@pytest.mark.parametrize(
    "cand, ref, glued, words",
    [
        ("Investigators have not yet said why the train left the tracksnear Bologna.", "Investigators have not yet said why the train left the tracks near Bologna.", "tracksnear", "tracks near"),
        ("Lawmakers passed the bill after a debate that lasted twodays.", "Lawmakers passed the bill after a debate that lasted two days.", "twodays", "two days"),
        ("Invasion of Ukrainenow approaching, the Kremlin waits.", "Invasion of Ukraine, now approaching, the Kremlin waits.", "Ukrainenow", "Ukraine, now"),
        ("Anna Kowalskiwon the regional election.", "Anna Kowalski won the regional election.", "Kowalskiwon", "Kowalski won"),
    ],
)
def test_two_reference_words_run_together_are_one_minor_garble_finding(cand, ref, glued, words):
    # every detector runs: no lost number ('two'), changed name or reworded phrase beside it
    assert outcomes(cand, ref) == [("garble", "minor", glued, words)]


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("We cannot stay in the city for long.", "We can not stay in the city for long."),  # a word English uses
        ("Fangfang spoke to the farmers in the city.", "Fang Fang spoke to the farmers in the city."),  # a name's romanisation
    ],
)
def test_a_word_english_uses_or_a_name_written_as_one_is_not_glued(cand, ref):
    assert outcomes(cand, ref, ["glued", "garble"]) == []


# --- a fragment after a figure's full stop ----------------------------------------------------------

def test_a_fragment_punkt_keeps_after_a_year_is_a_major_garble():
    cand = "Prosecutors said he had moved the money to Cyprus in 2019. the contract. The farmers waited."
    ref = "Prosecutors said he had moved the money to Cyprus in 2019. The farmers waited."
    assert len(make_context(cand, ref).cand_sents) == 2  # the segmenter reads "2019. the" as one sentence
    assert outcomes(cand, ref, ["garble"], beads=[((0,), (0,)), ((1,), (1,))]) == [("garble", "major", "the contract.", "")]


def test_a_sentence_that_goes_on_after_a_year_is_no_fragment():
    text = "The plant opened in 2019. it employs about two hundred people from the town today."
    assert outcomes(text, "The plant opened in 2019. The farmers waited.", ["garble"], beads=[((0,), (0, 1))]) == []


# --- a content word for a function word: a rewording ------------------------------------------------

def test_said_replaced_by_a_true_synonym_is_minor_wording():
    cand = "Officials in the capital city stated the new railway line would carry many passengers every year."
    ref = "Officials in the capital city said the new railway line would carry many passengers every year."
    assert outcomes(cand, ref) == [("wording", "minor", "stated", "said")]


def test_a_content_word_for_a_function_word_that_moves_the_meaning_stays_a_minor_addition():
    assert outcomes("Rain fell.", "It fell.", ["content"]) == [("addition", "minor", "Rain", "It")]


# --- a dropped phrase ---------------------------------------------------------------------------

MINERS = "Rescue teams worked through the night to reach the miners trapped underground"


def test_a_whole_phrase_dropped_from_a_matching_pair_is_a_major_omission():
    assert outcomes(f"{MINERS}.", f"{MINERS} in northern Chile.") == [("omission", "major", "", "in northern Chile")]
    assert outcomes(f"{MINERS}, rescuers said.", f"{MINERS}, according to local people, rescuers said.", ["content"]) == [
        ("omission", "major", "", "according to local people,"),
    ]


@pytest.mark.parametrize(
    "cand, ref, dropped",
    [
        (f"{MINERS}.", f"{MINERS} in the future.", "in the future"),  # one content word: as often implied as lost
        (f"{MINERS}.", f"{MINERS} in Chile.", "in Chile"),  # two words: no phrase of its own
        (f"{MINERS} then.", f"{MINERS} in northern Chile then.", "in northern Chile"),  # not closed by a clause break
    ],
)
def test_less_than_a_whole_phrase_of_two_content_words_is_a_minor_detail(cand, ref, dropped):
    assert outcomes(cand, ref, ["content"]) == [("omission", "minor", "", dropped)]


def test_a_phrase_dropped_from_a_pair_that_differs_elsewhere_is_a_minor_detail():
    cand = MINERS.replace("teams", "crews")
    found = outcomes(f"{cand}.", f"{MINERS} in northern Chile.", ["content"])
    assert ("omission", "minor", "", "in northern Chile") in found


def test_a_dropped_sentence_inside_a_group_is_no_phrase():
    found = outcomes("Thank you.", "Thank you. Thank you, friends.", ["content"], beads=[((0,), (0, 1))])
    assert found == [("omission", "minor", "", "Thank you, friends.")]


def test_a_dropped_clause_with_a_modal_is_an_omission_not_a_modality_change():
    found = outcomes("The bridge was closed.", "The bridge was closed, and it will stay shut to traffic for months.", ["content"])
    assert found == [("omission", "major", "", ", and it will stay shut to traffic for months")]
