"""Stage 8, report (Markdown): what a reviewer reads to decide whether to trust a candidate.

Every piece of document text is untrusted. It appears as normal text with every ASCII character that
Markdown could act on backslash-escaped (file names in code spans), never inside link, image or HTML
syntax, so a pasted `|`, `<script>`, `[x](javascript:…)` or `# heading` can neither break the report
nor act in it. Only the changed words are marked (struck through or bold), so the prose reads as prose.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote as url_quote

from tabulate import tabulate

from auditor.detect import Finding
from auditor.domain import SEVERITIES
from auditor.pipeline.segment import sentence_at
from auditor.render.common import signature_line, suppressed_counts
from auditor.render.excerpt import Mark, excerpt
from auditor.render.safe_text import visible
from auditor.result import CompareResult
from auditor.verdict.score import checkable

# ASCII punctuation that Markdown or a linkifier can act on (all but ' , " ; ? - which cannot, in a
# cell or list item that never starts a line): escaping it turns the text inert and keeps it legible.
_MARKDOWN_ACTIVE = re.compile(r"([!#$%&()*+./:<=>@\[\\\]^_`{|}~])")
_BACKTICKS = re.compile(r"`+")


def code(text: str, in_table: bool = True) -> str:
    """Untrusted text as a code span: a fence longer than any backtick run inside, so nothing in
    the text is parsed as Markdown; pipes escaped where a table cell would split on them."""
    text = visible(text)
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""  # so the fence is not read as part of the text
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def prose(text: str) -> str:
    """Text of ours that may quote the documents (messages, reasons): punctuation Markdown could
    act on is backslash-escaped, which also escapes table pipes and defuses autolinks."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", visible(text))


def render_marks(marks: list[Mark]) -> str:
    """The excerpt as escaped prose: deleted text ~~struck through~~, inserted text **in bold**."""
    wrap = {"same": "", "deleted": "~~", "inserted": "**"}
    return " ".join(f"{wrap[m.kind]}{prose(m.text)}{wrap[m.kind]}" for m in marks if visible(m.text))


def checked_line(result: CompareResult) -> str:
    """The share of each side that was checked at all (aligned), with the boilerplate left out said."""
    s = result.summary
    parts = []
    for side, sentences in (("candidate", result.candidate_sentences), ("reference", result.reference_sentences)):
        content = checkable(sentences)
        residue = len(sentences) - len(content)
        note = f"; {residue} page-boilerplate sentences not counted" if residue else ""
        parts.append(f"{side} {s.coverage[side]:.0%} ({len(content) - s.unaligned[side]} of {len(content)} sentences{note})")
    return "**Checked**: " + ", ".join(parts) + "; the rest had no counterpart and was not compared."


def _table(rows: list[list], headers: list[str]) -> str:
    """A GitHub table; every cell is already escaped, so tabulate only lays it out."""
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def _header(result: CompareResult, map_name: str | None) -> list[str]:
    s = result.summary
    cand, ref = result.candidate_sentences, result.reference_sentences
    sides = (("candidate", cand), ("reference", ref))
    rows = [
        ["document"] + [code(doc.name) for doc in (result.candidate, result.reference)],
        ["sentences"] + [str(len(sents)) for _, sents in sides],
        ["words"] + [f"{sum(x.words for x in sents):,}" for _, sents in sides],
        ["page boilerplate (not counted)"] + [str(sum(x.boilerplate for x in sents)) for _, sents in sides],
        ["aligned sentences"] + [f"{len(checkable(sents)) - s.unaligned[side]} ({s.coverage[side]:.0%})" for side, sents in sides],
        ["aligned words"] + [f"{s.word_coverage[side]:.0%}" for side, _ in sides],
        ["sentences with no counterpart"] + [str(s.unaligned[side]) for side, _ in sides],
    ]
    lines = [
        f"# Audit of {code(result.candidate.name, False)} against {code(result.reference.name, False)}",
        "",
        f"**Verdict: {s.verdict.upper().replace('_', ' ')}** · checked candidate {s.coverage['candidate']:.0%}, "
        f"reference {s.coverage['reference']:.0%}: {prose(s.reason)}.",
        "",
        checked_line(result),
        "",
        _table(rows, ["", "candidate", "reference"]),
        "",
        f"Penalty **{s.penalty:.1f}** per 100 checked words ({s.checked_words:,} candidate words checked) · "
        f"model {code(result.model, False)} · segmenter {code(result.segmenter, False)}"
        + (" · [alignment map](#alignment-map)" if map_name else ""),
    ]
    if signature_line(result):
        lines += ["", f"Signature {code(signature_line(result), False)}"]
    left_out = ", ".join(f"{n} by {why}" for why, n in suppressed_counts(s.suppressed))
    if left_out:
        lines += ["", f"Findings left out of this report: {left_out}."]
    if s.counterparts and result.findings:
        categories = sorted({f.category for f in result.findings})
        counts = [
            [f"**{severity}**"] + [str(sum(f.severity == severity and f.category == c for f in result.findings)) for c in categories]
            + [str(s.counts_by_severity[severity])]
            for severity in SEVERITIES
        ]
        lines += ["", _table(counts, ["severity", *categories, "total"])]
    return lines


