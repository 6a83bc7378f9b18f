"""Parquet output of `audit batch` (`--format parquet`): the records as parts of a dataset folder.

Each part is written whole through `write_atomic` (a temporary file, then a rename), so a run
killed at any moment leaves only complete parts, which any Parquet reader (pyarrow, pandas, Spark,
DuckDB, Ray Data) reads as one table. The `record` column holds the very line JSON Lines output
would carry, so both formats keep the same content; id, candidate, reference, verdict and exit_code
are columns of their own for queries. pyarrow comes with the `ray` extra.
"""

from __future__ import annotations

import json
from pathlib import Path

from auditor.errors import AuditError, InputError
from auditor.io.files import write_atomic

PART_ROWS = 64  # records per part: a SIGKILL loses at most this many unwritten records (resume redoes them)
COLUMNS = ("id", "candidate", "reference", "verdict", "exit_code")


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise AuditError("--format parquet needs pyarrow: pip install 'auditor[ray]'") from None
    return pyarrow


class ParquetParts:
    """Record lines in, part-NNNNN.parquet files out, PART_ROWS records at a time."""

    def __init__(self, folder: Path) -> None:
        self.pa = _pyarrow()
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AuditError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from None
        self.next = len(self.parts(self.folder))
        self.lines: list[str] = []

    @staticmethod
    def parts(folder: Path) -> list[Path]:
        return sorted(Path(folder).glob("part-*.parquet"))

    def write(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= PART_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        records = [json.loads(line) for line in self.lines]
        columns = {name: [r.get(name) for r in records] for name in COLUMNS}
        table = self.pa.table({**columns, "record": self.lines})
        sink = self.pa.BufferOutputStream()
        self.pa.parquet.write_table(table, sink)
        write_atomic(self.folder / f"part-{self.next:05d}.parquet", sink.getvalue().to_pybytes())
        self.next += 1
        self.lines = []

    def close(self) -> None:
        self.flush()

    @classmethod
    def records(cls, folder: Path) -> list[dict]:
        """The records of every part already in `folder`, for --resume."""
        pa = _pyarrow()
        records = []
        for part in cls.parts(folder):
            try:
                lines = pa.parquet.read_table(part, columns=["record"]).column("record").to_pylist()
            except (OSError, KeyError, pa.ArrowException) as exc:
                raise InputError(f"{part}: not a batch output part ({exc}); cannot resume from this folder") from None
            records.extend(json.loads(line) for line in lines)
        return records
