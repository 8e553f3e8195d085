"""Domains of deprivation, 2025 beside 2019: the share of neighbourhoods in each domain's most deprived 10%.

For each domain (and, for 2025, the children and young people sub-domain) the place,
its local authority and England are measured the way the IMD's headline figure is:
the share of LSOAs in the most deprived 10% of England on that domain (decile 1).
The local authority and England are counted on the edition's own LSOAs and
authorities (IoD 2025: LSOA 2021 and LAD 2024, so the figures equal MHCLG's published
authority summaries, ``proportion_bottom_decile``; IoD 2019: LSOA 2011 and LAD 2019),
the place on its 2021 LSOAs. Counts stay whole numbers; shares are recomputed from them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ccdata.analysis.deprivation import EDITIONS
from ccdata.errors import InputError, MissingDataError
from ccdata.geo import build
from ccdata.geo.iod2025 import domains_source
from ccdata.geo.places import iod_lsoa21
from ccdata.schemas import check_frame

#: Domains compared between editions, with the labels readers see (the IMD first).
DOMAIN_LABELS = {
    "imd": "Index of Multiple Deprivation (all domains)", "income": "Income", "employment": "Employment",
    "education": "Education, skills and training", "health": "Health and disability", "crime": "Crime",
    "barriers": "Barriers to housing and services", "living_env": "Living environment",
    "cyp": "Children and young people (education sub-domain)",
}
#: Columns of :func:`domain_shares`.
COLUMNS = ["edition", "domain", "label", "area", "area_code", "area_name", "lsoas", "lsoas_most_deprived_10",
           "pct_most_deprived_10"]


def authority_shares(frame: pd.DataFrame, lad_col: str, domains=None) -> pd.DataFrame:
    """Every authority's and England's LSOAs in each domain's most deprived 10%.

    Parameters
    ----------
    frame : DataFrame
        One row per LSOA of an edition, with ``lad_col`` and ``<domain>_decile`` columns.
    lad_col : str
        The authority code column (``lad24_code`` for IoD 2025, ``lad19_code`` for 2019).
    domains : iterable of str, optional
        Domain keys (default: those of :data:`DOMAIN_LABELS` the frame has).

    Returns
    -------
    DataFrame
        ``area_code`` (authority codes, then ``England``), ``domain``, ``lsoas``,
        ``lsoas_most_deprived_10``, ``pct_most_deprived_10`` (0-100).
    """
    check_frame(frame, "frame", [lad_col])
    domains = [d for d in (domains or DOMAIN_LABELS) if f"{d}_decile" in frame.columns]
    # counted with bincount over the factorised authority codes: a page asks for every LSOA of
    # England for two editions, and a batch for every place
    codes, lads = pd.factorize(frame[lad_col].astype(str).to_numpy())
    parts = []
    for d in domains:
        deciles = pd.to_numeric(frame[f"{d}_decile"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        held = ~np.isnan(deciles)
        if not held.any():
            continue  # an optional column left empty (a file without sub-domains)
        n = np.bincount(codes[held], minlength=len(lads))
        first = np.bincount(codes[held & (deciles == 1)], minlength=len(lads))
        parts.append(pd.DataFrame({"area_code": [*lads, "England"], "domain": d,
                                   "lsoas": [*n.tolist(), int(n.sum())],
                                   "lsoas_most_deprived_10": [*first.tolist(), int(first.sum())]}))
    if not parts:
        return pd.DataFrame(columns=["area_code", "domain", "lsoas", "lsoas_most_deprived_10",
                                     "pct_most_deprived_10"])
    out = pd.concat(parts, ignore_index=True)
    out = out[out["lsoas"] > 0].reset_index(drop=True)
    out["lsoas"] = out["lsoas"].astype("int64")
    out["lsoas_most_deprived_10"] = out["lsoas_most_deprived_10"].astype("int64")
    out["pct_most_deprived_10"] = 100 * out["lsoas_most_deprived_10"] / out["lsoas"]
    return out[["area_code", "domain", "lsoas", "lsoas_most_deprived_10", "pct_most_deprived_10"]]


def _edition_frames(place, edition: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The place's LSOA rows and the edition's own national table with its authority column."""
    place_rows = place.deprivation(edition)
    if edition == "iod2025":
        return place_rows, iod_lsoa21(edition, place.collection), "lad24_code"
    return place_rows, build.iod2019_lsoa11(place.collection), "lad19_code"


def domain_shares(place, editions=("iod2019", "iod2025")) -> pd.DataFrame:
    """Share of neighbourhoods in each domain's most deprived 10%: place, authority and England.

    Parameters
    ----------
    place : Place
    editions : sequence of {"iod2019", "iod2025"}

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one row per edition, domain and area (``place``, ``la``,
        ``england``). An authority that did not exist in an edition has no ``la`` row.
        ``attrs["source"]`` names where the 2025 domains came from
        (:data:`ccdata.geo.iod2025.SOURCE_TEXT` key) and ``attrs["missing"]`` lists
        editions that could not be read, with why.
    """
    if isinstance(editions, str):
        editions = (editions,)
    bad = [e for e in editions if e not in EDITIONS]
    if bad:
        raise InputError(f"editions must be among {list(EDITIONS)}, not {bad}")
    rows, missing = [], {}
    for edition in editions:
        try:
            place_rows, national, lad_col = _edition_frames(place, edition)
        except MissingDataError as exc:
            missing[edition] = str(exc)
            continue
        ours = authority_shares(place_rows.assign(_p="place"), "_p")
        ours = ours[ours["area_code"] == "place"].assign(area="place", area_code=place.id, area_name=place.name)
        theirs = authority_shares(national, lad_col)
        la = theirs[theirs["area_code"] == place.lad_code].assign(area="la", area_name=place.lad_name)
        eng = theirs[theirs["area_code"] == "England"].assign(area="england", area_code="E92000001",
                                                              area_name="England")
        part = pd.concat([ours, la, eng], ignore_index=True).assign(edition=EDITIONS[edition])
        rows.append(part)
    if not rows:
        out = pd.DataFrame(columns=COLUMNS)
    else:
        out = pd.concat(rows, ignore_index=True)
        out["label"] = out["domain"].map(DOMAIN_LABELS)
        out = out[COLUMNS]
    out.attrs["source"] = domains_source(place.collection)
    out.attrs["missing"] = missing
    return out
