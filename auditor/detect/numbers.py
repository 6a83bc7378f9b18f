"""`number`: a number, amount, date or number word changed, added or dropped."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from text_to_num import alpha2digit, text2num

from auditor.detect.base import Context, Detector, Explained, Proposal, unexplained
from auditor.pipeline.tokens import REFERENCE, Token, tokenize

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


# Words that state a count without a numeral: "Both black holes" is "Two black holes". They only
# match a numeral of the other side, never make a finding of their own.
IMPLICIT = {"both": 2.0, "pair": 2.0, "couple": 2.0, "twin": 2.0, "twins": 2.0, "single": 1.0}


# Words that multiply the figure before them: "two billion" is one figure, 2e9, not a 2 and a 1e9;
# in a range ("4 to 6 million") the magnitude multiplies both ends.
MAGNITUDES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
RANGE_WORDS = frozenset({"to", "-", "–", "or", "and"})


def _stated(tokens: Iterable[Token]) -> list[tuple[float, Token]]:
    """The figures the tokens state; a figure and the magnitude word after it ("2.5 million") are one."""
    found: list[tuple[float, Token]] = []
    ends: list[int] = []  # the index of each figure's last token
    bare: list[bool] = []  # whether the figure has no magnitude word of its own
    for k, t in enumerate(tokens := list(tokens)):
        v = value(t)
        if v is None:
            continue
        if ends and ends[-1] == k - 1 and t.norm in MAGNITUDES and found[-1][0] < 1000:
            first = found[-1][1]
            found[-1] = (found[-1][0] * MAGNITUDES[t.norm], Token(f"{first.text} {t.text}", first.start, t.end))
            ends[-1], bare[-1] = k, False
            # the start of a range: "4 to 6 million" says 4 million
            if len(found) > 1 and bare[-2] and ends[-2] == k - 3 and tokens[k - 2].norm in RANGE_WORDS and found[-2][0] < 1000:
                start = found[-2][1]
                found[-2], bare[-2] = (found[-2][0] * MAGNITUDES[t.norm], Token(f"{start.text} ({t.text})", start.start, start.end)), False
        else:
            found.append((v, t))
            ends.append(k)
            bare.append(True)
    return found


def _take(values: list[float], wanted: float) -> bool:
    """Remove one `wanted` from `values`; whether there was one."""
    if wanted in values:
        values.remove(wanted)
        return True
    return False


class NumberDetector(Detector):
    """Compares the numbers each side of an aligned group states, wherever the diff put them.

    A figure written differently ("two" / "2"), implied by a count word ("both") or moved into a
    neighbouring sentence on the other side is the same figure, not a changed one; a figure one side
    states twice and the other once is no added or missing figure.
    """

    name = "number"
    rules = ("number.changed", "number.added", "number.missing")

    @dataclass(frozen=True)
    class Params:
        neighbours: int = 1  # chosen: a figure moved into the sentence before or after is still there

    def propose(self, context: Context, explained: Explained) -> Iterable[Proposal]:
        for bead, diff in context.diffs.items():
            cand, ref = _stated(unexplained(diff.cand, explained)), _stated(unexplained(diff.ref, explained))
            ref_values = [v for v, _ in ref]
            cand_left = [(v, t) for v, t in cand if not _take(ref_values, v)]
            cand_values = [v for v, _ in cand]
            ref_left = [(v, t) for v, t in ref if not _take(cand_values, v)]
            around_ref, around_cand = self._around(context, bead)
            ref_pool = [IMPLICIT[t.norm] for t in diff.ref if t.norm in IMPLICIT] + around_ref
            cand_pool = [IMPLICIT[t.norm] for t in diff.cand if t.norm in IMPLICIT] + around_cand
            cand_left = [(v, t) for v, t in cand_left if not _take(ref_pool, v)]
            ref_left = [(v, t) for v, t in ref_left if not _take(cand_pool, v)]
            for (new, token), (was, old) in zip(cand_left, ref_left):
                yield context.propose(
                    "number.changed", f"Number '{old.text}' became '{token.text}': a wrong figure falsifies the fact.",
                    (token.start, token.end), (old.start, old.end), bead, [token, old], {"candidate": new, "reference": was},
                )
            # A figure stated again ("two women ... the two women") repeats one the other side states: no new fact.
            stated_ref, stated_cand = {v for v, _ in ref}, {v for v, _ in cand}
            for new, token in (p for p in cand_left[len(ref_left) :] if p[0] not in stated_ref):
                yield context.propose(
                    "number.added", f"Number '{token.text}' is not in the reference: an added figure states a fact the source does not.",
                    (token.start, token.end), None, bead, [token], {"candidate": new},
                )
            for was, old in (p for p in ref_left[len(cand_left) :] if p[0] not in stated_cand):
                yield context.propose(
                    "number.missing", f"Number '{old.text}' of the reference is missing: the figure is lost.",
                    None, (old.start, old.end), bead, [old], {"reference": was},
                )

    def _around(self, context: Context, bead: int) -> tuple[list[float], list[float]]:
        """The figures the neighbouring entries lost (reference side) and gained (candidate side): only a
        figure one neighbour does not itself account for can have moved here."""
        beads = context.alignment.beads
        near = [beads[k] for k in range(max(0, bead - self.params.neighbours), min(len(beads), bead + self.params.neighbours + 1)) if k != bead]
        lost: list[float] = []
        gained: list[float] = []
        for b in near:
            ref = [v for v, _ in _stated(tokenize([context.ref_sents[j] for j in b.reference], REFERENCE))]
            cand = [v for v, _ in _stated(tokenize([context.cand_sents[i] for i in b.candidate]))]
            lost += [v for v in ref if not _take(cand, v)]
            gained += cand
        return lost, gained
