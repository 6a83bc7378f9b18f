"""Write a folder of synthetic article pairs and a manifest, the workload of `audit batch`.

Each pair comes from `generate.py --size article` (about 60 candidate sentences, 20 of them
translating the 20-sentence reference with inserted, dropped, split and merged sentences and
word-level corruptions, then an unreferenced tail). The generator draws from 90 clean sentences,
so 1,000 pairs would repeat the same sentences hundreds of times, which no real corpus does and
which a cache would turn into a free ride. Each pair therefore gets its own names and numbers:
every proper noun and every number of the pair is replaced, the same way in both documents, by an
invented name or a random number of as many digits. A corruption stays a corruption (a misspelled
name or a changed number is a different string, so it is replaced by a different value).

Usage:
    python benchmarks/corpus.py --pairs 1000 --seed 1 --out /tmp/corpus   # writes /tmp/corpus/manifest.csv

The manifest has the columns candidate,reference; its paths are relative to the manifest's folder.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import _SENTENCE_INITIAL_NAMES, generate, proper_nouns  # noqa: E402

MANIFEST = "manifest.csv"
_SYLLABLES = "ba ko ri sa ven tal mir dor lis gan pe ru zo ha nik var lo te sen ma".split()
_NUMBER = re.compile(r"\d+")
# Capitalised words of the pool that are no names to invent anew.
_KEEP = frozenset("January February March April May June July August September October November December "
                  "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Feb Aug Sept Oct Nov Dec".split())


def _invented_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def diversify(candidate: str, reference: str, rng: random.Random) -> tuple[str, str]:
    """Give the pair its own names and numbers, replaced the same way in both documents."""
    names = sorted((proper_nouns() | _SENTENCE_INITIAL_NAMES) - _KEEP)
    name_pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
    new_names: dict[str, str] = {}
    new_numbers: dict[str, str] = {}

    def name(match: re.Match) -> str:
        return new_names.setdefault(match.group(), _invented_name(rng))

    def number(match: re.Match) -> str:
        digits = match.group()
        return new_numbers.setdefault(digits, str(rng.randint(10 ** (len(digits) - 1) if len(digits) > 1 else 0, 10 ** len(digits) - 1)))

    texts = [name_pattern.sub(name, text) for text in (candidate, reference)]
    return _NUMBER.sub(number, texts[0]), _NUMBER.sub(number, texts[1])


def write_corpus(folder: Path, pairs: int, seed: int) -> Path:
    """Write `pairs` article pairs under `folder` and return the manifest's path."""
    from auditor.io.files import write_atomic

    (folder / "pairs").mkdir(parents=True, exist_ok=True)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["candidate", "reference"])
    for record in generate(pairs, seed, 20, "article"):
        candidate, reference = diversify(record["candidate"], record["reference"], random.Random(f"{seed}:{record['id']}"))
        paths = [f"pairs/{record['id']}.candidate.txt", f"pairs/{record['id']}.reference.txt"]
        for path, text in zip(paths, (candidate, reference)):
            write_atomic(folder / path, text)
        writer.writerow(paths)
    write_atomic(folder / MANIFEST, rows.getvalue())
    return folder / MANIFEST


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1000, help="number of pairs (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created if missing)")
    args = parser.parse_args(argv)
    print(write_corpus(args.out, args.pairs, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
