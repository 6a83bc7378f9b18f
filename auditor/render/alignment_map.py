"""The alignment map: a PNG of the similarity matrix with the chosen path, so a reviewer sees at a
glance where the two documents run in parallel and where one of them goes on alone."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from auditor.domain import SEVERITIES
from auditor.pipeline.segment import sentence_at
from auditor.render.safe_text import visible
from auditor.result import CompareResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Colours that cannot be mistaken for each other on the grey similarity matrix: the path in blue, the
# severities in the red-orange-yellow of a warning, the sentences with no counterpart a pale green wash
# (a light tint, not a hatch, so the matrix under them stays readable).
PATH_COLOUR = "#1f5fbf"
SEVERITY_COLOURS = {"critical": "#d7191c", "major": "#fd8d3c", "minor": "#fecc5c"}
UNALIGNED_COLOUR = "#74c476"
UNALIGNED_ALPHA = 0.3
LEGEND = ("aligned path", "no counterpart", *(f"{s} finding" for s in SEVERITIES))


def worst_severity_by_sentence(result: CompareResult) -> dict[int, str]:
    """Candidate sentence index -> the most severe finding located in it."""
    worst: dict[int, str] = {}
    for finding in result.findings:
        if finding.candidate_span is None:
            continue
        i = sentence_at(result.candidate_sentences, finding.candidate_span.start).index
        if i not in worst or finding.severity.rank < worst[i].rank:
            worst[i] = finding.severity
    return worst


def draw_map(result: CompareResult) -> "Figure":
    """The map as a matplotlib Figure (Agg canvas, no pyplot state): candidate rows, reference columns."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    similarity = result.alignment.similarity
    n, m = similarity.shape
    height = min(max(n * 0.12, 4.0), 30.0)
    width = min(max(m * 0.25, 3.0), 20.0) + 2.5
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # headless: no pyplot, no display, no global backend switch
    grid = figure.add_gridspec(1, 2, width_ratios=[max(m, 1), max(m, 1) * 0.08])
    ax = figure.add_subplot(grid[0, 0])
    strip = figure.add_subplot(grid[0, 1], sharey=ax)
    image = ax.imshow(similarity, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    for i in sorted(set(range(n)) - result.alignment.aligned_indices("candidate")):
        _tint(ax, (-0.5, i - 0.5), m, 1)
    for j in sorted(set(range(m)) - result.alignment.aligned_indices("reference")):
        _tint(ax, (j - 0.5, -0.5), 1, n)
    centres = []
    for bead in result.alignment.beads:
        if bead.aligned:
            top, left = bead.candidate[0], bead.reference[0]
            ax.add_patch(
                Rectangle((left - 0.5, top - 0.5), len(bead.reference), len(bead.candidate), fill=False, edgecolor=PATH_COLOUR, linewidth=1.5)
            )
            centres.append((left + (len(bead.reference) - 1) / 2, top + (len(bead.candidate) - 1) / 2))
    if centres:
        xs, ys = zip(*centres)
        ax.plot(xs, ys, color=PATH_COLOUR, linewidth=1.0)
    ax.set_xlim(-0.5, m - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel(f"reference sentences ({_label(result.reference.name)})")
    ax.set_ylabel(f"candidate sentences ({_label(result.candidate.name)})")
    coverage = result.summary.coverage
    ax.set_title(
        f"{result.summary.verdict.replace('_', ' ')}: checked candidate {coverage['candidate']:.0%} (rows), "
        f"reference {coverage['reference']:.0%} (columns)",
        fontsize=9,
    )
    worst = worst_severity_by_sentence(result)
    for severity in reversed(SEVERITIES):
        rows = [i for i, s in sorted(worst.items()) if s == severity]
        strip.scatter([0] * len(rows), rows, s=18, color=SEVERITY_COLOURS[severity], marker="s", label=severity)
    strip.set_xlim(-1, 1)
    strip.set_xticks([])
    strip.tick_params(axis="y", labelleft=False)
    strip.set_title("findings", fontsize=8)
    figure.colorbar(image, ax=strip, label="cosine similarity", shrink=0.5)
    handles = [
        Patch(fill=False, edgecolor=PATH_COLOUR, linewidth=1.5, label=LEGEND[0]),
        Patch(color=UNALIGNED_COLOUR, alpha=UNALIGNED_ALPHA, label=LEGEND[1]),
        *(Patch(color=SEVERITY_COLOURS[s], label=label) for s, label in zip(SEVERITIES, LEGEND[2:])),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=7, frameon=False)
    return figure


def _tint(ax, corner: tuple[float, float], width: float, height: float) -> None:
    """Tint a row or column that has no counterpart."""
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle(corner, width, height, facecolor=UNALIGNED_COLOUR, alpha=UNALIGNED_ALPHA, linewidth=0))


def render_png(result: CompareResult) -> bytes:
    """The map as PNG bytes, without the version stamp, so the same inputs give the same bytes."""
    buffer = io.BytesIO()
    draw_map(result).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _label(name: str) -> str:
    """A file name as plot text: escaped (`visible`), and `$` escaped so matplotlib reads no math in it."""
    return visible(name).replace("$", r"\$")
