"""Deprivation summaries for a place, its local authority and England.

Ranks and deciles are national (1 = most deprived) and are never averaged: an area
is described by the *distribution* of its LSOAs and residents across deciles, by the
share of LSOAs in the most deprived 10%, and by the MHCLG "extent" measure.
IoD2019 is shown on LSOA 2021 through the crosswalk in :mod:`ccdata.geo.geography`.
"""
from __future__ import annotations

import pandas as pd

from ccdata.errors import MissingDataError
from ccdata.geo.geography import imd_extent, share_most_deprived

EDITIONS = {"iod2019": "IoD 2019", "iod2025": "IoD 2025"}
#: LSOAs ranked nationally in each edition (England).
N_NATIONAL = {"iod2019": 32_844, "iod2025": 33_755}
#: Domain columns (``<domain>_rank``/``_decile``) with the labels readers see.
DOMAINS = {"imd": "Index of Multiple Deprivation", "income": "Income", "employment": "Employment",
           "education": "Education, skills and training", "health": "Health and disability",
           "crime": "Crime", "barriers": "Barriers to housing and services",
           "living_env": "Living environment",
           "idaci": "Income deprivation affecting children (IDACI)",
           "idaopi": "Income deprivation affecting older people (IDAOPI)"}
POPULATION_NOTE = ("Residents are Census 2021 usual residents of each LSOA 2021 (TS007A total), "
                   "for both editions, so the two editions are compared on the same population.")


def _check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {list(EDITIONS)}, not {edition!r}")
    return edition


def lsoa_population(place) -> pd.Series | None:
    """Census 2021 usual residents per LSOA 2021 (whole country), or ``None`` if not fetched."""
    try:
        ts = place.table("census21_ts007a")
    except MissingDataError:
        return None
    return ts.set_index("lsoa21_code")["total"].astype("Float64")


def area_frames(place, edition: str) -> dict[str, pd.DataFrame]:
    """The edition's LSOA rows for the place, its LA and England, keyed by area id."""
    _check_edition(edition)
    return {area.id: place.deprivation(edition, area=area.id) for area in place.areas()}


def decile_distribution(place, edition: str, column: str = "imd_decile") -> pd.DataFrame:
    """Share of LSOAs and of residents in each national decile, per area.

    Returns
    -------
    DataFrame
        ``edition, area, area_name, decile, lsoas, residents, pct_lsoas, pct_residents``
        (ten rows per area; ``residents`` missing when Census TS007A is not fetched).
    """
    _check_edition(edition)
    pop = lsoa_population(place)
    names = {a.id: a.name for a in place.areas()}
    rows = []
    for area, frame in area_frames(place, edition).items():
        if column not in frame:
            raise MissingDataError(f"{EDITIONS[edition]} has no column {column!r} for this place")
        data = frame[["lsoa21_code", column]].copy()
        data["residents"] = data["lsoa21_code"].map(pop) if pop is not None else pd.NA
        n = len(data)
        total_pop = data["residents"].sum(min_count=1) if pop is not None else pd.NA
        for decile in range(1, 11):
            sel = data[data[column] == decile]
            # a decile with no LSOAs has no residents (0%, not missing); min_count=1 keeps a
            # decile whose LSOAs all lack a population missing rather than zero
            residents = (sel["residents"].sum(min_count=1 if len(sel) else 0)
                         if pop is not None else pd.NA)
            rows.append({"edition": EDITIONS[edition], "area": area, "area_name": names[area],
                         "decile": decile, "lsoas": len(sel), "residents": residents,
                         "pct_lsoas": 100 * len(sel) / n if n else float("nan"),
                         "pct_residents": (100 * residents / total_pop
                                           if pop is not None and total_pop and not pd.isna(residents)
                                           else float("nan"))})
    return pd.DataFrame(rows)


def summary(place, edition: str) -> pd.DataFrame:
    """Headline deprivation measures per area.

    Columns: ``area, area_name, lsoas, pct_lsoas_most_deprived_10, extent,
    pct_lsoas_idaci_most_deprived_10, median_imd_rank``. ``extent`` is the MHCLG
    measure (share of residents in the most deprived 30% of LSOAs, weighted from 1 at
    the 10% line to 0 at 30%), computed from Census 2021 residents.
    """

    _check_edition(edition)
    pop = lsoa_population(place)
    names = {a.id: a.name for a in place.areas()}
    rows = []
    for area, frame in area_frames(place, edition).items():
        row = {"edition": EDITIONS[edition], "area": area, "area_name": names[area], "lsoas": len(frame),
               "pct_lsoas_most_deprived_10": 100 * share_most_deprived(frame["imd_decile"], 1)
               if len(frame) else float("nan"),
               "median_imd_rank": float(frame["imd_rank"].median()) if len(frame) else float("nan")}
        if pop is not None and len(frame):
            weights = frame["lsoa21_code"].map(pop)
            row["extent"] = 100 * imd_extent(frame["imd_rank"], weights, N_NATIONAL[edition])
        else:
            row["extent"] = float("nan")
        if "idaci_decile" in frame and len(frame):
            row["pct_lsoas_idaci_most_deprived_10"] = 100 * share_most_deprived(frame["idaci_decile"], 1)
        else:
            row["pct_lsoas_idaci_most_deprived_10"] = float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def lsoa_table(place, edition: str) -> pd.DataFrame:
    """One row per place LSOA: ward, IMD rank and decile, and every domain decile published."""
    _check_edition(edition)
    frame = place.deprivation(edition)
    geo = place.table("lsoa21_geography")[["lsoa21_code", "lsoa21_name", "ward24_name"]]
    out = geo[geo["lsoa21_code"].isin(place.lsoa21)].merge(frame, on="lsoa21_code", how="left",
                                                            suffixes=("", "_iod"))
    cols = {"lsoa21_code": "LSOA 2021", "lsoa21_name": "LSOA name", "ward24_name": "Ward (2024)",
            "imd_rank": "IMD rank"}
    for key, label in DOMAINS.items():
        if f"{key}_decile" in out:
            cols[f"{key}_decile"] = f"{label} decile" if key != "imd" else "IMD decile"
    if "method" in out:
        cols["method"] = "How derived"
    return out[list(cols)].rename(columns=cols).sort_values("IMD rank").reset_index(drop=True)


def compare_editions(place) -> pd.DataFrame:
    """Each place LSOA's IMD decile in 2019 (on LSOA 2021) and 2025, and the change."""
    a = place.deprivation("iod2019")[["lsoa21_code", "imd_decile"]].rename(
        columns={"imd_decile": "IMD decile 2019"})
    b = place.deprivation("iod2025")[["lsoa21_code", "imd_decile"]].rename(
        columns={"imd_decile": "IMD decile 2025"})
    out = a.merge(b, on="lsoa21_code", how="outer").rename(columns={"lsoa21_code": "LSOA 2021"})
    out["Change (deciles; negative = more deprived)"] = out["IMD decile 2025"] - out["IMD decile 2019"]
    return out.sort_values("LSOA 2021").reset_index(drop=True)
