"""`audit match` (run in this process): which documents are counterparts, and which side is the candidate."""

import json
import sqlite3

from conftest import ROOT, invoke

from auditor.errors import ExitCode

GARBLED, CLEAN = "seeds/000_88841e910d11a9d7.txt", "seeds/001_25b45a1f2acf4c89.txt"
LONERS = ["seeds/002_a32dd4bc1e278023.txt", "seeds/003_beb881981d3171ac.txt", "seeds/004_62d71e0cabb55a84.txt"]


def test_seeds_have_one_pair_and_three_loners():
    run = invoke("match", "seeds", "--format", "json")
    assert run.returncode == ExitCode.PASSED, run.stderr
    data = json.loads(run.stdout)
    assert data["documents"] == [GARBLED, CLEAN, *LONERS]
    (pair,) = data["counterparts"]
    assert (pair["candidate"], pair["reference"], pair["oriented"]) == (GARBLED, CLEAN, True)
    assert pair["garble"]["candidate"] > pair["garble"]["reference"] == 0
    assert pair["counterpart_share"] >= 0.3
    assert [u["document"] for u in data["unmatched"]] == LONERS
    assert all(u["counterpart_share"] < 0.3 for u in data["unmatched"])


def test_the_garbled_side_is_the_candidate_whatever_the_order():
    run = invoke("match", "004", "001", "000")  # seed ids, the clean one before the garbled one
    assert run.returncode == ExitCode.PASSED, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "3 documents, 1 counterpart pair"
    (row,) = [line for line in lines if line.startswith("000_")]
    assert row.split()[:2] == ["000_88841e910d11a9d7.txt", "001_25b45a1f2acf4c89.txt"]
    assert "No counterpart: 1" in lines
    assert any(line.startswith("004_62d71e0cabb55a84.txt") for line in lines)


def test_one_document_is_not_enough():
    run = invoke("match", "000")
    assert run.returncode == ExitCode.USAGE_ERROR
    assert run.stderr.splitlines() == ["audit: error: 000: need at least two documents to match, found 1"]


def test_match_reads_the_config_file_and_uses_the_cache(tmp_path):
    """The configuration file's corpus and model apply to `audit match` as to compare and batch, and
    --cache keeps the sentence vectors it encoded."""
    (tmp_path / "docs").mkdir()
    for name in (GARBLED, CLEAN):
        (tmp_path / "docs" / name.split("/")[1]).write_bytes((ROOT / name).read_bytes())
    config = tmp_path / "audit.toml"
    config.write_text('corpus = "docs"\nmodel = "all-MiniLM-L6-v2"\n')
    cache = tmp_path / "cache"
    run = invoke("match", "000", "001", "--config", str(config), "--cache", str(cache), "--format", "json")
    assert run.returncode == ExitCode.PASSED, run.stderr
    data = json.loads(run.stdout)
    found = [str(tmp_path / "docs" / name.split("/")[1]) for name in (GARBLED, CLEAN)]
    assert data["documents"] == found
    assert [(c["candidate"], c["reference"]) for c in data["counterparts"]] == [tuple(found)]
    with sqlite3.connect(cache / "embeddings.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] > 0


def test_match_takes_its_model_from_the_config_file(tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text('model = "models/mini"\n')
    run = invoke("match", "000", "001", "--config", str(config))
    assert run.returncode == ExitCode.USAGE_ERROR
    assert run.stderr.splitlines() == [
        f"audit: error: {tmp_path / 'models' / 'mini'}: model not found (give a local sentence-transformers folder; nothing is downloaded)"
    ]


def test_match_device_is_checked_like_compare():
    run = invoke("match", "000", "001", "--device", "tpu")
    assert run.returncode == ExitCode.USAGE_ERROR
    assert "Invalid value for '--device'" in run.stderr
