"""Stage 6, detect: turn diff hunks and sentence text into findings.

Each detector is a small class behind one interface (`Detector.detect(context)`); `detect()`
runs them all, drops duplicates, and numbers the findings in document order.
"""

from __future__ import annotations

from dataclasses import replace

from auditor.detect.base import SEVERITIES, Context, Detector, Finding, Span
from auditor.detect.content import ContentDetector, UnalignedDetector
from auditor.detect.garble import GarbleDetector
from auditor.detect.names import NameDetector
from auditor.detect.negation import NegationDetector
from auditor.detect.numbers import NumberDetector
from auditor.detect.terminology import TerminologyDetector

# First the glossary, so its findings explain the words the other detectors would report again.
DETECTORS: tuple[type[Detector], ...] = (
    TerminologyDetector,
    NameDetector,
    NumberDetector,
    NegationDetector,
    ContentDetector,
    UnalignedDetector,
    GarbleDetector,
)


def detect(context: Context) -> list[Finding]:
    """All findings of a comparison, sorted by position, with ids stable from run to run."""
    found: dict[tuple, Finding] = {}
    for detector_class in DETECTORS:
        for finding in detector_class().detect(context):
            key = (finding.category, finding.candidate_span, finding.reference_span)
            found.setdefault(key, finding)
    ordered = sorted(
        found.values(),
        key=lambda f: (
            f.candidate_span.start if f.candidate_span else context.anchor(f),
            f.candidate_span.end if f.candidate_span else 0,
            f.severity.rank,
            f.category,
            f.reference_span.start if f.reference_span else -1,
        ),
    )
    return [replace(f, id=f"F{k:03d}", fingerprint=context.fingerprint(f)) for k, f in enumerate(ordered, 1)]


__all__ = ["SEVERITIES", "Context", "Finding", "Span", "detect"]
