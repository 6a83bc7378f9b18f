"""The `audit` command: a thin Typer layer over the Python API.

Exit codes: 0 passed, 1 the gate failed, 2 usage, configuration, input or internal error, 3 not counterparts.
In machine formats stdout carries only that format; every message goes to stderr.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from auditor.domain import FailOn
from auditor.errors import AuditError, ExitCode
from auditor.io.files import write_atomic
from auditor.io.load import DEFAULT_CORPUS, Limits

if TYPE_CHECKING:
    from auditor.config import Config

app = typer.Typer(
    name="audit",
    help="Audit machine-translated text against its clean counterpart: align sentence by sentence "
    "and flag every mistranslation.\n\nExit codes: 0 the gate passed, 1 the gate failed, 2 usage, configuration, "
    "input or internal error, 3 the documents are not counterparts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    github = "github"
    sarif = "sarif"


class Device(str, Enum):
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"
    auto = "auto"


# Options shared by compare and batch, declared once.
CORPUS_OPTION = typer.Option(None, "--corpus", help="Folder where seed ids are looked up (default: seeds).")
MODEL_OPTION = typer.Option(None, "--model", help="Local sentence-transformers model folder (default: bundled all-MiniLM-L6-v2).")
FAIL_ON_OPTION = typer.Option(None, "--fail-on", help="Lowest severity that fails the gate; never: report only (default: major).")
MAX_PENALTY_OPTION = typer.Option(None, "--max-penalty", min=0.0, help="Fail the gate above this many penalty points per 100 checked words.")
MIN_COVERAGE_OPTION = typer.Option(None, "--min-coverage", min=0.0, max=1.0, help="Fail the gate when less than this share (0-1) of either document's sentences aligns.")
EXIT_ZERO_OPTION = typer.Option(False, "--exit-zero", help="Exit 0 even when the gate fails (errors still exit 2, non-counterparts 3).")
CACHE_OPTION = typer.Option(None, "--cache", help="Folder of an on-disk embedding cache (keyed by model and text hash), shared by repeated and concurrent runs.")
DEVICE_OPTION = typer.Option(Device.cpu, "--device", help="Where the model runs; auto takes cuda, then mps, then cpu.")
CONFIG_OPTION = typer.Option(None, "--config", help="Configuration file (default: audit.toml, or pyproject.toml with a tool.audit table, here or in a folder above).")


def _note(message: str) -> None:
    """A message for people: always stderr, so stdout stays the chosen format."""
    print(f"audit: {message}", file=sys.stderr)


def _emit(text: str, output: Path | None) -> None:
    """The command's result: to `output` (written atomically) or to stdout."""
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def _settings(config: Path | None, fail_on: FailOn | None, max_penalty: float | None, min_coverage: float | None,
              model: str | None, corpus: Path | None) -> Config:
    """The configuration file's settings with the command-line options that were given on top."""
    from auditor.config import load_config

    return load_config(config).override(
        fail_on=fail_on.value if fail_on else None, max_penalty=max_penalty, min_coverage=min_coverage, model=model, corpus=corpus
    )


@app.callback()
def _root() -> None:
    """Audit machine-translated text against its clean counterpart."""


@app.command()
def compare(
    candidate: str = typer.Argument(..., help="Candidate (machine-translated) text: a file path or a seed id such as 000."),
    reference: str = typer.Argument(..., help="Reference (clean) text: a file path or a seed id such as 001."),
    corpus: Optional[Path] = CORPUS_OPTION,
    model: Optional[str] = MODEL_OPTION,
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table for people; json, jsonl (one line), github (Actions annotations) or sarif (2.1.0) for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output to this file instead of stdout."),
    fail_on: Optional[FailOn] = FAIL_ON_OPTION,
    max_penalty: Optional[float] = MAX_PENALTY_OPTION,
    min_coverage: Optional[float] = MIN_COVERAGE_OPTION,
    exit_zero: bool = EXIT_ZERO_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Leave out the findings recorded in this baseline file."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", help="Record the current findings in this file, then report as if it were --baseline."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write a Markdown review report here, with its alignment map (PNG) beside it."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Decode both files with this encoding (e.g. cp1252, utf-16) instead of detecting it."),
    max_chars: int = typer.Option(Limits.max_chars, "--max-chars", min=1, help="Refuse a document with more characters than this."),
    max_sentences: int = typer.Option(Limits.max_sentences, "--max-sentences", min=1, help="Refuse a document with more sentences than this (alignment memory grows with the product of both counts)."),
    cache: Optional[Path] = CACHE_OPTION,
    device: Device = DEVICE_OPTION,
) -> None:
    """Align CANDIDATE with REFERENCE sentence by sentence and report what does not match."""
    from auditor.verdict.baseline import Baseline, write_baseline as save_baseline
    from auditor.render.formats import render
    from auditor.verdict.score import exit_code

    settings = _settings(config, fail_on, max_penalty, min_coverage, model, corpus)
    limits = Limits(max_chars=max_chars, max_sentences=max_sentences)
    known = Baseline.load(baseline) if baseline and not write_baseline else None
    auditor = settings.auditor(baseline=known, limits=limits, cache=cache, device=device.value)
    result = auditor.compare_files(candidate, reference, settings.corpus, encoding)
    for document in (result.candidate, result.reference):
        for note in document.notes:
            _note(f"note: {document.name}: {note}")
    if write_baseline:
        save_baseline(write_baseline, result.findings)
        _note(f"wrote {len(result.findings)} findings to baseline {write_baseline}")
        result = auditor.apply_baseline(result, Baseline.of(result.findings))
    elif known is not None:
        suppressed = result.summary.suppressed["baseline"]
        stale = len(known) - suppressed
        _note(f"baseline {baseline}: {suppressed} findings suppressed" + (f", {stale} entries no longer match" if stale else ""))
    _emit(render(result, output_format.value), output)
    if report:
        from auditor.render.report import write_report

        map_path = write_report(result, report)
        _note(f"report written to {report} (alignment map {map_path})")
    raise typer.Exit(exit_code(result.summary, exit_zero))


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"


class MatchFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def batch(
    manifest: Optional[str] = typer.Argument(None, help="CSV (header candidate,reference[,id]) or JSON Lines manifest, a path or a URI such as s3://bucket/pairs.csv; relative paths in it start from its folder."),
    auto: Optional[Path] = typer.Option(None, "--auto", help="Instead of a manifest: pair this folder's documents as `audit match` does."),
    pattern: str = typer.Option("*.txt", "--pattern", help="With --auto: the folder's files that are documents."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="JSON Lines file for the records, or with --format parquet a folder (default: stdout; the summary then goes to stderr)."),
    output_format: BatchFormat = typer.Option(BatchFormat.jsonl, "--format", "-f", help="jsonl: one line per record; parquet: part files in the --output folder (needs pyarrow, in auditor[ray])."),
    resume: bool = typer.Option(False, "--resume", help="Skip the pairs already in --output and append the rest."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes, each loading the model once."),
    chunk_size: int = typer.Option(8, "--chunk-size", min=1, help="Pairs whose sentences are embedded in one model call."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: this machine (--jobs); ray: a Ray Data actor pool (needs auditor[ray])."),
    address: Optional[str] = typer.Option(None, "--address", help="With --engine ray: the Ray cluster to join, e.g. auto or head:6379 (default: start Ray on this machine)."),
    workers: int = typer.Option(2, "--workers", min=1, help="With --engine ray: actors, each loading the model once."),
    cpus_per_worker: Optional[int] = typer.Option(None, "--cpus-per-worker", min=1, help="With --engine ray: CPUs reserved per actor, its torch threads (default: cores / workers locally, 1 on a cluster)."),
    gpus_per_worker: float = typer.Option(0.0, "--gpus-per-worker", min=0.0, help="With --engine ray: GPUs per actor; fractions share a GPU."),
    model: Optional[str] = MODEL_OPTION,
    fail_on: Optional[FailOn] = FAIL_ON_OPTION,
    max_penalty: Optional[float] = MAX_PENALTY_OPTION,
    min_coverage: Optional[float] = MIN_COVERAGE_OPTION,
    exit_zero: bool = EXIT_ZERO_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    cache: Optional[Path] = CACHE_OPTION,
    device: Device = DEVICE_OPTION,
) -> None:
    """Audit many candidate/reference pairs with one model load: one JSON Lines record per pair.

    Exit code over all pairs: 2 if any pair had an error, else 1 if any failed the gate, else 3 if any was not a counterpart pair (or, with --auto, a document had none), else 0.
    """
    from auditor.run.batch import run_batch
    from auditor.verdict.score import zero_if_asked

    if (manifest is None) == (auto is None):
        raise typer.BadParameter("give either a MANIFEST or --auto DIR")
    settings = _settings(config, fail_on, max_penalty, min_coverage, model, None)
    auditor = settings.auditor(cache=cache, device=device.value)
    scheduler = None
    if engine is Engine.ray:
        from functools import partial

        from auditor.run.ray_engine import import_ray, run_ray

        import_ray()  # a missing extra is one line before any work
        scheduler = partial(
            run_ray, auditor, address=address, workers=workers, cpus_per_worker=cpus_per_worker,
            gpus_per_worker=gpus_per_worker, chunk_size=chunk_size,
        )
    summary = run_batch(
        auditor, manifest=manifest, auto=auto, pattern=pattern, output=output, resume=resume,
        jobs=jobs, chunk_size=chunk_size, bar=sys.stderr.isatty(), engine=scheduler,
        parquet=output_format is BatchFormat.parquet,
    )
    print(summary.render(), end="", file=sys.stdout if output else sys.stderr)
    raise typer.Exit(zero_if_asked(summary.exit_code, exit_zero))


@app.command()
def match(
    documents: list[str] = typer.Argument(..., help="Folders (their files matching --pattern), files, or seed ids."),
    pattern: str = typer.Option("*.txt", "--pattern", help="Which files of a folder are documents."),
    corpus: Path = typer.Option(DEFAULT_CORPUS, "--corpus", help="Folder where seed ids are looked up."),
    model: Optional[str] = MODEL_OPTION,
    output_format: MatchFormat = typer.Option(MatchFormat.table, "--format", "-f", help="table for people, json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output to this file instead of stdout."),
) -> None:
    """Find which documents are counterparts of which, and which side of each pair is the candidate."""
    from auditor.api import Auditor
    from auditor.run.match import load_documents, match_documents, render

    result = match_documents(Auditor(model=model), load_documents(documents, corpus, pattern))
    _emit(result.to_json() if output_format is MatchFormat.json else render(result), output)


def main() -> None:
    """Console entry point: user errors become one line and exit 2; so does a crash, never 0 or 1."""
    try:
        code = app(standalone_mode=False)  # click returns the code of a typer.Exit here
        sys.exit(code if isinstance(code, int) else 0)
    except AuditError as exc:
        print(f"audit: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("audit: interrupted", file=sys.stderr)
        sys.exit(ExitCode.USAGE_ERROR)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        exc.show()  # type: ignore[attr-defined]
        sys.exit(ExitCode.USAGE_ERROR)
    except Exception as exc:  # a crash must not look like a pass or a failed gate
        if os.environ.get("AUDIT_DEBUG"):
            raise
        print(f"audit: internal error: {type(exc).__name__}: {exc} (set AUDIT_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(ExitCode.USAGE_ERROR)
