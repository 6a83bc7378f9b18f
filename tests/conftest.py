"""Shared fixtures: the model is loaded once per test session and seed results are computed once.

The `audit` command runs in this process (`cli`, `invoke`) through its console entry point
`auditor.cli.main`, so every command shares the session's one loaded model. A fresh process
(`run_audit`) is only for what needs one: what a new process imports, a kill, concurrent processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Property tests: a fixed, quick sample in `make test`; `make fuzz` (--hypothesis-profile=fuzz)
# draws FUZZ_EXAMPLES fresh cases for the loader and segmenter properties.
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("quick", max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_IS_FINE)
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")), deadline=None, database=None, print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.load_profile("quick")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def auditor():
    from auditor import Auditor

    return Auditor()


@pytest.fixture(scope="session")
def compare_seeds(auditor):
    """compare_seeds('000', '001') -> CompareResult, cached for the session."""
    cache = {}

    def run(candidate: str, reference: str):
        if (candidate, reference) not in cache:
            cache[candidate, reference] = auditor.compare_files(candidate, reference, SEEDS)
        return cache[candidate, reference]

    return run


@pytest.fixture(scope="session")
def seed_pair(compare_seeds):
    return compare_seeds("000", "001")


@dataclass
class CliRun:
    """What a user sees of one `audit` run: its exit status and both streams."""

    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, cwd: Path = ROOT) -> CliRun:
    """`audit ARGS` from `cwd`, in this process: the console entry point `auditor.cli.main` with
    its own error handling (one-line messages, exit codes), stdout and stderr kept apart."""
    from auditor.cli import main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.setattr(sys, "argv", ["audit", *args])
        patch.delenv("AUDIT_DEBUG", raising=False)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return CliRun(int(code), out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    """cli('compare', '000', '001', cwd=...) -> CliRun(returncode, stdout, stderr), run in this process."""
    return invoke


AUDIT = [sys.executable, "-c", "from auditor.cli import main; main()"]


def run_audit(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess:
    """The real `audit` command on this checkout's code in a fresh process, from `cwd`. Only for
    what a process of its own is the point of: a kill, several processes at once, Ray."""
    return subprocess.run([*AUDIT, *args], cwd=cwd, capture_output=True, text=True, env=subprocess_env(), **kwargs)


def subprocess_env() -> dict[str, str]:
    """The environment with this checkout first on PYTHONPATH (what a child process imports)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def verdicts_and_findings(data: bytes) -> list:
    """What a pipeline acts on in each record: the id, the verdict and each finding's place and grade
    (a figure's 4th decimal may differ between workers; see the README on order)."""
    records = [json.loads(line) for line in data.decode().splitlines()]
    return [
        (r["id"], r["verdict"], r.get("error"),
         [(f["category"], f["severity"], f["candidate_span"], f["reference_span"]) for f in r.get("result", {}).get("findings", [])])
        for r in records
    ]
