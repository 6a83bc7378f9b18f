"""Stage 1, load: resolve a path or seed id to a document, decode it and normalise its text.

Whatever a scraper hands over gets a clear answer: binary data, an unknown encoding, an empty
page or a huge one is refused in one line naming the file; a legacy encoding is detected; HTML
is reduced to its text. Every offset the tool reports indexes `Document.text`, the decoded and
normalised text (the JSON carries each sentence's text with its offsets).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import InputError
from auditor.io.markup import count_tags, html_to_text
from auditor.io.storage import READ_TIMEOUT, is_uri, read_bytes

MAX_SENTENCE_CHARS = 1_000  # longer sentences are split at word boundaries (see pipeline.segment)

DEFAULT_CORPUS = Path("seeds")

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A well-formed UTF-8 multi-byte sequence; a legacy single-byte text almost never holds one by chance.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Vertical tab, form feed, file/group/record separators, NEL and the Unicode line and paragraph
# separators end a line as surely as LF does; each becomes one LF, so offsets do not move.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\n"))
# Invisible characters, defined once here for the loader and for every output (render/safe_text.py).
# Zero-width space, non-joiner, joiner, word joiner, zero-width no-break space, soft hyphen: the
# reader sees the text without them, and inside a word they would split it, so loading removes them.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{ZERO_WIDTH}]")
# What can still hide, reorder (Trojan Source) or drive a terminal once loaded: C0/C1 controls but
# tab and line feed, the left-to-right and right-to-left marks, bidi embeddings, overrides and
# isolates, the Unicode tag characters (invisible, they can smuggle text past a reader), and
# ZERO_WIDTH. Kept in the text (offsets must hold); outputs show each as `\uXXXX`.
HIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f{ZERO_WIDTH}]")
# Every space separator but the plain space (no-break, thin, ideographic...) becomes a plain space.
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_SHARE = 0.01  # more control characters than this share (and than 10) and the data is not text
MIN_DETECT_BYTES = 256  # shorter non-UTF-8 input is too little for charset-normalizer to judge


@dataclass(frozen=True)
class Limits:
    """Bounds on input size: huge or hostile input is refused with the limit named, or split, never a hang."""

    max_chars: int = 1_000_000  # per document, after decoding
    max_sentences: int = 2_000  # per document: the aligner's memory grows with the product of both counts
    max_sentence_chars: int = MAX_SENTENCE_CHARS  # longer sentences are split at word boundaries
    read_timeout: float = READ_TIMEOUT  # seconds a remote (URI) read may take before it is an error

    def check_text(self, document: Document, label: str) -> None:
        """Refuse a document with no text, or with more characters than `max_chars`."""
        if not document.text.strip():
            raise InputError(f"{label}: empty document (no text to audit)")
        if len(document.text) > self.max_chars:
            raise InputError(
                f"{label}: too long: {len(document.text):,} characters, over the limit of {self.max_chars:,} (raise it with --max-chars)"
            )

    def check_sentences(self, count: int, label: str) -> None:
        if count > self.max_sentences:
            raise InputError(
                f"{label}: too many sentences: {count:,}, over the limit of {self.max_sentences:,} (raise it with --max-sentences)"
            )


@dataclass(frozen=True)
class Document:
    """A decoded, normalised text; every offset the tool reports is a Python index into `text`."""

    text: str
    path: str | None = None
    encoding: str | None = None  # how the file was decoded; None for text handed over as a string
    notes: tuple[str, ...] = ()  # what loading guessed or changed, for the user to see

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "<text>"

    @classmethod
    def from_text(cls, text: str, path: str | None = None, encoding: str | None = None, notes: tuple[str, ...] = ()) -> Document:
        """Normalise raw text: line breaks, HTML, exotic spaces and invisible characters."""
        text = normalise_newlines(text).translate(_LINE_BREAKS)
        notes = tuple(notes)
        tags = count_tags(text)
        if tags:
            text = html_to_text(text)
            notes += (f"looks like HTML ({tags} tags): its markup was removed and its visible text compared",)
        text = _SPACES.sub(" ", text)
        text, removed = _INVISIBLE.subn("", text)
        if removed:
            notes += (f"{removed} invisible character{'s' if removed > 1 else ''} (zero-width spaces, joiners, soft hyphens) removed",)
        return cls(text=text, path=path, encoding=encoding, notes=notes)


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
    if path.is_dir():
        raise InputError(f"{spec}: is a directory, not a text file")
    if path.exists():
        raise InputError(f"{spec}: not a regular file")
    if "/" in spec or "\\" in spec or not corpus.is_dir():
        # the corpus is named only for what could be a seed id (no folder, no extension)
        seed_like = spec.isdigit()  # only a number could be a seed id; other names get no note about the corpus
        where = f" (and no corpus folder {corpus} to look seed id {spec} up in)" if seed_like and not corpus.is_dir() else ""
        raise InputError(f"{spec}: no such file{where}")
    matches = sorted(p for p in corpus.iterdir() if p.is_file() and p.name.startswith(f"{spec}_"))
    if not matches:
        raise InputError(f"{spec}: no such file, and no file in {corpus}/ starts with '{spec}_'")
    if len(matches) > 1:
        names = ", ".join(p.name for p in matches)
        raise InputError(f"{spec}: ambiguous seed id, {len(matches)} files in {corpus}/ match: {names}")
    return matches[0]


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode `data` and return (text, encoding used, notes); refuse what is not text.

    `encoding` forces a codec. Otherwise a byte-order mark decides, then strict UTF-8; text that is
    UTF-8 but for a few bytes is refused with the first bad byte named, not guessed at; anything
    else goes to charset-normalizer.
    """
    notes: tuple[str, ...] = ()
    if encoding is not None:
        text = _decode_with(data, encoding, source)
    else:
        bom = next((name for mark, name in _BOMS if data.startswith(mark)), None)
        if bom:
            text, encoding = _decode_with(data, bom, source), bom.removesuffix("-sig")
        elif b"\x00" in data:  # checked on the bytes: a detector would read them as UTF-16
            raise _nul_error(source)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                text, encoding, how = _detect(data, source, exc)
                notes = (f"not UTF-8: decoded as {encoding} ({how}; force another with --encoding)",)
    _refuse_binary(text, source)
    return text, encoding, notes


