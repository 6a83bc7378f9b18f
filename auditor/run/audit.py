"""The per-pair audit every engine runs (local, worker pool, Ray), so they all give the same records."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator, Sequence

from auditor.api import Auditor
from auditor.errors import AuditError
from auditor.io.load import load_file
from auditor.run.record import Pair, Record

if TYPE_CHECKING:
    from auditor.pipeline.embed import Encoder

CHUNK_SIZE = 8  # pairs whose sentences are embedded in one model call


def audit_pairs(auditor: Auditor, pairs: Sequence[Pair], encoder: "Encoder | None" = None) -> Iterator[Record]:
    """Audit a chunk of pairs, embedding all their sentences in one model call; one record per pair,
    in order, each yielded as soon as its pair is done. A pair that fails becomes an error record.
    Pass one `encoder` for a whole run so a sentence repeated across chunks is encoded once."""
    prepared = []
    for pair in pairs:
        try:
            limits = auditor.limits  # the run's read time limit and sizes
            prepared.append(auditor.prepare(load_file(pair.candidate, limits=limits), load_file(pair.reference, limits=limits)))
        except AuditError as exc:
            prepared.append(exc)
    ready = [p for p in prepared if not isinstance(p, Exception)]
    encoder = encoder or auditor.encoder()  # the detectors reuse what this call encoded
    vectors = iter(auditor.encode([s for p in ready for s in (p.candidate_sentences, p.reference_sentences)], encoder))
    for pair, item in zip(pairs, prepared):
        if isinstance(item, Exception):
            yield Record.failed(pair, str(item))
            continue
        cand_vectors, ref_vectors = next(vectors), next(vectors)
        try:
            result = auditor.finish(item, cand_vectors, ref_vectors, encoder)
        except Exception as exc:  # one bad pair must not end a run over thousands
            if os.environ.get("AUDIT_DEBUG"):
                raise
            yield Record.failed(pair, f"internal error: {type(exc).__name__}: {exc}")
            continue
        yield Record(pair, result.summary.verdict, result=result.to_dict())
