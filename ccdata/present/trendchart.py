"""Small-multiple trend charts: one panel per measure, the place against its authority and England.

Each panel is its own figure (inline SVG on the page, with the numbers in a table
beside it, as every chart of the pages): the place is a solid line with round markers
and its 95% intervals, the authority a dashed line with squares, England a dotted line
with triangles, so that line style and marker, not colour alone, tell them apart and a
black-and-white print still reads. Periods are categories in time order; a period with
a hidden figure is a gap in the line, never a zero.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ccdata.present.charts import PALETTE, STYLE, WIDTH
from ccdata.schemas import check_frame

#: How each kind of area is drawn: label suffix, line style, marker, palette index.
AREA_STYLE = {"place": ("-", "o", 0), "local_authority": ("--", "s", 1), "england": (":", "^", 3)}
_NEEDED = ["area_type", "area_name", "period", "period_end", "value", "lower", "upper"]


def trend_chart(series: pd.DataFrame, *, title: str, unit: str = "%") -> plt.Figure:
    """One measure over time for the place, its authority and England.

    Parameters
    ----------
    series : DataFrame
        Rows of one measure: ``area_type`` (``place``, ``local_authority``,
        ``england``), ``area_name``, ``period``, ``period_end``, ``value``, ``lower``,
        ``upper``. Other area types are ignored.
    title : str
        The chart's title (it states the finding).
    unit : str
        ``%`` for shares (the axis starts at 0), else the measure's unit.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        Not a table, a column missing; no place figure to draw.
    """
    check_frame(series, "series", _NEEDED)
    rows = series[series["area_type"].isin(AREA_STYLE)]
    if rows[rows["area_type"] == "place"]["value"].notna().sum() == 0:
        raise ValueError("trend_chart: the place has no figure to draw")
    periods = (rows[["period", "period_end"]].drop_duplicates("period").sort_values("period_end")["period"].tolist())
    colours = sns.color_palette(PALETTE)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, 3.4), layout="constrained")
        top = 0.0
        for area_type, (line, marker, colour) in AREA_STYLE.items():
            part = rows[rows["area_type"] == area_type]
            if part.empty:
                continue
            part = part.set_index("period").reindex(periods)
            values = pd.to_numeric(part["value"], errors="coerce").to_numpy(dtype=float)
            label = str(part["area_name"].dropna().iloc[0]) if part["area_name"].notna().any() else area_type
            ax.plot(range(len(periods)), values, linestyle=line, marker=marker, color=colours[colour],
                    linewidth=2, markersize=6, label=label)
            lo = pd.to_numeric(part["lower"], errors="coerce").to_numpy(dtype=float)
            hi = pd.to_numeric(part["upper"], errors="coerce").to_numpy(dtype=float)
            ok = ~np.isnan(values) & ~np.isnan(lo) & ~np.isnan(hi)
            if area_type == "place" and ok.any():
                ax.errorbar(np.flatnonzero(ok), values[ok], yerr=[values[ok] - lo[ok], hi[ok] - values[ok]],
                            fmt="none", ecolor=colours[colour], capsize=3, linewidth=1)
            top = max(top, np.nanmax(np.concatenate([values, hi[ok]])) if np.isfinite(values).any() else 0)
        ax.set_xticks(range(len(periods)), tick_labels(periods))
        if unit == "%":
            ax.set_ylim(0, min(100.0, max(10.0, top * 1.15)))
            ax.set_ylabel("%")
        else:
            ax.set_ylabel(unit)
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(title, loc="left", fontsize=12)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.16), ncols=2, frameon=False, fontsize=10)
    return fig


#: Period labels an axis carries side by side before some are left unlabelled.
MAX_TICK_LABELS = 6


def tick_labels(periods: list[str], most: int = MAX_TICK_LABELS) -> list[str]:
    """The x-axis labels: every period while they fit, else every k-th with the first and last.

    A long series (eleven DWP years) would print its labels on top of each other; every
    period keeps its tick mark, and the chart's data table beside it names them all.
    """
    if not isinstance(periods, (list, tuple)) or most < 2:
        raise ValueError("tick_labels: give a list of periods and room for at least two labels")
    n = len(periods)
    if n <= most:
        return [str(p) for p in periods]
    step = -(-(n - 1) // (most - 1))  # ceiling: labelled positions 0, step, 2*step, ... fit in `most`
    shown = set(range(0, n, step))
    last_shown = max(i for i in shown)
    if n - 1 not in shown:
        if n - 1 - last_shown < step:  # too close to the last label: it gives way to the latest period
            shown.discard(last_shown)
        shown.add(n - 1)
    return [str(p) if i in shown else "" for i, p in enumerate(periods)]
