"""`audit batch`: one record per pair, exit codes over all pairs, parallel workers, kill and resume.

The command runs in this process (`invoke`), sharing the session's model; only the run that is
killed with SIGKILL gets a process of its own.
"""

import json
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from conftest import AUDIT, ROOT, invoke, subprocess_env, verdicts_and_findings

from auditor.errors import ExitCode
from auditor.io.files import LineLog

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate, write_files  # noqa: E402

SEEDS = ROOT / "seeds"
PAIRS = 10
SAME = ("alignment", "findings", "summary")  # the parts of a result that do not name the files


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    """Ten generated pairs of short articles, each with a few injected mistranslations."""
    return write_files(generate(PAIRS, seed=11, sentences=5), tmp_path_factory.mktemp("pairs"))


@pytest.fixture(scope="module")
def one_job(manifest, tmp_path_factory):
    """The output of an uninterrupted run with one job: (process, bytes of the records)."""
    out = tmp_path_factory.mktemp("one") / "out.jsonl"
    run = invoke("batch", str(manifest), "--output", str(out), "--chunk-size", "3", "--fail-on", "major")  # planted errors fail it
    return run, out.read_bytes()


def ids(manifest):
    return [line.split(",")[0] for line in manifest.read_text().splitlines()[1:]]


def test_one_record_per_pair_in_manifest_order(manifest, one_job, auditor):
    run, data = one_job
    assert run.returncode == ExitCode.GATE_FAILED, run.stderr
    records = [json.loads(line) for line in data.decode().splitlines()]
    assert [r["id"] for r in records] == ids(manifest) == [f"gen-{k:05d}" for k in range(1, PAIRS + 1)]
    assert {r["verdict"] for r in records} == {"fail"}  # every generated pair carries injected errors
    first = records[0]
    assert first["candidate"] == str(manifest.parent / "gen-00001.candidate.txt")
    gated = replace(auditor, score_options=replace(auditor.score_options, fail_on="major"))  # as the batch was run
    expected = gated.compare_files(first["candidate"], first["reference"]).to_dict()
    assert first["result"] == expected  # the same content as `audit compare --format json`
    assert re.search(rf"^fail +{PAIRS}$", run.stdout, re.M)  # summary table on stdout, records in the file
    assert "exit code 1" in run.stdout


@pytest.mark.slow
def test_two_jobs_write_the_same_records_as_one(manifest, one_job, tmp_path):
    out = tmp_path / "out.jsonl"
    run = invoke("batch", str(manifest), "-o", str(out), "--chunk-size", "3", "--jobs", "2", "--fail-on", "major")
    assert run.returncode == ExitCode.GATE_FAILED, run.stderr
    assert verdicts_and_findings(out.read_bytes()) == verdicts_and_findings(one_job[1])
    assert sum(len(findings) for *_, findings in verdicts_and_findings(one_job[1])) >= PAIRS


@pytest.mark.slow
def test_sigkill_midway_then_resume_gives_every_pair_exactly_once(manifest, one_job, tmp_path):
    out = tmp_path / "out.jsonl"
    command = [*AUDIT, "batch", str(manifest), "-o", str(out), "--chunk-size", "1", "--fail-on", "major"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=subprocess_env())
    deadline = time.monotonic() + 600
    while not out.exists() or out.read_bytes().count(b"\n") < 3:
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "no records after 10 minutes"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = out.read_bytes().count(b"\n")
    assert 3 <= written < PAIRS
    with out.open("ab") as handle:  # what a write torn by a power cut would leave
        handle.write(b'{"id": "gen-000')

    resumed = invoke("batch", str(manifest), "-o", str(out), "--resume", "--fail-on", "major")
    assert resumed.returncode == ExitCode.GATE_FAILED, resumed.stderr
    lines = out.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is whole, valid JSON
    assert sorted(r["id"] for r in records) == ids(manifest)  # each pair exactly once
    assert sorted(lines) == sorted(one_job[1].decode().splitlines())  # the same records as a run never killed
    assert f"{PAIRS - written} pairs audited" in resumed.stdout and f"{written} already done" in resumed.stdout


def test_errors_do_not_stop_the_run_and_exit_2(tmp_path, seed_pair):
    rows = [
        {"id": "garbled", "candidate": str(SEEDS / "000_88841e910d11a9d7.txt"), "reference": str(SEEDS / "001_25b45a1f2acf4c89.txt")},
        {"id": "missing", "candidate": "nope.txt", "reference": str(SEEDS / "001_25b45a1f2acf4c89.txt")},
        {"id": "unrelated", "candidate": str(SEEDS / "000_88841e910d11a9d7.txt"), "reference": str(SEEDS / "003_beb881981d3171ac.txt")},
    ]
    manifest = tmp_path / "pairs.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows))
    run = invoke("batch", str(manifest))  # records on stdout, the summary on stderr
    assert run.returncode == ExitCode.USAGE_ERROR, run.stderr
    records = {r["id"]: r for r in map(json.loads, run.stdout.splitlines())}
    assert list(records) == ["garbled", "missing", "unrelated"]
    assert records["missing"]["error"] == f"{tmp_path / 'nope.txt'}: no such file"
    assert (records["missing"]["verdict"], records["missing"]["exit_code"]) == ("error", 2)
    assert (records["unrelated"]["verdict"], records["unrelated"]["exit_code"]) == ("not_counterparts", 3)
    expected = seed_pair.to_dict()
    assert {k: records["garbled"]["result"][k] for k in SAME} == {k: expected[k] for k in SAME}
    assert re.search(r"^error +1$", run.stderr, re.M)


