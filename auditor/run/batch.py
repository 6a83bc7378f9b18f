"""Batch: audit many candidate/reference pairs in one run, streaming one JSON Lines record per pair.

The pieces, so other engines can reuse them:
- `run.audit.audit_pairs` audits a chunk of pairs with one model call (every engine runs it);
- `run.pool.run_local` is the engine on one machine, `run.ray_engine.run_ray` the one on Ray;
- `run.manifest` says which pairs, `run.sinks` where records go, `run.summary` what people see.
Here, `stream_records` writes each record as it comes (one whole line, fsynced), skips pairs
already in the output on resume, shows progress and returns the summary with the run's exit code;
`run_batch` is the whole `audit batch` command around it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from auditor.api import Auditor
from auditor.run.audit import CHUNK_SIZE
from auditor.run.manifest import auto_pairs, read_manifest
from auditor.run.pool import run_local
from auditor.run.record import Pair, Record, to_line
from auditor.run.sinks import claim_output
from auditor.run.summary import BatchSummary, Progress

Engine = Callable[[Sequence[Pair]], Iterable[Record]]


def stream_records(
    auditor: Auditor,
    pairs: Sequence[Pair],
    write: Callable[[str], None],
    *,
    done: Iterable[dict] = (),
    ready: Sequence[Record] = (),
    jobs: int = 1,
    chunk_size: int = CHUNK_SIZE,
    bar: bool = False,
    engine: Engine | None = None,
    progress_lines: bool = True,
) -> BatchSummary:
    """Audit `pairs` not in `done`, passing each record line to `write` as soon as it is ready.

    `ready` holds records decided before any audit (documents --auto found no counterpart for);
    they are written first. `done` holds the records a resumed run found in its output.
    `engine` audits the pairs left to do (default: the local engine with `jobs` and `chunk_size`).
    """
    wanted = {p.id for p in pairs} | {r.pair.id for r in ready}
    summary = BatchSummary()
    finished = set()
    for record in done:
        if record["id"] in wanted and record["id"] not in finished:
            finished.add(record["id"])
            summary.add(record)
    summary.resumed = len(finished)
    todo = [p for p in pairs if p.id not in finished]
    progress = Progress(len(wanted), len(finished), bar, silent=not progress_lines)

    def emit(record: Record) -> None:
        data = record.to_dict()
        write(to_line(data))
        summary.add(data)
        progress.update(data)

    start = time.perf_counter()
    try:
        for record in [r for r in ready if r.pair.id not in finished]:
            emit(record)
        for record in engine(todo) if engine else run_local(auditor, todo, jobs, chunk_size):
            emit(record)
            summary.audited += 1
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
    engine: Engine | None = None,
    parquet: bool = False,
    force: bool = False,
    into: list[dict] | None = None,
    progress_lines: bool = True,
) -> BatchSummary:
    """`audit batch`: check the model and claim the output first (cheap, and before the model
    loads), then read the manifest or pair the folder, then open the output, audit and stream.
    `into`: keep the records in this list instead (for an output rendered once the run ends)."""
    auditor.embedder()  # finds the model without loading it: a missing one is one error here, not one per worker
    with claim_output(None if into is not None else output, resume, parquet, force) as (open_sink, done):  # locked and checked before the model loads
        timeout = auditor.limits.read_timeout
        pairs, ready = (read_manifest(manifest, timeout), []) if manifest else auto_pairs(auditor, auto, pattern)
        sink = open_sink() if into is None else _Collect(into)
        try:
            return stream_records(
                auditor, pairs, sink.write, done=done, ready=ready, jobs=jobs, chunk_size=chunk_size, bar=bar, engine=engine,
                progress_lines=progress_lines,
            )
        finally:
            sink.close()


class _Collect:
    """A sink that keeps each record (as its dict) for a format written when the run ends."""

    def __init__(self, records: list[dict]) -> None:
        self.records = records

    def write(self, line: str) -> None:
        import json

        self.records.append(json.loads(line))

    def close(self) -> None:
        pass
