"""`garble`: damage a reader sees without any reference, checked on every candidate sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from auditor.detect.base import Context, Detector, Explained, Proposal
from auditor.detect.evidence import zipf
from auditor.pipeline.diff import Hunk
from auditor.pipeline.tokens import STOPWORDS, Token
from auditor.pipeline.segment import Sentence

_STRAY_STOP = re.compile(r"[.!?][\"”’]?\s+[.!?](?=\s|$)")
_BROKEN_POSSESSIVE = re.compile(r"\b(?:of|the|a|an|to|in|for|and|or|with|from|by)['’]s\b", re.IGNORECASE)
_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_PREFIXES = frozenset("under over out up down with in on off by after for back through".split())
# A short sentence that is complete on its own: it opens with a subject pronoun, holds a contracted
# verb, or is a conventional formula, interjection or transcript note ("Thank you all.", "Laughter.").
_SUBJECTS = frozenset("i you we they he she it this that there these those who what here".split())
_FORMULAS = frozenset(
    "thank thanks yes yeah no okay ok hello hi goodbye bye wow oh ah well right sure exactly indeed absolutely "
    "please sorry congratulations cheers welcome amen laughter applause music cheering laughs".split()
)
_CONTRACTED_VERB = re.compile(r"['’](?:s|re|m|ve|ll|d)$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$|[\"”’')\]]$")
# A full stop after a figure, then a lowercase word: Punkt reads "in 2019. the contract." as an ordinal
# ("5. Mai") and keeps one sentence, so a fragment left there is looked for inside the sentence.
_AFTER_FIGURE = re.compile(r"(?<=\d[.!?])\s+(?=[a-z])")


class GarbleDetector(Detector):
    """Fragments, sentences starting mid-clause or cut off, stray stops, merged and doubled words."""

    name = "garble"
    rules = (
        "garble.fragment", "garble.mid_clause", "garble.cut_off", "garble.stray_stop", "garble.broken_possessive",
        "garble.doubled", "garble.merged",
    )

    @dataclass(frozen=True)
    class Params:
        # Chosen with the first detectors, to cover seed 000's broken-off pieces ("rice field.", "Told."):
        # a "sentence" of at most this many words that does not start its paragraph is a fragment.
        max_fragment_words: int = 3
        # Chosen likewise: both halves of a merged word must be among this many most frequent words of the
        # model tokenizer's vocabulary, so "Ukrainenow" splits and compounds of rare words do not.
        common_rank: int = 12000
        min_merged_length: int = 5  # chosen: shorter words the vocabulary lacks are left alone

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        beads = context.alignment.beads
        for s in context.cand_sents:
            k = context.entry_of_candidate.get(s.index)
            if k is not None and beads[k].aligned and s.text in {context.ref_sents[j].text for j in beads[k].reference}:
                continue  # the reference has the same text: not damage done by the translation
            for (start, end), rule, why in self._problems(s, context, explained):
                yield context.propose(rule, why, (start, end), None, k)

    def _problems(self, s: Sentence, context: Context, explained: Explained) -> Iterable[tuple[tuple[int, int], str, str]]:
        """What is broken in one sentence; a cut-off another detector already reported (explained) is left to it."""
        words = [t for t in context.candidate_tokens[s.index] if t.is_word]
        first_in_paragraph = s.index == 0 or context.cand_sents[s.index - 1].paragraph != s.paragraph
        last_in_paragraph = s.index + 1 == len(context.cand_sents) or context.cand_sents[s.index + 1].paragraph != s.paragraph
        whole = (s.start, s.end)
        if s.continues:
            pass  # the segmenter cut this piece off an over-long sentence: its start is no damage
        elif not first_in_paragraph and self._fragment(words, s.text):
            yield whole, "garble.fragment", _dangling(s.text, words)
        elif s.text[:1].islower():
            yield whole, "garble.mid_clause", "The sentence starts mid-clause: a piece broken off the sentence before it."
        if words and last_in_paragraph and not first_in_paragraph and words[-1].key not in explained and (s.text.endswith(":") or (words[-1].norm in STOPWORDS and not _TERMINAL.search(s.text))):
            yield whole, "garble.cut_off", "The sentence is cut off: it ends where its clause or quotation should go on."
        breaks = list(_AFTER_FIGURE.finditer(s.text))
        tail = [w for w in words if breaks and w.start >= s.start + breaks[-1].end()]
        if tail and tail != words and _TERMINAL.search(s.text) and self._fragment(tail, s.text[breaks[-1].end() :]):
            yield (tail[0].start, s.end), "garble.fragment", _dangling(s.text[breaks[-1].end() :], tail)
        for pattern, rule, why in (
            (_STRAY_STOP, "garble.stray_stop", "Stray punctuation: a full stop standing on its own."),
            (_BROKEN_POSSESSIVE, "garble.broken_possessive", "Broken grammar: a possessive on a function word."),
            (_DOUBLED, "garble.doubled", "A word is doubled."),
        ):
            for m in pattern.finditer(s.text):
                yield (s.start + m.start(), s.start + m.end()), rule, why
        for token in words:
            if token.key in explained:
                continue  # a glued word the reference proves (GluedDetector) is one finding, not two
            halves = self._merged(token.text, context.vocabulary)
            if halves:
                yield (token.start, token.end), "garble.merged", f"Merged words: '{token.text}' reads as '{halves[0]} {halves[1]}'."

    def _fragment(self, words: list[Token], text: str) -> bool:
        """A piece of at most `max_fragment_words` words that is not a complete short sentence."""
        return bool(words) and len(words) <= self.params.max_fragment_words and not _complete(words, text)

    def _merged(self, word: str, vocabulary: dict[str, int]) -> tuple[str, str] | None:
        """Split a word the vocabulary lacks into a frequent word and a function word ('Ukrainenow' → 'Ukraine now').

        Two content words are left alone: English compounds ('billboards', 'underestimate') look the same.
        """
        lower = word.casefold()
        if len(word) < self.params.min_merged_length or not word.isalpha() or lower in vocabulary:
            return None
        for cut in range(2, len(word) - 1):
            left, right = lower[:cut], lower[cut:]
            if vocabulary.get(left, 10**9) >= self.params.common_rank or vocabulary.get(right, 10**9) >= self.params.common_rank:
                continue
            if (right in STOPWORDS and len(left) >= 3) or (left in STOPWORDS and left not in _PREFIXES and len(right) >= 3):
                return word[:cut], word[cut:]
        return None


def _dangling(text: str, words: list[Token]) -> str:
    return f"Dangling fragment '{text}': {len(words)} word{'s' if len(words) > 1 else ''} left standing as a sentence."


def _complete(words: list[Token], text: str) -> bool:
    """A short sentence that stands on its own: a question or exclamation, a subject and its verb, a formula."""
    first = words[0].norm
    return (
        text.rstrip("\"”’') ").endswith(("?", "!"))
        or first in _FORMULAS
        or (first in _SUBJECTS and len(words) >= 2)
        or any(_CONTRACTED_VERB.search(w.text) for w in words)
    )


class GluedDetector(Detector):
    """Adjacent reference words written as one candidate word ('Ukraine now' / 'Ukrainenow').

    The reference proves the split, so two content words glued count too, which the reference-free
    check must leave alone (compounds look the same). It runs before the name, number and content
    detectors and explains the words, which they would otherwise read as a different name, a lost
    figure ('twodays') or a reworded phrase: one error, one finding. A glued word English uses
    ('cannot', 'everyday', 'healthcare': wordfreq lists it) is a spelling, not damage; so is a name
    whose every part is capitalised ('Fang Fang' / 'Fangfang': a romanisation of one given name).
    """

    name = "glued"
    rules = ("garble.merged",)

    @dataclass(frozen=True)
    class Params:
        max_parts: int = 3  # chosen: "a lot of" as "alotof"; longer runs are not a missing space

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for bead, diff in context.diffs.items():
            for hunk in diff.hunks:
                for token, parts in self._glued(hunk, context.ref_text, explained):
                    words = context.ref_text[parts[0].start : parts[-1].end]
                    yield context.propose(
                        "garble.merged", f"Merged words: '{token.text}' is the reference's '{words}' run together.",
                        (token.start, token.end), (parts[0].start, parts[-1].end), bead, [token, *parts],
                    )

    def _glued(self, hunk: Hunk, ref_text: str, explained: Explained) -> Iterable[tuple[Token, tuple[Token, ...]]]:
        """Each candidate word of the hunk that is a run of adjacent reference words of the hunk, spaces removed."""
        ref, longest = [t for t in hunk.ref if t.is_word], self.params.max_parts
        for token in hunk.cand:
            if not token.is_word or token.key in explained or zipf(token.norm) > 0:
                continue
            runs = (tuple(ref[j : j + n]) for j in range(len(ref)) for n in range(2, longest + 1) if j + n <= len(ref))
            run = next((r for r in runs if _spelled_together(r, token, ref_text)), None)
            if run is not None:
                yield token, run


def _spelled_together(parts: tuple[Token, ...], token: Token, ref_text: str) -> bool:
    """Whether `parts` are consecutive words (spaces or punctuation between: 'Ukraine, now') that spell
    `token` when joined, case and quotes aside."""
    return (
        not all(t.text[:1].isupper() for t in parts)
        and not any(ch.isalnum() for a, b in zip(parts, parts[1:]) for ch in ref_text[a.end : b.start])
        and "".join(t.norm for t in parts) == token.norm
    )
