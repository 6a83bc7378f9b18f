"""Fit a severity policy on labelled aligned pairs (auditor/run/calibrate.py): scikit-learn at fit time only.

One L2 logistic regression over the standardised pair features (auditor/detect/features.py): "a
reviewer marks a major error in this aligned pair", each dataset weighing the same. The thresholds
are chosen on out-of-fold scores (folds grouped by document, so no document is scored by a model
that saw it): major is the lowest whose share of error-free units (lines) with a major or critical
finding stays within `max_false_major` in every dataset; critical the lowest, not below major,
whose share with a critical finding stays within `max_false_critical`. The document score's
constants and the gate's recommended minimum score are fitted on the same out-of-fold decisions.
Everything is rounded, so the same inputs give the same file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from auditor.detect.features import PAIR_FEATURES
from auditor.detect.policy import CLOSE_PAIR, DEFAULT_SEVERITIES, HOLDING_RULES, POLICY_FORMAT
from auditor.run.calibrate import BeadRow, Pair, Row
from auditor.verdict.score import POINTS, document_score

GRID = tuple(round(t, 2) for t in np.arange(0.02, 1.0, 0.01))
FOLDS = 5
DIGITS = 4


def _weights(beads: Sequence[BeadRow], pairs: Sequence[Pair]) -> np.ndarray:
    """Each dataset weighs the same in total, however many pairs it has."""
    datasets = [pairs[b.pair].dataset for b in beads]
    counts = {d: datasets.count(d) for d in set(datasets)}
    return np.array([len(beads) / (len(counts) * counts[d]) for d in datasets])


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> tuple[float, np.ndarray]:
    """Intercept and weights; a constant model when only one class was seen."""
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        p = float(np.clip(y.mean(), 1e-3, 1 - 1e-3))
        return math.log(p / (1 - p)), np.zeros(x.shape[1])
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=w)
    return float(model.intercept_[0]), model.coef_[0]


def _probability(model: tuple[float, np.ndarray], x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(model[0] + x @ model[1])))


def severities(rows: Sequence[Row], risk: np.ndarray, t: dict[str, float]) -> np.ndarray:
    """0 dropped, 1 minor, 2 major, 3 critical: SeverityPolicy.decide_all, for many rows at once;
    `risk` is each row's pair risk (ignored for rows outside an aligned pair)."""
    level = np.array([r.level for r in rows])
    inside = np.array([r.bead >= 0 for r in rows])
    holds = np.array([r.close or r.rule in HOLDING_RULES for r in rows])
    pair_level = np.array([r.pair_level for r in rows])
    capped = np.where(risk < t["major"], np.minimum(level, 1), np.where(risk < t["critical"], np.minimum(level, 2), level))
    decided = np.where(inside & ~holds, capped, level)
    return np.where(pair_level & inside, np.where(risk >= t["major"], 2, 0), decided)


@dataclass(frozen=True)
class Units:
    """Every unit of every pair, numbered once: where each row falls and what the reviewers said."""

    row_unit: np.ndarray  # global unit index of each row, -1 when it has none
    dataset: np.ndarray  # dataset name of each unit
    human: np.ndarray  # the reviewers' weighted errors
    major: np.ndarray  # the reviewers' major errors

    @classmethod
    def of(cls, rows: Sequence[Row], pairs: Sequence[Pair]) -> "Units":
        starts = np.cumsum([0] + [p.units for p in pairs])
        row_unit = np.array([starts[r.pair] + r.unit if r.unit is not None and r.unit < pairs[r.pair].units else -1 for r in rows])
        dataset = np.array([p.dataset for p in pairs for _ in range(p.units)])
        human = np.array([h for p in pairs for h in p.unit_human])
        major = np.array([m for p in pairs for m in p.unit_major])
        return cls(row_unit, dataset, human, major)

    def measures(self, sev: np.ndarray) -> dict[str, dict[str, float]]:
        """What mqm_score.py reports at the unit level, per dataset, for these decisions."""
        points = np.array([0.0, POINTS["minor"], POINTS["major"], POINTS["critical"]])
        ok = self.row_unit >= 0
        worst, tool = np.zeros(len(self.human), dtype=int), np.zeros(len(self.human))
        np.maximum.at(worst, self.row_unit[ok], sev[ok])
        np.add.at(tool, self.row_unit[ok], points[sev[ok]])
        out = {}
        for name in sorted(set(self.dataset)):
            at = self.dataset == name
            clean, major = at & (self.human == 0), at & (self.major > 0)
            out[str(name)] = {
                "clean_major_rate": round(float((worst[clean] >= 2).mean()) if clean.any() else 0.0, 4),
                "clean_critical_rate": round(float((worst[clean] >= 3).mean()) if clean.any() else 0.0, 4),
                "major_flagged": round(float((worst[major] >= 2).mean()) if major.any() else 0.0, 4),
                "unit_kendall": round(_kendall(-tool[at], -self.human[at]), 4),
            }
        return out


