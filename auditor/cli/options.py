"""Options and helpers every `audit` command shares, declared once so the commands cannot drift apart.

Nothing here imports the pipeline: `audit --help` and usage errors stay fast and torch-free.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from auditor.domain import FailOn
from auditor.io.files import write_atomic

if TYPE_CHECKING:
    from auditor.api import Auditor
    from auditor.config import Config
    from auditor.io.load import Limits


class Device(str, Enum):
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"
    auto = "auto"


CORPUS_OPTION = typer.Option(None, "--corpus", help="Folder where seed ids are looked up (default: seeds).")
MODEL_OPTION = typer.Option(None, "--model", help="Local sentence-transformers model folder (default: bundled all-MiniLM-L6-v2).")
FAIL_ON_OPTION = typer.Option(None, "--fail-on", help="Lowest severity that fails the gate; never: report only (default: major).")
MAX_PENALTY_OPTION = typer.Option(None, "--max-penalty", min=0.0, help="Fail the gate above this many penalty points per 100 checked words.")
MIN_SCORE_OPTION = typer.Option(None, "--min-score", min=0.0, max=100.0, help="Fail the gate when the document score (0-100, higher is better) is below this (the shipped policy recommends 79.5 with --fail-on never).")
POLICY_OPTION = typer.Option(None, "--policy", help="Severity policy file written by `audit calibrate` (default: the shipped policy).")
MIN_COVERAGE_OPTION = typer.Option(None, "--min-coverage", min=0.0, max=1.0, help="Fail the gate when less than this share (0-1) of either document's sentences aligns.")
EXIT_ZERO_OPTION = typer.Option(False, "--exit-zero", help="Exit 0 even when the gate fails (errors still exit 2, non-counterparts 3).")
CACHE_OPTION = typer.Option(None, "--cache", help="Folder of an on-disk embedding cache (keyed by model and text hash), shared by repeated and concurrent runs.")
DEVICE_OPTION = typer.Option(Device.cpu, "--device", help="Where the model runs; auto takes cuda, then mps, then cpu.")
CONFIG_OPTION = typer.Option(None, "--config", help="Configuration file (default: audit.toml, or pyproject.toml with a tool.audit table, here or in a folder above).")


def note(message: str) -> None:
    """A message for people: always stderr, so stdout stays the chosen format."""
    print(f"audit: {message}", file=sys.stderr)


def emit(text: str, output: Path | None) -> None:
    """The command's result: to `output` (written atomically) or to stdout."""
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def configured(
    config: Path | None,
    *,
    cache: Path | None,
    device: Device,
    model: str | None = None,
    corpus: Path | None = None,
    fail_on: FailOn | None = None,
    max_penalty: float | None = None,
    min_coverage: float | None = None,
    min_score: float | None = None,
    policy: Path | None = None,
    baseline: Path | None = None,
    limits: Limits | None = None,
) -> tuple[Config, Auditor]:
    """The configuration file's settings with the given command-line options on top, and the one
    Auditor every command runs the pipeline through (the configuration is read first, so its
    errors come before those of a baseline file)."""
    from auditor.config import load_config

    settings = load_config(config).override(
        fail_on=fail_on.value if fail_on else None, max_penalty=max_penalty, min_coverage=min_coverage, model=model, corpus=corpus,
        min_score=min_score, policy=policy,
    )
    known = None
    if baseline is not None:
        from auditor.verdict.baseline import Baseline

        known = Baseline.load(baseline)
    return settings, settings.auditor(baseline=known, limits=limits, cache=cache, device=device.value)
