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


class EncoderChoice(str, Enum):
    auto = "auto"
    onnx = "onnx"
    torch = "torch"


CORPUS_OPTION = typer.Option(None, "--corpus", metavar="DIR", help="Folder where seed ids are looked up (default: seeds).")
MODEL_OPTION = typer.Option(None, "--model", metavar="DIR", help="Local sentence-transformers model folder (default: bundled all-MiniLM-L6-v2).")
FAIL_ON_OPTION = typer.Option(None, "--fail-on", help="Lowest severity that fails the gate (default: never: findings alone do not fail it; the score and coverage do).")
MAX_PENALTY_OPTION = typer.Option(None, "--max-penalty", min=0.0, metavar="POINTS", help="Fail the gate above this many penalty points per 100 checked words.")
MIN_COVERAGE_OPTION = typer.Option(None, "--min-coverage", min=0.0, max=1.0, metavar="SHARE", help="Fail the gate when less than this share (0-1) of either document's sentences aligns (default 0.5; 0 turns it off).")
MIN_SCORE_OPTION = typer.Option(None, "--min-score", min=0.0, max=100.0, metavar="SCORE", help="Fail the gate when the document score (0-100, higher is better) is below this (default: the policy's fitted minimum, 28.7 for mqm-zhen; 0: off).")
POLICY_OPTION = typer.Option(None, "--policy", metavar="NAME|FILE", help="Severity policy: a shipped one by name (mqm-zhen) or a file written by `audit calibrate` (default: the rule table).")
EXIT_ZERO_OPTION = typer.Option(False, "--exit-zero", help="Exit 0 even when the gate fails (errors still exit 2, non-counterparts 3).")
CACHE_OPTION = typer.Option(None, "--cache", metavar="DIR", help="Folder of an on-disk embedding cache (keyed by model and text hash), shared by repeated and concurrent runs.")
DEVICE_OPTION = typer.Option(Device.cpu, "--device", help="Where the model runs; auto takes cuda, then mps, then cpu.")
ENCODER_OPTION = typer.Option(
    None, "--encoder",
    help="How the model runs: onnx (ONNX Runtime, no torch import; the bundled model on the cpu), torch (sentence-transformers), "
         "or auto (default: onnx where it can, else torch).",
)
READ_TIMEOUT_OPTION = typer.Option(None, "--read-timeout", min=0.001, metavar="SECONDS", help="Seconds a remote (URI) document or manifest may take to read, connecting included, before it is an error (default: 30; config key read-timeout).")
CONFIG_OPTION = typer.Option(None, "--config", metavar="FILE", help="Configuration file (default: audit.toml, or pyproject.toml with a tool.audit table, here or in a folder above).")


QUIET_OPTION = typer.Option(False, "--quiet", "-q", help="Print no notes on stderr (errors still print); the table shows findings and the verdict only.")
VERBOSE_OPTION = typer.Option(False, "--verbose", "-v", help="Say more: the table lists every unverified sentence, not only how many and where.")
OUTPUT_OPTION = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the output to this file instead of stdout.")
BASELINE_OPTION = typer.Option(None, "--baseline", metavar="FILE", help="Leave out the findings recorded in this baseline file.")


class Verbosity:
    """How much the running command says on stderr: set once by the command from -q / -v."""

    quiet = False
    verbose = False

    @classmethod
    def set(cls, quiet: bool, verbose: bool) -> None:
        if quiet and verbose:
            raise typer.BadParameter("--quiet and --verbose contradict each other: give one")
        cls.quiet, cls.verbose = quiet, verbose


def note(message: str) -> None:
    """A message for people: always stderr, so stdout stays the chosen format; one line, with the
    file names and text it quotes escaped (a CI log must not take them as commands). --quiet silences it."""
    from auditor.render.safe_text import visible

    if Verbosity.quiet:
        return

    print(f"audit: {visible(message)}", file=sys.stderr)


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
    encoder: EncoderChoice | None = None,
    model: str | None = None,
    corpus: Path | None = None,
    fail_on: FailOn | None = None,
    max_penalty: float | None = None,
    min_coverage: float | None = None,
    min_score: float | None = None,
    policy: str | None = None,
    baseline: Path | None = None,
    limits: Limits | None = None,
    read_timeout: float | None = None,
) -> tuple[Config, Auditor]:
    """The configuration file's settings with the given command-line options on top, and the one
    Auditor every command runs the pipeline through (the configuration is read first, so its
    errors come before those of a baseline file)."""
    from dataclasses import replace

    from auditor.config import load_config
    from auditor.io.load import Limits

    settings = load_config(config).override(
        fail_on=fail_on.value if fail_on else None, max_penalty=max_penalty, min_coverage=min_coverage, model=model, corpus=corpus,
        encoder=encoder.value if encoder else None,
        read_timeout=read_timeout, min_score=min_score, policy=policy,
    )
    limits = replace(limits or Limits(), read_timeout=settings.read_timeout)
    known = None
    if baseline is not None:
        from auditor.verdict.baseline import Baseline

        known = Baseline.load(baseline)
    from auditor.api import Auditor

    return settings, Auditor.from_settings(settings, baseline=known, limits=limits, cache=cache, device=device.value)
