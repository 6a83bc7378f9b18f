"""Shared fixtures: the model is loaded once per test session and seed results are computed once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def run_audit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real `audit` command on this checkout's code, run as a user would, from `cwd`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    code = "from auditor.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture
def audit_cli():
    """audit_cli('compare', '000', '001', cwd=...) -> CompletedProcess."""
    return run_audit


def verdicts_and_findings(data: bytes) -> list:
    """What a pipeline acts on in each record: the id, the verdict and each finding's place and grade
    (a figure's 4th decimal may differ between workers; see the README on order)."""
    records = [json.loads(line) for line in data.decode().splitlines()]
    return [
        (r["id"], r["verdict"], r.get("error"),
         [(f["category"], f["severity"], f["candidate_span"], f["reference_span"]) for f in r.get("result", {}).get("findings", [])])
        for r in records
    ]
