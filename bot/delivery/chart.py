"""The weekly report's picture: open cases by stage, stacked by how long they have sat there, as a PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global state), so it is
safe in the scheduler's threads. It shows counts only: no client, provider or amount."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.services.caseload import StageAges

# Calm to alarming: the longer a case has sat in its stage, the warmer its colour.
_COLOURS = ("#4e9a6b", "#9cc17a", "#f2c14e", "#f08a4b", "#d1495b", "#8e2c48")


def render_stage_chart(data: StageAges) -> bytes:
    """A horizontal stacked bar a stage (playbook order, top to bottom), one segment an age bucket."""
    rows = list(reversed(data.rows))  # barh draws bottom-up; the playbook reads top-down
    height = 1.6 + 0.45 * max(len(rows), 1)
    fig = Figure(figsize=(9.5, height), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{r.label} ({r.total})" for r in rows]
    left = [0] * len(rows)
    for i, bucket in enumerate(data.buckets):
        widths = [r.counts[i] for r in rows]
        ax.barh(
            labels, widths, left=left, color=_COLOURS[min(i, len(_COLOURS) - 1)], label=bucket, height=0.6
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_xlabel("open cases")
    ax.set_title(
        f"Open cases by stage and days in stage, {data.day:%b %-d, %Y} ({data.open_cases} open)", fontsize=10
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        title="in stage",
        fontsize=8,
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    if not data.open_cases:
        ax.text(0.5, 0.5, "No open cases", transform=ax.transAxes, ha="center", va="center", color="#666")
        ax.set_xlim(0, 1)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
