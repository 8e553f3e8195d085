"""Checking the polygons of an official boundary file before they are trusted.

Official files are sometimes invalid as published: a ring touches itself at one
point (Howdon ward, May 2023; North Tyneside LSOA E01008571; four Greater Manchester
LSOAs; two authorities of the December 2022 LAD file). ``make_valid`` repairs these
by splitting the ring at the touching point, which changes the area by well under a
square metre. A damaged file looks the same to ``make_valid`` but is not: a vertex
moved across the shape makes it cross itself, and the repair then keeps a different
polygon (a bow-tie becomes two triangles), so a ward silently loses most of its
neighbourhoods. A repair is therefore accepted only when

* the repaired area differs from the area of the published rings by under
  :data:`MAX_AREA_CHANGE` (0.1%), and
* the repaired feature lies within its authority's extent: the bounding box of the
  file's valid features of the same authority (a ward's ``lad_code``, an LSOA's
  authority name), grown by :data:`EXTENT_MARGIN_M`; without such features, the
  extent of the whole file's valid features.

Every accepted repair is recorded (file, feature, code, both areas) for the build's
provenance. A feature that fails either test, or has no polygon at all (a null or
empty geometry, or only lines and points), fails the file's build with a
:class:`~ccdata.errors.ValidationError` naming the file, the feature number and its code.
"""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon

from ccdata.errors import Problem, ValidationError

#: Largest accepted relative change of area made by a repair (0.1%).
MAX_AREA_CHANGE = 0.001
#: How far (metres) beyond its authority's other features a repaired feature may reach.
EXTENT_MARGIN_M = 2_000.0


