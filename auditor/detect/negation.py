"""`negation`: polarity flipped, a not / n't / never / no lost or added.

Counting negators is not enough: "There can be no doubt" says "Undoubtedly", "not strong enough"
says "a little weak". A changed negator flips the polarity only when what it negates is kept: the
word it governs (the first content word after it) stands on the other side too (any inflection),
and the other side carries no negative-polarity word of its own (hardly, lack, unable, too … to) nor
the negated word with a negative prefix ("undoubtedly"). A whole clause added or dropped that happens
to hold a "cannot" is an addition or omission, left to the content detector. The kept word must
stand where the negator was: the same verb negated in another clause of a long sentence is no flip.
A "nor" after a negation of its own sentence continues that negation ("neither … nor", "we don't
know, nor do you"): carried on as "or" or "and" it is no strict evidence of a flip. "No." before a
numeral is an abbreviation, not a negator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from auditor.detect.base import Context, Detector, Explained, Proposal, unexplained
from auditor.detect.content import stem
from auditor.pipeline.diff import GroupDiff, Hunk
from auditor.pipeline.tokens import Token

NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor", "nowhere", "without", "cannot"})
# Words that carry negative polarity themselves: a negator lost beside one of them is a paraphrase.
NEGATIVE_POLARITY = frozenset(
    "hardly barely scarcely seldom rarely lack lacks lacked lacking fail fails failed unable absence absent "
    "too until unless refuse refused refuses deny denied denies only instead".split()
)
_NEGATIVE_STEMS = frozenset(stem(w) for w in NEGATIVE_POLARITY)  # any inflection: refused, refusing
_NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")


_SENTENCE_END = frozenset(".!?;")


def _numbering(token: Token, after: Sequence[Token]) -> bool:
    """'No. 1', 'No 5': "no" abbreviating "number" before a numeral."""
    following = [t.text for t in after[:2]]
    if following[:1] == ["."]:
        following = following[1:]
    elif token.text != "No":
        return False
    return token.norm == "no" and bool(following) and following[0][:1].isdigit()


def negators(tokens: Sequence[Token]) -> list[Token]:
    """The tokens that negate: not "no" abbreviating a number."""
    return [t for k, t in enumerate(tokens) if t.norm in NEGATIONS and not _numbering(t, tokens[k + 1 :])]


def continuing(tokens: Sequence[Token]) -> set[int]:
    """The ids of the "nor"s that continue a negation earlier in their sentence ("we don't know, nor
    do you"): a translation may carry that on as "or" or "and", and which one the source meant is
    beyond a word diff, so losing or adding one is no evidence of a flip."""
    found: set[int] = set()
    negated = False  # whether the sentence so far holds a negation
    for k, t in enumerate(tokens):
        if t.text in _SENTENCE_END:
            negated = False
        elif t.norm in NEGATIONS and not _numbering(t, tokens[k + 1 :]):
            if t.norm == "nor" and negated:
                found.add(id(t))
            negated = True
    return found


def negated_word(tokens: Sequence[Token], negator: Token, reach: int = 4) -> Token | None:
    """The content word a negator governs: the first one after it, within `reach` words."""
    after = [t for t in tokens if t.start >= negator.end and t.is_word][:reach]
    return next((t for t in after if t.is_content and t.norm not in NEGATIONS), None)


def _negative_form_of(word: str, others: Iterable[Token]) -> bool:
    """'undoubtedly' for 'doubt': the negated word again, with a negative prefix, on the other side."""
    stem = word[:-1] if len(word) > 5 else word
    return any(o.norm.startswith(p) and stem in o.norm[len(p):] for o in others for p in _NEGATIVE_PREFIXES)


class NegationDetector(Detector):
    """Compares the polarity of each side of an aligned group where the negators differ."""

    name = "negation"
    rules = ("negation.lost", "negation.added")

    @dataclass(frozen=True)
    class Params:
        reach: int = 2  # chosen: words shown on each side of the changed ones, so the reader sees the flipped phrase
        clause_words: int = 3  # as the content detector's: a hunk of this many content words added is a clause
        # chosen: the negated word may stand this far from the changed stretch on the other side; as far
        # as negated_word looks for it, so "did not much like" / "did much like" still matches
        place_words: int = 4

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for bead, diff in context.diffs.items():
            negating = {id(t) for t in negators(unexplained(diff.cand, explained)) + negators(unexplained(diff.ref, explained))}  # the very tokens: offsets of the two sides overlap

            def count(tokens: Iterable[Token]) -> int:
                return sum(id(t) in negating for t in tokens)

            cand_neg, ref_neg = count(diff.cand), count(diff.ref)
            if cand_neg == ref_neg:
                continue
            hunk = next((h for h in diff.hunks if count(h.cand) != count(h.ref)), None)
            if hunk is None:
                continue
            lost = cand_neg < ref_neg
            carried_on = continuing(diff.ref if lost else diff.cand)
            words = [t for t in (hunk.ref if lost else hunk.cand) if id(t) in negating and id(t) not in carried_on]
            if len(words) <= count(hunk.cand if lost else hunk.ref):
                continue  # only a "nor" carried on differs: "neither … nor" / "not … or"
            scopes = self._kept_scopes(diff, hunk, lost, words)
            if not scopes:
                continue
            what = "lost" if lost else "added"
            negated = " ".join(t.text for t in words)
            yield context.propose(
                f"negation.{what}",
                f"Negation '{negated}' {what} before '{scopes[0].text}': the candidate says the opposite of the reference.",
                self._widen(diff.cand, hunk), hunk.ref_span() or self._ref_context(diff), bead,
                explains=[t for t in hunk.cand + hunk.ref if id(t) in negating],
                evidence={"candidate_negations": cand_neg, "reference_negations": ref_neg},
            )

    def _kept_scopes(self, diff: GroupDiff, hunk: Hunk, lost: bool, changed: list[Token]) -> list[Token]:
        """The negated words that the other side keeps, where the negator stood, without a negation of
        its own: the flip's evidence."""
        side, other, other_hunk = (diff.ref, diff.cand, hunk.cand) if lost else (diff.cand, diff.ref, hunk.ref)
        own_hunk = hunk.ref if lost else hunk.cand
        if not other_hunk and sum(t.is_content and t.norm not in NEGATIONS for t in own_hunk) >= self.params.clause_words:
            return []  # a whole clause added or dropped: an addition or omission, not a flip
        k = diff.hunks.index(hunk)
        near = diff.hunks[max(0, k - 1) : k + 2]  # the changed stretch around it
        polar = [{stem(t.norm) for h in near for t in getattr(h, s)} & _NEGATIVE_STEMS for s in ("cand", "ref")]
        if polar[0] != polar[1]:
            return []  # one side carries the polarity in a word of its own: a paraphrase
        place = self._place(other, other_hunk, hunk.cand_at if lost else hunk.ref_at)
        other_words = {stem(t.norm) for t in place}  # "refused" is kept as "refusing"
        kept = []
        for negator in changed:
            word = negated_word(side, negator)
            if word is not None and stem(word.norm) in other_words and not _negative_form_of(word.norm, other):
                kept.append(word)
        return kept

    def _place(self, tokens: Sequence[Token], hunk: Sequence[Token], at: int) -> list[Token]:
        """The words where the hunk stands on one side: its own and `place_words` on each side of it."""
        words = [t for t in tokens if t.is_word]
        start, end = (hunk[0].start, hunk[-1].end) if hunk else (at, at)
        first = next((i for i, t in enumerate(words) if t.end > start), len(words))
        last = next((i for i, t in enumerate(words) if t.start >= end), len(words))
        return words[max(0, first - self.params.place_words) : last + self.params.place_words]

    def _widen(self, tokens: tuple[Token, ...], hunk: Hunk) -> tuple[int, int]:
        """The changed words plus `reach` words on each side."""
        reach = self.params.reach
        start, end = hunk.cand_span()
        before = [t for t in tokens if t.end <= start and t.is_word][-reach:] if reach else []
        after = [t for t in tokens if t.start >= end and t.is_word][:reach]
        return (before[0].start if before else start), (after[-1].end if after else end)

    @staticmethod
    def _ref_context(diff: GroupDiff) -> tuple[int, int] | None:
        return (diff.ref[0].start, diff.ref[-1].end) if diff.ref else None
