"""What a batch run tells people: a progress line per pair and the summary with the run's exit code.

Both read records in their JSON form, since a resumed run counts records it only has as JSON.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from tabulate import tabulate

from auditor.domain import SEVERITIES
from auditor.errors import ExitCode
from auditor.render.safe_text import visible
from auditor.run.record import EXIT_PRECEDENCE, VERDICT_EXIT, VERDICTS


@dataclass
class BatchSummary:
    """Counts over every pair of the run, the ones a resumed run found done included."""

    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    audited: int = 0  # in this run
    resumed: int = 0  # found done in the output
    seconds: float = 0.0
    suppressed: int = 0  # findings a --baseline left out, over every pair

    def add(self, record: dict) -> None:
        self.verdicts[record["verdict"]] = self.verdicts.get(record["verdict"], 0) + 1
        pair_summary = record.get("result", {}).get("summary", {})
        counts = pair_summary.get("counts_by_severity", {})
        self.suppressed += pair_summary.get("suppressed", {}).get("baseline", 0)
        for severity in SEVERITIES:
            self.findings[severity] += counts.get(severity, 0)

    @property
    def exit_code(self) -> ExitCode:
        codes = {VERDICT_EXIT.get(v, ExitCode.USAGE_ERROR) for v, n in self.verdicts.items() if n}
        return next((code for code in EXIT_PRECEDENCE if code in codes), ExitCode.PASSED)

    def to_dict(self) -> dict:
        """The run summary as JSON (--summary FILE): counts by verdict and severity, timing, exit code."""
        return {
            "pairs": sum(self.verdicts.values()),
            "verdicts": dict(self.verdicts),
            "findings": dict(self.findings),
            "audited": self.audited,
            "resumed": self.resumed,
            "suppressed_by_baseline": self.suppressed,
            "seconds": round(self.seconds, 3),
            "exit_code": int(self.exit_code),
        }

    def render(self) -> str:
        total = sum(self.verdicts.values())
        rate = f" ({self.audited / self.seconds:.2f} pairs/s)" if self.seconds and self.audited else ""
        verdicts = [[v, n] for v, n in self.verdicts.items() if n or v in ("pass", "fail")] + [["total", total]]
        return "\n".join(
            [
                tabulate(verdicts, ["verdict", "pairs"]),
                "",
                tabulate([[s, n] for s, n in self.findings.items()] + [["total", sum(self.findings.values())]], ["severity", "findings"]),
                "",
                f"{self.audited} pairs audited in {self.seconds:.1f} s{rate}, {self.resumed} already done; exit code {int(self.exit_code)}",
                "",
            ]
        )


class Progress:
    """A progress bar on a terminal; otherwise one plain log line per pair."""

    def __init__(self, total: int, done: int, bar: bool, stream=None, silent: bool = False) -> None:
        self.total, self.count, self.stream = total, done, stream or sys.stderr  # stderr as it is now, not at import
        self.silent = silent  # --quiet: no line per pair
        self.bar = None
        if bar:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="pair", file=stream, dynamic_ncols=True)

    def update(self, record: dict) -> None:
        self.count += 1
        if self.silent:
            return
        if self.bar is not None:
            self.bar.update(1)
            if record["verdict"] == "error":
                self.bar.write(f"audit: {visible(record['id'])}: error: {visible(record['error'])}", file=self.stream)
            return
        if "result" in record:
            detail = ", ".join(f"{n} {s}" for s, n in record["result"]["summary"]["counts_by_severity"].items())
        else:
            detail = record.get("error") or record.get("reason")
        line = f"[{self.count}/{self.total}] {record['id']}: {record['verdict']} ({detail})"
        print(f"audit: {visible(line)}", file=self.stream, flush=True)  # ids and messages quote untrusted names

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
