"""Calibrate the counterpart decision: the share of the shorter document on the counterpart test's path,
for true pairs against mismatched pairs and the seed negative controls.

    python benchmarks/calibrate_counterparts.py --true /tmp/mqm/lines/manifest.csv --true /tmp/mqm/para5/manifest.csv \\
        --mismatched /tmp/mqm/mis_lines/manifest.csv --mismatched /tmp/mqm/mis_para5/manifest.csv [--cache DIR]

True manifests: `mqm_score.py prep` of the MQM dev set (every pair is a real translation and its
reference); mismatched manifests: `benchmarks/mismatched_pairs.py`. The seed controls (000-003,
000-004, 002-001, 002-003 unrelated; 000-001 true) are always added. Prints both distributions and
the threshold in the middle of the gap between the highest negative and the lowest positive share
(ScoreOptions.min_counterpart_share), or says that they overlap.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.api import Auditor  # noqa: E402
from auditor.io.load import load  # noqa: E402
from auditor.pipeline.align import align  # noqa: E402
from auditor.verdict.score import counterpart_share  # noqa: E402

SEED_TRUE = [("000", "001")]
SEED_UNRELATED = [("000", "003"), ("000", "004"), ("002", "001"), ("002", "003")]


def shares(auditor: Auditor, pairs: list[tuple[str, str, str]]) -> list[tuple[str, float]]:
    """(label, counterpart share) of each (label, candidate, reference)."""
    encoder, out = auditor.encoder(), []
    for label, cand, ref in pairs:
        pair = auditor.prepare(load(cand), load(ref))
        cv, rv = auditor.encode([pair.candidate_sentences, pair.reference_sentences], encoder)
        alignment = align(cv, rv, pair.candidate_sentences, pair.reference_sentences, auditor.align_options)
        n_cand, n_ref = len(pair.candidate_sentences), len(pair.reference_sentences)
        out.append((label, counterpart_share(alignment, n_cand, n_ref, auditor.score_options)))
    return out


def manifest(path: str) -> list[tuple[str, str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [(f"{Path(path).parent.name}/{row['id']}", row["candidate"], row["reference"]) for row in csv.DictReader(handle)]


def describe(name: str, values: list[tuple[str, float]], lowest: bool) -> None:
    ordered = sorted(values, key=lambda v: v[1], reverse=not lowest)
    print(f"{name}: {len(values)} pairs, {'lowest' if lowest else 'highest'}: " + ", ".join(f"{l} {s:.3f}" for l, s in ordered[:5]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--true", action="append", default=[], help="manifest of true pairs (repeatable)")
    parser.add_argument("--mismatched", action="append", default=[], help="manifest of mismatched pairs (repeatable)")
    parser.add_argument("--cache", default=None, help="embedding cache folder")
    args = parser.parse_args()
    auditor = Auditor(cache=args.cache)
    positives = shares(auditor, [(f"seed {c}-{r}", c, r) for c, r in SEED_TRUE] + [p for m in args.true for p in manifest(m)])
    negatives = shares(auditor, [(f"seed {c}-{r}", c, r) for c, r in SEED_UNRELATED] + [p for m in args.mismatched for p in manifest(m)])
    describe("true pairs", positives, lowest=True)
    describe("mismatched pairs", negatives, lowest=False)
    low, high = min(s for _, s in positives), max(s for _, s in negatives)
    if low > high:
        print(f"separated: highest negative {high:.3f}, lowest positive {low:.3f}; threshold {(low + high) / 2:.3f}")
    else:
        wrong = sum(s <= high for _, s in positives) + sum(s >= low for _, s in negatives)
        print(f"overlap: highest negative {high:.3f} >= lowest positive {low:.3f} ({wrong} pairs in the overlap)")


if __name__ == "__main__":
    main()
