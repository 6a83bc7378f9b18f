"""The on-disk embedding cache, the per-run encoder and the device option."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from auditor.pipeline.cache import EmbeddingCache
from auditor.errors import AuditError, ModelError
from auditor.io.load import Document

ROOT = Path(__file__).resolve().parent.parent
CANDIDATE = "Early in the civil war, President Volodymyr Zelenskyy promised amnesty to 160 prisoners. It was not enough."
REFERENCE = "Early in the war, President Volodymyr Zelenskyy promised amnesty to 150 prisoners. It was not enough."


def test_second_run_needs_no_model_and_gives_the_same_result(auditor, tmp_path, monkeypatch):
    from auditor import Auditor
    from auditor.pipeline.embed import Embedder

    first = Auditor(cache=tmp_path).compare_documents(Document(CANDIDATE), Document(REFERENCE))

    def no_model(self, texts):
        raise AssertionError(f"encoded again: {texts}")

    monkeypatch.setattr(Embedder, "encode", no_model)
    second = Auditor(cache=tmp_path).compare_documents(Document(CANDIDATE), Document(REFERENCE))
    assert second.to_json() == first.to_json()
    assert [f.category for f in first.findings] == ["meaning", "number"]


def test_cached_vectors_are_the_models_own(auditor, tmp_path):
    from auditor.pipeline.embed import Encoder, load_embedder

    embedder = load_embedder()
    texts = ["The ministry denied it.", "rice field.", "The ministry denied it."]
    encoder = Encoder(embedder, EmbeddingCache(tmp_path))
    vectors = encoder(texts)
    assert encoder.encoded == 2  # the repeated text is encoded once
    assert np.array_equal(vectors[0], vectors[2])
    cached = EmbeddingCache(tmp_path).get(embedder.key, texts)
    assert set(cached) == {"The ministry denied it.", "rice field."}
    assert np.array_equal(cached["rice field."], vectors[1])
    assert EmbeddingCache(tmp_path).get("another-model", texts) == {}


WRITER = """
import sys, numpy as np
from auditor.pipeline.cache import EmbeddingCache
cache, worker = EmbeddingCache(sys.argv[1]), int(sys.argv[2])
for round in range(40):
    texts = [f"sentence {k}" for k in range(round * 5, round * 5 + 20)]
    cache.put("m", texts, np.array([[k, k] for k in range(round * 5, round * 5 + 20)], dtype=np.float32))
    got = cache.get("m", texts)
    assert all(got[t].tolist() == [k, k] for k, t in zip(range(round * 5, round * 5 + 20), texts)), worker
"""


def test_concurrent_processes_share_one_cache(tmp_path):
    """Several processes at once are the point here (no model: each writes made-up vectors)."""
    workers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(w)], cwd=ROOT, stderr=subprocess.PIPE, text=True) for w in range(3)]
    errors = [w.communicate()[1] for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], errors
    got = EmbeddingCache(tmp_path).get("m", [f"sentence {k}" for k in range(215)])
    assert len(got) == 215 and got["sentence 214"].tolist() == [214.0, 214.0]


def test_a_file_that_is_not_a_cache_is_one_line_and_exit_2(cli, tmp_path):
    (tmp_path / "embeddings.sqlite3").write_text("not a database, just text " * 100)
    with pytest.raises(AuditError, match="cannot use as an embedding cache"):
        EmbeddingCache(tmp_path).get("m", ["a"])
    out = cli("compare", "000", "001", "--cache", str(tmp_path))
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("audit: error: ") and "cannot use as an embedding cache" in out.stderr


def test_device_auto_gives_the_cpu_result(seed_pair):
    from auditor import Auditor
    from auditor.pipeline.embed import resolve_device

    import torch

    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert resolve_device("auto") == expected
    result = Auditor(device="auto").compare_files("000", "001", ROOT / "seeds")
    assert result.to_dict()["alignment"] == seed_pair.to_dict()["alignment"]
    assert [(f.category, f.severity, f.candidate_span) for f in result.findings] == [
        (f.category, f.severity, f.candidate_span) for f in seed_pair.findings
    ]


def test_missing_device_is_a_model_error():
    import torch

    from auditor.pipeline.embed import resolve_device

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ModelError, match="device cuda: not available"):
        resolve_device("cuda")
    with pytest.raises(ModelError, match="expected one of"):
        resolve_device("tpu")


def test_vocabulary_read_without_the_model_is_the_models_own():
    from auditor.pipeline.embed import Embedder, load_embedder

    bundled = load_embedder()
    with_model, without_model = Embedder(bundled.name, bundled.path), Embedder(bundled.name, bundled.path)
    assert with_model.model is not None
    assert without_model.vocabulary() == with_model.vocabulary()
    assert "model" not in without_model.__dict__
    assert without_model.vocabulary()["now"] < without_model.vocabulary()["ukraine"]


def test_an_encoder_shared_by_comparisons_encodes_each_text_once(auditor):
    # Two sentences a side, 'It was not enough.' on both (3); the policy reads the pairs, encoding nothing.
    encoder = auditor.encoder()
    first = auditor.compare_documents(Document(CANDIDATE), Document(REFERENCE), encoder=encoder)
    assert encoder.encoded == 3
    again = auditor.compare_documents(Document(REFERENCE), Document(CANDIDATE), encoder=encoder)
    assert encoder.encoded == 3  # every sentence of the swapped pair is known
    assert [f.category for f in first.findings] == ["meaning", "number"]  # 'civil' inserted, 150 became 160
    assert [f.category for f in again.findings] == ["omission", "number"]  # 'civil' dropped, 160 became 150