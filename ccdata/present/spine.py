"""The spine chart: every indicator of a place in one picture, against England's authorities.

One row per indicator, in the style of OHID's Fingertips: England's value is the
centre line; the grey bar runs from the lowest to the highest English local authority,
the darker part is the middle half of them (25th to 75th percentile); the place is a
dot with its 95% interval, filled by its comparison with England; its own authority
is a hollow diamond. The worse side is drawn on the left and named in words under each
row ("worse" / "better", or "lower" / "higher" where no direction is declared), so the
picture never depends on colour alone. Each row is scaled so England sits in the
middle and the furthest of the authorities (or the place) reaches the edge.

Takes :func:`ccdata.analysis.spread.spine`; returns a matplotlib Figure (embedded as
inline SVG by :func:`ccdata.present.blocks.figure`). Reads no file.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ccdata.present.charts import PALETTE, STYLE, WIDTH
from ccdata.schemas import check_frame

REQUIRED = ["title", "polarity", "place", "lower", "upper", "band", "la", "england", "lowest", "q1", "q3",
            "highest", "left_word", "right_word"]
#: Fill of the place's dot by its comparison with England (colour-blind palette; the
#: words under the row and the table say the same).
_FILL = {"worse": 3, "better": 0, "similar": None, "higher": 9, "lower": 9}
#: Where the bars run across the chart (fractions of its width): the side words sit beside them.
BAR = (0.16, 0.84)
#: Characters per line of an indicator's name above its row.
TITLE_CHARS = 60


def _direction(polarity: str) -> int:
    """+1 when larger values are drawn to the right (better, or just higher), -1 otherwise."""
    return -1 if polarity == "lower_is_better" else 1


def positions(row: dict) -> dict[str, float]:
    """Where each value of a row is drawn, 0 (left edge) to 1 (right edge), England at 0.5."""
    e = float(row["england"])
    ends = [row[k] for k in ("lowest", "highest", "lower", "upper", "la", "place")]
    half = max(abs(float(v) - e) for v in ends if pd.notna(v)) * 1.04 or 1.0
    sign = _direction(row["polarity"])
    return {k: (0.5 + sign * (float(row[k]) - e) / (2 * half)) if pd.notna(row[k]) else float("nan")
            for k in ("lowest", "q1", "q3", "highest", "place", "lower", "upper", "la", "england")}


def spine_chart(table: pd.DataFrame) -> plt.Figure:
    """The spine chart of :func:`ccdata.analysis.spread.spine`.

    Raises
    ------
    ValueError
        An empty table or one without the columns of :data:`REQUIRED`.
    """
    check_frame(table, "table", REQUIRED, made_by="ccdata.analysis.spread.spine()")
    if table.empty:
        raise ValueError("spine_chart: no indicator has both a place value and a spread of authorities")
    colours = sns.color_palette(PALETTE)
    rows = table.to_dict("records")
    line = 0.19
    layout, y = [], 0.05
    for rec in rows:
        title = textwrap.fill(str(rec["title"]), TITLE_CHARS)
        top = y
        centre = top + line * (title.count("\n") + 1) + 0.13
        layout.append((title, top, centre))
        y = centre + 0.2  # the bar with the side words beside it, a gap (short enough to print on a page)
    top_in, bottom_in = 1.3, 0.1
    height = y + top_in + bottom_in
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(WIDTH, height))
        ax = fig.add_axes((0.02, bottom_in / height, 0.96, y / height))
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(y, 0)
        ax.axis("off")
        for rec, (title, top, centre) in zip(rows, layout):
            # the bar between the side words: positions 0-1 drawn from BAR[0] to BAR[1]
            x = {k: BAR[0] + (BAR[1] - BAR[0]) * v for k, v in positions(rec).items()}
            ax.text(0, top, title, va="top", ha="left", fontsize=11)
            lo, hi = sorted((x["lowest"], x["highest"]))
            ax.add_patch(plt.Rectangle((lo, centre - 0.09), hi - lo, 0.18, color="#d9d9d9", linewidth=0))
            q_lo, q_hi = sorted((x["q1"], x["q3"]))
            ax.add_patch(plt.Rectangle((q_lo, centre - 0.09), q_hi - q_lo, 0.18, color="#8c8c8c", linewidth=0))
            mid = (BAR[0] + BAR[1]) / 2
            ax.plot([mid, mid], [centre - 0.14, centre + 0.14], color="black", linewidth=1.6)
            ax.plot(sorted((x["lower"], x["upper"])), [centre, centre], color="black", linewidth=1.4)
            fill = _FILL.get(rec["band"])
            ax.plot([x["place"]], [centre], marker="o", markersize=8.5, markeredgecolor="black",
                    markerfacecolor=colours[fill] if fill is not None else "white", linestyle="none")
            if pd.notna(x["la"]):
                ax.plot([x["la"]], [centre], marker="D", markersize=6, markeredgecolor="black",
                        markerfacecolor="none", markeredgewidth=1.3, linestyle="none")
            ax.text(0, centre, f"\u2190 {rec['left_word']}", va="center", ha="left", fontsize=11, color="#333333")
            ax.text(1, centre, f"{rec['right_word']} \u2192", va="center", ha="right", fontsize=11,
                    color="#333333")
        def dot(fill, label):
            return Line2D([], [], marker="o", color="black", markerfacecolor=colours[fill] if fill is not None
                          else "white", linestyle="-", markersize=7, label=label)

        handles = [dot(3, "Worse than England"), dot(0, "Better than England"),
                   dot(None, "Similar to England"), dot(9, "Higher/lower, no direction"),
                   Line2D([], [], marker="D", color="black", markerfacecolor="none", linestyle="none",
                          markersize=6, label="Its local authority"),
                   Line2D([], [], color="black", linewidth=1.6, label="England"),
                   Patch(color="#8c8c8c", label="Middle half of authorities"),
                   Patch(color="#d9d9d9", label="Range of authorities")]
        # two short columns: the place's dots (by comparison with England), then the rest
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False,
                  title="This place (dot, with its 95% interval), and:", title_fontsize=11, alignment="left",
                  borderaxespad=0.1, fontsize=11, handlelength=1.6, columnspacing=1.0)
    return fig


def chart_data(table: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the spine chart, one row per indicator: the place, its interval and
    verdict, its authority, England, and the authorities' lowest, 25th and 75th percentiles
    and highest."""
    return pd.DataFrame({
        "Indicator": table["title"], "Place %": table["place"],
        "95% interval": [f"{a:.1f} to {b:.1f}" for a, b in zip(table["lower"], table["upper"])],
        "Compared with England": table["band"], "LA %": table["la"], "England %": table["england"],
        # short headings: narrow number columns leave the indicator's name room on a printed page
        "Authorities: lowest %": table["lowest"], "25th %": table["q1"], "75th %": table["q3"],
        "Highest %": table["highest"]}).reset_index(drop=True)


#: Columns of :func:`chart_data` -> (area, measure, kind) of the figure each cell shows.
DATA_MARKS = {"Place %": ("place", "value", "percent"), "LA %": ("la", "value", "percent"),
              "England %": ("england", "value", "percent"),
              "Compared with England": ("place", "verdict", "verdict")}