def _decode_with(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(f"{source}: unknown text encoding '{encoding}'") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def _detect(data: bytes, source: str, error: UnicodeDecodeError) -> tuple[str, str, str]:
    """Decode non-UTF-8 bytes with the encoding charset-normalizer finds most plausible; return (text, encoding, how).

    cp1252, the legacy encoding of Western text (and what browsers use for text labelled Latin-1),
    wins ties: the detector often calls English cp1252 text cp1250, which decodes letters such as
    'à' wrongly. Below `MIN_DETECT_BYTES` the detector's scores are noise ("Say \x93hi\x94." comes
    out as Ukrainian cp1125), so cp1252 is assumed wherever it decodes the bytes.
    """
    from charset_normalizer import from_bytes

    invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    if len(_UTF8_SEQUENCE.findall(data)) >= invalid:
        raise InputError(
            f"{source}: not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}), though the rest "
            "reads as UTF-8: repair the file, or force an encoding with --encoding"
        )
    if len(data) < MIN_DETECT_BYTES:
        try:
            return data.decode("cp1252"), "cp1252", "assumed: too short to detect an encoding"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{source}: not text (no text encoding fits these bytes; force one with --encoding)")
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    match = western if western is not None and western.chaos <= best.chaos else best
    return str(match), match.encoding, "detected"


def _nul_error(source: str) -> InputError:
    return InputError(
        f"{source}: not text (contains NUL bytes: binary data, or UTF-16/UTF-32 without a byte-order mark, "
        "then name it with --encoding)"
    )


def _refuse_binary(text: str, source: str) -> None:
    """Refuse decoded data that holds NULs or many control characters: an image, an archive, a UTF-16 file without its BOM."""
    if "\x00" in text:
        raise _nul_error(source)
    controls = len(_CONTROL.findall(text))
    if controls > max(10, _CONTROL_SHARE * len(text)):
        raise InputError(f"{source}: not text ({controls:,} control characters in {len(text):,})")


STDIN = "-"


def load(spec: str, corpus: Path = DEFAULT_CORPUS, encoding: str | None = None, limits: Limits = Limits()) -> Document:
    """Load a document from a path, a URI, a seed id, or `-` (standard input, as Unix tools read it)."""
    if spec == STDIN:
        return load_stdin(encoding, limits)
    return load_file(spec if is_uri(spec) else resolve(spec, corpus), encoding, limits)


def load_stdin(encoding: str | None = None, limits: Limits = Limits()) -> Document:
    """The document piped on standard input, read as bytes and decoded like a file (named `<stdin>`)."""
    import sys

    max_bytes = 4 * limits.max_chars + 4
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"<stdin>: more than the limit of {limits.max_chars:,} characters (raise it with --max-chars)")
    text, used, notes = decode(data, "<stdin>", encoding)
    document = Document.from_text(text, path="<stdin>", encoding=used, notes=notes)
    limits.check_text(document, "<stdin>")
    return document


def load_file(path: Path | str, encoding: str | None = None, limits: Limits = Limits()) -> Document:
    """Load a document from a path or a URI (manifests and folders name files, not seed ids);
    refuse one too large to read before reading it."""
    location = str(path)
    max_bytes = 4 * limits.max_chars + 4  # no encoding spends more than 4 bytes (and a BOM) on a character
    hint = f", more than the limit of {limits.max_chars:,} characters (raise it with --max-chars)"
    data = read_bytes(location, max_bytes, hint, limits.read_timeout)
    text, used, notes = decode(data, location, encoding)
    document = Document.from_text(text, path=location, encoding=used, notes=notes)
    limits.check_text(document, location)
    return document
