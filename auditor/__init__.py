"""auditor: align a machine-translated text with its clean counterpart and flag every mistranslation.

>>> import auditor
>>> result = auditor.Auditor().compare(candidate_text, reference_text)   # doctest: +SKIP
>>> result.summary.verdict                                       # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.version import __version__

if TYPE_CHECKING:
    from auditor.api import Auditor, compare
    from auditor.result import CompareResult


def __getattr__(name: str) -> Any:
    """Import the pipeline on first use, so `audit --help` stays light."""
    if name in ("compare", "Auditor"):
        from auditor import api

        return getattr(api, name)
    if name == "CompareResult":
        from auditor.result import CompareResult

        return CompareResult
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


__all__ = ["Auditor", "CompareResult", "compare", "__version__"]
