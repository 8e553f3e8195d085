"""OS Code-Point Open: postcode unit locations for Great Britain.

Source: Ordnance Survey, Code-Point Open (registry id ``os_codepoint_open``), a zip
with one **headerless** CSV per postcode area (``Data/CSV/ne.csv`` ...); the column
names are in ``Doc/Code-Point_Open_Column_Headers.csv``. Coordinates are British
National Grid (EPSG:27700); ward codes are the vintage current at release (the mirror
holds 2025.2.0, April 2025, so ``ward_code`` is a 2025 ward and ``lad_code`` a 2025
district; they carry no vintage suffix because it changes with every release).

The whole file is 1.7 million postcodes. Geocoding reads only the postcode-area
members it needs (:func:`read_areas`); the registered loader reads every member.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from ccdata import cache
from ccdata.dataset import Dataset
from ccdata.errors import Problem, ValidationError
from ccdata.io import attach_exclusions, loader
from ccdata.schemas import POSTCODE, Col, validate

#: Published column names (Doc/Code-Point_Open_Column_Headers.csv), in file order.
CODEPOINT_COLUMNS = ("Postcode", "Positional_quality_indicator", "Eastings", "Northings",
                     "Country_code", "NHS_regional_HA_code", "NHS_HA_code", "Admin_county_code",
                     "Admin_district_code", "Admin_ward_code")
_TIDY = {"Postcode": "postcode", "Eastings": "easting", "Northings": "northing",
         "Admin_district_code": "lad_code", "Admin_ward_code": "ward_code"}
#: Positional quality 90 means "no coordinates" (the grid reference is 0, 0).
NO_COORDINATES_QUALITY = "90"
_MEMBER = re.compile(r"(?:^|/)Data/CSV/([a-z]{1,2})\.csv$", re.IGNORECASE)

SCHEMA = {
    "postcode": Col("str", pattern=POSTCODE),
    "easting": Col("int", nullable=True, ge=0, le=800_000),
    "northing": Col("int", nullable=True, ge=0, le=1_300_000),
    "lad_code": Col("str", nullable=True),
    "ward_code": Col("str", nullable=True),
}


def area_members(path: Path) -> dict[str, str]:
    """Map postcode area (upper case, e.g. ``"NE"``) to its member name in the zip.

    Raises
    ------
    ValidationError
        When the file is not a zip or holds no ``Data/CSV/<area>.csv`` member.
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise ValidationError(path.name, [Problem(path.name, None, None,
                                                  "not a zip file; expected the OS Code-Point Open CSV zip")])
    with zipfile.ZipFile(path) as zf:
        members = {m.group(1).upper(): name for name in zf.namelist() if (m := _MEMBER.search(name))}
    if not members:
        raise ValidationError(path.name, [Problem(path.name, None, None,
                                                  "no Data/CSV/<area>.csv members; is this Code-Point Open?")])
    return members


def read_areas(path: Path, areas=None) -> pd.DataFrame:
    """Read the postcodes of some postcode areas (all areas when ``areas`` is None).

    Parameters
    ----------
    path : Path
        The Code-Point Open zip.
    areas : iterable of str, optional
        Postcode areas such as ``{"E", "OL", "NE"}`` (case-insensitive). Areas that
        have no member in the zip are simply absent from the result (their
        postcodes are "not found").

    Returns
    -------
    DataFrame
        postcode, easting, northing, lad_code, ward_code. Postcodes without
        coordinates (positional quality 90) have missing easting/northing and are
        listed in ``attrs["exclusions"]``.

    Raises
    ------
    ValidationError
        If a member breaks the schema (every problem named by member and line).
    """
    path = Path(path)
    if areas is not None:
        if isinstance(areas, str):
            raise TypeError("areas must be a collection of postcode areas, not one string")
        areas = {str(a).strip().upper() for a in areas}
    resolved = str(path.resolve())
    state = cache.fingerprint(resolved)
    members = _members_cached(resolved, state)
    wanted = sorted(members) if areas is None else sorted(a for a in areas if a in members)
    name = path.name
    frames, problems, exclusions = [], [], []
    for area in wanted:
        # every area of the whole file would not fit the per-process cache: read, not kept
        frame, excluded, broken = (_read_member(resolved, members[area]) if areas is None
                                   else _cached_member(resolved, state, members[area]))
        problems.extend(broken)
        exclusions.extend(excluded)
        if not broken:
            frames.append(frame)
    if problems:
        raise ValidationError(name, problems)
    columns = list(SCHEMA)
    out = (pd.concat(frames, ignore_index=True) if frames
           else pd.DataFrame({c: pd.Series(dtype="string" if SCHEMA[c].dtype == "str" else "Int64")
                              for c in columns}))
    out = out[columns].reset_index(drop=True)
    out.attrs["areas_read"] = wanted
    return attach_exclusions(out, exclusions) if exclusions else _no_exclusions(out)


def _members_cached(path: str, state: tuple) -> dict[str, str]:
    return cache.held("files", ("postcode members", path), state, lambda: area_members(Path(path)))


