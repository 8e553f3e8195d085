"""The partnership's own asset list (CSV or XLSX) and the asset vocabulary every list maps onto.

The assets a resident would name (youth clubs, food banks, faith and community
groups) are in no national dataset, so each place can keep its own list
(``local: {assets: ...}`` in ``places.yaml``), read by :func:`load_asset_list`.
Official service lists are read in :mod:`ccdata.analysis.assets`; both end in the
same columns (:data:`ASSET_COLUMNS`) and categories (:data:`CATEGORIES`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pyproj import Transformer

from ccdata.errors import Problem, ValidationError
from ccdata.schemas import check_frame
from ccdata.io import attach_exclusions
from ccdata.io.tables import duplicate_columns
from ccdata.io.local import match_columns, read_table
from ccdata.io.postcodes import is_postcode, normalise_postcode
from ccdata.vocabulary import CATEGORIES

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
#: Columns of every asset table (official or local), before geocoding.
ASSET_COLUMNS = ("asset_id", "source", "source_ref", "name", "category", "category_label", "subtype",
                 "address", "postcode", "website", "details", "easting", "northing")


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


def join_details(parts) -> str:
    """The ``details`` cell of an asset: the parts that say something, joined by ``"; "``.

    Parameters
    ----------
    parts : list
        Text parts (phone number, opening hours ...); ``None``, missing values and blank
        text are left out.

    Returns
    -------
    str
        The parts joined, or ``""`` when none says anything.

    Raises
    ------
    TypeError
        ``parts`` is a single string rather than a list of parts.
    """
    if isinstance(parts, (str, bytes)):
        raise TypeError(f"join_details needs a list of parts, not the text {parts[:40]!r}")
    return "; ".join(str(p) for p in parts if p is not None and not (not isinstance(p, str) and pd.isna(p))
                     and str(p).strip())


def finish_asset_table(frame: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """An asset list in the columns every list shares (:data:`ASSET_COLUMNS`).

    Official service lists and the adviser's list end here, so they combine.

    Parameters
    ----------
    frame : DataFrame
        Every column of :data:`ASSET_COLUMNS` except ``asset_id`` and
        ``category_label``, which are made here (``source:source_ref``, the
        category's label).
    extra : tuple of str
        Further columns to keep, after the shared ones, with their dtypes as they are.

    Returns
    -------
    DataFrame
        Numbered from 0; ``easting``/``northing`` as ``Float64``, the shared text
        columns as ``string``.

    Raises
    ------
    TypeError, ValueError
        ``frame`` is not a DataFrame, or lacks a shared column.
    """
    made_here = ("asset_id", "category_label")
    check_frame(frame, "frame", [c for c in ASSET_COLUMNS if c not in made_here])
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

    raw, exclusions, display = read_table(path, what="asset list", required=("name",), columns=_LOCAL_ALIASES)
    exclusions = list(exclusions)
    cols = _asset_columns(raw, display)
    names, categories = _text(raw, cols, "name"), _text(raw, cols, "category")
    postcodes_typed = _text(raw, cols, "postcode")
    normal = pd.Series([normalise_postcode(v) if isinstance(v, str) else None for v in postcodes_typed],
                       index=raw.index, dtype=object)
    ok_pc = normal.map(lambda p: is_postcode(p) if isinstance(p, str) else False).astype(bool)
    pc_status = np.where(postcodes_typed.isna(), "missing", np.where(ok_pc, "ok", "malformed"))
    for line in raw.index[(pc_status == "malformed")]:
        exclusions.append(Problem(display, int(line), cols["postcode"], "malformed postcode",
                                  postcodes_typed.at[line]))
    category = _asset_categories(categories, cols, display, exclusions)
    east, north = _asset_coordinates(raw, cols, display, exclusions)
    has_xy = east.notna() & north.notna()
    location = np.where(has_xy, "coordinates", np.where(ok_pc, "postcode", "none"))
    for line in raw.index[location == "none"]:
        exclusions.append(Problem(display, int(line), cols.get("postcode"),
                                  "no usable location (no valid postcode or coordinates)"))

    out = pd.DataFrame({
        "row": raw.index.astype(int), "source": f"local list ({path.name})", "source_ref": [f"row {i}" for i in raw.index],
        "name": names, "category": category, "category_original": categories, "subtype": categories,
        "address": _text(raw, cols, "address"),
        "postcode": [n if ok else (t.upper() if isinstance(t, str) else None)
                     for n, ok, t in zip(normal, ok_pc, postcodes_typed)],
        "postcode_status": pc_status, "website": _text(raw, cols, "website"), "notes": _text(raw, cols, "notes"),
        "details": _text(raw, cols, "notes"), "easting": east, "northing": north, "location": location,
    }, index=raw.index)
    kept, skipped_frame = _skip_rows(out, cols, display, exclusions)
    result = finish_asset_table(kept, ("row", "category_original", "postcode_status", "notes", "location"))
    result["row"] = result["row"].astype("int64")
    exclusions.sort(key=lambda p: (p.row or 0, p.column or ""))
    result.attrs["file"] = display
    result.attrs["skipped"] = skipped_frame.reset_index(drop=True)
    return attach_exclusions(result, exclusions) if exclusions else result


def _asset_columns(raw: pd.DataFrame, display: str) -> dict[str, str]:
    """The asset list's columns by field; every column problem at once as a ValidationError."""
    cols = match_columns(list(raw.columns), _LOCAL_ALIASES)
    problems = duplicate_columns(raw.columns, display, used=set(cols.values()))
    problems += [Problem(display, None, need, "required column is missing") for need in ("name", "category")
                 if need not in cols]
    has_location = "postcode" in cols or {"lat", "lon"} <= set(cols) or {"easting", "northing"} <= set(cols)
    if not has_location:
        problems.append(Problem(display, None, "postcode", "no location columns: need postcode, lat and lon, "
                                "or easting and northing"))
    if problems:
        raise ValidationError(display, problems)
    return cols


def _text(raw: pd.DataFrame, cols: dict[str, str], field: str) -> pd.Series:
    """A field's cells as trimmed text, blank as missing (all missing when the list lacks the field)."""
    if field not in cols:
        return pd.Series(pd.NA, index=raw.index, dtype="string")
    s = raw[cols[field]].astype("string").str.strip()
    return s.mask(s.eq(""), pd.NA)


def _number(raw: pd.DataFrame, cols: dict[str, str], field: str, display: str, exclusions: list) -> pd.Series:
    """A field's cells as numbers (thousands commas allowed); a cell that is not one is listed."""
    s = _text(raw, cols, field)
    values = pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")
    for line in raw.index[values.isna() & s.notna()]:
        exclusions.append(Problem(display, int(line), cols[field], "not a number; ignored", s.at[line]))
    return values.astype("float64")


def _asset_categories(categories: pd.Series, cols: dict[str, str], display: str, exclusions: list) -> pd.Series:
    """The category ids of the typed categories; a missing or unknown one is ``other`` and listed."""
    # object dtype: on a column with no category at all, map() gives a pyarrow null column
    # that fillna("other") cannot fill
    category = categories.astype(object).map(lambda v: normalise_category(v), na_action="ignore")
    for line in categories.index[category.isna()]:
        typed = categories.at[line]
        message = ("missing category; shown as other" if pd.isna(typed) else
                   f"unknown category; shown as other (known: {', '.join(CATEGORIES)})")
        exclusions.append(Problem(display, int(line), cols["category"], message,
                                  None if pd.isna(typed) else typed))
    return category.fillna("other")


def _asset_coordinates(raw: pd.DataFrame, cols: dict[str, str], display: str, exclusions: list):
    """Easting and northing of each row from the list's own coordinates (lat/lon converted);
    missing, placeholder and out-of-Britain coordinates are listed and left missing."""
    east = pd.Series(np.nan, index=raw.index)
    north = pd.Series(np.nan, index=raw.index)
    if {"easting", "northing"} <= set(cols):
        e, n = _number(raw, cols, "easting", display, exclusions), _number(raw, cols, "northing", display, exclusions)
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
        lat, lon = _number(raw, cols, "lat", display, exclusions), _number(raw, cols, "lon", display, exclusions)
        inside = lat.between(*_GB_LAT) & lon.between(*_GB_LON)
        for line in raw.index[(lat.notna() | lon.notna()) & ~inside]:
            exclusions.append(Problem(display, int(line), cols["lat"],
                                      "lat/lon incomplete or outside Great Britain (swapped?); ignored",
                                      (raw.at[line, cols["lat"]], raw.at[line, cols["lon"]])))
        use = inside & east.isna()
        if use.any():
            to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
            x, y = to_bng.transform(lon[use].to_numpy(), lat[use].to_numpy())
            east[use], north[use] = x, y
    return east, north


def _skip_rows(out: pd.DataFrame, cols: dict[str, str], display: str, exclusions: list):
    """The rows kept, and those skipped (no name, or a repeat of an earlier row) with their reason."""
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
    return out.drop(index=sorted(skip_lines)), skipped_frame
