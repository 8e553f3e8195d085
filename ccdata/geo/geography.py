"""Moving figures between geographies: LSOA -> ward -> place, extent, best fit of areas.

The LSOA 2011 -> 2021 crosswalk is :mod:`ccdata.geo.crosswalk`.

Pure functions on DataFrames; nothing here reads a file.

Three rules run through the module, because breaking any of them silently
changes what a place looks like:

* **Counts are conserved.** A count moved from LSOA 2011 to LSOA 2021 (or summed
  to a ward) adds up to exactly what went in; whole-number counts stay whole
  (largest-remainder rounding), and anything that could not be placed is listed,
  never dropped.
* **Scores are averaged with population weights; ranks and deciles never are.**
  A rank is a position in a national ordering, and the average of two positions
  is not a position of anything.
* **The boundary year is in every name** (``lsoa11_code``, ``lsoa21_code``).
"""
from __future__ import annotations

import warnings
from typing import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ccdata.errors import DataQualityWarning
from ccdata.schemas import check_frame

#: Projected CRS used for areas (British National Grid, metres).
BNG = 27700


#: IoD technical report (Appendix N) extent weights: population in the most deprived
#: 10% of LSOAs counts fully; the 11th to 30th percentiles get a sliding weight from
#: 0.95 down to 0.05 in 19 equal steps; everything less deprived counts zero.
EXTENT_FULL_PERCENTILE = 10
EXTENT_LAST_PERCENTILE = 30


# --------------------------------------------------------------------------- helpers
def weights_series(values, name: str, index_name: str) -> pd.Series | None:
    """Weights given as a Series (indexed by code), a mapping, or ``None``, as float weights.

    Parameters
    ----------
    values : Series, Mapping, two-column DataFrame or None
        Weight per code; a DataFrame must have ``index_name`` and one value column.
    name : str
        The argument's name, for messages.
    index_name : str
        The code the weights are indexed by (``"lsoa21_code"``).

    Returns
    -------
    Series or None
        ``float64`` weights indexed by code; ``None`` when ``values`` is ``None``.

    Raises
    ------
    TypeError
        ``values`` is neither a Series, a mapping nor a two-column table.
    ValueError
        A code repeats, a weight is not a number, or a weight is negative.
    """
    if values is None:
        return None
    if isinstance(values, Mapping) and not isinstance(values, pd.Series):
        values = pd.Series(values, dtype="float64")
    if isinstance(values, pd.DataFrame):
        if index_name in values.columns and values.shape[1] == 2:
            values = values.set_index(index_name).iloc[:, 0]
        else:
            raise TypeError(f"{name}: give a Series indexed by {index_name}, not a DataFrame")
    if not isinstance(values, pd.Series):
        raise TypeError(f"{name} must be a Series indexed by {index_name}, not {type(values).__name__}")
    if values.index.has_duplicates:
        dup = sorted(map(str, values.index[values.index.duplicated()].unique()))[:10]
        raise ValueError(f"{name} repeats {index_name} value(s) {dup}")
    out = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = out.isna() & values.notna()
    if bad.any():
        raise ValueError(f"{name}: not a number for {list(values.index[bad][:10])}")
    if (out < 0).any():
        raise ValueError(f"{name}: negative weight for {list(out.index[out < 0][:10])}")
    return out


def is_whole(values: np.ndarray) -> bool:
    """Whether every value that is not missing is a whole number.

    Parameters
    ----------
    values : numpy array of numbers
        Missing values are ``NaN``.

    Returns
    -------
    bool
        ``True`` when counts in ``values`` can stay whole when moved.

    Raises
    ------
    TypeError
        ``values`` is not numeric.
    """
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"is_whole needs numbers, not an array of {values.dtype}")
    values = values.astype("float64")
    finite = values[~np.isnan(values)]
    return bool(np.all(finite == np.round(finite)))


