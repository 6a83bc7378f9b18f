"""An on-disk cache of sentence vectors, keyed by model and text hash, for repeated runs.

It is one SQLite database in the cache folder: every write is a transaction, so a reader or an
interrupted run never sees half a vector (the guarantee `files.write_atomic` gives plain files),
and in write-ahead-log mode any number of processes can read and write it at the same time.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from auditor.errors import AuditError

if TYPE_CHECKING:
    import numpy as np

FILENAME = "embeddings.sqlite3"
_CHUNK = 500  # texts per query, below SQLite's limit on bound parameters
_SCHEMA = """CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL, text_sha256 BLOB NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, text_sha256)
) WITHOUT ROWID"""


class EmbeddingCache:
    """Sentence vectors stored under (model key, SHA-256 of the text)."""

    def __init__(self, folder: str | os.PathLike[str]):
        self.path = Path(folder) / FILENAME
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        """One connection per process (a connection must not cross a fork)."""
        if self._connection is None or self._pid != os.getpid():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute(_SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise AuditError(f"{self.path}: cannot use as an embedding cache ({exc})") from None
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def get(self, model: str, texts: Sequence[str]) -> dict[str, "np.ndarray"]:
        """The cached vectors of those `texts` that have one."""
        import numpy as np

        by_digest = {_digest(t): t for t in texts}
        digests = list(by_digest)
        found = {}
        try:
            for start in range(0, len(digests), _CHUNK):
                chunk = digests[start : start + _CHUNK]
                rows = self._connect().execute(
                    f"SELECT text_sha256, vector FROM vectors WHERE model = ? AND text_sha256 IN ({','.join('?' * len(chunk))})",
                    [model, *chunk],
                )
                for digest, blob in rows:
                    found[by_digest[digest]] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error as exc:
            raise AuditError(f"{self.path}: cannot read the embedding cache ({exc})") from None
        return found

    def put(self, model: str, texts: Sequence[str], vectors: "np.ndarray") -> None:
        """Store the vectors of `texts` in one transaction; a text already there keeps its vector."""
        import numpy as np

        rows = [(model, _digest(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)]
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)", rows)
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise AuditError(f"{self.path}: cannot write the embedding cache ({exc})") from None


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
