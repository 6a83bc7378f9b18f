"""Stage 5, diff: a word-level diff of each aligned group, with character offsets on both sides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from auditor.pipeline.moves import reorder, seams
from auditor.pipeline.segment import Sentence
from auditor.pipeline.tokens import REFERENCE, Token, tokenize


@dataclass(frozen=True)
class Hunk:
    """One difference between the two sides of an aligned group."""

    op: str  # "replace", "insert" (candidate only) or "delete" (reference only)
    cand: tuple[Token, ...]
    ref: tuple[Token, ...]
    cand_at: int  # candidate offset where the hunk stands (its start, or the gap for a deletion)
    ref_at: int  # reference offset where the hunk stands (its start, or the gap for an insertion)

    def cand_span(self) -> tuple[int, int]:
        return (self.cand[0].start, self.cand[-1].end) if self.cand else (self.cand_at, self.cand_at)

    def ref_span(self) -> tuple[int, int] | None:
        return (self.ref[0].start, self.ref[-1].end) if self.ref else None


@dataclass(frozen=True)
class BlockMove:
    """Reference words the candidate has at another place of the group (auditor/pipeline/moves.py)."""

    ref: tuple[Token, ...]  # the moved words, in the reference's order
    cand_span: tuple[int, int]  # where the candidate has them (changed or not)
    left_at: int  # the candidate offset where they stood in the reference's order


@dataclass(frozen=True)
class GroupDiff:
    """The word diff of one alignment entry: hunks in candidate order, cut against the reference
    reordered by its block moves."""

    bead: int
    cand: tuple[Token, ...]
    ref: tuple[Token, ...]  # in the reference's own order
    hunks: tuple[Hunk, ...]
    moves: tuple[BlockMove, ...] = ()


def diff_group(bead: int, cand_sents: Sequence[Sentence], ref_sents: Sequence[Sentence]) -> GroupDiff:
    """Diff the words of a candidate group against its reference group (case and quote style ignored)."""
    cand, ref = tokenize(cand_sents), tokenize(ref_sents, REFERENCE)
    order, blocks, codes = reorder(cand, ref)
    cuts = seams(order, ref)
    codes = _cut(codes, cuts, order)
    ranges: list[list[int]] = []
    for op, i1, i2, j1, j2 in codes:
        if op == "equal":
            continue
        # "Department of Defense" / "Defense Ministry": an insertion and a deletion one shared word
        # apart are one replacement (not across the seam of a moved block).
        if (ranges and op != "replace" and _one_sided(ranges[-1]) and sum(t.is_word for t in cand[ranges[-1][1] : i1]) <= 1
                and not any(ranges[-1][3] <= k <= j1 for k in cuts)):
            ranges[-1][1], ranges[-1][3] = i2, j2
        else:
            ranges.append([i1, i2, j1, j2])
    hunks = []
    for i1, i2, j1, j2 in ranges:
        op = "replace" if i1 < i2 and j1 < j2 else ("insert" if i1 < i2 else "delete")
        hunks.append(Hunk(op, tuple(cand[i1:i2]), tuple(order[j1:j2]), _offset_at(cand, i1), _offset_at(order, j1)))
    moves = [_block_move(block, cand, ref, order, codes) for block in blocks]
    return GroupDiff(bead, tuple(cand), tuple(ref), tuple(hunks), tuple(m for m in moves if m is not None))


def _cut(codes: list, cuts: set[int], order: Sequence[Token]) -> list:
    """The opcodes split at the seams of moved blocks; a replacement's candidate words go with the
    part that has the most reference words."""
    out = []
    for op, i1, i2, j1, j2 in codes:
        if j1 == j2:
            out.append((op, i1, i2, j1, j2))
            continue
        edges = [j1, *sorted(k for k in cuts if j1 < k < j2), j2]
        parts = list(zip(edges, edges[1:]))
        main = max(parts, key=lambda p: (sum(t.is_word for t in order[p[0] : p[1]]), -p[0]))
        for a, b in parts:
            if op == "equal":
                out.append((op, i1 + a - j1, i1 + b - j1, a, b))
            else:
                out.append((op, i1, i2, a, b) if (a, b) == main else ("delete", i2 if a > main[0] else i1, i2 if a > main[0] else i1, a, b))
    return out


def _block_move(block: list[Token], cand: list[Token], ref: list[Token], order: list[Token], codes: list) -> BlockMove | None:
    """Where the candidate has a moved block, and where the block stood."""
    keys = {t.key for t in block}
    inside = [c for op, i1, i2, j1, j2 in codes if j1 < j2 and order[j1].key in keys for c in cand[i1:i2]]
    if not inside:
        return None
    position = {t.key: k for k, t in enumerate(order)}
    after = ref.index(block[-1]) + 1
    left_at = _cand_offset(codes, cand, position[ref[after].key]) if after < len(ref) else _offset_at(cand, len(cand))
    return BlockMove(tuple(block), (inside[0].start, inside[-1].end), left_at)


def _cand_offset(codes: list, cand: list[Token], k: int) -> int:
    """The candidate offset that stands for reordered reference token `k`."""
    for op, i1, _, j1, j2 in codes:
        if j1 <= k < j2:
            return cand[i1 + k - j1].start if op == "equal" else _offset_at(cand, i1)
    return _offset_at(cand, len(cand))

def _offset_at(tokens: list[Token], index: int) -> int:
    """Offset of token `index`, or the end of the last token when `index` is past the end."""
    return tokens[index].start if index < len(tokens) else (tokens[-1].end if tokens else 0)


def _one_sided(r: list[int]) -> bool:
    return (r[0] == r[1]) != (r[2] == r[3])
