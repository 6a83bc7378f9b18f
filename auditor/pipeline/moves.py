"""Block moves for the word diff: a clause the candidate puts at another place of its sentence.

A longest-common-subsequence diff keeps one order. Where a translation puts a clause elsewhere
("X, a lawyer, said: Y" for "Y, said X, a lawyer"), it matches the words on one side of the clause
and leaves the clause itself as a deletion at one place and as part of a replacement at the other,
pairing unrelated phrases, so the real changes inside the moved clause never meet their own
counterparts. Here such a move is found before the hunks are cut: a run of reference words the diff
left out that shares content words with candidate words it left out elsewhere is tried at that
other place, and kept there when the diff then matches more content words. The hunks are then cut
against the reordered reference, never across the seam of a moved block.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Sequence

from auditor.pipeline.tokens import Token, stem

MIN_GAIN = 2  # content words a reordering must newly match, as many as the moved-words finding asks for
MAX_MOVES = 3  # blocks moved in one aligned group at most

Opcode = tuple[str, int, int, int, int]


def opcodes(cand: Sequence[Token], ref: Sequence[Token]) -> list[Opcode]:
    """difflib's opcodes over the tokens' normal forms (case and quote style ignored), or the
    content-anchored ones where those match more content words."""
    plain = SequenceMatcher(None, [t.norm for t in cand], [t.norm for t in ref], autojunk=False).get_opcodes()
    anchored = _anchored(cand, ref)
    return anchored if _matched(anchored, ref)[0] > _matched(plain, ref)[0] else plain


def _anchored(cand: Sequence[Token], ref: Sequence[Token]) -> list[Opcode]:
    """Opcodes with the content words matched first. A longest-common-subsequence diff of every
    token can pair a stray "a" or "the" and then not match the content word beyond it; here the
    content words are anchored first and the function words diffed between the anchors."""
    ci = [k for k, t in enumerate(cand) if t.is_content]
    ri = [k for k, t in enumerate(ref) if t.is_content]
    blocks = SequenceMatcher(None, [cand[k].norm for k in ci], [ref[k].norm for k in ri], autojunk=False).get_matching_blocks()
    anchors = _grown(cand, ref, [(ci[a + n], ri[b + n]) for a, b, size in blocks for n in range(size)])
    codes: list[Opcode] = []
    i0 = j0 = 0
    for i, j in [*anchors, (len(cand), len(ref))]:
        between = SequenceMatcher(None, [t.norm for t in cand[i0:i]], [t.norm for t in ref[j0:j]], autojunk=False)
        codes += [(op, a1 + i0, a2 + i0, b1 + j0, b2 + j0) for op, a1, a2, b1, b2 in between.get_opcodes() if a1 < a2 or b1 < b2]
        codes.append(("equal", i, i + 1, j, j + 1))
        i0, j0 = i + 1, j + 1
    merged: list[Opcode] = []
    for code in codes[:-1]:  # the last is the end sentinel
        if merged and code[0] == merged[-1][0] == "equal":
            merged[-1] = ("equal", merged[-1][1], code[2], merged[-1][3], code[4])
        else:
            merged.append(code)
    return merged


def _grown(cand: Sequence[Token], ref: Sequence[Token], anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The anchors widened over the equal words next to them ("the" in "the farmers"), as a plain
    diff would match them, up to the neighbouring anchors."""
    def grow(pairs: list[tuple[int, int]], step: int, ends: tuple[int, int]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for k, (i, j) in enumerate(pairs):
            out.append((i, j))
            limit = pairs[k + 1] if k + 1 < len(pairs) else ends
            while (i + step, j + step) != limit and 0 <= i + step and 0 <= j + step and (i + step - limit[0]) * step < 0 \
                    and (j + step - limit[1]) * step < 0 and cand[i + step].norm == ref[j + step].norm:
                i, j = i + step, j + step
                out.append((i, j))
        return out

    right = grow(anchors, +1, (len(cand), len(ref)))
    return sorted(grow(right[::-1], -1, (-1, -1)))


def _matched(codes: Sequence[Opcode], ref: Sequence[Token]) -> tuple[int, int]:
    """Content words and words the opcodes match."""
    same = [t for op, _, _, j1, j2 in codes if op == "equal" for t in ref[j1:j2]]
    return sum(t.is_content for t in same), sum(t.is_word for t in same)


def _splits(ref: Sequence[Token]) -> set[int]:
    """Where a block may start or end: next to punctuation (a clause's edge)."""
    return {k for k in range(len(ref) + 1) if k in (0, len(ref)) or not ref[k - 1].is_word or not ref[k].is_word}


def _edge(splits: Sequence[int], k: int, step: int) -> int:
    """The nearest clause edge at or before `k` (step -1) or at or after it (step +1)."""
    return max(s for s in splits if s <= k) if step < 0 else min(s for s in splits if s >= k)


def _moved(ref: list[Token], start: int, end: int, to: int) -> list[Token]:
    """`ref` with `ref[start:end]` taken out and put back before index `to` of the original."""
    rest = ref[:start] + ref[end:]
    at = to if to <= start else to - (end - start)
    return rest[:at] + ref[start:end] + rest[at:]


def _best_move(cand: Sequence[Token], ref: list[Token], codes: list[Opcode], fixed: set[tuple]) -> tuple[list[Token], list[Token], list[Opcode]] | None:
    """The one block move that newly matches the most content words (at least MIN_GAIN) over
    `codes` (the diff of `ref` as it stands), as the reordered reference, the moved block and the
    reordered diff; None where no move gains that much. Tokens in `fixed` (moved already) do not
    suggest another move."""
    base = _matched(codes, ref)
    gaps = [c for c in codes if c[0] != "equal"]
    splits = sorted(_splits(ref))  # a list for _edge, and `in` on a few dozen is cheap
    best: tuple[tuple, list[Token], list[Token], list[Opcode]] | None = None
    for _, _, _, j1, j2 in gaps:
        dropped = {stem(t.norm): k for k in range(j1, j2) if (t := ref[k]).is_content and t.key not in fixed}
        for _, i1, i2, t1, t2 in gaps:
            shared = {s for s in dropped if s in {stem(t.norm) for t in cand[i1:i2] if t.is_content}}
            if len(shared) < MIN_GAIN or (t1, t2) == (j1, j2):
                continue
            first, last = min(dropped[s] for s in shared), max(dropped[s] for s in shared)
            starts = {j1, first, _edge(splits, j1, -1)} | {k for k in splits if j1 <= k <= first}
            ends = {j2, last + 1, _edge(splits, j2, +1)} | {k for k in splits if last < k <= j2}
            # where the candidate has the shared words: at the gap's edges, the clause edges around
            # them, or the start or end of the group (an attribution moved ahead or behind)
            targets = {0, len(ref), t1, t2, _edge(splits, t1, -1), _edge(splits, t2, +1)}
            for start in sorted(starts):
                for end in sorted(ends):
                    left = sum(t.is_content for t in ref[j1:start] + ref[end:j2])  # of the run, left behind
                    for to in sorted(targets - set(range(start, end + 1))):
                        moved = _moved(ref, start, end, to)
                        moved_codes = opcodes(cand, moved)
                        content, words = _matched(moved_codes, moved)
                        # the most content words newly matched; then the fewest content words of the
                        # run left behind; then the most words; then a block cut at clause edges and
                        # put at one; then the shortest block
                        clean = (start in splits) + (end in splits) + (to in splits)
                        key = (content - base[0], -left, words - base[1], clean, start - end, -start, -to)
                        if key[0] >= MIN_GAIN and (best is None or key > best[0]):
                            best = (key, moved, ref[start:end], moved_codes)
    return None if best is None else best[1:]


def reorder(cand: Sequence[Token], ref: Sequence[Token]) -> tuple[list[Token], list[list[Token]], list[Opcode]]:
    """The reference tokens in the order that matches the candidate best, the blocks moved, and the
    diff against that order: its own order unless moving a whole block matches at least MIN_GAIN
    more content words."""
    order, blocks, fixed = list(ref), [], set()
    codes = opcodes(cand, order)
    for _ in range(MAX_MOVES):
        found = _best_move(cand, order, codes, fixed)
        if found is None:
            break
        order, block, codes = found
        blocks.append(block)
        fixed |= {t.key for t in block}
    return order, blocks, codes


def seams(order: Sequence[Token], ref: Sequence[Token]) -> set[int]:
    """Indices of `order` where it leaves the reference's own order: the edges of moved blocks."""
    position = {t.key: k for k, t in enumerate(ref)}
    return {k for k in range(1, len(order)) if position[order[k].key] != position[order[k - 1].key] + 1}
