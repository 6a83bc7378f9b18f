"""Stage 7, score: coverage, counterpart decision, severity counts, penalty and verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .align import Alignment
from .detect import SEVERITIES, Finding
from .segment import Sentence

PENALTY_POINTS = {"minor": 1, "major": 5, "critical": 25}


@dataclass(frozen=True)
class ScoreOptions:
    """Thresholds of the document-level decisions."""

    fail_on: str = "major"  # lowest severity that fails the verdict; "never" reports only
    min_counterpart_share: float = 0.3  # share of the shorter document that must align strongly
    strong_margin: float = 0.1  # a strong bead clears the null threshold by this much


@dataclass(frozen=True)
class Summary:
    """The document-level outcome: what was checked, what was found, and the verdict."""

    verdict: str
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
        }


def _share(indices: set[int], sentences: Sequence[Sentence]) -> tuple[float, float]:
    """(sentence share, word share) of `sentences` whose index is in `indices`."""
    if not sentences:
        return 0.0, 0.0
    words = sum(s.words for s in sentences) or 1
    aligned_words = sum(s.words for s in sentences if s.index in indices)
    return len(indices) / len(sentences), aligned_words / words


def counterpart_share(alignment: Alignment, n_cand: int, n_ref: int, options: ScoreOptions) -> float:
    """Share of the shorter document's sentences in beads that clear the null threshold by a margin.

    Unrelated articles on the same subject still hold a few near-paraphrases (cosine up to 0.73 on
    the seeds), so a handful of beads proves nothing; a real counterpart aligns a large share.
    """
    side = "reference" if n_ref <= n_cand else "candidate"
    shorter = min(n_cand, n_ref)
    strong = alignment.null.threshold + options.strong_margin
    covered = sum(len(getattr(b, side)) for b in alignment.beads if b.aligned and (b.similarity or 0) >= strong)
    return covered / shorter if shorter else 0.0


def summarise(
    alignment: Alignment,
    cand_sents: Sequence[Sentence],
    ref_sents: Sequence[Sentence],
    findings: Sequence[Finding],
    options: ScoreOptions = ScoreOptions(),
) -> Summary:
    """Decide the verdict; text that could not be checked is never called clean."""
    cand_cov, cand_words = _share(alignment.aligned_indices("candidate"), cand_sents)
    ref_cov, ref_words = _share(alignment.aligned_indices("reference"), ref_sents)
    share = counterpart_share(alignment, len(cand_sents), len(ref_sents), options)
    by_severity = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    by_category: dict[str, int] = {}
    for f in findings:
        by_category[f.category] = by_category.get(f.category, 0) + 1
    aligned_cand = alignment.aligned_indices("candidate")
    checked = sum(s.words for s in cand_sents if s.index in aligned_cand)
    penalty = sum(PENALTY_POINTS[f.severity] for f in findings) * 100.0 / max(checked, 1)
    unaligned = {
        "candidate": len(cand_sents) - len(aligned_cand),
        "reference": len(ref_sents) - len(alignment.aligned_indices("reference")),
    }
    counterparts = share >= options.min_counterpart_share
    verdict, reason = _verdict(counterparts, share, cand_cov, unaligned, by_severity, options)
    return Summary(
        verdict=verdict,
        reason=reason,
        counterparts=counterparts,
        counterpart_share=share,
        coverage={"candidate": cand_cov, "reference": ref_cov},
        word_coverage={"candidate": cand_words, "reference": ref_words},
        unaligned=unaligned,
        counts_by_severity=by_severity if counterparts else {s: 0 for s in SEVERITIES},
        counts_by_category=dict(sorted(by_category.items())) if counterparts else {},
        penalty=penalty if counterparts else 0.0,
        checked_words=checked,
    )


def _verdict(
    counterparts: bool,
    share: float,
    cand_cov: float,
    unaligned: dict[str, int],
    by_severity: dict[str, int],
    options: ScoreOptions,
) -> tuple[str, str]:
    if not counterparts:
        return "not_counterparts", (
            f"only {share:.0%} of the shorter document aligns (at least "
            f"{options.min_counterpart_share:.0%} needed): these documents are not counterparts"
        )
    failing = [] if options.fail_on == "never" else SEVERITIES[: SEVERITIES.index(options.fail_on) + 1]
    found = {s: by_severity[s] for s in failing if by_severity.get(s)}
    if found:
        listed = ", ".join(f"{n} {s}" for s, n in found.items())
        return "fail", f"{listed} finding{'s' if sum(found.values()) > 1 else ''} (fail-on {options.fail_on})"
    if unaligned["candidate"] or unaligned["reference"]:
        return "incomplete", (
            f"no finding at or above {options.fail_on} in the aligned part, but {unaligned['candidate']} candidate "
            f"and {unaligned['reference']} reference sentences have no counterpart "
            f"(candidate coverage {cand_cov:.0%}): not verified"
        )
    return "pass", "every sentence of both documents aligned and no finding at or above the threshold"
