"""The signature of a run, in the spirit of sacrebleu's: everything that decides the findings and
the verdict besides the two texts (tool version, model, segmenter, aligner options, gate and score
options, every detector's parameters, the severity policy), so two reports say at a glance whether they are comparable.

One line for people, `auditor:0.1.0|model:…|seg:…|align:default|gate:fail_on=never,min_score=28.7|det:1a2b3c4d|policy:mqm-zhen-1`,
lists the options that differ from this version's defaults (the version pins them), a short
hash of the detector parameters and the policy (`name-version`, plus `@hash` of its file unless it
is the shipped one); `to_dict()` holds every value, in sorted order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from auditor.version import __version__
from auditor.pipeline.align import AlignOptions
from auditor.verdict.score import ScoreOptions

HASH_CHARS = 8  # hex digits of the detector-parameter hash in the one-line form


def plain(value: Any) -> Any:
    """`value` as JSON-ready data with a fixed order: mappings sorted by key, sets sorted, enums by value."""
    if isinstance(value, Enum):
        return plain(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _changes(options: dict, defaults: dict, always: tuple[str, ...] = ()) -> str:
    """`key=value` for the fields in `always` and for those that differ from `defaults`; 'default' if none."""
    shown = [k for k in options if k in always or options[k] != defaults[k]]
    return ",".join(f"{k}={'none' if options[k] is None else options[k]}" for k in shown) or "default"


@dataclass(frozen=True)
class Signature:
    """What a result depends on besides its texts; equal signatures mean comparable outputs."""

    version: str
    model: str
    segmenter: str
    align: dict = field(hash=False)  # AlignOptions fields
    gate: dict = field(hash=False)  # ScoreOptions fields: the gate (fail_on, max_penalty, min_coverage) and the scoring margins
    detectors: dict = field(hash=False)  # each detector's parameters, by detector name
    policy: dict = field(default_factory=dict, hash=False)  # the severity policy: name, version, file hash

    @classmethod
    def create(
        cls,
        model: str,
        segmenter: str,
        align_options: AlignOptions,
        score_options: ScoreOptions,
        detectors: Mapping[str, Any],
        policy: Mapping[str, Any] | None = None,
    ) -> Signature:
        return cls(__version__, model, segmenter, plain(align_options), plain(score_options), plain(detectors), plain(policy or {}))

    @property
    def policy_line(self) -> str:
        """`rules-1` for the default table, `mqm-zhen-N` for a shipped fitted policy; `name-version@hash` for any other."""
        if not self.policy:
            return "none"
        from auditor.detect.policy import FITTED_POLICY, SeverityPolicy

        line = f"{self.policy['name']}-{self.policy['version']}"
        shipped_hashes = (SeverityPolicy().file_hash, SeverityPolicy.named(FITTED_POLICY).file_hash)
        shipped = self.policy.get("hash") in shipped_hashes and not self.policy.get("overrides")
        return line if shipped else f"{line}@{self.policy.get('hash')}"

    @property
    def detectors_hash(self) -> str:
        """A short, stable hash of every detector's parameters."""
        return hashlib.sha256(_canonical(self.detectors).encode("utf-8")).hexdigest()[:HASH_CHARS]

    def __str__(self) -> str:
        align = _changes(self.align, plain(AlignOptions()))
        gate = _changes(self.gate, plain(ScoreOptions()), always=("fail_on",))
        return f"auditor:{self.version}|model:{self.model}|seg:{self.segmenter}|align:{align}|gate:{gate}|det:{self.detectors_hash}|policy:{self.policy_line}"

    def to_dict(self) -> dict:
        """Every value, keys sorted, plus the one-line form: the same run gives the same bytes."""
        return plain(
            {
                "version": self.version,
                "model": self.model,
                "segmenter": self.segmenter,
                "align": self.align,
                "gate": self.gate,
                "detectors": self.detectors,
                "detectors_hash": self.detectors_hash,
                "policy": self.policy,
                "line": str(self),
            }
        )


__all__ = ["Signature", "plain"]
