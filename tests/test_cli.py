"""The real CLI, run as a user would."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = [sys.executable, "-c", "from auditor.cli import main; main()"]


def audit(*args, **kwargs):
    return subprocess.run([*AUDIT, *args], cwd=ROOT, capture_output=True, text=True, **kwargs)


def test_help_does_not_import_torch():
    code = "import sys; sys.argv = ['audit', '--help']\nfrom auditor.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\nprint('TORCH' if 'torch' in sys.modules else 'NO-TORCH')"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert "compare" in out.stdout
    assert out.stdout.strip().endswith("NO-TORCH")


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
