"""Boundary files (ONS Open Geography Portal and regional subsets of it).

Accepted: ESRI shapefiles (with their ``.shx``/``.dbf``/``.prj``/``.cpg`` sidecars),
GeoJSON as downloaded from the portal or paged from its ArcGIS layer (properties
``LSOA21CD``/``WD23CD``/``LAD22CD`` ...), gzipped GeoJSON, and subsets whose
properties were renamed (``area_code``/``area_name``/``local_authority_area_code``).
Every result is in British National Grid (EPSG:27700) with valid MultiPolygons.
"""
from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ccdata.dataset import Dataset
from ccdata.errors import Problem, ValidationError
from ccdata.io import attach_exclusions, loader
from ccdata.io.codes import LSOA21
from ccdata.io.geomcheck import check_geometries, kind_of
from ccdata.io.lookups import check_lsoa, check_paths, collection_for, combine, norm
from ccdata.schemas import LSOA_CODE, Col, validate

BNG = 27700
WGS84 = 4326
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".xml", ".sbn", ".sbx", ".qix", ".qmd")
WARD_PATTERN = r"^(E05|W05|S13|N08)\d{6}$"
LAD_PATTERN = r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$"


def _fields(geography: str) -> tuple[str, dict[str, tuple[str, ...]], str]:
    """Output prefix, accepted property names per output column, and code pattern."""
    m = re.fullmatch(r"(lsoa|ward|lad)(\d\d)", geography)
    if not m:
        raise ValueError(f"no boundary reader for geography {geography!r}")
    kind, yy = m.groups()
    ons = {"lsoa": "LSOA", "ward": "WD", "lad": "LAD"}[kind]
    prefix = f"{kind}{yy}"
    fields = {
        f"{prefix}_code": (f"{ons}{yy}CD", "area_code", f"{kind}_code", "GSS", "code"),
        f"{prefix}_name": (f"{ons}{yy}NM", "area_name", f"{kind}_name", "name"),
    }
    pattern = {"lsoa": LSOA_CODE, "ward": WARD_PATTERN, "lad": LAD_PATTERN}[kind]
    if kind == "ward":
        # the LAD vintage of a ward file varies; any LADyyCD is accepted
        fields["lad_code"] = ("local_authority_area_code", "lad_code")
    return prefix, fields, pattern


def _primary(paths: list[Path]) -> list[Path]:
    """The files to open: shapefile sidecars are checked, not opened."""
    primary = [p for p in paths if not p.name.lower().endswith(SIDECARS)]
    for p in primary:
        if p.suffix.lower() == ".shp":
            missing = [s for s in (".shx", ".dbf") if not p.with_suffix(s).exists()
                       and not p.with_suffix(s.upper()).exists()]
            if missing:
                raise ValidationError(p.name, [Problem(p.name, None, None,
                                      f"shapefile sidecar(s) {', '.join(missing)} missing beside it; "
                                      "fetch every part of the shapefile")])
    if not primary:
        raise ValidationError(", ".join(p.name for p in paths),
                              [Problem(paths[0].name, None, None, "no .shp, .geojson or .gpkg among the files")])
    return primary


def _read_file(path: Path) -> gpd.GeoDataFrame:
    name = path.name.lower()
    try:
        if name.endswith(".gz"):
            frame = gpd.read_file(io.BytesIO(gzip.decompress(path.read_bytes())))
        else:
            frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own types for unreadable files
        raise ValidationError(path.name, [Problem(path.name, None, None,
                                                  f"cannot be read as a boundary file: {exc}")]) from exc
    return frame


def _to_bng(frame: gpd.GeoDataFrame, display: str, exclusions: list[Problem]) -> gpd.GeoDataFrame:
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        # GeoJSON without a crs member is WGS84 by RFC 7946; metre-sized numbers mean BNG
        guessed = BNG if max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 360 else WGS84
        frame = frame.set_crs(guessed)
        if guessed == BNG:
            exclusions.append(Problem(display, None, "geometry", "no CRS declared; coordinates read as "
                                      "British National Grid (EPSG:27700)"))
    return frame.to_crs(BNG) if frame.crs.to_epsg() != BNG else frame


