"""Batch: audit many candidate/reference pairs in one run, streaming one JSON Lines record per pair.

Three layers, so other engines can reuse the first:
- `audit_pairs(auditor, pairs)` audits a chunk: it loads and segments every pair, embeds the
  sentences of the whole chunk in one model call, then aligns, diffs, detects and scores each pair.
  It yields one record per pair; a pair that cannot be read becomes an error record.
- `run_local(...)` is the engine on one machine: in this process, or in `jobs` worker processes
  that each load the model once. Records come back in manifest order whatever the number of jobs.
- `stream_records(...)` writes each record as it comes (one whole line, fsynced), skips pairs already
  in the output on resume, shows progress and returns the summary with the run's exit code;
  `run_batch(...)` is the whole `audit batch` command around it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from tabulate import tabulate

from auditor.verdict import score
from auditor.api import Auditor
from auditor.domain import SEVERITIES
from auditor.errors import AuditError, ExitCode, InputError
from auditor.io.files import LineLog
from auditor.io.load import load_file
from auditor.io.storage import beside, read_bytes

if TYPE_CHECKING:
    from auditor.run.parquet import ParquetParts
    from auditor.pipeline.embed import Encoder

MAX_MANIFEST_BYTES = 2**30  # a manifest is read whole; a larger one is refused
CHUNK_SIZE = 8  # pairs whose sentences are embedded in one model call
VERDICTS = ("pass", "incomplete", "fail", "not_counterparts", "unmatched", "error")
VERDICT_EXIT = {
    **score.VERDICT_EXIT,
    "unmatched": ExitCode.NOT_COUNTERPARTS,  # --auto: a document with no counterpart in the folder
    "error": ExitCode.USAGE_ERROR,
}
# The run's exit code is the first of these that any pair has.
EXIT_PRECEDENCE = (ExitCode.USAGE_ERROR, ExitCode.GATE_FAILED, ExitCode.NOT_COUNTERPARTS)


@dataclass(frozen=True)
class Pair:
    """One line of work: its id (the resume key) and the two files, as paths the process can open."""

    id: str
    candidate: str
    reference: str | None  # None only in the record of a document --auto could not pair


# --------------------------------------------------------------------------------------------
# Manifests
# --------------------------------------------------------------------------------------------


def read_manifest(path: str | Path) -> list[Pair]:
    """Pairs of a CSV (header candidate,reference[,id]) or JSON Lines manifest, a local path or a URI.

    Relative paths start from the manifest's folder; URIs and absolute paths stand as they are. A
    pair without an id gets 'candidate|reference' (as written), so ids stay stable when rows are
    added or reordered. Anything wrong with the manifest itself stops the run before any pair is
    audited.
    """
    path = str(path)
    try:
        text = read_bytes(path, MAX_MANIFEST_BYTES, " (a manifest may have at most 1 GB)").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: manifest is not valid UTF-8 (byte offset {exc.start})") from None
    suffix = PurePosixPath(path).suffix.lower()
    jsonl = suffix in (".jsonl", ".ndjson") or (suffix != ".csv" and text.lstrip().startswith("{"))
    rows = _jsonl_rows(text, path) if jsonl else _csv_rows(text, path)
    pairs, seen = [], {}
    for where, row in rows:
        cand, ref = (_field(row, key, path, where) for key in ("candidate", "reference"))
        pair_id = str(row["id"]).strip() if row.get("id") not in (None, "") else f"{cand}|{ref}"
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


def auto_pairs(auditor: Auditor, folder: Path, pattern: str) -> tuple[list[Pair], list[dict]]:
    """Pairs of a folder's documents found by `audit match`, and a record for every document that
    has no counterpart or cannot be read (verdict unmatched or error): nothing is silently left out."""
    from auditor.run.match import collect, match_documents

    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    documents, ready = [], []
    for path in collect([str(folder)], folder, pattern):
        try:
            documents.append(load_file(path))
        except AuditError as exc:
            ready.append(_document_record(path, "error", "error", str(exc)))
    if len(documents) < 2:
        raise InputError(f"{folder}: fewer than two readable documents match {pattern!r}; nothing to pair")
    matched = match_documents(auditor, documents)
    pairs = [Pair(f"{Path(c.candidate).name}|{Path(c.reference).name}", c.candidate, c.reference) for c in matched.counterparts]
    for u in matched.unmatched:
        closest = f" (closest: {Path(u.closest).name}, {u.counterpart_share:.0%} aligned)" if u.closest else ""
        ready.append(_document_record(Path(u.document), "unmatched", "reason", f"no document of {folder} is its counterpart{closest}"))
    return pairs, ready


def _document_record(path: Path, verdict: str, key: str, message: str) -> dict:
    """The record of a single document that --auto could not pair."""
    return {**_head(Pair(path.name, str(path), None), verdict), key: message}


def _field(row: dict, key: str, path: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{path}: {where}: no {key} path")
    return value.strip()


# --------------------------------------------------------------------------------------------
# The per-pair audit, shared by every engine
# --------------------------------------------------------------------------------------------


def audit_pairs(auditor: Auditor, pairs: Sequence[Pair], encoder: "Encoder | None" = None) -> Iterator[dict]:
    """Audit a chunk of pairs, embedding all their sentences in one model call; one record per pair,
    in order, each yielded as soon as its pair is done. A pair that fails becomes an error record.
    Pass one `encoder` for a whole run so a sentence repeated across chunks is encoded once."""
    prepared = []
    for pair in pairs:
        try:
            prepared.append(auditor.prepare(load_file(pair.candidate), load_file(pair.reference)))
        except AuditError as exc:
            prepared.append(exc)
    ready = [p for p in prepared if not isinstance(p, Exception)]
    encoder = encoder or auditor.encoder()  # the detectors reuse what this call encoded
    vectors = iter(auditor.encode([s for p in ready for s in (p.candidate_sentences, p.reference_sentences)], encoder))
    for pair, item in zip(pairs, prepared):
        if isinstance(item, Exception):
            yield error_record(pair, str(item))
            continue
        cand_vectors, ref_vectors = next(vectors), next(vectors)
        try:
            result = auditor.finish(item, cand_vectors, ref_vectors, encoder)
        except Exception as exc:  # one bad pair must not end a run over thousands
            if os.environ.get("AUDIT_DEBUG"):
                raise
            yield error_record(pair, f"internal error: {type(exc).__name__}: {exc}")
            continue
        yield {**_head(pair, result.summary.verdict), "result": result.to_dict()}


def error_record(pair: Pair, message: str) -> dict:
    return {**_head(pair, "error"), "error": message}


def _head(pair: Pair, verdict: str) -> dict:
    return {
        "id": pair.id,
        "candidate": pair.candidate,
        "reference": pair.reference,
        "verdict": verdict,
        "exit_code": int(VERDICT_EXIT[verdict]),
    }


def to_line(record: dict) -> str:
    """One record as one line of JSON (JSON escapes every newline inside strings)."""
    return json.dumps(record, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# The local engine
# --------------------------------------------------------------------------------------------


def run_local(auditor: Auditor, pairs: Sequence[Pair], jobs: int = 1, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """Records of `pairs` in their order: in this process, or in `jobs` worker processes."""
    chunks = [pairs[k : k + chunk_size] for k in range(0, len(pairs), chunk_size)]
    if jobs <= 1 or len(chunks) <= 1:
        encoder = auditor.encoder()
        for chunk in chunks:
            yield from audit_pairs(auditor, chunk, encoder)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: forking a process that already runs torch threads can deadlock.
    context = multiprocessing.get_context("spawn")
    workers = min(jobs, len(chunks))
    pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(auditor, workers))
    try:
        for records in pool.map(_audit_chunk, chunks):
            yield from records
    except BaseException:  # an error or Ctrl-C: stop the workers now rather than after their chunks
        for process in list(pool._processes.values()):  # no public way before Python 3.14
            process.terminate()
        raise
    finally:
        pool.shutdown(cancel_futures=True)


_worker_auditor: Auditor | None = None
_worker_encoder: "Encoder | None" = None


def _start_worker(auditor: Auditor, workers: int) -> None:
    """Worker setup: share the cores instead of oversubscribing them, load the model once, and
    leave when the parent dies (even by SIGKILL), since only the parent writes results."""
    global _worker_auditor, _worker_encoder
    import multiprocessing
    from multiprocessing.connection import wait

    import torch

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (wait([parent.sentinel]), os._exit(1)), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))
    _worker_auditor = auditor
    _worker_encoder = auditor.encoder()


def _audit_chunk(pairs: Sequence[Pair]) -> list[dict]:
    assert _worker_auditor is not None, "worker not started"
    return list(audit_pairs(_worker_auditor, pairs, _worker_encoder))


# --------------------------------------------------------------------------------------------
# Output, resume, progress and summary
# --------------------------------------------------------------------------------------------


class StdoutLines:
    """Records to standard output, flushed line by line (no resume: stdout keeps nothing)."""

    def write(self, line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def close(self) -> None:
        pass


def open_output(output: Path | None, resume: bool, parquet: bool = False) -> tuple[LineLog | StdoutLines | ParquetParts, list[dict]]:
    """Where records go, and the records a resumed run finds there already.

    Without --resume an existing non-empty output is refused rather than overwritten: rerunning a
    killed run without the flag would otherwise throw away everything it had done.
    """
    if output is None:
        if parquet:
            raise AuditError("--format parquet needs --output DIR (the folder for its part files)")
        if resume:
            raise AuditError("--resume needs --output FILE (records on stdout cannot be resumed)")
        return StdoutLines(), []
    if parquet:
        from auditor.run.parquet import ParquetParts

        if output.exists() and not output.is_dir():
            raise AuditError(f"{output}: not a folder; --format parquet writes parts into an output folder")
        if ParquetParts.parts(output) and not resume:
            raise AuditError(f"{output}: already holds parts; pass --resume to finish that run, or remove them")
        return ParquetParts(output), ParquetParts.records(output) if resume else []
    if resume:
        done = previous_records(output)
        return LineLog(output, append=True), done
    if output.exists() and output.stat().st_size:
        raise AuditError(f"{output}: already exists; pass --resume to finish that run, or remove the file")
    return LineLog(output, append=False), []


def previous_records(output: Path) -> list[dict]:
    """Records already in `output`, for --resume; a line cut short by a kill is dropped from the file."""
    records = []
    for number, line in enumerate(LineLog.recover(output), 1):
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            record = None
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(f"{output}: line {number} is not a batch record; cannot resume from this file")
        records.append(record)
    return records


@dataclass
class BatchSummary:
    """Counts over every pair of the run, the ones a resumed run found done included."""

    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    audited: int = 0  # in this run
    resumed: int = 0  # found done in the output
    seconds: float = 0.0

    def add(self, record: dict) -> None:
        self.verdicts[record["verdict"]] = self.verdicts.get(record["verdict"], 0) + 1
        counts = record.get("result", {}).get("summary", {}).get("counts_by_severity", {})
        for severity in SEVERITIES:
            self.findings[severity] += counts.get(severity, 0)

    @property
    def exit_code(self) -> ExitCode:
        codes = {VERDICT_EXIT.get(v, ExitCode.USAGE_ERROR) for v, n in self.verdicts.items() if n}
        return next((code for code in EXIT_PRECEDENCE if code in codes), ExitCode.PASSED)

    def render(self) -> str:
        total = sum(self.verdicts.values())
        rate = f" ({self.audited / self.seconds:.2f} pairs/s)" if self.seconds and self.audited else ""
        verdicts = [[v, n] for v, n in self.verdicts.items() if n or v in ("pass", "fail")] + [["total", total]]
        return "\n".join(
            [
                tabulate(verdicts, ["verdict", "pairs"]),
                "",
                tabulate([[s, n] for s, n in self.findings.items()] + [["total", sum(self.findings.values())]], ["severity", "findings"]),
                "",
                f"{self.audited} pairs audited in {self.seconds:.1f} s{rate}, {self.resumed} already done; exit code {int(self.exit_code)}",
                "",
            ]
        )


class Progress:
    """A progress bar on a terminal; otherwise one plain log line per pair."""

    def __init__(self, total: int, done: int, bar: bool, stream=sys.stderr) -> None:
        self.total, self.count, self.stream = total, done, stream
        self.bar = None
        if bar:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="pair", file=stream, dynamic_ncols=True)

    def update(self, record: dict) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.update(1)
            if record["verdict"] == "error":
                self.bar.write(f"audit: {record['id']}: error: {record['error']}", file=self.stream)
            return
        if "result" in record:
            detail = ", ".join(f"{n} {s}" for s, n in record["result"]["summary"]["counts_by_severity"].items())
        else:
            detail = record.get("error") or record.get("reason")
        print(f"audit: [{self.count}/{self.total}] {record['id']}: {record['verdict']} ({detail})", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def stream_records(
    auditor: Auditor,
    pairs: Sequence[Pair],
    write: Callable[[str], None],
    *,
    done: Iterable[dict] = (),
    ready: Sequence[dict] = (),
    jobs: int = 1,
    chunk_size: int = CHUNK_SIZE,
    bar: bool = False,
    engine: Callable[[Sequence[Pair]], Iterable[dict]] | None = None,
) -> BatchSummary:
    """Audit `pairs` not in `done`, passing each record line to `write` as soon as it is ready.

    `ready` holds records decided before any audit (documents --auto found no counterpart for);
    they are written first. `done` holds the records a resumed run found in its output.
    `engine` audits the pairs left to do (default: the local engine with `jobs` and `chunk_size`).
    """
    wanted = {p.id for p in pairs} | {r["id"] for r in ready}
    summary = BatchSummary()
    finished = set()
    for record in done:
        if record["id"] in wanted and record["id"] not in finished:
            finished.add(record["id"])
            summary.add(record)
    summary.resumed = len(finished)
    todo = [p for p in pairs if p.id not in finished]
    progress = Progress(len(wanted), len(finished), bar)
    start = time.perf_counter()
    try:
        for record in [r for r in ready if r["id"] not in finished]:
            write(to_line(record))
            summary.add(record)
            progress.update(record)
        for record in engine(todo) if engine else run_local(auditor, todo, jobs, chunk_size):
            write(to_line(record))
            summary.add(record)
            summary.audited += 1
            progress.update(record)
    finally:
        progress.close()
        summary.seconds = time.perf_counter() - start
    return summary


def run_batch(
    auditor: Auditor,
    *,
    manifest: str | None,
    auto: Path | None,
    pattern: str,
    output: Path | None,
    resume: bool,
    jobs: int,
    chunk_size: int,
    bar: bool,
    engine: Callable[[Sequence[Pair]], Iterable[dict]] | None = None,
    parquet: bool = False,
) -> BatchSummary:
    """`audit batch`: check the model and the output first (cheap), then read the manifest or pair
    the folder, then audit and stream the records."""
    from auditor.pipeline.embed import model_path

    model_path(auditor.model)  # a missing model is one error here, not one per worker
    sink, done = open_output(output, resume, parquet)
    try:
        pairs, ready = (read_manifest(manifest), []) if manifest else auto_pairs(auditor, auto, pattern)
        return stream_records(auditor, pairs, sink.write, done=done, ready=ready, jobs=jobs, chunk_size=chunk_size, bar=bar, engine=engine)
    finally:
        sink.close()
