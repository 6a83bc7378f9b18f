"""Batch records: the pair a line of work names and the JSON Lines record it becomes.

One typed record for every engine, so the bytes of a record do not depend on who made it.
"""

from __future__ import annotations

from auditor.io.escape import dumps
from dataclasses import dataclass

from auditor.errors import ExitCode
from auditor.verdict import score

VERDICTS = ("pass", "incomplete", "fail", "not_counterparts", "unmatched", "error")
VERDICT_EXIT = {
    **score.VERDICT_EXIT,
    "unmatched": ExitCode.NOT_COUNTERPARTS,  # --auto: a document with no counterpart in the folder
    "error": ExitCode.USAGE_ERROR,
}
# The run's exit code is the first of these that any pair has.
EXIT_PRECEDENCE = (ExitCode.USAGE_ERROR, ExitCode.GATE_FAILED, ExitCode.NOT_COUNTERPARTS)


@dataclass(frozen=True)
class Pair:
    """One line of work: its id (the resume key) and the two files, as paths the process can open."""

    id: str
    candidate: str
    reference: str | None  # None only in the record of a document --auto could not pair


@dataclass(frozen=True)
class Record:
    """What one pair came to: a result, an error, or (--auto) the reason it has no counterpart.

    `to_dict` keeps the key order of the JSON Lines format (id, candidate, reference, verdict,
    exit_code, then the one detail), which resumed runs and readers of old outputs rely on.
    """

    pair: Pair
    verdict: str
    result: dict | None = None
    error: str | None = None
    reason: str | None = None

    @classmethod
    def failed(cls, pair: Pair, message: str) -> "Record":
        return cls(pair, "error", error=message)

    @classmethod
    def from_dict(cls, data: dict) -> "Record":
        """A record back from its JSON form (the Ray engine ships records as lines)."""
        pair = Pair(data["id"], data["candidate"], data["reference"])
        return cls(pair, data["verdict"], data.get("result"), data.get("error"), data.get("reason"))

    @property
    def exit_code(self) -> int:
        return int(VERDICT_EXIT[self.verdict])

    def to_dict(self) -> dict:
        head = {
            "id": self.pair.id,
            "candidate": self.pair.candidate,
            "reference": self.pair.reference,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
        }
        details = {"result": self.result, "error": self.error, "reason": self.reason}
        return {**head, **{key: value for key, value in details.items() if value is not None}}


def to_line(record: dict) -> str:
    """One record as one line of JSON (JSON escapes every newline inside strings)."""
    return dumps(record)
