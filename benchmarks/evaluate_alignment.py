"""Alignment precision, recall and F1 on generated pairs, against the gold alignment the generator knows.

    python benchmarks/evaluate_alignment.py --pairs 100 --seed 7

`generate.py` writes every reference sentence into one slot: copied verbatim, corrupted (a name
changed, a sentence split in two, two merged into one, a dangling fragment appended, ...), or
inserted / dropped (one side only). Each slot with text on both sides is recorded ("slots":
[cand_start, cand_end, ref_start, ref_end]): the candidate text written for that reference text. A
gold bead is the set of candidate sentences and the set of reference sentences (as the auditor splits
them) that one slot touches. A predicted aligned bead is right when it is exactly a gold bead;
precision = right / predicted aligned beads, recall = gold beads predicted exactly / gold beads.

A dangling fragment ("... he said. aid group.") is part of its slot: the candidate sentence and the
fragment together stand for the one reference sentence, so the gold bead holds both (the aligner
joins such remnants to their sentence's bead, pipeline/leftovers.py). Until the generator recorded
its slots, this script built gold beads from the labels' spans, which give no bead for a slot whose
only label is one-sided (the fragment's); "label_precision" / "label_f1" keep that older measure, with
beads on such slots counted as wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout's auditor, not an installed one

from generate import generate  # noqa: E402


def _touched(sentences: list[dict], start: int, end: int) -> frozenset[int]:
    return frozenset(k for k, s in enumerate(sentences) if s["start"] < max(end, start + 1) and start < s["end"])


def gold_beads(record: dict, result: dict) -> set[tuple[frozenset[int], frozenset[int]]]:
    """The slots with text on both sides, as sentence-index sets of the auditor's own split."""
    cand, ref = result["candidate"]["sentences"], result["reference"]["sentences"]
    return {(_touched(cand, c0, c1), _touched(ref, r0, r1)) for c0, c1, r0, r1 in record["slots"]}


def label_gold_beads(record: dict, result: dict) -> set[tuple[frozenset[int], frozenset[int]]]:
    """The older gold: untouched slots and the labels with spans on both sides (none for a one-sided label)."""
    cand, ref = result["candidate"]["sentences"], result["reference"]["sentences"]
    spans = [(c0, c1, r0, r1) for c0, c1, r0, r1 in record["untouched"]]
    spans += [(*l["candidate_span"], *l["reference_span"]) for l in record["labels"] if l["candidate_span"] and l["reference_span"]]
    return {(_touched(cand, c0, c1), _touched(ref, r0, r1)) for c0, c1, r0, r1 in spans}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / max(precision + recall, 1e-12)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sentences", type=int, default=20, help="reference sentences per pair")
    args = parser.parse_args(argv)
    import auditor  # late: loading the pipeline is slow

    predicted = right = gold_total = found = label_right = label_total = label_found = 0
    for record in generate(args.pairs, args.seed, args.sentences):
        result = auditor.compare(record["candidate"], record["reference"]).to_dict()
        beads = {(frozenset(b["candidate"]), frozenset(b["reference"])) for b in result["alignment"] if b["candidate"] and b["reference"]}
        gold, label_gold = gold_beads(record, result), label_gold_beads(record, result)
        predicted += len(beads)
        right += len(beads & gold)
        gold_total += len(gold)
        found += len(gold & beads)
        label_right += len(beads & label_gold)
        label_total += len(label_gold)
        label_found += len(label_gold & beads)
    precision, recall = right / max(predicted, 1), found / max(gold_total, 1)
    label_precision, label_recall = label_right / max(predicted, 1), label_found / max(label_total, 1)
    print(json.dumps({"pairs": args.pairs, "seed": args.seed, "gold_beads": gold_total, "predicted_beads": predicted,
                      "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(_f1(precision, recall), 4),
                      "label_precision": round(label_precision, 4), "label_recall": round(label_recall, 4),
                      "label_f1": round(_f1(label_precision, label_recall), 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
