"""Stage 8, report (terminal): what a person reads after `audit compare`.

Findings come first and most severe first, each with the candidate and reference wording around
its change; unverified text is summarised (how much, and on which lines); the verdict is the last
line, with the checked share of each side, where the eye lands when the command ends.

Laid out with rich (installed with Typer) rather than tabulate: rich wraps every cell to the real
terminal width instead of truncating, reads COLUMNS and NO_COLOR, and colours only a terminal.
Document text goes in as `Text` objects, never as markup, after `visible()` made it safe.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import textwrap
from typing import Sequence

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from auditor.domain import SEVERITIES
from auditor.pipeline.segment import Sentence
from auditor.render.common import signature_line, suppressed_counts
from auditor.render.excerpt import excerpt
from auditor.render.safe_text import visible
from auditor.result import CompareResult

SEVERITY_STYLE = {"critical": "bold red", "major": "yellow", "minor": "cyan"}
VERDICT_STYLE = {"pass": "bold green", "incomplete": "bold yellow", "fail": "bold red", "not_counterparts": "bold magenta"}
MARK_STYLE = {"deleted": "red strike", "inserted": "bold green"}
MARK_PLAIN = {"deleted": ("[-", "-]"), "inserted": ("{+", "+}")}  # wdiff's markers: readable without colour
FALLBACK_WIDTH = 140  # piped output with no COLUMNS: wide enough for the signature line (policy included)


def clean(text: str, width: int) -> str:
    """One line of terminal-safe text, shortened to `width` characters (a file name in a table)."""
    text = visible(text)
    return textwrap.shorten(text, width, placeholder=" …") if len(text) > width else text


def terminal_width() -> int:
    """The real width: COLUMNS when set, else the terminal's, else FALLBACK_WIDTH (a pipe)."""
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


def wants_colour(stream=None) -> bool:
    """Colour on a terminal only, and never with NO_COLOR set (https://no-color.org)."""
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def render(
    result: CompareResult, width: int | None = None, *, colour: bool = False, verbose: bool = False, quiet: bool = False
) -> str:
    """The terminal view as text, `width` columns wide (default: the terminal's)."""
    width = max(width or terminal_width(), 40)
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=colour, no_color=not colour, color_system="standard" if colour else None,
        highlight=False, markup=False, emoji=False, soft_wrap=False,
    )
    s = result.summary
    cand, ref = result.candidate, result.reference
    console.print(Text(
        f"candidate: {visible(cand.name)} ({len(result.candidate_sentences)} sentences) · "
        f"reference: {visible(ref.name)} ({len(result.reference_sentences)} sentences)"
    ))
    console.print()
    _findings(console, result)
    if not quiet:
        _unverified(console, result, verbose)
        _totals(console, result)
    if signature_line(result):
        console.print(Text(f"signature: {signature_line(result)}"))
    console.print(Text(f"why: {visible(s.reason)}"))
    verdict = Text("verdict: ")
    verdict.append(s.verdict.upper(), style=VERDICT_STYLE.get(s.verdict, ""))
    verdict.append(f" · checked {checked_share(result)}")
    console.print(verdict)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def checked_share(result: CompareResult) -> str:
    """The share of each side's sentences that aligned, so was checked at all."""
    coverage = result.summary.coverage
    return f"candidate {coverage['candidate']:.0%}, reference {coverage['reference']:.0%}"


def _findings(console: Console, result: CompareResult) -> None:
    s = result.summary
    if not s.counterparts:
        console.print(Text("No findings: these documents are not counterparts, so nothing in them was compared."))
        console.print()
        return
    order = {severity: k for k, severity in enumerate(SEVERITIES)}
    found = sorted(result.findings, key=lambda f: (order[f.severity], f.candidate_span.start if f.candidate_span else -1))
    counts = ", ".join(f"{n} {sev}" for sev, n in s.counts_by_severity.items() if n) or "none"
    console.print(Text(f"Findings: {len(found)} ({counts}), most severe first", style="bold"))
    console.print()
    for finding in found:
        head = Text(" ")
        head.append(f" {finding.severity.upper()} ", style=f"reverse {SEVERITY_STYLE[finding.severity]}")
        head.append(f" {finding.category} · {finding.id}")
        console.print(head)
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(width=4, no_wrap=True)  # the label: why / cand / ref
        grid.add_column(overflow="fold", ratio=1)  # wrapped, never cut: a long word folds
        marks, reference = excerpt(result, finding)
        grid.add_row("why", Text(visible(finding.message)))
        grid.add_row("cand", _marked(marks, console.no_color))
        grid.add_row("ref", Text(visible(reference)) if reference.strip() else Text("(no reference wording for this finding)"))
        console.print(Padding(grid, (0, 0, 0, 3)))
        console.print()


def _marked(marks, plain: bool) -> Text:
    """The candidate excerpt with changed words marked: coloured on a terminal, wdiff markers otherwise."""
    text = Text()
    for k, mark in enumerate(marks):
        piece = visible(mark.text)
        if k:
            text.append(" ")
        if mark.kind == "same":
            text.append(piece)
        elif plain:
            opening, closing = MARK_PLAIN[mark.kind]
            text.append(f"{opening}{piece}{closing}")
        else:
            text.append(piece, style=MARK_STYLE[mark.kind])
    return text


def _unverified(console: Console, result: CompareResult, verbose: bool) -> None:
    """How many sentences of each side have no counterpart and on which lines, and which are page
    boilerplate (left out of the coverage); --verbose lists them."""
    sides = (("candidate", result.candidate, result.candidate_sentences), ("reference", result.reference, result.reference_sentences))
    parts = []
    for side, document, sentences in sides:
        aligned = result.alignment.aligned_indices(side)
        content = [s for s in sentences if not s.boilerplate]
        missing = [s for s in content if s.index not in aligned]
        if missing:
            parts.append((f"Unverified {side} text: {len(missing)} of {len(content)} sentences have no counterpart", document, missing))
        residue = [s for s in sentences if s.boilerplate]
        if residue:
            parts.append((f"Page boilerplate in the {side}, not counted in coverage: {len(residue)} sentences", document, residue))
    if not parts:
        return
    for label, document, listed in parts:
        console.print(Text(f"{label} (lines {_line_ranges(document.text, listed)})"))
        if verbose:
            for sentence in listed:
                console.print(Text(f"  line {_line(document.text, sentence.start)}: {visible(sentence.text)}"))
    if not verbose:
        console.print(Text("(--verbose lists them)"))
    console.print()


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _line_ranges(text: str, sentences: Sequence[Sentence]) -> str:
    """The lines each run of consecutive sentences spans: "7-75, 80"."""
    runs: list[list[Sentence]] = []
    for sentence in sentences:
        if runs and sentence.index == runs[-1][-1].index + 1:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    spans = [(_line(text, run[0].start), _line(text, max(run[-1].end - 1, run[-1].start))) for run in runs]
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in spans)


def _totals(console: Console, result: CompareResult) -> None:
    s = result.summary
    words = s.word_coverage
    console.print(Text(
        f"coverage: candidate {s.coverage['candidate']:.0%} of sentences ({words['candidate']:.0%} of words), "
        f"reference {s.coverage['reference']:.0%} ({words['reference']:.0%})"
    ))
    counts = ", ".join(f"{n} {sev}" for sev, n in s.counts_by_severity.items())
    suppressed = "".join(f" · suppressed ({why}): {n}" for why, n in suppressed_counts(s.suppressed))
    console.print(Text(f"findings: {counts} · penalty {s.penalty:.1f} per 100 checked words{suppressed}"))
