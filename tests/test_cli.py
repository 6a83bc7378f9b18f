"""The real CLI: its console entry point, exit codes and messages, and what it imports."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from auditor.errors import ExitCode
from conftest import AUDIT, ROOT, SEEDS, subprocess_env

# Calls the console entry point once per argument list, in ONE fresh process, and reports for each
# call its exit status, both streams and whether torch had been imported by then.
PROBE = """
import contextlib, io, json, sys
from auditor.cli import main
runs = []
for args in json.loads(sys.argv[1]):
    sys.argv = ["audit", *args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code
    runs.append({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(), "torch": "torch" in sys.modules})
print(json.dumps(runs))
"""

USAGE_AND_INPUT_ERRORS = [
    (["compare", "000"], "Error: Missing argument 'reference'."),
    (["compare", "000", "001", "--device", "tpu"], "Error: Invalid value for '--device'"),
    (["compare", "nope.txt", "001"], "audit: error: nope.txt: no such file"),
    (["compare", "000", "tests"], "audit: error: tests: is a directory, not a text file"),
]


def test_console_script_is_the_entry_point():
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "audit"]
    assert script.value == "auditor.cli:main"


def test_help_and_errors_before_the_model_never_import_torch():
    """A fresh process is the point here: only it shows what `audit` imports on its own."""
    calls = [["--help"], *(args for args, _ in USAGE_AND_INPUT_ERRORS)]
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(calls)], cwd=ROOT, capture_output=True, text=True, env=subprocess_env())
    assert out.returncode == 0, out.stderr
    help_run, *errors = json.loads(out.stdout)
    assert help_run["code"] == 0 and "compare" in help_run["stdout"] and "batch" in help_run["stdout"]
    assert [(r["code"], r["stdout"]) for r in errors] == [(2, "")] * len(USAGE_AND_INPUT_ERRORS)
    for run, (_, error) in zip(errors, USAGE_AND_INPUT_ERRORS):
        assert error in run["stderr"] and "Traceback" not in run["stderr"]
    assert [r["torch"] for r in [help_run, *errors]] == [False] * len(calls)


@pytest.mark.parametrize("args, error", USAGE_AND_INPUT_ERRORS)
def test_usage_and_input_errors_exit_2(cli, args, error):
    out = cli(*args)
    assert (out.returncode, out.stdout) == (2, "")
    assert error in out.stderr and "Traceback" not in out.stderr


def test_missing_file_is_one_line_and_exit_2(cli):
    out = cli("compare", "nope.txt", "001")
    assert out.returncode == 2
    assert out.stderr.splitlines() == ["audit: error: nope.txt: no such file, and no file in seeds/ starts with 'nope.txt_'"]


def test_a_crash_is_one_line_and_exit_2_never_a_pass(cli, monkeypatch):
    from auditor.api import Auditor

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Auditor, "compare_files", crash)
    out = cli("compare", "000", "001")
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == "audit: internal error: RuntimeError: boom (set AUDIT_DEBUG=1 for a traceback)\n"


def test_compare_json_to_file_and_not_counterparts_exit_3(cli, tmp_path):
    out_file = tmp_path / "r.json"
    out = cli("compare", "000", "003", "--format", "json", "--output", str(out_file))
    assert out.returncode == 3, out.stderr
    assert out.stdout == ""
    data = json.loads(out_file.read_text())
    assert data["summary"]["verdict"] == "not_counterparts"
    assert data["summary"]["counterparts"] is False


def test_seed_pair_json_is_the_apis_result(cli, seed_pair):
    out = cli("compare", "000", "001", "--format", "json")
    assert out.returncode == 1, out.stderr  # the seed pair fails the default gate
    data = json.loads(out.stdout)
    expected = json.loads(seed_pair.to_json())
    assert (data["candidate"]["path"], data["reference"]["path"]) == ("seeds/000_88841e910d11a9d7.txt", "seeds/001_25b45a1f2acf4c89.txt")
    for side in ("candidate", "reference"):  # the API was given the corpus as an absolute folder
        assert expected[side].pop("path") == str(SEEDS / data[side].pop("path").removeprefix("seeds/"))
    assert data == expected
    assert len(data["findings"]) == 51 and data["summary"]["verdict"] == "fail"


def test_ctrl_c_is_one_line_and_exit_130(cli, monkeypatch):
    """Ctrl-C exits 130 (128 + SIGINT, as shells expect) and says so in one line."""
    from auditor.api import Auditor

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Auditor, "compare_files", interrupt)
    out = cli("compare", "000", "001")
    assert (out.returncode, out.stdout) == (ExitCode.INTERRUPTED, "")
    assert out.stderr.strip() == "audit: interrupted"  # click ends the interrupted line first


def test_audit_debug_shows_the_crash_itself(monkeypatch):
    from auditor.api import Auditor
    from auditor.cli import main

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Auditor, "compare_files", crash)
    monkeypatch.setattr(sys, "argv", ["audit", "compare", "000", "001"])
    monkeypatch.setenv("AUDIT_DEBUG", "1")
    monkeypatch.chdir(ROOT)
    with pytest.raises(RuntimeError, match="^boom$"):
        main()
