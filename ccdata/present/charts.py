"""Seaborn charts. Each takes a tidy frame and returns a matplotlib Figure.

Colours come from seaborn's colour-blind-safe palette; every chart also labels its
bars or points so nothing depends on colour alone. Charts never read files.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # notebooks and batch runs render off-screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ccdata.analysis import disclosure  # noqa: E402

PALETTE = "colorblind"
AREA_ORDER = ("place", "la", "england")


def _require(df: pd.DataFrame, columns: list[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} expects a DataFrame, not {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")
    if df.empty:
        raise ValueError(f"{what}: no rows to plot (show ccdata.present.missing instead)")


def _area_names(df: pd.DataFrame) -> list[str]:
    order = [a for a in AREA_ORDER if a in set(df["area"])]
    names = df.drop_duplicates("area").set_index("area")["area_name"]
    return [names[a] for a in order]


def decile_chart(dist: pd.DataFrame, value: str = "pct_residents") -> plt.Figure:
    """Share of residents (or LSOAs) in each national IMD decile, per area and edition.

    ``dist`` is :func:`ccdata.analysis.deprivation.decile_distribution` output (one or two
    editions stacked); editions are drawn side by side.
    """
    _require(dist, ["edition", "area", "area_name", "decile", value], "decile_chart")
    editions = list(dict.fromkeys(dist["edition"]))
    fig, axes = plt.subplots(1, len(editions), figsize=(5.5 * len(editions), 3.8), sharey=True,
                             squeeze=False)
    hue_order = _area_names(dist)
    for ax, edition in zip(axes[0], editions):
        sub = dist[dist["edition"] == edition]
        sns.barplot(data=sub, x="decile", y=value, hue="area_name", hue_order=hue_order,
                    palette=PALETTE, ax=ax)
        ax.set_title(edition)
        ax.set_xlabel("National decile (1 = most deprived 10%)")
        ax.set_ylabel("% of residents" if value == "pct_residents" else "% of LSOAs")
    _legend_outside(axes[0][-1])
    for ax in axes[0][:-1]:
        if ax.get_legend():
            ax.get_legend().remove()
    fig.tight_layout()
    return fig


def _legend_outside(ax) -> None:
    # beside the plot, so it never hides a bar
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title=None, fontsize=8, frameon=False)


def composition_chart(comp: pd.DataFrame, title: str) -> plt.Figure:
    """Horizontal bars: share of each category, place beside its LA and England."""
    _require(comp, ["area", "area_name", "label", "pct"], "composition_chart")
    n = comp["label"].nunique()
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.5))
    sns.barplot(data=comp, y="label", x="pct", hue="area_name", hue_order=_area_names(comp),
                palette=PALETTE, ax=ax, orient="h")
    ax.set_xlabel("% of total")
    ax.set_ylabel("")
    ax.set_title(title)
    _legend_outside(ax)
    fig.tight_layout()
    return fig


def age_chart(kids: pd.DataFrame) -> plt.Figure:
    """Children and young people by age band as a share of residents, per area."""
    _require(kids, ["area", "area_name", "age band", "pct"], "age_chart")
    data = kids[kids["age band"] != "0-19"]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    sns.barplot(data=data, x="age band", y="pct", hue="area_name", hue_order=_area_names(data),
                palette=PALETTE, ax=ax)
    ax.set_ylabel("% of residents")
    ax.set_xlabel("Age band (years)")
    _legend_outside(ax)
    fig.tight_layout()
    return fig


def indicator_chart(frame: pd.DataFrame) -> plt.Figure:
    """Place value with its 95% interval for each indicator, with England marked."""
    _require(frame, ["indicator", "title", "area", "value", "lower", "upper", "status"], "indicator_chart")
    ok = frame[frame["status"] == "ok"]
    place = ok[ok["area"] == "place"].set_index("indicator")
    england = ok[ok["area"] == "england"].set_index("indicator")["value"]
    if place.empty:
        raise ValueError("indicator_chart: no indicator has a place value")
    colours = sns.color_palette(PALETTE)
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(place) + 1.5))
    y = range(len(place))
    ax.errorbar(place["value"], list(y), xerr=[place["value"] - place["lower"], place["upper"] - place["value"]],
                fmt="o", color=colours[0], capsize=3, label="Place (95% interval)")
    eng = [england.get(i) for i in place.index]
    ax.scatter(eng, list(y), marker="|", s=250, color=colours[2], label="England", zorder=3)
    ax.set_yticks(list(y))
    ax.set_yticklabels([t if len(t) < 55 else t[:52] + "..." for t in place["title"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("%")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.tight_layout()
    return fig


def plot_positive(summary: pd.DataFrame, question_id: str, group: str | None = None):
    """Bar chart of % positive with 95% intervals (and the benchmark) for one question.

    Takes the output of :func:`summarise`; hidden figures are labelled "c". Returns a
    matplotlib Figure.
    """
    if "disclosure" not in summary.attrs:
        raise ValueError("summary has not been through disclosure control")
    rows = summary[summary["question_id"] == question_id]
    if rows.empty:
        raise KeyError(f"question {question_id!r} not in the summary")
    labels = rows[group].astype(str).tolist() if group else ["All respondents"]
    pct = rows["pct_positive"].astype(float).to_numpy()
    lo = rows["ci_lower"].astype(float).to_numpy()
    hi = rows["ci_upper"].astype(float).to_numpy()
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(rows)))
    y = np.arange(len(rows))
    ax.barh(y, np.nan_to_num(pct), color="#4472a8")
    err = np.vstack([pct - lo, hi - pct])
    ax.errorbar(pct, y, xerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3)
    for yi, v in zip(y, pct):
        if np.isnan(v):
            ax.text(1, yi, disclosure.SUPPRESSED_MARK + " (too few answers)", va="center")
    bench = rows["benchmark"].astype(float).dropna()
    if len(bench):
        ax.axvline(bench.iloc[0], color="#c0504d", linestyle="--", label=f"Benchmark {bench.iloc[0]:.0f}%")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% positive (bars: 95% confidence interval)")
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_ward_map(wards, summary: pd.DataFrame, question_id: str, *, code_col: str = "ward24_code",
                  name_col: str | None = None):
    """Choropleth of % positive by ward (wards with hidden figures hatched grey).

    ``wards`` is a GeoDataFrame with ``code_col`` (and optionally ``name_col``) and
    geometry. Returns a matplotlib Figure.
    """
    if "disclosure" not in summary.attrs:
        raise ValueError("summary has not been through disclosure control")
    if code_col not in wards.columns:
        raise KeyError(f"wards has no column {code_col!r}")
    rows = summary[summary["question_id"] == question_id]
    if rows.empty or "ward24_code" not in rows:
        raise KeyError(f"no by-ward figures for question {question_id!r}")
    values = rows.set_index("ward24_code")["pct_positive"].astype(float)
    gdf = wards.copy()
    gdf["pct_positive"] = gdf[code_col].map(values)
    fig, ax = plt.subplots(figsize=(6, 6))
    gdf.plot(ax=ax, column="pct_positive", cmap="Blues", legend=True, vmin=0, vmax=100, edgecolor="black",
             missing_kwds={"color": "lightgrey", "hatch": "///", "label": "too few answers"},
             legend_kwds={"label": "% positive"})
    if name_col and name_col in gdf:
        for _, r in gdf.iterrows():
            p = r.geometry.representative_point()
            ax.annotate(str(r[name_col]), (p.x, p.y), ha="center", fontsize=8)
    ax.set_axis_off()
    fig.tight_layout()
    plt.close(fig)
    return fig
