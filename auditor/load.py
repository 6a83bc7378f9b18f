"""Stage 1, load: resolve a path or seed id to a document and decode its text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

DEFAULT_CORPUS = Path("seeds")


@dataclass(frozen=True)
class Document:
    """A decoded text; every offset the tool reports is a Python index into `text`."""

    text: str
    path: str | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "<text>"


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def resolve(spec: str, corpus: Path = DEFAULT_CORPUS) -> Path:
    """Return the file for `spec`: an existing path, or a seed id such as `000` in `corpus`.

    A seed id names the one file of the corpus whose name starts with `<id>_`.
    """
    path = Path(spec)
    if path.is_file():
        return path
    if path.exists():
        raise InputError(f"{spec}: not a regular file")
    if "/" in spec or "\\" in spec or not corpus.is_dir():
        where = f" (corpus folder {corpus} does not exist)" if not corpus.is_dir() else ""
        raise InputError(f"{spec}: no such file{where}")
    matches = sorted(p for p in corpus.iterdir() if p.is_file() and p.name.startswith(f"{spec}_"))
    if not matches:
        raise InputError(f"{spec}: no such file, and no file in {corpus}/ starts with '{spec}_'")
    if len(matches) > 1:
        names = ", ".join(p.name for p in matches)
        raise InputError(f"{spec}: ambiguous seed id, {len(matches)} files in {corpus}/ match: {names}")
    return matches[0]


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8 (a BOM is allowed) and normalise newlines; refuse anything else."""
    if b"\x00" in data:
        raise InputError(f"{source}: not text (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    return normalise_newlines(text)


def load(spec: str, corpus: Path = DEFAULT_CORPUS) -> Document:
    """Load a document from a path or seed id."""
    return load_file(resolve(spec, corpus))


def load_file(path: Path) -> Document:
    """Load a document from a path only (manifests and folders name files, not seed ids)."""
    if not path.is_file():
        raise InputError(f"{path}: {'not a regular file' if path.exists() else 'no such file'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = decode(data, str(path))
    if not text.strip():
        raise InputError(f"{path}: empty document (no text to audit)")
    return Document(text=text, path=str(path))