def _cached_member(path: str, state: tuple, member: str) -> tuple[pd.DataFrame, list, list]:
    """A member read once per state of the file: a batch worker geocodes place after place,
    and neighbouring places share areas (kept by rows: ``ccdata.cache.LIMITS``)."""
    found = cache.get("postcode areas", (path, member), state)
    if found is cache.MISSING:
        found = _read_member(path, member)
        cache.put("postcode areas", (path, member), state, found, weight=len(found[0]))
    return found


def _read_member(path: str, member: str) -> tuple[pd.DataFrame, list, list]:
    """One area member, validated: ``(tidy frame, exclusions, problems)``."""
    display = f"{Path(path).name}:{member}"
    with zipfile.ZipFile(path) as zf:
        data = zf.read(member)
    raw = pd.read_csv(io.BytesIO(data), header=None, dtype=str, keep_default_na=False,
                      names=list(CODEPOINT_COLUMNS))
    # headerless: file line n is row n-1
    raw.index = pd.RangeIndex(1, len(raw) + 1, name="row")
    no_xy = raw["Positional_quality_indicator"].eq(NO_COORDINATES_QUALITY) | (
        raw["Eastings"].eq("0") & raw["Northings"].eq("0"))
    exclusions = [Problem(display, int(line), "Eastings", "postcode has no coordinates "
                          "(positional quality 90); easting/northing set to missing",
                          raw.at[line, "Postcode"]) for line in raw.index[no_xy]]
    raw.loc[no_xy, ["Eastings", "Northings"]] = None
    tidy = raw[list(_TIDY)].rename(columns=_TIDY).replace({"": None})
    try:
        tidy = validate(tidy, SCHEMA, display)
    except ValidationError as exc:
        return tidy.iloc[0:0], exclusions, list(exc.problems)
    tidy = tidy.reset_index(drop=True)
    tidy.attrs = {}
    return tidy, exclusions, []


def _no_exclusions(frame: pd.DataFrame) -> pd.DataFrame:
    frame.attrs["exclusions"] = []
    return frame


def _read_area_bounds(path: str) -> pd.DataFrame:
    members = area_members(Path(path))
    rows = []
    with zipfile.ZipFile(path) as zf:
        for area, member in sorted(members.items()):
            xy = pd.read_csv(io.BytesIO(zf.read(member)), header=None, usecols=[2, 3],
                             names=["easting", "northing"], dtype="Int64")
            xy = xy[(xy["easting"] > 0) | (xy["northing"] > 0)]
            if xy.empty:
                continue
            rows.append({"area": area, "min_easting": int(xy["easting"].min()),
                         "min_northing": int(xy["northing"].min()),
                         "max_easting": int(xy["easting"].max()),
                         "max_northing": int(xy["northing"].max()), "postcodes": len(xy)})
    return pd.DataFrame(rows)


def area_bounds(path: Path) -> pd.DataFrame:
    """Bounding box (BNG metres) of each postcode area's located postcodes.

    Used to pick the few area members that can hold postcodes near a place
    (any postcode within a box must belong to an area whose box meets it). Reads
    two columns of every member once per process (about two seconds).

    Returns
    -------
    DataFrame
        area, min_easting, min_northing, max_easting, max_northing, postcodes.
    """
    path = Path(path)
    resolved = str(path.resolve())
    return cache.held("files", ("postcode area bounds", resolved), cache.fingerprint(resolved),
                      lambda: _read_area_bounds(resolved)).copy()


@loader("codepoint")
def read_codepoint(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Every postcode in OS Code-Point Open (all areas; 1.7 million rows).

    Source and vintage: see :mod:`ccdata.io.postcodes`. Prefer
    :func:`ccdata.geo.geocode.postcode_points`, which reads only the areas asked.

    Returns
    -------
    DataFrame
        postcode, easting, northing, lad_code, ward_code.
    """
    zips = [p for p in paths if zipfile.is_zipfile(p)]
    if len(zips) != 1:
        names = [Path(p).name for p in paths]
        raise ValidationError(dataset.id, [Problem(dataset.id, None, None,
                                                   f"expected one Code-Point Open zip, found {names}")])
    return read_areas(zips[0], None)
#: A UK postcode unit in its normalised form (upper case, one space before the inward code).
POSTCODE_RE = re.compile(r"^([A-Z]{1,2})[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


def normalise_postcode(value) -> str | None:
    """Upper-case a postcode and put exactly one space before its last three characters.

    Returns ``None`` for missing or blank values. The result is *not* checked;
    see :func:`is_postcode`.

    Examples
    --------
    >>> normalise_postcode(" e81fa ")
    'E8 1FA'
    >>> normalise_postcode("ol6  9hx")
    'OL6 9HX'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = re.sub(r"\s+", "", str(value)).upper()
    if not text:
        return None
    return f"{text[:-3]} {text[-3:]}" if len(text) > 3 else text


def is_postcode(value) -> bool:
    """Whether a *normalised* postcode has the shape of a UK postcode unit."""
    return isinstance(value, str) and bool(POSTCODE_RE.match(value))


def postcode_area(value) -> str | None:
    """The postcode area (leading letters: ``"NE"`` for ``"NE28 6AB"``) of a valid postcode."""
    match = POSTCODE_RE.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None
