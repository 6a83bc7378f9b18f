"""The Python API: load → segment → embed → align → diff → detect → score, in plain stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .align import AlignOptions, align
from .detect import Context, detect
from .diff import diff_group
from .load import DEFAULT_CORPUS, Document, load, normalise_newlines
from .result import CompareResult
from .score import ScoreOptions, summarise
from .segment import PunktSegmenter, Segmenter, Sentence, default_segmenter, segment

if TYPE_CHECKING:
    from .embed import Embedder


@dataclass(frozen=True)
class PreparedPair:
    """Two documents split into sentences: what the encoder needs and the later stages reuse."""

    candidate: Document
    reference: Document
    candidate_sentences: list[Sentence]
    reference_sentences: list[Sentence]


@dataclass
class Auditor:
    """Holds the loaded model and segmenter, so many comparisons share one load.

    A comparison runs in three phases, so a batch can embed the sentences of many pairs in one
    model call: `prepare` (segment), `encode` (embed any number of sentence lists at once), and
    `finish` (align, diff, detect, score).
    """

    model: str | None = None
    device: str | None = None
    align_options: AlignOptions = field(default_factory=AlignOptions)
    score_options: ScoreOptions = field(default_factory=ScoreOptions)
    segmenter: Segmenter = field(default_factory=default_segmenter)

    def embedder(self) -> "Embedder":
        """The model, loaded on first use and then shared by every comparison in this process."""
        from .embed import load_embedder

        return load_embedder(self.model, self.device)

    def sentences(self, document: Document) -> list[Sentence]:
        """Split a document into sentences."""
        return segment(document.text, self.segmenter)

    def prepare(self, candidate: Document, reference: Document) -> PreparedPair:
        """Split both documents of a pair into sentences."""
        return PreparedPair(candidate, reference, self.sentences(candidate), self.sentences(reference))

    def encode(self, sentence_lists: Sequence[Sequence[Sentence]]) -> list[np.ndarray]:
        """Unit vectors for each list of sentences, from one model call over all of them: the model
        batches sentences of similar length together, which is faster than one call per document."""
        vectors = self.embedder().encode([s.text for sentences in sentence_lists for s in sentences])
        bounds = np.cumsum([0] + [len(sentences) for sentences in sentence_lists])
        return [vectors[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]

    def finish(self, pair: PreparedPair, cand_vectors: np.ndarray, ref_vectors: np.ndarray) -> CompareResult:
        """Align, diff, detect and score a prepared pair given its sentence vectors."""
        embedder = self.embedder()
        cand_sents, ref_sents = pair.candidate_sentences, pair.reference_sentences
        alignment = align(cand_vectors, ref_vectors, cand_sents, ref_sents, self.align_options)
        diffs = {
            k: diff_group(k, [cand_sents[i] for i in bead.candidate], [ref_sents[j] for j in bead.reference])
            for k, bead in enumerate(alignment.beads)
            if bead.aligned
        }
        context = Context(
            pair.candidate.text, pair.reference.text, cand_sents, ref_sents, alignment, diffs, embedder.vocabulary(), embedder.encode
        )
        findings = detect(context)
        summary = summarise(alignment, cand_sents, ref_sents, findings, self.score_options)
        return CompareResult(
            candidate=pair.candidate,
            reference=pair.reference,
            candidate_sentences=cand_sents,
            reference_sentences=ref_sents,
            alignment=alignment,
            findings=findings,
            summary=summary,
            model=embedder.name,
            segmenter=getattr(self.segmenter, "name", type(self.segmenter).__name__),
        )

    def compare_documents(self, candidate: Document, reference: Document) -> CompareResult:
        """Audit `candidate` against `reference`."""
        pair = self.prepare(candidate, reference)
        cand_vectors, ref_vectors = self.encode([pair.candidate_sentences, pair.reference_sentences])
        return self.finish(pair, cand_vectors, ref_vectors)

    def compare_files(self, candidate: str, reference: str, corpus: Path = DEFAULT_CORPUS) -> CompareResult:
        """Audit two files, each given as a path or a seed id of `corpus`."""
        return self.compare_documents(load(candidate, corpus), load(reference, corpus))


def compare(
    candidate_text: str,
    reference_text: str,
    *,
    model: str | None = None,
    fail_on: str = "major",
    candidate_path: str | None = None,
    reference_path: str | None = None,
) -> CompareResult:
    """Audit a candidate text against its clean reference; `to_dict()` of the result is the JSON output."""
    auditor = Auditor(model=model, score_options=ScoreOptions(fail_on=fail_on))
    return auditor.compare_documents(
        Document(normalise_newlines(candidate_text), candidate_path),
        Document(normalise_newlines(reference_text), reference_path),
    )


__all__ = ["Auditor", "PreparedPair", "PunktSegmenter", "compare"]
