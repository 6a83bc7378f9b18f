"""Critical findings are strict evidence that a fact is falsified: the false-alarm classes seen on real
machine translation against an independent reference give no name, number or negation finding (or a
minor one), and the true error of the same shape is still critical. Hand-built inputs, no model."""

from __future__ import annotations

import pytest

from auditor.detect.negation import NegationDetector
from detect_context import outcomes

# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("They spent S$500 million on tourism.", "They spent SGD 500 million on tourism."),  # a one-letter token
        ("Nato troops arrived.", "NATO troops arrived."),  # an acronym and a word are one name or none
        ("The CNA office reported it.", "The China office reported it."),
        ("It rose, said the prices-Voxnewsdaily report.", "It rose, said the Voxnewsdaily report."),  # a word glued on by a hyphen
        ("A Multidimensional Forum was held.", "A Multi-Dimensional Forum was held."),
        ("He met Tao's team.", "He met Tao team."),  # a possessive
        ("The Taiwanese economy grew.", "The Taiwan economy grew."),  # a demonym or adjective of the name
        ("It was a Darwinian idea.", "It was a Darwin idea."),
        ("The EU agreed.", "The European Union agreed."),  # the classes, kept
        ("Then I'd like to go.", "Then I'll like to go."),
        ("Laughs from the crowd.", "Laughter from the crowd."),
        ("He works at Pixar Studios now.", "He works at Pixar Studio now."),
    ],
)
def test_a_word_that_is_no_respelled_name_gives_no_name_finding(cand, ref):
    assert outcomes(cand, ref, ["name"]) == []


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("Rescuers reached Kahramanmaras.", "Rescuers reached Kahramanmaraş."),  # diacritics only
        ("Lawyer Umar Khan spoke.", "Lawyer Omar Khan spoke."),  # the unwritten first vowel of an Arabic name
    ],
)
def test_a_romanisation_variant_is_a_minor_name_finding(cand, ref):
    ((category, severity, _, _),) = outcomes(cand, ref, ["name"])
    assert (category, severity) == ("name", "minor")


def test_a_spelling_the_reference_itself_uses_elsewhere_is_no_respelling():
    cand = "Lawyer Kofman spoke.\n\nLater Kofman left."
    assert outcomes(cand, "Lawyer Koffman spoke.\n\nLater Kofman left.", ["name"]) == []
    assert outcomes(cand, "Lawyer Koffman spoke.\n\nLater he left.", ["name"]) == [("name", "critical", "Kofman", "Koffman")]


@pytest.mark.parametrize(
    "wrong, right",
    [("Tabarov", "Tabalov"), ("Tabalav", "Tabalov"), ("Ebrahimi", "Ibrahimo"), ("Chinanewz", "Chinanews")],
)
def test_a_respelled_name_stays_critical(wrong, right):
    assert outcomes(f"Lawyer {wrong} spoke to reporters.", f"Lawyer {right} spoke to reporters.", ["name"]) == [
        ("name", "critical", wrong, right),
    ]


# --- negation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cand, ref",
    [
        # a "nor" that carries on a kept negation, rendered as "and" or "or"
        ("We don't know what they see, and you know what I mean.", "We don't know what they see, nor do you know what I mean."),
        ("He did not call or write.", "He neither called nor wrote."),
        ("Route No. 5 was closed.", "Route 5 was closed."),  # "No." abbreviating "number"
        # the classes, kept
        ("The sound was a little weak.", "The sound was not strong enough."),
        ("There can be no doubt that two stars merged.", "Undoubtedly, two stars merged."),
        ("He left, and the police cannot find him anywhere now.", "He left."),
    ],
)
def test_polarity_kept_is_no_negation_finding(cand, ref):
    assert outcomes(cand, ref, ["negation"]) == []


LONG = (
    "Life exists out there, and the stars do not belong to our past or to our future.",
    "Life may be out there, and the stars do not belong to our past and do not exist in our future.",
)


def test_the_negated_word_kept_only_in_another_clause_is_no_flip():
    assert outcomes(*LONG, ["negation"]) == []
    # it is the place rule that decides: reaching across the sentence finds "exists" and flags it
    ((category, severity, _, lost),) = outcomes(*LONG, ["negation"], params={"negation": NegationDetector.Params(place_words=40)})
    assert (category, severity, lost) == ("negation", "critical", "and do not exist in")


@pytest.mark.parametrize(
    "cand, ref, flipped",
    [
        ("The board, after a long debate on Monday, approved the plan.", "The board, after a long debate on Monday, did not approve the plan.", "did not approve"),
        ("He called or wrote.", "He neither called nor wrote.", "neither"),
        ("He won no prize.", "He won the prize.", "the"),
    ],
)
def test_a_flipped_polarity_stays_critical(cand, ref, flipped):
    ((category, severity, _, reference),) = outcomes(cand, ref, ["negation"])
    assert (category, severity, reference) == ("negation", "critical", flipped)


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cand, ref",
    [
        ("Two women were trapped, and rescuers saved the two women.", "Rescuers saved two women who were trapped."),  # stated twice
        ("It cost 2.5 million dollars.", "It cost 2,500,000 dollars."),  # a figure and its magnitude word are one
        ("Two hundred thousand people came.", "200,000 people came."),
        ("An estimate of 4 to 6 million visitors.", "An estimate of 4 million to 6 million visitors."),  # a range
        ("The sounds were loud for years.", "The sound was loud for a year."),  # the classes, kept
        ("Two black holes are approaching each other.", "Both black holes are approaching each other."),
        ("The men left early. Ten of them came back.", "The 10 men left early. Some of them came back."),
    ],
)
def test_the_same_figure_is_no_number_finding(cand, ref):
    assert outcomes(cand, ref, ["number"]) == []


@pytest.mark.parametrize(
    "cand, ref, expected",
    [
        ("He paid 4 dollars.", "He paid 3 dollars.", ("4", "3")),
        ("It began two billion years ago.", "It began a billion years ago.", ("two billion", "billion")),
        ("It cost 2.5 million dollars.", "It cost 3,500,000 dollars.", ("2.5 million", "3,500,000")),
        ("Three men and four women came.", "Three men and three women came.", ("four", "three")),
    ],
)
def test_a_changed_figure_stays_critical(cand, ref, expected):
    assert outcomes(cand, ref, ["number"]) == [("number", "critical", *expected)]


def test_a_magnitude_added_to_a_range_changes_both_ends():
    assert outcomes("He expects 4 to 6 million visitors.", "He expects 4 to 6 visitors.", ["number"]) == [
        ("number", "critical", "4", "4"),  # 4 million for 4: the span is the figure, the message names the magnitude
        ("number", "critical", "6 million", "6"),
    ]
