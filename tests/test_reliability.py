"""Faults between runs and at the edges: concurrent runs on one output, remote reads that never
answer, names that are not UTF-8, ids with lone surrogates, configuration values, encodings.

Each test is the regression test of one probe case of the reliability review (issue 17).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import AUDIT, ROOT, invoke, subprocess_env

from auditor.config import ConfigError, load_config
from auditor.errors import ExitCode

SEEDS = ROOT / "seeds"
CAND, REF = SEEDS / "000_88841e910d11a9d7.txt", SEEDS / "001_25b45a1f2acf4c89.txt"


def records(path: Path) -> list[dict]:
    return [json.loads(line, parse_constant=_refuse) for line in path.read_bytes().decode("utf-8").splitlines()]


def _refuse(name: str):
    raise ValueError(f"not strict JSON: {name}")


@pytest.mark.slow
def test_two_batch_runs_on_one_output_the_second_is_refused_and_nothing_is_lost(tmp_path):
    """Problem 1: the second run (plain or --resume) exits 2 in one line before loading the model;
    the first writes every record exactly once."""
    manifest = tmp_path / "m.csv"
    manifest.write_text("candidate,reference,id\n" + "".join(f"{CAND},{REF},p{k}\n" for k in range(4)))
    out = tmp_path / "out.jsonl"
    first = subprocess.Popen([*AUDIT, "batch", str(manifest), "-o", str(out)], cwd=ROOT, env=subprocess_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(tmp_path.glob(".out.jsonl.lock")) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the first run has claimed the output
        again = invoke("batch", str(manifest), "-o", str(out))
        resumed = invoke("batch", str(manifest), "-o", str(out), "--resume")
        stdout, stderr = first.communicate(timeout=600)
    finally:
        first.kill()
    for second in (again, resumed):
        assert (second.returncode, second.stdout) == (ExitCode.USAGE_ERROR, ""), second
        assert second.stderr.splitlines() == [f"audit: error: {out}: another audit batch is writing to it; wait for that run to end, or pick another --output"]
    assert first.returncode == ExitCode.GATE_FAILED, stderr
    assert [r["id"] for r in records(out)] == ["p0", "p1", "p2", "p3"]
    after = invoke("batch", str(manifest), "-o", str(out), "--resume")  # the lock was released
    assert after.returncode == ExitCode.GATE_FAILED and "4 already done" in after.stdout, after.stderr


def test_a_remote_document_that_never_answers_is_that_pairs_error_within_the_limit(tmp_path):
    """Problem 2: gs:// with no network used to sleep in retries for 10 minutes and block its chunk.
    No traffic leaves the machine but what pyarrow itself attempts for gs://."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "candidate,reference,id\n"
        f"gs://audit-no-such-bucket/a.txt,{REF},gs\n"
        f"http://127.0.0.1:9/a.txt,{REF},http\n"
        f"{CAND},{REF},good\n"
    )
    out = tmp_path / "out.jsonl"
    start = time.monotonic()
    run = invoke("batch", str(manifest), "-o", str(out), "--read-timeout", "1")
    assert time.monotonic() - start < 30
    assert run.returncode == ExitCode.USAGE_ERROR, run.stderr
    by_id = {r["id"]: r for r in records(out)}
    assert list(by_id) == ["gs", "http", "good"]
    assert by_id["gs"]["error"] == "gs://audit-no-such-bucket/a.txt: cannot read (no answer within 1 s; raise the limit with --read-timeout)"
    assert by_id["http"]["verdict"] == "error" and by_id["http"]["error"].startswith("http://127.0.0.1:9/a.txt: cannot read (")
    assert by_id["good"]["verdict"] == "fail"  # the other pairs of the run are audited


def test_the_read_time_limit_comes_from_the_configuration(tmp_path):
    (tmp_path / "audit.toml").write_text("read-timeout = 0.5\n")
    start = time.monotonic()
    run = invoke("compare", "gs://audit-no-such-bucket/a.txt", str(REF), cwd=tmp_path)
    assert time.monotonic() - start < 10
    assert run.stderr == "audit: error: gs://audit-no-such-bucket/a.txt: cannot read (no answer within 0.5 s; raise the limit with --read-timeout)\n"
    assert load_config(start=tmp_path).read_timeout == 0.5 and load_config(start=ROOT).read_timeout == 30.0


