"""Fit a severity policy on labelled proposals (auditor/run/calibrate.py): scikit-learn at fit time only.

Two L2 logistic regressions over category, rule and standardised features ("a reviewer marks an
error here", "... a major one"), each dataset weighing the same. The thresholds are chosen on
out-of-fold scores (folds grouped by document, so no document is scored by a model that saw it):
critical (on the error score of the fact rules) and major (on the major score) are the lowest
thresholds whose share of error-free units with such a finding stays within `max_false_critical` /
`max_false_major` in every dataset; minor is the threshold
that ranks units best against the reviewers (Kendall tau). The document score's constants and the
default gate's minimum score are fitted on the same out-of-fold decisions. Everything is rounded,
so the same inputs give the same file. First `close_pair`: the largest share of a pair's other words
changed up to which the rules' own severities (RULE_SEVERITIES) alone keep the false-alarm rates
within the targets; the model decides the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from auditor.detect.features import FEATURES
from auditor.detect.policy import OUTCOMES, POLICY_FORMAT, RULE_SEVERITIES
from auditor.run.calibrate import Pair, Row
from auditor.verdict.score import POINTS, document_score

CRITICAL_RULES = ("name.respelled", "name.respelled.recurring", "negation.added", "negation.lost", "number.added", "number.changed", "number.missing")
GRID = tuple(round(t, 2) for t in np.arange(0.02, 1.0, 0.01))
FOLDS = 5
DIGITS = 4


def _design(rows: Sequence[Row], categories: list[str], rules: list[str], center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    x = np.zeros((len(rows), len(categories) + len(rules) + len(FEATURES)))
    cat_at, rule_at = {c: k for k, c in enumerate(categories)}, {r: len(categories) + k for k, r in enumerate(rules)}
    for i, row in enumerate(rows):
        x[i, cat_at[row.category]] = 1.0
        x[i, rule_at[row.rule]] = 1.0
    x[:, len(categories) + len(rules) :] = (np.array([r.features for r in rows]) - center) / scale
    return x


def _weights(rows: Sequence[Row], pairs: Sequence[Pair]) -> np.ndarray:
    """Each dataset weighs the same in total, however many proposals it has."""
    datasets = [pairs[r.pair].dataset for r in rows]
    counts = {d: datasets.count(d) for d in set(datasets)}
    return np.array([len(rows) / (len(counts) * counts[d]) for d in datasets])


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():  # one class only: a constant model
        return None, float(np.clip(y.mean(), 1e-3, 1 - 1e-3))
    return LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=w), None


def _probability(model: tuple, x: np.ndarray) -> np.ndarray:
    fitted, constant = model
    return np.full(len(x), constant) if fitted is None else fitted.predict_proba(x)[:, 1]


CLOSE_GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
LEVEL = {None: 0, "minor": 1, "major": 2, "critical": 3}


def severities(p_error: np.ndarray, p_major: np.ndarray, critical: np.ndarray, t: dict[str, float], table=None) -> np.ndarray:
    """0 dropped, 1 minor, 2 major, 3 critical: SeverityPolicy.decide, for many rows at once; `table`:
    (rows in a close pair, their rule's own severity)."""
    modelled = np.where(
        critical & (p_error >= t["critical"]), 3,
        np.where(p_major >= t["major"], 2, np.where(np.maximum(p_error, p_major) >= t["minor"], 1, 0)),
    )
    return modelled if table is None else np.where(table[0], table[1], modelled)


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


def _close_pair(units: Units, rows: Sequence[Row], max_false_major: float, max_false_critical: float):
    """The largest `close_pair` whose rule severities alone stay within the false-alarm targets."""
    rest = np.array([r.features[FEATURES.index("rest_changed")] for r in rows])
    aligned = np.array([r.features[FEATURES.index("aligned")] for r in rows]) > 0
    ruled = np.array([r.rule in RULE_SEVERITIES for r in rows]) & aligned
    level = np.array([LEVEL[RULE_SEVERITIES.get(r.rule)] for r in rows])
    best = -1.0
    for close in CLOSE_GRID:
        m = units.measures(np.where(ruled & (rest <= close), level, 0)).values()
        if max(x["clean_major_rate"] for x in m) <= max_false_major and max(x["clean_critical_rate"] for x in m) <= max_false_critical:
            best = close
    return best, (ruled & (rest <= best), level)


def _thresholds(units: Units, p_error, p_major, critical, table, max_false_major, max_false_critical) -> dict[str, float]:
    def rates(t, key):
        return [m[key] for m in units.measures(severities(p_error, p_major, critical, t, table)).values()]

    t = {"critical": 1.0, "major": 1.0, "minor": 1.0}
    t["critical"] = _lowest(GRID, lambda c: max(rates({**t, "critical": c}, "clean_critical_rate")) <= max_false_critical)
    t["major"] = _lowest(GRID, lambda m: max(rates({**t, "major": m}, "clean_major_rate")) <= max_false_major)
    t["minor"] = float(max((m for m in GRID if m <= t["major"]), key=lambda m: (round(float(np.mean(rates({**t, "minor": m}, "unit_kendall"))), 3), m)))
    return t


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


def fit_policy(rows: Sequence[Row], pairs: Sequence[Pair], *, name: str, data_hash: str, defaults: dict,
               c: float = 1.0, max_false_major: float = 0.15, max_false_critical: float = 0.02) -> tuple[dict, dict]:
    """The policy file's contents and a report of how it did out of fold."""
    if len(rows) < 10 or len({r.error for r in rows}) < 2:
        raise ValueError("too few labelled proposals to fit a policy (at least 10, some marked as errors and some not)")
    from sklearn.model_selection import GroupKFold

    rows = list(rows)
    categories, rules = sorted({r.category for r in rows}), sorted({r.rule for r in rows})
    raw = np.array([r.features for r in rows])
    center, scale = np.round(raw.mean(axis=0), DIGITS), np.round(raw.std(axis=0), DIGITS)
    scale = np.where(scale > 0, scale, 1.0)
    x, w = _design(rows, categories, rules, center, scale), _weights(rows, pairs)
    labels = {"error": np.array([r.error for r in rows]), "major": np.array([r.major for r in rows])}
    groups = np.array([pairs[r.pair].group for r in rows])
    folds = GroupKFold(n_splits=min(FOLDS, len(set(groups))))
    oof = {o: np.zeros(len(rows)) for o in OUTCOMES}
    for train, test in folds.split(x, groups=groups):
        for o in OUTCOMES:
            oof[o][test] = _probability(_fit(x[train], labels[o][train], w[train], c), x[test])
    critical = np.array([r.rule in CRITICAL_RULES for r in rows])
    units = Units.of(rows, pairs)
    close, table = _close_pair(units, rows, max_false_major, max_false_critical)
    thresholds = _thresholds(units, oof["error"], oof["major"], critical, table, max_false_major, max_false_critical)
    sev = severities(oof["error"], oof["major"], critical, thresholds, table)
    score, gate, doc_report = _score_and_gate(rows, pairs, sev, defaults)
    models = {o: _coefficients(_fit(x, labels[o], w, c), categories, rules) for o in OUTCOMES}
    data = {
        "format": POLICY_FORMAT, "name": name, "version": 1,
        "trained_on": {"sha256": data_hash, "pairs": len(pairs), "proposals": len(rows), "datasets": sorted({p.dataset for p in pairs})},
        "features": list(FEATURES), "center": dict(zip(FEATURES, map(float, center))), "scale": dict(zip(FEATURES, map(float, scale))),
        "models": models, "thresholds": thresholds, "critical_rules": [r for r in CRITICAL_RULES],
        "close_pair": close, "rule_severity": dict(RULE_SEVERITIES),
        "score": score, "gate": gate,
        "fit": {"c": c, "max_false_major": max_false_major, "max_false_critical": max_false_critical, "folds": FOLDS},
    }
    return data, {"out_of_fold": units.measures(sev), **doc_report, "thresholds": thresholds}


def _coefficients(model: tuple, categories: list[str], rules: list[str]) -> dict[str, Any]:
    fitted, constant = model
    if fitted is None:
        intercept, coef = math.log(constant / (1 - constant)), np.zeros(len(categories) + len(rules) + len(FEATURES))
    else:
        intercept, coef = float(fitted.intercept_[0]), fitted.coef_[0]
    r = lambda v: round(float(v), DIGITS) + 0.0  # noqa: E731  (+0.0: no negative zero in the file)
    n = len(categories)
    return {
        "intercept": r(intercept),
        "category": {c: r(coef[k]) for k, c in enumerate(categories)},
        "rule": {rule: r(coef[n + k]) for k, rule in enumerate(rules)},
        "feature": {f: r(coef[n + len(rules) + k]) for k, f in enumerate(FEATURES)},
    }
