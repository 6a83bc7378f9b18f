"""Which language each document is in: a candidate and a reference in different languages cannot
be compared word by word, and aligning them anyway floods the report with nonsense.

py3langid (a maintained fork of langid.py; its model ships inside the package, no pickle) names
the language. It is asked only about documents long enough to judge, and a mismatch is reported
only when it is sure of both: short or garbled text never gets a false alarm.
"""

from __future__ import annotations

from functools import lru_cache

from auditor.errors import InputError

MIN_LETTERS = 200  # shorter documents are not judged
MIN_CONFIDENCE = 0.99
SAMPLE_CHARS = 20_000  # the opening of a document says its language; the rest costs time
_NO_LANGUAGE = frozenset({"zxx", "und"})  # "no linguistic content", "undetermined"


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> str | None:
    """The ISO 639 code of the language of `text`, or None when it is too short or unclear to say."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE and language not in _NO_LANGUAGE else None


def check_same_language(candidate: str, candidate_label: str, reference: str, reference_label: str) -> None:
    """Refuse two documents that are surely in different languages."""
    cand = identify(candidate)
    ref = identify(reference) if cand else None
    if cand and ref and cand != ref:
        raise InputError(
            f"{candidate_label} is in language '{cand}' but {reference_label} is in '{ref}': "
            "audit compares two texts in the same language"
        )
