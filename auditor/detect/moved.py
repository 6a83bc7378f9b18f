"""Words the reference has at one place of a pair and the candidate at another: moved, not lost.

The word diff is a longest-common-subsequence diff, so a phrase moved within its sentence shows as
a deletion at one place and an insertion at another. Read hunk by hunk that is an omission plus an
addition, two findings for one reordering that keeps the meaning. Here the two are paired up: a
hunk whose reference side drops content words and another whose candidate side adds the same words
(after stemming) are one move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from auditor.detect.base import Context, Explained, Proposal, quote
from auditor.pipeline.diff import BlockMove, GroupDiff, Hunk
from auditor.pipeline.tokens import Token, stem


def content(tokens: Iterable[Token], explained: Explained) -> list[Token]:
    """The content words of `tokens` that no earlier finding accounts for."""
    return [t for t in tokens if t.is_content and t.key not in explained]


@dataclass(frozen=True)
class Move:
    """Content words dropped by one hunk (`source`, reference side) and added by another (`target`,
    candidate side)."""

    source: Hunk
    target: Hunk
    ref: tuple[Token, ...]  # the matched words where the reference has them
    cand: tuple[Token, ...]  # ... and where the candidate has them

    def rest(self, explained: Explained) -> tuple[list[Token], list[Token]]:
        """The content words of the two runs that the move does not match: (reference, candidate)."""
        matched = {t.key for t in self.ref + self.cand}
        return (
            [t for t in content(self.source.ref, explained) if t.key not in matched],
            [t for t in content(self.target.cand, explained) if t.key not in matched],
        )

    def pure(self, explained: Explained) -> bool:
        """The source only drops content and the target only adds it: reverting both is the move."""
        return not content(self.source.cand, explained) and not content(self.target.ref, explained)

    def tokens(self) -> tuple[Token, ...]:
        """Every token of both hunks: what a move of the whole runs accounts for."""
        return self.source.ref + self.source.cand + self.target.cand + self.target.ref


def find_moves(diff: GroupDiff, explained: Explained) -> list[Move]:
    """The moves of one aligned pair, each hunk the source of one move and the target of one at most:
    the pairs of hunks that share the most content words first, nearer hunks on a tie."""
    hunks = diff.hunks
    pairs = []
    for i, source in enumerate(hunks):
        dropped = {stem(t.norm) for t in content(source.ref, explained)}
        for j, target in enumerate(hunks):
            shared = dropped & {stem(t.norm) for t in content(target.cand, explained)} if i != j else set()
            if shared:
                pairs.append((-len(shared), abs(i - j), i, j, shared))
    moves, sources, targets = [], set(), set()
    for _, _, i, j, shared in sorted(pairs, key=lambda p: p[:4]):
        if i in sources or j in targets:
            continue
        sources.add(i)
        targets.add(j)
        ref = tuple(t for t in content(hunks[i].ref, explained) if stem(t.norm) in shared)
        cand = tuple(t for t in content(hunks[j].cand, explained) if stem(t.norm) in shared)
        moves.append(Move(hunks[i], hunks[j], ref, cand))
    return moves


def moved_proposal(context: Context, bead: int, move: Move, whole: bool, cosine: float | None) -> Proposal:
    """`wording.moved` at the words' new place, listing the place they left too."""
    if whole:
        span, ref_span = move.target.cand_span(), move.source.ref_span()
        was, now = quote(_bare(context.ref_text[slice(*ref_span)])), quote(_bare(context.cand_text[slice(*span)]))
        test = "" if cosine is None else f" (cosine {cosine:.2f} with the reference words put back at both places)"
        why = f"{was} of the reference stands at another place in the candidate, as {now}: moved, not lost{test}."
    else:
        span, ref_span = (move.cand[0].start, move.cand[-1].end), (move.ref[0].start, move.ref[-1].end)
        words = ", ".join(dict.fromkeys(quote(t.text) for t in move.ref))
        why = f"{words} of the reference stand at another place in the candidate: moved, not lost."
    return context.propose(
        "wording.moved", why, span, ref_span, bead, move.tokens() if whole else move.ref + move.cand,
        evidence={"content_words": len(move.ref)} | ({} if cosine is None else {"cosine": cosine}),
        occurrences=[span, move.source.cand_span()],
    )


def block_proposal(context: Context, bead: int, move: BlockMove) -> Proposal:
    """`wording.reordered` for a block the word diff moved (auditor/pipeline/moves.py): the words in
    it that changed are diffed against their own counterparts and reported on their own."""
    ref_span = (move.ref[0].start, move.ref[-1].end)
    was = quote(_bare(context.ref_text[slice(*ref_span)]))
    return context.propose(
        "wording.reordered", f"{was} of the reference stands at another place in the candidate: reordered, not lost.", move.cand_span, ref_span,
        bead, evidence={"content_words": sum(t.is_content for t in move.ref)}, occurrences=[move.cand_span, (move.left_at, move.left_at)],
    )


def _bare(text: str) -> str:
    """`text` without the punctuation at its edges: a quote of words, not of a stray mark."""
    return text.strip(" \t\n.,;:!?\"'“”‘’«»()[]—–-")


def reverted(context: Context, hunks: Sequence[Hunk]) -> tuple[str, str]:
    """The candidate sentences the hunks touch, as they are and with the reference words put back."""
    places = sorted((h.cand_span(), h.ref_span()) for h in hunks)
    lo, hi = places[0][0][0], places[-1][0][1]
    around = [s for s in context.cand_sents if s.end >= lo and s.start <= hi]
    start, end = around[0].start, around[-1].end
    parts, at = [], start
    for (h0, h1), ref_span in places:
        words = context.ref_text[slice(*ref_span)] if ref_span else ""
        parts += [context.cand_text[at:h0], words + (" " if h0 == h1 and words else "")]
        at = h1
    return context.cand_text[start:end], "".join(parts) + context.cand_text[at:end]
