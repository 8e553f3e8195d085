"""Who lives here: Census 2021 compositions for a place, its LA and England.

The place's counts are summed over its LSOAs and shares recomputed from the sums.
The local authority and England use the tables ONS publishes for them where they
are available (:func:`comparator_rows`, computed once per build into the processed
table ``census_comparators``), and sums of their LSOAs otherwise, with a note:
Census 2021 counts are perturbed for disclosure control, so small counts are noisy
and LSOA sums differ slightly from the published totals.
"""
from __future__ import annotations

import re
import warnings

import pandas as pd

from ccdata import sources
from ccdata.errors import CcdataError, MissingDataError
from ccdata.geo import build
from ccdata.geo.places import CENSUS_AREA_COLUMNS

#: Census tables shown in "Who lives here", with the heading readers see.
TOPICS = {
    "census21_ts007a": "Age",
    "census21_ts003": "Household composition",
    "census21_ts021": "Ethnic group",
    "census21_ts054": "Tenure",
    "census21_ts067": "Highest level of qualification",
    "census21_ts066": "Economic activity",
    "census21_ts037": "General health",
    "census21_ts011": "Households by dimensions of deprivation",
    "census21_ts045": "Car or van availability",
    "census21_ts062": "Socio-economic classification (NS-SeC)",
}
#: Code of England in the published Census country tables.
ENGLAND_CODE = "E92000001"
#: How a comparator row was made (column ``method`` of ``census_comparators``).
PUBLISHED, COMBINED, SUMMED = "published", "published, combined", "sum of LSOAs"
COMPARATOR_COLUMNS = ["dataset", "area", "area_code", "area_name", "method", "note", "n_lsoas",
                      "n_missing_cells", "category", "count"]
#: Children and young people bands available at LSOA level (TS007A five-year bands).
CHILD_BANDS = {
    "0-4": ["aged_4_years_and_under"],
    "5-9": ["aged_5_to_9_years"],
    "10-14": ["aged_10_to_14_years"],
    "15-19": ["aged_15_to_19_years"],
    "0-19": ["aged_4_years_and_under", "aged_5_to_9_years", "aged_10_to_14_years", "aged_15_to_19_years"],
}
#: The Children's Communities' own bands, from single years of age (TS007, local authorities).
SINGLE_YEAR_BANDS = {"0-4": range(0, 5), "5-10": range(5, 11), "11-15": range(11, 16),
                     "16-19": range(16, 20), "0-19": range(0, 20)}
CHILD_BANDS_NOTE = ("Census 2021 publishes ages for LSOAs in five-year bands (TS007A), so children "
                    "are shown as 0-4, 5-9, 10-14 and 15-19; single years of age (for 5-10, 11-15, "
                    "16-19) are published only for local authorities and larger areas.")
