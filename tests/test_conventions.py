"""What data engineers expect of a command line: --version, -q/-v, `-` for standard input, clean
help and errors, and not-counterparts reported without findings in every format."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS, run_audit

from auditor.version import __version__


def test_version(cli):
    run = cli("--version")
    assert (run.returncode, run.stdout, run.stderr) == (0, f"audit (auditor) {__version__}\n", "")


def test_help_keeps_brackets_and_shows_real_metavars(cli):
    text = cli("batch", "--help").stdout
    assert "auditor[ray]" in text and "<bool>" not in text
    compare = cli("compare", "--help").stdout
    assert "--max-penalty POINTS" in compare and "--config FILE" in compare and "-q, --quiet" in compare and "-v, --verbose" in compare


def test_standard_input_on_either_side(tmp_path):
    candidate = next(SEEDS.glob("000_*")).read_text(encoding="utf-8")
    reference = next(SEEDS.glob("001_*")).read_text(encoding="utf-8")
    cache = str(tmp_path / "cache")
    files = json.loads(run_audit("compare", "000", "001", "-f", "json", "--cache", cache).stdout)
    left = run_audit("compare", "-", "001", "-f", "json", "--cache", cache, input=candidate)
    right = run_audit("compare", "000", "-", "-f", "json", "--cache", cache, input=reference)
    for run, side in ((left, "candidate"), (right, "reference")):
        data = json.loads(run.stdout)
        assert run.returncode == 1 and data[side]["path"] == "<stdin>"
        assert [(f["category"], f["severity"], f["candidate_span"]) for f in data["findings"]] == [
            (f["category"], f["severity"], f["candidate_span"]) for f in files["findings"]
        ]


def test_standard_input_on_both_sides_is_a_usage_error(cli):
    run = cli("compare", "-", "-")
    assert run.returncode == 2 and "only one side can be read from standard input" in run.stderr


def test_quiet_prints_no_notes(cli, tmp_path):
    baseline = tmp_path / "b.json"
    loud = cli("compare", "000", "001", "--write-baseline", str(baseline), "-f", "json")
    quiet = cli("compare", "000", "001", "--write-baseline", str(baseline), "-f", "json", "-q")
    assert "wrote" in loud.stderr and quiet.stderr == "" and quiet.stdout == loud.stdout
    both = cli("compare", "000", "001", "-q", "-v")
    assert both.returncode == 2 and "contradict" in both.stderr


@pytest.mark.parametrize("output_format", ["json", "jsonl", "sarif", "github", "table"])
def test_not_counterparts_have_no_findings_in_any_format(cli, output_format):
    run = cli("compare", "002", "003", "-f", output_format)
    assert run.returncode == 3
    if output_format in ("json", "jsonl"):
        data = json.loads(run.stdout)
        assert data["findings"] == [] and set(data["summary"]["counts_by_severity"].values()) == {0}
    elif output_format == "sarif":
        assert json.loads(run.stdout)["runs"][0]["results"] == []
    elif output_format == "github":
        assert len(run.stdout.splitlines()) == 1 and run.stdout.startswith("::error title=audit verdict::NOT_COUNTERPARTS")
    else:
        assert "No findings: these documents are not counterparts" in run.stdout and " CRITICAL " not in run.stdout


@pytest.fixture
def manifest(tmp_path):
    rows = [(next(SEEDS.glob("000_*")), next(SEEDS.glob("001_*")), "a"), (next(SEEDS.glob("002_*")), next(SEEDS.glob("003_*")), "b")]
    path = tmp_path / "pairs.csv"
    path.write_text("candidate,reference,id\n" + "".join(f"{c},{r},{i}\n" for c, r, i in rows), encoding="utf-8")
    return path


def test_batch_sarif_with_baseline_and_summary(cli, manifest, tmp_path):
    baseline, summary, out = tmp_path / "b.json", tmp_path / "s.json", tmp_path / "out.sarif"
    written = cli("compare", "000", "001", "--write-baseline", str(baseline), "--min-coverage", "0", "--min-score", "0", "-q")
    assert written.returncode == 0  # reported as if --baseline
    known = len(json.loads(cli("compare", "000", "001", "-f", "json").stdout)["findings"])
    plain = cli("batch", str(manifest), "--format", "sarif", "--summary", str(tmp_path / "plain.json"))
    runs = json.loads(plain.stdout)["runs"]
    assert [r["automationDetails"]["id"] for r in runs] == ["auditor/a", "auditor/b"]
    assert len(runs[0]["results"]) == known and runs[1]["results"] == []  # b: not counterparts, no findings
    first = runs[0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert first["startLine"] == 1 and first["snippet"]["text"]
    run = cli(
        "batch", str(manifest), "--format", "sarif", "--baseline", str(baseline), "--summary", str(summary), "-o", str(out),
        "--min-coverage", "0", "--min-score", "0",  # a's candidate is 21% checked: the default coverage and score gates would fail it
    )
    assert run.returncode == 3  # b is not a counterpart pair; a's findings are all in the baseline
    assert [len(r["results"]) for r in json.loads(out.read_text())["runs"]] == [0, 0]
    data = json.loads(summary.read_text())
    assert (data["pairs"], data["suppressed_by_baseline"], data["exit_code"]) == (2, known, 3)
    assert data["verdicts"]["incomplete"] == 1 and data["verdicts"]["not_counterparts"] == 1
    again = cli("batch", str(manifest), "--format", "sarif", "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    assert cli("batch", str(manifest), "--format", "sarif", "-o", str(out), "--force").returncode == 1


def test_batch_github_and_jsonl_force(cli, manifest, tmp_path):
    github = cli("batch", str(manifest), "--format", "github", "-q")
    lines = github.stdout.splitlines()
    assert github.stderr == "" and lines[-2].startswith("::error title=audit verdict a::FAIL")
    assert lines[-1].startswith("::error title=audit verdict b::NOT_COUNTERPARTS")
    assert all(line.startswith("::") for line in lines) and "title=a F001 " in github.stdout
    out = tmp_path / "out.jsonl"
    assert cli("batch", str(manifest), "-o", str(out)).returncode == 1
    refused = cli("batch", str(manifest), "-o", str(out))
    assert refused.returncode == 2 and "--force to overwrite" in refused.stderr
    forced = cli("batch", str(manifest), "-o", str(out), "--force")
    assert forced.returncode == 1 and len(out.read_text().splitlines()) == 2
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[1]["verdict"] == "not_counterparts" and records[1]["result"]["findings"] == []


def test_the_same_flags_on_every_command(cli):
    for command in ("compare", "batch", "match"):
        text = cli(command, "--help").stdout
        for flag in ("-q, --quiet", "-v, --verbose", "-o, --output", "--config FILE", "--cache DIR", "--read-timeout SECONDS"):
            assert flag in text, (command, flag)
