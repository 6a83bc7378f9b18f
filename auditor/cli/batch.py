"""`audit batch`: many pairs with one model load, on this machine or on Ray."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from auditor.cli.options import (
    CACHE_OPTION, CONFIG_OPTION, DEVICE_OPTION, EXIT_ZERO_OPTION, FAIL_ON_OPTION, MAX_PENALTY_OPTION, MIN_COVERAGE_OPTION, MIN_SCORE_OPTION, POLICY_OPTION,
    MODEL_OPTION, Device, configured,
)
from auditor.domain import FailOn


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"


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
    min_score: Optional[float] = MIN_SCORE_OPTION,
    policy: Optional[Path] = POLICY_OPTION,
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
    _, auditor = configured(
        config, cache=cache, device=device, model=model, fail_on=fail_on, max_penalty=max_penalty, min_coverage=min_coverage, min_score=min_score, policy=policy
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
    summary = run_batch(
        auditor, manifest=manifest, auto=auto, pattern=pattern, output=output, resume=resume,
        jobs=jobs, chunk_size=chunk_size, bar=sys.stderr.isatty(), engine=scheduler,
        parquet=output_format is BatchFormat.parquet,
    )
    print(summary.render(), end="", file=sys.stdout if output else sys.stderr)
    raise typer.Exit(zero_if_asked(summary.exit_code, exit_zero))
