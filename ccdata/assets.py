"""Assets around children: official service lists, an adviser's own list, and coverage.

Official lists give the services everyone can see: schools and children's centres
(DfE Get Information about Schools), GP practices (NHS ODS epraccur) and public
libraries (DCMS basic dataset). The assets a resident would name (youth clubs, food
banks, faith and community groups) are in no national dataset, so each place can
keep its own list (``local: {assets: ...}`` in ``places.yaml``), read by
:func:`load_asset_list`. :func:`place_assets` combines both, locates every asset and
lists every one it could not place, with the reason. :func:`coverage` relates assets
to the children who live in the place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataQualityWarning, MissingDataError, Problem, ValidationError

# --------------------------------------------------------------------------- vocabulary
#: The asset categories, with the label shown to readers. Free-typed categories in an
#: adviser's list are mapped onto these by :func:`normalise_category`.
CATEGORIES: dict[str, str] = {
    "school": "School",
    "early_years": "Early years (nursery, pre-school, childminder)",
    "gp_practice": "GP practice",
    "library": "Library",
    "youth": "Youth club or centre",
    "family_hub": "Family hub or children's centre",
    "food_bank": "Food bank or food pantry",
    "faith": "Faith group or place of worship",
    "community": "Community centre or group",
    "leisure": "Leisure, sport, parks and play",
    "health_other": "Other health service (pharmacy, dentist, clinic)",
    "other": "Other",
}

#: Synonyms an adviser may type (compared after lower-casing, "&" -> "and", and
#: removing punctuation and a plural "s"). A category id itself is always accepted.
CATEGORY_SYNONYMS: dict[str, str] = {
    **{k: k for k in CATEGORIES},
    "school": "school", "primary school": "school", "secondary school": "school",
    "primary": "school", "secondary": "school", "academy": "school", "special school": "school",
    "sixth form": "school", "college": "school", "pupil referral unit": "school",
    "early year": "early_years", "nursery": "early_years", "nursery school": "early_years",
    "preschool": "early_years", "pre school": "early_years", "playgroup": "early_years",
    "childminder": "early_years", "childcare": "early_years", "toddler group": "early_years",
    "stay and play": "early_years",
    "gp": "gp_practice", "gp practice": "gp_practice", "gp surgery": "gp_practice",
    "surgery": "gp_practice", "doctor": "gp_practice", "doctors surgery": "gp_practice",
    "medical centre": "gp_practice", "health centre": "gp_practice",
    "library": "library", "public library": "library", "community library": "library",
    "youth": "youth", "youth club": "youth", "youth centre": "youth", "youth service": "youth",
    "youth project": "youth", "scout": "youth", "guide": "youth", "cadet": "youth",
    "family hub": "family_hub", "children centre": "family_hub", "childrens centre": "family_hub",
    "children's centre": "family_hub", "sure start": "family_hub", "sure start centre": "family_hub",
    "family centre": "family_hub",
    "food bank": "food_bank", "foodbank": "food_bank", "food pantry": "food_bank",
    "pantry": "food_bank", "community fridge": "food_bank", "community larder": "food_bank",
    "food club": "food_bank",
    "faith": "faith", "faith group": "faith", "church": "faith", "mosque": "faith",
    "synagogue": "faith", "gurdwara": "faith", "temple": "faith", "mandir": "faith",
    "place of worship": "faith", "chapel": "faith",
    "community": "community", "community centre": "community", "community group": "community",
    "community hall": "community", "tenants association": "community",
    "residents association": "community", "tenants and residents association": "community",
    "voluntary group": "community", "charity": "community", "neighbourhood centre": "community",
    "leisure": "leisure", "leisure centre": "leisure", "sports club": "leisure", "sport": "leisure",
    "swimming pool": "leisure", "park": "leisure", "playground": "leisure", "play area": "leisure",
    "gym": "leisure", "adventure playground": "leisure",
    "health": "health_other", "health other": "health_other", "pharmacy": "health_other",
    "chemist": "health_other", "dentist": "health_other", "clinic": "health_other",
    "health visitor": "health_other", "hospital": "health_other", "mental health": "health_other",
    "other": "other",
}

#: Official assets are kept when within this distance (metres, straight line) of the
#: place boundary: services just outside the footprint are used by its children, and
#: 800 m is about a ten-minute walk.
BUFFER_M = 800
#: Straight-line distances (metres) for the share of children near each category.
REACH_DISTANCES_M = (400, 800, 1200)
#: Census 2021 TS007A age bands (slugs) summed to count children aged 0 to 19.
CHILD_AGE_BANDS = ("aged_4_years_and_under", "aged_5_to_9_years", "aged_10_to_14_years",
                   "aged_15_to_19_years")
#: Columns of every asset table (official or local), before geocoding.
ASSET_COLUMNS = ("asset_id", "source", "source_ref", "name", "category", "category_label", "subtype",
                 "address", "postcode", "website", "details", "easting", "northing")
#: Columns of the unplaced list.
UNPLACED_COLUMNS = ("source", "source_ref", "name", "category", "postcode", "reason")

SOURCE_GIAS = "DfE Get Information about Schools"
SOURCE_EPRACCUR = "NHS ODS epraccur"
SOURCE_LIBRARIES = "Public libraries in England (DCMS)"


def _category_key(text: str) -> str:
    text = str(text).lower().replace("&", " and ").replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    text = " ".join(text.replace("'", "").split())
    return text


_SYNONYM_KEYS = {_category_key(k): v for k, v in CATEGORY_SYNONYMS.items()}


def normalise_category(value) -> str | None:
    """Map a free-typed category to a :data:`CATEGORIES` id, or ``None`` if unknown.

    Case, punctuation, ``&``/``and``, underscores and a plural ``s`` are ignored.

    Examples
    --------
    >>> normalise_category("Food Banks")
    'food_bank'
    >>> normalise_category("Children's Centre")
    'family_hub'
    >>> normalise_category("spaceport") is None
    True
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    key = _category_key(str(value).replace("_", " "))
    if not key:
        return None
    for candidate in (key, key[:-1] if key.endswith("s") else key, key.replace("childrens", "children")):
        if candidate in _SYNONYM_KEYS:
            return _SYNONYM_KEYS[candidate]
    return None


