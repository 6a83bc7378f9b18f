"""Where batch records go (a JSON Lines file, Parquet parts, stdout) and what a resumed run finds there."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Protocol

from auditor.errors import AuditError, InputError
from auditor.io.files import LineLog


class Sink(Protocol):
    """Takes whole record lines; `close` makes what was written durable."""

    def write(self, line: str) -> None: ...

    def close(self) -> None: ...


class StdoutLines:
    """Records to standard output, flushed line by line (no resume: stdout keeps nothing)."""

    def write(self, line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def close(self) -> None:
        pass


def open_output(output: Path | None, resume: bool, parquet: bool = False) -> tuple[Sink, list[dict]]:
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
