"""Assets around children: the official service lists and the adviser's list, combined and located.

Official lists give the services everyone can see: schools and children's centres
(DfE Get Information about Schools), GP practices (NHS ODS epraccur) and public
libraries (DCMS basic dataset). The partnership's own list is read by
:func:`ccdata.io.local.assets.load_asset_list`. :func:`place_assets` combines them,
locates every asset and lists every one it could not place, with the reason.
Coverage per child is :mod:`ccdata.analysis.coverage`.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from ccdata import cache, config
from ccdata.errors import DataQualityWarning, LocalFileError, MissingDataError
from ccdata.geo.build import derived
from ccdata.geo.geocode import NOT_FOUND, OK, codepoint_path, locate, postcode_points
from ccdata.geo.places import Place
from ccdata.geo.places import place as get_place
from ccdata.io import exclusions as exclusions_table
from ccdata.io.local.assets import (
    ASSET_COLUMNS,
    finish_asset_table,
    join_details,
    load_asset_list,
)
from ccdata.io.postcodes import area_bounds, normalise_postcode, postcode_area
from ccdata.schemas import check_frame

#: Official assets are kept when within this distance (metres, straight line) of the
#: place boundary: services just outside the footprint are used by its children, and
#: 800 m is about a ten-minute walk.
BUFFER_M = 800
#: Columns of the unplaced list.
UNPLACED_COLUMNS = ("source", "source_ref", "name", "category", "postcode", "reason")
#: Columns of the "outside the area" list (located, but beyond the place and its buffer).
OUTSIDE_COLUMNS = ("source", "source_ref", "name", "category", "postcode", "distance_m")
#: Where a located asset lies: inside the place, in the buffer around it, or beyond both.
INSIDE, BUFFER, OUTSIDE = "inside", "buffer", "outside"

SOURCE_GIAS = "DfE Get Information about Schools"
SOURCE_EPRACCUR = "NHS list of GP practices (ODS)"
SOURCE_LIBRARIES = "Public libraries in England (DCMS)"


def _national(name: str, collection: str, make) -> pd.DataFrame:
    """A national asset list made by ``make`` from processed table ``name``: once per process
    and data state (every place of a batch filters the same list), a copy for each caller."""
    return derived(f"assets from {name}", (name,), collection, make).copy(deep=False)


@cache.pure("postcode text")
def _postcode_area_of(text: str) -> str | None:
    """The postcode area of a typed postcode (kept: the national lists are read for every place)."""
    return postcode_area(normalise_postcode(text))


#: ``attrs`` key of an (empty) asset list that could not be made at all, with the plain reason
#: (see :func:`ccdata.views.assets.locate`): coverage and every section say it instead of zeros.
UNPLACEABLE = "unplaceable"


def _empty_assets() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Float64" if c in ("easting", "northing") else "string")
                         for c in ASSET_COLUMNS})


# --------------------------------------------------------------------------- official lists
def schools(collection: str = config.OFFICIAL) -> pd.DataFrame:
    """Open schools and children's centres from Get Information about Schools (GIAS).

    Source: DfE GIAS all-establishments extract (registry ``dfe_gias``; daily).
    Only establishments whose status starts with "Open" are kept (closed and
    proposed ones are counted in ``attrs["excluded"]``). Nursery-phase schools are
    ``early_years``; GIAS children's centres are ``family_hub``; the rest ``school``.

    Returns
    -------
    DataFrame
        :data:`ASSET_COLUMNS` plus ``phase``, ``pupils``, ``pct_fsm`` (0-100),
        ``ofsted_rating``, ``la_code``.

    Raises
    ------
    MissingDataError
        If GIAS has not been fetched for ``collection``.
    """

    config.check_collection(collection)
    return _national("dfe_gias", collection, _schools)


def _schools(gias: pd.DataFrame) -> pd.DataFrame:
    status = gias["status"].astype("string").str.strip().str.lower()
    open_ = status.str.startswith("open").fillna(False).astype(bool)
    df = gias[open_].copy()
    type_text = df["type"].astype("string").str.lower().fillna("")
    phase = df["phase"].astype("string").fillna("")
    category = np.where(type_text.str.contains("children's centre|childrens centre", regex=True), "family_hub",
                        np.where(phase.str.lower().eq("nursery"), "early_years", "school"))
    pupils = pd.to_numeric(df["pupils"], errors="coerce")
    fsm = pd.to_numeric(df["pct_fsm"], errors="coerce")
    out = pd.DataFrame({
        "source": SOURCE_GIAS, "source_ref": df["urn"].astype("string"), "name": df["name"],
        "category": category, "subtype": df["type"], "address": pd.NA, "postcode": df["postcode"],
        "website": pd.NA,
        "details": [join_details([p if p and p != "Not applicable" else None, t,
                              f"{int(n):,} pupils" if pd.notna(n) else None,
                              f"{f:.1f}% eligible for free school meals" if pd.notna(f) else None,
                              f"Ofsted: {o}" if isinstance(o, str) and o.strip() else None])
                    for p, t, n, f, o in zip(phase, df["type"], pupils, fsm, df["ofsted_rating"])],
        "easting": df["easting"], "northing": df["northing"],
        "phase": phase, "pupils": pupils.astype("Int64"), "pct_fsm": fsm.astype("Float64"),
        "ofsted_rating": df["ofsted_rating"], "la_code": df["la_code"],
    })
    result = finish_asset_table(out, ("phase", "pupils", "pct_fsm", "ofsted_rating", "la_code"))
    result.attrs["excluded"] = {"not open": int((~open_).sum())}
    return result


def gp_practices(collection: str = config.OFFICIAL) -> pd.DataFrame:
    """Active GP practices from NHS ODS epraccur (role RO76).

    Source: NHS England Organisation Data Service ``epraccur`` (registry
    ``nhs_epraccur``). Rows are kept when the role code is RO76 (GP practice) and
    the status is active (``ACTIVE``, or ``A`` in the older layout); where the role
    code is absent (older layout) prescribing setting 4 (GP practice) is used.
    Other prescribing cost centres and inactive practices are counted in
    ``attrs["excluded"]``. epraccur has no coordinates: geocode by postcode.

    Raises
    ------
    MissingDataError
        If epraccur has not been fetched for ``collection``.
    """

    config.check_collection(collection)
    return _national("nhs_epraccur", collection, _gp_practices)


def _gp_practices(ods: pd.DataFrame) -> pd.DataFrame:
    role = ods["role_code"].astype("string").str.strip().str.upper() if "role_code" in ods else None
    setting = ods["prescribing_setting"].astype("string").str.strip()
    is_gp = setting.eq("4") if role is None else role.eq("RO76").where(role.notna() & role.ne(""), setting.eq("4"))
    is_gp = is_gp.fillna(False).astype(bool)
    status = ods["status"].astype("string").str.strip().str.upper()
    active = status.isin(["ACTIVE", "A"]).fillna(False).astype(bool)
    keep = is_gp & active
    df = ods[keep]
    address = [", ".join(str(v).strip().title() for v in row if isinstance(v, str) and v.strip())
               for row in df[[f"address_{i}" for i in range(1, 6) if f"address_{i}" in df]].itertuples(index=False)]
    out = pd.DataFrame({
        "source": SOURCE_EPRACCUR, "source_ref": df["org_code"], "name": df["name"].astype("string").str.title(),
        "category": "gp_practice", "subtype": "GP practice", "address": address, "postcode": df["postcode"],
        "website": pd.NA,
        "details": [join_details([f"ODS code {c}", f"Tel. {p}" if isinstance(p, str) and p.strip() else None])
                    for c, p in zip(df["org_code"], df["phone"])],
        "easting": np.nan, "northing": np.nan,
    })
    result = finish_asset_table(out)
    result.attrs["excluded"] = {"not a GP practice": int((~is_gp).sum()),
                                "GP practice not active": int((is_gp & ~active).sum())}
    return result


def _is_closed(value) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    return text not in ("", "no", "false", "0", "n", "open")


def libraries(collection: str = config.OFFICIAL) -> pd.DataFrame:
    """Public libraries from the DCMS basic dataset (Libraries Hacked compilation).

    Source: registry ``libraries_england`` (as at 31 March 2023). Libraries with a
    year closed (or any other "closed" value) are counted in ``attrs["excluded"]``.
    Geocode by postcode.

    Raises
    ------
    MissingDataError
        If the dataset has not been fetched for ``collection``.
    """

    config.check_collection(collection)
    return _national("libraries_england", collection, _libraries)


def _libraries(libs: pd.DataFrame) -> pd.DataFrame:
    closed = libs["closed"].map(_is_closed).astype(bool) if "closed" in libs else pd.Series(False, index=libs.index)
    df = libs[~closed]
    ref = df["uprn"].astype("string").fillna("") if "uprn" in df else pd.Series("", index=df.index)
    ref = ref.where(ref.str.strip().ne(""), pd.Series([f"row{i}" for i in df.index], index=df.index))
    out = pd.DataFrame({
        "source": SOURCE_LIBRARIES, "source_ref": ref, "name": df["name"], "category": "library",
        "subtype": df["type"] if "type" in df else pd.NA, "address": df["address"], "postcode": df["postcode"],
        "website": pd.NA,
        "details": [join_details([f"Library service: {a}" if isinstance(a, str) else None,
                              f"Type: {t}" if isinstance(t, str) else None])
                    for a, t in zip(df["authority"], df["type"] if "type" in df else [None] * len(df))],
        "easting": np.nan, "northing": np.nan,
    })
    result = finish_asset_table(out)
    result.attrs["excluded"] = {"closed": int(closed.sum())}
    return result


# --------------------------------------------------------------------------- adviser's list


# --------------------------------------------------------------------------- inside / buffer / outside
def placement(in_place, distance_m, buffer_m: float) -> pd.Series:
    """Where each located asset lies: :data:`INSIDE`, :data:`BUFFER` or :data:`OUTSIDE`.

    Parameters
    ----------
    in_place : Series of bool
        Whether the asset is inside the place (a point on the boundary line counts
        with the LSOA it falls in, so this is not recomputed from the distance).
    distance_m : Series of float
        Straight-line distance to the place boundary, metres (0 inside).
    buffer_m : float
        Width of the buffer around the place, metres.

    Returns
    -------
    Series of str
        Same index as ``in_place``.
    """
    if isinstance(buffer_m, bool) or not isinstance(buffer_m, (int, float)) or buffer_m < 0:
        raise ValueError(f"buffer_m must be a distance in metres >= 0, not {buffer_m!r}")
    inside = pd.Series(in_place).astype("boolean")
    dist = pd.to_numeric(pd.Series(distance_m, index=inside.index), errors="coerce")
    if inside.isna().any() or dist.isna().any() or (dist < 0).any():
        raise ValueError("placement needs a yes/no in_place and a distance >= 0 for every asset")
    out = np.where(inside.to_numpy(dtype=bool), INSIDE, np.where(dist.to_numpy() <= buffer_m, BUFFER, OUTSIDE))
    return pd.Series(out, index=inside.index, dtype="string")


def placement_counts(located) -> dict[str, int]:
    """How many assets are inside the place, in its buffer, and located outside both.

    ``located`` is the first frame :func:`place_assets` / :func:`combine_assets`
    returns; the outside count is the length of its ``attrs["outside"]`` list.
    """
    check_frame(located, "located", ["placement"], made_by="place_assets()")
    outside = located.attrs.get("outside")
    return {INSIDE: int((located["placement"] == INSIDE).sum()), BUFFER: int((located["placement"] == BUFFER).sum()),
            OUTSIDE: 0 if outside is None else len(outside)}


#: How a page names the partnership's own asset list (its file's name is for the adviser).
OWN_LIST_WORDS = "the partnership's list"


def source_words(source) -> str:
    """A row's list as partners read it: the publisher's list by name, the partnership's own list
    as "the partnership's list" (never its file's name); empty when there is none."""
    if source is None or (not isinstance(source, str) and pd.isna(source)):
        return ""
    text = str(source)
    return OWN_LIST_WORDS if re.fullmatch(r"local list( \(.+\))?", text) else text


def display_ref(source, source_ref) -> str:
    """A row's reference as partners read it: the publisher's id, or "row N of <file>".

    The partnership's own list has no ids, so its rows are named by line
    ("row 12 of the partnership's list", never the file's name); a library with no UPRN in the published list has
    no id at all, and says so rather than showing an internal number.
    """
    src = "" if source is None or (not isinstance(source, str) and pd.isna(source)) else str(source)
    ref = "" if source_ref is None or (not isinstance(source_ref, str) and pd.isna(source_ref)) else str(source_ref)
    local = re.fullmatch(r"local list \((.+)\)", src)
    line = re.fullmatch(r"row ?(\d+)", ref)
    if local and line:
        return f"row {line.group(1)} of {OWN_LIST_WORDS}"
    if src == SOURCE_LIBRARIES and line:
        return "no id in the published list"
    return ref


# --------------------------------------------------------------------------- combine
def _unplaced(frame: pd.DataFrame, reason) -> pd.DataFrame:
    out = pd.DataFrame({c: frame[c] if c in frame else pd.NA for c in UNPLACED_COLUMNS[:-1]})
    out["reason"] = reason
    return out


def combine_assets(official: list[pd.DataFrame], local: pd.DataFrame | None, boundary, *,
                   collection: str = config.OFFICIAL, buffer_m: float = BUFFER_M,
                   place_lsoa21: list[str] | None = None, codepoint: Path | None = None,
                   lsoas=None, geography: pd.DataFrame | None = None):
    """Geocode, clip and locate asset tables (the work behind :func:`place_assets`).

    Parameters
    ----------
    official : list of DataFrame
        National lists (:func:`schools`, :func:`gp_practices`, :func:`libraries`).
        Rows farther than ``buffer_m`` from the boundary are not the place's
        assets and are only counted (``attrs["counts"]``). Rows that cannot be
        located but whose postcode area lies near the place are listed as
        unplaced.
    local : DataFrame or None
        An adviser's list (:func:`load_asset_list`): **every** row is either
        located within the buffer or listed as unplaced with the reason.
    boundary : GeoDataFrame or shapely geometry
        The place outline (EPSG:27700 if a GeoDataFrame has no other CRS).
    buffer_m : float
        Distance beyond the boundary within which assets are kept (default
        :data:`BUFFER_M`).
    codepoint, lsoas, geography
        Overrides for the Code-Point zip, LSOA polygons and LSOA lookup
        (see :func:`ccdata.geo.geocode.locate`).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        Located assets (EPSG:27700) with ``lsoa21_code``, ``ward24_code``,
        ``lad24_code``, ``located``, ``in_place``, ``distance_to_place_m`` and
        ``placement`` (:data:`INSIDE` or :data:`BUFFER`); and the unplaced list
        (:data:`UNPLACED_COLUMNS`). Rows of the adviser's list that were located
        but lie beyond the buffer are not unplaced: they are in
        ``attrs["outside"]`` (:data:`OUTSIDE_COLUMNS`, nearest first, with their
        straight-line distance to the place in metres).
    """

    if isinstance(buffer_m, bool) or not isinstance(buffer_m, (int, float)) or buffer_m < 0:
        raise ValueError(f"buffer_m must be a distance in metres >= 0, not {buffer_m!r}")
    if isinstance(boundary, gpd.GeoDataFrame):
        shape = (boundary.to_crs(27700) if boundary.crs else boundary.set_crs(27700)).union_all()
    elif isinstance(boundary, BaseGeometry):
        shape = boundary
    else:
        raise TypeError("boundary must be a GeoDataFrame or a shapely geometry")
    for frame in official + ([local] if local is not None else []):
        check_frame(frame, "an asset table", ASSET_COLUMNS)
    coder = _Geocoder(collection, codepoint, shape.buffer(buffer_m))
    counts: dict[str, int] = {}
    unplaced: list[pd.DataFrame] = []
    outside: list[pd.DataFrame] = []
    pieces = [_official_near(frame, coder, buffer_m, counts, unplaced) for frame in official if not frame.empty]
    if local is not None and not local.empty:
        pieces.append(_local_near(local, coder, shape, unplaced, outside))
    gdf = _located(pieces, shape, collection, place_lsoa21, lsoas, geography)
    un = (pd.concat(unplaced, ignore_index=True) if unplaced
          else pd.DataFrame({c: pd.Series(dtype="string") for c in UNPLACED_COLUMNS}))
    un = un[list(UNPLACED_COLUMNS)].astype("string").reset_index(drop=True)
    far = (pd.concat(outside, ignore_index=True) if outside
           else pd.DataFrame({c: pd.Series(dtype="int64" if c == "distance_m" else "string")
                              for c in OUTSIDE_COLUMNS}))
    gdf["placement"] = placement(gdf["in_place"], gdf["distance_to_place_m"], buffer_m)
    gdf.attrs["counts"] = counts
    gdf.attrs["buffer_m"] = buffer_m
    gdf.attrs["outside"] = far[list(OUTSIDE_COLUMNS)].sort_values("distance_m", kind="stable").reset_index(drop=True)
    un.attrs["counts"] = counts
    return gdf, un


class _Geocoder:
    """Postcodes to grid references for :func:`combine_assets`, within ``zone`` (the place and its
    buffer): the Code-Point file is found, and its postcode areas near the zone listed, only when
    first needed (a list whose rows all carry coordinates never opens it)."""

    def __init__(self, collection: str, codepoint: Path | None, zone):
        self.collection, self.codepoint, self.zone = collection, codepoint, zone
        self._path: Path | None = None
        self._near: set[str] | None = None

    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self.codepoint) if self.codepoint is not None else codepoint_path(self.collection)
        return self._path

    def areas_near(self) -> set[str]:
        """Postcode areas whose extent touches the zone."""
        if self._near is None:
            b = area_bounds(self.path())
            x0, y0, x1, y1 = self.zone.bounds
            hit = (b["min_easting"] <= x1) & (b["max_easting"] >= x0) & (b["min_northing"] <= y1) & \
                  (b["max_northing"] >= y0)
            self._near = set(b.loc[hit, "area"])
        return self._near

    def geocode(self, frame: pd.DataFrame, need: pd.Series) -> pd.DataFrame:
        """``frame`` with the rows ``need`` given coordinates from their postcode, and the status of
        each look-up in ``_pc_status`` (missing for rows not looked up)."""
        points = postcode_points(frame.loc[need, "postcode"], self.collection, source=self.path())
        frame = frame.copy()
        frame.loc[need, "easting"] = points["easting"].astype("Float64")
        frame.loc[need, "northing"] = points["northing"].astype("Float64")
        frame["_pc_status"] = pd.Series(pd.NA, index=frame.index, dtype="string")
        frame.loc[need, "_pc_status"] = points["status"]
        return frame


