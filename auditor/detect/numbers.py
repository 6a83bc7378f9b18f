"""`number`: a number, amount, date or number word changed, added or dropped; plural flips."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from text_to_num import alpha2digit, text2num

from auditor.detect.base import Context, Detector, Explained, Proposal
from auditor.pipeline.diff import GroupDiff, Token

# Words a number parser reads as numbers but that are far more often something else: "one" a
# pronoun, "first"/"second" an adverb or a unit of time, "o" a letter.
NOT_NUMBERS = frozenset({"one", "first", "second", "o"})
# Number words no parser reads as a number: multiples and dozens.
MULTIPLES = {"twice": 2, "double": 2, "triple": 3, "dozen": 12, "dozens": 12}
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_MAX_PARTS = 5  # the longest run of hyphenated parts read as one number ("one-hundred-twenty-five")


@lru_cache(maxsize=8192)
def spelled_value(words: str) -> float | None:
    """The number a spelled-out cardinal or ordinal states ("twenty-five", "sixth"), by text2num."""
    if words in NOT_NUMBERS:
        return None
    if words in MULTIPLES:
        return float(MULTIPLES[words])
    if words.endswith("s"):
        # A plural number word is a vague amount: "hundreds" or "thousands" still name their magnitude,
        # but "ones", "tens" or "fifties" are no figure at all.
        magnitude = spelled_value(words[:-1])
        return magnitude if magnitude is not None and magnitude >= 100 and math.log10(magnitude).is_integer() else None
    try:
        return float(text2num(words, "en"))
    except ValueError:
        ordinal = _ORDINAL.fullmatch(alpha2digit(words, "en", threshold=0))
        return float(ordinal.group(1)) if ordinal else None


def value(token: Token) -> float | None:
    """The number a token states, if any: digits with separators, or number words, also as the first
    hyphenated parts of a compound ("twenty-five-year-old", "sixth-month")."""
    text = token.norm
    if text[:1].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    parts = text.split("-")
    for i in range(len(parts)):
        for j in range(min(len(parts), i + _MAX_PARTS), i, -1):
            number = spelled_value("-".join(parts[i:j]))
            if number is not None:
                return number
    return None


QUANTIFIERS = frozenset("a an one several many few both multiple each every single".split())


def _plural_pair(a: Token, b: Token) -> bool:
    x, y = a.norm, b.norm
    return a.is_content and b.is_content and x != y and (x + "s" == y or y + "s" == x or x + "es" == y or y + "es" == x)


class NumberDetector(Detector):
    """Compares the numbers each side of an aligned group states, wherever the diff put them."""

    name = "number"
    rules = ("number.changed", "number.added", "number.missing", "number.plural")

    @dataclass(frozen=True)
    class Params:
        count_reach: int = 3  # chosen: a number or quantifier up to 3 words before a noun counts it ("two big new cars")

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for bead, diff in context.diffs.items():
            cand = [(value(t), t) for t in diff.cand if value(t) is not None]
            ref_left = [(value(t), t) for t in diff.ref if value(t) is not None]
            cand_left = []
            for v, token in cand:
                match = next((r for r in ref_left if r[0] == v), None)
                if match:
                    ref_left.remove(match)
                else:
                    cand_left.append((v, token))
            for (new, token), (was, old) in zip(cand_left, ref_left):
                yield context.propose(
                    "number.changed", f"Number '{old.text}' became '{token.text}': a wrong figure falsifies the fact.",
                    (token.start, token.end), (old.start, old.end), bead, [token, old], {"candidate": new, "reference": was},
                )
            for new, token in cand_left[len(ref_left) :]:
                yield context.propose(
                    "number.added", f"Number '{token.text}' is not in the reference: an added figure states a fact the source does not.",
                    (token.start, token.end), None, bead, [token], {"candidate": new},
                )
            for was, old in ref_left[len(cand_left) :]:
                yield context.propose(
                    "number.missing", f"Number '{old.text}' of the reference is missing: the figure is lost.",
                    None, (old.start, old.end), bead, [old], {"reference": was},
                )
            yield from self._plurals(context, bead, diff)

    def _plurals(self, context: Context, bead: int, diff: GroupDiff) -> Iterable[Proposal]:
        for hunk in diff.hunks:
            for c in hunk.cand:
                r = next((r for r in hunk.ref if _plural_pair(c, r)), None)
                if r is not None and (self._counted(c, diff.cand) or self._counted(r, diff.ref)):
                    yield context.propose(
                        "number.plural", f"'{r.text}' became '{c.text}': singular and plural count different things.",
                        (c.start, c.end), (r.start, r.end), bead, [c, r],
                    )

    def _counted(self, token: Token, tokens: tuple[Token, ...]) -> bool:
        """A number or quantifier stands just before the word: the plural then changes a count."""
        k = tokens.index(token)
        return any(value(t) is not None or t.norm in QUANTIFIERS for t in tokens[max(0, k - self.params.count_reach) : k])
