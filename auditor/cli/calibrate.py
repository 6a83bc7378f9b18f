"""`audit calibrate`: fit the severity policy on a project's own annotated pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from auditor.cli.options import CACHE_OPTION, DEVICE_OPTION, MODEL_OPTION, Device, emit, note
from auditor.errors import AuditError


def calibrate(
    annotations: List[Path] = typer.Argument(..., help="Annotated pairs, JSON Lines (.jsonl or .jsonl.gz): candidate, reference, errors with doc_char_start, doc_char_end and severity (Major/Minor), as the MQM dev set's documents.jsonl."),
    output: Path = typer.Option(..., "--output", "-o", help="Where the fitted policy (JSON) is written; use it with --policy or the configuration's policy key."),
    name: str = typer.Option("custom", "--name", help="The policy's name, shown in every output's signature."),
    max_false_major: float = typer.Option(0.15, "--max-false-major", min=0.0, max=1.0, help="Largest share of error-free units (lines) that may get a major or critical finding, in every dataset."),
    max_false_critical: float = typer.Option(0.02, "--max-false-critical", min=0.0, max=1.0, help="Largest share of error-free units that may get a critical finding, in every dataset."),
    model: Optional[str] = MODEL_OPTION,
    cache: Optional[Path] = CACHE_OPTION,
    device: Device = DEVICE_OPTION,
) -> None:
    """Fit the severity policy (and the document score's constants) on your reviewers' annotations."""
    try:
        import sklearn  # noqa: F401  (fit time only: the policy is evaluated with numpy)
    except ImportError:
        raise AuditError("audit calibrate needs scikit-learn: pip install 'auditor[calibrate]'") from None
    from auditor.api import Auditor
    from auditor.detect import DetectorSet
    from auditor.detect.policy import policy_json
    from auditor.run.calibrate import collect, read_annotations
    from auditor.run.fit import fit_policy
    from auditor.verdict.score import DEFAULT_SCORE_PARAMS

    records, digest = read_annotations(annotations)
    note(f"{len(records)} annotated pairs from {len(annotations)} file{'s' if len(annotations) > 1 else ''}")
    auditor = Auditor(model=model, cache=cache, device=device.value, detectors=DetectorSet())  # the rule table: what the fit builds on
    rows, beads, pairs = collect(auditor, records)
    try:
        data, report = fit_policy(
            rows, beads, pairs, name=name, data_hash=digest, defaults={"score": dict(DEFAULT_SCORE_PARAMS), "gate": {"min_score": None}},
            max_false_major=max_false_major, max_false_critical=max_false_critical,
        )
    except ValueError as exc:
        raise AuditError(f"cannot calibrate: {exc}") from None
    emit(policy_json(data), output)
    note(f"policy {name}-1 written to {output} ({len(beads)} aligned pairs, {len(rows)} proposals); out of fold: {json.dumps(report, sort_keys=True)}")
