"""The Markdown report and its alignment map, parsed the way a reviewer's viewer would parse them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from markdown_it import MarkdownIt

from auditor.render.alignment_map import PATH_COLOUR, SEVERITY_COLOURS, draw_map, render_png
from auditor.io.load import Document
from auditor.render.report import code, render_markdown

ROOT = Path(__file__).resolve().parent.parent

MAP = "000_vs_001.png"


def parse(markdown: str):
    """markdown-it with GitHub's extensions: tables, strikethrough and bare-URL linkify."""
    return MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])


def html(markdown: str) -> str:
    return parse(markdown).render(markdown)


def headings(markdown: str) -> list[tuple[str, str]]:
    tokens = parse(markdown).parse(markdown)
    return [(t.tag, tokens[k + 1].content) for k, t in enumerate(tokens) if t.type == "heading_open"]


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table as rows of cell HTML, the header row first."""
    found = []
    for table in re.findall(r"<table>.*?</table>", html(markdown), flags=re.S):
        found.append([re.findall(r"<t[hd]>(.*?)</t[hd]>", row, flags=re.S) for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)])
    return found


@pytest.fixture(scope="module")
def report(seed_pair) -> str:
    return render_markdown(seed_pair, MAP)


def test_report_headings(report):
    assert headings(report) == [
        ("h1", "Audit of `000_88841e910d11a9d7.txt` against `001_25b45a1f2acf4c89.txt`"),
        ("h2", "Findings (51, most severe first)"),
        ("h2", "Aligned text"),
        ("h2", "Unverified text"),
        ("h3", "Candidate sentences with no counterpart (49)"),
        ("h3", "Reference sentences with no counterpart (0)"),
        ("h3", "Page boilerplate (6, not counted in coverage)"),
        ("h2", "Alignment map"),
    ]


def test_the_header_carries_the_signature(report, seed_pair):
    header = report.split("\n## ", 1)[0]
    assert f"Signature `{seed_pair.signature}`" in header.splitlines()
    assert str(seed_pair.signature).startswith("auditor:0.1.0|model:all-MiniLM-L6-v2|seg:punkt-2.2.1|")


def test_findings_table_lists_every_finding_most_severe_first(report, seed_pair):
    findings = next(t for t in tables(report) if t[0][0] == "id")
    assert findings[0] == ["id", "severity", "category", "candidate, changes marked", "reference", "why"]
    assert all(len(row) == 6 for row in findings)
    assert len(findings) - 1 == len(seed_pair.findings) == 51
    severities = [re.sub("<.*?>", "", row[1]) for row in findings[1:]]
    assert severities == sorted(severities, key=["critical", "major", "minor"].index)
    assert severities.count("critical") == 2  # the lost negation; the respelled name, one finding for its six places


def test_negation_and_tabarov_findings_show_their_marked_diffs(report):
    rows = {row[0]: row for row in next(t for t in tables(report) if t[0][0] == "id")[1:]}
    negation = next(r for r in rows.values() if r[2] == "negation")
    assert negation[1] == "<strong>critical</strong>"
    assert negation[3] == "… he “couldn’t <s>not</s> think about it” with …"  # prose, only the change marked
    # one finding for the misspelling, shown where it first occurs, naming every sentence it recurs in
    tabarov = [r for r in rows.values() if r[2] == "name" and "Tabarov" in r[5]]
    assert len(tabarov) == 1 and tabarov[0][1] == "<strong>critical</strong>"
    assert "<s>Alexei Tabalov</s> <strong>Alexey Tabarov</strong>" in tabarov[0][3] and "Alexei Tabalov, a lawyer" in tabarov[0][4]
    assert "(6 times)" in tabarov[0][5] and "Occurs in candidate sentences C8, C11, C23, C43, C48, C54." in tabarov[0][5]


def test_the_worst_problem_is_on_the_first_screen(report):
    first_screen = "\n".join(report.splitlines()[:40])
    assert "**critical**" in first_screen and "couldn’t" in first_screen and "Tabarov" in first_screen


def test_the_verdict_line_states_the_checked_share_of_each_side(report, seed_pair):
    coverage = seed_pair.summary.coverage
    verdict = next(line for line in report.splitlines() if line.startswith("**Verdict"))
    assert verdict.startswith(f"**Verdict: FAIL** · checked candidate {coverage['candidate']:.0%}, reference {coverage['reference']:.0%}: ")
    assert (coverage["candidate"], coverage["reference"]) == (13 / 62, 1.0)
    assert "**Checked**: candidate 21% (13 of 62 sentences), reference 100% (11 of 11 sentences; 6 page-boilerplate sentences not counted)" in report


def test_the_map_has_a_legend_side_labels_and_a_title_naming_the_sides(seed_pair):
    figure = draw_map(seed_pair)
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["aligned path", "no counterpart", "critical finding", "major finding", "minor finding"]
    figure.canvas.draw()
    assert all(t.get_window_extent().width > 0 for t in legend.get_texts())  # drawn, not just listed
    ax = figure.axes[0]
    assert ax.get_xlabel() == "reference sentences (001_25b45a1f2acf4c89.txt)"
    assert ax.get_ylabel() == "candidate sentences (000_88841e910d11a9d7.txt)"
    assert ax.get_title() == "fail: checked candidate 21% (rows), reference 100% (columns)"
    assert PATH_COLOUR not in SEVERITY_COLOURS.values() and SEVERITY_COLOURS["critical"] == "#d7191c"  # red is a severity, the path blue


def test_aligned_rows_are_marked_with_their_findings(report):
    aligned = next(t for t in tables(report) if t[0][0] == "#")
    assert aligned[0] == ["#", "candidate", "reference", "similarity", "findings"]
    assert len(aligned) - 1 == 11
    assert aligned[1][4] == "<strong>minor</strong>: F001 F002"  # two rewordings in a pair that reads right


def test_code_spans_outlast_any_backtick_run():
    assert code("a ``b`` c") == "```a ``b`` c```"
    assert code("`tick") == "`` `tick ``"
    assert code("x | y\n#z", in_table=True) == "`x \\| y #z`"
    assert code("\u202eevil") == "`\\u202eevil`"


HOSTILE_REFERENCE = (
    "The council met on Monday to discuss the budget.\n\n"
    "The mayor said the plan would cut costs by ten percent.\n\n"
    "Residents asked for more parks and better roads.\n\n"
    "The vote is expected next week."
)
HOSTILE_CANDIDATE = (
    "The council met on Monday to discuss the <script>alert(1)</script> budget.\n\n"
    "The mayor said a | b the plan would cut costs by ten percent [x](javascript:alert(1)).\n\n"
    "Residents asked for more parks ![t](https://example.com/t.png) and better roads.\n"
    "# Owned\n\n"
    "The vote is expected ```` next week \u202eevil."
)


def test_hostile_text_cannot_break_or_hijack_the_report(auditor):
    result = auditor.compare_documents(Document(HOSTILE_CANDIDATE, "hostile.txt"), Document(HOSTILE_REFERENCE, "clean.txt"))
    assert result.summary.counterparts and result.findings
    markdown = render_markdown(result, "hostile.png")
    rendered = html(markdown)
    assert "<script" not in rendered and "onerror" not in rendered
    assert re.findall(r"<a [^>]*>", rendered) == ['<a href="#alignment-map">']
    assert re.findall(r"<img [^>]*>", rendered) == ['<img src="hostile.png" alt="Alignment map" />']
    assert "<h1>Owned" not in rendered and [h for h, _ in headings(markdown)].count("h1") == 1
    assert "\u202e" not in rendered and "\\u202eevil" in rendered
    for table in tables(markdown):
        assert {len(row) for row in table} == {len(table[0])}
    assert "a | b" in rendered  # the pipe is shown, not taken as a column break


def test_the_example_report_and_map_are_current(seed_pair, report):
    """reports/ holds what `make demo` wrote with an earlier checkout: today's code must write the same."""
    assert (ROOT / "reports" / "000_vs_001.md").read_text(encoding="utf-8") == report
    png = render_png(seed_pair)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from matplotlib.image import imread

    drawn, example = imread(io.BytesIO(png)), imread(ROOT / "reports" / MAP)
    assert drawn.shape == example.shape and drawn.shape[2] in (3, 4)


