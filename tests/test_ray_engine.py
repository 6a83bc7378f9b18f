"""`audit batch --engine ray`: Ray Data in local mode writes exactly the local engine's records."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS, run_audit, verdicts_and_findings

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
    """The local engine's run: (process, bytes of the records)."""
    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    return run_audit("batch", str(manifest), "-o", str(out)), out.read_bytes()


@pytest.fixture(scope="module")
def on_ray(manifest, tmp_path_factory):
    """The same manifest on Ray in local mode, 2 actors: (process, output path)."""
    pytest.importorskip("ray.data", reason="the ray extra is not installed (make test installs it)")
    out = tmp_path_factory.mktemp("ray") / "out.jsonl"
    return run_audit("batch", str(manifest), "-o", str(out), "--engine", "ray", "--workers", "2"), out


def test_ray_writes_the_local_engines_records(manifest, local, on_ray):
    (local_run, expected), (ray_run, out) = local, on_ray
    assert "52 pairs audited" in local_run.stdout and "52 pairs audited" in ray_run.stdout, ray_run.stderr[-3000:]
    assert local_run.returncode == ray_run.returncode == ExitCode.USAGE_ERROR  # the missing file
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [f"gen-{k:05d}" for k in range(1, PAIRS + 1)] + ["seed", "missing"]
    errors = [r for r in records if r["verdict"] == "error"]
    assert errors == [{**errors[0], "id": "missing", "error": f"{manifest.parent / 'nope.txt'}: no such file"}]
    assert {r["verdict"] for r in records if r["id"] != "missing"} == {"fail"}
    assert sum(len(r["result"]["findings"]) for r in records if "result" in r) > 5 * PAIRS
    assert verdicts_and_findings(out.read_bytes()) == verdicts_and_findings(expected)  # same findings, same verdicts, pair by pair
    assert "exit code 2" in ray_run.stdout


def test_ray_resume_into_parquet_audits_only_the_missing_pairs(manifest, local, on_ray, tmp_path):
    from auditor.run.parquet import ParquetParts

    out = tmp_path / "parts"
    done = ParquetParts(out)  # a run stopped three pairs short
    for line in on_ray[1].read_text().splitlines()[:-3]:
        done.write(line)
    done.close()
    run = run_audit("batch", str(manifest), "-o", str(out), "-f", "parquet", "--resume", "--engine", "ray", "--workers", "2")
    assert "3 pairs audited" in run.stdout and "49 already done" in run.stdout, run.stderr[-3000:]
    assert run.returncode == ExitCode.USAGE_ERROR
    import pyarrow.parquet

    table = pyarrow.parquet.read_table(out)
    assert [p.name for p in ParquetParts.parts(out)] == ["part-00000.parquet", "part-00001.parquet"]
    assert table.column("record").to_pylist() == local[1].decode().splitlines()
    assert table.column("verdict").to_pylist()[-3:] == ["fail", "fail", "error"]


def test_ray_engine_without_ray_is_one_line_and_exit_2(manifest):
    blocked = "import sys; sys.modules['ray'] = None; from auditor.cli import main; main()"
    run = subprocess.run([sys.executable, "-c", blocked, "batch", str(manifest), "--engine", "ray"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == ExitCode.USAGE_ERROR
    assert run.stderr == "audit: error: --engine ray needs Ray Data: pip install 'auditor[ray]'\n"
    assert run.stdout == ""


def test_the_local_engine_does_not_import_ray():
    code = "import sys, auditor.cli, auditor.run.batch; print('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout == "False\n"
