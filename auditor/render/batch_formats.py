"""`audit batch --format sarif|github`: the batch records as one SARIF log (a run per pair) or as
GitHub annotations, with the same positions, levels and escaping as `audit compare` gives.

Records carry character offsets; lines and columns come from each document's text, loaded again
the way the audit loaded it (no model), so a record made on another worker maps the same way.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable, Iterable

from auditor.detect.base import Span
from auditor.domain import Category
from auditor.io.escape import dumps
from auditor.io.load import Document
from auditor.render.formats import FINGERPRINT_KEY, SARIF_SCHEMA, _command, _uri, region
from auditor.render.safe_text import visible
from auditor.verdict.score import fails_gate
from auditor.version import __version__

Loader = Callable[[str], Document]


def _level(finding: dict, fail_on: str) -> str:
    return "error" if fails_gate(finding["severity"], fail_on) else "warning"


def _place(finding: dict, candidate: Document, reference: Document) -> tuple[Document, Span | None, int]:
    """Where a finding is shown: in the candidate, or (a dropped sentence) in the reference."""
    span = finding.get("candidate_span")
    if span is not None or finding.get("reference_span") is None:
        return candidate, _span(span), 0
    return reference, _span(finding["reference_span"]), 1


def _span(data: dict | None) -> Span | None:
    return SimpleNamespace(start=data["start"], end=data["end"]) if data else None  # type: ignore[return-value]


def _pairs(records: Iterable[dict], load: Loader):
    """Each audited record with its two documents; error and unmatched records have none."""
    for record in records:
        if "result" in record:
            yield record, load(record["candidate"]), load(record["reference"])


def sarif_log(records: Iterable[dict], load: Loader) -> str:
    """One SARIF 2.1.0 log, one run per audited pair (GitHub code scanning reads every run)."""
    rules = [{"id": c.value, "shortDescription": {"text": c.description}} for c in Category]
    rule_ids = [c.value for c in Category]
    runs = []
    for record, candidate, reference in _pairs(records, load):
        result = record["result"]
        fail_on = result["summary"]["gate"]["fail_on"]
        items = []
        for finding in result["findings"]:
            document, span, index = _place(finding, candidate, reference)
            location: dict = {"artifactLocation": {"uri": _uri(document), "index": index}}
            if span is not None:
                location["region"] = {**region(document, span), "snippet": {"text": document.text[span.start:span.end]}}
            items.append({
                "ruleId": finding["category"], "ruleIndex": rule_ids.index(finding["category"]),
                "level": _level(finding, fail_on), "message": {"text": finding["message"]},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {FINGERPRINT_KEY: finding["fingerprint"]},
                "properties": {"id": finding["id"], "severity": finding["severity"], "pair": record["id"]},
            })
        runs.append({
            "tool": {"driver": {"name": "auditor", "version": __version__, "rules": rules,
                                "properties": {"signature": result["tool"]["signature"]}}},
            "automationDetails": {"id": f"auditor/{record['id']}"},
            "artifacts": [
                {"location": {"uri": _uri(candidate)}, "roles": ["analysisTarget"]},
                {"location": {"uri": _uri(reference)}, "roles": ["referencedOnCommandLine"]},
            ],
            "columnKind": "unicodeCodePoints",
            "results": items,
            "properties": {"summary": result["summary"]},
        })
    return dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}, indent=2) + "\n"


def github_lines(records: Iterable[dict], load: Loader) -> str:
    """GitHub Actions annotations: every finding of every pair, then one verdict line per pair."""
    lines = []
    records = list(records)
    for record, candidate, reference in _pairs(records, load):
        result = record["result"]
        fail_on = result["summary"]["gate"]["fail_on"]
        for finding in result["findings"]:
            document, span, _ = _place(finding, candidate, reference)
            properties: dict = {"file": document.path or document.name}
            if span is not None:
                where = region(document, span)
                properties.update(line=where["startLine"], col=where["startColumn"], endLine=where["endLine"], endColumn=where["endColumn"])
            properties["title"] = f"{record['id']} {finding['id']} {finding['category']} ({finding['severity']})"
            lines.append(_command(_level(finding, fail_on), properties, finding["message"]))
    for record in records:
        passed = record["verdict"] in ("pass", "incomplete")
        detail = record.get("result", {}).get("summary", {}).get("reason") or record.get("error") or record.get("reason") or ""
        message = f"{record['verdict'].upper()}: {visible(detail)}"
        lines.append(_command("notice" if passed else "error", {"title": f"audit verdict {record['id']}"}, message))
    return "\n".join(lines) + "\n"
