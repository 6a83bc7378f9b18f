"""Stage 6, detect: turn diff hunks and sentence text into findings.

Each detector is a small class behind one interface (`Detector.detect(context)`); `detect()`
runs them all, drops duplicates, and numbers the findings in document order.
"""

from __future__ import annotations

from dataclasses import replace

from .base import SEVERITIES, Context, Detector, Finding, Span
from .content import ContentDetector, UnalignedDetector
from .garble import GarbleDetector
from .names import NameDetector
from .negation import NegationDetector
from .numbers import NumberDetector
from .terminology import TerminologyDetector

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
            SEVERITIES.index(f.severity),
            f.category,
            f.reference_span.start if f.reference_span else -1,
        ),
    )
    return [replace(f, id=f"F{k:03d}", fingerprint=context.fingerprint(f)) for k, f in enumerate(ordered, 1)]


# What each category means, for reports that describe their rules (SARIF).
CATEGORIES = {
    "name": "A proper noun is spelled differently from the reference, or two ways in the candidate.",
    "number": "A number, amount or number word changed, added or dropped.",
    "negation": "A negation was lost or added: the candidate says the opposite.",
    "meaning": "A phrase was replaced or inserted in a way that changes what is claimed.",
    "addition": "Content with no counterpart in the reference.",
    "omission": "Content of the reference missing from the candidate.",
    "garble": "Broken text: a dangling fragment, a cut-off sentence, merged or doubled words.",
    "wording": "A rewording that keeps the meaning.",
    "terminology": "A glossary term is not rendered as the project's glossary requires.",
}

__all__ = ["CATEGORIES", "SEVERITIES", "Context", "Finding", "Span", "detect"]