def largest_remainder(total: float, weights: np.ndarray, tiebreak: Iterable | None = None) -> np.ndarray:
    """Share a whole-number ``total`` among parts in proportion to ``weights``, exactly.

    Each part gets the floor of its exact share; the units left over go, one each,
    to the parts with the largest remainders (ties to the earlier part in
    ``tiebreak`` order, default position), so the parts always sum to ``total``.

    Parameters
    ----------
    total : int or float
        A whole number, not negative.
    weights : array-like
        Non-negative weights, not all zero.
    tiebreak : iterable, optional
        Sort keys (e.g. codes) deciding who gets a unit when remainders are equal.

    Returns
    -------
    ndarray of float
        Whole numbers summing to ``total``.

    Examples
    --------
    >>> largest_remainder(10, [1, 1, 1]).tolist()
    [4.0, 3.0, 3.0]
    """
    w = np.asarray(weights, dtype="float64")
    if total != round(total) or total < 0:
        raise ValueError(f"largest_remainder needs a whole, non-negative total, not {total!r}")
    if w.size == 0 or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError(f"weights must be finite, non-negative and not all zero: {w.tolist()}")
    exact = total * w / w.sum()
    base = np.floor(exact + 1e-9)
    left = int(round(total - base.sum()))
    remainder = exact - base
    keys = list(tiebreak) if tiebreak is not None else list(range(w.size))
    order = sorted(range(w.size), key=lambda i: (-round(remainder[i], 9), keys[i]))
    for i in order[:left]:
        base[i] += 1
    return base


# --------------------------------------------------------------------------- aggregation
def _is_positional(col: str) -> bool:
    low = col.lower()
    return low.endswith(("_rank", "_decile", "rank", "decile")) or "rank" in low.split("_") \
        or "decile" in low.split("_")


