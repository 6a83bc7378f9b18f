"""The one place a finding's severity is decided.

Detectors only propose: a rule that fired and its evidence. `SeverityPolicy.decide` turns a
proposal into the reported severity (or None: not reported) with a small fitted model: two logistic
scores over the proposal's category, rule and features (auditor/detect/features.py), one for "a
reviewer marks an error here" and one for "... a major one", each held against a fitted threshold.
Where the rest of the aligned pair is unchanged (a close copy, `close_pair`), the rule's own severity
(`rule_severity`) holds instead. Critical is kept for the rules whose evidence falsifies a fact (a respelled name, a changed numeral,
a flipped polarity): such a finding is critical when reviewers would likely mark an error there at all
(the error score above the critical threshold, fitted so that few error-free lines get one). The parameters live in a small
JSON file (policy_default.json, written by `audit calibrate`); evaluating them needs numpy only.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from auditor.detect.base import Context, Proposal
from auditor.detect.features import FEATURES, proposal_features
from auditor.domain import Severity
from auditor.errors import AuditError

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
POLICY_FORMAT = 1  # the layout of the JSON file; bump when a key changes meaning
DEFAULT_POLICY_PATH = Path(__file__).with_name("policy_default.json")
OUTCOMES = ("error", "major")

# What each rule's evidence means where the candidate is otherwise a close copy of the reference (the
# rest of the aligned pair unchanged): there every diff hunk is a deliberate change, so the rule's own
# severity holds. Elsewhere (an independent reference, a loose paraphrase) the fitted model decides.
RULE_SEVERITIES = {
    "name.respelled": "critical", "name.respelled.recurring": "critical", "name.variant": "minor", "name.variant.recurring": "minor",
    "name.two_spellings": "major", "number.changed": "critical", "number.added": "critical", "number.missing": "critical",
    "number.plural": None, "negation.lost": "critical", "negation.added": "critical",
    "meaning.modality": "major", "meaning.entity": "major", "meaning.modifier": "major", "meaning.model": "major",
    "wording.model": "minor", "wording.hedge": "minor", "addition.clause": "major", "addition.detail": "minor",
    "addition.sentence": "major", "omission.clause": "major", "omission.detail": "minor", "omission.sentence": "major",
    "omission.cut_off": "major", "garble.fragment": "major", "garble.mid_clause": "major", "garble.cut_off": "major",
    "garble.stray_stop": "major", "garble.broken_possessive": "major", "garble.doubled": "minor", "garble.merged": "minor",
}


class PolicyError(AuditError):
    """A policy file that cannot be read or is not a policy."""


@dataclass(frozen=True)
class Outcome:
    """One logistic score: intercept + category weight + rule weight + standardised feature weights."""

    intercept: float
    category: Mapping[str, float]
    rule: Mapping[str, float]
    feature: Mapping[str, float]

    def probability(self, category: str, rule: str, x: Mapping[str, float], center: Mapping[str, float], scale: Mapping[str, float]) -> float:
        z = self.intercept + self.category.get(category, 0.0) + self.rule.get(rule, 0.0)
        z += sum(w * (x.get(f, center.get(f, 0.0)) - center.get(f, 0.0)) / (scale.get(f) or 1.0) for f, w in self.feature.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class SeverityPolicy:
    """A fitted policy (`data`: the parsed JSON file) plus rules the project fixed by hand (`overrides`:
    rule -> severity, None to drop). A severity the project configured (a glossary entry's) wins."""

    data: Mapping[str, Any] = field(default_factory=lambda: default_policy_data())
    overrides: Mapping[str, Severity | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self.data)
        overrides = {rule: None if sev is None else Severity(sev) for rule, sev in self.overrides.items()}
        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        models = {name: Outcome(**self.data["models"][name]) for name in OUTCOMES}
        object.__setattr__(self, "_models", models)

    def __reduce__(self):
        return SeverityPolicy, (dict(self.data), dict(self.overrides))  # batch workers get a plain copy

    @classmethod
    def load(cls, path: str | Path) -> SeverityPolicy:
        """A policy file written by `audit calibrate`; a bad file raises PolicyError naming it."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            _check(data)
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read the policy ({exc.strerror or exc})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise PolicyError(f"{path}: not a severity policy ({exc})") from None
        return cls(data)

    @property
    def thresholds(self) -> Mapping[str, float]:
        return self.data["thresholds"]

    @property
    def score_params(self) -> Mapping[str, float]:
        """The document score's fitted constants (auditor/verdict/score.py)."""
        return self.data["score"]

    @property
    def identity(self) -> str:
        """`name-version` and a short hash of the fitted parameters: two runs say which policy they used."""
        return f"{self.data['name']}-{self.data['version']}"

    @property
    def file_hash(self) -> str:
        return hashlib.sha256(policy_json(self.data).encode("utf-8")).hexdigest()[:12]

    def probabilities(self, proposal: Proposal, context: Context | None = None) -> dict[str, float]:
        """The fitted scores of one proposal: how likely a reviewer marks an error, and a major one."""
        x = proposal_features(proposal, context)
        category, center, scale = str(proposal.category), self.data["center"], self.data["scale"]
        return {name: model.probability(category, proposal.rule, x, center, scale) for name, model in self._models.items()}  # type: ignore[attr-defined]

    def decide(self, proposal: Proposal, context: Context | None = None) -> Severity | None:
        if proposal.configured is not None:
            return proposal.configured
        if proposal.rule in self.overrides:
            return self.overrides[proposal.rule]
        x = proposal_features(proposal, context)
        table = self.data.get("rule_severity", {})
        if proposal.rule in table and x["aligned"] and x["rest_changed"] <= self.data.get("close_pair", -1.0):
            return None if table[proposal.rule] is None else Severity(table[proposal.rule])
        p = self.probabilities(proposal, context)
        t = self.thresholds
        if proposal.rule in self.data["critical_rules"] and p["error"] >= t["critical"]:
            return CRITICAL
        if p["major"] >= t["major"]:
            return MAJOR
        if max(p["error"], p["major"]) >= t["minor"]:
            return MINOR
        return None

    def replaced(self, changes: Mapping[str, Severity | str | None]) -> SeverityPolicy:
        """This policy with the severities of some rules fixed by hand (None: those rules are not reported)."""
        return SeverityPolicy(self.data, {**self.overrides, **changes})

    def settings(self, rules: Iterable[str]) -> dict[str, str | None]:
        """The rules among `rules` fixed by hand, keys sorted: part of a run's signature."""
        return {r: None if self.overrides[r] is None else self.overrides[r].value for r in sorted(rules) if r in self.overrides}

    def describe(self) -> dict[str, Any]:
        """What a signature records: the policy's name, version, file hash and hand-fixed rules."""
        described = {"name": self.data["name"], "version": self.data["version"], "hash": self.file_hash}
        if self.overrides:
            described["overrides"] = {r: None if s is None else s.value for r, s in sorted(self.overrides.items())}
        return described


def policy_json(data: Mapping[str, Any]) -> str:
    """The one way a policy is written: sorted keys, one-space indent, a final newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _check(data: Any) -> None:
    """Refuse a file that is not a policy of this format, with what is wrong."""
    if not isinstance(data, Mapping) or data.get("format") != POLICY_FORMAT:
        raise ValueError(f"format must be {POLICY_FORMAT}")
    for key in ("name", "version", "features", "center", "scale", "models", "thresholds", "critical_rules", "score"):
        if key not in data:
            raise KeyError(f"missing key {key!r}")
    unknown = sorted(set(data["features"]) - set(FEATURES))
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}")
    for name in OUTCOMES:
        if set(data["models"][name]) != {"intercept", "category", "rule", "feature"}:
            raise ValueError(f"model {name!r} needs intercept, category, rule and feature")
    for name in ("critical", "major", "minor"):
        if not 0.0 <= float(data["thresholds"][name]) <= 1.0:
            raise ValueError(f"threshold {name!r} must lie between 0 and 1")


_DEFAULT: dict[str, Any] = {}


def default_policy_data() -> Mapping[str, Any]:
    """The shipped policy, read once per process."""
    if not _DEFAULT:
        _DEFAULT.update(json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8")))
    return _DEFAULT