def polygonal(geom):
    """MultiPolygon of the polygonal parts of a (repaired) geometry, or None when it has none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "MultiPolygon":
        return geom
    if geom.geom_type == "Polygon":
        return MultiPolygon([geom])
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
    return MultiPolygon(polys) if polys else None


def _authority(codes: pd.Series, names: pd.Series | None, lad: pd.Series | None) -> pd.Series:
    """Which authority each feature belongs to, where the file says so (else missing)."""
    key = pd.Series(pd.NA, index=codes.index, dtype="string")
    if lad is not None:
        key = lad.astype("string")
    if names is not None:
        # LSOA names are "<authority> 001A": the authority is the name without the suffix
        from_name = names.astype("string").str.replace(r"\s+\d{3}[A-Z]$", "", regex=True)
        from_name = from_name.where(names.astype("string").str.contains(r"\s\d{3}[A-Z]$", regex=True, na=False))
        key = key.fillna(from_name)
    return key


def _extent(geoms, margin: float):
    if not len(geoms):
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geoms, dtype=object))
    return minx - margin, miny - margin, maxx + margin, maxy + margin


def _within(bounds, extent) -> bool:
    return (extent is not None and bounds[0] >= extent[0] and bounds[1] >= extent[1]
            and bounds[2] <= extent[2] and bounds[3] <= extent[3])


def check_geometries(geometry: gpd.GeoSeries, codes: pd.Series, display: str, what: str,
                     names: pd.Series | None = None, lad: pd.Series | None = None,
                     ) -> tuple[gpd.GeoSeries, list[dict]]:
    """Repair what can safely be repaired; fail the file on anything else.

    Parameters
    ----------
    geometry : GeoSeries
        The features' geometries as published, in a projected CRS in metres
        (EPSG:27700); the index is the feature number in the file.
    codes : Series
        Each feature's area code (same index), named in every message.
    display : str
        The file name, as messages name it.
    what : str
        What a feature is, in words (``"ward"``, ``"LSOA"``, ``"local authority"``).
    names, lad : Series, optional
        Feature names (an LSOA's name gives its authority) and authority codes (a
        ward's ``lad_code``), used to find each feature's authority extent.

    Returns
    -------
    (GeoSeries, list of dict)
        Every geometry as a valid MultiPolygon (same index), and one record per
        accepted repair: ``file, feature, code, published_m2, repaired_m2, change``.

    Raises
    ------
    ValidationError
        One problem per feature that has no polygon, or whose repair changes its
        area by 0.1% or more or leaves its authority's extent (all listed at once).
    TypeError, ValueError
        ``geometry`` is not a GeoSeries, is in degrees, or its index differs from ``codes``.
    """
    if not isinstance(geometry, gpd.GeoSeries):
        raise TypeError(f"geometry must be a GeoSeries, not {type(geometry).__name__}")
    if geometry.crs is None or not geometry.crs.is_projected:
        raise ValueError(f"{display}: geometries must be in a projected CRS in metres (EPSG:27700) to be checked")
    if not geometry.index.equals(codes.index):
        raise ValueError(f"{display}: geometry and codes must share one index (the feature numbers)")
    problems: list[Problem] = []
    repairs: list[dict] = []
    values = geometry.to_numpy()
    missing = np.array([g is None or g.is_empty for g in values], dtype=bool)
    valid = ~missing & shapely.is_valid(np.where(missing, None, values))
    out = pd.Series([polygonal(g) if ok else None for g, ok in zip(values, valid)], index=geometry.index,
                    dtype=object)
    for line in geometry.index[missing]:
        problems.append(Problem(display, int(line), "geometry",
                                f"{what} {codes[line]} has no geometry (null or empty); the file may be "
                                "damaged: fetch it again", codes[line]))
    for line in geometry.index[valid & out.isna().to_numpy()]:
        kind = values[geometry.index.get_loc(line)].geom_type
        problems.append(Problem(display, int(line), "geometry",
                                f"{what} {codes[line]} has no polygon (its geometry is a {kind}); the file "
                                "may be damaged: fetch it again", codes[line]))
    authority = _authority(codes, names, lad)
    good = pd.Series(valid, index=geometry.index) & out.notna()
    whole_file = _extent(values[good.to_numpy()], EXTENT_MARGIN_M)
    for line in geometry.index[~missing & ~valid]:
        code = codes[line]
        published = values[geometry.index.get_loc(line)]
        repaired = polygonal(shapely.make_valid(published))
        if repaired is None:
            problems.append(Problem(display, int(line), "geometry",
                                    f"{what} {code} has no usable polygon, even after repair "
                                    f"({shapely.is_valid_reason(published)})", code))
            continue
        before, after = float(published.area), float(repaired.area)
        change = abs(after - before) / before if before > 0 else float("inf")
        if change >= MAX_AREA_CHANGE:
            problems.append(Problem(display, int(line), "geometry",
                                    f"{what} {code} crosses itself ({shapely.is_valid_reason(published)}); "
                                    f"repairing it would change its area from {before:,.0f} m² to "
                                    f"{after:,.0f} m² ({_pct(change)}), so the file is not used: "
                                    "fetch it again or report it to the publisher", code))
            continue
        same = authority.notna() & (authority == authority[line]) & good
        same[line] = False
        extent = _extent(values[same.to_numpy()], EXTENT_MARGIN_M) if same.any() else whole_file
        if extent is not None and not _within(repaired.bounds, extent):
            problems.append(Problem(display, int(line), "geometry",
                                    f"{what} {code} crosses itself and, repaired, reaches beyond its "
                                    "authority's other areas; the file is not used: fetch it again", code))
            continue
        out[line] = repaired
        repairs.append({"file": display, "feature": int(line), "code": str(code),
                        "published_m2": round(before, 3), "repaired_m2": round(after, 3),
                        "change": float(f"{change:.3g}"),
                        "reason": shapely.is_valid_reason(published)})
    if problems:
        raise ValidationError(display, problems)
    return gpd.GeoSeries(out, index=geometry.index, crs=geometry.crs), repairs


def _pct(change: float) -> str:
    if not np.isfinite(change):
        return "from no area"
    return f"a change of {100 * change:.1f}%" if change >= 0.001 else f"a change of {100 * change:.2g}%"


def kind_of(prefix: str) -> str:
    """``'ward23'`` -> ``'ward'``, ``'lsoa21'`` -> ``'LSOA'``, ``'lad22'`` -> ``'local authority'``."""
    kind = re.sub(r"\d+$", "", prefix)
    return {"lsoa": "LSOA", "ward": "ward", "lad": "local authority"}.get(kind, kind)
