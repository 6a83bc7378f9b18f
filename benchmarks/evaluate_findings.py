"""Score the auditor's findings against the generator's ground-truth labels.

Recall per corruption kind says which mistranslations the detectors miss; recall at the right
severity says whether the verdict would be right; the false-major rate on untouched sentences
says how often a clean sentence would fail an article. Split and merge labels change wording
but not meaning, so for them the share that drew a major or critical finding is the error.

Usage:
    python benchmarks/evaluate_findings.py --pairs 200 --seed 1 [--sentences 20] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import KINDS, generate, options_problem  # noqa: E402  (the generator sits next to this script)

SEVERITY_RANK = {"minor": 1, "major": 2, "critical": 3}
NO_FINDING_EXPECTED = "none"
WORDING = "wording"  # a synonym swap must be reported at most minor


def _span(finding_span: dict | None) -> tuple[int, int] | None:
    """A finding's {"start", "end"} as a tuple."""
    return (finding_span["start"], finding_span["end"]) if finding_span else None


def _overlaps(a: tuple[int, int] | None, b: list[int] | tuple[int, int] | None) -> bool:
    """Whether half-open span `a` shares a character with `b`; an empty `a` (an omission point) must lie within `b`."""
    if a is None or b is None:
        return False
    if a[0] == a[1]:
        return b[0] <= a[0] <= b[1]
    return a[0] < b[1] and b[0] < a[1]


def _touches(finding: dict, label: dict) -> bool:
    """A finding is on a label when it overlaps its candidate span, or its reference span if it has only that."""
    if label["candidate_span"] is not None:
        return _overlaps(_span(finding["candidate_span"]), label["candidate_span"])
    return _overlaps(_span(finding["reference_span"]), label["reference_span"])


def _severity_right(found: str, label: dict) -> bool:
    """At least the expected severity; for wording changes, at most minor."""
    if label["category"] == WORDING:
        return SEVERITY_RANK[found] <= SEVERITY_RANK["minor"]
    return SEVERITY_RANK[found] >= SEVERITY_RANK[label["severity"]]


def _is_major(finding: dict) -> bool:
    return SEVERITY_RANK[finding["severity"]] >= SEVERITY_RANK["major"]


def _explained(finding: dict, labels: list[dict]) -> bool:
    """Whether a finding lies on some label, on either side."""
    cand, ref = _span(finding["candidate_span"]), _span(finding["reference_span"])
    return any(_overlaps(cand, l["candidate_span"]) or _overlaps(ref, l["reference_span"]) for l in labels)


@dataclass
class KindTally:
    """Counts for one corruption kind."""

    count: int = 0
    recalled: int = 0
    right_severity: int = 0
    major: int = 0  # labels carrying any major/critical finding (the error for split/merge)


@dataclass
class Tally:
    """Counts over all pairs."""

    kinds: dict[str, KindTally] = field(default_factory=lambda: defaultdict(KindTally))
    untouched: int = 0
    untouched_major: int = 0
    findings: int = 0
    unexplained: int = 0

    def add_pair(self, record: dict, findings: list[dict]) -> None:
        """Match one pair's findings against its labels and untouched sentences."""
        for label in record["labels"]:
            tally = self.kinds[label["kind"]]
            touching = [f for f in findings if _touches(f, label)]
            tally.count += 1
            tally.major += any(_is_major(f) for f in touching)
            if label["severity"] == NO_FINDING_EXPECTED:
                continue
            matching = [f for f in touching if f["category"] == label["category"]]
            tally.recalled += bool(matching)
            tally.right_severity += any(_severity_right(f["severity"], label) for f in matching)
        for cand_start, cand_end, _, _ in record["untouched"]:
            self.untouched += 1
            self.untouched_major += any(
                _is_major(f) and _overlaps(_span(f["candidate_span"]), (cand_start, cand_end)) for f in findings
            )
        self.findings += len(findings)
        self.unexplained += sum(not _explained(f, record["labels"]) for f in findings)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def report(tally: Tally) -> dict:
    """The metrics as a JSON-ready dict."""
    kinds = {}
    for kind, spec in KINDS.items():
        t = tally.kinds.get(kind, KindTally())
        row: dict = {"category": spec.category, "severity": spec.severity, "count": t.count}
        if spec.severity == NO_FINDING_EXPECTED:
            row["major_rate"] = _share(t.major, t.count)
        else:
            row["recall"] = _share(t.recalled, t.count)
            row["recall_at_severity"] = _share(t.right_severity, t.count)
        kinds[kind] = row
    expected = [t for k, t in tally.kinds.items() if KINDS[k].severity != NO_FINDING_EXPECTED]
    recalled = sum(t.recalled for t in expected)
    return {
        "kinds": kinds,
        "overall": {
            "labels": sum(t.count for t in expected),
            "recall": _share(recalled, sum(t.count for t in expected)),
            "recall_at_severity": _share(sum(t.right_severity for t in expected), sum(t.count for t in expected)),
            "severity_agreement": _share(sum(t.right_severity for t in expected), recalled),
            "untouched_sentences": tally.untouched,
            "false_major_rate": _share(tally.untouched_major, tally.untouched),
            "findings": tally.findings,
            "unexplained_findings": _share(tally.unexplained, tally.findings),
        },
    }


def _table(metrics: dict) -> str:
    rows = [
        [
            kind,
            row["category"],
            row["severity"],
            row["count"],
            row.get("recall", "-"),
            row.get("recall_at_severity", "-"),
            row.get("major_rate", "-"),
        ]
        for kind, row in metrics["kinds"].items()
    ]
    headers = ["kind", "category", "expected", "count", "recall", "recall@severity", "major+ rate"]
    overall = [[name, value] for name, value in metrics["overall"].items()]
    return tabulate(rows, headers=headers) + "\n\n" + tabulate(overall, headers=["overall", "value"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sentences", type=int, default=20, help="reference sentences per pair")
    parser.add_argument("--json", type=Path, help="also write the metrics to this JSON file")
    args = parser.parse_args(argv)
    problem = options_problem(args.sentences, "default")
    if problem:
        parser.error(problem)

    import auditor  # late: loading the pipeline is slow and --help should not wait for it

    tally = Tally()
    started = time.perf_counter()
    for number, record in enumerate(generate(args.pairs, args.seed, args.sentences), start=1):
        findings = auditor.compare(record["candidate"], record["reference"]).to_dict()["findings"]
        tally.add_pair(record, findings)
        if number % 50 == 0:
            print(f"{number}/{args.pairs} pairs, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    metrics = report(tally)
    print(_table(metrics))
    if args.json:
        args.json.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
