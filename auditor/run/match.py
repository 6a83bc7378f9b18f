"""Pairing: which documents of a collection are counterparts of which.

A cheap document-level similarity (the cosine of word-weighted mean sentence vectors) picks, for each
document, the few others worth aligning. The alignment then decides, with the very test `audit
compare` uses (`score.counterpart_share`): two documents are counterparts when beads that clear the
null threshold by a margin cover enough of the shorter one. Similar articles on the same subject are
close as wholes, so document similarity alone cannot tell a counterpart from a neighbour.

Pairs are one-to-one, the largest aligned share first. The candidate is the side with more garble
findings per sentence (machine translation is the damaged side); when both sides have the same rate
the pair keeps name order and is marked unoriented.
"""

from __future__ import annotations

from auditor.io.escape import dumps
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from tabulate import tabulate

from auditor.pipeline.align import Alignment, align
from auditor.api import Auditor, PreparedPair
from auditor.errors import InputError
from auditor.io.load import Document, load_file, resolve
from auditor.verdict.score import counterpart_share
from auditor.pipeline.pooling import pooled
from auditor.pipeline.segment import Sentence
from auditor.render.terminal import clean

SCHEMA_VERSION = 1
DEFAULT_PATTERN = "*.txt"


@dataclass(frozen=True)
class Counterparts:
    """Two documents that align: `candidate` is the garbled side unless `oriented` is false."""

    candidate: str
    reference: str
    similarity: float  # cosine of the two document vectors
    counterpart_share: float  # share of the shorter document in strong beads
    garble: dict[str, int]  # garble findings on each side, keyed candidate / reference
    oriented: bool  # false: both sides equally garbled, so the pair is in name order


@dataclass(frozen=True)
class Unmatched:
    """A document with no counterpart, and the closest other document it was tried against."""

    document: str
    closest: str | None
    similarity: float | None
    counterpart_share: float | None


@dataclass(frozen=True)
class MatchResult:
    documents: list[str]
    counterparts: list[Counterparts]
    unmatched: list[Unmatched]

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "documents": self.documents,
            "counterparts": [_rounded(asdict(c)) for c in self.counterparts],
            "unmatched": [_rounded(asdict(u)) for u in self.unmatched],
        }

    def to_json(self) -> str:
        return dumps(self.to_dict(), indent=2) + "\n"


def _rounded(item: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in item.items()}


def collect(specs: Sequence[str], corpus: Path, pattern: str = DEFAULT_PATTERN) -> list[Path]:
    """The files `specs` name, in order and without repeats: a folder stands for its files matching
    `pattern` (sorted by name, not recursive); anything else is a path or a seed id of `corpus`."""
    paths: list[Path] = []
    for spec in specs:
        folder = Path(spec)
        if folder.is_dir():
            found = sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))
            if not found:
                raise InputError(f"{spec}: no file in this folder matches {pattern!r}")
            paths += found
        else:
            paths.append(resolve(spec, corpus))
    unique = {p.resolve(): p for p in reversed(paths)}  # keep each file's first spelling and place
    return sorted(unique.values(), key=paths.index)


def load_documents(specs: Sequence[str], corpus: Path, pattern: str = DEFAULT_PATTERN) -> list[Document]:
    """The documents to match; at least two, every one readable."""
    documents = [load_file(path) for path in collect(specs, corpus, pattern)]
    if len(documents) < 2:
        raise InputError(f"{' '.join(specs)}: need at least two documents to match, found {len(documents)}")
    return documents


