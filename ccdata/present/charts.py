"""Charts for the pages. Each takes a tidy frame and returns a matplotlib Figure.

The pages embed them as SVG (:func:`ccdata.present.blocks.svg_markup`), so they are
drawn for a narrow column: about 540 CSS pixels wide at their natural size, with text
of 11 points or more, legends above the plot and several panels stacked, so that on a
390-pixel phone screen, where a chart shrinks to fit, its text is still legible.
Colours come from seaborn's colour-blind-safe palette, and each area also has its
own bar hatching, so nothing depends on colour alone (and a black-and-white print
still tells the bars apart); the numbers behind each chart are shown in a table beside
it. Charts never read files.
"""
from __future__ import annotations

import functools
import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # notebooks and batch runs render off-screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.backends.backend_svg import RendererSVG  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from ccdata import cache  # noqa: E402
from ccdata.analysis import disclosure  # noqa: E402

PALETTE = "colorblind"
AREA_ORDER = ("place", "la", "england")
#: Natural width of every chart, in inches (72 points, 96 CSS pixels each).
WIDTH = 5.6
#: Text sizes in points at that width: at a 390-pixel phone width the chart is drawn at
#: about two thirds of its size, and 11-point text is then still above 10 CSS pixels high.
STYLE = {"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "xtick.labelsize": 11,
         "ytick.labelsize": 11, "legend.fontsize": 11, "figure.titlesize": 13,
         "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6,
         "svg.fonttype": "none"}
#: Hatching of the bars of the place, its local authority and England (beside colour).
HATCHES = ("", "///", "xx")  # dots ("...") would add 140 KB of circles to each chart
#: Characters per line of a wrapped category label beside a bar.
LABEL_CHARS = 28
#: Size of the text of a chart's key (the legend's), in points.
KEY_FONT = STYLE["legend.fontsize"]
#: Space around a chart and between its parts, in inches (as constrained layout leaves).
PAD = 3 / 72


def _styled(build):
    """Draw a chart with :data:`STYLE` (and leave the caller's settings as they were)."""
    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            return build(*args, **kwargs)
    return wrapper


@cache.pure("single")
def _measurer() -> RendererSVG:
    """The renderer text is measured with to lay charts out: the SVG backend's, which
    writes the pages' charts (one, kept, so that the sizes of texts every chart repeats,
    such as tick labels and area names, are measured once)."""
    return RendererSVG(1, 1, io.StringIO())


def _fit(fig: plt.Figure, key: _Key | None = None) -> plt.Figure:
    """Place the axes of a one-column chart around their text, once, before it is saved.

    The axes (stacked one above the other) get the width their tick labels and axis
    labels leave, the key (or the figure's legend) keeps the top, and the rest is shared out
    equally, with :data:`PAD` around each part: the layout constrained layout makes,
    but constrained layout makes it at every save by drawing the whole figure an extra
    time. Here the text is measured once (again only if the new size changes the ticks).
    """
    renderer, axes = _measurer(), fig.axes
    for ax in axes:
        # the tick locator sizes labels from the settings at the time it runs, and the chart
        # is saved outside the chart style: fixed here, the ticks measured are the ticks saved
        ax.tick_params(axis="x", which="both", labelsize=plt.rcParams["xtick.labelsize"])
        ax.tick_params(axis="y", which="both", labelsize=plt.rcParams["ytick.labelsize"])
    width, height = fig.get_size_inches()
    dpi = fig.dpi
    fig.set_dpi(72)  # the SVG renderer measures in points
    try:
        for _ in range(3):
            ticks = [(list(ax.get_xticks()), list(ax.get_yticks())) for ax in axes]
            legend = max((leg.get_window_extent(renderer).height for leg in fig.legends), default=0.0) / 72
            if key is not None:
                legend = max(legend, key.place(renderer) / 72)
            sides = []  # inches the text of each axes takes to its left, right, top and bottom
            for ax in axes:
                # as constrained layout measures: without the width of the title and the x label
                box, tight = ax.bbox, ax.get_tightbbox(renderer, for_layout_only=True)
                sides.append([max(0.0, v) / 72 for v in (box.x0 - tight.x0, tight.x1 - box.x1,
                                                         tight.y1 - box.y1, box.y0 - tight.y0)])
            left = PAD + max(s[0] for s in sides)
            right = PAD + max(s[1] for s in sides)
            top = (legend + 2 * PAD if legend else 0.0) + PAD + sides[0][2]
            gaps = [below[3] + above[2] + 2 * PAD for below, above in zip(sides, sides[1:])]
            each = (height - top - PAD - sides[-1][3] - sum(gaps)) / len(axes)
            if each <= 0 or width - left - right <= 0:
                raise ValueError("the chart's text leaves no room for its plot: make the figure larger")
            y = height - top
            for ax, gap in zip(axes, [*gaps, 0.0]):
                ax.set_position((left / width, (y - each) / height, (width - left - right) / width, each / height))
                y -= each + gap
            if ticks == [(list(ax.get_xticks()), list(ax.get_yticks())) for ax in axes]:
                break
        for ax in axes:  # an x label wider than its plot moves as far as it must to stay on the figure
            label = ax.xaxis.label
            if label.get_text():
                half = label.get_window_extent(renderer).width / 72 / 2
                plot = width - left - right
                centre = min(max(left + plot / 2, PAD + half), width - PAD - half)
                label.set_x((centre - left) / plot if 2 * half < width - 2 * PAD else (width / 2 - left) / plot)
    finally:
        fig.set_dpi(dpi)
    return fig


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


def _wrap(text, width: int = LABEL_CHARS) -> str:
    return textwrap.fill(str(text), width, break_long_words=False, break_on_hyphens=False)


def _means(data: pd.DataFrame, category: str, value: str) -> dict:
    """Mean ``value`` of each (category, area name) pair, missing values left out (what
    ``pivot_table`` gives, at a fraction of its cost on a frame of a few dozen rows)."""
    sums: dict = {}
    for key, name, v in zip(data[category], data["area_name"], data[value]):
        if not (pd.isna(key) or pd.isna(v)):
            total = sums.setdefault((key, name), [0.0, 0])
            total[0] += float(v)
            total[1] += 1
    return {k: total / n for k, (total, n) in sums.items()}


def _bars(ax, where: np.ndarray, lengths: np.ndarray, thickness: float, horizontal: bool, **style) -> None:
    """Bars from zero, centred on ``where``, as ``ax.bar`` (``ax.barh``) draws them.

    ``bar`` works out the data limits from each bar's outline, one bar at a time (most
    of its time); the limits of a row of rectangles are known: they are set once here.
    """
    for at, length in zip(where, lengths):
        if horizontal:
            bar = Rectangle((0.0, at - thickness / 2), length, thickness, label="_nolegend_", **style)
            bar.sticky_edges.x.append(0.0)
        else:
            bar = Rectangle((at - thickness / 2, 0.0), thickness, length, label="_nolegend_", **style)
            bar.sticky_edges.y.append(0.0)
        ax.add_artist(bar)  # add_patch would work out the limits again
    across = (float(np.min(where)) - thickness / 2, float(np.max(where)) + thickness / 2)
    along = (min(0.0, float(np.min(lengths))), max(0.0, float(np.max(lengths))))
    corners = [(along[0], across[0]), (along[1], across[1])] if horizontal else \
        [(across[0], along[0]), (across[1], along[1])]
    ax.update_datalim(corners)
    ax.autoscale()  # limits from the data, when they are next needed


def _grouped_bars(ax, data: pd.DataFrame, category: str, value: str, names: list[str],
                  horizontal: bool = False) -> list[dict]:
    """One bar per area in each category (categories in their order in ``data``);
    returns each area's bar style (colour and hatching) with its name as ``label``."""
    categories = list(dict.fromkeys(data[category]))
    means = _means(data, category, value)
    colours = sns.color_palette(PALETTE, len(names))
    step = 0.8 / len(names)
    handles = []
    for i, name in enumerate(names):
        heights = np.array([means.get((c, name), 0.0) for c in categories])
        where = np.arange(len(categories)) - 0.4 + step * (i + 0.5)
        style = {"facecolor": colours[i], "hatch": HATCHES[i % len(HATCHES)], "edgecolor": "white",
                 "linewidth": 0}
        _bars(ax, where, heights, step, horizontal, **style)
        handles.append({**style, "label": name})
    ticks = np.arange(len(categories))
    if horizontal:
        ax.set_yticks(ticks, [_wrap(c) for c in categories])
        ax.invert_yaxis()
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    else:
        ax.set_xticks(ticks, [str(c) for c in categories])
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    return handles


@dataclass
class _Key:
    """The key above a chart: a title, and a swatch and a label for each area.

    It shows what a figure legend (``loc="outside upper left"``, ``ncols=1``) showed,
    drawn as plain patches and text: a legend works out the sizes of its parts several
    times at every draw, which took a sixth of a dashboard chart's time. Its text sizes
    are in points (:data:`KEY_FONT`, the title 13), the rest in units of the font size.
    """

    fig: plt.Figure
    title: Text | None
    rows: list[tuple[Rectangle, Text]]

    def place(self, renderer) -> float:
        """Put the key at the figure's top left; returns the points it takes from the top."""
        width, height = self.fig.get_size_inches() * 72
        edge = 0.6 * KEY_FONT  # from the figure's top and left edges
        y, gap = edge, 0.25 * KEY_FONT  # between the title and each line
        if self.title is not None:
            self.title.set_position((edge / width, 1 - y / height))
            y += self.title.get_window_extent(renderer).height + gap
        for swatch, label in self.rows:
            swatch.set_bounds(edge / width, 1 - (y + 0.83 * KEY_FONT) / height, 1.6 * KEY_FONT / width,
                              0.83 * KEY_FONT / height)
            label.set_position(((edge + 2.4 * KEY_FONT) / width, 1 - y / height))
            y += label.get_window_extent(renderer).height + gap
        return y - gap + 0.4 * KEY_FONT


def _key_above(fig, handles: list[dict], title: str | None = None) -> _Key:
    """The key above the plot, one area a line, so it never hides a bar or widens the
    chart; the chart's title heads it. ``handles`` are the bars' styles, each with its
    area's ``label``; :func:`_fit` places it."""
    head = None if title is None else fig.text(0, 1, title, fontsize=13, fontweight="bold", va="top", ha="left")
    rows = []
    for handle in handles:
        style = {k: v for k, v in handle.items() if k != "label"}
        swatch = fig.add_artist(Rectangle((0, 0), 0, 0, transform=fig.transFigure, **style))
        rows.append((swatch, fig.text(0, 1, handle["label"], fontsize=KEY_FONT, va="top", ha="left")))
    return _Key(fig, head, rows)


@_styled
def decile_chart(dist: pd.DataFrame, value: str = "pct_residents") -> plt.Figure:
    """Share of residents (or LSOAs) in each national IMD decile, per area and edition.

    ``dist`` is :func:`ccdata.analysis.deprivation.decile_distribution` output (one or two
    editions stacked); editions are drawn one above the other, on the same scale.
    """
    _require(dist, ["edition", "area", "area_name", "decile", value], "decile_chart")
    editions = list(dict.fromkeys(dist["edition"]))
    fig, axes = plt.subplots(len(editions), 1, figsize=(WIDTH, 2.3 * len(editions) + 1.2), sharey=True,
                             squeeze=False)
    names = _area_names(dist)
    handles = []
    for ax, edition in zip(axes[:, 0], editions):
        sub = dist[dist["edition"] == edition].sort_values("decile", kind="stable")
        handles = _grouped_bars(ax, sub, "decile", value, names)
        ax.set_title(str(edition), loc="left")
        ax.set_ylabel("% of residents" if value == "pct_residents" else "% of LSOAs")
    axes[-1, 0].set_xlabel("National decile (1 = most deprived 10%)")
    return _fit(fig, _key_above(fig, handles))


@_styled
def composition_chart(comp: pd.DataFrame, title: str) -> plt.Figure:
    """Horizontal bars: share of each category, place beside its LA and England."""
    _require(comp, ["area", "area_name", "label", "pct"], "composition_chart")
    lines = [_wrap(c).count("\n") + 1 for c in dict.fromkeys(comp["label"])]
    rows = sum(max(0.42, 0.2 * n + 0.08) for n in lines)  # inches: three bars, or the label's lines
    fig, ax = plt.subplots(figsize=(WIDTH, rows + 1.65))
    handles = _grouped_bars(ax, comp, "label", "pct", _area_names(comp), horizontal=True)
    ax.set_xlabel("% of total")
    return _fit(fig, _key_above(fig, handles, title=_wrap(title, 48)))


@_styled
def age_chart(kids: pd.DataFrame) -> plt.Figure:
    """Children and young people by age band as a share of residents, per area."""
    _require(kids, ["area", "area_name", "age band", "pct"], "age_chart")
    data = kids[kids["age band"] != "0-19"]
    fig, ax = plt.subplots(figsize=(WIDTH, 3.5))
    handles = _grouped_bars(ax, data, "age band", "pct", _area_names(data))
    ax.set_ylabel("% of residents")
    ax.set_xlabel("Age band (years)")
    return _fit(fig, _key_above(fig, handles))


@_styled
def indicator_chart(frame: pd.DataFrame) -> plt.Figure:
    """Place value with its 95% interval for each indicator, with England marked.

    Each indicator's name is written in full above its own line of the chart, so the
    chart stays narrow however long the names are.
    """
    _require(frame, ["indicator", "title", "area", "value", "lower", "upper", "status"], "indicator_chart")
    ok = frame[frame["status"] == "ok"]
    place = ok[ok["area"] == "place"].set_index("indicator")
    england = ok[ok["area"] == "england"].set_index("indicator")["value"]
    if place.empty:
        raise ValueError("indicator_chart: no indicator has a place value")
    colours = sns.color_palette(PALETTE)
    labels = [_wrap(t, 56) for t in place["title"]]
    line = 0.19  # inches a line of 11-point text takes
    tops, y, centres = [], 0.08, []
    for text in labels:
        tops.append(y)
        centres.append(y + line * (text.count("\n") + 1) + 0.1)
        y = centres[-1] + 0.16
    top, bottom = 0.95, 0.62  # inches for the legend and the scale above, the scale below
    height = y + top + bottom
    fig = plt.figure(figsize=(WIDTH, height))
    ax = fig.add_axes((0.03, bottom / height, 0.94, y / height))
    ax.set_ylim(y, 0)
    ax.set_xlim(0, max(100.0, float(place["upper"].max())))
    values = place["value"].to_numpy(dtype=float)
    ax.errorbar(values, centres, xerr=[values - place["lower"].to_numpy(dtype=float),
                                       place["upper"].to_numpy(dtype=float) - values],
                fmt="o", color=colours[0], capsize=3, markersize=6, label="This place (95% interval)")
    eng = np.array([england.get(i, np.nan) for i in place.index], dtype=float)
    ax.scatter(eng, centres, marker="|", s=260, linewidths=2.2, color=colours[3], label="England", zorder=3)
    transform = matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData)
    for text, y_top in zip(labels, tops):
        ax.text(0, y_top, text, transform=transform, va="top", ha="left", fontsize=11)
    for c in centres:
        ax.axhline(c, color="#ececec", linewidth=0.6, zorder=0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.tick_params(top=True, labeltop=True)
    ax.set_xlabel("% (the same scale above and below)")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0 + 0.5 / y), ncols=2, frameon=False, borderaxespad=0)
    return fig


@_styled
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
    labels = [_wrap(v) for v in labels]
    lines = sum(v.count("\n") + 1 for v in labels)
    fig, ax = plt.subplots(figsize=(WIDTH, 1.5 + 0.3 * len(rows) + 0.2 * lines))
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
        fig.legend(loc="outside upper left", frameon=False)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% positive (lines: 95% confidence interval)")
    plt.close(fig)
    return _fit(fig)


@_styled
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
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH), layout="constrained")
    gdf.plot(ax=ax, column="pct_positive", cmap="Blues", legend=True, vmin=0, vmax=100, edgecolor="black",
             missing_kwds={"color": "lightgrey", "hatch": "///", "label": "too few answers"},
             legend_kwds={"label": "% positive", "shrink": 0.7})
    if name_col and name_col in gdf:
        for _, r in gdf.iterrows():
            p = r.geometry.representative_point()
            ax.annotate(str(r[name_col]), (p.x, p.y), ha="center", fontsize=11)
    ax.set_axis_off()
    plt.close(fig)
    return fig
