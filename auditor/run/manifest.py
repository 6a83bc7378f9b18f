"""Where a batch's pairs come from: a CSV or JSON Lines manifest, or a folder paired by `audit match`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path, PurePosixPath
from typing import Iterator

from auditor.api import Auditor
from auditor.errors import AuditError, InputError
from auditor.io.escape import shown
from auditor.io.load import load_file
from auditor.io.storage import READ_TIMEOUT, beside, read_bytes
from auditor.run.record import Pair, Record

MAX_MANIFEST_BYTES = 2**30  # a manifest is read whole; a larger one is refused


def read_manifest(path: str | Path, timeout: float = READ_TIMEOUT) -> list[Pair]:
    """Pairs of a CSV (header candidate,reference[,id]) or JSON Lines manifest, a local path or a URI.

    Relative paths start from the manifest's folder; URIs and absolute paths stand as they are. A
    pair without an id gets 'candidate|reference' (as written), so ids stay stable when rows are
    added or reordered. Anything wrong with the manifest itself stops the run before any pair is
    audited.
    """
    path = str(path)
    try:
        text = read_bytes(path, MAX_MANIFEST_BYTES, " (a manifest may have at most 1 GB)", timeout).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: manifest is not valid UTF-8 (byte offset {exc.start})") from None
    suffix = PurePosixPath(path).suffix.lower()
    jsonl = suffix in (".jsonl", ".ndjson") or (suffix != ".csv" and text.lstrip().startswith("{"))
    rows = _jsonl_rows(text, path) if jsonl else _csv_rows(text, path)
    pairs, seen = [], {}
    for where, row in rows:
        cand, ref = (_field(row, key, path, where) for key in ("candidate", "reference"))
        # ids are data: a lone surrogate (JSON allows one) is written out as text, so the id a
        # record carries, and a resumed run reads back, is the id matched here
        pair_id = shown(str(row["id"]).strip() if row.get("id") not in (None, "") else f"{cand}|{ref}")
        if pair_id in seen:
            raise InputError(f"{path}: {where}: pair id {pair_id!r} repeats {seen[pair_id]}")
        seen[pair_id] = where
        pairs.append(Pair(pair_id, beside(path, cand), beside(path, ref)))
    if not pairs:
        raise InputError(f"{path}: manifest lists no pairs")
    return pairs


def _csv_rows(text: str, path: str) -> Iterator[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"candidate", "reference"} - set(reader.fieldnames or ())
    if missing:
        found = ", ".join(reader.fieldnames or ()) or "nothing"
        raise InputError(f"{path}: CSV header needs columns candidate and reference (found: {found})")
    for row in reader:
        if any((value or "").strip() for value in row.values()):
            yield f"line {reader.line_num}", row


def _jsonl_rows(text: str, path: str) -> Iterator[tuple[str, dict]]:
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}: line {number}: expected an object with candidate and reference")
        yield f"line {number}", row


def _field(row: dict, key: str, path: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{path}: {where}: no {key} path")
    return value.strip()


def auto_pairs(auditor: Auditor, folder: Path, pattern: str) -> tuple[list[Pair], list[Record]]:
    """Pairs of a folder's documents found by `audit match`, and a record for every document that
    has no counterpart or cannot be read (verdict unmatched or error): nothing is silently left out."""
    from auditor.run.match import collect, match_documents

    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    documents, ready = [], []
    for path in collect([str(folder)], folder, pattern):
        try:
            documents.append(load_file(path, limits=auditor.limits))
        except AuditError as exc:
            ready.append(Record.failed(_alone(path), str(exc)))
    if len(documents) < 2:
        raise InputError(f"{folder}: fewer than two readable documents match {pattern!r}; nothing to pair")
    matched = match_documents(auditor, documents)
    pairs = [Pair(shown(f"{Path(c.candidate).name}|{Path(c.reference).name}"), c.candidate, c.reference) for c in matched.counterparts]
    for u in matched.unmatched:
        closest = f" (closest: {Path(u.closest).name}, {u.counterpart_share:.0%} aligned)" if u.closest else ""
        ready.append(Record(_alone(Path(u.document)), "unmatched", reason=f"no document of {folder} is its counterpart{closest}"))
    return pairs, ready


def _alone(path: Path) -> Pair:
    """The pair of a single document that --auto could not pair: no reference."""
    return Pair(shown(path.name), str(path), None)  # a name that is not UTF-8 gives a printable id