def _official_near(frame: pd.DataFrame, coder: _Geocoder, buffer_m: float, counts: dict,
                   unplaced: list) -> pd.DataFrame:
    """The rows of one national list within the zone. Rows far away (by grid reference, or by
    postcode area when they have none) are only counted in ``counts``; rows near the place that
    cannot be located are added to ``unplaced`` with the reason."""
    source = str(frame["source"].iloc[0])
    frame = frame.reset_index(drop=True)
    no_xy = frame["easting"].isna() | frame["northing"].isna()
    area = pd.Series([_postcode_area_of(p) if isinstance(p, str) else None for p in frame["postcode"].tolist()],
                     index=frame.index, dtype=object)
    near_pc = area.isin(coder.areas_near()) if no_xy.any() else pd.Series(False, index=frame.index)
    far = no_xy & ~near_pc
    counts[f"{source}: not near the place (postcode area)"] = int(far.sum())
    frame = frame[~far]
    need = frame["easting"].isna() | frame["northing"].isna()
    if need.any():
        frame = coder.geocode(frame, need)
        bad = need & frame["_pc_status"].ne(OK).fillna(True)
        if bad.any():
            why = frame.loc[bad, "_pc_status"].map(
                lambda s: "postcode not found in OS Code-Point Open" if s == NOT_FOUND else "malformed postcode")
            unplaced.append(_unplaced(frame[bad], why.to_numpy()))
        frame = frame[~bad].drop(columns="_pc_status")
    pts = gpd.points_from_xy(frame["easting"].astype(float), frame["northing"].astype(float))
    inside = pd.Series(gpd.GeoSeries(pts, crs=27700).within(coder.zone).to_numpy(), index=frame.index)
    counts[f"{source}: farther than {buffer_m:g} m from the place"] = int((~inside).sum())
    return frame[inside]