def test_manifest_and_documents_as_uris(tmp_path, seed_pair):
    """A manifest named by URI, its relative paths taken from the URI's folder, a document by URI:
    read through pyarrow's filesystems (file:// here, s3:// or gs:// the same way, offline-testable)."""
    pytest.importorskip("pyarrow.fs", reason="URIs are read with pyarrow, from the ray extra")
    for name in ("000_88841e910d11a9d7.txt", "001_25b45a1f2acf4c89.txt"):
        (tmp_path / name).write_bytes((SEEDS / name).read_bytes())
    (tmp_path / "pairs.csv").write_text(
        "id,candidate,reference\n"
        "relative,000_88841e910d11a9d7.txt,001_25b45a1f2acf4c89.txt\n"
        f"uri,{(tmp_path / '000_88841e910d11a9d7.txt').as_uri()},001_25b45a1f2acf4c89.txt\n"
        "missing,000_88841e910d11a9d7.txt,nope.txt\n"
        "scheme,nosuch://bucket/000.txt,001_25b45a1f2acf4c89.txt\n"
    )
    manifest = (tmp_path / "pairs.csv").as_uri()
    run = invoke("batch", manifest)
    assert run.returncode == ExitCode.USAGE_ERROR, run.stderr
    records = {r["id"]: r for r in map(json.loads, run.stdout.splitlines())}
    base = tmp_path.as_uri()
    assert records["relative"]["candidate"] == f"{base}/000_88841e910d11a9d7.txt"
    expected = seed_pair.to_dict()
    for pair in ("relative", "uri"):
        assert records[pair]["verdict"] == "fail"
        assert {k: records[pair]["result"][k] for k in SAME} == {k: expected[k] for k in SAME}
    assert records["missing"]["error"] == f"{base}/nope.txt: no such file"
    assert records["scheme"]["error"] == "nosuch://bucket/000.txt: cannot read (Unrecognized filesystem type in URI: nosuch://bucket/000.txt)"
    gone = invoke("batch", f"{base}/absent.csv")
    assert (gone.returncode, gone.stderr) == (ExitCode.USAGE_ERROR, f"audit: error: {base}/absent.csv: no such file\n")


PASSING = "The council approved the budget on Tuesday. It will not raise taxes."
UNRELATED = "Heavy rain closed fourteen schools in Valencia. The river burst its banks overnight."


@pytest.mark.parametrize(
    "pairs, code",
    [
        ([("a.txt", "a.txt")], ExitCode.PASSED),
        ([("a.txt", "a.txt"), ("a.txt", "b.txt")], ExitCode.NOT_COUNTERPARTS),
    ],
)
def test_exit_code_over_all_pairs(tmp_path, pairs, code):
    (tmp_path / "a.txt").write_text(PASSING)
    (tmp_path / "b.txt").write_text(UNRELATED)
    manifest = tmp_path / "m.csv"
    manifest.write_text("candidate,reference\n" + "".join(f"{c},{r}\n" for c, r in pairs))
    run = invoke("batch", str(manifest), "-o", str(tmp_path / "out.jsonl"))
    assert run.returncode == code, run.stderr
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == [f"{c}|{r}" for c, r in pairs]


def test_auto_pairs_the_seeds_and_reports_the_rest(tmp_path, seed_pair):
    out = tmp_path / "out.jsonl"
    run = invoke("batch", "--auto", "seeds", "-o", str(out))
    assert run.returncode == ExitCode.GATE_FAILED, run.stderr  # a failed pair outranks unmatched documents
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["verdict"]) for r in records] == [
        ("002_a32dd4bc1e278023.txt", "unmatched"),
        ("003_beb881981d3171ac.txt", "unmatched"),
        ("004_62d71e0cabb55a84.txt", "unmatched"),
        ("000_88841e910d11a9d7.txt|001_25b45a1f2acf4c89.txt", "fail"),
    ]
    assert all(r["exit_code"] == 3 and r["reference"] is None for r in records[:3])
    expected = seed_pair.to_dict()
    assert {k: records[3]["result"][k] for k in SAME} == {k: expected[k] for k in SAME}


