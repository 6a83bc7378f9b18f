"""Writing output files: every file the tool writes goes through `write_atomic`, or, for records
streamed over a long run, through `LineLog`."""

from __future__ import annotations

import os
from pathlib import Path

from auditor.errors import AuditError


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
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # a read-only mount refuses even this: the first error is the one to report
            pass
        if isinstance(exc, OSError):
            raise _os_error(path, "write", exc) from None
        raise


def _os_error(path: Path, what: str, exc: OSError) -> AuditError:
    """One line naming the file, what could not be done, and the system's reason."""
    return AuditError(f"{path}: cannot {what} ({exc.strerror or exc})")


class LineLog:
    """An append-only file of whole lines, for results streamed over a long run.

    Each line goes out in one `write` call and is fsynced, so a run killed at any moment (SIGKILL
    included) leaves every finished line intact; at worst the last line is cut short, and
    `recover` drops that partial line before a resumed run appends to the file.
    """

    def __init__(self, path: Path, *, append: bool) -> None:
        self.path = Path(path)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        try:
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise _os_error(path, "write", exc) from None

    @staticmethod
    def recover(path: Path) -> list[bytes]:
        """The complete lines of `path`; a partial last line (no newline) is truncated away."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise _os_error(path, "read", exc) from None
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            try:
                os.truncate(path, complete)
            except OSError as exc:
                raise _os_error(path, "drop its partial last line", exc) from None
        return data[:complete].split(b"\n")[:-1]

    def write(self, line: str) -> None:
        """Append one line (the newline is added here) and push it to the disk."""
        payload = line.encode("utf-8") + b"\n"
        try:
            while payload:
                payload = payload[os.write(self._fd, payload) :]
            os.fsync(self._fd)
        except OSError as exc:
            raise _os_error(self.path, "write", exc) from None

    def close(self) -> None:
        os.close(self._fd)
