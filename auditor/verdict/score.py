"""Stage 7, score: coverage, counterpart decision, severity counts, penalty, document score and verdict.

The document score (0-100, higher is better) is what the reviewers' ranking of documents was fitted
on (the policy file's `score` constants, see `document_score`); the penalty counts only findings in
checked (aligned) text per 100 checked words, and the findings in unchecked text are counted apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from auditor.pipeline.align import Alignment
from auditor.detect import Finding
from auditor.domain import DEFAULT_FAIL_ON, SEVERITIES, FailOn, Severity, Verdict
from auditor.errors import ExitCode
from auditor.pipeline.segment import Sentence

PENALTY_POINTS = {Severity.MINOR: 1, Severity.MAJOR: 5, Severity.CRITICAL: 25}
# Fail closed: a document of which less than half could be checked is mostly unchecked, and the gate
# fails by default (--min-coverage 0 turns it off). README, "Gate options".
DEFAULT_MIN_COVERAGE = 0.5

POINTS = {str(s): float(p) for s, p in PENALTY_POINTS.items()}
DEFAULT_SCORE_PARAMS = {"similarity_floor": 0.5, "penalty_scale": 40.0}


def document_score(mean_similarity: float, word_coverage: float, penalty: float, params: Mapping[str, float | None] | None = None) -> float:
    """100 x (share of candidate words aligned) x (how far the aligned similarity clears the floor,
    0 at `similarity_floor`, 1 at identity) x exp(-penalty / `penalty_scale`), that last factor 1 when the scale is None (the fit found
    the penalty adds nothing to the ranking)."""
    params = params or DEFAULT_SCORE_PARAMS
    floor, scale = float(params["similarity_floor"]), params["penalty_scale"]
    closeness = min(1.0, max(0.0, (mean_similarity - floor) / (1.0 - floor)))
    return 100.0 * word_coverage * closeness * (1.0 if scale is None else math.exp(-penalty / float(scale)))


@dataclass(frozen=True)
class ScoreOptions:
    """Thresholds of the document-level decisions, the gate's among them (--fail-on, --max-penalty, --min-coverage)."""

    fail_on: FailOn = DEFAULT_FAIL_ON  # lowest severity that fails the gate; "never" reports only
    max_penalty: float | None = None  # the gate fails above this many penalty points per 100 checked words
    min_coverage: float | None = DEFAULT_MIN_COVERAGE  # the gate fails when either document has a smaller share of its sentences aligned
    min_score: float | None = None  # the gate fails when the document score (0-100) is below this
    # Share of the shorter document that the counterpart test's path (AlignOptions.support_z) must align:
    # from benchmarks/calibrate_counterparts.py on the MQM dev set's true and mismatched pairs (README).
    min_counterpart_share: float = 0.4

    def __post_init__(self) -> None:
        """Refuse what no gate can mean, with the option's name: a bad value never reaches the verdict."""
        object.__setattr__(self, "fail_on", FailOn.parse(self.fail_on, "fail_on"))
        for name in ("max_penalty", "min_coverage", "min_score"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number of at least 0, not {value!r}")
        if self.min_coverage is not None and self.min_coverage > 1:
            raise ValueError(f"min_coverage must be a share between 0 and 1, not {self.min_coverage!r}")
        if self.min_score is not None and self.min_score > 100:
            raise ValueError(f"min_score must be a score between 0 and 100, not {self.min_score!r}")

    def gate_dict(self) -> dict:
        return {"fail_on": self.fail_on, "max_penalty": self.max_penalty, "min_coverage": self.min_coverage, "min_score": self.min_score}


@dataclass(frozen=True)
class Summary:
    """The document-level outcome: what was checked, what was found, and the verdict."""

    verdict: Verdict
    reason: str
    counterparts: bool
    counterpart_share: float
    coverage: dict[str, float]
    word_coverage: dict[str, float]
    unaligned: dict[str, int]
    counts_by_severity: dict[str, int] = field(default_factory=dict)
    counts_by_category: dict[str, int] = field(default_factory=dict)
    penalty: float = 0.0
    checked_words: int = 0
    score: float = 0.0  # 0-100, higher is better (document_score)
    mean_similarity: float = 0.0  # of the aligned sentences, weighted by candidate words
    unchecked: dict[str, float] = field(default_factory=dict)  # findings in unaligned text and their points, counted apart
    reasons: tuple[str, ...] = ()  # every reason the gate failed; empty unless the verdict is "fail"
    suppressed: dict[str, int] = field(default_factory=dict)  # findings left out of the report, by why
    options: ScoreOptions = ScoreOptions()

    @property
    def passed(self) -> bool:
        """The gate passed: counterparts, and no threshold crossed (unaligned text alone does not fail it)."""
        return self.verdict in (Verdict.PASS, Verdict.INCOMPLETE)

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "counterparts": self.counterparts,
            "counterpart_share": round(self.counterpart_share, 4),
            "coverage": {k: round(v, 4) for k, v in self.coverage.items()},
            "word_coverage": {k: round(v, 4) for k, v in self.word_coverage.items()},
            "unaligned": self.unaligned,
            "counts_by_severity": self.counts_by_severity,
            "counts_by_category": self.counts_by_category,
            "penalty": round(self.penalty, 4),
            "checked_words": self.checked_words,
            "score": round(self.score, 2),
            "mean_similarity": round(self.mean_similarity, 4),
            "unchecked": self.unchecked,
            "gate": {"passed": self.passed, "reasons": list(self.reasons), **self.options.gate_dict()},
            "suppressed": self.suppressed,
        }


def checkable(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The coverage denominators: page boilerplate (pipeline/boilerplate.py) is neither checked nor missed."""
    return [s for s in sentences if not s.boilerplate]


def _share(indices: set[int], sentences: Sequence[Sentence]) -> tuple[float, float]:
    """(sentence share, word share) of `sentences` whose index is in `indices`."""
    if not sentences:
        return 0.0, 0.0
    words = sum(s.words for s in sentences) or 1
    aligned_words = sum(s.words for s in sentences if s.index in indices)
    return sum(s.index in indices for s in sentences) / len(sentences), aligned_words / words


def counterpart_share(alignment: Alignment, n_cand: int, n_ref: int, options: ScoreOptions) -> float:
    """Share of the shorter document's sentences on the counterpart test's chain of mutual best matches.

    A real translation, however weak, lines up in order through the whole document; unrelated
    articles on the same subject share a few near-paraphrases that do not (`pipeline/support.py`).
    """
    side = "reference" if n_ref <= n_cand else "candidate"
    shorter = min(n_cand, n_ref)
    return alignment.supported(side) / shorter if shorter else 0.0


def summarise(
    alignment: Alignment,
    cand_sents: Sequence[Sentence],
    ref_sents: Sequence[Sentence],
    findings: Sequence[Finding],
    options: ScoreOptions = ScoreOptions(),
    suppressed: dict[str, int] | None = None,
    score_params: Mapping[str, float] | None = None,
) -> Summary:
    """Decide the verdict; text that could not be checked is never called clean."""
    cand_content, ref_content = checkable(cand_sents), checkable(ref_sents)
    cand_cov, cand_words = _share(alignment.aligned_indices("candidate"), cand_content)
    ref_cov, ref_words = _share(alignment.aligned_indices("reference"), ref_content)
    share = counterpart_share(alignment, len(cand_sents), len(ref_sents), options)
    by_severity = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    by_category: dict[str, int] = {}
    for f in findings:
        by_category[f.category] = by_category.get(f.category, 0) + 1
    aligned_cand = alignment.aligned_indices("candidate")
    checked = sum(s.words for s in cand_sents if s.index in aligned_cand)
    in_checked = [_is_checked(f, alignment) for f in findings]
    penalty = sum(PENALTY_POINTS[f.severity] for f, ok in zip(findings, in_checked) if ok) * 100.0 / max(checked, 1)
    outside = [f for f, ok in zip(findings, in_checked) if not ok]
    similarity = _mean_similarity(alignment, cand_sents)
    score = document_score(similarity, cand_words, penalty, score_params)
    unaligned = {
        "candidate": sum(s.index not in aligned_cand for s in cand_content),
        "reference": sum(s.index not in alignment.aligned_indices("reference") for s in ref_content),
    }
    counterparts = share >= options.min_counterpart_share
    coverage = {"candidate": cand_cov, "reference": ref_cov}
    reasons = gate_failures(by_severity, penalty, coverage, options, score) if counterparts else []
    verdict, reason = _verdict(counterparts, share, cand_cov, unaligned, reasons, options, by_severity)
    return Summary(
        verdict=verdict,
        reason=reason,
        counterparts=counterparts,
        counterpart_share=share,
        coverage=coverage,
        word_coverage={"candidate": cand_words, "reference": ref_words},
        unaligned=unaligned,
        counts_by_severity=by_severity if counterparts else {s: 0 for s in SEVERITIES},
        counts_by_category=dict(sorted(by_category.items())) if counterparts else {},
        penalty=penalty if counterparts else 0.0,
        checked_words=checked,
        score=score if counterparts else 0.0,
        mean_similarity=similarity,
        unchecked={"findings": len(outside), "points": float(sum(PENALTY_POINTS[f.severity] for f in outside))} if counterparts else {"findings": 0, "points": 0.0},
        reasons=tuple(reasons),
        suppressed=dict(sorted((suppressed or {}).items())),
        options=options,
    )


def fails_gate(severity: Severity | str, fail_on: FailOn | str) -> bool:
    """Whether a finding of `severity` fails a gate set to `fail_on` (at or above it)."""
    return FailOn(fail_on).fails(severity)


def _is_checked(finding: Finding, alignment: Alignment) -> bool:
    """A finding in a pair of aligned sentences was checked against the reference."""
    return finding.alignment is not None and alignment.beads[finding.alignment].aligned


def _mean_similarity(alignment: Alignment, cand_sents: Sequence[Sentence]) -> float:
    """The aligned sentences' similarity, weighted by their candidate words."""
    words = {s.index: s.words for s in cand_sents}
    pairs = [(sum(words[i] for i in b.candidate), b.similarity or 0.0) for b in alignment.beads if b.aligned]
    total = sum(n for n, _ in pairs)
    return sum(n * sim for n, sim in pairs) / total if total else 0.0


def gate_failures(
    by_severity: dict[str, int], penalty: float, coverage: dict[str, float], options: ScoreOptions, score: float | None = None
) -> list[str]:
    """Every reason the gate fails, in a fixed order; an empty list means it passes."""
    reasons = []
    if options.fail_on is not FailOn.NEVER:
        failing = [s for s in SEVERITIES if fails_gate(s, options.fail_on)]
        found = {s: by_severity[s] for s in failing if by_severity.get(s)}
        if found:
            listed = ", ".join(f"{n} {s}" for s, n in found.items())
            reasons.append(f"{listed} finding{'s' if sum(found.values()) > 1 else ''} (fail-on {options.fail_on})")
    if options.max_penalty is not None and penalty > options.max_penalty:
        reasons.append(f"penalty {penalty:.1f} above the maximum {options.max_penalty:g}")
    if options.min_score is not None and score is not None and score < options.min_score:
        reasons.append(f"score {score:.1f} below the minimum {options.min_score:g}")
    if options.min_coverage is not None:
        for side, share in coverage.items():
            if share < options.min_coverage:
                reasons.append(f"{side} coverage {share:.0%} below the minimum {options.min_coverage:.0%}")
    return reasons


VERDICT_EXIT = {
    Verdict.PASS: ExitCode.PASSED,
    Verdict.INCOMPLETE: ExitCode.PASSED,  # unaligned text alone does not fail the gate (--min-coverage makes it)
    Verdict.FAIL: ExitCode.GATE_FAILED,
    Verdict.NOT_COUNTERPARTS: ExitCode.NOT_COUNTERPARTS,
}


def exit_code(summary: Summary, exit_zero: bool = False) -> ExitCode:
    """The process exit code for one comparison; `exit_zero` reports a failed gate without failing."""
    return zero_if_asked(VERDICT_EXIT[summary.verdict], exit_zero)


def zero_if_asked(code: ExitCode, exit_zero: bool) -> ExitCode:
    """--exit-zero: a failed gate exits 0; errors and non-counterparts keep their codes."""
    return ExitCode.PASSED if exit_zero and code == ExitCode.GATE_FAILED else code


def _verdict(
    counterparts: bool,
    share: float,
    cand_cov: float,
    unaligned: dict[str, int],
    reasons: list[str],
    options: ScoreOptions,
    by_severity: dict[str, int] | None = None,
) -> tuple[Verdict, str]:
    if not counterparts:
        return Verdict.NOT_COUNTERPARTS, (
            f"only {share:.0%} of the shorter document aligns (at least "
            f"{options.min_counterpart_share:.0%} needed): these documents are not counterparts"
        )
    if reasons:
        return Verdict.FAIL, "; ".join(reasons)
    if unaligned["candidate"] or unaligned["reference"]:
        return Verdict.INCOMPLETE, (
            f"{_gate_state(by_severity or {}, options)}, but {unaligned['candidate']} candidate "
            f"and {unaligned['reference']} reference sentences have no counterpart "
            f"(candidate coverage {cand_cov:.0%}): not verified"
        )
    if options.fail_on is FailOn.NEVER:
        return Verdict.PASS, f"every sentence of both documents aligned; {_gate_state(by_severity or {}, options)}"
    return Verdict.PASS, "every sentence of both documents aligned and no finding at or above the threshold"


def _gate_state(by_severity: dict[str, int], options: ScoreOptions) -> str:
    """What the severity gate did, truthfully: with --fail-on never it judged nothing, so say what was found."""
    if options.fail_on is not FailOn.NEVER:
        return f"the gate passed (fail-on {options.fail_on})"
    found = ", ".join(f"{n} {s}" for s in SEVERITIES if (n := by_severity.get(s)))
    plural = "" if sum(by_severity.values()) == 1 else "s"
    return f"the gate is off (fail-on never): {found + ' finding' + plural if found else 'no findings'} reported"
