"""How much the coarser LSOA boundaries move postcodes: BGC against BSC where both are held.

Where the data folder holds the detailed (BGC) boundaries, it also holds the
super-generalised (BSC) ones, so the two can be compared: every Code-Point Open
postcode inside a BGC polygon is placed again with the BSC polygons, and the share
placed in a different LSOA is what a place drawn with BSC alone should expect at
its edges. The processed table ``lsoa21_boundary_shift`` holds the measurement, one
row per region of the BGC set (and a row for all of them); the asset page's adviser
notes state it.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ccdata.errors import MissingDataError
from ccdata.geo.lsoabounds import BGC_ID, BSC_ID
from ccdata.io import load
from ccdata.io import postcodes as codepoint
from ccdata.io.fetch import raw_files
from ccdata.schemas import check_frame

#: The ten authorities of Greater Manchester (the mirror's BGC subset), LAD 2024 codes.
GREATER_MANCHESTER = frozenset(f"E080000{n:02d}" for n in range(1, 11))
#: Columns of the shift table.
COLUMNS = ["region", "postcodes", "changed", "outside_bsc", "share_changed"]


def region_of(lad_code: str, lad_name: str = "") -> str:
    """The region a BGC LSOA is reported under: London, Greater Manchester, else its authority."""
    if not isinstance(lad_code, str):
        raise TypeError(f"lad_code must be a string, not {type(lad_code).__name__}")
    if lad_code.startswith("E09"):
        return "London"
    if lad_code in GREATER_MANCHESTER:
        return "Greater Manchester"
    return lad_name or lad_code


def _first_hit(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> pd.Series:
    """LSOA code of each point (lowest code on a shared edge; missing outside every polygon)."""
    joined = gpd.sjoin(points[["geometry"]], polygons[["lsoa21_code", "geometry"]], how="left",
                       predicate="intersects")
    joined = joined.reset_index().sort_values(["index", "lsoa21_code"]).drop_duplicates("index")
    return joined.set_index("index")["lsoa21_code"].reindex(points.index)


def measure_shift(points: pd.DataFrame, detailed: gpd.GeoDataFrame, coarse: gpd.GeoDataFrame,
                  regions: pd.Series) -> pd.DataFrame:
    """Share of points whose LSOA changes between the detailed and the coarse boundaries.

    Parameters
    ----------
    points : DataFrame
        ``easting, northing`` (EPSG:27700); rows without both are ignored.
    detailed, coarse : GeoDataFrame
        ``lsoa21_code, geometry`` in EPSG:27700 (BGC and BSC).
    regions : Series
        Region name per detailed LSOA code (index: ``lsoa21_code``).

    Returns
    -------
    DataFrame
        ``region, postcodes, changed, outside_bsc, share_changed`` for each region
        and a last row ``All``: points inside a detailed polygon, how many the coarse
        set places in another LSOA (``outside_bsc``: in none), and the share.
    """
    check_frame(points, "points", ("easting", "northing"))
    for name, frame in (("detailed", detailed), ("coarse", coarse)):
        check_frame(frame, name, ("lsoa21_code",))
        if not isinstance(frame, gpd.GeoDataFrame):
            raise TypeError(f"{name} must be a GeoDataFrame (LSOA 2021 polygons), not {type(frame).__name__}")
    xy = points[["easting", "northing"]].apply(pd.to_numeric, errors="coerce").dropna()
    pts = gpd.GeoDataFrame(index=pd.RangeIndex(len(xy)),
                           geometry=gpd.points_from_xy(xy["easting"].to_numpy(float),
                                                       xy["northing"].to_numpy(float)), crs=27700)
    fine = _first_hit(pts, detailed.to_crs(27700))
    pts = pts[fine.notna()]
    fine = fine[fine.notna()].astype(str)
    coarse_code = _first_hit(pts, coarse.to_crs(27700))
    frame = pd.DataFrame({"region": fine.map(regions).fillna("elsewhere").astype(str),
                          "changed": (coarse_code.astype("string") != fine.astype("string")).fillna(True),
                          "outside": coarse_code.isna()})
    rows = []
    for region, part in [*sorted(frame.groupby("region")), ("All", frame)]:
        n = len(part)
        rows.append({"region": region, "postcodes": n, "changed": int(part["changed"].sum()),
                     "outside_bsc": int(part["outside"].sum()),
                     "share_changed": float(part["changed"].sum() / n) if n else np.nan})
    return pd.DataFrame(rows, columns=COLUMNS)


def make_boundary_shift(collection: str) -> pd.DataFrame:
    """The processed ``lsoa21_boundary_shift`` table from the fetched BGC, BSC, Code-Point and lookup.

    Raises
    ------
    MissingDataError
        When Code-Point Open holds no zip.
    """
    from ccdata.geo.build import table  # the cache module imports this one's step

    detailed, coarse = load(BGC_ID, collection), load(BSC_ID, collection)
    geo = table("lsoa21_geography", collection).drop_duplicates("lsoa21_code").set_index("lsoa21_code")
    regions = pd.Series([region_of(str(c), str(n)) for c, n in zip(geo["lad24_code"], geo["lad24_name"])],
                        index=geo.index)
    zips = [p for p in raw_files("os_codepoint_open", collection) if p.suffix.lower() == ".zip"]
    if not zips:
        raise MissingDataError("Code-Point Open holds no zip")
    # only the postcode areas whose box meets a region's box can hold its postcodes
    boxes = []
    for _, part in detailed.assign(_r=detailed["lsoa21_code"].map(regions)).groupby("_r"):
        boxes.append(part.total_bounds)
    bounds = codepoint.area_bounds(zips[0])
    wanted = {a for a, x0, y0, x1, y1 in bounds[["area", "min_easting", "min_northing", "max_easting",
                                                   "max_northing"]].itertuples(index=False)
              if any(x0 <= b[2] and x1 >= b[0] and y0 <= b[3] and y1 >= b[1] for b in boxes)}
    points = codepoint.read_areas(zips[0], wanted)
    out = measure_shift(points, detailed, coarse, regions)
    out.attrs["notes"] = {"postcode_areas_read": sorted(wanted)}
    return out


def shift_sentence(shift: pd.DataFrame) -> str:
    """The measurement in one adviser sentence (per region and overall)."""
    check_frame(shift, "shift (the lsoa21_boundary_shift table)", COLUMNS)
    parts = [f"{r.region} {r.changed:,} of {r.postcodes:,} ({r.share_changed:.1%})"
             for r in shift.itertuples() if r.region != "All"]
    total = shift[shift["region"] == "All"]
    overall = (f"; overall {int(total['changed'].iloc[0]):,} of {int(total['postcodes'].iloc[0]):,} "
               f"({float(total['share_changed'].iloc[0]):.1%})") if len(total) else ""
    return ("Postcodes placed in a different LSOA by the super-generalised (BSC) boundaries than by the "
            "generalised (BGC) ones, measured with every Code-Point Open postcode where the data folder holds "
            "both: " + "; ".join(parts) + overall + ".")
