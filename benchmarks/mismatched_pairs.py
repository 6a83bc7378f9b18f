"""Mismatched pairs from the MQM dev set: a candidate with the reference of ANOTHER document of the same dataset.

They are the negative controls of the counterpart decision: every one of them must be called
"not counterparts". Same dataset means same source and style (Chinese news, TED talks), so these
are harder than pairs of random text; the seeds 003/004 cover same-subject articles.

    python benchmarks/mismatched_pairs.py DATA OUT [--pairs 100] [--seed 1] [--layout lines|para5]

DATA is the folder of `documents.jsonl.gz` (../shared/data/mqm-dev). OUT gets `docs/` and
`manifest.csv` (id, candidate, reference, candidate_doc, reference_doc) for `audit batch`. The same
arguments always give the same pairs: documents are sorted, then drawn with `random.Random(seed)`.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
from pathlib import Path


def load_documents(data: str | Path) -> list[dict]:
    """Every document of DATA, sorted by (dataset, doc_id, system)."""
    path = Path(data, "documents.jsonl")
    opened = open(path, encoding="utf-8") if path.exists() else gzip.open(f"{path}.gz", "rt", encoding="utf-8")
    with opened as lines:
        docs = [json.loads(line) for line in lines]
    return sorted(docs, key=lambda d: (d["dataset"], d["doc_id"], d["system"]))


def layout(text: str, name: str) -> str:
    """lines: one segment a line; para5: segments joined by a space into paragraphs of five (as mqm_score.py)."""
    if name == "lines":
        return text
    parts = text.split("\n")
    return "".join(p + ("" if k == len(parts) - 1 else ("\n" if k % 5 == 4 else " ")) for k, p in enumerate(parts))


def mismatched(docs: list[dict], pairs: int, seed: int) -> list[tuple[dict, dict]]:
    """`pairs` distinct (candidate document, document whose reference it is paired with), same dataset, other doc_id."""
    rng = random.Random(seed)
    chosen: dict[tuple[int, str], tuple[dict, dict]] = {}
    while len(chosen) < pairs:
        cand = rng.choice(docs)
        others = [d for d in docs if d["dataset"] == cand["dataset"] and d["doc_id"] != cand["doc_id"]]
        other = rng.choice(others)
        chosen.setdefault((id(cand), other["doc_id"]), (cand, other))
    return list(chosen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layout", choices=("lines", "para5"), default="lines")
    args = parser.parse_args()
    out = Path(args.out)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "candidate", "reference", "candidate_doc", "reference_doc"])
        for k, (cand, other) in enumerate(mismatched(load_documents(args.data), args.pairs, args.seed)):
            c, r = out / "docs" / f"m{k:03d}_cand.txt", out / "docs" / f"m{k:03d}_ref.txt"
            c.write_text(layout(cand["candidate"], args.layout) + "\n", encoding="utf-8")
            r.write_text(layout(other["reference"], args.layout) + "\n", encoding="utf-8")
            label = lambda d: f"{d['dataset']}/{d['doc_id']}/{d['system']}"
            writer.writerow([f"m{k:03d}", str(c), str(r), label(cand), f"{other['dataset']}/{other['doc_id']}"])
    print(f"{args.pairs} mismatched pairs -> {out}/manifest.csv")


if __name__ == "__main__":
    main()
