"""What every output says the same way: the findings left out, and the signature of the run."""

from __future__ import annotations

from auditor.result import CompareResult


def suppressed_counts(suppressed: dict[str, int]) -> list[tuple[str, int]]:
    """The findings an output leaves out, as (why, in words; how many), in the summary's order, zeros dropped."""
    return [(why.replace("_", " "), n) for why, n in suppressed.items() if n]


def signature_line(result: CompareResult) -> str:
    """The run's signature on one line (see auditor/signature.py); empty for a result made without one."""
    return str(result.signature) if result.signature else ""