def match_documents(auditor: Auditor, documents: Sequence[Document], tries: int = 5) -> MatchResult:
    """Pair `documents` one-to-one; each is aligned with at most `tries` of its nearest others."""
    sentences = [auditor.sentences(d) for d in documents]
    vectors = auditor.encode(sentences)
    whole = np.stack([pooled(v, s) for v, s in zip(vectors, sentences)])
    similarity = whole @ whole.T
    nearest = {
        tuple(sorted((i, int(j))))
        for i in range(len(documents))
        for j in [j for j in np.argsort(-similarity[i], kind="stable") if j != i][:tries]
    }
    alignments = {(i, j): align(vectors[i], vectors[j], sentences[i], sentences[j], auditor.align_options) for i, j in sorted(nearest)}
    shares = {
        (i, j): counterpart_share(alignment, len(sentences[i]), len(sentences[j]), auditor.score_options)
        for (i, j), alignment in alignments.items()
    }
    ranked = sorted(shares, key=lambda ij: (-shares[ij], -similarity[ij], ij))
    paired: dict[int, int] = {}
    for i, j in ranked:
        if shares[i, j] >= auditor.score_options.min_counterpart_share and i not in paired and j not in paired:
            paired[i], paired[j] = j, i
    names = [d.path or d.name for d in documents]

    def oriented(i: int, j: int) -> Counterparts:
        reverse = align(vectors[j], vectors[i], sentences[j], sentences[i], auditor.align_options)
        garble = {
            i: _garble_count(auditor, documents[i], documents[j], sentences[i], sentences[j], alignments[i, j]),
            j: _garble_count(auditor, documents[j], documents[i], sentences[j], sentences[i], reverse),
        }
        # More findings per sentence marks the candidate; compare the rates as cross products.
        rate_i, rate_j = garble[i] * len(sentences[j]), garble[j] * len(sentences[i])
        cand, ref = (j, i) if rate_j > rate_i else (i, j)
        return Counterparts(
            names[cand], names[ref], float(similarity[i, j]), shares[i, j],
            {"candidate": garble[cand], "reference": garble[ref]}, rate_i != rate_j,
        )

    def closest(i: int) -> Unmatched:
        tried = [ij for ij in ranked if i in ij]
        if not tried:
            return Unmatched(names[i], None, None, None)
        j = sum(tried[0]) - i
        return Unmatched(names[i], names[j], float(similarity[i, j]), shares[tried[0]])

    return MatchResult(
        documents=names,
        counterparts=[oriented(i, j) for i, j in sorted(ij for ij in ranked if paired.get(ij[0]) == ij[1])],
        unmatched=[closest(i) for i in range(len(documents)) if i not in paired],
    )


def _garble_count(
    auditor: Auditor, cand: Document, ref: Document, cand_sents: Sequence[Sentence], ref_sents: Sequence[Sentence], alignment: Alignment
) -> int:
    """Garble findings on `cand` audited against `ref` (text the reference shares is not counted)."""
    context = auditor.context(PreparedPair(cand, ref, list(cand_sents), list(ref_sents)), alignment, auditor.encoder())
    return len(auditor.detectors["garble"].detect(context).proposals)


def render(result: MatchResult) -> str:
    """The terminal view: counterpart pairs, then documents with none."""
    pairs = [
        [
            _name(c.candidate),
            _name(c.reference),
            f"{c.similarity:.3f}",
            f"{c.counterpart_share:.0%}",
            f"{c.garble['candidate']} / {c.garble['reference']}",
            "more garble" if c.oriented else "name order (garble even)",
        ]
        for c in result.counterparts
    ]
    count = len(result.counterparts)
    parts = [f"{len(result.documents)} documents, {count} counterpart pair{'' if count == 1 else 's'}", ""]
    if pairs:
        headers = ["candidate", "reference", "similarity", "aligned", "garble (cand / ref)", "candidate by"]
        parts += [tabulate(pairs, headers), ""]
    if result.unmatched:
        rows = [
            [_name(u.document), _name(u.closest) if u.closest else "-",
             "-" if u.similarity is None else f"{u.similarity:.3f}",
             "-" if u.counterpart_share is None else f"{u.counterpart_share:.0%}"]
            for u in result.unmatched
        ]
        parts += [f"No counterpart: {len(rows)}", tabulate(rows, ["document", "closest", "similarity", "aligned"]), ""]
    return "\n".join(parts)


def _name(path: str) -> str:
    return clean(Path(path).name, 60)
