"""Evidence several detectors share: how common an English word is.

A respelled name and two glued words both turn on whether a word is rare; wordfreq's tables answer
that without a model, in microseconds, cached per word.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is, on the Zipf scale (log10 per billion words); 0 when unknown."""
    return zipf_frequency(word.replace("’", "'"), "en")
