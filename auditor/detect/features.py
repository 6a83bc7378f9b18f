"""What the fitted severity policy reads: how an aligned pair as a whole looks, not one hunk alone.

Professional reviewers of real translations judge a sentence, and a word-level change (a synonym, a
moved phrase, a number written out) is an error in one pair and a fine paraphrase in the next. What
tells them apart is the rest of the pair: how many of the rules fired there and how severe they
are, how close the two sentences' meanings are, how long it is, how much of it changed. Measured on
the MQM dev set, these pair features rank segments by the reviewers' judgement far better than any
one proposal's own evidence (benchmarks/fit_policy.py prints the out-of-fold figures).

All features come from the comparison itself (the alignment, the word diff, the rule table's
severities of the pair's proposals), so they cost nothing beyond what the detectors already built.
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Mapping

from auditor.detect.base import Context, Proposal

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
RULE_POINTS = (0.0, 1.0, 5.0, 25.0)  # none, minor, major, critical: MQM's weights, critical as 25 like the score

# The pair features, in the policy file's order, and what each measures.
PAIR_FEATURES: Mapping[str, str] = {
    "rule_points": "log(1 + the rule-table points of the pair's proposals: minor 1, major 5, critical 25)",
    "worst_rule": "the highest rule-table severity among the pair's proposals (0 none, 1 minor, 2 major, 3 critical)",
    "similarity": "the aligned pair's cosine similarity",
    "length_ratio": "the absolute log of candidate words over reference words in the pair",
    "words": "log(1 + words of the pair's candidate sentences)",
    "changed_share": "share of the pair's words (both sides) inside some diff hunk",
    "hunks": "log(1 + hunks of the pair's word diff)",
}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _diff_counts(context: Context, entry: int) -> tuple[int, int, int, int]:
    """Words of the pair on each side, words inside hunks, and hunks."""
    diff = context.diffs.get(entry)
    if diff is None:
        return 0, 0, 0, 0
    cand = sum(t.is_word for t in diff.cand)
    ref = sum(t.is_word for t in diff.ref)
    touched = sum(t.is_word for h in diff.hunks for t in (*h.cand, *h.ref))
    return cand, ref, touched, len(diff.hunks)


def pair_features(context: Context, entry: int, levels: Iterable[int]) -> dict[str, float]:
    """The PAIR_FEATURES of aligned entry `entry`, whose proposals have the rule-table `levels`."""
    levels = list(levels)
    bead = context.alignment.beads[entry]
    cand, ref, touched, hunks = _diff_counts(context, entry)
    cand_words = sum(context.cand_sents[i].words for i in bead.candidate)
    ref_words = sum(context.ref_sents[i].words for i in bead.reference)
    return {
        "rule_points": math.log1p(sum(RULE_POINTS[level] for level in levels)),
        "worst_rule": float(max(levels, default=0)),
        "similarity": float(bead.similarity or 0.0),
        "length_ratio": abs(math.log((cand_words + 1) / (ref_words + 1))),
        "words": math.log1p(cand_words),
        "changed_share": touched / max(cand + ref, 1),
        "hunks": math.log1p(hunks),
    }


def rest_changed(proposal: Proposal, context: Context) -> float:
    """Share of the proposal's aligned pair changed outside its own words: 0.0 where the pair is an
    exact copy but for this one change (a planted error, or an edit of a clean text)."""
    if proposal.alignment is None or proposal.alignment not in context.diffs:
        return 1.0
    cand, ref, touched, _ = _diff_counts(context, proposal.alignment)
    own = len(words(proposal.candidate_text)) + len(words(proposal.reference_text))
    return max(0.0, (touched - own) / max(cand + ref, 1))
