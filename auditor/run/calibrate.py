"""What a severity policy is fitted on: every aligned pair of the annotated documents with its pair
features and whether the reviewers marked a major error in it, and every proposal the detectors
make there with its rule-table severity and where it falls.

Input, one JSON object a line (`.jsonl`, or `.jsonl.gz`), the MQM dev set's documents.jsonl format:
`candidate`, `reference`, `errors` (each `doc_char_start`, `doc_char_end` into the candidate and a
`severity`: Major or Minor, Critical counts as Major; `span_side` "reference" puts the span in the
reference instead), optionally `doc_seg_idx` on an error and `candidate_seg_offsets` (the units
whose error-free share the thresholds are held to; default: the candidate's lines), `dataset`
(thresholds must hold in each; default: the file's name), `facts` (true: a Major error under a
name, number or negation finding is a falsified fact, which must stay critical), `doc_id` (pairs of one id are kept in one
cross-validation fold) and `mqm_per_word` (the reviewers' document score, lower is better; the
document score's constants are fitted on it where present).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from auditor.api import Auditor
from auditor.detect.features import PAIR_FEATURES, rest_changed
from auditor.detect.policy import CLOSE_PAIR, LEVEL, PAIR_LEVEL_RULES
from auditor.errors import InputError
from auditor.io.load import Document

SEVERITY_WEIGHTS = {"major": 5.0, "critical": 5.0, "minor": 1.0}  # MQM's weights, for the reviewers' unit scores


@dataclass
class Row:
    """One proposal: where it falls and what the rule table says of it."""

    pair: int
    unit: int | None  # the candidate unit its span starts in; None when it has no candidate span
    checked: bool  # inside aligned text
    rule: str
    level: int  # the rule table's severity: 0 not reported, 1 minor, 2 major, 3 critical
    bead: int  # index into the BeadRows of its aligned pair, -1 outside one
    close: bool  # its pair is an exact copy but for it (features.rest_changed is 0)
    pair_level: bool  # a proposal about the whole pair (PAIR_LEVEL_RULES)


@dataclass
class BeadRow:
    """One aligned pair: its features and whether a reviewer marked a major error in its candidate text."""

    pair: int
    features: list[float]
    major: int


@dataclass
class Pair:
    """One annotated pair's document-level facts."""

    dataset: str
    group: str
    units: int
    unit_human: list[float]  # the reviewers' weighted error count per unit
    unit_major: list[int]  # the reviewers' major errors per unit
    human_per_word: float | None
    word_coverage: float
    mean_similarity: float  # word-weighted over the candidate's aligned sentences
    checked_words: int
    facts: bool = False  # its major errors on fact rules are falsified facts (critical), as planted by a generator
    rows: list[int] = field(default_factory=list)


def read_annotations(paths: Sequence[Path]) -> tuple[list[dict], str]:
    """Every annotated pair of `paths`, in a fixed order, and a hash of what was read."""
    records, digest = [], hashlib.sha256()
    for path in paths:
        try:
            opener = gzip.open if str(path).endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as handle:
                lines = [line for line in handle if line.strip()]
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
                _validate(record)
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number}: not an annotated pair ({exc})") from None
            record.setdefault("dataset", Path(path).name.split(".")[0])
            records.append(record)
    records.sort(key=lambda r: (r["dataset"], str(r.get("doc_id", "")), str(r.get("system", "")), r["candidate"], r["reference"]))
    for r in records:
        digest.update(json.dumps([r["dataset"], r["candidate"], r["reference"], _errors(r)], sort_keys=True).encode("utf-8"))
    return records, digest.hexdigest()


def _validate(record: dict) -> None:
    for key in ("candidate", "reference", "errors"):
        if key not in record:
            raise KeyError(f"missing {key!r}")
    for error in record["errors"]:
        if str(error["severity"]).lower() not in SEVERITY_WEIGHTS:
            raise ValueError(f"severity {error['severity']!r} is not Major, Minor or Critical")


def _errors(record: dict) -> list[tuple]:
    return sorted(
        (e.get("span_side", "candidate"), e.get("doc_char_start"), e.get("doc_char_end"), str(e["severity"]).lower(), e.get("doc_seg_idx"))
        for e in record["errors"]
        if e.get("span_side", "candidate") != "source" or e.get("doc_seg_idx") is not None
    )


