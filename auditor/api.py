"""The Python API: load → segment → embed → align → diff → detect → score, in plain stages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from auditor.pipeline.align import Alignment, AlignOptions, align
from auditor.verdict.baseline import Baseline
from auditor.detect import Context, DetectorSet, SeverityPolicy
from auditor.detect.glossary import GlossaryEntry
from auditor.verdict.suppression import accept_wording
from auditor.pipeline.diff import GroupDiff, diff_group
from auditor.io.language import check_same_language
from auditor.io.load import DEFAULT_CORPUS, Document, Limits, load
from auditor.result import CompareResult
from auditor.signature import Signature
from auditor.verdict.score import ScoreOptions, summarise
from auditor.pipeline.boilerplate import label_boilerplate
from auditor.pipeline.segment import PunktSegmenter, Segmenter, Sentence, default_segmenter, segment

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.pipeline.embed import Embedder, Encoder


@dataclass(frozen=True)
class PreparedPair:
    """Two documents split into sentences: what the encoder needs and the later stages reuse."""

    candidate: Document
    reference: Document
    candidate_sentences: list[Sentence]
    reference_sentences: list[Sentence]


@dataclass
class Auditor:
    """Holds the loaded model and segmenter, so many comparisons share one load."""

    model: str | None = None
    device: str | None = None  # cpu (default), cuda, mps or auto
    backend: str | None = None  # how the model runs: auto (default: onnx for the bundled model on the cpu), onnx or torch
    cache: str | Path | None = None  # folder of the on-disk embedding cache; None: no cache
    align_options: AlignOptions = field(default_factory=AlignOptions)
    score_options: ScoreOptions = field(default_factory=lambda: ScoreOptions(min_score=SeverityPolicy.default().min_score))  # the CLI's default gate
    segmenter: Segmenter = field(default_factory=default_segmenter)
    glossary: Sequence[GlossaryEntry] = ()  # required and forbidden renderings: `terminology` findings
    accepted_wording: Sequence[tuple[str, str]] = ()  # rewordings the project accepts: their findings are dropped
    baseline: Baseline | None = None  # known findings, left out of the report and the verdict
    limits: Limits = field(default_factory=Limits)
    detectors: DetectorSet = field(default_factory=lambda: DetectorSet(policy=SeverityPolicy.default()))  # built once: per-detector params and the severity policy

    def embedder(self) -> "Embedder":
        """The model, loaded on first use and then shared by every comparison in this process."""
        from auditor.pipeline.embed import load_embedder

        return load_embedder(self.model, self.device, self.backend)

    def detector_settings(self) -> dict[str, dict]:
        """Every detector's parameters by detector name, for the signature of each output."""
        return self.detectors.settings()

    def encoder(self) -> "Encoder":
        """An encoder with this auditor's model and cache: share one across the pairs of a batch
        (encoding all their sentences in one call first) so that every text is encoded once."""
        from auditor.pipeline.cache import EmbeddingCache
        from auditor.pipeline.embed import Encoder

        return Encoder(self.embedder(), EmbeddingCache(self.cache) if self.cache is not None else None)

    def sentences(self, document: Document) -> list[Sentence]:
        """Split a document into sentences; one with more than the limit allows raises InputError."""
        sentences = segment(document.text, self.segmenter, self.limits.max_sentence_chars)
        self.limits.check_sentences(len(sentences), _label(document, "text"))
        return label_boilerplate(sentences)

    def prepare(self, candidate: Document, reference: Document) -> PreparedPair:
        """Split both documents of a pair into sentences; input the limits or a language mismatch
        rule out raises InputError."""
        cand_label, ref_label = _label(candidate, "candidate text"), _label(reference, "reference text")
        self.limits.check_text(candidate, cand_label)
        self.limits.check_text(reference, ref_label)
        check_same_language(candidate.text, cand_label, reference.text, ref_label)
        cand_sents, ref_sents = self.sentences(candidate), self.sentences(reference)
        candidate = _note_splits(candidate, cand_sents, self.limits.max_sentence_chars)
        reference = _note_splits(reference, ref_sents, self.limits.max_sentence_chars)
        return PreparedPair(candidate, reference, cand_sents, ref_sents)

    def encode(self, sentence_lists: Sequence[Sequence[Sentence]], encoder: "Encoder | None" = None) -> list[np.ndarray]:
        """Unit vectors for each list of sentences, from one model call over all of them: the model
        batches sentences of similar length together, which is faster than one call per document."""
        vectors = (encoder or self.encoder())([s.text for sentences in sentence_lists for s in sentences])
        bounds = np.cumsum([0] + [len(sentences) for sentences in sentence_lists])
        return [vectors[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]

    def finish(
        self, pair: PreparedPair, cand_vectors: np.ndarray, ref_vectors: np.ndarray, encoder: "Encoder | None" = None
    ) -> CompareResult:
        """Align, diff, detect and score a prepared pair given its sentence vectors; `encoder` (the
        one that made them, so nothing is encoded twice) serves the detectors that embed text."""
        encoder = encoder or self.encoder()
        embedder = encoder.embedder
        cand_sents, ref_sents = pair.candidate_sentences, pair.reference_sentences
        context = self.analyse(pair, cand_vectors, ref_vectors, encoder)
        alignment, diffs = context.alignment, context.diffs
        findings, accepted = accept_wording(self.detectors.run(context), self.accepted_wording)
        findings, known = self.baseline.split(findings) if self.baseline else (findings, [])
        summary = summarise(
            alignment, cand_sents, ref_sents, findings, self.score_options, {"accepted_wording": accepted, "baseline": len(known)},
            self.detectors.policy.score_params,
        )
        findings = findings if summary.counterparts else []  # between unrelated texts a finding means nothing
        segmenter = getattr(self.segmenter, "name", type(self.segmenter).__name__)
        return CompareResult(
            candidate=pair.candidate,
            reference=pair.reference,
            candidate_sentences=cand_sents,
            reference_sentences=ref_sents,
            alignment=alignment,
            findings=findings,
            summary=summary,
            model=embedder.name,
            segmenter=segmenter,
            diffs=diffs,
            signature=Signature.create(embedder.name, segmenter, self.align_options, self.score_options, self.detector_settings(), self.detectors.policy.describe()),
        )

    def analyse(self, pair: PreparedPair, cand_vectors: np.ndarray, ref_vectors: np.ndarray, encoder: "Encoder") -> Context:
        """Align and diff a prepared pair: the context the detectors (and a policy's calibration) look at."""
        cand_sents, ref_sents = pair.candidate_sentences, pair.reference_sentences
        alignment = align(cand_vectors, ref_vectors, cand_sents, ref_sents, self.align_options)
        diffs = {
            k: diff_group(k, [cand_sents[i] for i in bead.candidate], [ref_sents[j] for j in bead.reference])
            for k, bead in enumerate(alignment.beads)
            if bead.aligned
        }
        return self.context(pair, alignment, encoder, diffs)

    def context(
        self, pair: PreparedPair, alignment: Alignment, encoder: "Encoder", diffs: dict[int, GroupDiff] | None = None
    ) -> Context:
        """What the detectors look at for an aligned pair; without `diffs` only the checks that need
        no word diff have anything to go on (document matching counts garble that way)."""
        return Context(
            pair.candidate.text, pair.reference.text, pair.candidate_sentences, pair.reference_sentences, alignment,
            diffs or {}, encoder.embedder.vocabulary(), encoder, glossary=self.glossary,
        )

    def apply_baseline(self, result: CompareResult, baseline: Baseline) -> CompareResult:
        """`result` without the findings `baseline` knows, its verdict decided again on what is left."""
        kept, suppressed = baseline.split(result.findings)
        counts = {**result.summary.suppressed, "baseline": result.summary.suppressed.get("baseline", 0) + len(suppressed)}
        summary = summarise(result.alignment, result.candidate_sentences, result.reference_sentences, kept, self.score_options, counts, self.detectors.policy.score_params)
        kept = kept if summary.counterparts else []
        return replace(result, findings=kept, summary=summary)

    def compare_documents(self, candidate: Document, reference: Document, encoder: "Encoder | None" = None) -> CompareResult:
        """Audit `candidate` against `reference`; pass one `encoder` to many comparisons to encode each text once."""
        pair = self.prepare(candidate, reference)
        encoder = encoder or self.encoder()
        cand_vectors, ref_vectors = self.encode([pair.candidate_sentences, pair.reference_sentences], encoder)
        return self.finish(pair, cand_vectors, ref_vectors, encoder)

    @classmethod
    def from_config(cls, config: "Config | str | Path | None" = None, **options: Any) -> "Auditor":
        """An Auditor as `audit compare` would build it: a loaded configuration (or the file at that
        path; None: audit.toml / [tool.audit] found from here upward, else the defaults), with any of
        the CLI's settings on top: fail_on, max_penalty, min_coverage, min_score, policy, model, encoder, glossary,
        accepted_wording (the configuration file's keys, in Python spelling), and cache, device."""
        from auditor.config import Config, load_config

        settings = config if isinstance(config, Config) else load_config(None if config is None else Path(config))
        runtime = {key: options.pop(key) for key in ("cache", "device") if key in options}
        for key in ("glossary", "accepted_wording"):
            if key in options and options[key] is not None:
                options[key] = tuple(options[key])
        unknown = sorted(set(options) - set(Config.__dataclass_fields__))
        if unknown:
            raise TypeError(f"unknown option {unknown[0]!r} (known: {', '.join(sorted(Config.__dataclass_fields__))}, cache, device)")
        return cls.from_settings(settings.override(**options), **runtime)

    @classmethod
    def from_settings(
        cls, settings: "Config", baseline: Baseline | None = None, limits: Limits | None = None,
        cache: Path | None = None, device: str | None = None,
    ) -> "Auditor":
        """An Auditor with a loaded configuration's settings (the model is loaded on its first comparison)."""
        from auditor.detect import DetectorSet

        policy = settings.severity_policy()
        return cls(
            model=settings.model,
            backend=settings.encoder,
            score_options=settings.score_options(policy),
            detectors=DetectorSet(policy=policy),
            glossary=settings.glossary,
            accepted_wording=settings.accepted_wording,
            baseline=baseline,
            limits=limits or Limits(),
            cache=cache,
            device=device,
        )

    def compare(
        self, candidate_text: str, reference_text: str, *, candidate_path: str | None = None, reference_path: str | None = None
    ) -> CompareResult:
        """Audit a candidate text against its reference text (the paths only name them in outputs)."""
        return self.compare_documents(Document.from_text(candidate_text, candidate_path), Document.from_text(reference_text, reference_path))

    def compare_files(
        self, candidate: str, reference: str, corpus: Path = DEFAULT_CORPUS, encoding: str | None = None,
        *, candidate_encoding: str | None = None, reference_encoding: str | None = None,
    ) -> CompareResult:
        """Audit two files, each given as a path or a seed id of `corpus`; `encoding` forces how both are
        decoded, `candidate_encoding` / `reference_encoding` how one is (a UTF-16 candidate of a UTF-8 reference)."""
        return self.compare_documents(
            load(candidate, corpus, candidate_encoding or encoding, self.limits),
            load(reference, corpus, reference_encoding or encoding, self.limits),
        )


def _label(document: Document, fallback: str) -> str:
    return document.path or f"the {fallback}"


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
    config: "Config | str | Path | None" = None,
    candidate_path: str | None = None,
    reference_path: str | None = None,
    **options: Any,
) -> CompareResult:
    """Audit a candidate text against its clean reference with the project's configuration and the
    CLI's options (see `Auditor.from_config`); `to_dict()` of the result is the JSON output. Loads
    the model on each call: keep an `Auditor` for many comparisons."""
    auditor = Auditor.from_config(config, **options)
    return auditor.compare(candidate_text, reference_text, candidate_path=candidate_path, reference_path=reference_path)


__all__ = ["Auditor", "PreparedPair", "PunktSegmenter", "compare"]
