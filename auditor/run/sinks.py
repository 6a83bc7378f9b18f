"""Where batch records go (a JSON Lines file, Parquet parts, stdout) and what a resumed run finds there.

An output file or folder is written by one run at a time: `claim_output` takes an exclusive lock
beside it (`.NAME.lock`) before it checks or reads anything, and holds it until the run ends, so a
second run on the same output (a resume included) is refused in one line instead of truncating or
duplicating the first one's records. The lock is an OS lock (flock, through `filelock`): a run
killed by SIGKILL frees it, so a later --resume is never blocked by a stale lock.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Protocol

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


Opener = Callable[[], Sink]


@contextmanager
def claim_output(output: Path | None, resume: bool, parquet: bool = False, force: bool = False) -> Iterator[tuple[Opener, list[dict]]]:
    """While the run lasts: how to open where records go, and the records a resumed run finds there.

    The lock comes first, then the checks; the sink itself is opened (a JSON Lines file created or
    truncated) only when the caller asks, once it knows the pairs, so a rejected manifest leaves no
    empty output behind. Without --resume an existing non-empty output is refused rather than
    overwritten: rerunning a killed run without the flag would otherwise throw away all it had done;
    `force` (--force) says that is meant.
    """
    if output is None:
        if parquet:
            raise AuditError("--format parquet needs --output DIR (the folder for its part files)")
        if resume:
            raise AuditError("--resume needs --output FILE (records on stdout cannot be resumed)")
        yield StdoutLines, []
        return
    with _exclusive(output):
        yield _checked(output, resume, parquet, force)


@contextmanager
def _exclusive(output: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(output.with_name(f".{output.name}.lock"), timeout=0, blocking=False)
    try:
        lock.acquire()
    except Timeout:
        raise AuditError(f"{output}: another audit batch is writing to it; wait for that run to end, or pick another --output") from None
    except OSError as exc:
        raise AuditError(f"{output}: cannot write ({exc.strerror or exc})") from None
    try:
        yield
    finally:
        lock.release()


def _checked(output: Path, resume: bool, parquet: bool, force: bool = False) -> tuple[Opener, list[dict]]:
    if parquet:
        from auditor.run.parquet import ParquetParts

        if output.exists() and not output.is_dir():
            raise AuditError(f"{output}: not a folder; --format parquet writes parts into an output folder")
        if ParquetParts.parts(output) and not resume:
            raise AuditError(f"{output}: already holds parts; pass --resume to finish that run, or remove them (--force overwrites JSON Lines only)")
        return (lambda: ParquetParts(output)), ParquetParts.records(output) if resume else []
    if resume:
        return (lambda: LineLog(output, append=True)), previous_records(output)
    if output.exists() and output.stat().st_size and not force:
        raise AuditError(f"{output}: already exists; pass --resume to finish that run, --force to overwrite it, or remove the file")
    return (lambda: LineLog(output, append=False)), []


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