def _findings(result: CompareResult) -> list[str]:
    ordered = sorted(result.findings, key=lambda f: (f.severity.rank, f.id))
    rows = []
    for finding in ordered:
        marks, reference = excerpt(result, finding)
        rows.append(
            [finding.id, f"**{finding.severity}**", finding.category, render_marks(marks), prose(reference), prose(finding.message + _places(result, finding))]
        )
    return [
        f"## Findings ({len(ordered)}, most severe first)",
        "",
        "In the candidate column, ~~struck~~ text is the reference's and is missing from the candidate; "
        "**bold** text is the candidate's and differs from the reference (or, where no reference is shown, "
        "is what a reference-free check flagged).",
        "",
        _table(rows, ["id", "severity", "category", "candidate, changes marked", "reference", "why"]),
    ]


def _aligned_text(result: CompareResult) -> list[str]:
    by_entry: dict[int, list[Finding]] = {}
    for finding in result.findings:
        if finding.alignment is not None:
            by_entry.setdefault(finding.alignment, []).append(finding)
    rows = []
    for k, bead in enumerate(result.alignment.beads):
        if not bead.aligned:
            continue
        found = sorted(by_entry.get(k, []), key=lambda f: (f.severity.rank, f.id))
        marker = f"**{found[0].severity}**: " + " ".join(f.id for f in found) if found else ""
        rows.append(
            [
                str(k),
                _sentence_range("C", bead.candidate) + " " + prose(" ".join(result.candidate_sentences[i].text for i in bead.candidate)),
                _sentence_range("R", bead.reference) + " " + prose(" ".join(result.reference_sentences[j].text for j in bead.reference)),
                f"{bead.similarity:.3f}",
                marker,
            ]
        )
    return [
        "## Aligned text",
        "",
        "Each row is one alignment entry: candidate sentences (C) and the reference sentences (R) they translate.",
        "",
        _table(rows, ["#", "candidate", "reference", "similarity", "findings"]),
    ]


def _places(result: CompareResult, finding: Finding) -> str:
    """Where one error recurs: every candidate sentence that holds one of its occurrences."""
    if len(finding.occurrences) < 2:
        return ""
    sentences = dict.fromkeys(sentence_at(result.candidate_sentences, span.start).index for span in finding.occurrences)
    return " Occurs in candidate sentences " + ", ".join(f"C{i}" for i in sentences) + "." if len(sentences) > 1 else ""


def _unverified(result: CompareResult) -> list[str]:
    by_sentence: dict[int, list[Finding]] = {}
    for finding in result.findings:
        for span in finding.places:
            found = by_sentence.setdefault(sentence_at(result.candidate_sentences, span.start).index, [])
            if finding not in found:
                found.append(finding)
    cand_lines, ref_lines, residue = [], [], []
    for bead in result.alignment.beads:
        if bead.aligned:
            continue
        for i in bead.candidate:
            sentence = result.candidate_sentences[i]
            target = residue if sentence.boilerplate else cand_lines
            target.append(f"- **C{i}** {prose(sentence.text)}")
            target += [
                f"  - {f.id} **{f.severity}** {f.category}: {prose(f.message)}" for f in by_sentence.get(i, [])
            ]
        for j in bead.reference:
            sentence = result.reference_sentences[j]
            (residue if sentence.boilerplate else ref_lines).append(f"- **R{j}** {prose(sentence.text)}")
    lines = [
        "## Unverified text",
        "",
        f"### Candidate sentences with no counterpart ({result.summary.unaligned['candidate']})",
        "",
        "Nothing in the reference matches these, so only the reference-free checks (garble, names spelled "
        "two ways, misspellings established elsewhere) ran on them; their findings are listed under each.",
        "",
        *(cand_lines or ["None."]),
        "",
        f"### Reference sentences with no counterpart ({result.summary.unaligned['reference']})",
        "",
        *(ref_lines or ["None."]),
    ]
    if residue:
        lines += [
            "",
            f"### Page boilerplate ({len(residue)}, not counted in coverage)",
            "",
            "Web-page residue (comment sections, share lines, a lone ellipsis) with no counterpart: nothing to translate.",
            "",
            *residue,
        ]
    return lines


def _sentence_range(prefix: str, indices: tuple[int, ...]) -> str:
    return f"**{prefix}{indices[0]}**" if len(indices) == 1 else f"**{prefix}{indices[0]}–{indices[-1]}**"


def render_markdown(result: CompareResult, map_name: str | None = None) -> str:
    """The review report; `map_name` is the alignment-map PNG's file name beside the report."""
    parts = _header(result, map_name)
    if result.summary.counterparts:
        parts += ["", *_findings(result), "", *_aligned_text(result), "", *_unverified(result)]
    else:
        parts += ["", "Findings are not reported: the documents are not counterparts, so a word diff would only list their differences."]
    if map_name:
        parts += [
            "",
            "## Alignment map",
            "",
            "Cosine similarity of every candidate sentence (rows) with every reference sentence (columns); "
            "cells outlined in blue are the chosen alignment, rows and columns tinted green have no counterpart, "
            "and the strip on the right marks the worst finding in each candidate sentence (legend below the map).",
            "",
            f"![Alignment map]({url_quote(map_name)})",
        ]
    return "\n".join(parts) + "\n"


def write_report(result: CompareResult, path: Path) -> Path:
    """Write the Markdown report and its alignment map (PNG, same name) atomically; returns the map's path."""
    from auditor.render.alignment_map import render_png
    from auditor.io.files import write_atomic

    path = Path(path)
    map_path = path.with_suffix(".png")
    write_atomic(map_path, render_png(result))
    write_atomic(path, render_markdown(result, map_path.name))
    return map_path
