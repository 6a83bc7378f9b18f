"""Writing output files: every file the tool writes goes through `write_atomic`."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import AuditError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write through a temporary file in the same folder, then rename: a reader or an
    interrupted run never sees half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # an interrupt too: no temporary file is left behind
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise AuditError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise
