"""Where manifests and documents are read from: local paths, or any filesystem pyarrow understands.

A location with a scheme (`s3://`, `gs://`, `abfs://`, `hdfs://`, `file://`, ...) is read through
`pyarrow.fs`, which comes with the `auditor[ray]` extra: a manifest on object storage can name
documents beside it, and Ray workers read each document where they run. Anything else is a path
on this machine. Every failure is an InputError naming the location.

A remote read has a time limit (`timeout`, `--read-timeout`, default READ_TIMEOUT seconds, connect
and read together): some filesystems retry for many minutes without a network (gs:// sleeps in
its retries), and one such document must cost its pair an error, not the whole run. The read runs
in a daemon thread that is abandoned at the limit; pyarrow has no way to cancel it, and a daemon
thread does not keep the process alive.
"""

from __future__ import annotations

import posixpath
import re
import threading
from pathlib import Path

from auditor.errors import InputError

READ_TIMEOUT = 30.0  # seconds a remote read may take, connecting included

# A scheme of two or more characters, so that a Windows drive letter (C:\...) stays a path.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def is_uri(location: str) -> bool:
    """Whether `location` names a file on a pyarrow filesystem rather than a local path."""
    return bool(_URI.match(location))


def beside(manifest: str, location: str) -> str:
    """`location` as written in `manifest`: a URI or an absolute path as it is, a relative path
    taken from the manifest's folder (a URI's folder for a manifest that is a URI)."""
    if is_uri(location) or Path(location).is_absolute():
        return location
    if is_uri(manifest):
        return posixpath.join(manifest.rsplit("/", 1)[0], location)
    return str(Path(manifest).parent / location)


def read_bytes(location: str, max_bytes: int, hint: str = "", timeout: float = READ_TIMEOUT) -> bytes:
    """The bytes of the file at a path or URI; one too large (over `max_bytes`) is refused before
    reading, and `hint` says how to raise the limit. A URI not read within `timeout` seconds is an
    InputError."""
    if not is_uri(location):
        return _read_local(Path(location), max_bytes, hint)
    outcome: list = []
    reader = threading.Thread(target=lambda: outcome.append(_attempt(location, max_bytes, hint)), daemon=True)
    reader.start()
    reader.join(timeout)
    if not outcome:
        raise InputError(f"{location}: cannot read (no answer within {timeout:g} s; raise the limit with --read-timeout)")
    value = outcome[0]
    if isinstance(value, BaseException):
        raise value
    return value


def _attempt(uri: str, max_bytes: int, hint: str) -> bytes | BaseException:
    """The read in the worker thread: its bytes, or the exception for the caller to raise."""
    try:
        return _read_uri(uri, max_bytes, hint)
    except BaseException as exc:  # handed to the caller's thread, which raises it there
        return exc


def _read_local(path: Path, max_bytes: int, hint: str) -> bytes:
    if not path.is_file():
        raise InputError(f"{path}: {'not a regular file' if path.exists() else 'no such file'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: too large: {size:,} bytes{hint}")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _read_uri(uri: str, max_bytes: int, hint: str) -> bytes:
    try:
        import pyarrow
        from pyarrow import fs
    except ImportError:
        raise InputError(f"{uri}: reading a URI needs pyarrow: pip install 'auditor[ray]'") from None
    try:
        filesystem, path = fs.FileSystem.from_uri(uri)
        info = filesystem.get_file_info(path)
        if info.type == fs.FileType.NotFound:
            raise InputError(f"{uri}: no such file")
        if info.type != fs.FileType.File:
            raise InputError(f"{uri}: not a regular file")
        if info.size is not None and info.size > max_bytes:
            raise InputError(f"{uri}: too large: {info.size:,} bytes{hint}")
        with filesystem.open_input_stream(path) as stream:
            return stream.read()
    except (OSError, pyarrow.ArrowException) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{uri}: cannot read ({reason})") from None
