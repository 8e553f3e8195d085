"""Who lives here: Census 2021 compositions for a place, its LA and England.

The place's counts are summed over its LSOAs and shares recomputed from the sums.
The local authority and England use the tables ONS publishes for them where they
are available (:func:`ccdata.geo.censusareas.comparator_rows`, computed once per build
into the processed table ``census_comparators``), and sums of their LSOAs otherwise, with a note:
Census 2021 counts are perturbed for disclosure control, so small counts are noisy
and LSOA sums differ slightly from the published totals.
"""
from __future__ import annotations

import re

import pandas as pd

from ccdata.errors import MissingDataError
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
