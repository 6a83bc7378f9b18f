"""Stage 6, detect: turn diff hunks and sentence text into findings.

Each detector is a small class with a `name`, its `rules` and a frozen `Params`; `DETECTORS` is the
registry by name, in the order they run. A `DetectorSet` is built once (per-detector params and one
`SeverityPolicy`) and run on many comparisons: it hands each detector the tokens the earlier ones
explained, lets the policy decide every severity, drops duplicates and numbers the findings in
document order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from auditor.detect.base import SEVERITIES, Context, Detector, DetectorOutput, Explained, Finding, Proposal, Span
from auditor.detect.content import ContentDetector, UnalignedDetector
from auditor.detect.garble import GarbleDetector, GluedDetector
from auditor.detect.names import NameDetector
from auditor.detect.negation import NegationDetector
from auditor.detect.numbers import NumberDetector
from auditor.detect.policy import SeverityPolicy
from auditor.detect.similarity import SimilarityDetector
from auditor.detect.terminology import TerminologyDetector

# The run order: the glossary first, so its findings explain the words that the content detector
# would report again; glued words, names, numbers and negations before the content detector for the same reason.
DETECTORS: Mapping[str, type[Detector]] = {
    cls.name: cls
    for cls in (
        TerminologyDetector,
        GluedDetector,
        NameDetector,
        NumberDetector,
        NegationDetector,
        ContentDetector,
        UnalignedDetector,
        GarbleDetector,
        SimilarityDetector,
    )
}


@dataclass(frozen=True)
class DetectorSet:
    """The detectors of a run, in order, and the one policy that decides their severities."""

    detectors: tuple[Detector, ...] = field(default_factory=lambda: tuple(cls() for cls in DETECTORS.values()))
    policy: SeverityPolicy = field(default_factory=SeverityPolicy)

    @classmethod
    def build(
        cls, params: Mapping[str, Any] | None = None, policy: SeverityPolicy | None = None, names: Sequence[str] | None = None
    ) -> DetectorSet:
        """The detectors `names` (default: all, in registry order), each with its `Params` from `params`
        where given; a name the registry lacks raises ValueError."""
        params = dict(params or {})
        names = list(DETECTORS) if names is None else list(names)
        unknown = sorted((set(names) | set(params)) - set(DETECTORS))
        if unknown:
            raise ValueError(f"unknown detector {', '.join(unknown)}; known: {', '.join(DETECTORS)}")
        return cls(tuple(DETECTORS[name](params.get(name)) for name in names), policy or SeverityPolicy())

    def __getitem__(self, name: str) -> Detector:
        for detector in self.detectors:
            if detector.name == name:
                return detector
        raise KeyError(name)

    def propose(self, context: Context) -> list[Proposal]:
        """Every detector's proposals, in order, each detector shown what the ones before it explained;
        one per (category, spans): the first, as one error is one finding."""
        explained: Explained = frozenset()
        proposals: dict[tuple, Proposal] = {}
        for detector in self.detectors:
            output = detector.detect(context, explained)
            for p in output.proposals:
                proposals.setdefault((p.category, p.candidate_span, p.reference_span), p)
            explained |= output.explained
        return list(proposals.values())

    def run(self, context: Context) -> list[Finding]:
        """All findings of a comparison, sorted by position, with ids stable from run to run."""
        proposals = self.propose(context)
        found: dict[tuple, Finding] = {}
        for proposal, severity in zip(proposals, self.policy.decide_all(proposals, context)):
            if severity is not None:
                finding = proposal.finding(severity)
                found[(finding.category, finding.candidate_span, finding.reference_span)] = finding
        found = _sentence_level_only_alone(found)
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

    def settings(self) -> dict[str, dict[str, Any]]:
        """Each detector's parameters and its rules' severities, by detector name, as plain JSON values."""
        return {
            d.name: dict(sorted({**d.settings(), "severity": self.policy.settings(d.rules)}.items()))
            for d in sorted(self.detectors, key=lambda d: d.name)
        }


def _sentence_level_only_alone(found: dict[tuple, Finding]) -> dict[tuple, Finding]:
    """A sentence-level `meaning.sentence` finding stands only where no word-level finding in the same
    aligned pair is as severe: one problem, one finding."""
    worst: dict[int, int] = {}
    for f in found.values():
        if f.rule != "meaning.sentence" and f.alignment is not None:
            worst[f.alignment] = min(worst.get(f.alignment, 99), f.severity.rank)
    return {k: f for k, f in found.items() if f.rule != "meaning.sentence" or worst.get(f.alignment, 99) > f.severity.rank}


DEFAULT_DETECTORS = DetectorSet()  # the rule table: `detect` without a policy is the documented table


def detect(context: Context, detectors: DetectorSet = DEFAULT_DETECTORS) -> list[Finding]:
    """All findings of a comparison with the default detectors (or `detectors`)."""
    return detectors.run(context)


__all__ = [
    "DETECTORS", "SEVERITIES", "Context", "Detector", "DetectorOutput", "DetectorSet", "Finding", "Proposal",
    "SeverityPolicy", "Span", "detect",
]