def _empty_assets() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Float64" if c in ("easting", "northing") else "string")
                         for c in ASSET_COLUMNS})


def _details(parts) -> str:
    return "; ".join(str(p) for p in parts if p is not None and not (not isinstance(p, str) and pd.isna(p))
                     and str(p).strip())


def _finish(frame: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = frame.copy()
    frame["category_label"] = frame["category"].map(CATEGORIES)
    frame["asset_id"] = frame["source"] + ":" + frame["source_ref"].astype(str)
    for col in ("easting", "northing"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    cols = list(ASSET_COLUMNS) + [c for c in extra if c in frame.columns]
    out = frame[cols].reset_index(drop=True)
    for col in out.columns:
        if col not in ("easting", "northing") and col not in extra:
            out[col] = out[col].astype("string")
    return out


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
    from .build import table

    config._check_collection(collection)
    gias = table("dfe_gias", collection)
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
        "details": [_details([p if p and p != "Not applicable" else None, t,
                              f"{int(n):,} pupils" if pd.notna(n) else None,
                              f"{f:.1f}% eligible for free school meals" if pd.notna(f) else None,
                              f"Ofsted: {o}" if isinstance(o, str) and o.strip() else None])
                    for p, t, n, f, o in zip(phase, df["type"], pupils, fsm, df["ofsted_rating"])],
        "easting": df["easting"], "northing": df["northing"],
        "phase": phase, "pupils": pupils.astype("Int64"), "pct_fsm": fsm.astype("Float64"),
        "ofsted_rating": df["ofsted_rating"], "la_code": df["la_code"],
    })
    result = _finish(out, ("phase", "pupils", "pct_fsm", "ofsted_rating", "la_code"))
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
    from .build import table

    config._check_collection(collection)
    ods = table("nhs_epraccur", collection)
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
        "details": [_details([f"ODS code {c}", f"Tel. {p}" if isinstance(p, str) and p.strip() else None])
                    for c, p in zip(df["org_code"], df["phone"])],
        "easting": np.nan, "northing": np.nan,
    })
    result = _finish(out)
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
    from .build import table

    config._check_collection(collection)
    libs = table("libraries_england", collection)
    closed = libs["closed"].map(_is_closed).astype(bool) if "closed" in libs else pd.Series(False, index=libs.index)
    df = libs[~closed]
    ref = df["uprn"].astype("string").fillna("") if "uprn" in df else pd.Series("", index=df.index)
    ref = ref.where(ref.str.strip().ne(""), pd.Series([f"row{i}" for i in df.index], index=df.index))
    out = pd.DataFrame({
        "source": SOURCE_LIBRARIES, "source_ref": ref, "name": df["name"], "category": "library",
        "subtype": df["type"] if "type" in df else pd.NA, "address": df["address"], "postcode": df["postcode"],
        "website": pd.NA,
        "details": [_details([f"Library service: {a}" if isinstance(a, str) else None,
                              f"Type: {t}" if isinstance(t, str) else None])
                    for a, t in zip(df["authority"], df["type"] if "type" in df else [None] * len(df))],
        "easting": np.nan, "northing": np.nan,
    })
    result = _finish(out)
    result.attrs["excluded"] = {"closed": int(closed.sum())}
    return result


