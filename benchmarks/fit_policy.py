"""Fit the shipped default severity policy (mqm-zhen), reproducibly, with one command.

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
# The targets are 15% (major) and 3% (critical) of error-free segments; the fit aims lower, as
# the final model, refitted on all documents, runs a point or two above its out-of-fold estimate, the
# para5 layout (paragraphs the tool splits itself) runs about 2 points above the lines layout on
# WMT23 news (13.9% against 12.1% with 0.11; 15.6% against 13.3% with 0.12), and other documents of
# the same sets are checked too.
MAX_FALSE_MAJOR, MAX_FALSE_CRITICAL = 0.11, 0.02
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
    """The fitted policy as Markdown tables for the README: the pair-risk weights and the thresholds."""
    from auditor.detect.features import PAIR_FEATURES

    risk, t = data["risk"], data["thresholds"]
    lines = ["| pair feature | what it measures | mean | weight (per standard deviation) |", "|---|---|---|---|"]
    for f in risk["weights"]:
        lines.append(f"| `{f}` | {PAIR_FEATURES[f]} | {risk['center'][f]:.3f} | {risk['weights'][f]:+.3f} |")
    head = (f"Intercept {risk['intercept']:+.3f}. Thresholds: major {t['major']}, critical {t['critical']}. Where the pair's risk "
            f"is below the major threshold every rule is reported as minor; below the critical threshold a critical rule as major. "
            f"A pair that is an exact copy but for the change, and a sentence cut off mid-clause, keep the rule's severity.")
    return "\n".join([head, "", *lines]) + "\n"


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

    command = ["calibrate", str(args.dev), str(SYNTHETIC), "--output", str(args.output), "--name", "mqm-zhen",
               "--max-false-major", str(MAX_FALSE_MAJOR), "--max-false-critical", str(MAX_FALSE_CRITICAL)]
    sys.argv = ["audit", *command, *(["--cache", str(args.cache)] if args.cache else [])]
    audit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