def test_the_map_path_stops_where_the_reference_ends(seed_pair):
    figure = draw_map(seed_pair)
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    ax = figure.axes[0]
    box = ax.get_window_extent()
    height = pixels.shape[0]
    target = np.array([int(PATH_COLOUR[i : i + 2], 16) for i in (1, 3, 5)])
    red = (np.abs(pixels - target).sum(axis=2) < 60)
    red[:, : int(box.x0)] = red[:, int(box.x1) + 1 :] = False
    red[: int(height - box.y1), :] = red[int(height - box.y0) + 1 :, :] = False
    rows = np.nonzero(red.any(axis=1))[0]
    last_bead_bottom = height - ax.transData.transform((0, 12.5))[1]  # the last bead holds candidate sentence 12
    top = height - ax.transData.transform((0, -0.5))[1]
    assert rows.min() <= top + 3
    assert rows.max() <= last_bead_bottom + 3
    columns = np.nonzero(red.any(axis=0))[0]
    assert columns.max() <= ax.transData.transform((10.5, 0))[0] + 3  # and at reference sentence 10


def test_cli_writes_report_and_map(cli, seed_pair, tmp_path):
    target = tmp_path / "r.md"
    out = cli("compare", "000", "001", "--format", "json", "--report", str(target))
    assert out.returncode == 1, out.stderr
    assert json.loads(out.stdout)["summary"] == seed_pair.to_dict()["summary"]
    assert target.read_text(encoding="utf-8") == render_markdown(seed_pair, "r.png")  # the API's report, linking its own map
    assert (tmp_path / "r.png").read_bytes() == render_png(seed_pair)
    assert out.stderr == f"audit: report written to {target} (alignment map {tmp_path / 'r.png'})\n"
