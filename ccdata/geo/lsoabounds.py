"""LSOA 2021 boundaries for every LSOA: the most detailed set the data folder holds for each.

Two registry datasets hold LSOA 2021 polygons: ``boundaries_lsoa21`` (ONS BGC,
generalised to 20 m; online the whole country, in the mirror three regional
subsets) and ``boundaries_lsoa21_bsc`` (ONS BSC, super generalised, all of England
and Wales). The processed table ``boundaries_lsoa21`` takes each LSOA from the BGC
set when it is there and from the BSC set otherwise, and says which in the column
``generalisation``. Where a BSC polygon overlaps a BGC one (the two sets draw the
shared edge differently), the detailed polygon wins: the overlap is cut from the
BSC polygon. A point that then falls in a sliver between the two sets is placed in
the nearest LSOA within :data:`GAP_M` metres by :func:`ccdata.geo.geocode.locate`.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from ccdata.errors import MissingDataError, Problem
from ccdata.io import attach_exclusions, load
from ccdata.io.fetch import read_manifest
from ccdata.schemas import check_frame

#: Registry ids, most detailed first.
BGC_ID, BSC_ID = "boundaries_lsoa21", "boundaries_lsoa21_bsc"
#: What each generalisation is, in words a partner can read (the map's key says it).
GENERALISATION_TEXT = {
    "BGC": "generalised: simplified to within 20 m of the surveyed line",
    "BSC": "super-generalised: simplified to within about 200 m of the surveyed line, so their edges are "
           "only approximate",
}
#: Metres within which a point in a gap between the two sets goes to the nearest LSOA.
GAP_M = 50.0


def _fetched(dataset_id: str, collection: str) -> bool:
    return bool(read_manifest(dataset_id, collection).get("files"))


def merge_boundaries(detailed: gpd.GeoDataFrame | None, coarse: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """One polygon per LSOA: the detailed set's where it has one, the coarse set's otherwise.

    Parameters
    ----------
    detailed, coarse : GeoDataFrame or None
        ``lsoa21_code, lsoa21_name, geometry`` in the same CRS (either may be
        ``None``, not both). ``detailed`` is BGC, ``coarse`` BSC.

    Returns
    -------
    GeoDataFrame
        ``lsoa21_code, lsoa21_name, generalisation, geometry``, sorted by code.
        Coarse polygons that overlap detailed ones have the overlap cut out;
        ``attrs["trimmed"]`` counts them, and a coarse polygon left with no area
        is excluded and listed (``attrs["exclusions"]``). ``attrs["generalisation"]``
        counts LSOAs per set.

    Raises
    ------
    MissingDataError
        When both are ``None``.
    ValueError
        When a frame lacks a column or the two CRSs differ.
    """
    frames = {k: f for k, f in (("BGC", detailed), ("BSC", coarse)) if f is not None}
    if not frames:
        raise MissingDataError("no LSOA 2021 boundaries are fetched (neither the BGC nor the BSC set)")
    for kind, frame in frames.items():
        if not isinstance(frame, gpd.GeoDataFrame):
            raise TypeError(f"the {kind} boundaries must be a GeoDataFrame, not {type(frame).__name__}")
        check_frame(frame, f"the {kind} boundaries", ("lsoa21_code", "geometry"))
    if len(frames) == 2 and detailed.crs != coarse.crs:
        raise ValueError(f"the BGC and BSC boundaries are in different CRSs ({detailed.crs} and {coarse.crs})")
    problems: list[Problem] = []
    parts = []
    crs = next(iter(frames.values())).crs
    if detailed is not None:
        parts.append(detailed.assign(generalisation="BGC"))
    trimmed = 0
    if coarse is not None:
        rest = coarse
        if detailed is not None:
            rest = coarse[~coarse["lsoa21_code"].isin(set(detailed["lsoa21_code"]))]
        rest = rest.reset_index(drop=True).copy()
        if detailed is not None and len(rest) and len(detailed):
            # only the coarse polygons along the edge of the detailed set can overlap it
            left, right = detailed.sindex.query(rest.geometry, predicate="intersects")
            geoms = rest.geometry.to_numpy().copy()
            hits = pd.Series(right).groupby(left).agg(list)
            dgeoms = detailed.geometry.to_numpy()
            for i, js in hits.items():
                cut = shapely.difference(geoms[i], shapely.union_all(dgeoms[js]))
                if not shapely.equals(cut, geoms[i]):
                    geoms[i] = cut
                    trimmed += 1
            rest["geometry"] = gpd.GeoSeries(geoms, crs=crs)
            empty = rest.geometry.is_empty | (rest.geometry.area < 1.0)
            for _, row in rest[empty].iterrows():
                problems.append(Problem(BSC_ID, None, "geometry", "the super-generalised polygon lies wholly "
                                        "inside the detailed set's polygons; excluded", row["lsoa21_code"]))
            rest = rest[~empty]
        parts.append(rest.assign(generalisation="BSC"))
    cols = ["lsoa21_code", "lsoa21_name", "generalisation", "geometry"]
    out = pd.concat([p.reindex(columns=cols) for p in parts], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=crs).sort_values("lsoa21_code").reset_index(drop=True)
    out["generalisation"] = out["generalisation"].astype("string")
    counts = {k: int(v) for k, v in out["generalisation"].value_counts().items()}
    out.attrs["trimmed"] = trimmed
    out.attrs["generalisation"] = counts
    # recorded in the table's provenance sidecar (geo.build writes attrs["notes"] there)
    out.attrs["notes"] = {"generalisation": counts, "bsc_polygons_trimmed_where_bgc_overlaps": trimmed,
                          "gap_rule": f"a point between the two sets goes to the nearest LSOA within {GAP_M:g} m"}
    return attach_exclusions(out, problems)


def make_lsoa21_boundaries(collection: str) -> gpd.GeoDataFrame:
    """The processed ``boundaries_lsoa21`` table: BGC where fetched, BSC for the other LSOAs.

    Raises
    ------
    MissingDataError
        When neither boundary set is fetched for ``collection``.
    """
    loaded = {d: load(d, collection) if _fetched(d, collection) else None for d in (BGC_ID, BSC_ID)}
    out = merge_boundaries(loaded[BGC_ID], loaded[BSC_ID])
    # the readers' own exclusions (features without a polygon ...) stay listed with the table's
    carried = [e for f in loaded.values() if f is not None for e in f.attrs.get("exclusions", [])]
    out.attrs["exclusions"] = carried + out.attrs.get("exclusions", [])
    return out


def generalisation_sentence(lsoas) -> str:
    """How detailed the drawn boundaries are, in one or two plain sentences (empty without the column)."""
    check_frame(lsoas, "lsoas (the LSOA polygons)")
    if "generalisation" not in lsoas.columns or lsoas.empty:
        return ""
    counts = lsoas["generalisation"].astype("string").value_counts()
    kinds = [k for k in ("BGC", "BSC") if counts.get(k, 0)]
    if len(kinds) == 1:
        return (f"The neighbourhood boundaries (Office for National Statistics, December 2021) are "
                f"{GENERALISATION_TEXT[kinds[0]]}.")
    return (f"Of the neighbourhood boundaries (Office for National Statistics, December 2021), "
            f"{counts['BGC']:,} are {GENERALISATION_TEXT['BGC']}; {counts['BSC']:,} are "
            f"{GENERALISATION_TEXT['BSC']}.")
