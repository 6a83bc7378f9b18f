"""`audit match` (run in this process): which documents are counterparts, and which side is the candidate."""

import json

from conftest import invoke

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
