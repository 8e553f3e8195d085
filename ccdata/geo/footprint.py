"""A place's footprint as LSOA 2021 codes: listed codes, wards of a stated vintage, or a polygon.

A May 2024 (or 2022) ward uses the ONS LSOA-to-ward lookup; an older ward (May 2023)
or a drawn polygon is matched to LSOAs by best fit from the boundaries, and the
method text says so. Every code is checked and any unknown one named.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pyproj.exceptions import CRSError
from shapely.geometry import Polygon
from shapely.validation import explain_validity

from ccdata import config, sources
from ccdata.errors import MissingDataError, PlaceError
from ccdata.geo import build
from ccdata.geo.geography import best_fit_lsoas

_WARD_LOOKUPS = {"2024": ("lookup_lsoa21_ward24", "ward24"), "2022": ("lookup_lsoa21_ward22", "ward22")}
_WARD_BOUNDARIES = {"2023": ("boundaries_ward23", "ward23"), "2024": ("boundaries_ward24", "ward24")}


def mapping(place_id: str, value, what: str, example: str = "") -> dict:
    # a list or a bare code where YAML needs a mapping would otherwise fail deep inside
    # with AttributeError ('list' object has no attribute 'get')
    if not isinstance(value, dict):
        shape = f", e.g. {example}" if example else ""
        raise PlaceError(f"place {place_id!r} in {config.places_file()}: {what} must be a mapping of "
                         f"keys to values{shape}, not {type(value).__name__} {value!r}")
    return value


def _codes(place_id: str, spec: dict, part: str) -> list[str]:
    # a single code written without brackets would be iterated character by character
    codes = spec.get("codes", [])
    if codes is None:
        codes = []
    if not isinstance(codes, list):
        raise PlaceError(f"place {place_id!r} in {config.places_file()}: footprint {part} codes must be a "
                         f"list ([{codes}]), not {type(codes).__name__} {codes!r}")
    return [str(c) for c in codes]


def resolve(place_id: str, fp: dict, collection: str, geo: pd.DataFrame):
    if not isinstance(fp, dict) or not fp:
        raise PlaceError(f"place {place_id!r}: footprint must name lsoas, wards and/or polygon")
    unknown_keys = set(fp) - {"lsoas", "wards", "polygon"}
    if unknown_keys:
        raise PlaceError(f"place {place_id!r}: unknown footprint part(s) {sorted(unknown_keys)}")
    parts, methods = [], []
    wards = pd.DataFrame(columns=["ward_code", "ward_name", "vintage"])
    for part, example in (("lsoas", "{vintage: 2021, codes: [E01...]}"),
                          ("wards", "{vintage: 2024, codes: [E05...]}"),
                          ("polygon", "{crs: 4326, coordinates: [[x, y], ...]}")):
        if part in fp:
            mapping(place_id, fp[part], f"footprint {part}", example)
    if "lsoas" in fp:
        spec = fp["lsoas"]
        if str(spec.get("vintage", "2021")) != "2021":
            raise PlaceError(f"place {place_id!r}: LSOAs must be 2021 codes (vintage 2021); convert 2011 "
                             "codes with the ONS exact-fit lookup first")
        codes = _codes(place_id, spec, "lsoas")
        unknown = sorted(set(codes) - set(geo["lsoa21_code"]))
        if unknown:
            raise PlaceError(f"place {place_id!r}: LSOA code(s) not in LSOA 2021: {', '.join(unknown)}")
        parts.append(pd.DataFrame({"lsoa21_code": codes, "via": "listed LSOA 2021"}))
        n = len(codes)
        methods.append(f"{'one neighbourhood' if n == 1 else f'{n} neighbourhoods'} (LSOA 2021) named "
                       f"{'' if n == 1 else 'one by one '}in the place's definition.")
    if "wards" in fp:
        frame, wards, method = _lsoas_for_wards(place_id, fp["wards"], collection)
        parts.append(frame)
        methods.append(method)
    if "polygon" in fp:
        frame, method = _lsoas_for_polygon(place_id, fp["polygon"], collection)
        parts.append(frame)
        methods.append(method)
    assignment = pd.concat(parts, ignore_index=True).drop_duplicates("lsoa21_code")
    if assignment.empty:
        raise PlaceError(f"place {place_id!r}: the footprint contains no LSOAs")
    return assignment.reset_index(drop=True), wards, methods


def _check_wards(place_id: str, codes, known: pd.Series, where: str) -> None:
    """Refuse ward codes that ``known`` (the codes of a lookup or boundary file) does not hold."""
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise PlaceError(f"place {place_id!r}: ward code(s) {', '.join(unknown)} do not exist in {where}")


def _lsoas_for_wards(place_id: str, spec: dict, collection: str):
    vintage = str(spec.get("vintage", ""))
    codes = _codes(place_id, spec, "wards")
    if not vintage or not codes:
        raise PlaceError(f"place {place_id!r}: wards need a vintage (e.g. 2024) and codes")
    if vintage in _WARD_LOOKUPS and build.available(_WARD_LOOKUPS[vintage][0], collection):
        lookup_id, prefix = _WARD_LOOKUPS[vintage]
        lookup = build.table(lookup_id, collection)
        code_col, name_col = f"{prefix}_code", f"{prefix}_name"
        _check_wards(place_id, codes, lookup[code_col], f"the May {vintage} ward lookup ({lookup_id})")
        sel = lookup[lookup[code_col].isin(codes)]
        wards = (sel[[code_col, name_col]].drop_duplicates().rename(columns={code_col: "ward_code",
                                                                              name_col: "ward_name"}))
        wards["vintage"] = vintage
        frame = pd.DataFrame({"lsoa21_code": sel["lsoa21_code"].values,
                              "via": [f"ward {c} (ONS best-fit lookup)" for c in sel[code_col]]})
        method = (f"{len(codes)} wards (May {vintage}); LSOAs assigned by the ONS LSOA 2021 to ward "
                  f"best-fit lookup ({sources.get(lookup_id).title}).")
        return frame, wards.reset_index(drop=True), method
    if vintage not in _WARD_BOUNDARIES:
        raise PlaceError(f"place {place_id!r}: no lookup or boundaries known for wards of May {vintage}")

    bounds_id, prefix = _WARD_BOUNDARIES[vintage]
    try:
        ward_gdf = build.table(bounds_id, collection)
        lsoa_gdf = build.table("boundaries_lsoa21", collection)
    except MissingDataError as exc:
        raise MissingDataError(f"place {place_id!r}: wards of May {vintage} have no LSOA lookup, so LSOAs "
                               f"are assigned from boundaries, which are missing: {exc}") from exc
    code_col, name_col = f"{prefix}_code", f"{prefix}_name"
    _check_wards(place_id, codes, ward_gdf[code_col], f"the May {vintage} ward boundaries ({bounds_id})")
    chosen = ward_gdf[ward_gdf[code_col].isin(codes)]
    near = lsoa_gdf[lsoa_gdf.intersects(chosen.union_all())]
    # compete against every ward of the vintage, so an edge LSOA goes where most of it lies
    rivals = ward_gdf[ward_gdf.intersects(near.union_all())]
    fit = best_fit_lsoas(near, rivals, code_col)
    # the ward file may cover some authorities only (the mirror's regional files): an LSOA whose
    # larger part lies beyond every ward held belongs to a ward that is not in the file
    held = rivals.union_all()
    uncovered = 1 - (near.geometry.intersection(held).area / near.geometry.area).to_numpy()
    beyond = dict(zip(near["lsoa21_code"], uncovered))
    candidates = fit[fit["area_code"].isin(codes)]
    keep = candidates["overlap_share"].to_numpy() > candidates["lsoa21_code"].map(beyond).fillna(0).to_numpy()
    inside, left_out = candidates[keep], candidates[~keep]
    wards = chosen[[code_col, name_col]].rename(columns={code_col: "ward_code", name_col: "ward_name"})
    wards = pd.DataFrame(wards).assign(vintage=vintage).reset_index(drop=True)
    frame = pd.DataFrame({"lsoa21_code": inside["lsoa21_code"].values,
                          "via": [f"ward {c} (best fit, {s:.0%} of LSOA area)"
                                  for c, s in zip(inside["area_code"], inside["overlap_share"])]})
    method = (f"{len(codes)} wards (May {vintage}). ONS publishes no LSOA 2021 to May {vintage} ward "
              f"lookup, so each LSOA 2021 is assigned to the ward holding the largest share of its area "
              f"(best fit from the {sources.get(bounds_id).title} and LSOA 2021 boundaries); "
              f"{len(inside)} LSOAs assigned.")
    if len(left_out):
        method += (f" {len(left_out)} LSOA(s) touching these wards lie mostly outside every ward boundary held "
                   f"and were left out: {', '.join(sorted(left_out['lsoa21_code']))}.")
    return frame, wards, method


def _lsoas_for_polygon(place_id: str, spec: dict, collection: str):

    coords = spec.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 3:
        raise PlaceError(f"place {place_id!r}: polygon needs at least three [x, y] coordinates")
    bad = [c for c in coords if not (isinstance(c, list) and len(c) == 2
                                     and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in c))]
    if bad:
        raise PlaceError(f"place {place_id!r}: polygon coordinates must be [x, y] pairs of numbers; "
                         f"not {bad[0]!r}")
    shape = Polygon(coords)
    if not shape.is_valid:
        raise PlaceError(f"place {place_id!r}: the polygon in places.yaml is not a valid shape "
                         f"({explain_validity(shape)}); check that its edges do not cross")
    try:
        poly = gpd.GeoDataFrame({"area_code": [place_id]}, geometry=[shape],
                                crs=f"EPSG:{spec.get('crs', 4326)}").to_crs(27700)
    except CRSError as exc:
        raise PlaceError(f"place {place_id!r}: polygon crs {spec.get('crs')!r} is not a known coordinate "
                         "reference system (use an EPSG number such as 4326 or 27700)") from exc
    lsoa_gdf = build.table("boundaries_lsoa21", collection)

    near = lsoa_gdf[lsoa_gdf.intersects(poly.geometry.iloc[0])]
    fit = best_fit_lsoas(near, poly, "area_code")
    inside = fit[(fit["area_code"] == place_id) & (fit["overlap_share"] > 0.5)]
    frame = pd.DataFrame({"lsoa21_code": inside["lsoa21_code"].values, "via": "polygon (best fit)"})
    return frame, (f"Polygon in the place's definition; LSOAs with more than half their area inside "
                   f"({len(inside)} LSOAs).")
