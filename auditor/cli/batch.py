"""`audit batch`: many pairs with one model load, on this machine or on Ray."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from auditor.cli.options import (
    CACHE_OPTION, CONFIG_OPTION, DEVICE_OPTION, ENCODER_OPTION, EXIT_ZERO_OPTION, FAIL_ON_OPTION, MAX_PENALTY_OPTION,
    MIN_COVERAGE_OPTION, MIN_SCORE_OPTION, MODEL_OPTION, POLICY_OPTION, QUIET_OPTION, READ_TIMEOUT_OPTION, VERBOSE_OPTION, BASELINE_OPTION,
    Device, EncoderChoice, Verbosity, configured, emit, note,
)
from auditor.domain import FailOn


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    sarif = "sarif"
    github = "github"


def batch(
    manifest: Optional[str] = typer.Argument(None, help="CSV (header candidate,reference[,id]) or JSON Lines manifest, a path or a URI such as s3://bucket/pairs.csv; relative paths in it start from its folder."),
    auto: Optional[Path] = typer.Option(None, "--auto", help="Instead of a manifest: pair this folder's documents as `audit match` does."),
    pattern: str = typer.Option("*.txt", "--pattern", help="With --auto: the folder's files that are documents."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="JSON Lines file for the records, or with --format parquet a folder (default: stdout; the summary then goes to stderr)."),
    output_format: BatchFormat = typer.Option(BatchFormat.jsonl, "--format", "-f", help="jsonl: one line per record; parquet: part files in the --output folder (needs pyarrow, in auditor[ray]); sarif: one SARIF 2.1.0 log, a run per pair; github: Actions annotations for every pair."),
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
    min_score: Optional[float] = MIN_SCORE_OPTION,
    policy: Optional[str] = POLICY_OPTION,
    exit_zero: bool = EXIT_ZERO_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    read_timeout: Optional[float] = READ_TIMEOUT_OPTION,
    cache: Optional[Path] = CACHE_OPTION,
    device: Device = DEVICE_OPTION,
    encoder: Optional[EncoderChoice] = ENCODER_OPTION,
    quiet: bool = QUIET_OPTION,
    verbose: bool = VERBOSE_OPTION,
    baseline: Optional[Path] = BASELINE_OPTION,
    summary_file: Optional[Path] = typer.Option(None, "--summary", metavar="FILE", help="Also write the run summary (pairs by verdict, findings by severity, time, exit code) to this JSON file."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --output instead of refusing (without --resume, a run never appends)."),
) -> None:
    """Audit many candidate/reference pairs with one model load: one JSON Lines record per pair.

    Exit code over all pairs: 2 if any pair had an error, else 1 if any failed the gate, else 3 if any was not a counterpart pair (or, with --auto, a document had none), else 0.
    """
    from auditor.run.batch import run_batch
    from auditor.verdict.score import zero_if_asked

    Verbosity.set(quiet, verbose)
    if (manifest is None) == (auto is None):
        raise typer.BadParameter("give either a MANIFEST or --auto DIR")
    rendered = output_format in (BatchFormat.sarif, BatchFormat.github)
    if rendered and resume:
        raise typer.BadParameter(f"--resume needs --format jsonl or parquet (a {output_format.value} output is written whole at the end)")
    if force and resume:
        raise typer.BadParameter("--force overwrites, --resume appends: give one")
    if rendered and output is not None and output.exists() and not force:
        raise typer.BadParameter(f"{output} already exists; pass --force to overwrite it")
    _, auditor = configured(
        config, cache=cache, device=device, encoder=encoder, model=model, fail_on=fail_on, max_penalty=max_penalty,
        min_coverage=min_coverage, min_score=min_score, policy=policy, read_timeout=read_timeout, baseline=baseline,
    )
    scheduler = None
    if engine is Engine.ray:
        from functools import partial

        from auditor.run.ray_engine import import_ray, run_ray

        import_ray()  # a missing extra is one line before any work
        scheduler = partial(
            run_ray, auditor, address=address, workers=workers, cpus_per_worker=cpus_per_worker,
            gpus_per_worker=gpus_per_worker, chunk_size=chunk_size,
        )
    records: list[dict] | None = [] if rendered else None
    summary = run_batch(
        auditor, manifest=manifest, auto=auto, pattern=pattern, output=output, resume=resume,
        jobs=jobs, chunk_size=chunk_size, bar=sys.stderr.isatty() and not quiet, engine=scheduler,
        parquet=output_format is BatchFormat.parquet, force=force, into=records, progress_lines=not quiet,
    )
    if records is not None:
        from auditor.io.load import load_file
        from auditor.render.batch_formats import github_lines, sarif_log

        writer = sarif_log if output_format is BatchFormat.sarif else github_lines
        emit(writer(records, lambda path: load_file(path, limits=auditor.limits)), output)
    if summary_file is not None:
        from auditor.io.escape import dumps
        from auditor.io.files import write_atomic

        write_atomic(summary_file, dumps(summary.to_dict(), indent=2) + "\n")
    if auditor.baseline is not None:
        note(f"baseline {baseline}: {summary.suppressed} findings suppressed")
    if not quiet:
        print(summary.render(), end="", file=sys.stdout if output and not rendered else sys.stderr)
    raise typer.Exit(zero_if_asked(summary.exit_code, exit_zero))