def _units(record: dict) -> list[tuple[int, int]]:
    offsets = record.get("candidate_seg_offsets")
    if offsets:
        return [(int(a), int(b)) for a, b in offsets]
    units, start = [], 0
    for line in record["candidate"].split("\n"):
        units.append((start, start + len(line)))
        start += len(line) + 1
    return units


def _unit_of(units: list[tuple[int, int]], position: int) -> int | None:
    return next((k for k, (a, b) in enumerate(units) if a <= position <= b), None)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < max(b[1], b[0] + 1) and b[0] < max(a[1], a[0] + 1)


def collect(auditor: Auditor, records: Sequence[dict], chunk: int = 8) -> tuple[list[Row], list[BeadRow], list[Pair]]:
    """Run the detectors over every pair (the policy's rule table only) and label what they see."""
    rows: list[Row] = []
    beads: list[BeadRow] = []
    pairs: list[Pair] = []
    encoder = auditor.encoder()
    policy = auditor.detectors.policy
    for lo in range(0, len(records), chunk):
        batch = records[lo : lo + chunk]
        prepared = [auditor.prepare(Document.from_text(r["candidate"]), Document.from_text(r["reference"])) for r in batch]
        vectors = auditor.encode([s for p in prepared for s in (p.candidate_sentences, p.reference_sentences)], encoder)
        for k, (record, pair) in enumerate(zip(batch, prepared)):
            context = auditor.analyse(pair, vectors[2 * k], vectors[2 * k + 1], encoder)
            number = len(pairs)
            pairs.append(_pair(record, context, number))
            proposals = auditor.detectors.propose(context)
            entries = {}
            for entry, features in policy.pair_evidence(proposals, context).items():
                entries[entry] = len(beads)
                beads.append(BeadRow(number, [features[f] for f in PAIR_FEATURES], _major_in(record, context, entry)))
            units = _units(record)
            for p in proposals:
                rows.append(_row(p, units, LEVEL[policy.decide(p)], entries.get(p.alignment, -1), context, number))
                pairs[-1].rows.append(len(rows) - 1)
    return rows, beads, pairs


def _major_in(record: dict, context, entry: int) -> int:
    """1 when a reviewer's major error overlaps the entry's candidate sentences."""
    spans = [(context.cand_sents[i].start, context.cand_sents[i].end) for i in context.alignment.beads[entry].candidate]
    return int(any(
        side == "candidate" and start is not None and severity != "minor" and any(_overlaps(s, (start, end)) for s in spans)
        for side, start, end, severity, _ in _errors(record)
    ))


def _pair(record: dict, context, number: int) -> Pair:
    units = _units(record)
    human, major = [0.0] * len(units), [0] * len(units)
    for side, start, _end, severity, seg in _errors(record):
        unit = seg - 1 if seg is not None else (_unit_of(units, start) if side == "candidate" and start is not None else None)
        if unit is not None and 0 <= unit < len(units):
            human[unit] += SEVERITY_WEIGHTS[severity]
            major[unit] += severity != "minor"
    words = sim_words = checked = 0.0
    for bead in context.alignment.beads:
        for i in bead.candidate:
            n = context.cand_sents[i].words
            words += n
            if bead.aligned:
                checked += n
                sim_words += n * float(bead.similarity or 0.0)
    per_word = record.get("mqm_per_word")
    return Pair(
        dataset=record["dataset"], group=f"{record['dataset']}|{record.get('doc_id', number)}", units=len(units),
        unit_human=human, unit_major=major, human_per_word=float(per_word) if isinstance(per_word, (int, float)) else None,
        facts=bool(record.get("facts", False)), word_coverage=checked / max(words, 1), mean_similarity=sim_words / max(checked, 1), checked_words=int(checked),
    )


def _row(proposal, units: list[tuple[int, int]], level: int, bead: int, context, pair: int) -> Row:
    entry = context.alignment.beads[proposal.alignment] if proposal.alignment is not None else None
    return Row(
        pair=pair,
        unit=None if proposal.candidate_span is None else _unit_of(units, proposal.candidate_span.start),
        checked=bool(entry is not None and entry.aligned),
        rule=proposal.rule, level=level, bead=bead,
        close=bead >= 0 and rest_changed(proposal, context) <= CLOSE_PAIR,
        pair_level=proposal.rule in PAIR_LEVEL_RULES,
    )
