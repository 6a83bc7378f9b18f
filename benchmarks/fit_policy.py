"""Fit the shipped, opt-in MQM severity policy (--policy mqm-zhen), reproducibly, with one command.

    python benchmarks/fit_policy.py            # writes auditor/detect/policies/mqm-zhen.json

It is `audit calibrate` on the MQM dev set (real machine translation judged by professional
translators) plus the generator's labelled corruptions (benchmarks/data/synthetic_annotations.jsonl.gz,
written here first with a fixed seed, a different one from the evaluation's), so the policy learns
what reviewers of real translations mark without forgetting the clear-cut errors the generator
plants. Running it twice gives the same bytes. Needs the calibrate extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout's auditor, and the generator
from generate import generate  # noqa: E402  (the generator sits next to this script)

DEV_SET = ROOT.parent / "shared" / "data" / "mqm-dev" / "documents.jsonl.gz"
SYNTHETIC = ROOT / "benchmarks" / "data" / "synthetic_annotations.jsonl.gz"
POLICY = ROOT / "auditor" / "detect" / "policies" / "mqm-zhen.json"
SYNTHETIC_PAIRS, SYNTHETIC_SEED = 80, 3  # evaluate_findings.py is run with other seeds (7)
REVIEWER_SEVERITY = {"critical": "Major", "major": "Major", "minor": "Minor"}


def synthetic_record(record: dict) -> dict:
    """A generated pair in the annotation format: each label an error, untouched sentences the clean units."""
    errors, units = [], [list(u[:2]) for u in record["untouched"]]
    for label in record["labels"]:
        severity = REVIEWER_SEVERITY.get(label["severity"])
        if severity is None:
            continue
        side = "candidate" if label["candidate_span"] is not None else "reference"
        start, end = label[f"{side}_span"]
        errors.append({"span_side": side, "doc_char_start": start, "doc_char_end": end, "severity": severity})
        if side == "candidate":
            units.append([start, end])
    return {
        "dataset": "synthetic", "doc_id": record["id"], "candidate": record["candidate"], "reference": record["reference"],
        "errors": errors, "candidate_seg_offsets": sorted(units), "facts": True,
    }


def write_synthetic(path: Path = SYNTHETIC) -> None:
    """The generator's pairs as annotations, gzipped without a timestamp so the bytes repeat."""
    lines = "".join(json.dumps(synthetic_record(r), sort_keys=True) + "\n" for r in generate(SYNTHETIC_PAIRS, SYNTHETIC_SEED))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(lines.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def policy_table(data: dict) -> str:
    """The fitted policy as a Markdown table for the README: per rule, both weights and the severity a
    finding of that rule gets at the average evidence (every feature at its training mean)."""
    from auditor.detect.policy import Outcome

    models = {name: Outcome(**data["models"][name]) for name in ("error", "major")}
    t = data["thresholds"]
    lines = ["| rule | weight p(error) | weight p(major) | p(error) / p(major) at average evidence | severity there |", "|---|---|---|---|---|"]
    for rule in sorted(data["models"]["major"]["rule"]):
        category = rule.partition(".")[0]
        p = {n: m.probability(category, rule, data["center"], data["center"], data["scale"]) for n, m in models.items()}
        weights = {n: data["models"][n]["category"].get(category, 0.0) + data["models"][n]["rule"][rule] for n in models}
        severity = ("critical" if rule in data["critical_rules"] and p["error"] >= t["critical"] else "major" if p["major"] >= t["major"]
                    else "minor" if max(p.values()) >= t["minor"] else "not reported")
        lines.append(f"| `{rule}` | {weights['error']:+.2f} | {weights['major']:+.2f} | {p['error']:.2f} / {p['major']:.2f} | {severity} |")
    features = ["| feature (standardised) | weight p(error) | weight p(major) |", "|---|---|---|"]
    for f in data["features"]:
        features.append(f"| `{f}` | {data['models']['error']['feature'][f]:+.2f} | {data['models']['major']['feature'][f]:+.2f} |")
    head = f"Thresholds: critical {t['critical']}, major {t['major']}, minor {t['minor']}."
    return "\n".join([head, "", *lines, "", *features]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="the MQM dev set's documents.jsonl.gz")
    parser.add_argument("--output", type=Path, default=POLICY)
    parser.add_argument("--cache", type=Path, help="embedding cache folder")
    parser.add_argument("--table", action="store_true", help="only print the fitted policy as the README's table")
    args = parser.parse_args(argv)
    if args.table:
        print(policy_table(json.loads(args.output.read_text(encoding="utf-8"))), end="")
        return 0
    write_synthetic()
    from auditor.cli import main as audit

    command = ["calibrate", str(args.dev), str(SYNTHETIC), "--output", str(args.output), "--name", "mqm-zhen"]
    sys.argv = ["audit", *command, *(["--cache", str(args.cache)] if args.cache else [])]
    audit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
