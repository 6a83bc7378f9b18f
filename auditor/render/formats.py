"""Stage 8, report (machines): every output format by name; JSON Lines, GitHub annotations and SARIF live here.

Positions are 1-based lines and columns counted in characters (Unicode code points) of the decoded
text; an end column is the column just after the last character, as SARIF defines it.
"""

from __future__ import annotations

from auditor.io.escape import dumps
import os
import re
import urllib.parse
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

from auditor.version import __version__
from auditor.detect import Finding
from auditor.domain import Category
from auditor.detect.base import Span
from auditor.io.load import Document
from auditor.result import CompareResult
from auditor.render.common import signature_line, suppressed_counts
from auditor.render.safe_text import escaped
from auditor.verdict.score import fails_gate

FORMATS = ("table", "json", "jsonl", "github", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "auditorFinding/v1"


def render(result: CompareResult, output_format: str, *, verbose: bool = False, quiet: bool = False, styled: bool = False) -> str:
    """The text of `result` in one of FORMATS; `styled`: the table goes to stdout, so it takes the
    terminal's width and, on a terminal without NO_COLOR, colour."""
    if output_format == "table":
        from auditor.render.terminal import FALLBACK_WIDTH, render as table, terminal_width, wants_colour

        width = terminal_width() if styled else FALLBACK_WIDTH
        return table(result, width, colour=styled and wants_colour(), verbose=verbose, quiet=quiet)
    writers = {"json": CompareResult.to_json, "jsonl": jsonl, "github": github, "sarif": sarif}
    return writers[output_format](result)


def jsonl(result: CompareResult) -> str:
    """One line: the JSON document of one pair, compact (`audit batch` carries the same document as its records' `result`)."""
    return dumps(result.to_dict(), separators=(",", ":")) + "\n"


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character `offset` in `text`."""
    starts = _line_starts(text)
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


@lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int]:
    """Where each line of `text` begins, found once per document rather than once per finding."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def region(document: Document, span: Span) -> dict:
    """Where `span` lies in `document`, in SARIF's region terms (GitHub uses the same four numbers)."""
    start_line, start_column = position(document.text, span.start)
    end_line, end_column = position(document.text, span.end)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def level(finding: Finding, fail_on: str) -> str:
    """"error" for a finding that fails the gate (at or above fail-on), "warning" for the rest."""
    return "error" if fails_gate(finding.severity, fail_on) else "warning"


def _primary(result: CompareResult, finding: Finding) -> tuple[Document, Span | None]:
    """A finding is shown in the candidate; one with no candidate text (a dropped sentence), in the reference."""
    if finding.candidate_span is not None or finding.reference_span is None:
        return result.candidate, finding.candidate_span
    return result.reference, finding.reference_span


def _reported(result: CompareResult) -> list[Finding]:
    """Findings mean nothing between documents that are not counterparts: none are reported then."""
    return list(result.findings) if result.summary.counterparts else []


# GitHub Actions workflow commands (actions/toolkit escapeData / escapeProperty): text that reaches the
# log can start no command of its own once %, CR and LF are escaped, and ':' ',' in property values.
# Every other control character (ESC sequences, BEL, C1, bidi) is shown as `\uXXXX` first: a log
# viewer must not take colours, cursor moves, links or a window title from a document.
def escape_data(text: str) -> str:
    return escaped(text, keep="\r").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: dict, message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {props}::{escape_data(message)}" if props else f"::{kind}::{escape_data(message)}"


def github(result: CompareResult) -> str:
    """GitHub Actions annotations: one per finding, then the verdict (error when the gate failed)."""
    fail_on = result.summary.options.fail_on
    lines = []
    for finding in _reported(result):
        document, span = _primary(result, finding)
        properties: dict = {"file": document.path or document.name}
        if span is not None:
            where = region(document, span)
            properties.update(line=where["startLine"], col=where["startColumn"], endLine=where["endLine"], endColumn=where["endColumn"])
        properties["title"] = f"{finding.id} {finding.category} ({finding.severity})"
        lines.append(_command(level(finding, fail_on), properties, finding.message))
    s = result.summary
    signature = signature_line(result)
    verdict = f"{s.verdict.upper()}: {s.reason}" + _suppressed_note(s.suppressed) + (f" [{signature}]" if signature else "")
    lines.append(_command("notice" if s.passed else "error", {"title": "audit verdict"}, verdict))
    return "\n".join(lines) + "\n"


def _suppressed_note(suppressed: dict[str, int]) -> str:
    parts = [f"{n} {why}" for why, n in suppressed_counts(suppressed)]
    return f" ({', '.join(parts)} suppressed)" if parts else ""


def _uri(document: Document) -> str:
    path = Path(document.path or document.name)
    # quoted from the file system's bytes: a name that is not UTF-8 keeps its bytes as %XX
    return path.as_uri() if path.is_absolute() else urllib.parse.quote(os.fsencode(path.as_posix()))


def _physical(document: Document, index: int, span: Span | None) -> dict:
    location: dict = {"artifactLocation": {"uri": _uri(document), "index": index}}
    if span is not None:
        location["region"] = {**region(document, span), "snippet": {"text": document.text[span.start : span.end]}}
    return location


def sarif(result: CompareResult) -> str:
    """One SARIF 2.1.0 log with one run: a rule per category, a result per finding, columns in code points."""
    reported = _reported(result)
    descriptions = {c.value: c.description for c in Category}
    rules = list(descriptions)
    fail_on = result.summary.options.fail_on
    results = []
    for finding in reported:
        document, span = _primary(result, finding)
        item: dict = {
            "ruleId": finding.category,
            "ruleIndex": rules.index(finding.category),
            "level": level(finding, fail_on),
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": _physical(document, 0 if document is result.candidate else 1, span)}],
        }
        if document is result.candidate and len(finding.occurrences) > 1:  # one error in several places: a location each
            item["locations"] = [{"physicalLocation": _physical(document, 0, place)} for place in finding.occurrences]
        if document is result.candidate and finding.reference_span is not None:
            item["relatedLocations"] = [
                {"id": 1, "message": {"text": "reference"}, "physicalLocation": _physical(result.reference, 1, finding.reference_span)}
            ]
        item["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
        item["properties"] = {"id": finding.id, "severity": finding.severity}
        results.append(item)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "auditor",
                        "version": result.signature.version if result.signature else __version__,
                        "properties": {"signature": result.signature.to_dict() if result.signature else None},
                        "rules": [{"id": c, "shortDescription": {"text": text}} for c, text in descriptions.items()],
                    }
                },
                "artifacts": [
                    {"location": {"uri": _uri(result.candidate)}, "roles": ["analysisTarget"]},
                    {"location": {"uri": _uri(result.reference)}, "roles": ["referencedOnCommandLine"]},
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"model": result.model, "segmenter": result.segmenter, "summary": result.summary.to_dict()},
            }
        ],
    }
    return dumps(log, indent=2) + "\n"
