"""`audit batch --engine ray`: Ray Data in local mode writes the local engine's records."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS, invoke, run_audit, subprocess_env, verdicts_and_findings

from auditor.errors import ExitCode

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate, write_files  # noqa: E402

PAIRS = 50
CANDIDATE, REFERENCE = "000_88841e910d11a9d7.txt", "001_25b45a1f2acf4c89.txt"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    """50 generated pairs of about 20 sentences, the seed pair, and a pair whose candidate is missing."""
    folder = tmp_path_factory.mktemp("pairs")
    path = write_files(generate(PAIRS, seed=1), folder)
    for name in (CANDIDATE, REFERENCE):
        shutil.copy(SEEDS / name, folder / name)
    with path.open("a") as handle:
        handle.write(f"seed,{CANDIDATE},{REFERENCE}\nmissing,nope.txt,{REFERENCE}\n")
    return path


@pytest.fixture(scope="module")
def local(manifest, tmp_path_factory):
    """The local engine's run, in this process: (run, bytes of the records)."""
    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    return invoke("batch", str(manifest), "-o", str(out), "--fail-on", "major"), out.read_bytes()  # the planted errors fail it


@pytest.mark.slow
def test_ray_resumes_into_parquet_with_the_local_engines_records(manifest, local, tmp_path):
    """One Ray run (a fresh process: Ray starts its own workers, each loading the model) resumes a
    parquet output that holds two records, audits the other 50 pairs, and writes what the local engine writes."""
    pytest.importorskip("ray.data", reason="the ray extra is not installed (make test installs it)")
    import pyarrow.parquet

    from auditor.run.parquet import ParquetParts

    local_run, expected = local
    assert "52 pairs audited" in local_run.stdout and local_run.returncode == ExitCode.USAGE_ERROR  # the missing file
    out = tmp_path / "parts"
    done = ParquetParts(out)  # a run stopped after two pairs
    for line in expected.decode().splitlines()[:2]:
        done.write(line)
    done.close()
    run = run_audit("batch", str(manifest), "-o", str(out), "-f", "parquet", "--resume", "--engine", "ray", "--workers", "2", "--fail-on", "major")
    assert "50 pairs audited" in run.stdout and "2 already done" in run.stdout, run.stderr[-3000:]
    assert run.returncode == ExitCode.USAGE_ERROR and "exit code 2" in run.stdout
    assert [p.name for p in ParquetParts.parts(out)] == ["part-00000.parquet", "part-00001.parquet"]
    table = pyarrow.parquet.read_table(out)
    lines = table.column("record").to_pylist()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [f"gen-{k:05d}" for k in range(1, PAIRS + 1)] + ["seed", "missing"]
    assert table.column("verdict").to_pylist() == [r["verdict"] for r in records]
    errors = [r for r in records if r["verdict"] == "error"]
    assert errors == [{**errors[0], "id": "missing", "error": f"{manifest.parent / 'nope.txt'}: no such file"}]
    assert {r["verdict"] for r in records if r["id"] != "missing"} == {"fail"}
    assert sum(len(r["result"]["findings"]) for r in records if "result" in r) > 5 * PAIRS
    # same findings, same verdicts, pair by pair (a figure's 4th decimal may differ between workers)
    assert verdicts_and_findings("\n".join(lines).encode()) == verdicts_and_findings(expected)


def test_ray_engine_without_ray_is_one_line_and_exit_2(cli, manifest, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when the extra is not installed
    run = cli("batch", str(manifest), "--engine", "ray")
    assert run.returncode == ExitCode.USAGE_ERROR
    assert run.stderr == "audit: error: --engine ray needs Ray Data: pip install 'auditor[ray]'\n"
    assert run.stdout == ""


def test_the_local_engine_does_not_import_ray():
    """What a fresh process imports is the point: a process of its own."""
    code = "import sys, auditor.cli, auditor.run.batch; print('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=subprocess_env()).stdout == "False\n"
