"""Leftover sentences: an unaligned sentence joins the aligned bead beside it in the same paragraph.

One side often says in two sentences what the other says in one (a reference sentence, its
translation split in two; garbled text broken into pieces such as "aid group."). The search charges
a 2-1 bead a merge penalty over the 1-1 it replaces, so a second sentence that adds little to the
pooled vector stays unaligned, although it holds part of its neighbour's counterpart. Inside one
paragraph, after gap filling found it no partner of its own, it joins when it is a remnant (three
words or fewer, or a lower-case start: the rest of the sentence before it), when the other side of
that bead has words left unexplained, or when the bead scores higher with it than without it. A
remnant joins the bead before it; any other sentence that both neighbours could take joins the one
whose cosine it raises most (a reference sentence between two beads whose candidates both run
longer completes one of them, not always the one before). The missing half of a translation raises
the pooled cosine, an addition (unrelated to the bead, or another story's sentence on the same
subject) lowers it and stays unaligned. A bead that merely stays above the null threshold is no
evidence: a strong 1-1 bead stays above it with any sentence added.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from auditor.pipeline.band import Side
from auditor.pipeline.segment import Sentence

Raw = list[list[list[int]]]  # beads as [candidate indices, reference indices]


def pooled_cosine(cand: Side, ref: Side, cand_idx: Sequence[int], ref_idx: Sequence[int]) -> float:
    """Cosine of one bead of any shape: word-weighted sums of its sentence vectors."""
    c = (cand.vectors[list(cand_idx)] * cand.weights[list(cand_idx), None]).sum(axis=0)
    r = (ref.vectors[list(ref_idx)] * ref.weights[list(ref_idx), None]).sum(axis=0)
    return float(c @ r / max(np.sqrt(c @ c) * np.sqrt(r @ r), 1e-12))  # np.linalg.norm, without its checks


def attach_leftovers(beads: Raw, sides: tuple[Side, Side], sents: tuple[Sequence[Sentence], Sequence[Sentence]]) -> Raw:
    """`beads` with each unaligned sentence that belongs to a neighbouring bead of its paragraph joined to it."""
    for key in (0, 1):
        sentences, others = sents[key], sents[1 - key]
        owner = {idx: bead for bead in beads if bead[0] and bead[1] for idx in bead[key]}
        joined: set[int] = set()
        for number, bead in enumerate(beads):
            if bead[1 - key] or not bead[key]:
                continue
            (idx,) = bead[key]
            host = _host(idx, owner, sentences, others, key, sides)
            if host is not None:
                host[key] = sorted(host[key] + [idx])
                owner[idx] = host
                joined.add(number)
        beads = [bead for number, bead in enumerate(beads) if number not in joined]
    return beads


def _host(idx: int, owner: dict, sentences: Sequence[Sentence], others: Sequence[Sentence], key: int, sides: tuple[Side, Side]) -> list | None:
    """The neighbouring bead of the same paragraph that sentence `idx` of side `key` belongs to, if any:
    for a remnant the bead before it; else, of the neighbours it may join, the one whose cosine it raises most."""
    piece = sentences[idx]
    best, best_gain = None, -np.inf
    for neighbour in (idx - 1, idx + 1):
        host = owner.get(neighbour)
        if host is None or sentences[neighbour].paragraph != piece.paragraph:
            continue
        mine = sum(sentences[k].words for k in host[key])
        theirs = sum(others[k].words for k in host[1 - key])
        if piece.words <= 3 or piece.text[:1].islower():
            return host  # a dangling remnant: the rest of the sentence before it, where there is one
        short = theirs - mine >= piece.words / 2  # the bead's other side has words this side leaves unexplained
        grown = sorted(host[key] + [idx])
        gain = pooled_cosine(*sides, *((grown, host[1]) if key == 0 else (host[0], grown))) - pooled_cosine(*sides, host[0], host[1])
        if (short or gain >= 0) and gain > best_gain:
            best, best_gain = host, gain
    return best
