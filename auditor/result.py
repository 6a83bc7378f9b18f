"""The outcome of one comparison, and its JSON form (schema_version 1: extend, never rename)."""

from __future__ import annotations

from auditor.io.escape import dumps
from dataclasses import dataclass, field
from typing import Sequence

from auditor.pipeline.align import Alignment
from auditor.detect import Finding
from auditor.pipeline.diff import GroupDiff
from auditor.io.load import Document
from auditor.verdict.score import Summary
from auditor.pipeline.segment import Sentence
from auditor.signature import Signature

SCHEMA_VERSION = 1


@dataclass
class CompareResult:
    """Everything `audit compare` knows about a candidate and its reference."""

    candidate: Document
    reference: Document
    candidate_sentences: Sequence[Sentence]
    reference_sentences: Sequence[Sentence]
    alignment: Alignment
    findings: Sequence[Finding]
    summary: Summary
    model: str
    segmenter: str
    diffs: dict[int, GroupDiff] = field(default_factory=dict, repr=False)  # alignment entry -> word diff
    signature: Signature | None = None  # what the result depends on besides the texts (Auditor.finish sets it)

    def to_dict(self) -> dict:
        """The JSON contract that other tools read."""
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {
                "name": "auditor",
                "model": self.model,
                "segmenter": self.segmenter,
                "signature": self.signature.to_dict() if self.signature else None,
            },
            "candidate": _side(self.candidate, self.candidate_sentences),
            "reference": _side(self.reference, self.reference_sentences),
            "alignment": [bead.to_dict() for bead in self.alignment.beads],
            "null_model": {
                "location": round(self.alignment.null.location, 4),
                "scale": round(self.alignment.null.scale, 4),
                "threshold": round(self.alignment.null.threshold, 4),
            },
            "findings": [f.to_dict() for f in self.findings],
            "summary": {**self.summary.to_dict(), "boilerplate": self.boilerplate_counts()},
        }

    def boilerplate_counts(self) -> dict[str, int]:
        """Sentences of each side labelled page residue, which the coverage shares leave out."""
        return {
            side: sum(s.boilerplate for s in sentences)
            for side, sentences in (("candidate", self.candidate_sentences), ("reference", self.reference_sentences))
        }

    def to_json(self) -> str:
        """Deterministic JSON text: the same inputs give the same bytes."""
        return dumps(self.to_dict(), indent=2) + "\n"


def _side(document: Document, sentences: Sequence[Sentence]) -> dict:
    return {
        "path": document.path,
        "encoding": document.encoding,
        "notes": list(document.notes),
        "sentences": [
            {"start": s.start, "end": s.end, "text": s.text, **({"boilerplate": True} if s.boilerplate else {})} for s in sentences
        ],
    }
