"""Geocoding: postcodes to points, and points to LSOA 2021, ward (May 2024) and LAD 2024.

Postcodes are looked up in OS Code-Point Open (registry ``os_codepoint_open``),
reading only the postcode-area members asked for. Points are placed in an LSOA 2021
by point-in-polygon against the processed ``boundaries_lsoa21`` table; the ward and
local authority then come from the ONS best-fit lookup (``lsoa21_geography``), so a
point's ward is the ward its LSOA belongs to, consistent with every other LSOA-based
figure in ccdata.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ccdata import config
from ccdata.errors import CcdataError, DataQualityWarning
from ccdata.geo.build import table
from ccdata.geo.lsoabounds import GAP_M
from ccdata.io import postcodes as codepoint
from ccdata.io.fetch import raw_files
from ccdata.io.postcodes import is_postcode, normalise_postcode, postcode_area
from ccdata.schemas import check_frame

#: Dataset id of the postcode directory.
CODEPOINT_ID = "os_codepoint_open"
#: Status values of :func:`postcode_points`.
OK, MALFORMED, NOT_FOUND = "ok", "malformed", "not found"
#: Value of ``located`` for a row placed in an LSOA.
LOCATED = "ok"








def codepoint_path(collection: str = config.OFFICIAL) -> Path:
    """The fetched Code-Point Open zip of a collection.

    Raises
    ------
    MissingDataError
        If it has not been fetched (official) or generated (demo).
    """

    files = [p for p in raw_files(CODEPOINT_ID, collection) if p.suffix.lower() == ".zip"]
    if not files:
        raise CcdataError(f"the {CODEPOINT_ID} files of collection {collection!r} hold no zip")
    return files[0]


def postcode_points(postcodes, collection: str = config.OFFICIAL, *, source: Path | None = None) -> pd.DataFrame:
    """Look postcodes up in OS Code-Point Open.

    Parameters
    ----------
    postcodes : Series (or list) of str
        Postcodes as typed: case and spacing do not matter.
    collection : {"official", "demo"}
        Which fetched Code-Point Open file to use.
    source : Path, optional
        A Code-Point Open zip to use instead of the collection's (tests, other releases).

    Returns
    -------
    DataFrame
        Same index as ``postcodes``; columns ``postcode`` (normalised: upper case,
        one space; malformed values are shown upper-cased and trimmed),
        ``easting``, ``northing`` (EPSG:27700, Int64) and ``status``: ``ok``;
        ``malformed`` (blank, or not shaped like a UK postcode unit); or
        ``not found`` (well-formed but not in Code-Point Open, which lists live
        postcodes only, or listed without coordinates).

    Raises
    ------
    TypeError
        If ``postcodes`` is a single string or not list-like.
    MissingDataError
        If the Code-Point Open file is not there.

    Examples
    --------
    >>> postcode_points(pd.Series(["e8 1fa"]))  # doctest: +SKIP
      postcode  easting  northing status
    0   E8 1FA   534733    185230     ok
    """
    if isinstance(postcodes, (str, bytes)) or not pd.api.types.is_list_like(postcodes):
        raise TypeError("postcodes must be a Series or list of postcodes, not "
                        f"{type(postcodes).__name__}")
    config.check_collection(collection)
    series = postcodes if isinstance(postcodes, pd.Series) else pd.Series(list(postcodes), dtype=object)
    normal = series.map(normalise_postcode)
    valid = normal.map(is_postcode).astype(bool)
    shown = normal.where(valid, series.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                                           else " ".join(str(v).split()).upper() or None))
    out = pd.DataFrame({"postcode": shown.astype("string"),
                        "easting": pd.array([pd.NA] * len(series), dtype="Int64"),
                        "northing": pd.array([pd.NA] * len(series), dtype="Int64"),
                        "status": np.where(valid, NOT_FOUND, MALFORMED)}, index=series.index)
    areas = {postcode_area(p) for p in normal[valid]}
    if areas:

        path = Path(source) if source is not None else codepoint_path(collection)
        with warnings.catch_warnings():
            # postcodes listed without coordinates are reported here as "not found"
            warnings.simplefilter("ignore", DataQualityWarning)
            directory = codepoint.read_areas(path, areas)
        directory = directory.dropna(subset=["easting", "northing"]).drop_duplicates("postcode")
        xy = directory.set_index("postcode")[["easting", "northing"]]
        # a hash look-up of the few postcodes asked; ``isin`` against the 100,000s of postcodes
        # of the areas read turned each of them into a Python string first (seconds per call)
        at = pd.Series(xy.index.get_indexer(normal.where(valid).astype(object)), index=normal.index)
        hit = valid & at.ge(0)
        rows = at[hit].to_numpy()
        out.loc[hit, "easting"] = xy["easting"].to_numpy()[rows]
        out.loc[hit, "northing"] = xy["northing"].to_numpy()[rows]
        out.loc[hit, "status"] = OK
        out.attrs["source"] = path.name
    out["status"] = out["status"].astype("string")
    return out


def locate(frame: pd.DataFrame, collection: str = config.OFFICIAL, x: str = "easting", y: str = "northing",
           crs=27700, *, lsoas=None, geography: pd.DataFrame | None = None) -> pd.DataFrame:
    """Place points in LSOA 2021, ward (May 2024) and local authority (2024).

    Parameters
    ----------
    frame : DataFrame
        One row per point, with coordinate columns ``x`` and ``y``.
    collection : {"official", "demo"}
        Which processed boundaries and lookup to use.
    x, y : str
        Coordinate columns (missing values allowed: such rows are not placed).
    crs : int or str
        CRS of the coordinates (27700 British National Grid; 4326 for lon/lat,
        with ``x`` the longitude).
    lsoas : GeoDataFrame, optional
        LSOA 2021 polygons (``lsoa21_code``, geometry) to use instead of the
        processed ``boundaries_lsoa21`` table.
    geography : DataFrame, optional
        ``lsoa21_code, ward24_code, lad24_code`` to use instead of the processed
        ``lsoa21_geography`` table.

    Returns
    -------
    DataFrame
        A copy of ``frame`` (same index) with ``lsoa21_code``, ``ward24_code``,
        ``lad24_code`` and ``located``: ``"ok"``, or why the row could not be
        placed (``no coordinates``, ``outside the LSOA 2021 boundaries held``,
        ``LSOA ... not in the LSOA-ward lookup``). Unplaced rows keep missing codes.

    Raises
    ------
    TypeError, KeyError, ValueError
        If ``frame`` is not a DataFrame, lacks ``x``/``y``, or they are not numeric.
    MissingDataError
        If the boundaries or lookup are not available for ``collection``.
    """

    check_frame(frame, "frame", (x, y))
    config.check_collection(collection)
    # work by position and give the caller's index back at the end: results are written
    # by label, and a repeated label would send one point's area to every row sharing it
    labels = frame.index
    frame = frame.reset_index(drop=True)
    coords = {}
    for col in (x, y):
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() & frame[col].notna()
        if bad.any():
            first = frame.index[bad][0]
            raise ValueError(f"locate: column {col!r} is not numeric (row {labels[first]!r}: "
                             f"{frame.at[first, col]!r})")
        coords[col] = values.astype("float64")
    if lsoas is None:

        lsoas = table("boundaries_lsoa21", collection)
    if geography is None:

        geography = table("lsoa21_geography", collection)
    check_frame(lsoas, "lsoas (LSOA 2021 boundaries)", ("lsoa21_code", "geometry"))
    check_frame(geography, "geography (the lsoa21_geography table)", ("lsoa21_code", "ward24_code", "lad24_code"))

    out = frame.copy()
    for col in ("lsoa21_code", "ward24_code", "lad24_code"):
        out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["located"] = pd.Series("no coordinates", index=out.index, dtype="string")
    has_xy = coords[x].notna() & coords[y].notna() & np.isfinite(coords[x]) & np.isfinite(coords[y])
    if not has_xy.any():
        out.index = labels
        return out
    points = gpd.GeoDataFrame({"_row": np.flatnonzero(has_xy.to_numpy())},
                              geometry=gpd.points_from_xy(coords[x][has_xy], coords[y][has_xy]), crs=crs)
    polygons = lsoas[["lsoa21_code", "geometry"]]
    if polygons.crs is None:
        raise ValueError("locate: the LSOA boundaries have no CRS")
    points = points.to_crs(polygons.crs)
    joined = gpd.sjoin(points, polygons, how="left", predicate="intersects")
    # a point exactly on a shared edge meets two LSOAs: take the lowest code, deterministically
    joined = joined.sort_values(["_row", "lsoa21_code"]).drop_duplicates("_row", keep="first")
    joined, seam = seam_points(joined, points, lsoas)
    positions = joined["_row"].to_numpy()
    lsoa = joined["lsoa21_code"].astype("string").to_numpy()
    idx = out.index[positions]
    out.loc[idx, "lsoa21_code"] = lsoa
    geo = geography.drop_duplicates("lsoa21_code").set_index("lsoa21_code")
    found = pd.Series(lsoa, index=idx, dtype="string")
    in_lookup = pd.Series(geo.index.get_indexer(found.astype(object)) >= 0, index=idx) & found.notna()
    out.loc[idx, "ward24_code"] = geo["ward24_code"].reindex(found).astype("string").to_numpy()
    out.loc[idx, "lad24_code"] = geo["lad24_code"].reindex(found).astype("string").to_numpy()
    reasons = np.where(found.isna(), "outside the LSOA 2021 boundaries held",
                       np.where(in_lookup, LOCATED,
                                "LSOA " + found.fillna("").astype(str) + " not in the LSOA-ward lookup"))
    out.loc[idx, "located"] = reasons
    out.index = labels
    out.attrs["seam"] = seam
    if seam:
        warnings.warn(f"{seam} point(s) fell in a gap between the detailed (BGC) and super-generalised (BSC) "
                      f"LSOA boundaries and were placed in the nearest LSOA within {GAP_M:g} m",
                      DataQualityWarning, stacklevel=2)
    return out


def seam_points(joined: gpd.GeoDataFrame, points: gpd.GeoDataFrame, lsoas) -> tuple[gpd.GeoDataFrame, int]:
    """Give points that fell between the two boundary sets the nearest LSOA within :data:`GAP_M`.

    Where the detailed (BGC) and super-generalised (BSC) sets meet, their edges differ,
    and the overlap is cut from the BSC polygons; a point can then lie in a sliver held
    by neither. Such a point (within ``GAP_M`` of a polygon of each set) goes to the
    nearer LSOA. A point that is simply outside every boundary (the sea, another
    country) stays unplaced.

    Returns
    -------
    (GeoDataFrame, int)
        ``joined`` with those points' ``lsoa21_code`` filled, and how many there were.
    """
    check_frame(joined, "joined", ("_row", "lsoa21_code"))
    check_frame(points, "points", ("_row", "geometry"))
    if "generalisation" not in getattr(lsoas, "columns", ()):
        return joined, 0
    missing = joined[joined["lsoa21_code"].isna()]
    kinds = lsoas["generalisation"].astype("string")
    if missing.empty or kinds.nunique() < 2:
        return joined, 0
    near = {}
    pts = points.loc[points["_row"].isin(missing["_row"]), ["_row", "geometry"]]
    for kind in ("BGC", "BSC"):
        polys = lsoas.loc[kinds == kind, ["lsoa21_code", "geometry"]]
        hit = gpd.sjoin_nearest(pts, polys, how="inner", max_distance=GAP_M, distance_col="_d")
        near[kind] = hit.sort_values(["_row", "_d", "lsoa21_code"]).drop_duplicates("_row").set_index("_row")
    both = near["BGC"].index.intersection(near["BSC"].index)
    if both.empty:
        return joined, 0
    pick = pd.concat([near["BGC"].loc[both, ["lsoa21_code", "_d"]], near["BSC"].loc[both, ["lsoa21_code", "_d"]]])
    pick = pick.reset_index().sort_values(["_row", "_d", "lsoa21_code"]).drop_duplicates("_row").set_index("_row")
    joined = joined.copy()
    rows = joined["_row"].isin(pick.index)
    joined.loc[rows, "lsoa21_code"] = joined.loc[rows, "_row"].map(pick["lsoa21_code"])
    return joined, int(len(pick))