def _local_near(local: pd.DataFrame, coder: _Geocoder, shape, unplaced: list, outside: list) -> pd.DataFrame:
    """The rows of the adviser's list within the zone. Every other row is accounted for: rows that
    cannot be located (and rows the reader skipped) go to ``unplaced`` with the reason, located rows
    beyond the zone to ``outside`` with their distance to the place."""
    frame = local.reset_index(drop=True)
    need = (frame["easting"].isna() | frame["northing"].isna()) & frame["postcode"].notna()
    if "postcode_status" in frame:
        need &= frame["postcode_status"].eq("ok")
    if need.any():
        frame = coder.geocode(frame, need)
    else:
        frame = frame.assign(_pc_status=pd.Series(pd.NA, index=frame.index, dtype="string"))
    no_xy = frame["easting"].isna() | frame["northing"].isna()
    reasons = []
    for i in frame.index[no_xy]:
        status = frame.at[i, "_pc_status"]
        pstat = frame.at[i, "postcode_status"] if "postcode_status" in frame else None
        if isinstance(status, str) and status == NOT_FOUND:
            reasons.append(f"postcode {frame.at[i, 'postcode']} not found in OS Code-Point Open")
        elif isinstance(pstat, str) and pstat == "malformed":
            reasons.append(f"malformed postcode {frame.at[i, 'postcode']!r} and no coordinates")
        else:
            reasons.append("no postcode or coordinates")
    if no_xy.any():
        unplaced.append(_unplaced(frame[no_xy], reasons))
    frame = frame[~no_xy].drop(columns="_pc_status")
    pts = gpd.GeoSeries(gpd.points_from_xy(frame["easting"].astype(float), frame["northing"].astype(float)),
                        crs=27700)
    inside = pd.Series(pts.within(coder.zone).to_numpy(), index=frame.index)
    if (~inside).any():
        far = frame[~inside]
        outside.append(pd.DataFrame({
            **{c: far[c] if c in far else pd.NA for c in OUTSIDE_COLUMNS[:-1]},
            "distance_m": pts[~inside.to_numpy()].distance(shape).round(0).astype("int64").to_numpy()}))
    skipped = local.attrs.get("skipped")
    if isinstance(skipped, pd.DataFrame) and not skipped.empty:
        unplaced.append(_unplaced(skipped, ("skipped: " + skipped["reason"].astype(str)).to_numpy()))
    return frame[inside]


