"""The numbers a severity policy decides on: a proposal's own evidence plus what the comparison
says around it, computed at decision time so the detectors need not know what a policy reads.

Every feature has a default, so a policy fitted before a detector reported some evidence key (or
after) evaluates the same way: a feature that was constant in the training data weighs nothing.
"""

from __future__ import annotations

import math
import re
from typing import Mapping

from auditor.detect.base import Context, Proposal

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")

# Evidence keys a detector may report, with the value that stands in when it does not.
EVIDENCE_DEFAULTS: Mapping[str, float] = {
    "cosine": 1.0,  # the sentence with the reference words put back, against the candidate sentence
    "embedding_shift": 0.0,  # how far the sentence's embedding moves when the hunk is reverted
    "content_words_changed": 0.0,
    "min_word_zipf": 4.0,  # how common the rarest changed word is (Zipf scale)
    "name_edit_similarity": 0.0,  # spelling similarity of a respelled name to the reference's
}

# Computed from the context, in this order, then the evidence keys above.
CONTEXT_FEATURES = (
    "aligned",  # 1 when the finding sits in a pair of aligned sentences
    "similarity",  # the aligned pair's cosine similarity (0 when unaligned)
    "sentence_words",  # log(1 + words of the candidate sentences around the finding)
    "span_words",  # log(1 + words of the candidate text)
    "reference_words",  # log(1 + words of the reference text)
    "changed_share",  # words changed on the larger side over the words of the sentence
    "rarity",  # log rank of the least common changed word in the model's vocabulary (unknown: rarest)
    "pair_changed_share",  # share of the aligned pair's words (both sides) inside some diff hunk
    "pair_hunks",  # log(1 + hunks of the aligned pair's diff)
    "length_ratio",  # |log(candidate words / reference words)| of the aligned pair
    "rest_changed",  # share of the pair's words changed outside this finding's own words: 0 in an exact copy but for it
    # The same change means more in a pair that otherwise reads the same: each family's own slope.
    "fact_pair_changed",  # pair_changed_share for name, number and negation findings, else 0
    "garble_pair_changed",  # ... for garble findings
    "content_pair_changed",  # ... for meaning, wording, omission and addition findings
)
_FAMILY = {"name": "fact", "number": "fact", "negation": "fact", "garble": "garble",
           "meaning": "content", "wording": "content", "omission": "content", "addition": "content"}
FEATURES: tuple[str, ...] = CONTEXT_FEATURES + tuple(EVIDENCE_DEFAULTS)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _pair_change(context: Context, entry: int) -> tuple[float, float, float, int]:
    """How much of an aligned pair the word diff changed: share of words, hunks, length ratio."""
    diff = context.diffs.get(entry)
    if diff is None:
        return 0.0, 0.0, 0.0, 0
    cand = sum(t.is_word for t in diff.cand)
    ref = sum(t.is_word for t in diff.ref)
    touched = sum(t.is_word for h in diff.hunks for t in (*h.cand, *h.ref))
    return touched / max(cand + ref, 1), math.log1p(len(diff.hunks)), abs(math.log((cand + 1) / (ref + 1))), cand + ref


def proposal_features(proposal: Proposal, context: Context | None) -> dict[str, float]:
    """Every feature of `proposal` by name; without a context only the evidence keys and the
    texts' own lengths are known (the others take their unaligned values)."""
    cand_words, ref_words = _words(proposal.candidate_text), _words(proposal.reference_text)
    sentence, similarity, aligned = max(len(cand_words), len(ref_words)), 0.0, 0.0
    rarity = changed = hunks = ratio = 0.0
    total = 0
    if context is not None:
        bead = context.alignment.beads[proposal.alignment] if proposal.alignment is not None else None
        if bead is not None and bead.aligned:
            aligned, similarity = 1.0, float(bead.similarity or 0.0)
            sentence = sum(len(_words(context.cand_sents[i].text)) for i in bead.candidate)
            changed, hunks, ratio, total = _pair_change(context, proposal.alignment)
        elif bead is not None and bead.candidate:
            sentence = sum(len(_words(context.cand_sents[i].text)) for i in bead.candidate)
        unknown = len(context.vocabulary) + 1
        ranks = [context.vocabulary.get(w.casefold(), unknown) for w in cand_words + ref_words]
        rarity = math.log1p(max(ranks)) if ranks else 0.0
    features = {
        "aligned": aligned,
        "similarity": similarity,
        "sentence_words": math.log1p(sentence),
        "span_words": math.log1p(len(cand_words)),
        "reference_words": math.log1p(len(ref_words)),
        "changed_share": min(1.0, max(len(cand_words), len(ref_words)) / max(sentence, 1)),
        "rarity": rarity,
        "pair_changed_share": changed,
        "pair_hunks": hunks,
        "length_ratio": ratio,
        "rest_changed": max(0.0, changed - (len(cand_words) + len(ref_words)) / max(total, 1)) if total else 0.0,
    }
    family = _FAMILY.get(str(proposal.category))
    for name in ("fact", "garble", "content"):
        features[f"{name}_pair_changed"] = changed if family == name else 0.0
    for key, default in EVIDENCE_DEFAULTS.items():
        value = proposal.evidence.get(key, default)
        features[key] = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else default
    return features
