"""The Ray engine of `audit batch`: the local engine's per-pair audit, scheduled on Ray Data.

Ray only schedules. An actor pool of `workers` actors each keeps one Auditor and loads the model
once, and audits every batch of pairs it gets with `run.audit.audit_pairs`, the very code the local
engine runs. Records stream back to this process in manifest order and go through the batch
writer, so the output, `--resume`, crash safety and the summary are shared as well.

Ray is an optional extra (`auditor[ray]`): it is imported here only, when the engine runs.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Iterator, Sequence

from auditor.api import Auditor
from auditor.errors import AuditError
from auditor.run.audit import CHUNK_SIZE, audit_pairs
from auditor.run.record import Pair, Record, to_line

BLOCK_CHUNKS = 16  # chunks of pairs per Ray block at most: few blocks is less overhead, enough keeps every worker busy


class PairAuditor:
    """The actor: one Auditor, one model load and one encoder per worker (so a sentence repeated
    across its batches is encoded once), then one `audit_pairs` call per batch."""

    def __init__(self, auditor: Auditor, threads: int) -> None:
        from auditor.pipeline.embed import set_threads

        set_threads(threads)  # the CPUs Ray reserved for this actor, not every core of its node
        self.auditor = auditor
        self.encoder = auditor.encoder()

    def __call__(self, batch: dict) -> dict:
        """Rows (id, candidate, reference) in, rows (id, record as one JSON line) out, in order."""
        import numpy as np

        pairs = [Pair(str(i), str(c), str(r)) for i, c, r in zip(batch["id"], batch["candidate"], batch["reference"])]
        records = [r.to_dict() for r in audit_pairs(self.auditor, pairs, self.encoder)]
        return {"id": np.array([r["id"] for r in records], dtype=object), "record": np.array([to_line(r) for r in records], dtype=object)}


def import_ray():
    """Ray, or one clear line (exit 2) when the extra is not installed."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report: runs must work offline
    try:
        import ray
        import ray.data  # noqa: F401  (ray without the data extra has no ray.data)
    except ImportError:
        raise AuditError("--engine ray needs Ray Data: pip install 'auditor[ray]'") from None
    return ray


def run_ray(
    auditor: Auditor,
    pairs: Sequence[Pair],
    *,
    address: str | None = None,
    workers: int = 2,
    gpus_per_worker: float = 0.0,
    cpus_per_worker: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Record]:
    """Records of `pairs` in their order, audited by `workers` Ray actors.

    Without `address` Ray starts on this machine and stops at the end; with one it joins that
    cluster. Each actor reserves `cpus_per_worker` CPUs (default: this machine's cores shared among
    the workers in local mode, 1 on a cluster) and runs the model on that many threads. Blocks hold
    whole chunks, so each batch is exactly one of the local engine's chunks and its sentences are embedded together just as there. A worker that dies is restarted and its
    batch retried by Ray Data (its actor pools default to max_restarts=-1 and max_task_retries=-1:
    without limit).
    """
    if not pairs:
        return
    ray = import_ray()
    cpus = cpus_per_worker or (1 if address else max(1, (os.cpu_count() or 1) // workers))
    started = not ray.is_initialized()
    if started:
        local = {} if address else {"num_cpus": max(workers * cpus, os.cpu_count() or 1)}
        try:
            # "local": a new Ray of our own, never some other cluster this machine happens to run
            ray.init(address=address or "local", include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING, **local)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise AuditError(f"cannot {'connect to the Ray cluster at ' + address if address else 'start Ray'}: {exc}") from None
        logging.getLogger("ray.data").setLevel(logging.WARNING)  # its INFO lines would drown the per-pair log
    try:
        yield from _records(ray, auditor, pairs, workers, cpus, gpus_per_worker, chunk_size)
    finally:
        if started:
            ray.shutdown()


def _records(ray, auditor: Auditor, pairs: Sequence[Pair], workers: int, cpus: int, gpus: float, chunk_size: int) -> Iterator[Record]:
    import pandas as pd

    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # manifest order, as the local engine writes
    context.enable_progress_bars = False  # the batch command shows its own progress
    chunks = -(-len(pairs) // chunk_size)
    block = chunk_size * max(1, min(BLOCK_CHUNKS, chunks // (2 * workers)))
    rows = [{"id": p.id, "candidate": p.candidate, "reference": p.reference} for p in pairs]
    dataset = ray.data.from_pandas([pd.DataFrame(rows[k : k + block]) for k in range(0, len(rows), block)])
    audited = dataset.map_batches(
        PairAuditor,
        fn_constructor_kwargs={"auditor": auditor, "threads": cpus},
        batch_size=chunk_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cpus,
        num_gpus=gpus or None,
    )
    for row in audited.iter_rows():
        yield Record.from_dict(json.loads(row["record"]))
