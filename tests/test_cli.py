"""The real CLI, run as a user would."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIT = [sys.executable, "-c", "from auditor.cli import main; main()"]


def audit(*args, **kwargs):
    return subprocess.run([*AUDIT, *args], cwd=ROOT, capture_output=True, text=True, **kwargs)


# Runs the CLI and, as the process exits, prints whether torch was ever imported.
TORCH_PROBE = "import atexit, sys\natexit.register(lambda: print('TORCH' if 'torch' in sys.modules else 'NO-TORCH'))\nfrom auditor.cli import main\nmain()"


def audit_probe(*args, **kwargs):
    return subprocess.run([sys.executable, "-c", TORCH_PROBE, *args], cwd=ROOT, capture_output=True, text=True, **kwargs)


def test_help_does_not_import_torch():
    out = audit_probe("--help")
    assert "compare" in out.stdout
    assert out.stdout.strip().endswith("NO-TORCH")


@pytest.mark.parametrize(
    "args, error",
    [
        (["compare", "000"], "Error: Missing argument 'reference'."),
        (["compare", "000", "001", "--device", "tpu"], "Error: Invalid value for '--device'"),
        (["compare", "nope.txt", "001"], "audit: error: nope.txt: no such file"),
        (["compare", "000", "tests"], "audit: error: tests: is a directory, not a text file"),
    ],
)
def test_usage_and_input_errors_exit_2_before_torch_is_imported(args, error):
    out = audit_probe(*args)
    assert out.returncode == 2
    assert error in out.stderr and "Traceback" not in out.stderr
    assert out.stdout.strip() == "NO-TORCH"


def test_missing_file_is_one_line_and_exit_2():
    out = audit("compare", "nope.txt", "001")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == ["audit: error: nope.txt: no such file, and no file in seeds/ starts with 'nope.txt_'"]
    assert "Traceback" not in out.stderr


def test_compare_json_to_file_and_not_counterparts_exit_3(tmp_path):
    out_file = tmp_path / "r.json"
    out = audit("compare", "000", "003", "--format", "json", "--output", str(out_file))
    assert out.returncode == 3, out.stderr
    assert out.stdout == ""
    data = json.loads(out_file.read_text())
    assert data["summary"]["verdict"] == "not_counterparts"


def test_seed_pair_json_is_deterministic_and_matches_the_api(seed_pair):
    first = audit("compare", "000", "001", "--format", "json")
    second = audit("compare", "000", "001", "--format", "json")
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    expected = seed_pair.to_dict()
    assert data["alignment"] == expected["alignment"]
    assert data["summary"] == expected["summary"]