@loader("boundaries")
def read_boundaries(dataset: Dataset, paths: list[Path]) -> gpd.GeoDataFrame:
    """Read boundary polygons as a GeoDataFrame in EPSG:27700.

    Parameters
    ----------
    dataset : Dataset
        A ``boundaries_*`` registry row (LSOA 2021, wards 2018/2023/2024, LAD 2022).
    paths : list of Path
        Shapefile parts, GeoJSON (optionally gzipped) or GeoPackage; regional
        subsets are concatenated and overlaps reported as duplicates.

    Returns
    -------
    GeoDataFrame
        ``<geo>_code, <geo>_name[, lad_code], geometry`` (``lsoa21_code``,
        ``ward23_code`` ...). Wards carry ``lad_code`` where the file has it, else
        missing. Geometries are valid and all MultiPolygon. A feature invalid as
        published is repaired only when the repair is harmless (see
        :mod:`ccdata.io.geomcheck`); ``attrs["repairs"]`` records each repair (file,
        feature number, code, areas before and after) and ``attrs["repaired"]`` counts them.

    Raises
    ------
    ValidationError
        No code column (with the properties found), malformed, unknown or wrong
        vintage LSOA codes, duplicate codes, missing shapefile sidecars; a feature
        with no polygon (null, empty, or lines only), or one whose repair would change
        its area by 0.1% or more or leave its authority's extent (file, feature number
        and code named).

    Notes
    -----
    Source: ONS Open Geography Portal (BGC/BUC generalised boundaries); contains OS
    data © Crown copyright and database right.
    """
    prefix, fields, pattern = _fields(dataset.geography)
    code_col, name_col = f"{prefix}_code", f"{prefix}_name"
    paths = check_paths(paths)
    collection = collection_for(paths)
    parts, exclusions = [], []
    repairs: list[dict] = []
    for path in _primary(paths):
        display = path.name
        raw = _read_file(path)
        raw.index = pd.RangeIndex(1, len(raw) + 1, name="row")  # feature number, as a person counts
        props = {norm(c): c for c in raw.columns if c != raw.geometry.name}
        data, problems = {}, []
        for out, options in fields.items():
            found = next((props[norm(o)] for o in options if norm(o) in props), None)
            if found is None and out == "lad_code":
                found = next((c for n, c in props.items() if re.fullmatch(r"lad\d\dcd", n)), None)
            if found is None:
                if out == "lad_code":
                    data[out] = pd.Series(pd.NA, index=raw.index, dtype="string")
                    continue
                problems.append(Problem(display, None, options[0], "required property is missing; "
                                        f"found {sorted(props.values())}"))
                continue
            data[out] = raw[found].astype("string").str.strip()
        if problems:
            raise ValidationError(display, problems)
        frame = pd.DataFrame(data, index=raw.index)
        frame[code_col] = frame[code_col].str.upper()
        geo = _to_bng(gpd.GeoSeries(raw.geometry, crs=raw.crs).to_frame("geometry"), display, exclusions)
        # damaged polygons fail the file; harmless repairs are kept and recorded (see geomcheck)
        geoms, fixed = check_geometries(geo.geometry, frame[code_col], display, kind_of(prefix),
                                        names=frame[name_col] if prefix.startswith("lsoa") else None,
                                        lad=frame["lad_code"] if "lad_code" in frame.columns else None)
        repairs += fixed
        extra = check_lsoa(frame[code_col], LSOA21, display, code_col, collection) if prefix == "lsoa21" else []
        spec = {code_col: Col("str", pattern=pattern), name_col: Col("str", nullable=True)}
        if "lad_code" in frame.columns:
            spec["lad_code"] = Col("str", pattern=LAD_PATTERN, nullable=True)
        frame = validate(frame, spec, display, key=[code_col], extra_problems=extra)
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=BNG, index=frame.index), crs=BNG)
        parts.append((display, frame))
    out = combine(parts, [code_col])
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=BNG)
    out.attrs["repaired"] = len(repairs)
    out.attrs["repairs"] = repairs
    return attach_exclusions(out, exclusions)
