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
