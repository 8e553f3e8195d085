"""Census 2021 rows of every local authority and of England: published where ONS published the area.

A geography aggregation for the processed table ``census_comparators``
(:func:`ccdata.geo.build.make_census_comparators`), which :meth:`ccdata.geo.places.Place.census`
reads for a place's comparators. Each 2024 authority takes the local authority table ONS
published for the same area (an authority formed by merging whole ones, the sum of their
published rows); any other authority, or every one when that table is absent, is the sum of
its LSOAs. England is the published country row, else the sum of the English LSOAs. Pure
functions on DataFrames (no file I/O).
"""
from __future__ import annotations

import pandas as pd

from ccdata.schemas import check_frame

#: Code of England in the published Census country tables.
ENGLAND_CODE = "E92000001"
#: How a comparator row was made (column ``method`` of ``census_comparators``).
PUBLISHED, COMBINED, SUMMED = "published", "published, combined", "sum of LSOAs"
COMPARATOR_COLUMNS = ["dataset", "area", "area_code", "area_name", "method", "note", "n_lsoas",
                      "n_missing_cells", "category", "count"]


def comparator_rows(dataset: str, lsoa: pd.DataFrame, geography: pd.DataFrame,
                    lsoa_lad22: pd.Series | None = None, ltla: pd.DataFrame | None = None,
                    country: pd.DataFrame | None = None) -> pd.DataFrame:
    """Local authority (2024 boundaries) and England rows of one Census table.

    Each authority takes the published local authority table where ONS published it
    for the same area: an authority unchanged since the census keeps its row (under
    its 2024 code); one formed by merging whole authorities (Cumberland, North
    Yorkshire, Somerset ...) is the sum of the published rows of the authorities it
    replaced. Any other authority, or every one when the published table is absent,
    is the sum of its LSOAs. England is the published country row, else the sum of
    the English LSOAs. ``note`` says which, in plain words.

    Parameters
    ----------
    dataset : str
        Registry id of the LSOA table (``census21_ts054``), written to column ``dataset``.
    lsoa : DataFrame
        The LSOA table: ``lsoa21_code`` and whole-number category columns.
    geography : DataFrame
        ``lsoa21_code, lad24_code, lad24_name`` (the ``lsoa21_geography`` table).
    lsoa_lad22 : Series, optional
        The 2022 local authority of each LSOA 2021 (indexed by ``lsoa21_code``), from
        the ONS LSOA 2011 -> 2021 -> LAD 2022 lookup; says which published authority
        areas equal which 2024 ones. Without it a 2024 code found in the published
        table is taken to be the same area.
    ltla, country : DataFrame, optional
        The published local authority (``ltla21_code`` ...) and country
        (``ctry21_code`` ...) tables with the same categories.

    Returns
    -------
    DataFrame
        :data:`COMPARATOR_COLUMNS`, one row per area and category; ``count`` is a
        whole number (``Int64``; missing where a cell is suppressed).

    Raises
    ------
    TypeError, ValueError
        A table that is not a DataFrame, or lacks the columns read (named).
    """
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be a registry id (a string), not {type(dataset).__name__}")
    check_frame(lsoa, f"the LSOA table of {dataset}", ["lsoa21_code"])
    check_frame(geography, "geography", ["lsoa21_code", "lad24_code", "lad24_name"])
    for name, other in (("ltla", ltla), ("country", country)):
        if other is not None:
            check_frame(other, name)
    values = [c for c in lsoa.columns if c not in ("lsoa21_code", "lsoa21_name")]
    frame = lsoa.merge(geography[["lsoa21_code", "lad24_code", "lad24_name"]], on="lsoa21_code", how="inner")
    rows: list[dict] = []

    def emit(area, code, name, method, note, n_lsoas, record: pd.Series, n_missing):
        for col in values:
            value = record.get(col, pd.NA)
            rows.append({"dataset": dataset, "area": area, "area_code": code, "area_name": name,
                         "method": method, "note": note, "n_lsoas": n_lsoas, "n_missing_cells": n_missing,
                         "category": col, "count": value})

    published = None
    if ltla is not None and set(values) <= set(ltla.columns):
        published = ltla.set_index("ltla21_code")
    lad22_of = None
    if lsoa_lad22 is not None:
        lad22_of = lsoa_lad22[~lsoa_lad22.index.duplicated()]
    sources_of = _published_sources(geography.set_index("lsoa21_code")["lad24_code"], lad22_of, published)
    single = _published_records(published, values)
    n_lsoas_of = geography["lad24_code"].value_counts()
    # every authority's sum and missing cells at once (a loop over ~300 authorities of each
    # table, each filtering the whole country, took most of `ccdata build`'s Census time)
    keys = [frame["lad24_code"], frame["lad24_name"]]
    sums = frame[values].groupby(keys, sort=True).sum(min_count=1)
    missing = frame[values].isna().groupby(keys, sort=True).sum().sum(axis=1)
    for (code, name), total in zip(sums.index, sums.to_dict("records")):
        n_lsoas = int(n_lsoas_of.get(code, 0))
        sources = sources_of.get(code, [])
        if len(sources) == 1 and single is not None:
            record, n_missing = single[sources[0]]
            emit("la", code, name, PUBLISHED, f"{name}: as published by ONS for the local authority.",
                 n_lsoas, record, n_missing)
            continue
        if sources:
            rec = published.loc[sources, values]
            n_missing = int(rec.isna().sum().sum())
            if len(sources) == 1:
                emit("la", code, name, PUBLISHED, f"{name}: as published by ONS for the local authority.",
                     n_lsoas, rec.iloc[0], n_missing)
                continue
            former = _and([str(published.loc[s, "ltla21_name"]) for s in sources])
            note = (f"{name}: the sum of the figures ONS published for {former}, the former "
                    f"authorities that now make up {name}.")
            emit("la", code, name, COMBINED, note, n_lsoas, rec.sum(min_count=1), n_missing)
            continue
        if published is None:
            why = "the table for local authorities is not available here"
        else:
            why = (f"ONS published this table for the authorities of 2021, and {name} is not made of "
                   "whole authorities of 2021")
        note = f"{name}: the sum of its neighbourhoods ({why})."
        emit("la", code, name, SUMMED, note, n_lsoas, total, int(missing[(code, name)]))
    england = frame[frame["lsoa21_code"].str.startswith("E")]
    n_england = int(geography["lsoa21_code"].str.startswith("E").sum())
    # England's country code is E92 (E92000001; the fictional demo country has another E92 code)
    eng = None if country is None else country[country["ctry21_code"].astype(str).str.startswith("E92")]
    if eng is not None and len(eng) == 1 and set(values) <= set(country.columns):
        rec = eng.iloc[0]
        emit("england", str(rec["ctry21_code"]), "England", PUBLISHED,
             "England: as published by ONS for the country.", n_england, rec[values], int(rec[values].isna().sum()))
    elif not england.empty:
        emit("england", ENGLAND_CODE, "England", SUMMED,
             "England: the sum of its neighbourhoods (the table for England is not available here).",
             n_england, england[values].sum(min_count=1), int(england[values].isna().sum().sum()))
    out = pd.DataFrame(rows, columns=COMPARATOR_COLUMNS)
    out["count"] = pd.array(out["count"].tolist(), dtype="Int64") if len(out) else out["count"].astype("Int64")
    out["n_lsoas"] = out["n_lsoas"].astype("Int64")
    out["n_missing_cells"] = out["n_missing_cells"].astype("Int64")
    return out


