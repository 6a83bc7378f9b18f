"""`number`: a number, amount, date or number word changed, added or dropped; plural flips."""

from __future__ import annotations

from typing import Iterable

from auditor.pipeline.diff import Token
from auditor.detect.base import Context, Detector, Finding

_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "hundreds": 100, "thousand": 1000,
    "thousands": 1000, "million": 10**6, "millions": 10**6, "billion": 10**9, "dozen": 12, "dozens": 12,
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "twice": 2, "triple": 3, "double": 2,
}  # "one" and "first"/"second" are left out: far more often a pronoun, an adverb or a unit of time


def value(token: Token) -> float | None:
    """The number a token states, if any: digits with separators, or a number word (also in 'sixth-month')."""
    text = token.norm
    if text[:1].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    for part in text.split("-"):
        if part in _WORDS:
            return float(_WORDS[part])
    return None


QUANTIFIERS = frozenset("a an one several many few both multiple each every single".split())


def _plural_pair(a: Token, b: Token) -> bool:
    x, y = a.norm, b.norm
    return a.is_content and b.is_content and x != y and (x + "s" == y or y + "s" == x or x + "es" == y or y + "es" == x)


def _counted(token: Token, tokens: tuple[Token, ...]) -> bool:
    """A number or quantifier stands just before the word: the plural then changes a count."""
    k = tokens.index(token)
    return any(value(t) is not None or t.norm in QUANTIFIERS for t in tokens[max(0, k - 3) : k])


class NumberDetector(Detector):
    """Compares the numbers each side of an aligned group states, wherever the diff put them."""

    def detect(self, context: Context) -> Iterable[Finding]:
        for bead, diff in context.diffs.items():
            cand = [(value(t), t) for t in diff.cand if value(t) is not None]
            ref = [(value(t), t) for t in diff.ref if value(t) is not None]
            ref_left = list(ref)
            cand_left = []
            for v, token in cand:
                match = next((r for r in ref_left if r[0] == v), None)
                if match:
                    ref_left.remove(match)
                else:
                    cand_left.append((v, token))
            for (_, token), (_, old) in zip(cand_left, ref_left):
                context.explain([token, old])
                yield context.finding("number", "critical", f"Number '{old.text}' became '{token.text}': a wrong figure falsifies the fact.", (token.start, token.end), (old.start, old.end), bead)
            for _, token in cand_left[len(ref_left) :]:
                context.explain([token])
                yield context.finding("number", "critical", f"Number '{token.text}' is not in the reference: an added figure states a fact the source does not.", (token.start, token.end), None, bead)
            for _, old in ref_left[len(cand_left) :]:
                context.explain([old])
                yield context.finding("number", "critical", f"Number '{old.text}' of the reference is missing: the figure is lost.", None, (old.start, old.end), bead)
            yield from self._plurals(context, bead, diff)

    def _plurals(self, context: Context, bead: int, diff) -> Iterable[Finding]:
        for hunk in diff.hunks:
            for c in hunk.cand:
                r = next((r for r in hunk.ref if _plural_pair(c, r)), None)
                if r is not None and (_counted(c, diff.cand) or _counted(r, diff.ref)):
                    context.explain([c, r])
                    yield context.finding("number", "major", f"'{r.text}' became '{c.text}': singular and plural count different things.", (c.start, c.end), (r.start, r.end), bead)
