"""The ONNX encoder against its reference, sentence-transformers: the same vectors, alignment and findings."""

import json
import subprocess
import sys

import numpy as np
import pytest

from auditor.errors import ModelError
from conftest import ROOT, SEEDS, subprocess_env

LONG = " ".join(f"clause{k} of the agreement was signed in Geneva" for k in range(60))  # far over 256 word pieces


@pytest.fixture(scope="module")
def backends():
    from auditor.pipeline.embed import load_embedder

    onnx, torch = load_embedder(backend="onnx"), load_embedder(backend="torch")
    assert (onnx.backend, torch.backend) == ("onnx", "torch")
    return onnx, torch


def seed_sentences() -> list[str]:
    from auditor.io.load import load
    from auditor.pipeline.segment import segment

    return [s.text for seed in ("000", "001", "002") for s in segment(load(seed, SEEDS).text)]


def test_vectors_equal_sentence_transformers(backends):
    onnx, torch = backends
    texts = [*seed_sentences(), LONG, "a", "Ünïcödé café, naïve résumé — 北京.", "x" * 3000]
    ours, reference = onnx.encode(texts), torch.encode(texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.abs(ours @ ours.T - reference @ reference.T).max() < 1e-3  # every similarity the aligner uses
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(onnx.encode(texts[::-1])[::-1], ours)  # sorting by length into batches keeps each text's vector


def test_the_model_truncates_at_max_seq_length_like_sentence_transformers_and_windows_read_the_rest(backends):
    onnx, _ = backends
    assert onnx.model.max_seq_length == 256
    truncated = onnx.model.tokenizer.encode(LONG)
    assert len(truncated.ids) == 256
    tail = " and a whole new clause about the weather in the mountains"
    assert np.allclose(onnx.model.encode([LONG]), onnx.model.encode([LONG + tail]), atol=1e-6)  # the raw model cuts it off
    assert not np.allclose(onnx.encode([LONG]), onnx.encode([LONG + tail]), atol=1e-4)  # the embedder's windows read it
    assert len(onnx.model.piece_offsets(LONG)) > 256  # the windows are cut from every piece, none truncated


def test_seed_alignment_and_findings_equal_the_torch_path(seed_pair):
    from auditor import Auditor

    assert Auditor().embedder().backend == "onnx"  # the session's seed results come from the default, ONNX
    torch_result = Auditor(backend="torch").compare_files("000", "001", SEEDS)
    assert torch_result.to_dict()["alignment"] == seed_pair.to_dict()["alignment"]
    assert [f.to_dict() for f in torch_result.findings] == [f.to_dict() for f in seed_pair.findings]
    assert len(seed_pair.findings) > 0


COMPARE_PROBE = """
import atexit, sys
atexit.register(lambda: print("IMPORTED:" + ",".join(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)))
from auditor.cli import main
main()
"""


def test_cold_compare_on_the_seeds_does_not_import_torch(seed_pair):
    """A fresh process is the point: it shows what `audit compare` imports on its own."""
    from auditor.pipeline.embed import model_path
    from auditor.pipeline.onnx_encoder import ensure_graph

    ensure_graph(model_path(None))  # a fresh checkout's first run exports it (and imports torch) once
    out = subprocess.run([sys.executable, "-c", COMPARE_PROBE, "compare", "000", "001", "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True, env=subprocess_env())
    assert out.returncode == 1, out.stderr  # the seed pair fails the gate
    report, imported = out.stdout.rsplit("IMPORTED:", 1)
    assert imported.strip() == ""
    assert json.loads(report)["findings"] == json.loads(seed_pair.to_json())["findings"]


def test_backend_choice():
    from auditor.pipeline.embed import resolve_backend

    assert resolve_backend(None, None, "cpu") == "onnx"
    assert resolve_backend("auto", "all-MiniLM-L6-v2", None) == "onnx"
    assert resolve_backend("auto", str(ROOT / "some-model"), "cpu") == "torch"  # --model: sentence-transformers loads it
    assert resolve_backend(None, None, "auto") == "torch"
    assert resolve_backend("torch", None, "cpu") == "torch"
    with pytest.raises(ModelError, match="bundled model on the cpu only"):
        resolve_backend("onnx", str(ROOT / "some-model"), "cpu")
    with pytest.raises(ModelError, match="expected one of auto, onnx, torch"):
        resolve_backend("tensorflow", None, None)


def test_encoder_option_and_config_key(cli, tmp_path):
    (tmp_path / "audit.toml").write_text('encoder = "tensorflow"\n')
    out = cli("compare", "000", "001", "--corpus", str(SEEDS), cwd=tmp_path)
    assert out.returncode == 2 and "encoder must be one of auto, onnx, torch (got 'tensorflow')" in out.stderr
    out = cli("compare", "000", "001", "--encoder", "onnx", "--model", str(tmp_path))
    assert out.returncode == 2 and "--encoder onnx runs the bundled model on the cpu only" in out.stderr


def test_graph_is_keyed_by_the_weights(tmp_path, monkeypatch):
    from auditor.pipeline.onnx_encoder import graph_path

    monkeypatch.setenv("AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights one")
    first = graph_path(tmp_path)
    assert first.parent == tmp_path / "cache" / "onnx" and graph_path(tmp_path) == first
    (tmp_path / "model.safetensors").write_bytes(b"weights two")
    assert graph_path(tmp_path) != first


def test_threads_follow_set_threads(monkeypatch):
    from auditor.pipeline import embed
    from auditor.pipeline.onnx_encoder import OnnxModel

    monkeypatch.setattr(embed, "_threads", None)
    embed.set_threads(0)
    assert embed._threads == 1
    model = OnnxModel(embed.model_path(None), embed._threads)
    assert model.session.get_session_options().intra_op_num_threads == 1
