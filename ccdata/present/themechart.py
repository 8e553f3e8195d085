"""The chart of listening themes: the share of conversations raising each theme, with intervals."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ccdata.analysis import disclosure
from ccdata.present.charts import WIDTH, fit, styled, wrap_label
from ccdata.schemas import check_frame


@styled
def theme_chart(table: pd.DataFrame, label: str = "title", unit: str = "conversations"):
    """Horizontal bars of ``pct`` (0-100) per row with ``ci_lower``/``ci_upper`` lines.

    Parameters
    ----------
    table : DataFrame
        A protected theme table (:mod:`ccdata.analysis.theme_tables`), in the order to draw.
    label : str
        The column naming each bar.
    unit : str
        What the percentages are of, for the axis label.

    Returns
    -------
    matplotlib.figure.Figure
        Hidden figures are labelled "c".
    """
    disclosure.require(table, "theme chart")
    check_frame(table, "table", (label, "pct", "ci_lower", "ci_upper"))
    if table.empty:
        raise ValueError("theme table has no rows to draw")
    names = [wrap_label(str(v)) for v in table[label]]
    pct = table["pct"].astype(float).to_numpy()
    lo = table["ci_lower"].astype(float).to_numpy()
    hi = table["ci_upper"].astype(float).to_numpy()
    lines = sum(n.count("\n") + 1 for n in names)
    fig, ax = plt.subplots(figsize=(WIDTH, 1.4 + 0.3 * len(names) + 0.2 * lines))
    y = np.arange(len(names))
    ax.barh(y, np.nan_to_num(pct), color="#4472a8")
    err = np.nan_to_num(np.vstack([pct - lo, hi - pct]))
    ax.errorbar(np.nan_to_num(pct), y, xerr=err, fmt="none", ecolor="black", capsize=3)
    for yi, v in zip(y, pct):
        if np.isnan(v):
            ax.text(1, yi, disclosure.SUPPRESSED_MARK + " (too few to show)", va="center")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    top = np.nanmax(np.append(hi, 10.0))
    ax.set_xlim(0, min(100.0, 10 * np.ceil(top / 10) + 5))
    ax.set_xlabel(f"% of {unit} (lines: 95% interval)")
    plt.close(fig)
    return fit(fig)
