"""The spread of every indicator over England's local authorities, for the spine chart.

Each indicator of ``indicators.yaml`` is evaluated for every English local authority
of April 2024 (LAD 2024: 296 authorities): Census tables, published per neighbourhood,
are summed over each authority's neighbourhoods with the ONS LSOA 2021 -> LAD 2024
lookup (the Census authority files are on 2022 boundaries), and the rate recomputed
from the sums; DWP's children in low income families are published per LAD 2024 and
read as they are (the denominator implied by the count and percentage).

:func:`spine` then sets each of the place's indicators against that spread: the
lowest and highest authority, the middle half (the 25th to 75th percentile), England,
the place's own authority (as the indicator table gives it), and the place with its
interval and verdict. Pure functions on the processed tables; no file is written.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ccdata.analysis import child_poverty, indicators
from ccdata.errors import MissingDataError
from ccdata.geo import build
from ccdata.schemas import check_frame

#: Columns of :func:`authority_values`.
VALUE_COLUMNS = ["indicator", "lad24_code", "lad24_name", "numerator", "denominator", "value"]
#: Columns of :func:`spine`.
SPINE_COLUMNS = ["indicator", "title", "polarity", "place", "lower", "upper", "band", "la", "england",
                 "lowest", "q1", "q3", "highest", "authorities", "left_word", "right_word"]
#: An indicator whose table covers less of England's neighbourhoods than this is left out
#: of the spread (a local download of one area cannot stand for the country).
MIN_COVERAGE = 0.95
SPREAD_METHOD = ("The spread of English local authorities is over the {n} authorities of April 2024 "
                 "(LAD 2024). Census tables are published for neighbourhoods and for 2022 authorities, so each "
                 "2024 authority's figure is the sum of its neighbourhoods (ONS LSOA 2021 to LAD 2024 lookup) "
                 "with the rate recomputed from the sums; an authority's figure here can differ slightly from "
                 "its published one. Children in low income families are DWP's published 2024 authority "
                 "figures. The middle band runs from the 25th to the 75th percentile of the authorities.")


def _england_lsoas(geo: pd.DataFrame) -> pd.DataFrame:
    need = {"lsoa21_code", "lad24_code", "lad24_name"}
    if not need <= set(geo.columns):
        raise ValueError(f"the LSOA geography lacks {sorted(need - set(geo.columns))}")
    return geo.loc[geo["lad24_code"].astype(str).str.startswith("E"), ["lsoa21_code", "lad24_code", "lad24_name"]]


def census_values(table: pd.DataFrame, geo: pd.DataFrame, ind: indicators.Indicator) -> pd.DataFrame:
    """One indicator for every English LAD 2024, summed from a Census table of LSOA 2021 rows.

    Raises
    ------
    MissingDataError
        When the table lacks a column of the indicator or covers less than
        :data:`MIN_COVERAGE` of England's neighbourhoods.
    """
    cols = list(ind.numerator + ind.denominator)
    absent = [c for c in ["lsoa21_code", *cols] if c not in table.columns]
    if absent:
        raise MissingDataError(f"{ind.source} lacks column(s) {absent} for {ind.id}")
    lsoas = _england_lsoas(geo)
    joined = lsoas.merge(table[["lsoa21_code", *dict.fromkeys(cols)]], on="lsoa21_code", how="left")
    known = joined[cols].notna().all(axis=1)
    if known.mean() < MIN_COVERAGE:
        raise MissingDataError(f"{ind.source} covers {known.mean():.0%} of England's neighbourhoods; "
                               f"the spread of authorities needs {MIN_COVERAGE:.0%}")
    joined = joined[known]  # a neighbourhood with a missing cell is left out of both sides
    num = joined[list(ind.numerator)].astype("int64").sum(axis=1)
    den = joined[list(ind.denominator)].astype("int64").sum(axis=1)
    sums = pd.DataFrame({"lad24_code": joined["lad24_code"], "lad24_name": joined["lad24_name"],
                         "numerator": num, "denominator": den}).groupby(["lad24_code", "lad24_name"],
                                                                         as_index=False).sum()
    return _finish(sums, ind.id)


def dwp_values(la_table: pd.DataFrame, ind: indicators.Indicator) -> pd.DataFrame:
    """Children in low income families for every English LAD 2024, as published."""
    table = child_poverty.implied_population(la_table)
    cols = list(ind.numerator + ind.denominator)
    absent = [c for c in cols if c not in table.columns]
    if absent:
        raise MissingDataError(f"the DWP authority table lacks {absent} for {ind.id}")
    eng = table[table["lad24_code"].astype(str).str.startswith("E")]
    eng = eng[eng[cols].notna().all(axis=1)]
    sums = pd.DataFrame({"lad24_code": eng["lad24_code"], "lad24_name": eng.get("lad24_name", eng["lad24_code"]),
                         "numerator": eng[list(ind.numerator)].astype("int64").sum(axis=1),
                         "denominator": eng[list(ind.denominator)].astype("int64").sum(axis=1)})
    return _finish(sums, ind.id)


def _finish(sums: pd.DataFrame, ind_id: str) -> pd.DataFrame:
    sums = sums[sums["denominator"] > 0].copy()
    sums["value"] = 100 * sums["numerator"] / sums["denominator"]
    sums.insert(0, "indicator", ind_id)
    for col in ("numerator", "denominator"):
        sums[col] = sums[col].astype("Int64")
    return sums[VALUE_COLUMNS].reset_index(drop=True)


def authority_values(collection: str, items: list[indicators.Indicator] | None = None) -> tuple[pd.DataFrame, dict]:
    """Every indicator for every English local authority (LAD 2024).

    Returns
    -------
    values, reasons : DataFrame, dict
        ``values`` has :data:`VALUE_COLUMNS`; ``reasons`` maps an indicator left out
        to why (a table not fetched, too few neighbourhoods).
    """
    items = indicators.definitions() if items is None else items
    frames, reasons = [], {}
    for ind in items:
        try:
            if ind.source.startswith("census21_"):
                frames.append(build.derived(f"authority spread {ind.id}", (ind.source, "lsoa21_geography"),
                                            collection, lambda t, g, ind=ind: census_values(t, g, ind)))
            elif ind.source == "dwp_cilif_ward":
                frames.append(build.derived(f"authority spread {ind.id}", ("dwp_cilif_la",), collection,
                                            lambda t, ind=ind: dwp_values(t, ind)))
            else:
                reasons[ind.id] = f"no authority figures are defined for {ind.source}"
        except MissingDataError as exc:
            reasons[ind.id] = str(exc).split(";")[0]
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=VALUE_COLUMNS)
    return values, reasons


def spine(frame: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Each indicator of the place set against the spread of authorities.

    Parameters
    ----------
    frame : DataFrame
        The place's indicator table (:func:`ccdata.analysis.indicators.compute`): the
        place's value, interval and verdict, its authority's and England's values.
    values : DataFrame
        :func:`authority_values`.

    Returns
    -------
    DataFrame
        :data:`SPINE_COLUMNS`, one row per indicator with a place value and a spread;
        ``left_word``/``right_word`` name the sides ("worse"/"better", or
        "lower"/"higher" for an indicator without a direction; the worse side is
        drawn on the left).
    """
    check_frame(frame, "frame", ("indicator", "title", "area", "value", "lower", "upper", "band", "polarity", "status"),
                made_by="ccdata.analysis.indicators.compute()")
    check_frame(values, "values", VALUE_COLUMNS, made_by="authority_values()")
    ok = frame[frame["status"] == indicators.OK]
    rows = []
    for ind, grp in ok.groupby("indicator", sort=False):
        areas = grp.set_index("area")
        spread = values.loc[values["indicator"] == ind, "value"].to_numpy(dtype=float)
        if "place" not in areas.index or "england" not in areas.index or len(spread) == 0:
            continue
        p = areas.loc["place"]
        polarity = p["polarity"]
        left, right = {"lower_is_better": ("worse", "better"), "higher_is_better": ("worse", "better")}.get(
            polarity, ("lower", "higher"))
        rows.append({"indicator": ind, "title": p["title"], "polarity": polarity, "place": float(p["value"]),
                     "lower": float(p["lower"]), "upper": float(p["upper"]), "band": p["band"],
                     "la": float(areas.loc["la", "value"]) if "la" in areas.index else float("nan"),
                     "england": float(areas.loc["england", "value"]),
                     "lowest": float(spread.min()), "q1": float(np.percentile(spread, 25)),
                     "q3": float(np.percentile(spread, 75)), "highest": float(spread.max()),
                     "authorities": int(len(spread)), "left_word": left, "right_word": right})
    return pd.DataFrame(rows, columns=SPINE_COLUMNS)


def for_place(place) -> tuple[pd.DataFrame, dict, str]:
    """The spine of a place: :func:`spine` on its indicator table, the reasons for any
    indicator left out, and the method in words for the adviser notes."""
    values, reasons = authority_values(place.collection)
    table = spine(indicators.compute(place), values)
    n = int(values.groupby("indicator")["lad24_code"].nunique().max()) if len(values) else 0
    return table, reasons, SPREAD_METHOD.format(n=n)