# --------------------------------------------------------------------------- adviser's list
_LOCAL_ALIASES = {
    "name": ("name", "asset", "asset name", "organisation", "organization", "organisation name"),
    "category": ("category", "type", "kind", "asset type"),
    "address": ("address", "street address", "address 1"),
    "postcode": ("postcode", "post code", "postal code"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "easting": ("easting", "eastings", "x"),
    "northing": ("northing", "northings", "y"),
    "website": ("website", "web site", "url", "web"),
    "notes": ("opening notes", "opening hours", "opening times", "notes", "opening", "hours"),
}
#: Great Britain with a margin (the fictional demo country lies just off its east
#: coast): coordinates outside are taken as mistakes (swapped lat/lon, typos).
_GB_LAT, _GB_LON = (49.5, 61.5), (-9.0, 3.0)
_GB_EASTING, _GB_NORTHING = (0, 800_000), (0, 1_300_000)


def _match_columns(columns: list[str], known: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """``{field: header}`` for the headers matching a field's aliases, ignoring case,
    underscores and spacing (``known`` defaults to the asset-list aliases)."""
    found = {}
    lowered = {" ".join(str(c).lower().replace("_", " ").split()): c for c in columns}
    for field, aliases in (_LOCAL_ALIASES if known is None else known).items():
        for alias in aliases:
            if alias in lowered:
                found[field] = lowered[alias]
                break
    return found


def load_asset_list(path) -> pd.DataFrame:
    """Read an adviser's asset list (CSV or XLSX).

    The file needs columns ``name`` and ``category`` and a location: ``postcode``
    and/or ``lat``/``lon`` (WGS84) or ``easting``/``northing`` (British National
    Grid); optional ``address``, ``website`` and opening notes (``notes``,
    ``opening hours``). Header case and common synonyms are accepted. CSV files
    saved as Windows-1252 are read with a :class:`DataQualityWarning`.

    Problems never stop the read; each is listed with file, row and column in
    ``attrs["exclusions"]`` and one warning is raised:

    * unknown category: the asset is kept as ``other``;
    * malformed postcode: kept (it may still have coordinates), ``postcode_status``
      is ``malformed``;
    * coordinates that are not numbers or lie outside Great Britain, and easting/northing
      0,0 (a common "no location" placeholder): ignored;
    * no usable location: kept (listed as unplaced by :func:`place_assets`);
    * a row with no name, or repeating an earlier row (same name, category and
      postcode): skipped and listed in ``attrs["skipped"]``.

    Returns
    -------
    DataFrame
        :data:`ASSET_COLUMNS` plus ``row`` (file line), ``category_original``,
        ``postcode_status`` (``ok``/``malformed``/``missing``), ``notes`` and
        ``location`` (``coordinates``, ``postcode`` or ``none``). ``easting`` and
        ``northing`` are filled from the file's coordinates (lat/lon converted);
        postcodes are geocoded later.

    Raises
    ------
    MissingDataError
        If the file does not exist.
    ValidationError
        If required columns are missing (every missing column named).
    """
    from .geocode import is_postcode, normalise_postcode
    from .io import attach_exclusions
    from .io._read import duplicate_columns, read_csv_lines, read_excel_sheet

    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, not {type(path).__name__}")
    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"asset list {path} does not exist")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            raw, exclusions, display = read_excel_sheet(path, required=("name",))
        except ValidationError:
            raw, exclusions, display = read_excel_sheet(path, sheet=0)
    else:
        raw, exclusions, display = read_csv_lines(path, required=("name",))
    exclusions = list(exclusions)
    cols = _match_columns(list(raw.columns))
    problems = duplicate_columns(raw.columns, display, used=set(cols.values()))
    problems += [Problem(display, None, need, "required column is missing") for need in ("name", "category")
                 if need not in cols]
    has_location = "postcode" in cols or {"lat", "lon"} <= set(cols) or {"easting", "northing"} <= set(cols)
    if not has_location:
        problems.append(Problem(display, None, "postcode", "no location columns: need postcode, lat and lon, "
                                "or easting and northing"))
    if problems:
        raise ValidationError(display, problems)

    def text(field: str) -> pd.Series:
        if field not in cols:
            return pd.Series(pd.NA, index=raw.index, dtype="string")
        s = raw[cols[field]].astype("string").str.strip()
        return s.mask(s.eq(""), pd.NA)

    def number(field: str) -> pd.Series:
        s = text(field)
        values = pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")
        for line in raw.index[values.isna() & s.notna()]:
            exclusions.append(Problem(display, int(line), cols[field], "not a number; ignored", s.at[line]))
        return values.astype("float64")

    names, categories = text("name"), text("category")
    postcodes_typed = text("postcode")
    normal = pd.Series([normalise_postcode(v) if isinstance(v, str) else None for v in postcodes_typed],
                       index=raw.index, dtype=object)
    ok_pc = normal.map(lambda p: is_postcode(p) if isinstance(p, str) else False).astype(bool)
    pc_status = np.where(postcodes_typed.isna(), "missing", np.where(ok_pc, "ok", "malformed"))
    for line in raw.index[(pc_status == "malformed")]:
        exclusions.append(Problem(display, int(line), cols["postcode"], "malformed postcode",
                                  postcodes_typed.at[line]))
    # object dtype: on a column with no category at all, map() gives a pyarrow null column
    # that fillna("other") cannot fill
    category = categories.astype(object).map(lambda v: normalise_category(v), na_action="ignore")
    for line in raw.index[category.isna()]:
        typed = categories.at[line]
        message = ("missing category; shown as other" if pd.isna(typed) else
                   f"unknown category; shown as other (known: {', '.join(CATEGORIES)})")
        exclusions.append(Problem(display, int(line), cols["category"], message,
                                  None if pd.isna(typed) else typed))
    category = category.fillna("other")

    east = pd.Series(np.nan, index=raw.index)
    north = pd.Series(np.nan, index=raw.index)
    if {"easting", "northing"} <= set(cols):
        e, n = number("easting"), number("northing")
        # 0,0 is how many systems write "no location"; it is not a point in Great Britain
        placeholder = (e == 0) & (n == 0)
        for line in raw.index[placeholder]:
            exclusions.append(Problem(display, int(line), cols["easting"],
                                      "easting/northing 0,0 is a 'no location' placeholder; treated as missing",
                                      (raw.at[line, cols["easting"]], raw.at[line, cols["northing"]])))
        inside = e.between(*_GB_EASTING) & n.between(*_GB_NORTHING) & ~placeholder
        for line in raw.index[(e.notna() | n.notna()) & ~inside & ~placeholder]:
            exclusions.append(Problem(display, int(line), cols["easting"],
                                      "easting/northing incomplete or outside Great Britain; ignored",
                                      (raw.at[line, cols["easting"]], raw.at[line, cols["northing"]])))
        east, north = e.where(inside), n.where(inside)
    if {"lat", "lon"} <= set(cols):
        lat, lon = number("lat"), number("lon")
        inside = lat.between(*_GB_LAT) & lon.between(*_GB_LON)
        for line in raw.index[(lat.notna() | lon.notna()) & ~inside]:
            exclusions.append(Problem(display, int(line), cols["lat"],
                                      "lat/lon incomplete or outside Great Britain (swapped?); ignored",
                                      (raw.at[line, cols["lat"]], raw.at[line, cols["lon"]])))
        use = inside & east.isna()
        if use.any():
            from pyproj import Transformer

            to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
            x, y = to_bng.transform(lon[use].to_numpy(), lat[use].to_numpy())
            east[use], north[use] = x, y
    has_xy = east.notna() & north.notna()
    location = np.where(has_xy, "coordinates", np.where(ok_pc, "postcode", "none"))
    for line in raw.index[location == "none"]:
        exclusions.append(Problem(display, int(line), cols.get("postcode"),
                                  "no usable location (no valid postcode or coordinates)"))

    out = pd.DataFrame({
        "row": raw.index.astype(int), "source": f"local list ({path.name})", "source_ref": [f"row {i}" for i in raw.index],
        "name": names, "category": category, "category_original": categories, "subtype": categories,
        "address": text("address"), "postcode": [n if ok else (t.upper() if isinstance(t, str) else None)
                                                   for n, ok, t in zip(normal, ok_pc, postcodes_typed)],
        "postcode_status": pc_status, "website": text("website"), "notes": text("notes"),
        "details": text("notes"), "easting": east, "northing": north, "location": location,
    }, index=raw.index)
    skipped = []
    no_name = out["name"].isna()
    for line in out.index[no_name]:
        exclusions.append(Problem(display, int(line), cols["name"], "missing name; row skipped"))
        skipped.append((line, "missing name"))
    key = pd.DataFrame({"n": out["name"].str.casefold().str.split().str.join(" "), "c": out["category"],
                        "p": out["postcode"].fillna("")})
    dup = key.duplicated(keep="first") & ~no_name
    if dup.any():
        first_line = key[~key.duplicated(keep="first")].reset_index().set_index(["n", "c", "p"])["row"]
        for line in out.index[dup]:
            first = int(first_line.loc[tuple(key.loc[line])])
            exclusions.append(Problem(display, int(line), cols["name"],
                                      f"duplicate of row {first} (same name, category and postcode); row skipped",
                                      out.at[line, "name"]))
            skipped.append((line, f"duplicate of row {first}"))
    skip_lines = {s[0] for s in skipped}
    skipped_frame = out.loc[sorted(skip_lines)].copy()
    skipped_frame["reason"] = [dict(skipped)[i] for i in skipped_frame.index]
    kept = out.drop(index=sorted(skip_lines))
    result = _finish(kept, ("row", "category_original", "postcode_status", "notes", "location"))
    result["row"] = result["row"].astype("int64")
    exclusions.sort(key=lambda p: (p.row or 0, p.column or ""))
    result.attrs["file"] = display
    result.attrs["skipped"] = skipped_frame.reset_index(drop=True)
    return attach_exclusions(result, exclusions) if exclusions else result


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
        (see :func:`ccdata.geocode.locate`).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        Located assets (EPSG:27700) with ``lsoa21_code``, ``ward24_code``,
        ``lad24_code``, ``located``, ``in_place`` and ``distance_to_place_m``; and
        the unplaced list (:data:`UNPLACED_COLUMNS`).
    """
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from .geocode import (NOT_FOUND, OK, codepoint_path, locate, normalise_postcode, postcode_area,
                          postcode_points)
    from .io.postcodes import area_bounds

    if isinstance(buffer_m, bool) or not isinstance(buffer_m, (int, float)) or buffer_m < 0:
        raise ValueError(f"buffer_m must be a distance in metres >= 0, not {buffer_m!r}")
    if isinstance(boundary, gpd.GeoDataFrame):
        shape = (boundary.to_crs(27700) if boundary.crs else boundary.set_crs(27700)).union_all()
    elif isinstance(boundary, BaseGeometry):
        shape = boundary
    else:
        raise TypeError("boundary must be a GeoDataFrame or a shapely geometry")
    zone = shape.buffer(buffer_m)
    for frame in official + ([local] if local is not None else []):
        if not isinstance(frame, pd.DataFrame) or not set(ASSET_COLUMNS) <= set(frame.columns):
            raise ValueError(f"asset tables must have the columns {ASSET_COLUMNS}")

    counts: dict[str, int] = {}
    unplaced: list[pd.DataFrame] = []
    pieces: list[pd.DataFrame] = []
    lazy_path: list[Path] = []

    def cp_path() -> Path:
        if not lazy_path:
            lazy_path.append(Path(codepoint) if codepoint is not None else codepoint_path(collection))
        return lazy_path[0]

    near_areas: set[str] | None = None

    def areas_near() -> set[str]:
        nonlocal near_areas
        if near_areas is None:
            b = area_bounds(cp_path())
            x0, y0, x1, y1 = zone.bounds
            hit = (b["min_easting"] <= x1) & (b["max_easting"] >= x0) & (b["min_northing"] <= y1) & \
                  (b["max_northing"] >= y0)
            near_areas = set(b.loc[hit, "area"])
        return near_areas

    def geocode(frame: pd.DataFrame, need: pd.Series) -> pd.DataFrame:
        points = postcode_points(frame.loc[need, "postcode"], collection, source=cp_path())
        frame = frame.copy()
        frame.loc[need, "easting"] = points["easting"].astype("Float64")
        frame.loc[need, "northing"] = points["northing"].astype("Float64")
        frame["_pc_status"] = pd.Series(pd.NA, index=frame.index, dtype="string")
        frame.loc[need, "_pc_status"] = points["status"]
        return frame

    for frame in official:
        if frame.empty:
            continue
        source = str(frame["source"].iloc[0])
        frame = frame.reset_index(drop=True)
        no_xy = frame["easting"].isna() | frame["northing"].isna()
        area = frame["postcode"].map(lambda p: postcode_area(normalise_postcode(p)) if isinstance(p, str) else None)
        near_pc = area.isin(areas_near()) if no_xy.any() else pd.Series(False, index=frame.index)
        far = no_xy & ~near_pc
        counts[f"{source}: not near the place (postcode area)"] = int(far.sum())
        frame = frame[~far]
        need = frame["easting"].isna() | frame["northing"].isna()
        if need.any():
            frame = geocode(frame, need)
            bad = need & frame["_pc_status"].ne(OK).fillna(True)
            if bad.any():
                why = frame.loc[bad, "_pc_status"].map(
                    lambda s: "postcode not found in OS Code-Point Open" if s == NOT_FOUND else "malformed postcode")
                unplaced.append(_unplaced(frame[bad], why.to_numpy()))
            frame = frame[~bad].drop(columns="_pc_status")
        pts = gpd.points_from_xy(frame["easting"].astype(float), frame["northing"].astype(float))
        inside = pd.Series(gpd.GeoSeries(pts, crs=27700).within(zone).to_numpy(), index=frame.index)
        counts[f"{source}: farther than {buffer_m:g} m from the place"] = int((~inside).sum())
        pieces.append(frame[inside])

    if local is not None and not local.empty:
        frame = local.reset_index(drop=True)
        need = (frame["easting"].isna() | frame["northing"].isna()) & frame["postcode"].notna()
        if "postcode_status" in frame:
            need &= frame["postcode_status"].eq("ok")
        if need.any():
            frame = geocode(frame, need)
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
        inside = pd.Series(pts.within(zone).to_numpy(), index=frame.index)
        if (~inside).any():
            unplaced.append(_unplaced(frame[~inside], f"outside the place and its {buffer_m:g} m buffer"))
        pieces.append(frame[inside])
        skipped = local.attrs.get("skipped")
        if isinstance(skipped, pd.DataFrame) and not skipped.empty:
            unplaced.append(_unplaced(skipped, ("skipped: " + skipped["reason"].astype(str)).to_numpy()))

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
    un = (pd.concat(unplaced, ignore_index=True) if unplaced
          else pd.DataFrame({c: pd.Series(dtype="string") for c in UNPLACED_COLUMNS}))
    un = un[list(UNPLACED_COLUMNS)].astype("string").reset_index(drop=True)
    gdf.attrs["counts"] = counts
    gdf.attrs["buffer_m"] = buffer_m
    un.attrs["counts"] = counts
    return gdf, un


def place_assets(place, *, buffer_m: float = BUFFER_M, official: bool = True):
    """Every asset of a place, located, and every asset that could not be placed.

    Combines the official lists (schools and children's centres, GP practices,
    libraries; whichever are available for the place's collection) with the
    place's own list (``place.local_path("assets")``), keeps those within
    ``buffer_m`` metres (straight line) of the place boundary, and locates each in
    LSOA 2021 / ward 2024 / LAD 2024.

    Parameters
    ----------
    place : ccdata.places.Place or str
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
    import warnings

    from .io import exclusions as exclusions_table
    from .places import Place, place as get_place

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
            except MissingDataError as exc:
                sources_used.append({"list": label, "used": False, "note": str(exc).split(";")[0]})
    local = None
    path = place.local_path("assets")
    problems = pd.DataFrame(columns=["file", "row", "column", "message", "value"])
    if path is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            local = load_asset_list(path)
        problems = exclusions_table(local)
        sources_used.append({"list": f"local list ({path.name})", "used": True,
                             "note": f"{len(problems)} problem(s) listed"})
    else:
        sources_used.append({"list": "local list", "used": False,
                             "note": "no local asset list is configured for this place"})
    gdf, unplaced = combine_assets(frames, local, place.boundary(), collection=place.collection,
                                   buffer_m=buffer_m, place_lsoa21=place.lsoa21)
    gdf.attrs["sources"] = pd.DataFrame(sources_used)
    gdf.attrs["problems"] = problems
    gdf.attrs["place"] = place.id
    return gdf, unplaced


# --------------------------------------------------------------------------- coverage
@dataclass
class Coverage:
    """Assets relative to the children of a place.

    Attributes
    ----------
    by_area : DataFrame
        level (``lsoa``, ``ward``, ``place``), area_code, area_name, category,
        category_label, assets, children_0_19, per_1000_children. Counts only
        assets inside the place; a ward row covers the place's LSOAs in that ward.
    reach : DataFrame
        category, category_label, n_assets, straight_line_m, children_within,
        children_total, share_within_pct: the share of the place's children
        whose LSOA centroid lies within that straight-line distance of an asset of
        the category (assets in the buffer count).
    method : str
        Plain-language method note for readers.
    """

    by_area: pd.DataFrame
    reach: pd.DataFrame
    method: str

    def table(self, level: str = "ward") -> pd.DataFrame:
        """A wide table for readers: one row per area, assets per category and per 1,000 children."""
        if level not in ("lsoa", "ward", "place"):
            raise ValueError(f"level must be lsoa, ward or place, not {level!r}")
        sub = self.by_area[self.by_area["level"] == level]
        wide = sub.pivot_table(index=["area_code", "area_name", "children_0_19"], columns="category_label",
                               values="assets", aggfunc="sum", sort=False, observed=True).reset_index()
        allrow = sub[sub["category"] == "all"].set_index("area_code")["per_1000_children"]
        wide["Assets per 1,000 children"] = wide["area_code"].map(allrow).round(1)
        wide = wide.rename(columns={"area_code": "Code", "area_name": "Area", "children_0_19": "Children 0-19",
                                    "All categories": "All assets"})
        wide.columns.name = None
        return wide

    def reach_table(self) -> pd.DataFrame:
        """Share of children within each straight-line distance, one row per category."""
        wide = self.reach.pivot_table(index=["category_label", "n_assets"], columns="straight_line_m",
                                      values="share_within_pct", sort=False).round(1).reset_index()
        wide.columns = ["Category", "Assets"] + [f"% of children within {int(d):,} m (straight line)"
                                                  for d in wide.columns[2:]]
        return wide


def _children_series(children) -> pd.Series:
    if isinstance(children, pd.Series):
        s = children
    elif isinstance(children, pd.DataFrame):
        if "lsoa21_code" not in children or "children_0_19" not in children:
            raise KeyError("children must have columns lsoa21_code and children_0_19")
        s = children.set_index("lsoa21_code")["children_0_19"]
    else:
        raise TypeError("children must be a Series indexed by lsoa21_code or a DataFrame")
    s = pd.to_numeric(s, errors="coerce")
    if s.isna().any():
        raise ValueError(f"children counts missing for LSOA(s) {list(s.index[s.isna()])[:10]}")
    if (s < 0).any():
        raise ValueError("children counts must not be negative")
    if s.index.duplicated().any():
        raise ValueError(f"children counts repeat LSOA(s) {list(s.index[s.index.duplicated()])[:10]}")
    return s.astype("float64")


def calculate_coverage(lsoas, children, assets, geography: pd.DataFrame | None = None, *,
                       distances=REACH_DISTANCES_M, place_name: str = "Place") -> Coverage:
    """Assets per 1,000 children by LSOA, ward and place, and children's straight-line reach.

    Parameters
    ----------
    lsoas : GeoDataFrame
        The place's LSOA 2021 polygons (``lsoa21_code``, optional ``lsoa21_name``),
        in a projected CRS in metres (EPSG:27700).
    children : Series or DataFrame
        Children aged 0-19 per LSOA (``lsoa21_code`` -> count).
    assets : GeoDataFrame
        Located assets (``category``, ``lsoa21_code``, point geometry), e.g. from
        :func:`place_assets`. Assets outside the place's LSOAs count for reach only.
    geography : DataFrame, optional
        ``lsoa21_code, ward24_code, ward24_name``: adds ward rows.
    distances : tuple of float
        Straight-line distances in metres (default 400, 800, 1,200).

    Returns
    -------
    Coverage

    Notes
    -----
    Each LSOA's children are placed at the LSOA's **centroid** (the geometric
    centre of its polygon): an LSOA counts as within ``d`` metres of a category
    when its centroid is. Distances are straight lines, not walking routes, so
    they understate real journeys (rivers, railways and main roads are not
    considered).
    """
    import geopandas as gpd

    if not isinstance(lsoas, gpd.GeoDataFrame) or "lsoa21_code" not in lsoas:
        raise TypeError("lsoas must be a GeoDataFrame with column lsoa21_code")
    if not isinstance(assets, gpd.GeoDataFrame) or "category" not in assets:
        raise TypeError("assets must be a GeoDataFrame with column category")
    if lsoas.crs is None or not lsoas.crs.is_projected:
        raise ValueError("lsoas must be in a projected CRS in metres (EPSG:27700)")
    dist = tuple(float(d) for d in distances)
    if not dist or any(d <= 0 for d in dist):
        raise ValueError(f"distances must be positive metres, not {distances!r}")
    kids = _children_series(children)
    lacking = sorted(set(lsoas["lsoa21_code"]) - set(kids.index))
    if lacking:
        raise ValueError(f"no children count for LSOA(s) {', '.join(lacking[:10])}")
    unknown = sorted(set(assets["category"].dropna()) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown asset categories {unknown}; use ccdata.assets.CATEGORIES")
    assets = assets.to_crs(lsoas.crs) if assets.crs is not None else assets.set_crs(lsoas.crs)
    codes = list(lsoas["lsoa21_code"])
    names = dict(zip(lsoas["lsoa21_code"], lsoas["lsoa21_name"] if "lsoa21_name" in lsoas else lsoas["lsoa21_code"]))
    cats = list(CATEGORIES) + ["all"]
    labels = {**CATEGORIES, "all": "All categories"}

    if "lsoa21_code" in assets:
        asset_lsoa = assets["lsoa21_code"]
    else:
        asset_lsoa = gpd.sjoin(assets[["geometry"]], lsoas[["lsoa21_code", "geometry"]], how="left",
                               predicate="intersects").groupby(level=0)["lsoa21_code"].first()
    inside = assets[asset_lsoa.isin(codes).fillna(False).to_numpy()]
    counts = pd.crosstab(inside["lsoa21_code"], inside["category"]).reindex(index=codes, columns=list(CATEGORIES),
                                                                              fill_value=0)
    counts["all"] = counts.sum(axis=1)

    groups = [("lsoa", {c: [c] for c in codes}, names)]
    if geography is not None:
        need = {"lsoa21_code", "ward24_code", "ward24_name"}
        if not need <= set(geography.columns):
            raise KeyError(f"geography must have columns {sorted(need)}")
        geo = geography[geography["lsoa21_code"].isin(codes)].drop_duplicates("lsoa21_code")
        wards = geo.groupby("ward24_code")["lsoa21_code"].apply(list).to_dict()
        groups.append(("ward", wards, dict(zip(geo["ward24_code"], geo["ward24_name"]))))
    groups.append(("place", {"place": codes}, {"place": place_name}))
    rows = []
    for level, members, area_names in groups:
        for area, lsoa_list in members.items():
            n_children = float(kids.reindex(lsoa_list).sum())
            sums = counts.loc[lsoa_list].sum()
            for cat in cats:
                n = int(sums[cat])
                rows.append({"level": level, "area_code": area, "area_name": area_names.get(area, area),
                             "category": cat, "category_label": labels[cat], "assets": n,
                             "children_0_19": int(round(n_children)),
                             "per_1000_children": (1000 * n / n_children) if n_children > 0 else np.nan})
    by_area = pd.DataFrame(rows)

    centroids = lsoas.set_index("lsoa21_code").geometry.centroid
    total = float(kids.reindex(codes).sum())
    reach_rows = []
    for cat in cats:
        pts = assets if cat == "all" else assets[assets["category"] == cat]
        pts = pts[pts.geometry.notna() & ~pts.geometry.is_empty]
        if len(pts):
            nearest = pd.Series([pts.distance(c).min() for c in centroids], index=centroids.index)
        else:
            nearest = pd.Series(np.inf, index=centroids.index)
        for d in dist:
            within = float(kids.reindex(nearest.index[nearest <= d]).sum())
            reach_rows.append({"category": cat, "category_label": labels[cat], "n_assets": len(pts),
                               "straight_line_m": d, "children_within": int(round(within)),
                               "children_total": int(round(total)),
                               "share_within_pct": (100 * within / total) if total > 0 else np.nan})
    reach = pd.DataFrame(reach_rows)
    method = (f"Children are Census 2021 usual residents aged 0-19 (TS007A age bands summed). Asset counts "
              f"include only assets inside the place's LSOAs; ward rows cover the place's LSOAs in each "
              f"ward. 'Within' distances are straight lines from each LSOA's centroid (the centre of its "
              f"area, where all its children are assumed to live) to the nearest asset of the category, "
              f"including assets up to the buffer beyond the boundary; real walking routes are longer.")
    return Coverage(by_area=by_area, reach=reach, method=method)


def children_by_lsoa(place) -> pd.DataFrame:
    """Children aged 0-19 per LSOA of a place (Census 2021 TS007A age bands summed).

    Returns
    -------
    DataFrame
        lsoa21_code, children_0_19.

    Raises
    ------
    MissingDataError
        If TS007A is not available; ``KeyError`` if an age band is missing.
    """
    ts = place.census("ts007a", area="lsoa")
    lacking = [c for c in CHILD_AGE_BANDS if c not in ts.columns]
    if lacking:
        raise KeyError(f"Census TS007A table lacks age band column(s) {lacking}")
    return pd.DataFrame({"lsoa21_code": ts["lsoa21_code"],
                         "children_0_19": ts[list(CHILD_AGE_BANDS)].sum(axis=1, min_count=len(CHILD_AGE_BANDS))})


def coverage(place, assets, *, distances=REACH_DISTANCES_M) -> Coverage:
    """Coverage of a place's assets: per ward and LSOA, and children's straight-line reach.

    Parameters
    ----------
    place : ccdata.places.Place
    assets : GeoDataFrame
        From :func:`place_assets`.

    Returns
    -------
    Coverage
        See :func:`calculate_coverage` (children at LSOA centroids; straight lines).
    """
    from .places import Place

    if not isinstance(place, Place):
        raise TypeError(f"place must be a Place, not {type(place).__name__}")
    lsoas = place.lsoa_boundaries()
    kids = children_by_lsoa(place)
    geo = place.table("lsoa21_geography")
    cov = calculate_coverage(lsoas, kids, assets, geo, distances=distances, place_name=place.name)
    used = assets.attrs.get("sources")
    if isinstance(used, pd.DataFrame) and "used" in used and (~used["used"].astype(bool)).any():
        # a category can show no assets because its list was not available, not because there are none
        missing = ", ".join(used.loc[~used["used"].astype(bool), "list"])
        cov.method += (f" Not available for this map: {missing}; the categories they cover show only "
                       f"assets from other lists.")
    return cov


def map_layers(place, *, edition: str = "iod2025", deprivation_col: str = "imd_decile"):
    """The layers :func:`ccdata.maps.map_assets` needs for a place.

    Returns
    -------
    (GeoDataFrame, GeoDataFrame, GeoDataFrame or None)
        LSOA 2021 polygons with ``deprivation_col`` (from ``edition``), the place
        boundary, and the May 2024 wards the place's LSOAs belong to (``None``
        when ward boundaries are not available).
    """
    from .places import Place

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


#: Which category each official list supplies (for saying when one is missing).
OFFICIAL_LIST_CATEGORY = {"schools (GIAS)": "school", "GP practices (epraccur)": "gp_practice",
                          "libraries": "library"}


def incomplete_categories(assets) -> dict[str, str]:
    """Categories whose official list was not available, with the reason.

    Counts and reach for these categories come only from the partnership's own
    list (if any), so readers must not take them for the full picture.

    Parameters
    ----------
    assets : GeoDataFrame
        The first result of :func:`place_assets` (its ``attrs["sources"]``).

    Returns
    -------
    dict
        Category label (as shown in tables) -> why its official list is missing.
    """
    sources = assets.attrs.get("sources") if assets is not None else None
    if sources is None or len(sources) == 0:
        return {}
    out = {}
    for rec in sources.to_dict("records"):
        category = OFFICIAL_LIST_CATEGORY.get(rec["list"])
        if category and not rec["used"]:
            out[CATEGORIES[category]] = f"{rec['list']} not available: {rec['note']}"
    return out


def try_coverage(place, assets) -> tuple[Coverage | None, str]:
    """:func:`coverage`, or ``(None, reason)`` when the Census counts are not available."""
    try:
        return coverage(place, assets), ""
    except MissingDataError as exc:
        return None, str(exc).split(". Run")[0]
