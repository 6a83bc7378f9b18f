"""Stage 6, detect: turn diff hunks and sentence text into findings."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("critical", "major", "minor")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """One flagged problem, located in the candidate and (where it has one) the reference."""

    id: str
    category: str
    severity: str
    message: str
    candidate_span: Span | None
    candidate_text: str
    reference_span: Span | None
    reference_text: str
    alignment: int | None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "candidate_span": None if self.candidate_span is None else vars(self.candidate_span).copy(),
            "candidate_text": self.candidate_text,
            "reference_span": None if self.reference_span is None else vars(self.reference_span).copy(),
            "reference_text": self.reference_text,
            "alignment": self.alignment,
        }
