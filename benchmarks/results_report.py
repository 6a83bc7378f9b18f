"""RESULTS.md from the figures `run.py` measured: the machine, each section's figures and ratios, and the targets."""

from __future__ import annotations

import statistics


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
        "## `audit compare 000 001`, fresh process, against the PyTorch and ONNX floors",
        "",
        f"The PyTorch floor process imports sentence-transformers, loads the model and encodes the same {c['sentences']} sentences "
        f"(in its last run: {c['floor_split']['load']:.2f} s import and load, {c['floor_split']['encode']:.2f} s encode); the ONNX "
        f"floor loads the exported graph and encodes them ({c['onnx_floor_split']['load']:.2f} s load, "
        f"{c['onnx_floor_split']['encode']:.2f} s encode, torch imported: {'yes' if c['onnx_floor_split']['torch'] else 'no'}). "
        "All four processes take turns in each round.",
        "",
        tabulate(
            [[name, f"{med(c[key]):.2f}", " ".join(f"{t:.2f}" for t in c[key]), f"{med(c[key]) / med(c['floor']):.2f}",
              f"{med(c[key]) / med(c['onnx_floor']):.2f}"]
             for name, key in (("PyTorch floor", "floor"), ("ONNX floor", "onnx_floor"), ("audit compare (cold, ONNX)", "compare"),
                               ("audit compare --encoder torch (cold)", "compare_torch"), ("audit compare --cache (warm)", "cached"))],
            ["process", "median s", "runs s", "× PyTorch floor", "× ONNX floor"], tablefmt="github"),
        "",
        f"Targets: cold audit compare at most 0.35 × the PyTorch floor: {_check(med(c['compare']) <= 0.35 * med(c['floor']))}; "
        f"at most 1.3 × its own (ONNX) floor: {_check(med(c['compare']) <= 1.3 * med(c['onnx_floor']))}; "
        f"torch imported by the cold compare: **{'yes' if c['torch_imported'] else 'no'}** ({_check(not c['torch_imported'])}).",
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
            f"their slice), in {len(b['slices'])} slices taken turn about: the PyTorch floor process, then the ONNX floor process, "
            "each encoding every distinct sentence of a slice once, then `audit batch` auditing the slice.",
            "",
            tabulate([[n + 1, s["pairs"], s["distinct"], f"{s['floor_split']['load']:.1f} + {s['floor_split']['encode']:.1f}",
                       f"{s['floor']:.1f}", f"{s['onnx_floor']:.1f}", f"{s['batch']:.1f}", f"{s['floor'] / s['batch']:.2f}",
                       f"{s['batch'] / s['onnx_floor']:.2f}", s["load"]]
                      for n, s in enumerate(b["slices"])]
                     + [["all", b["pairs"], b["distinct"], "", f"{b['floor']:.1f}", f"{b['onnx_floor']:.1f}", f"{b['batch']:.1f}",
                         f"{b['floor'] / b['batch']:.2f}", f"{b['batch'] / b['onnx_floor']:.2f}", ""]],
                     ["slice", "pairs", "distinct sentences", "PyTorch floor load + encode s", "PyTorch floor s", "ONNX floor s",
                      "audit batch s", "speed-up over PyTorch floor", "× ONNX floor", "load average after"], tablefmt="github"),
            "",
            f"Target: audit batch at least 1.5 × faster than the PyTorch floor: {_check(b['floor'] >= 1.5 * b['batch'])}.",
            "",
        ]
    return "\n".join(lines)
