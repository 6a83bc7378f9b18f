"""`audit compare`: one candidate against its reference."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from auditor.cli.options import (
    CACHE_OPTION, CONFIG_OPTION, CORPUS_OPTION, DEVICE_OPTION, ENCODER_OPTION, EXIT_ZERO_OPTION, FAIL_ON_OPTION,
    MAX_PENALTY_OPTION, MIN_COVERAGE_OPTION, MIN_SCORE_OPTION, MODEL_OPTION, OUTPUT_OPTION, POLICY_OPTION, BASELINE_OPTION, QUIET_OPTION,
    READ_TIMEOUT_OPTION, VERBOSE_OPTION, Device, EncoderChoice, Verbosity, configured, emit, note,
)
from auditor.domain import FailOn
from auditor.io.load import Limits


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    github = "github"
    sarif = "sarif"


def compare(
    candidate: str = typer.Argument(..., help="Candidate (machine-translated) text: a file path, a URI, a seed id such as 000, or - for standard input."),
    reference: str = typer.Argument(..., help="Reference (clean) text: a file path, a URI, a seed id such as 001, or - for standard input."),
    corpus: Optional[Path] = CORPUS_OPTION,
    model: Optional[str] = MODEL_OPTION,
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table for people; json, jsonl (one line), github (Actions annotations) or sarif (2.1.0) for machines."),
    output: Optional[Path] = OUTPUT_OPTION,
    fail_on: Optional[FailOn] = FAIL_ON_OPTION,
    max_penalty: Optional[float] = MAX_PENALTY_OPTION,
    min_coverage: Optional[float] = MIN_COVERAGE_OPTION,
    min_score: Optional[float] = MIN_SCORE_OPTION,
    policy: Optional[str] = POLICY_OPTION,
    exit_zero: bool = EXIT_ZERO_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    baseline: Optional[Path] = BASELINE_OPTION,
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", metavar="FILE", help="Record the current findings in this file, then report as if it were --baseline."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE", help="Also write a Markdown review report here, with its alignment map (PNG) beside it."),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="CODEC", help="Decode both files with this encoding (e.g. cp1252, utf-16) instead of detecting it."),
    candidate_encoding: Optional[str] = typer.Option(None, "--candidate-encoding", metavar="CODEC", help="Decode the candidate with this encoding (overrides --encoding for it)."),
    reference_encoding: Optional[str] = typer.Option(None, "--reference-encoding", metavar="CODEC", help="Decode the reference with this encoding (overrides --encoding for it)."),
    max_chars: int = typer.Option(Limits.max_chars, "--max-chars", min=1, metavar="N", help="Refuse a document with more characters than this."),
    max_sentences: int = typer.Option(Limits.max_sentences, "--max-sentences", min=1, metavar="N", help="Refuse a document with more sentences than this (alignment memory grows with the product of both counts)."),
    read_timeout: Optional[float] = READ_TIMEOUT_OPTION,
    cache: Optional[Path] = CACHE_OPTION,
    device: Device = DEVICE_OPTION,
    encoder: Optional[EncoderChoice] = ENCODER_OPTION,
    quiet: bool = QUIET_OPTION,
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """Align CANDIDATE with REFERENCE sentence by sentence and report what does not match."""
    from auditor.verdict.baseline import Baseline, write_baseline as save_baseline
    from auditor.render.formats import render
    from auditor.verdict.score import exit_code

    Verbosity.set(quiet, verbose)
    if candidate == reference == "-":
        raise typer.BadParameter("only one side can be read from standard input (-)")
    settings, auditor = configured(
        config, cache=cache, device=device, encoder=encoder, model=model, corpus=corpus, fail_on=fail_on, max_penalty=max_penalty,
        min_coverage=min_coverage, min_score=min_score, policy=policy, baseline=None if write_baseline else baseline,
        limits=Limits(max_chars=max_chars, max_sentences=max_sentences), read_timeout=read_timeout,
    )
    known = auditor.baseline
    result = auditor.compare_files(
        candidate, reference, settings.corpus, encoding,
        candidate_encoding=candidate_encoding, reference_encoding=reference_encoding,
    )
    for document in (result.candidate, result.reference):
        for message in document.notes:
            note(f"note: {document.name}: {message}")
    if write_baseline:
        save_baseline(write_baseline, result.findings)
        note(f"wrote {len(result.findings)} findings to baseline {write_baseline}")
        result = auditor.apply_baseline(result, Baseline.of(result.findings))
    elif known is not None:
        suppressed = result.summary.suppressed["baseline"]
        stale = len(known) - suppressed
        note(f"baseline {baseline}: {suppressed} findings suppressed" + (f", {stale} entries no longer match" if stale else ""))
    emit(render(result, output_format.value, verbose=verbose, quiet=quiet, styled=output is None), output)
    if report:
        from auditor.render.report import write_report

        map_path = write_report(result, report)
        note(f"report written to {report} (alignment map {map_path})")
    raise typer.Exit(exit_code(result.summary, exit_zero))
