"""The evidence every proposal carries for the severity policy: one documented, stable set of keys.

A detector adds its own measurements (a name's spelling similarity, a number's values); the runner
then adds the shared features below to every proposal (`shared_features`), so a fitted policy can
read the same keys whatever rule fired. Keys are only ever added, never renamed. All are cheap:
word frequencies come from `wordfreq`'s tables, and the one re-embedding per proposal goes through
the run's encoder, whose cache keeps reruns free.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from wordfreq import zipf_frequency

from auditor.pipeline.diff import STOPWORDS

if TYPE_CHECKING:
    from auditor.detect.base import Context, Proposal

# The shared features, by key, and what each one measures. Every proposal has every key; a feature
# that does not apply is 0.0 (a flag) or its neutral value, as stated.
FEATURES: dict[str, str] = {
    "in_aligned_pair": "1.0 when the finding sits in an aligned group (it was compared with a reference), else 0.0",
    "aligned_similarity": "cosine similarity of the aligned group's candidate and reference sentences (0.0 when unaligned)",
    "sentence_words": "words in the candidate sentence(s) the finding touches (reference sentence when it has no candidate span)",
    "candidate_words": "words in the finding's candidate text",
    "reference_words": "words in the finding's reference text",
    "content_words_changed": "content (non-function) words in the candidate and reference texts together",
    "min_word_zipf": "wordfreq Zipf frequency of the rarest word of the finding's texts (0: unknown word, 7: 'the'; 8.0 when no words)",
    "embedding_shift": "1 - cosine of the candidate sentence and the same sentence with the finding's candidate text replaced by its reference text (0.0 without both)",
    "occurrences": "how many places in the candidate the one finding covers (a misspelling repeated: all of them)",
}
_WORD = re.compile(r"\w+(?:['’]\w+)*")
NO_WORDS_ZIPF = 8.0  # above any real word: "nothing rare here"


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is, on the Zipf scale (log10 per billion words); 0 when unknown."""
    return zipf_frequency(word.replace("’", "'"), "en")


def min_zipf(words: Iterable[str]) -> float:
    return min((zipf(w) for w in words), default=NO_WORDS_ZIPF)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _touched(context: "Context", proposal: "Proposal") -> tuple[int, int] | None:
    """The candidate sentences the proposal's candidate span touches, as one (start, end)."""
    span = proposal.candidate_span
    if span is None:
        return None
    around = [s for s in context.cand_sents if s.end >= span.start and s.start <= span.end]
    return (around[0].start, around[-1].end) if around else None


def shared_features(context: "Context", proposals: list["Proposal"]) -> list["Proposal"]:
    """Every proposal with the FEATURES added to its evidence (a detector's own keys win)."""
    pending: list[tuple[int, str, str]] = []
    rows = []
    for k, p in enumerate(proposals):
        bead = context.alignment.beads[p.alignment] if p.alignment is not None else None
        aligned = bead is not None and bead.aligned
        cand_words, ref_words = _words(p.candidate_text), _words(p.reference_text)
        around = _touched(context, p)
        if around is not None:
            sentence = context.cand_text[around[0] : around[1]]
        elif p.reference_span is not None:
            sentence = next((s.text for s in context.ref_sents if s.start <= p.reference_span.start <= s.end), p.reference_text)
        else:
            sentence = ""
        features = {
            "in_aligned_pair": float(aligned),
            "aligned_similarity": float(bead.similarity or 0.0) if aligned else 0.0,
            "sentence_words": float(len(_words(sentence))),
            "candidate_words": float(len(cand_words)),
            "reference_words": float(len(ref_words)),
            "content_words_changed": float(sum(w not in STOPWORDS for w in cand_words + ref_words)),
            "min_word_zipf": min_zipf(cand_words + ref_words),
            "embedding_shift": 0.0,
            "occurrences": float(max(len(p.occurrences), 1 if p.candidate_span is not None else 0)),
        }
        rows.append(features)
        if aligned and around is not None and p.candidate_span is not None:
            span = p.candidate_span
            reverted = context.cand_text[around[0] : span.start] + p.reference_text + context.cand_text[span.end : around[1]]
            if reverted != sentence:
                pending.append((k, sentence, reverted))
    if pending:
        vectors = context.encode([t for _, original, reverted in pending for t in (original, reverted)])
        for n, (k, _, _) in enumerate(pending):
            rows[k]["embedding_shift"] = max(0.0, 1.0 - float(vectors[2 * n] @ vectors[2 * n + 1]))
    return [replace(p, evidence={**features, **p.evidence}) for p, features in zip(proposals, rows)]
