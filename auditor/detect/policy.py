"""The one place a finding's severity is decided.

Detectors only propose: a rule that fired and its evidence. `SeverityPolicy.decide` turns a
proposal into the reported severity (or None: not reported). The default is the rule table below
(DEFAULT_SEVERITIES, the README's severity table). A fitted policy is opt-in (`--policy mqm-zhen`,
or a file from `audit calibrate`): two logistic scores over the proposal's category, rule and
features (auditor/detect/features.py), "a reviewer marks an error here" and "... a major one", each
held against a fitted threshold; where the rest of the aligned pair is unchanged (`close_pair`) the
rule's own severity holds. Critical stays with the rules whose evidence falsifies a fact. Policies
are small JSON files (auditor/detect/policies/); evaluating them needs numpy only.
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
POLICIES = Path(__file__).with_name("policies")  # the shipped fitted policies, one JSON file each
FITTED_POLICY = "mqm-zhen"  # fitted by benchmarks/fit_policy.py on the MQM dev set; opt-in (--policy mqm-zhen)
OUTCOMES = ("error", "major")

# Rule -> severity, as the README's severity table states it: a falsified fact (who, how many,
# whether) is critical; changed, lost, added or broken content major; a change that keeps the
# meaning minor.
DEFAULT_SEVERITIES: Mapping[str, Severity | None] = MappingProxyType({
    "name.respelled": CRITICAL,  # a different name falsifies who is meant
    "name.respelled.recurring": CRITICAL,  # the same misspelling again, elsewhere
    "name.variant": MINOR,  # a romanisation variant (Alexei / Alexey) names the same person
    "name.variant.recurring": MINOR,
    "name.two_spellings": MAJOR,  # one of two spellings in the candidate is wrong, but which is unknown
    "number.changed": CRITICAL,
    "number.added": CRITICAL,
    "number.missing": CRITICAL,
    "negation.lost": CRITICAL,
    "negation.added": CRITICAL,
    "meaning.modality": MAJOR,
    "meaning.entity": MAJOR,
    "meaning.modifier": MAJOR,
    "meaning.model": MAJOR,
    "meaning.sentence": None,  # the fitted policy's sentence-level evidence; the table does not report it  # the model says putting the reference words back moves the meaning
    "wording.model": MINOR,  # ... and says it does not
    "wording.hedge": MINOR,
    "addition.clause": MAJOR,  # several content words added
    "addition.detail": MINOR,  # one or two
    "addition.sentence": MAJOR,
    "omission.clause": MAJOR,
    "omission.phrase": MAJOR,  # a whole phrase dropped from a pair that otherwise matches word for word
    "omission.detail": MINOR,
    "omission.sentence": MAJOR,
    "omission.cut_off": MAJOR,
    "garble.fragment": MAJOR,
    "garble.mid_clause": MAJOR,
    "garble.cut_off": MAJOR,
    "garble.stray_stop": MAJOR,
    "garble.broken_possessive": MAJOR,
    "garble.doubled": MINOR,
    "garble.merged": MINOR,
    "terminology.forbidden": MAJOR,  # the glossary entry's own severity wins (see decide)
    "terminology.required": MAJOR,
})
# The severities a fitted policy keeps on close copies (`close_pair`): the table's, but for the glossary's
# rules (their own severity) and the sentence-level proposal, which covers the whole pair and is the model's alone.
RULE_SEVERITIES = {r: None if s is None else s.value for r, s in DEFAULT_SEVERITIES.items() if r.partition(".")[0] != "terminology" and r != "meaning.sentence"}
RULES_POLICY = "rules"  # the default: the table above, by name
RULES_VERSION = 1  # bump when a severity in DEFAULT_SEVERITIES changes


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
    """Either a rule table (`data` None: DEFAULT_SEVERITIES; or a plain rule -> severity mapping) or a
    fitted policy (`data`: a parsed policy file), plus rules fixed by hand (`overrides`: rule ->
    severity, None to drop). A severity the project configured (a glossary entry's) wins."""

    data: Mapping[str, Any] | None = None
    overrides: Mapping[str, Severity | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = self.data
        if data is None or "format" not in data:
            data = table_data(DEFAULT_SEVERITIES if data is None else data)
        _check(data)
        object.__setattr__(self, "data", data)
        overrides = {rule: None if sev is None else Severity(sev) for rule, sev in self.overrides.items()}
        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        fitted = data.get("kind") != "table"
        models = {name: Outcome(**data["models"][name]) for name in OUTCOMES} if fitted else {}
        table = None if fitted else {r: None if s is None else Severity(s) for r, s in data["table"].items()}
        object.__setattr__(self, "_models", models)
        object.__setattr__(self, "_table", table)

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

    @classmethod
    def named(cls, name_or_path: str | Path) -> SeverityPolicy:
        """A shipped policy by name ("rules", "mqm-zhen") or a policy file by path."""
        if isinstance(name_or_path, str) and is_policy_name(name_or_path):
            return cls() if name_or_path == RULES_POLICY else cls(shipped_data(name_or_path))
        if isinstance(name_or_path, str) and not Path(name_or_path).exists() and not {"/", "."} & set(name_or_path):
            shipped = ", ".join([RULES_POLICY, *sorted(p.stem for p in POLICIES.glob("*.json"))])
            raise PolicyError(f"{name_or_path}: no such policy (shipped: {shipped}; or give a policy file's path)")
        return cls.load(name_or_path)

    @property
    def thresholds(self) -> Mapping[str, float]:
        return self.data["thresholds"]

    @property
    def score_params(self) -> Mapping[str, float]:
        """The document score's constants (auditor/verdict/score.py): a fitted policy's own; the rule
        table uses those benchmarks/fit_policy.py fitted for the shipped fitted policy."""
        return self.data["score"] if "score" in self.data else shipped_data(FITTED_POLICY)["score"]

    @property
    def identity(self) -> str:
        """`name-version`: two runs say which policy they used."""
        return f"{self.data['name']}-{self.data['version']}"

    @property
    def file_hash(self) -> str:
        return hashlib.sha256(policy_json(self.data).encode("utf-8")).hexdigest()[:12]

    def probabilities(self, proposal: Proposal, context: Context | None = None) -> dict[str, float]:
        """The fitted scores of one proposal: how likely a reviewer marks an error, and a major one."""
        x = proposal_features(proposal, context)
        category, center, scale = str(proposal.category), self.data["center"], self.data["scale"]
        return {name: model.probability(category, proposal.rule, x, center, scale) for name, model in self._models.items()}  # type: ignore[attr-defined]

    @property
    def reads_evidence(self) -> bool:
        """Whether `decide` looks past the rule: a fitted policy does, a rule table does not."""
        return self._table is None  # type: ignore[attr-defined]

    def decide(self, proposal: Proposal, context: Context | None = None) -> Severity | None:
        if proposal.configured is not None:
            return proposal.configured
        if proposal.rule in self.overrides:
            return self.overrides[proposal.rule]
        table = self._table  # type: ignore[attr-defined]
        if table is not None:
            try:
                return table[proposal.rule]
            except KeyError:
                raise KeyError(f"the severity policy has no entry for rule {proposal.rule!r}") from None
        return self._fitted(proposal, context)

    def _fitted(self, proposal: Proposal, context: Context | None) -> Severity | None:
        x = proposal_features(proposal, context)
        rules = self.data.get("rule_severity", {})
        if proposal.rule in rules and x["aligned"] and x["rest_changed"] <= self.data.get("close_pair", -1.0):
            return None if rules[proposal.rule] is None else Severity(rules[proposal.rule])
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
        """The severities of `rules` the table or a hand fix sets, keys sorted: part of a run's signature."""
        table = {**(self._table or {}), **self.overrides}  # type: ignore[attr-defined]
        return {r: None if table[r] is None else table[r].value for r in sorted(rules) if r in table}

    def describe(self) -> dict[str, Any]:
        """What a signature records: the policy's name, version, file hash and hand-fixed rules."""
        described = {"name": self.data["name"], "version": self.data["version"], "hash": self.file_hash}
        if self.overrides:
            described["overrides"] = {r: None if s is None else s.value for r, s in sorted(self.overrides.items())}
        return described


def table_data(table: Mapping[str, Severity | str | None]) -> dict[str, Any]:
    """A rule table in the policy file's layout (kind "table")."""
    return {"format": POLICY_FORMAT, "kind": "table", "name": RULES_POLICY, "version": RULES_VERSION,
            "table": {r: None if s is None else Severity(s).value for r, s in sorted(table.items())}}


def is_policy_name(value: str) -> bool:
    """A shipped policy's name rather than a file's path."""
    return value == RULES_POLICY or ("/" not in value and "." not in value and (POLICIES / f"{value}.json").is_file())


def policy_json(data: Mapping[str, Any]) -> str:
    """The one way a policy is written: sorted keys, one-space indent, a final newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _check(data: Any) -> None:
    """Refuse a file that is not a policy of this format, with what is wrong."""
    if not isinstance(data, Mapping) or data.get("format") != POLICY_FORMAT:
        raise ValueError(f"format must be {POLICY_FORMAT}")
    if data.get("kind") == "table":
        for key in ("name", "version", "table"):
            if key not in data:
                raise KeyError(f"missing key {key!r}")
        return
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


_SHIPPED: dict[str, Mapping[str, Any]] = {}


def shipped_data(name: str) -> Mapping[str, Any]:
    """A shipped fitted policy (auditor/detect/policies/NAME.json), read once per process."""
    if name not in _SHIPPED:
        _SHIPPED[name] = json.loads((POLICIES / f"{name}.json").read_text(encoding="utf-8"))
    return _SHIPPED[name]
