"""Alignment precision, recall and F1 on generated pairs, against the gold alignment the generator knows.

    python benchmarks/evaluate_alignment.py --pairs 100 --seed 7

`generate.py` writes every reference sentence into one slot: copied verbatim (its "untouched"
[cand_start, cand_end, ref_start, ref_end]), or corrupted (a label with a candidate and a reference
span inside the slot; a split gives two candidate sentences, a merge one for two reference sentences),
or inserted / dropped (a label with one side only: no gold bead). A gold bead is the set of candidate
sentences and the set of reference sentences (as the auditor splits them) that one slot's spans touch. A
predicted aligned bead is right when it is exactly a gold bead; precision = right / predicted aligned
beads, recall = gold beads predicted exactly / gold beads.

A corruption that keeps the slot's sentence but labels one side only (a dangling fragment appended to
the candidate sentence: its label spans the fragment, no reference text) leaves that slot's gold bead
unknown: neither the bead with the fragment nor the one without it is a gold bead. Predicted beads on
such a slot are "unscored", counted apart and left out of precision ("strict_precision" counts them
as wrong, as this script did before).
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
    spans = [(c0, c1, r0, r1) for c0, c1, r0, r1 in record["untouched"]]
    spans += [(*l["candidate_span"], *l["reference_span"]) for l in record["labels"] if l["candidate_span"] and l["reference_span"]]
    return {(_touched(cand, c0, c1), _touched(ref, r0, r1)) for c0, c1, r0, r1 in spans}


_WHOLE_SENTENCE = {"inserted_sentence", "dropped_sentence"}  # one-sided labels that are the whole slot


def unknown_slots(record: dict, result: dict) -> frozenset[int]:
    """Candidate sentences of slots whose gold bead the labels do not give (a one-sided label inside a kept sentence)."""
    cand = result["candidate"]["sentences"]
    spans = [l["candidate_span"] for l in record["labels"] if l["candidate_span"] and not l["reference_span"] and l["kind"] not in _WHOLE_SENTENCE]
    return frozenset(k for c0, c1 in spans for k in _touched(cand, c0, c1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sentences", type=int, default=20, help="reference sentences per pair")
    args = parser.parse_args(argv)
    import auditor  # late: loading the pipeline is slow

    predicted = right = gold_total = found = unscored = 0
    for record in generate(args.pairs, args.seed, args.sentences):
        result = auditor.compare(record["candidate"], record["reference"]).to_dict()
        gold = gold_beads(record, result)
        beads = {(frozenset(b["candidate"]), frozenset(b["reference"])) for b in result["alignment"] if b["candidate"] and b["reference"]}
        unknown = unknown_slots(record, result)
        skipped = {bead for bead in beads if bead[0] & unknown and bead not in gold}
        unscored += len(skipped)
        beads -= skipped
        predicted += len(beads)
        right += len(beads & gold)
        gold_total += len(gold)
        found += len(gold & beads)
    precision, recall = right / max(predicted, 1), found / max(gold_total, 1)
    strict = right / max(predicted + unscored, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    print(json.dumps({"pairs": args.pairs, "seed": args.seed, "gold_beads": gold_total, "predicted_beads": predicted, "unscored_beads": unscored,
                      "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                      "strict_precision": round(strict, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
