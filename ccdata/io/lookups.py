"""Geography lookups from the ONS Open Geography Portal (and its regional subsets).

Also holds the small helpers the other loaders share: finding columns by their
published names (case and spacing ignored, with a hint when one looks renamed),
working out which data collection a file belongs to, checking LSOA codes, and
joining the parts of a dataset published as several files.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from ccdata import config
from ccdata.dataset import Dataset
from ccdata.errors import MissingDataError, Problem, ValidationError
from ccdata.io import attach_exclusions, loader
from ccdata.io.tables import read_csv_lines
from ccdata.io.codes import LSOA11, LSOA21, check_codes
from ccdata.schemas import (
    LAD_CODE,
    LSOA_CODE,
    MSOA_CODE,
    OA_CODE,
    WARD_CODE,
    Col,
    check_frame,
    validate,
)

# --------------------------------------------------------------------------- shared helpers


def norm(name: object) -> str:
    """Header text compared without case, byte-order marks or repeated spaces."""
    return " ".join(str(name).replace("\ufeff", "").split()).lower()


def collection_for(paths: list[Path]) -> str:
    """The collection (``official``/``demo``) whose raw folder holds ``paths``.

    Code existence is checked against the lookup of the same collection: demo codes
    (``E01900xxx``) exist only in the demo lookup. Files outside any raw folder (an
    adviser's own copy, a test) are checked against the official lookup.
    """
    for collection in config.COLLECTIONS:
        root = config.raw_dir(collection)
        for path in paths:
            try:
                Path(path).resolve().relative_to(root)
                return collection
            except ValueError:
                continue
    return config.OFFICIAL


def pick_columns(frame: pd.DataFrame, wanted: dict[str, str | tuple[str, ...]], file: str,
                 optional: tuple[str, ...] = ()) -> tuple[pd.DataFrame, list[Problem]]:
    """Select and rename columns found by their published names.

    Parameters
    ----------
    frame : DataFrame
        As read, with published headers.
    wanted : dict
        ``{output name: published name or tuple of accepted published names}``.
    file : str
        File name for messages.
    optional : tuple of str
        Output names that may be absent (they are then filled with missing values).

    Returns
    -------
    frame, problems
        ``frame`` has the output names in ``wanted`` order; ``problems`` lists every
        required column not found, with the closest header as a hint.
    """
    headers = {norm(c): c for c in frame.columns}
    out = {}
    problems: list[Problem] = []
    for name, published in wanted.items():
        options = (published,) if isinstance(published, str) else tuple(published)
        found = next((headers[norm(o)] for o in options if norm(o) in headers), None)
        if found is None:
            if name in optional:
                out[name] = pd.Series(pd.NA, index=frame.index, dtype="string")
                continue
            close = difflib.get_close_matches(norm(options[0]), list(headers), n=1, cutoff=0.6)
            hint = f"; found {headers[close[0]]!r} (renamed?)" if close else ""
            problems.append(Problem(file, None, options[0], f"required column is missing{hint}"))
            continue
        column = frame[found]
        if isinstance(column, pd.DataFrame):  # the same header twice
            problems.append(Problem(file, None, found, "column appears more than once"))
            continue
        out[name] = column
    return pd.DataFrame(out, index=frame.index), problems


def raise_if(problems: list[Problem], file: str) -> None:
    """Stop with every problem found so far (used when a table cannot be read further)."""
    if problems:
        raise ValidationError(file, problems)


def check_lsoa(codes: pd.Series, kind: str, file: str, column: str, collection: str) -> list[Problem]:
    """Existence checks for well-formed LSOA codes (malformed ones fail the schema)."""
    wellformed = codes.dropna()
    wellformed = wellformed[wellformed.str.match(LSOA_CODE)]
    return check_codes(wellformed, kind, file, column, collection)


def combine(parts: list[tuple[str, pd.DataFrame]], key: list[str] | None) -> pd.DataFrame:
    """Concatenate the per-file frames of one dataset (regional subsets).

    A key repeated in a later file (two subsets overlapping) is a duplicate and is
    reported with both files and rows. Returns a frame with a fresh RangeIndex.
    """
    if not parts:
        raise ValueError("no files to read")
    for display, frame in parts:
        check_frame(frame, display, key or ())
    problems: list[Problem] = []
    if key and len(parts) > 1:
        seen: dict[tuple, tuple[str, int]] = {}
        for display, frame in parts:
            for line, values in zip(frame.index, frame[key].itertuples(index=False, name=None)):
                if values in seen:
                    first_file, first_line = seen[values]
                    problems.append(Problem(display, int(line), ", ".join(key),
                                            f"duplicate row (same {', '.join(key)} as {first_file} "
                                            f"row {first_line}): the files overlap",
                                            values if len(key) > 1 else values[0]))
                else:
                    seen[values] = (display, int(line))
    if problems:
        raise ValidationError(" + ".join(d for d, _ in parts), problems)
    frames = [f for _, f in parts]
    out = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    out = out.reset_index(drop=True)
    for attr in ("labels",):
        if attr in frames[0].attrs:
            out.attrs[attr] = frames[0].attrs[attr]
    return out


def check_paths(paths: list[Path]) -> list[Path]:
    """Every path must exist; a clear error otherwise."""

    if not paths:
        raise MissingDataError("no files given to read")
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise MissingDataError(f"file(s) not found: {', '.join(missing)}")
    return [Path(p) for p in paths]


# --------------------------------------------------------------------------- lookups

def _published(out: str) -> str:
    """``lsoa21_code`` -> ``LSOA21CD``, ``ward24_name`` -> ``WD24NM`` (ONS field names)."""
    if out == "change":
        return "CHGIND"
    stem, kind = out.rsplit("_", 1)
    stem = re.sub(r"^ward", "wd", stem)
    return f"{stem.upper()}{'CD' if kind == 'code' else 'NM'}"


_PATTERNS = {"lsoa11": LSOA_CODE, "lsoa21": LSOA_CODE, "oa11": OA_CODE, "msoa11": MSOA_CODE}
# The 2011 OA classification lookup also carries Scottish output areas and data zones
# (S00/S01/S02): they are kept, and only England and Wales codes are checked for existence.
_UK_PATTERNS = {"lsoa11": r"^[EWS]01\d{6}$", "oa11": r"^[EWS]00\d{6}$", "msoa11": r"^[EWS]02\d{6}$"}

#: Output columns (contract order), duplicate key, and LSOA columns checked for existence.
_LOOKUPS: dict[str, tuple[tuple[str, ...], list[str], dict[str, str]]] = {
    "lookup_lsoa11_lsoa21": (
        ("lsoa11_code", "lsoa11_name", "lsoa21_code", "lsoa21_name", "change", "lad22_code", "lad22_name"),
        ["lsoa11_code", "lsoa21_code"], {}),  # this lookup *is* the reference for code checks
    "lookup_lsoa11_lsoa21_best_fit": (
        ("lsoa11_code", "lsoa11_name", "lsoa21_code", "lsoa21_name", "lad22_code", "lad22_name"),
        ["lsoa11_code"], {"lsoa11_code": LSOA11, "lsoa21_code": LSOA21}),
    "lookup_lsoa21_ward24": (
        ("lsoa21_code", "lsoa21_name", "ward24_code", "ward24_name", "lad24_code", "lad24_name"),
        ["lsoa21_code"], {"lsoa21_code": LSOA21}),
    "lookup_lsoa21_ward22": (
        ("lsoa21_code", "lsoa21_name", "ward22_code", "ward22_name", "lad22_code", "lad22_name"),
        ["lsoa21_code"], {"lsoa21_code": LSOA21}),
    "lookup_oa11_lsoa11": (
        ("oa11_code", "lsoa11_code", "lsoa11_name", "msoa11_code", "lad17_code", "lad17_name"),
        ["oa11_code"], {"lsoa11_code": LSOA11}),
}


def _column_spec(name: str, dataset_id: str = "") -> Col:
    prefix = name.split("_")[0]
    if dataset_id == "lookup_oa11_lsoa11" and prefix in _UK_PATTERNS and name.endswith("_code"):
        return Col("str", pattern=_UK_PATTERNS[prefix])
    if name == "change":
        return Col("str", isin=("U", "S", "M", "X"))
    if name.endswith("_name"):
        return Col("str")
    if prefix in _PATTERNS:
        return Col("str", pattern=_PATTERNS[prefix])
    return Col("str", pattern=WARD_CODE if prefix.startswith("ward") else LAD_CODE)


@loader("lookup")
def read_lookup(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read an ONS geography lookup (portal CSV, ArcGIS-paged CSV or a regional subset).

    Field names are matched without regard to case, so the portal's ``LSOA21CD`` and
    Trafford Data Lab's ``lsoa21cd`` both work.

    Parameters
    ----------
    dataset : Dataset
        One of the ``lookup_*`` registry rows.
    paths : list of Path
        One CSV (optionally gzipped) per part; parts are concatenated.

    Returns
    -------
    DataFrame
        Columns as in ``docs/contracts.md`` (e.g. ``lsoa21_code, lsoa21_name,
        ward24_code, ward24_name, lad24_code, lad24_name``).

    Raises
    ------
    ValidationError
        Missing columns (with a hint), malformed or unknown codes, a 2011 LSOA code
        where 2021 is expected (and the reverse), duplicate rows, bad change codes.

    Notes
    -----
    Source: ONS Open Geography Portal; vintages as named in each column.
    """
    if dataset.id not in _LOOKUPS:
        raise ValueError(f"{dataset.id!r} is not a lookup this reader knows")
    columns, key, lsoa_checks = _LOOKUPS[dataset.id]
    paths = check_paths(paths)
    collection = collection_for(paths)
    wanted = {c: _published(c) for c in columns}
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = read_csv_lines(path, required=(wanted[key[0]],))
        frame, problems = pick_columns(raw, wanted, display)
        raise_if(problems, display)
        frame = frame.apply(lambda s: s.str.strip())
        for col in columns:
            if not col.endswith("_name"):
                frame[col] = frame[col].str.upper()
        extra = []
        for col, kind in lsoa_checks.items():
            extra += check_lsoa(frame[col], kind, display, _published(col), collection)
        if dataset.id == "lookup_lsoa11_lsoa21":
            odd = frame[(frame["change"] == "U") & (frame["lsoa11_code"] != frame["lsoa21_code"])]
            extra += [Problem(display, int(line), "CHGIND", "marked unchanged (U) but the 2011 and 2021 codes differ",
                              f"{r.lsoa11_code} -> {r.lsoa21_code}") for line, r in odd.iterrows()]
        frame = validate(frame, {c: _column_spec(c, dataset.id) for c in columns}, display, key=key,
                         extra_problems=extra)
        parts.append((display, frame))
        exclusions += excl
    return attach_exclusions(combine(parts, key), exclusions)
