"""The evidence every proposal carries for the severity policy: one documented, stable set of keys.

A detector adds its own measurements (a name's spelling similarity, a number's values); the runner
then adds the shared features below to every proposal (`shared_features`), so a fitted policy can
read the same keys whatever rule fired. Keys are only ever added, never renamed. All are cheap:
word frequencies come from `wordfreq`'s tables, and the one re-embedding per proposal goes through
the run's encoder, whose cache keeps reruns free.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from wordfreq import zipf_frequency

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
NO_WORDS_ZIPF = 8.0  # above any real word: "nothing rare here"


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is, on the Zipf scale (log10 per billion words); 0 when unknown."""
    return zipf_frequency(word.replace("’", "'"), "en")


def min_zipf(words: Iterable[str]) -> float:
    return min((zipf(w) for w in words), default=NO_WORDS_ZIPF)
