"""The one place a finding's severity is decided.

Detectors only propose: a rule that fired and its evidence. `SeverityPolicy.decide_all` turns a
comparison's proposals into reported severities (None: not reported). The rule table below
(DEFAULT_SEVERITIES, the README's severity table) gives each rule its severity. A fitted policy (the
default, `mqm-zhen`, or a file from `audit calibrate`) keeps those severities where they are
evidence, and caps them where the aligned pair as a whole does not look wrong: one logistic score
over the pair's features (auditor/detect/features.py), "a reviewer marks a major error in this
pair", held against two fitted thresholds. Below the major one every rule is reported as minor (the
change is real, but the pair reads right); below the critical one a critical rule as major. A pair that is an exact copy but for the one change (`close_pair`) keeps the
rule's severity: the change is all there is; so does a sentence cut off mid-clause.
Policies are small JSON files (auditor/detect/policies/); evaluating them needs the standard library only.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from auditor.detect.base import Context, Proposal
from auditor.detect.features import PAIR_FEATURES, pair_features, rest_changed
from auditor.domain import Severity
from auditor.errors import AuditError

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
POLICY_FORMAT = 2  # the layout of the JSON file; bump when a key changes meaning (2: the pair-risk model)
POLICIES = Path(__file__).with_name("policies")  # the shipped fitted policies, one JSON file each
FITTED_POLICY = "mqm-zhen"  # fitted by benchmarks/fit_policy.py on the MQM dev set: the default
CLOSE_PAIR = 0.0  # rest_changed up to which a pair counts as an exact copy but for the change: the rule's severity holds
PAIR_LEVEL_RULES = ("meaning.sentence",)
HOLDING_RULES = ("garble.cut_off", "omission.cut_off")  # a sentence that stops mid-clause is broken whatever the rest of the pair says  # a proposal about the whole pair: reported (major) only where the pair's risk says so

# Rule -> severity, as the README's severity table states it: a falsified fact (who, how many,
# whether) is critical; changed, lost, added or broken content major; a change that keeps the
# meaning minor.
DEFAULT_SEVERITIES: Mapping[str, Severity | None] = MappingProxyType({
    "name.respelled": CRITICAL,  # a different name falsifies who is meant
    "name.variant": MINOR,  # a romanisation variant (Alexei / Alexey) names the same person
    "name.two_spellings": MAJOR,  # one of two spellings in the candidate is wrong, but which is unknown
    "number.changed": CRITICAL,
    "number.added": CRITICAL,
    "number.missing": CRITICAL,
    "negation.lost": CRITICAL,
    "negation.added": CRITICAL,
    "meaning.modality": MAJOR,
    "meaning.entity": MAJOR,
    "meaning.modifier": MAJOR,
    "meaning.model": MAJOR,  # the model says putting the reference words back moves the meaning
    "meaning.sentence": None,  # the whole pair reads differently: a fitted policy reports it where the pair's risk is major
    "wording.model": MINOR,  # ... and says it does not
    "wording.hedge": MINOR,
    "wording.moved": MINOR,  # words the reference has at another place of the pair: a reordering
    "wording.reordered": None,  # a whole clause at another place, its words diffed there: word order, which reviewers leave alone
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
RULES_POLICY = "rules"  # the plain table above, by name
RULES_VERSION = 2  # bump when a severity in DEFAULT_SEVERITIES changes
LEVEL = {None: 0, MINOR: 1, MAJOR: 2, CRITICAL: 3}


class PolicyError(AuditError):
    """A policy file that cannot be read or is not a policy."""


@dataclass(frozen=True)
class PairRisk:
    """A logistic score over standardised pair features: how likely reviewers mark a major error in the pair."""

    intercept: float
    weights: Mapping[str, float]
    center: Mapping[str, float]
    scale: Mapping[str, float]

    def probability(self, x: Mapping[str, float]) -> float:
        z = self.intercept + sum(w * (x[f] - self.center[f]) / (self.scale[f] or 1.0) for f, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class SeverityPolicy:
    """A rule table (`data` None: DEFAULT_SEVERITIES; or a plain rule -> severity mapping), or a fitted
    policy (`data`: a parsed policy file: its own table plus the pair-risk model), plus rules fixed by
    hand (`overrides`: rule -> severity, None to drop). A severity the project configured (a glossary
    entry's) wins over both."""

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
        table = {r: None if s is None else Severity(s) for r, s in data["table"].items()}
        risk = PairRisk(**data["risk"]) if data.get("kind") == "pair-risk" else None
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_risk", risk)

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

    @classmethod
    def default(cls) -> SeverityPolicy:
        """The policy a run uses unless told otherwise: the shipped fitted one."""
        return cls(shipped_data(FITTED_POLICY))

    @property
    def thresholds(self) -> Mapping[str, float]:
        return self.data["thresholds"]

    @property
    def score_params(self) -> Mapping[str, float]:
        """The document score's constants (auditor/verdict/score.py): a fitted policy's own; the rule
        table uses those benchmarks/fit_policy.py fitted for the shipped policy."""
        return self.data["score"] if "score" in self.data else shipped_data(FITTED_POLICY)["score"]

    @property
    def min_score(self) -> float | None:
        """The gate's minimum document score fitted with the policy (the rule table uses the shipped
        fitted policy's): the score that best splits the reviewers' best- from their worst-rated documents."""
        return (self.data if "gate" in self.data else shipped_data(FITTED_POLICY))["gate"]["min_score"]

    @property
    def identity(self) -> str:
        """`name-version`: two runs say which policy they used."""
        return f"{self.data['name']}-{self.data['version']}"

    @property
    def file_hash(self) -> str:
        return hashlib.sha256(policy_json(self.data).encode("utf-8")).hexdigest()[:12]

    def decide(self, proposal: Proposal) -> Severity | None:
        """The proposal's severity by its rule alone: configured, else fixed by hand, else the table's."""
        if proposal.configured is not None:
            return proposal.configured
        if proposal.rule in self.overrides:
            return self.overrides[proposal.rule]
        try:
            return self._table[proposal.rule]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"the severity policy has no entry for rule {proposal.rule!r}") from None

    def evidence_level(self, proposal: Proposal) -> int:
        """What a proposal adds to its pair's features: its rule's severity (0 none .. 3 critical); a
        sentence-level proposal, which the table does not report, counts as major evidence."""
        return LEVEL[MAJOR] if proposal.rule in PAIR_LEVEL_RULES else LEVEL[self.decide(proposal)]

    def pair_evidence(self, proposals: Sequence[Proposal], context: Context) -> dict[int, dict[str, float]]:
        """Aligned entry -> its PAIR_FEATURES, from the proposals that fall in it: what the risk model
        reads, and what `audit calibrate` fits it on."""
        levels: dict[int, list[int]] = {k: [] for k, bead in enumerate(context.alignment.beads) if bead.aligned and k in context.diffs}
        for p in proposals:
            if p.alignment in levels:
                levels[p.alignment].append(self.evidence_level(p))
        return {k: pair_features(context, k, found) for k, found in levels.items()}

    def pair_risks(self, proposals: Sequence[Proposal], context: Context) -> dict[int, float]:
        """Aligned entry -> the fitted probability that reviewers mark a major error there (empty for a table)."""
        risk: PairRisk | None = self._risk  # type: ignore[attr-defined]
        if risk is None:
            return {}
        return {k: risk.probability(x) for k, x in self.pair_evidence(proposals, context).items()}

    def decide_all(self, proposals: Sequence[Proposal], context: Context) -> list[Severity | None]:
        """Every proposal's reported severity (None: not reported), in order."""
        risks = self.pair_risks(proposals, context)
        return [self._capped(p, self.decide(p), risks, context) for p in proposals]

    def _capped(self, proposal: Proposal, severity: Severity | None, risks: Mapping[int, float], context: Context) -> Severity | None:
        if proposal.alignment not in risks or proposal.configured is not None or proposal.rule in self.overrides:
            return severity
        risk, t = risks[proposal.alignment], self.thresholds
        if proposal.rule in PAIR_LEVEL_RULES:
            return MAJOR if risk >= t["major"] else None
        if severity is None or proposal.rule in HOLDING_RULES or rest_changed(proposal, context) <= self.data["close_pair"]:
            return severity
        if risk < t["major"]:
            return MINOR
        return MAJOR if severity is CRITICAL and risk < t["critical"] else severity

    def replaced(self, changes: Mapping[str, Severity | str | None]) -> SeverityPolicy:
        """This policy with the severities of some rules fixed by hand (None: those rules are not reported)."""
        return SeverityPolicy(self.data, {**self.overrides, **changes})

    def settings(self, rules: Iterable[str]) -> dict[str, str | None]:
        """The severities of `rules` the table or a hand fix sets, keys sorted: part of a run's signature."""
        table = {**self._table, **self.overrides}  # type: ignore[attr-defined]
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
    for key in ("name", "version", "table"):
        if key not in data:
            raise KeyError(f"missing key {key!r}")
    if data.get("kind") == "table":
        return
    for key in ("risk", "thresholds", "close_pair", "score"):
        if key not in data:
            raise KeyError(f"missing key {key!r}")
    if set(data["risk"]) != {"intercept", "weights", "center", "scale"}:
        raise ValueError("risk needs intercept, weights, center and scale")
    unknown = sorted(set(data["risk"]["weights"]) - set(PAIR_FEATURES))
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}")
    for name in ("critical", "major"):
        if not 0.0 <= float(data["thresholds"][name]) <= 1.0:
            raise ValueError(f"threshold {name!r} must lie between 0 and 1")


_SHIPPED: dict[str, Mapping[str, Any]] = {}


def shipped_data(name: str) -> Mapping[str, Any]:
    """A shipped fitted policy (auditor/detect/policies/NAME.json), read once per process."""
    if name not in _SHIPPED:
        _SHIPPED[name] = json.loads((POLICIES / f"{name}.json").read_text(encoding="utf-8"))
    return _SHIPPED[name]