def _odd_folder(tmp_path: Path) -> Path:
    """Three seeds, one under a name that is not UTF-8 (a 0xFF byte) and holds a line break."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CAND, folder / os.fsdecode(b"cand\xff\n::error title=owned::x.txt"))
    shutil.copy(REF, folder / "ref.txt")
    shutil.copy(SEEDS / "002_a32dd4bc1e278023.txt", folder / "other.txt")
    return folder


def test_auto_with_a_name_that_is_not_utf8_audits_every_document(tmp_path):
    """Problem 3: it used to write one record and stop with UnicodeEncodeError."""
    out = tmp_path / "out.jsonl"
    run = invoke("batch", "--auto", str(_odd_folder(tmp_path)), "-o", str(out))
    assert "internal error" not in run.stderr and "pairs audited" in run.stdout
    found = records(out)
    assert sorted(r["id"] for r in found if r["verdict"] != "unmatched") == ["cand\\xff\n::error title=owned::x.txt|ref.txt"]
    assert len(found) == 2  # the pair, and the document with no counterpart
    assert not any(line.startswith("::") for line in run.stderr.splitlines())  # progress lines escape the name


@pytest.mark.parametrize("options", [["-f", "table"], ["-f", "json"], ["-f", "jsonl"], ["-f", "github"], ["-f", "sarif"], ["--report", "r.md"]])
def test_compare_with_a_name_that_is_not_utf8_writes_valid_utf8(tmp_path, options):
    """Problem 3: sarif and --report failed with internal errors; json, github and table wrote invalid UTF-8."""
    folder = _odd_folder(tmp_path)
    candidate = next(p for p in folder.iterdir() if p.name.startswith("cand"))
    # relative names, as a CI job gives them (SARIF then writes a relative URI)
    run = invoke("compare", candidate.name, "ref.txt", *options, "-o", str(tmp_path / "out"), cwd=folder)
    assert run.returncode == ExitCode.GATE_FAILED, run.stderr
    for written in (tmp_path / "out", folder / "r.md"):
        if written.exists():
            text = written.read_bytes().decode("utf-8")  # strict: raises on invalid UTF-8
            assert "\\xff" in text or "%FF" in text, written  # the raw byte is shown, not dropped
            if options[-1] in ("json", "jsonl", "sarif"):
                json.loads(text, parse_constant=_refuse)
    if options[-1] != "github":  # whose lines are commands, each with the name escaped inside it
        assert not any(line.startswith("::") for line in (tmp_path / "out").read_text().splitlines())


def test_a_lone_surrogate_in_a_manifest_id_is_written_as_text_and_resumed(tmp_path):
    """Problem 5: batch stopped after the first record, and --resume failed the same way."""
    manifest = tmp_path / "m.jsonl"
    lines = [{"candidate": str(CAND), "reference": str(REF), "id": "first"},
             {"candidate": str(CAND), "reference": str(REF), "id": "lone \ud800 \x1b[2J"}]
    manifest.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "out.jsonl"
    run = invoke("batch", str(manifest), "-o", str(out))
    assert run.returncode == ExitCode.GATE_FAILED, run.stderr
    assert [r["id"] for r in records(out)] == ["first", "lone \\ud800 \x1b[2J"]
    assert "\x1b" not in run.stderr and "lone \\ud800 \\u001b[2J: fail" in run.stderr  # progress lines escape ids
    again = invoke("batch", str(manifest), "-o", str(out), "--resume")
    assert again.returncode == ExitCode.GATE_FAILED, again.stderr
    assert "0 pairs audited" in again.stdout and "2 already done" in again.stdout
    assert len(records(out)) == 2


@pytest.mark.parametrize(
    "line, message",
    [
        ("max-penalty = nan", "max-penalty must be a finite number at least 0 (got nan)"),
        ("max-penalty = inf", "max-penalty must be a finite number at least 0 (got inf)"),
        ("min-coverage = nan", "min-coverage must be a finite number between 0 and 1 (got nan)"),
        ("min-coverage = -inf", "min-coverage must be a finite number between 0 and 1 (got -inf)"),
        ("read-timeout = nan", "read-timeout must be a finite number above 0 (got nan)"),
        ("read-timeout = 0", "read-timeout must be a finite number above 0 (got 0)"),
        ("read-timeout = inf", "read-timeout must be a finite number above 0 (got inf)"),
    ],
)
def test_configuration_numbers_are_finite_and_in_range(tmp_path, line, message):
    """Problem 4: `nan` in audit.toml switched the gate off and put NaN in the JSON."""
    config = tmp_path / "audit.toml"
    config.write_text(line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert str(caught.value) == f"{config}: {message}"


def test_no_output_writes_nan_or_infinity():
    """Problem 4, the invariant: every JSON output goes through a writer that refuses NaN."""
    from auditor.io.escape import dumps
    from auditor.run.record import to_line

    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            dumps({"penalty": value})
        with pytest.raises(ValueError):
            to_line({"id": "x", "score": value})


def test_candidate_and_reference_encodings_apply_to_one_file_each(tmp_path):
    """Problem 7: --encoding applied to both files, so a BOM-less UTF-16 candidate of a UTF-8
    reference was called not counterparts."""
    text = REF.read_text(encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "utf8.txt").write_bytes(text.encode("utf-8"))
    one = invoke("compare", str(tmp_path / "utf16.txt"), str(tmp_path / "utf8.txt"), "--candidate-encoding", "utf-16-le")
    other = invoke("compare", str(tmp_path / "utf8.txt"), str(tmp_path / "utf16.txt"), "--reference-encoding", "utf-16-le", "-f", "json")
    assert one.returncode == other.returncode == ExitCode.PASSED, (one.stderr, other.stderr)
    assert json.loads(other.stdout)["reference"]["encoding"] == "utf-16-le"


def test_an_unwritable_folder_whose_cleanup_fails_too_is_one_line(tmp_path, monkeypatch):
    """Problem 8: on a read-only mount the cleanup of the atomic write raised an internal error."""

    def read_only(self, missing_ok=False):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", read_only)
    target = tmp_path / "no-such-folder" / "out.json"
    run = invoke("compare", str(CAND), str(REF), "-f", "json", "-o", str(target))
    assert (run.returncode, run.stderr) == (ExitCode.USAGE_ERROR, f"audit: error: {target}: cannot write (No such file or directory)\n")


def test_a_rejected_manifest_leaves_no_output_file(tmp_path):
    """Problem 8: the output was created before the manifest was read."""
    manifest = tmp_path / "m.csv"
    manifest.write_text("cand,ref\na.txt,b.txt\n")
    run = invoke("batch", str(manifest), "-o", str(tmp_path / "out.jsonl"))
    assert run.returncode == ExitCode.USAGE_ERROR and "needs columns candidate and reference" in run.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_a_configuration_file_with_a_byte_order_mark_is_read(tmp_path):
    """Problem 8: a UTF-8 BOM (as Windows editors write it) gave a confusing TOML error."""
    config = tmp_path / "audit.toml"
    config.write_bytes(b"\xef\xbb\xbffail-on = \"critical\"\n")
    assert load_config(config).fail_on == "critical"


def test_a_missing_path_does_not_mention_the_corpus(tmp_path):
    """Problem 8: "(corpus folder seeds does not exist)" was appended to every missing file."""
    run = invoke("compare", "missing.txt", str(REF), cwd=tmp_path)
    seed = invoke("compare", "007", str(REF), cwd=tmp_path)
    assert run.stderr == "audit: error: missing.txt: no such file\n"
    assert seed.stderr == "audit: error: 007: no such file (and no corpus folder seeds to look seed id 007 up in)\n"
    word = invoke("compare", "draft", str(REF), cwd=tmp_path)
    assert word.stderr == "audit: error: draft: no such file\n"