def aggregate(df: pd.DataFrame, by, counts=(), rates: Mapping | None = None,
              scores: Mapping | None = None) -> pd.DataFrame:
    """Aggregate small-area rows to larger areas (LSOA -> ward -> place).

    Parameters
    ----------
    df : DataFrame
        One row per small area.
    by : str or list of str
        Grouping column(s), e.g. ``"ward24_code"``. Rows with a missing key form
        their own group (so totals are kept) and a :class:`DataQualityWarning`
        names them.
    counts : iterable of str
        Columns summed. A group with a missing value gets a missing total
        (never a partial sum that looks complete) and is named in a warning.
    rates : dict, optional
        ``{name: (numerator_col, denominator_col)}``: the rate is recomputed from
        the summed counts, as a percentage (0-100). A zero denominator gives NaN.
    scores : dict, optional
        ``{name: (score_col, weight_col)}``: population-weighted mean score.

    Returns
    -------
    DataFrame
        ``by`` columns, then counts, rates and scores, one row per group.

    Raises
    ------
    ValueError
        Unknown columns, or a rank or decile asked for as a count, rate or score:
        ranks and deciles are positions in a national ordering and cannot be
        summed or averaged (aggregate scores, or use :func:`imd_extent` /
        :func:`share_most_deprived`).

    Examples
    --------
    >>> df = pd.DataFrame({"ward": ["a", "a"], "kids": [1, 3], "pop": [10, 10]})
    >>> aggregate(df, "ward", counts=["kids"], rates={"pct": ("kids", "pop")})["pct"].tolist()
    [20.0]
    """
    check_frame(df, "df")
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ValueError("by is empty: name the column(s) to group by")
    counts = [counts] if isinstance(counts, str) else list(counts)
    rates = dict(rates or {})
    scores = dict(scores or {})
    for kind, spec in (("rates", rates), ("scores", scores)):
        for name, pair in spec.items():
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise ValueError(f"{kind}[{name!r}] must be a pair of column names, not {pair!r}")
    asked = counts + [c for p in rates.values() for c in p] + [scores[n][0] for n in scores]
    positional = [c for c in asked if _is_positional(c)]
    if positional:
        raise ValueError(f"cannot aggregate rank/decile column(s) {positional}: ranks and deciles are "
                         "positions in a national ordering and are never summed or averaged; "
                         "aggregate the scores (population-weighted) or use imd_extent / share_most_deprived")
    needed = by + counts + [c for p in rates.values() for c in p] + [c for p in scores.values() for c in p]
    check_frame(df, "df", list(dict.fromkeys(needed)))
    clash = set(rates) | set(scores)
    clash = sorted(clash & (set(by) | set(counts)))
    if clash:
        raise ValueError(f"output name(s) {clash} clash with grouping or count columns")

    numeric_cols = list(dict.fromkeys(c for c in needed if c not in by))
    work = df[by].copy()
    for c in numeric_cols:
        values = pd.to_numeric(df[c], errors="coerce")
        bad = values.isna() & df[c].notna()
        if bad.any():
            raise ValueError(f"df: column {c!r} is not a number at rows {list(df.index[bad][:10])}")
        work[c] = values.astype("float64")
    nokey = df[by].isna().any(axis=1)
    if nokey.any():
        warnings.warn(f"aggregate: {int(nokey.sum())} row(s) have no {', '.join(by)} (rows "
                      f"{list(df.index[nokey][:10])}); kept as a group with a missing key",
                      DataQualityWarning, stacklevel=2)
    gaps = work[numeric_cols].isna()
    if gaps.any().any():
        where = [(idx, c) for c in numeric_cols for idx in work.index[gaps[c]]][:10]
        warnings.warn(f"aggregate: missing values at (row, column) {where}; groups containing them get a "
                      "missing result", DataQualityWarning, stacklevel=2)
    for name, (s, w) in scores.items():
        if (work[w] < 0).any():
            raise ValueError(f"df: weight column {w!r} is negative at rows {list(work.index[work[w] < 0][:10])}")
        work[f"__sw_{name}"] = work[s] * work[w]
    sums_cols = list(dict.fromkeys(numeric_cols + [f"__sw_{n}" for n in scores]))
    grouped = work.groupby(by, dropna=False, sort=True)[sums_cols]
    # skipna=False: one missing value makes the group's total missing, never quietly smaller
    totals = grouped.sum(min_count=1).where(~grouped.apply(lambda g: g.isna().any()), np.nan) \
        if gaps.any().any() else grouped.sum()
    out = totals[[]].copy()
    for c in counts:
        out[c] = totals[c]
    for name, (num, den) in rates.items():
        d = totals[den]
        out[name] = (100.0 * totals[num] / d).where(d > 0)
    for name, (s, w) in scores.items():
        d = totals[w]
        out[name] = (totals[f"__sw_{name}"] / d).where(d > 0)
    out = out.reset_index()
    for c in counts:
        if pd.api.types.is_integer_dtype(df[c].dtype) and out[c].notna().all():
            out[c] = out[c].round().astype(df[c].dtype)
    return out


# --------------------------------------------------------------------------- deprivation summaries
def _extent_weight(percentile: np.ndarray) -> np.ndarray:
    p = np.asarray(percentile, dtype="float64")
    step = (0.95 - 0.05) / (EXTENT_LAST_PERCENTILE - EXTENT_FULL_PERCENTILE - 1)
    sliding = 0.95 - step * (p - (EXTENT_FULL_PERCENTILE + 1))
    return np.where(p <= EXTENT_FULL_PERCENTILE, 1.0,
                    np.where(p <= EXTENT_LAST_PERCENTILE, sliding, 0.0))


def imd_extent(rank, population, n_national: int) -> float:
    """The IMD "extent" of an area: the share of its people in the most deprived LSOAs.

    Defined in the English Indices of Deprivation technical report (Appendix N,
    summary measures for larger areas). Each LSOA's national percentile is
    ``ceil(100 * rank / n_national)`` (1 = most deprived). People in the most
    deprived 10% count fully; those in the 11th to 30th percentiles get a
    sliding weight from 0.95 (11th) down by 0.9/19 per percentile to 0.05
    (30th); everyone else counts zero. The extent is the weighted population
    divided by the whole population of the area.

    Parameters
    ----------
    rank : array-like of int
        National ranks of the area's LSOAs (1 = most deprived).
    population : array-like
        Population of each LSOA (same order).
    n_national : int
        Number of LSOAs ranked nationally (32,844 for IoD2019; 33,755 for IoD2025).

    Returns
    -------
    float
        A proportion, 0-1.

    Raises
    ------
    ValueError
        Ranks outside 1..n_national, negative or zero total population, lengths
        that differ, or missing values.

    Examples
    --------
    >>> imd_extent([1, 32844], [100, 100], 32844)
    0.5
    """
    if isinstance(n_national, bool) or not isinstance(n_national, (int, np.integer)) or n_national < 1:
        raise ValueError(f"n_national must be a positive whole number of LSOAs, not {n_national!r}")
    r = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(rank)), errors="coerce"), dtype="float64")
    p = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(population)), errors="coerce"), dtype="float64")
    if r.shape != p.shape:
        raise ValueError(f"rank and population differ in length ({r.size} vs {p.size})")
    if r.size == 0:
        raise ValueError("no LSOAs given")
    if np.isnan(r).any() or np.isnan(p).any():
        raise ValueError("rank or population has missing or non-numeric values at positions "
                         f"{np.flatnonzero(np.isnan(r) | np.isnan(p))[:10].tolist()}")
    if np.any(r < 1) or np.any(r > n_national) or np.any(r != np.round(r)):
        raise ValueError(f"ranks must be whole numbers from 1 to {n_national}; got "
                         f"{r[(r < 1) | (r > n_national) | (r != np.round(r))][:10].tolist()}")
    if np.any(p < 0) or p.sum() <= 0:
        raise ValueError("population must be non-negative with a positive total")
    percentile = np.ceil(100.0 * r / n_national)
    return float(np.dot(_extent_weight(percentile), p) / p.sum())


def share_most_deprived(decile, n: int = 1) -> float:
    """Share of LSOAs in the ``n`` most deprived national deciles (decile <= n).

    Parameters
    ----------
    decile : array-like of int
        IMD deciles (1 = most deprived 10% nationally).
    n : int
        1 for the most deprived 10%, 2 for 20%, ... up to 10.

    Returns
    -------
    float
        A proportion, 0-1, of LSOAs (not people: use :func:`imd_extent` for people).

    Raises
    ------
    ValueError
        Deciles outside 1-10, missing values, ``n`` outside 1-10.

    Examples
    --------
    >>> share_most_deprived([1, 1, 2, 9])
    0.5
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 10:
        raise ValueError(f"n must be a whole number of deciles from 1 to 10, not {n!r}")
    d = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(decile)), errors="coerce"), dtype="float64")
    if d.size == 0:
        raise ValueError("no deciles given")
    bad = np.isnan(d) | (d < 1) | (d > 10) | (d != np.round(d))
    if bad.any():
        raise ValueError(f"deciles must be whole numbers 1-10; bad values at positions "
                         f"{np.flatnonzero(bad)[:10].tolist()}")
    return float(np.mean(d <= n))


# --------------------------------------------------------------------------- best fit
def best_fit_lsoas(lsoas_gdf, areas_gdf, area_col: str) -> pd.DataFrame:
    """Assign each LSOA 2021 to the area holding the largest share of its area.

    Areas are measured in British National Grid (EPSG:27700, square metres);
    both inputs are reprojected. When two areas hold the same share (to one part
    in a billion) the lower ``area_col`` code wins, so the answer never depends
    on row order.

    Parameters
    ----------
    lsoas_gdf : GeoDataFrame
        ``lsoa21_code`` and polygons, with a CRS.
    areas_gdf : GeoDataFrame
        ``area_col`` and polygons, with a CRS.
    area_col : str
        The code column of ``areas_gdf`` (e.g. ``"ward23_code"``).

    Returns
    -------
    DataFrame
        ``lsoa21_code``, ``area_code``, ``overlap_share`` (0-1, share of the LSOA's
        area in that area), ``method``. Every input LSOA appears once; one that
        overlaps no area has a missing ``area_code``, share 0 and method
        ``"no overlap"``.

    Raises
    ------
    TypeError, ValueError
        Not GeoDataFrames, missing columns, no CRS, repeated codes, empty or
        invalid geometry that cannot be repaired.
    """

    for obj, name in ((lsoas_gdf, "lsoas_gdf"), (areas_gdf, "areas_gdf")):
        if not isinstance(obj, gpd.GeoDataFrame):
            raise TypeError(f"{name} must be a GeoDataFrame, not {type(obj).__name__}")
        if obj.crs is None:
            raise ValueError(f"{name} has no CRS; set it (e.g. .set_crs(27700)) before matching areas")
    check_frame(lsoas_gdf, "lsoas_gdf", ["lsoa21_code"])
    check_frame(areas_gdf, "areas_gdf", [area_col])
    for obj, col, name in ((lsoas_gdf, "lsoa21_code", "lsoas_gdf"), (areas_gdf, area_col, "areas_gdf")):
        if obj[col].isna().any():
            raise ValueError(f"{name}: rows {list(obj.index[obj[col].isna()][:10])} have no {col}")
        if obj[col].duplicated().any():
            raise ValueError(f"{name}: {col} repeated ({sorted(obj.loc[obj[col].duplicated(), col])[:10]}); "
                             "dissolve to one polygon per code first")
    lsoa_geom = shapely.make_valid(np.asarray(lsoas_gdf.to_crs(BNG).geometry.values, dtype=object))
    area_geom = shapely.make_valid(np.asarray(areas_gdf.to_crs(BNG).geometry.values, dtype=object))
    lsoa_codes = lsoas_gdf["lsoa21_code"].astype(str).to_numpy()
    area_codes = areas_gdf[area_col].astype(str).to_numpy()
    lsoa_area = shapely.area(lsoa_geom)
    empty = np.flatnonzero(~(lsoa_area > 0))
    if empty.size:
        raise ValueError(f"lsoas_gdf: empty or zero-area geometry for {lsoa_codes[empty][:10].tolist()}")

    tree = shapely.STRtree(area_geom)
    li, ai = tree.query(lsoa_geom, predicate="intersects")
    overlap = shapely.area(shapely.intersection(lsoa_geom[li], area_geom[ai])) if li.size else np.array([])
    cand = pd.DataFrame({"i": li, "area_code": area_codes[ai] if li.size else [],
                         "share": overlap / lsoa_area[li] if li.size else []})
    cand = cand[cand["share"] > 0]
    cand["key"] = cand["share"].round(9)
    best = cand.sort_values(["i", "key", "area_code"], ascending=[True, False, True]).drop_duplicates("i")
    out = pd.DataFrame({"lsoa21_code": lsoa_codes})
    out["area_code"] = pd.Series(best.set_index("i")["area_code"]).reindex(range(len(out))).to_numpy()
    out["overlap_share"] = pd.Series(best.set_index("i")["share"]).reindex(range(len(out))).fillna(0.0).to_numpy()
    n_cands = cand.groupby("i").size().reindex(range(len(out))).fillna(0).astype(int).to_numpy()
    tied = cand.assign(top=cand.groupby("i")["key"].transform("max")).query("key == top").groupby("i").size()
    tied = tied.reindex(range(len(out))).fillna(0).astype(int).to_numpy()
    out["method"] = np.where(
        out["area_code"].isna(), "no overlap",
        np.where(tied > 1, "largest share of area (EPSG:27700); tie broken by lowest code",
                 np.where(n_cands > 1, "largest share of area (EPSG:27700)", "wholly or only in one area")))
    return out
