"""`audit match`: which documents of a collection are counterparts, with the same configuration,
model, device and cache as the other commands."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from auditor.cli.options import (
    CACHE_OPTION, CONFIG_OPTION, CORPUS_OPTION, DEVICE_OPTION, ENCODER_OPTION, MODEL_OPTION, OUTPUT_OPTION, QUIET_OPTION,
    READ_TIMEOUT_OPTION, VERBOSE_OPTION, Device, EncoderChoice, Verbosity, configured, emit,
)


class MatchFormat(str, Enum):
    table = "table"
    json = "json"


def match(
    documents: list[str] = typer.Argument(..., help="Folders (their files matching --pattern), files, or seed ids."),
    pattern: str = typer.Option("*.txt", "--pattern", help="Which files of a folder are documents."),
    output_format: MatchFormat = typer.Option(MatchFormat.table, "--format", "-f", help="table for people, json for machines."),
    output: Optional[Path] = OUTPUT_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    corpus: Optional[Path] = CORPUS_OPTION,
    model: Optional[str] = MODEL_OPTION,
    read_timeout: Optional[float] = READ_TIMEOUT_OPTION,
    cache: Optional[Path] = CACHE_OPTION,
    device: Device = DEVICE_OPTION,
    encoder: Optional[EncoderChoice] = ENCODER_OPTION,
    quiet: bool = QUIET_OPTION,
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """Find which documents are counterparts of which, and which side of each pair is the candidate."""
    from auditor.run.match import load_documents, match_documents, render

    Verbosity.set(quiet, verbose)
    settings, auditor = configured(
        config, cache=cache, device=device, encoder=encoder, model=model, corpus=corpus, read_timeout=read_timeout
    )
    result = match_documents(auditor, load_documents(documents, settings.corpus, pattern))
    emit(result.to_json() if output_format is MatchFormat.json else render(result), output)
