"""Time and peak memory of `audit compare` on huge and hostile input, at and over the size limits.

Each case runs the real CLI in a fresh process and reports its exit code, wall time and peak
resident memory, so a regression to a hang or a memory blow-up shows as a number.

Usage:
    python benchmarks/limits.py [--cases line,big,names] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "seeds" / "001_25b45a1f2acf4c89.txt"
# Run the CLI, then print the process's peak resident memory (KiB on Linux) on stderr's last line.
RUNNER = (
    "import resource, sys\nfrom auditor.cli import main\ntry:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n"
)


def words(rng: random.Random, chars: int) -> list[str]:
    """Words of the clean seed in random order, about `chars` characters joined by spaces."""
    vocabulary = sorted(set(re.findall(r"\w+", CLEAN.read_text(encoding="utf-8"))))
    out: list[str] = []
    while sum(map(len, out)) + len(out) < chars:
        out.append(rng.choice(vocabulary))
    return out


def pseudo_name(rng: random.Random) -> str:
    return rng.choice("ABCDEFGHIKLMNOPRSTVZ") + "".join(rng.choice("aeioulnrstkmbdgvz") for _ in range(rng.randint(4, 9)))


def make_cases(folder: Path, rng: random.Random) -> dict[str, tuple[str, list[str]]]:
    """name -> (what it is, CLI arguments)."""
    line = folder / "line.txt"
    line.write_text(" ".join(words(rng, 200_000)))
    big = folder / "big.txt"
    big.write_text(("The prisoners were waiting for officials. " * 100 + "\n") * 5000)
    # 2,000 sentences (the default limit) of distinct capitalised non-words: the worst case of the
    # name detectors; the candidate is the reference with a name respelled in every tenth sentence.
    sentences = [" ".join(pseudo_name(rng) for _ in range(12)) + "." for _ in range(2000)]
    names_ref = folder / "names_ref.txt"
    names_ref.write_text("\n".join(sentences))
    names_cand = folder / "names_cand.txt"
    names_cand.write_text("\n".join(s.replace(s[1], "y", 1) if k % 10 == 0 else s for k, s in enumerate(sentences)))
    return {
        "line": ("one 200,000-character line without punctuation vs seed 001", [str(line), str(CLEAN)]),
        "big": ("a 21 MB file (refused unread by --max-chars)", [str(big), str(CLEAN)]),
        "big-raised": ("the 21 MB file with --max-chars 30000000 (refused by --max-sentences)", [str(big), str(CLEAN), "--max-chars", "30000000"]),
        "names": ("2,000 sentences of distinct capitalised non-words vs a respelled copy", [str(names_cand), str(names_ref)]),
    }


def run(args: list[str]) -> dict:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", RUNNER, "compare", *args, "--format", "json"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    *messages, peak = out.stderr.strip().splitlines()
    return {"exit": out.returncode, "seconds": round(seconds, 1), "peak_mib": round(int(peak) / 1024), "stderr": " | ".join(messages)[:160]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="line,big,big-raised,names", help="comma-separated case names")
    parser.add_argument("--json", type=Path, help="also write the results here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = make_cases(Path(folder), random.Random(7))
        results = {name: {"case": cases[name][0], **run(cases[name][1])} for name in options.cases.split(",")}
    print(tabulate([[n, r["case"], r["exit"], r["seconds"], r["peak_mib"], r["stderr"]] for n, r in results.items()],
                   ["name", "case", "exit", "seconds", "peak MiB", "stderr"]))
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
