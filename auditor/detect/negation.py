"""`negation`: polarity flipped, a not / n't / never / no lost or added.

Counting negators is not enough: "There can be no doubt" says "Undoubtedly", "not strong enough"
says "a little weak". A changed negator flips the polarity only when what it negates is kept: the
word it governs (the first content word after it) stands on the other side too (any inflection),
and the other side carries no negative-polarity word of its own (hardly, lack, unable, too … to) nor
the negated word with a negative prefix ("undoubtedly"). A whole clause added or dropped that happens
to hold a "cannot" is an addition or omission, left to the content detector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from auditor.detect.base import Context, Detector, Explained, Proposal, unexplained
from auditor.detect.content import stem
from auditor.pipeline.diff import GroupDiff, Hunk, Token

NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor", "nowhere", "without", "cannot"})
# Words that carry negative polarity themselves: a negator lost beside one of them is a paraphrase.
NEGATIVE_POLARITY = frozenset(
    "hardly barely scarcely seldom rarely lack lacks lacked lacking fail fails failed unable absence absent "
    "too until unless refuse refused refuses deny denied denies only instead".split()
)
_NEGATIVE_STEMS = frozenset(stem(w) for w in NEGATIVE_POLARITY)  # any inflection: refused, refusing
_NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")


def _count(tokens: Iterable[Token]) -> int:
    return sum(t.norm in NEGATIONS for t in tokens)


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

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for bead, diff in context.diffs.items():
            cand_neg, ref_neg = _count(unexplained(diff.cand, explained)), _count(unexplained(diff.ref, explained))
            if cand_neg == ref_neg:
                continue
            hunk = next((h for h in diff.hunks if _count(unexplained(h.cand, explained)) != _count(unexplained(h.ref, explained))), None)
            if hunk is None:
                continue
            lost = cand_neg < ref_neg
            words = [t for t in (hunk.ref if lost else hunk.cand) if t.norm in NEGATIONS]
            scopes = self._kept_scopes(diff, hunk, lost)
            if not scopes:
                continue
            what = "lost" if lost else "added"
            negated = " ".join(t.text for t in words)
            yield context.propose(
                f"negation.{what}",
                f"Negation '{negated}' {what} before '{scopes[0].text}': the candidate says the opposite of the reference.",
                self._widen(diff.cand, hunk), hunk.ref_span() or self._ref_context(diff), bead,
                explains=[t for t in hunk.cand + hunk.ref if t.norm in NEGATIONS],
                evidence={"candidate_negations": cand_neg, "reference_negations": ref_neg},
            )

    def _kept_scopes(self, diff: GroupDiff, hunk: Hunk, lost: bool) -> list[Token]:
        """The negated words that the other side keeps without a negation of its own: the flip's evidence."""
        side, other, other_hunk = (diff.ref, diff.cand, hunk.cand) if lost else (diff.cand, diff.ref, hunk.ref)
        own_hunk = hunk.ref if lost else hunk.cand
        if not other_hunk and sum(t.is_content and t.norm not in NEGATIONS for t in own_hunk) >= self.params.clause_words:
            return []  # a whole clause added or dropped: an addition or omission, not a flip
        k = diff.hunks.index(hunk)
        near = diff.hunks[max(0, k - 1) : k + 2]  # the changed stretch around it
        polar = [{stem(t.norm) for h in near for t in getattr(h, s)} & _NEGATIVE_STEMS for s in ("cand", "ref")]
        if polar[0] != polar[1]:
            return []  # one side carries the polarity in a word of its own: a paraphrase
        other_words = {stem(t.norm) for t in other}  # "refused" is kept as "refusing"
        kept = []
        for negator in (t for t in own_hunk if t.norm in NEGATIONS):
            word = negated_word(side, negator)
            if word is not None and stem(word.norm) in other_words and not _negative_form_of(word.norm, other):
                kept.append(word)
        return kept

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
