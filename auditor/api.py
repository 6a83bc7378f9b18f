"""The Python API: load → segment → embed → align → diff → detect → score, in plain stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .align import AlignOptions, align
from .detect import Context, detect
from .diff import diff_group
from .load import DEFAULT_CORPUS, Document, load, normalise_newlines
from .result import CompareResult
from .score import ScoreOptions, summarise
from .segment import PunktSegmenter, Segmenter, default_segmenter, segment

if TYPE_CHECKING:
    from .embed import Encoder


@dataclass
class Auditor:
    """Holds the loaded model and segmenter, so many comparisons share one load."""

    model: str | None = None
    device: str | None = None  # cpu (default), cuda, mps or auto
    cache: str | Path | None = None  # folder of the on-disk embedding cache; None: no cache
    align_options: AlignOptions = field(default_factory=AlignOptions)
    score_options: ScoreOptions = field(default_factory=ScoreOptions)
    segmenter: Segmenter = field(default_factory=default_segmenter)

    @cached_property
    def _cache(self):
        from .cache import EmbeddingCache

        return EmbeddingCache(self.cache) if self.cache is not None else None

    def encoder(self) -> Encoder:
        """An encoder with this auditor's model and cache: share one across comparisons (and encode
        the sentences of many documents in one call first) so that every text is encoded once."""
        from .embed import Encoder, load_embedder

        return Encoder(load_embedder(self.model, self.device), self._cache)

    def compare_documents(self, candidate: Document, reference: Document, encoder: Encoder | None = None) -> CompareResult:
        """Audit `candidate` against `reference`."""
        encode = encoder or self.encoder()
        embedder = encode.embedder
        cand_sents = segment(candidate.text, self.segmenter)
        ref_sents = segment(reference.text, self.segmenter)
        vectors = encode([s.text for s in cand_sents] + [s.text for s in ref_sents])
        alignment = align(vectors[: len(cand_sents)], vectors[len(cand_sents) :], cand_sents, ref_sents, self.align_options)
        diffs = {
            k: diff_group(k, [cand_sents[i] for i in bead.candidate], [ref_sents[j] for j in bead.reference])
            for k, bead in enumerate(alignment.beads)
            if bead.aligned
        }
        context = Context(
            candidate.text, reference.text, cand_sents, ref_sents, alignment, diffs, embedder.vocabulary(), encode
        )
        findings = detect(context)
        summary = summarise(alignment, cand_sents, ref_sents, findings, self.score_options)
        return CompareResult(
            candidate=candidate,
            reference=reference,
            candidate_sentences=cand_sents,
            reference_sentences=ref_sents,
            alignment=alignment,
            findings=findings,
            summary=summary,
            model=embedder.name,
            segmenter=getattr(self.segmenter, "name", type(self.segmenter).__name__),
        )

    def compare_files(self, candidate: str, reference: str, corpus: Path = DEFAULT_CORPUS) -> CompareResult:
        """Audit two files, each given as a path or a seed id of `corpus`."""
        return self.compare_documents(load(candidate, corpus), load(reference, corpus))


def compare(
    candidate_text: str,
    reference_text: str,
    *,
    model: str | None = None,
    device: str | None = None,
    cache: str | Path | None = None,
    fail_on: str = "major",
    candidate_path: str | None = None,
    reference_path: str | None = None,
) -> CompareResult:
    """Audit a candidate text against its clean reference; `to_dict()` of the result is the JSON output."""
    auditor = Auditor(model=model, device=device, cache=cache, score_options=ScoreOptions(fail_on=fail_on))
    return auditor.compare_documents(
        Document(normalise_newlines(candidate_text), candidate_path),
        Document(normalise_newlines(reference_text), reference_path),
    )


__all__ = ["Auditor", "PunktSegmenter", "compare"]