def _located(pieces: list, shape, collection: str, place_lsoa21, lsoas, geography) -> gpd.GeoDataFrame:
    """The kept rows of every list as one GeoDataFrame (EPSG:27700), each located in LSOA, ward and
    LAD, with whether it lies in the place and how far from it."""
    keep = [p for p in pieces if not p.empty]
    assets = pd.concat(keep, ignore_index=True) if keep else _empty_assets()
    if not assets.empty:
        assets = locate(assets, collection, lsoas=lsoas, geography=geography)
    else:
        for col in ("lsoa21_code", "ward24_code", "lad24_code", "located"):
            assets[col] = pd.Series(dtype="string")
    gdf = gpd.GeoDataFrame(assets, geometry=gpd.points_from_xy(assets["easting"].astype(float),
                                                               assets["northing"].astype(float)), crs=27700)
    gdf["in_place"] = gdf.within(shape)
    gdf["distance_to_place_m"] = gdf.distance(shape).round(0)
    if place_lsoa21 is not None:
        # a point on the boundary line counts with the LSOA it falls in
        gdf["in_place"] = gdf["in_place"] | gdf["lsoa21_code"].isin(list(place_lsoa21)).fillna(False)
    return gdf


def place_assets(place, *, buffer_m: float = BUFFER_M, official: bool = True):
    """Every asset of a place, located, and every asset that could not be placed.

    Combines the official lists (schools and children's centres, GP practices,
    libraries; whichever are available for the place's collection) with the
    place's own list (``place.local_path("assets")``), keeps those within
    ``buffer_m`` metres (straight line) of the place boundary, and locates each in
    LSOA 2021 / ward 2024 / LAD 2024.

    Parameters
    ----------
    place : ccdata.geo.places.Place or str
        The place (or its id).
    buffer_m : float
        Metres beyond the boundary (default :data:`BUFFER_M`, about a ten-minute
        walk): services just outside a footprint serve its children too.
    official : bool
        Include the official lists (``False``: the local list only).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        See :func:`combine_assets`. ``attrs["sources"]`` says which lists were
        used and why any was not; ``attrs["problems"]`` the local list's problems
        (file, row, column).

    Raises
    ------
    MissingDataError
        If the place's local asset file is configured but missing, or the
        boundaries / postcode directory are not available.
    """


    if isinstance(place, str):
        place = get_place(place)
    if not isinstance(place, Place):
        raise TypeError(f"place must be a Place or place id, not {type(place).__name__}")
    sources_used = []
    frames = []
    if official:
        for label, func in (("schools (GIAS)", schools), ("GP practices (epraccur)", gp_practices),
                            ("libraries", libraries)):
            try:
                frames.append(func(place.collection))
                sources_used.append({"list": label, "used": True, "note": ""})
            except MissingDataError as exc:  # partners read a plain sentence; the adviser the detail
                sources_used.append({"list": label, "used": False,
                                     "note": "the official list was not available for this run"})
                warnings.warn(f"{label}: {exc}", DataQualityWarning, stacklevel=2)
    local = None
    problems = pd.DataFrame(columns=["file", "row", "column", "message", "value"])
    try:
        path = place.local_path("assets")
    except LocalFileError as exc:  # refused before opening: the official lists are still mapped
        path = None
        sources_used.append({"list": "local list", "used": False,
                             "note": f"the list set up for this place could not be used: {exc.reason}"})
        warnings.warn(str(exc), DataQualityWarning, stacklevel=2)
    if path is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            local = load_asset_list(path)
        problems = exclusions_table(local)
        sources_used.append({"list": f"local list ({path.name})", "used": True,
                             "note": f"{len(problems):,} problem(s) listed"})
    elif not any(s["list"] == "local list" for s in sources_used):
        sources_used.append({"list": "local list", "used": False,
                             "note": "no local asset list is configured for this place"})
    gdf, unplaced = combine_assets(frames, local, place.boundary(), collection=place.collection,
                                   buffer_m=buffer_m, place_lsoa21=place.lsoa21)
    gdf.attrs["sources"] = pd.DataFrame(sources_used)
    gdf.attrs["problems"] = problems
    gdf.attrs["place"] = place.id
    return gdf, unplaced


