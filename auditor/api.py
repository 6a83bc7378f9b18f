"""The Python API: load → segment → embed → align → diff → detect → score, in plain stages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from .align import AlignOptions, align
from .baseline import Baseline
from .detect import Context, detect
from .detect.terminology import GlossaryEntry, accept_wording
from .diff import diff_group
from .language import check_same_language
from .load import DEFAULT_CORPUS, Document, Limits, load
from .result import CompareResult
from .score import ScoreOptions, summarise
from .segment import PunktSegmenter, Segmenter, Sentence, default_segmenter, segment


@dataclass
class Auditor:
    """Holds the loaded model and segmenter, so many comparisons share one load."""

    model: str | None = None
    device: str | None = None
    align_options: AlignOptions = field(default_factory=AlignOptions)
    score_options: ScoreOptions = field(default_factory=ScoreOptions)
    segmenter: Segmenter = field(default_factory=default_segmenter)
    glossary: Sequence[GlossaryEntry] = ()  # required and forbidden renderings: `terminology` findings
    accepted_wording: Sequence[tuple[str, str]] = ()  # rewordings the project accepts: their findings are dropped
    baseline: Baseline | None = None  # known findings, left out of the report and the verdict
    limits: Limits = field(default_factory=Limits)

    def compare_documents(self, candidate: Document, reference: Document) -> CompareResult:
        """Audit `candidate` against `reference`; input the limits or a language mismatch rule out raises InputError."""
        from .embed import load_embedder

        cand_label, ref_label = candidate.path or "the candidate text", reference.path or "the reference text"
        self.limits.check_text(candidate, cand_label)
        self.limits.check_text(reference, ref_label)
        check_same_language(candidate.text, cand_label, reference.text, ref_label)
        cand_sents = segment(candidate.text, self.segmenter, self.limits.max_sentence_chars)
        ref_sents = segment(reference.text, self.segmenter, self.limits.max_sentence_chars)
        self.limits.check_sentences(len(cand_sents), cand_label)
        self.limits.check_sentences(len(ref_sents), ref_label)
        candidate = _note_splits(candidate, cand_sents, self.limits.max_sentence_chars)
        reference = _note_splits(reference, ref_sents, self.limits.max_sentence_chars)
        embedder = load_embedder(self.model, self.device)
        vectors = embedder.encode([s.text for s in cand_sents] + [s.text for s in ref_sents])
        alignment = align(vectors[: len(cand_sents)], vectors[len(cand_sents) :], cand_sents, ref_sents, self.align_options)
        diffs = {
            k: diff_group(k, [cand_sents[i] for i in bead.candidate], [ref_sents[j] for j in bead.reference])
            for k, bead in enumerate(alignment.beads)
            if bead.aligned
        }
        context = Context(
            candidate.text, reference.text, cand_sents, ref_sents, alignment, diffs, embedder.vocabulary(), embedder.encode,
            glossary=self.glossary,
        )
        findings, accepted = accept_wording(detect(context), self.accepted_wording)
        summary = summarise(alignment, cand_sents, ref_sents, findings, self.score_options, {"accepted_wording": accepted, "baseline": 0})
        result = CompareResult(
            candidate=candidate,
            reference=reference,
            candidate_sentences=cand_sents,
            reference_sentences=ref_sents,
            alignment=alignment,
            findings=findings,
            summary=summary,
            model=embedder.name,
            segmenter=getattr(self.segmenter, "name", type(self.segmenter).__name__),
            diffs=diffs,
        )
        return self.apply_baseline(result, self.baseline) if self.baseline else result

    def apply_baseline(self, result: CompareResult, baseline: Baseline) -> CompareResult:
        """`result` without the findings `baseline` knows, its verdict decided again on what is left."""
        kept, suppressed = baseline.split(result.findings)
        counts = {**result.summary.suppressed, "baseline": result.summary.suppressed.get("baseline", 0) + len(suppressed)}
        summary = summarise(result.alignment, result.candidate_sentences, result.reference_sentences, kept, self.score_options, counts)
        return replace(result, findings=kept, summary=summary)

    def compare_files(
        self, candidate: str, reference: str, corpus: Path = DEFAULT_CORPUS, encoding: str | None = None
    ) -> CompareResult:
        """Audit two files, each given as a path or a seed id of `corpus`; `encoding` forces how both are decoded."""
        return self.compare_documents(
            load(candidate, corpus, encoding, self.limits), load(reference, corpus, encoding, self.limits)
        )


def _note_splits(document: Document, sentences: list[Sentence], max_chars: int) -> Document:
    """Say how many over-long sentences the segmenter split, so the report shows it."""
    split = sum(1 for k, s in enumerate(sentences) if s.continues and not sentences[k - 1].continues)
    if not split:
        return document
    pieces = sum(s.continues for s in sentences) + split
    note = f"{split} sentence{'s' if split > 1 else ''} over {max_chars:,} characters split at word boundaries into {pieces} pieces"
    return replace(document, notes=document.notes + (note,))


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
        Document.from_text(candidate_text, candidate_path),
        Document.from_text(reference_text, reference_path),
    )


__all__ = ["Auditor", "PunktSegmenter", "compare"]