PERTURBATION_NOTE = ("Census 2021 counts are slightly adjusted by ONS to protect confidentiality: "
                     "small counts are noisy and the place's sums may differ a little from "
                     "published totals.")


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
    """
    if "lsoa21_code" not in lsoa.columns:
        raise ValueError(f"{dataset}: the LSOA table needs an lsoa21_code column")
    needed = {"lsoa21_code", "lad24_code", "lad24_name"}
    if not needed <= set(geography.columns):
        raise ValueError(f"geography needs columns {sorted(needed)}")
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
    geo = geography.set_index("lsoa21_code")
    for (code, name), grp in frame.groupby(["lad24_code", "lad24_name"], sort=True):
        n_lsoas = int((geography["lad24_code"] == code).sum())
        sources = _published_sources(code, geo, lad22_of, published)
        if published is not None and sources:
            rec = published.loc[sources, values]
            total = rec.sum(min_count=1) if len(sources) > 1 else rec.iloc[0]
            n_missing = int(rec.isna().sum().sum())
            if len(sources) == 1:
                note = f"{name}: as published by ONS for the local authority."
                method = PUBLISHED
            else:
                former = _and([str(published.loc[s, "ltla21_name"]) for s in sources])
                note = (f"{name}: the sum of the figures ONS published for {former}, the former "
                        f"authorities that now make up {name}.")
                method = COMBINED
            emit("la", code, name, method, note, n_lsoas, total, n_missing)
            continue
        if published is None:
            why = "the table for local authorities is not available here"
        else:
            why = (f"ONS published this table for the authorities of 2021, and {name} is not made of "
                   "whole authorities of 2021")
        note = f"{name}: the sum of its neighbourhoods ({why})."
        emit("la", code, name, SUMMED, note, n_lsoas, grp[values].sum(min_count=1),
             int(grp[values].isna().sum().sum()))
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


def _published_sources(code: str, geo: pd.DataFrame, lad22_of: pd.Series | None,
                       published: pd.DataFrame | None) -> list[str]:
    """Published authority codes whose union is exactly the 2024 authority ``code`` (or [])."""
    if published is None:
        return []
    if lad22_of is None:
        return [code] if code in published.index else []
    lsoas = geo.index[geo["lad24_code"] == code]
    former = set(lad22_of.reindex(lsoas).dropna())
    if not former or lad22_of.reindex(lsoas).isna().any():
        return []
    # each former authority must lie wholly inside this one, and be published
    for old in former:
        theirs = lad22_of.index[lad22_of == old]
        if (geo["lad24_code"].reindex(theirs) != code).any() or old not in published.index:
            return []
    return sorted(former)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _depth_labels(labels: dict[str, str]) -> dict[str, int]:
    """How deep each category is in the published hierarchy (1 = top level)."""
    parts = {slug: [p.strip() for p in str(label).split(":")] for slug, label in labels.items()}
    # the published label may still carry the table prefix ("Tenure of household: ...")
    firsts = {p[0] for p in parts.values() if len(p) > 1}
    strip = 1 if len(firsts) == 1 and all(len(p) > 1 for p in parts.values()) else 0
    return {slug: len(p) - strip for slug, p in parts.items()}


def composition(place, dataset: str, top_level: bool = True) -> pd.DataFrame:
    """Counts and shares of each category of a Census table, per area.

    Parameters
    ----------
    place : Place
    dataset : str
        A Census registry id (``census21_ts054``) or table code (``ts054``).
    top_level : bool
        Only the top-level categories (``Owned``, ``Social rented`` ...) rather than
        their sub-categories, so the shares add up to 100%.

    Returns
    -------
    DataFrame
        ``area, area_name, category, label, count, total, pct, note``: counts and
        totals are whole numbers (``Int64``); ``note`` says how the area's figures
        were made (published table or sum of neighbourhoods).

    Raises
    ------
    MissingDataError
        If the table has not been fetched for the place's collection.
    """
    dataset = dataset if dataset.startswith("census21_") else f"census21_{dataset.lower()}"
    sums = place.census(dataset, area="all")
    labels = sums.attrs.get("labels", {})

    value_cols = [c for c in sums.columns if c not in CENSUS_AREA_COLUMNS and c != "total"]
    if labels and top_level:
        depth = _depth_labels({c: labels.get(c, c) for c in value_cols})
        value_cols = [c for c in value_cols if depth.get(c, 1) == 1 and "total" not in c]
    rows = []
    for rec in sums.to_dict("records"):
        for col in value_cols:
            total = rec.get("total")
            count = rec[col]
            known = not (pd.isna(count) or pd.isna(total)) and total > 0
            rows.append({"area": rec["area"], "area_name": rec["area_name"], "category": col,
                         "label": _short_label(labels.get(col, col)), "count": count, "total": total,
                         "pct": 100 * count / total if known else float("nan"), "note": rec.get("note", "")})
    out = pd.DataFrame(rows, columns=["area", "area_name", "category", "label", "count", "total", "pct", "note"])
    for col in ("count", "total"):
        out[col] = pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    if sums.attrs.get("total_note"):
        out.attrs["total_note"] = sums.attrs["total_note"]
    return out


#: NS-SEC class codes at the start of a Census label ("L14.1 and L14.2 Never worked ..."):
#: the codes mean nothing to a reader; the words after them say it.
_NSSEC_CODES = re.compile(r"^L\d+(?:\.\d+)?(?:(?:,| and| to)\s*L\d+(?:\.\d+)?)*\s*:?\s*")


def _short_label(label: str) -> str:
    parts = [p.strip() for p in str(label).split(":")]
    short = parts[-1] if parts else str(label)
    plain = _NSSEC_CODES.sub("", short)
    return plain[:1].upper() + plain[1:] if plain else short


def children(place) -> pd.DataFrame:
    """Children and young people by age band for the place, LA and England (TS007A)."""
    sums = place.census("census21_ts007a", area="all")
    missing = sorted({c for cols in CHILD_BANDS.values() for c in cols} - set(sums.columns))
    if missing:
        raise MissingDataError(f"census21_ts007a lacks column(s) {missing}")
    rows = []
    for rec in sums.to_dict("records"):
        for band, cols in CHILD_BANDS.items():
            count = sum(rec[c] for c in cols)
            total = rec["total"]
            known = not (pd.isna(count) or pd.isna(total)) and total > 0
            rows.append({"area": rec["area"], "area_name": rec["area_name"], "age band": band,
                         "children": count, "residents": total,
                         "pct": 100 * count / total if known else float("nan")})
    out = pd.DataFrame(rows)
    for col in ("children", "residents"):
        out[col] = pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    return out


def _single_year_column(age: int) -> str:
    return "aged_under_1_year" if age == 0 else ("aged_1_year" if age == 1 else f"aged_{age}_years")


def children_single_year(place) -> pd.DataFrame:
    """Children by the 0-4 / 5-10 / 11-15 / 16-19 / 0-19 bands for the LA and England.

    Census 2021 TS007 publishes single years of age for local authorities (not for
    LSOAs, so not for the place). England is the sum of the English authorities.

    Returns
    -------
    DataFrame
        ``area, area_name, age band, children, residents, pct``.

    Raises
    ------
    MissingDataError
        When TS007 (local authorities) is not fetched, lacks a single-year column, or
        has no row for the place's local authority.
    """
    ts = place.table("census21_ts007_ltla")
    needed = [_single_year_column(a) for a in range(20)]
    absent = [c for c in needed if c not in ts.columns]
    if absent:
        raise MissingDataError(f"census21_ts007_ltla lacks single-year column(s) {absent[:5]}")
    la = ts[ts["ltla21_code"] == place.lad_code]
    if la.empty:
        raise MissingDataError(f"census21_ts007_ltla has no row for {place.lad_code} ({place.lad_name})")
    england = ts[ts["ltla21_code"].astype(str).str.startswith("E")]
    names = {a.id: a.name for a in place.areas()}
    rows = []
    for area, frame in (("la", la), ("england", england)):
        residents = int(frame["total"].sum())
        for band, ages in SINGLE_YEAR_BANDS.items():
            count = int(frame[[_single_year_column(a) for a in ages]].to_numpy().sum())
            rows.append({"area": area, "area_name": names[area], "age band": band, "children": count,
                         "residents": residents, "pct": 100 * count / residents if residents else float("nan")})
    out = pd.DataFrame(rows)
    for col in ("children", "residents"):
        out[col] = out[col].astype("Int64")
    return out


def headline(place) -> dict[str, object]:
    """Headline figures for the place: residents, children 0-19, LSOAs, wards."""
    out: dict[str, object] = {"LSOAs (2021)": len(place.lsoa21)}
    if not place.wards.empty:
        out["Wards"] = len(place.wards)
    try:
        kids = children(place)
    except MissingDataError:
        return out
    p = kids[kids["area"] == "place"].set_index("age band")
    out["Residents (Census 2021)"] = int(p.loc["0-19", "residents"])
    out["Children and young people 0-19"] = int(p.loc["0-19", "children"])
    out["Share aged 0-19"] = f"{p.loc['0-19', 'pct']:.1f}%"
    return out


# --------------------------------------------------------------------------- the cached comparator table
_CENSUS_LSOA = tuple(d.id for d in sources.REGISTRY.values()
                     if d.loader == "census_bulk" and d.geography == "lsoa21")


def make_comparators(collection: str) -> pd.DataFrame:
    """Local authority and England rows of every fetched Census table (see
    :func:`comparator_rows`): the published tables where available, else
    sums of LSOAs. Computed once per build so each place reads its rows."""
    geography = build.table("lsoa21_geography", collection)
    lad22 = None
    if build.is_fetched("lookup_lsoa11_lsoa21", collection):
        lookup = build.table("lookup_lsoa11_lsoa21", collection)
        lad22 = lookup.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["lad22_code"]
    parts = []
    for dataset_id in _CENSUS_LSOA:
        if not build.is_fetched(dataset_id, collection):
            continue
        try:
            lsoa = build.table(dataset_id, collection)
            level = {}
            for suffix in ("ltla", "ctry"):
                other = f"{dataset_id}_{suffix}"
                level[suffix] = (build.table(other, collection) if other in sources.REGISTRY
                                 and build.is_fetched(other, collection) else None)
        except CcdataError as exc:  # one unreadable table never hides the others' comparators
            warnings.warn(f"census_comparators: {dataset_id} left out: {exc}", stacklevel=2)
            continue
        parts.append(comparator_rows(dataset_id, lsoa, geography, lad22, level["ltla"], level["ctry"]))
    if not parts:
        raise MissingDataError("no Census LSOA table is fetched")
    return pd.concat(parts, ignore_index=True)


#: Built by `ccdata build` once per build, read by every place's profile and indicators.
COMPARATORS_STEP = build.register_step(build.Step("census_comparators", ("lookup_lsoa21_ward24",), make_comparators,
             optional=("lookup_lsoa11_lsoa21",) + tuple(d for d in sources.REGISTRY if d.startswith("census21_")),
             description="Census local authority and England rows (published tables where available)"))
