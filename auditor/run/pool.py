"""The local engine: records of many pairs in manifest order, in this process or in worker processes
that each load the model once."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Iterator, Sequence

from auditor.api import Auditor
from auditor.run.audit import CHUNK_SIZE, audit_pairs
from auditor.run.record import Pair, Record

if TYPE_CHECKING:
    from auditor.pipeline.embed import Encoder


def run_local(auditor: Auditor, pairs: Sequence[Pair], jobs: int = 1, chunk_size: int = CHUNK_SIZE) -> Iterator[Record]:
    """Records of `pairs` in their order: in this process, or in `jobs` worker processes."""
    chunks = [pairs[k : k + chunk_size] for k in range(0, len(pairs), chunk_size)]
    if jobs <= 1 or len(chunks) <= 1:
        encoder = auditor.encoder()
        for chunk in chunks:
            yield from audit_pairs(auditor, chunk, encoder)
        return
    import multiprocessing

    # spawn, not fork: forking a process that already runs the model's threads can deadlock.
    context = multiprocessing.get_context("spawn")
    workers = min(jobs, len(chunks))
    pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(auditor, workers))
    try:
        for records in pool.map(_audit_chunk, chunks):
            yield from records
    except BaseException:  # an error or Ctrl-C: stop the workers now rather than after their chunks
        _terminate_workers(pool)
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers mid-chunk. Python 3.14 has `terminate_workers()` for this; before it
    the executor's private process table is the only handle, read here and nowhere else."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


_worker_auditor: Auditor | None = None
_worker_encoder: "Encoder | None" = None


def _start_worker(auditor: Auditor, workers: int) -> None:
    """Worker setup: share the cores instead of oversubscribing them, load the model once, and
    leave when the parent dies (even by SIGKILL), since only the parent writes results."""
    global _worker_auditor, _worker_encoder
    import multiprocessing
    from multiprocessing.connection import wait

    from auditor.pipeline.embed import set_threads

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (wait([parent.sentinel]), os._exit(1)), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    set_threads((os.cpu_count() or 1) // workers)
    _worker_auditor = auditor
    _worker_encoder = auditor.encoder()


def _audit_chunk(pairs: Sequence[Pair]) -> list[Record]:
    assert _worker_auditor is not None, "worker not started"
    return list(audit_pairs(_worker_auditor, pairs, _worker_encoder))