def _published_sources(lad24_of: pd.Series, lad22_of: pd.Series | None,
                       published: pd.DataFrame | None) -> dict[str, list[str]]:
    """For each 2024 authority, the published authority codes whose union is exactly it
    (authorities with none are left out).

    ``lad24_of`` is the 2024 authority of each LSOA 2021 (indexed by ``lsoa21_code``),
    ``lad22_of`` the 2022 authority of each. A former authority counts only when all of
    its LSOAs lie in the one 2024 authority and ONS published it; every LSOA of the 2024
    authority must have a former one.
    """
    if published is None:
        return {}
    if lad22_of is None:
        return {code: [code] for code in pd.unique(lad24_of) if code in published.index}
    ours = pd.DataFrame({"lad24": lad24_of.to_numpy(), "lad22": lad22_of.reindex(lad24_of.index).to_numpy()})
    incomplete = set(ours.loc[ours["lad22"].isna(), "lad24"])
    theirs = pd.DataFrame({"lad22": lad22_of.to_numpy(), "lad24": lad24_of.reindex(lad22_of.index).to_numpy()})
    # the one 2024 authority holding every LSOA of a former authority (none when it was split,
    # or when one of its LSOAs has no 2024 authority here)
    whole = {old: (lad24.iloc[0] if lad24.notna().all() and lad24.nunique() == 1 else None)
             for old, lad24 in theirs.groupby("lad22", sort=False)["lad24"]}
    found = {}
    for code, olds in ours.dropna(subset=["lad22"]).groupby("lad24", sort=False)["lad22"]:
        former = sorted(set(olds))
        if code not in incomplete and all(whole.get(old) == code and old in published.index for old in former):
            found[code] = former
    return found


def _published_records(published: pd.DataFrame | None, values: list[str]) -> dict | None:
    """Each published authority's row of ``values`` and its count of missing cells, by code
    (``None`` without the table, or when a code appears twice and must be read with ``.loc``)."""
    if published is None or not published.index.is_unique:
        return None
    cells = published[values]
    return dict(zip(cells.index, zip(cells.to_dict("records"), cells.isna().sum(axis=1).astype(int))))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