def _kendall(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import kendalltau

    tau = kendalltau(a, b).statistic if len(a) > 2 else float("nan")
    return float(tau) if tau == tau else 0.0


def _lowest(grid, ok) -> float:
    return float(next((t for t in grid if ok(t)), 1.0))


def _thresholds(units: "Units", rows: Sequence[Row], risk: np.ndarray, max_false_major: float, max_false_critical: float) -> dict[str, float]:
    """The lowest thresholds that keep the false-alarm shares within their targets in every dataset."""
    def rate(t: dict[str, float], key: str) -> float:
        return max(m[key] for m in units.measures(severities(rows, risk, t)).values())

    major = _lowest(GRID, lambda m: rate({"major": m, "critical": 1.0}, "clean_major_rate") <= max_false_major)
    critical = _lowest([g for g in GRID if g >= major], lambda c: rate({"major": major, "critical": c}, "clean_critical_rate") <= max_false_critical)
    return {"critical": critical, "major": major}


def _document_scores(rows, pairs, sev, params) -> np.ndarray:
    points = np.array([0.0, POINTS["minor"], POINTS["major"], POINTS["critical"]])
    scores = []
    for pair in pairs:
        penalty = sum(points[sev[i]] for i in pair.rows if rows[i].checked) * 100.0 / max(pair.checked_words, 1)
        scores.append(document_score(pair.mean_similarity, pair.word_coverage, penalty, params))
    return np.array(scores)


def _score_and_gate(rows, pairs, sev, defaults: dict) -> tuple[dict, dict, dict]:
    """The score's constants that rank documents best (the worst dataset's Kendall tau), and the gate's
    minimum score that best splits each dataset's best-rated quarter from its worst-rated quarter."""
    rated = [k for k, p in enumerate(pairs) if p.human_per_word is not None]
    datasets = sorted({pairs[k].dataset for k in rated})
    if not datasets:
        return defaults["score"], defaults["gate"], {}
    human = np.array([-(pairs[k].human_per_word or 0.0) for k in range(len(pairs))])

    def taus(params):
        s = _document_scores(rows, pairs, sev, params)
        return {d: _kendall(s[[k for k in rated if pairs[k].dataset == d]], human[[k for k in rated if pairs[k].dataset == d]]) for d in datasets}

    grid = [{"similarity_floor": f, "penalty_scale": k} for f in (0.0, 0.3, 0.5, 0.6, 0.7, 0.8) for k in (10.0, 20.0, 40.0, 80.0, 160.0, None)]
    best = max(grid, key=lambda g: (round(min(taus(g).values()), 4), -grid.index(g)))
    scores = _document_scores(rows, pairs, sev, best)
    quarters = {}
    for d in datasets:
        ks = sorted((k for k in rated if pairs[k].dataset == d), key=lambda k: pairs[k].human_per_word)
        n = max(1, len(ks) // 4)
        quarters[d] = (scores[ks[:n]], scores[ks[-n:]])

    def balanced(m):
        return np.mean([((b >= m).mean() + (w < m).mean()) / 2 for b, w in quarters.values()])

    candidates = sorted({round(float(s), 1) for s in scores[rated]})
    minimum = max(candidates, key=lambda m: (round(float(balanced(m)), 4), -m))
    split = {d: {"best_quarter_pass": round(float((b >= minimum).mean()), 3), "worst_quarter_fail": round(float((w < minimum).mean()), 3)} for d, (b, w) in quarters.items()}
    report = {"document_kendall": {d: round(v, 4) for d, v in taus(best).items()}, "gate_split": split}
    return best, {"min_score": minimum}, report


def fit_policy(rows: Sequence[Row], beads: Sequence[BeadRow], pairs: Sequence[Pair], *, name: str, data_hash: str, defaults: dict,
               c: float = 1.0, max_false_major: float = 0.15, max_false_critical: float = 0.02) -> tuple[dict, dict]:
    """The policy file's contents and a report of how it did out of fold."""
    if len(beads) < 10 or len({b.major for b in beads}) < 2:
        raise ValueError("too few labelled aligned pairs to fit a policy (at least 10, some with a major error and some without)")
    from sklearn.model_selection import GroupKFold

    raw = np.array([b.features for b in beads])
    center, scale = np.round(raw.mean(axis=0), DIGITS), np.round(raw.std(axis=0), DIGITS)
    scale = np.where(scale > 0, scale, 1.0)
    x, y, w = (raw - center) / scale, np.array([b.major for b in beads]), _weights(beads, pairs)
    groups = np.array([pairs[b.pair].group for b in beads])
    oof = np.zeros(len(beads))
    for train, test in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(x, groups=groups):
        oof[test] = _probability(_fit(x[train], y[train], w[train], c), x[test])
    risk = np.array([oof[r.bead] if r.bead >= 0 else 0.0 for r in rows])
    units = Units.of(rows, pairs)
    thresholds = _thresholds(units, rows, risk, max_false_major, max_false_critical)
    sev = severities(rows, risk, thresholds)
    score, gate, doc_report = _score_and_gate(rows, pairs, sev, defaults)
    intercept, coef = _fit(x, y, w, c)
    r = lambda v: round(float(v), DIGITS) + 0.0  # noqa: E731  (+0.0: no negative zero in the file)
    data = {
        "format": POLICY_FORMAT, "kind": "pair-risk", "name": name, "version": 1,
        "trained_on": {"sha256": data_hash, "pairs": len(pairs), "aligned_pairs": len(beads), "proposals": len(rows),
                       "datasets": sorted({p.dataset for p in pairs})},
        "table": {rule: None if sev_ is None else sev_.value for rule, sev_ in sorted(DEFAULT_SEVERITIES.items())},
        "risk": {"intercept": r(intercept), "weights": {f: r(v) for f, v in zip(PAIR_FEATURES, coef)},
                 "center": {f: float(v) for f, v in zip(PAIR_FEATURES, center)}, "scale": {f: float(v) for f, v in zip(PAIR_FEATURES, scale)}},
        "thresholds": thresholds, "close_pair": CLOSE_PAIR,
        "score": score, "gate": gate,
        "fit": {"c": c, "max_false_major": max_false_major, "max_false_critical": max_false_critical, "folds": FOLDS},
    }
    return data, {"out_of_fold": units.measures(sev), **doc_report, "thresholds": thresholds}
