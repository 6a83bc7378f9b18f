"""Shared fixtures: the model is loaded once per test session and seed results are computed once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

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