@pytest.mark.parametrize(
    "manifest_text, message",
    [
        ("cand,ref\na.txt,b.txt\n", "CSV header needs columns candidate and reference (found: cand, ref)"),
        ("candidate,reference,id\na.txt,b.txt,x\nc.txt,d.txt,x\n", "line 3: pair id 'x' repeats line 2"),
        ("candidate,reference\na.txt,\n", "line 2: no reference path"),
        ("candidate,reference\n", "manifest lists no pairs"),
    ],
)
def test_bad_manifest_is_one_line_and_exit_2(tmp_path, manifest_text, message):
    manifest = tmp_path / "m.csv"
    manifest.write_text(manifest_text)
    run = invoke("batch", str(manifest), "-o", str(tmp_path / "out.jsonl"))
    assert run.returncode == ExitCode.USAGE_ERROR
    assert run.stderr.splitlines() == [f"audit: error: {manifest}: {message}"]


def test_existing_output_needs_resume(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("candidate,reference\na.txt,b.txt\n")
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a.txt|b.txt"}\n')
    run = invoke("batch", str(manifest), "-o", str(out))
    assert run.returncode == ExitCode.USAGE_ERROR
    assert "already exists; pass --resume" in run.stderr
    assert out.read_text() == '{"id": "a.txt|b.txt"}\n'


@pytest.mark.parametrize(
    "options, message",
    [
        (["--resume"], "--resume needs --output FILE (records on stdout cannot be resumed)"),
        (["--format", "parquet"], "--format parquet needs --output DIR (the folder for its part files)"),
    ],
)
def test_what_stdout_cannot_hold_is_refused_before_any_work(tmp_path, options, message):
    manifest = tmp_path / "m.csv"
    manifest.write_text("candidate,reference\na.txt,b.txt\n")
    run = invoke("batch", str(manifest), *options)
    assert (run.returncode, run.stdout, run.stderr) == (ExitCode.USAGE_ERROR, "", f"audit: error: {message}\n")


def test_manifest_or_auto_but_not_both():
    both = invoke("batch", "m.csv", "--auto", "seeds")
    neither = invoke("batch")
    assert both.returncode == neither.returncode == ExitCode.USAGE_ERROR
    assert "give either a MANIFEST or --auto DIR" in both.stderr


def test_recover_drops_only_a_partial_last_line(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": 1}\n{"id": 2}\n{"id": 3, "res')
    assert LineLog.recover(path) == [b'{"id": 1}', b'{"id": 2}']
    assert path.read_bytes() == b'{"id": 1}\n{"id": 2}\n'
    assert LineLog.recover(tmp_path / "absent.jsonl") == []


def test_a_missing_model_is_found_through_the_auditor_before_any_output(tmp_path):
    """run_batch asks the Auditor for its model: whatever the Auditor says is wrong with it stops the
    run as one error before the output is opened, whichever model setting it comes from."""
    from auditor.api import Auditor
    from auditor.errors import ModelError
    from auditor.run.batch import run_batch

    class NoModel(Auditor):
        def embedder(self):
            raise ModelError("no model for this auditor")

    manifest = tmp_path / "m.csv"
    manifest.write_text(f"candidate,reference\n{SEEDS / '000_88841e910d11a9d7.txt'},{SEEDS / '001_25b45a1f2acf4c89.txt'}\n")
    out = tmp_path / "out.jsonl"
    with pytest.raises(ModelError, match="no model for this auditor"):
        run_batch(NoModel(), manifest=str(manifest), auto=None, pattern="*.txt", output=out, resume=False, jobs=2, chunk_size=1, bar=False)
    assert not out.exists()


@pytest.mark.parametrize("where", ["option", "config"])
def test_bad_model_is_one_line_and_exit_2_before_any_work(tmp_path, where):
    manifest = tmp_path / "m.csv"
    manifest.write_text("candidate,reference\na.txt,b.txt\n")
    (tmp_path / "audit.toml").write_text('model = "models/mini"\n')
    model = tmp_path / "models" / "mini"
    given = ["--model", str(model)] if where == "option" else ["--config", str(tmp_path / "audit.toml")]
    out = tmp_path / "out.jsonl"
    run = invoke("batch", str(manifest), "-o", str(out), "--jobs", "2", *given)
    assert run.returncode == ExitCode.USAGE_ERROR
    assert run.stderr.splitlines() == [f"audit: error: {model}: model not found (give a local sentence-transformers folder; nothing is downloaded)"]
    assert not out.exists()


def test_record_lines_keep_the_json_lines_key_order():
    from auditor.run.record import Pair, Record, to_line

    unmatched = Record(Pair("x.txt", "d/x.txt", None), "unmatched", reason="no counterpart")
    assert to_line(unmatched.to_dict()) == (
        '{"id": "x.txt", "candidate": "d/x.txt", "reference": null, "verdict": "unmatched", "exit_code": 3, "reason": "no counterpart"}'
    )
    failed = Record(Pair("y", "c.txt", "r.txt"), "fail", result={"summary": {"verdict": "fail"}})
    assert list(failed.to_dict()) == ["id", "candidate", "reference", "verdict", "exit_code", "result"]
    assert Record.from_dict(json.loads(to_line(failed.to_dict()))) == failed  # the Ray engine's round trip
