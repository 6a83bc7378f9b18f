"""Stage 8, report (terminal): tabulate tables of the alignment, the unaligned text and the summary."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from auditor.result import CompareResult
from auditor.render.common import signature_line, suppressed_counts
from auditor.render.safe_text import visible


def clean(text: str, width: int) -> str:
    """One line of terminal-safe text, shortened to `width` characters."""
    text = visible(text)
    return textwrap.shorten(text, width, placeholder=" …") if len(text) > width else text


def render(result: CompareResult, width: int = 60) -> str:
    """The human terminal view: aligned pairs, then unaligned sentences, then the summary."""
    cand, ref = result.candidate_sentences, result.reference_sentences
    rows, unaligned_cand, unaligned_ref = [], [], []
    for number, bead in enumerate(result.alignment.beads):
        if bead.aligned:
            rows.append(
                [
                    number,
                    _indices(bead.candidate),
                    clean(" ".join(cand[i].text for i in bead.candidate), width),
                    _indices(bead.reference),
                    clean(" ".join(ref[i].text for i in bead.reference), width),
                    f"{bead.similarity:.3f}",
                ]
            )
        elif bead.candidate:
            unaligned_cand.append([bead.candidate[0], clean(cand[bead.candidate[0]].text, 2 * width)])
        else:
            unaligned_ref.append([bead.reference[0], clean(ref[bead.reference[0]].text, 2 * width)])
    s = result.summary
    parts = [
        f"candidate: {visible(result.candidate.name)} ({len(cand)} sentences)   reference: {visible(result.reference.name)} ({len(ref)} sentences)",
        "",
    ]
    if s.counterparts:
        parts += ["Aligned sentences", tabulate(rows, ["#", "cand", "candidate", "ref", "reference", "sim"]), ""]
        for title, items in (("Candidate sentences with no counterpart (unverified)", unaligned_cand),
                             ("Reference sentences with no counterpart", unaligned_ref)):
            if items:
                parts += [f"{title}: {len(items)}", tabulate(items, ["#", "text"]), ""]
    if s.counterparts and result.findings:
        order = {"critical": 0, "major": 1, "minor": 2}
        found = sorted(result.findings, key=lambda f: order[f.severity])
        table = [[f.id, f.severity, f.category, clean(f.candidate_text, 40), clean(f.reference_text, 40), clean(f.message, width)] for f in found]
        parts += [f"Findings: {len(found)}, most severe first", tabulate(table, ["id", "severity", "category", "candidate", "reference", "why"]), ""]
    parts += [
        tabulate(
            [
                ["coverage (sentences)", f"{s.coverage['candidate']:.0%}", f"{s.coverage['reference']:.0%}"],
                ["coverage (words)", f"{s.word_coverage['candidate']:.0%}", f"{s.word_coverage['reference']:.0%}"],
                ["unaligned sentences", s.unaligned["candidate"], s.unaligned["reference"]],
            ],
            ["", "candidate", "reference"],
        ),
        "",
        "findings: " + ", ".join(f"{n} {sev}" for sev, n in s.counts_by_severity.items()) + f"   penalty: {s.penalty:.1f} per 100 checked words"
        + "".join(f"   suppressed ({why}): {n}" for why, n in suppressed_counts(s.suppressed)),
    ]
    if signature_line(result):
        parts.append(f"signature: {signature_line(result)}")
    parts.append(f"verdict: {s.verdict.upper()}: {visible(s.reason)}")  # last, where a person's eye lands
    return "\n".join(parts) + "\n"


def _indices(indices: tuple[int, ...]) -> str:
    return ",".join(map(str, indices))
