"""Baselines: findings a project has already seen, recorded by fingerprint, so a gate reports only new ones.

A fingerprint (`Context.fingerprint`) hashes a finding's category, its changed texts and the words
around it in its sentence; an edit elsewhere in either document does not change it. A baseline is
a multiset: a finding recorded twice is suppressed at most twice.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from auditor.detect import Finding
from auditor.errors import InputError
from auditor.io.escape import dumps
from auditor.io.files import write_atomic

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """The fingerprints of known findings, with how often each was seen."""

    fingerprints: Counter[str]

    def __len__(self) -> int:
        return sum(self.fingerprints.values())

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> "Baseline":
        return cls(Counter(f.fingerprint for f in findings))

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        """Read a file written by `write`; anything else is an input error naming the file."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{path}: cannot read baseline ({exc.strerror or exc})") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a baseline file (invalid JSON: {exc})") from None
        if not isinstance(data, dict) or data.get("baseline_version") != BASELINE_VERSION:
            raise InputError(f"{path}: not a baseline file (baseline_version {BASELINE_VERSION} expected)")
        entries = data.get("findings")
        if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
            raise InputError(f"{path}: not a baseline file (findings must be a list of objects with a fingerprint)")
        return cls(Counter(e["fingerprint"] for e in entries))

    def split(self, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(findings still to report, findings the baseline suppresses), each in the given order."""
        left = Counter(self.fingerprints)
        kept, suppressed = [], []
        for finding in findings:
            if left[finding.fingerprint] > 0:
                left[finding.fingerprint] -= 1
                suppressed.append(finding)
            else:
                kept.append(finding)
        return kept, suppressed


def write_baseline(path: Path, findings: Sequence[Finding]) -> None:
    """Record `findings`; the texts are there for people reading the file, only fingerprints count."""
    entries = [
        {
            "fingerprint": f.fingerprint,
            "category": f.category,
            "severity": f.severity,
            "candidate_text": f.candidate_text,
            "reference_text": f.reference_text,
        }
        for f in findings
    ]
    document = {"baseline_version": BASELINE_VERSION, "tool": "auditor", "findings": entries}
    write_atomic(path, dumps(document, indent=2) + "\n")