def map_layers(place, *, edition: str = "iod2025", deprivation_col: str = "imd_decile"):
    """The layers :func:`ccdata.present.maps.map_assets` needs for a place.

    Returns
    -------
    (GeoDataFrame, GeoDataFrame, GeoDataFrame or None)
        LSOA 2021 polygons with ``deprivation_col`` (from ``edition``), the place
        boundary, and the May 2024 wards the place's LSOAs belong to (``None``
        when ward boundaries are not available).
    """

    if not isinstance(place, Place):
        raise TypeError(f"place must be a Place, not {type(place).__name__}")
    lsoas = place.lsoa_boundaries()
    dep = place.deprivation(edition)
    if deprivation_col not in dep:
        raise KeyError(f"{edition} has no column {deprivation_col!r}")
    lsoas = lsoas.merge(dep[["lsoa21_code", deprivation_col]], on="lsoa21_code", how="left")
    wards = None
    try:
        bounds = place.table("boundaries_ward24")
        geo = place.table("lsoa21_geography")
        codes = set(geo.loc[geo["lsoa21_code"].isin(place.lsoa21), "ward24_code"])
        wards = bounds[bounds["ward24_code"].isin(codes)].reset_index(drop=True)
    except MissingDataError:
        wards = None
    return lsoas, place.boundary(), wards
