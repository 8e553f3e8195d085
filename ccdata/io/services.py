"""Service locations: GP practices (NHS ODS epraccur), schools (DfE GIAS), libraries."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from ccdata.dataset import Dataset
from ccdata.errors import DataQualityWarning, Problem
from ccdata.io import attach_exclusions, loader
from ccdata.io.tables import parse_numbers, read_csv_lines
from ccdata.io.lookups import check_paths, combine, pick_columns, raise_if
from ccdata.schemas import POSTCODE, Col, validate

# epraccur has no header row; the 27 fields are fixed by the ODS specification.
EPRACCUR_FIELDS = (
    "org_code", "name", "national_grouping", "health_geography", "address_1", "address_2",
    "address_3", "address_4", "address_5", "postcode", "open_date", "close_date", "status",
    "subtype", "commissioner", "join_parent_date", "left_parent_date", "phone", "null_19",
    "null_20", "null_21", "amended_record", "null_23", "provider_purchaser", "null_25",
    "setting_or_role", "null_27",
)
EPRACCUR_COLUMNS = ("org_code", "name", "national_grouping", "health_geography", "address_1",
                    "address_2", "address_3", "address_4", "address_5", "postcode", "open_date",
                    "close_date", "status", "subtype", "commissioner", "phone",
                    "prescribing_setting", "role_code")
# Older extracts give one-letter status codes; the current ODS report spells them out.
_STATUS = {"A": "ACTIVE", "C": "CLOSED", "D": "DORMANT", "P": "PROPOSED"}


def _normalise_postcode(values: pd.Series) -> pd.Series:
    compact = values.str.upper().str.replace(r"\s+", "", regex=True)
    return compact.str.slice(0, -3) + " " + compact.str.slice(-3)


def _dates(frame: pd.DataFrame, columns: list[str], file: str, fmt: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems = []
    for col in columns:
        text = frame[col].str.strip().mask(frame[col].str.strip() == "")
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        for line in frame.index[parsed.isna() & text.notna()]:
            problems.append(Problem(file, int(line), col, f"not a date ({fmt})", frame.at[line, col]))
        frame[col] = parsed
    return frame, problems


@loader("epraccur")
def read_epraccur(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read the NHS ODS ``epraccur`` extract (GP practices and prescribing cost centres).

    Parameters
    ----------
    dataset : Dataset
        The ``nhs_epraccur`` registry row.
    paths : list of Path
        ``epraccur.csv`` (headerless, every field quoted) or the zip holding it.

    Returns
    -------
    DataFrame
        Columns of ``docs/contracts.md``; dates as datetimes; ``status`` spelt out
        (``ACTIVE``, ``INACTIVE``, ``DORMANT``, ``CLOSED``, ``PROPOSED``). Field 26
        is the prescribing setting in older extracts (a number; 4 = GP practice) and
        the primary role in the current report (``RO76`` = GP practice): it goes to
        ``prescribing_setting`` or ``role_code`` accordingly. Postcodes are
        normalised to upper case with one space.

    Raises
    ------
    ValidationError
        Duplicate organisation codes, bad dates, malformed postcodes.

    Notes
    -----
    Source: NHS England Organisation Data Service, refreshed weekly.
    """
    paths = check_paths(paths)
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = read_csv_lines(path, header=False, names=list(EPRACCUR_FIELDS),
                                            member_suffix="epraccur.csv")
        frame = raw.apply(lambda s: s.str.strip()).mask(raw.apply(lambda s: s.str.strip()) == "")
        field = frame["setting_or_role"]
        frame["role_code"] = field.where(field.str.match(r"^RO\d+$").fillna(False))
        frame["prescribing_setting"] = field.where(field.str.match(r"^\d+$").fillna(False))
        frame["status"] = frame["status"].str.upper().replace(_STATUS)
        frame["postcode"] = _normalise_postcode(frame["postcode"])
        frame = frame[list(EPRACCUR_COLUMNS)]
        frame, problems = _dates(frame, ["open_date", "close_date"], display, "%Y%m%d")
        spec = {c: Col("str", nullable=c not in ("org_code", "name")) for c in EPRACCUR_COLUMNS}
        spec["open_date"] = Col("datetime", nullable=True)
        spec["close_date"] = Col("datetime", nullable=True)
        spec["postcode"] = Col("str", nullable=True, pattern=POSTCODE)
        frame = validate(frame, spec, display, key=["org_code"], extra_problems=problems)
        parts.append((display, frame))
        exclusions += excl
    return attach_exclusions(combine(parts, ["org_code"]), exclusions)


GIAS_COLUMNS = {
    "urn": "URN", "name": "EstablishmentName", "type": "TypeOfEstablishment (name)",
    "type_group": "EstablishmentTypeGroup (name)", "status": "EstablishmentStatus (name)",
    "phase": "PhaseOfEducation (name)", "la_code": "LA (code)", "la_name": "LA (name)",
    "postcode": "Postcode", "easting": "Easting", "northing": "Northing",
    "pupils": "NumberOfPupils", "pct_fsm": "PercentageFSM", "ofsted_rating": "OfstedRating (name)",
    "lsoa_code": "LSOA (code)", "ward_code": "AdministrativeWard (code)",
}
# DfE has dropped and renamed columns over the years; these may be absent.
GIAS_OPTIONAL = ("pupils", "pct_fsm", "ofsted_rating", "lsoa_code", "ward_code", "type_group")


@loader("gias")
def read_gias(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read the DfE Get Information about Schools extract (``edubasealldataYYYYMMDD.csv``).

    Parameters
    ----------
    dataset : Dataset
        The ``dfe_gias`` registry row.
    paths : list of Path
        The CSV as published (Windows-1252; read with a DataQualityWarning saying so).

    Returns
    -------
    DataFrame
        ``urn, name, type, type_group, status, phase, la_code, la_name, postcode,
        easting, northing, pupils, pct_fsm, ofsted_rating, lsoa_code, ward_code``.
        ``pct_fsm`` is a percentage (0-100); ``lsoa_code`` and ``ward_code`` are kept
        as published (their vintage follows the extract date). Absent optional
        columns are left empty with a warning; "SUPP" and other suppression markers
        become missing and are listed as exclusions.

    Raises
    ------
    ValidationError
        Missing required columns (with a hint), duplicate URNs, non-numeric
        coordinates or counts.

    Notes
    -----
    Source: Department for Education, Get Information about Schools (daily extract).
    """


    paths = check_paths(paths)
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = read_csv_lines(path, required=("URN", "EstablishmentName"))
        frame, problems = pick_columns(raw, GIAS_COLUMNS, display, optional=GIAS_OPTIONAL)
        raise_if(problems, display)
        absent = [GIAS_COLUMNS[c] for c in GIAS_OPTIONAL
                  if all(k.lower() != GIAS_COLUMNS[c].lower() for k in raw.columns)]
        if absent:
            warnings.warn(f"{display}: column(s) {', '.join(absent)} not in this extract; left empty",
                          DataQualityWarning, stacklevel=2)
        frame = frame.apply(lambda s: s.str.strip())
        frame = frame.mask(frame == "")
        frame["pct_fsm"] = frame["pct_fsm"].replace({"SUPP": "x", "NA": "x"})
        frame, bad_i, sup_i = parse_numbers(frame, ["urn", "easting", "northing", "pupils"], display,
                                            integer=True, suppression=True)
        frame, bad_f, sup_f = parse_numbers(frame, ["pct_fsm"], display, integer=False, suppression=True)
        frame["postcode"] = _normalise_postcode(frame["postcode"])
        spec = {c: Col("str", nullable=c not in ("name",)) for c in GIAS_COLUMNS}
        spec.update(urn=Col("int", ge=1), easting=Col("int", nullable=True, ge=0),
                    northing=Col("int", nullable=True, ge=0), pupils=Col("int", nullable=True, ge=0),
                    pct_fsm=Col("float", nullable=True, ge=0, le=100))
        frame = validate(frame, spec, display, key=["urn"], extra_problems=bad_i + bad_f)
        parts.append((display, frame))
        exclusions += excl + sup_i + sup_f
    return attach_exclusions(combine(parts, ["urn"]), exclusions)


LIBRARY_COLUMNS = {"name": "name", "address1": "address1", "address2": "address2", "address3": "address3",
                   "postcode": "postcode", "authority": "authority", "type": "type", "closed": "closed",
                   "uprn": "uprn"}
_NOT_A_VALUE = {"", "n/a", "na", "[unknown]", "[no registered public address]", "-"}


@loader("libraries")
def read_libraries(dataset: Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read the public libraries in England basic dataset.

    Parameters
    ----------
    dataset : Dataset
        The ``libraries_england`` registry row.
    paths : list of Path
        The CSV (``libraries_england_2023.csv`` layout).

    Returns
    -------
    DataFrame
        ``name, address, postcode, authority, type, closed, uprn``. ``address`` joins
        the address lines; ``closed`` is the year a library closed (missing if open);
        ``type`` is in sentence case ("Static library"). Placeholders such as
        "[Unknown]" or "n/a" in postcode/uprn become missing and are listed.

    Raises
    ------
    ValidationError
        Missing columns, closure years that are not years.

    Notes
    -----
    Source: DCMS / Arts Council England, public libraries in England, as at 31 March 2023.
    """
    paths = check_paths(paths)
    parts, exclusions = [], []
    for path in paths:
        raw, excl, display = read_csv_lines(path, required=("name", "authority", "postcode"))
        frame, problems = pick_columns(raw, LIBRARY_COLUMNS, display, optional=("address2", "address3", "uprn",
                                                                                "closed"))
        raise_if(problems, display)
        frame = frame.apply(lambda s: s.str.strip())
        for col in ("postcode", "uprn"):
            placeholder = frame[col].str.lower().isin(_NOT_A_VALUE - {""})
            for line in frame.index[placeholder.fillna(False)]:
                excl.append(Problem(display, int(line), col, "placeholder set to missing", frame.at[line, col]))
            frame[col] = frame[col].mask(placeholder.fillna(False) | (frame[col] == ""))
        lines = frame[["address1", "address2", "address3"]].apply(
            lambda s: s.mask(s.fillna("").str.lower().isin(_NOT_A_VALUE)))
        frame["address"] = lines.apply(lambda r: ", ".join(v for v in r if isinstance(v, str)), axis=1)
        frame["type"] = frame["type"].str.capitalize()
        frame["closed"] = frame["closed"].mask(frame["closed"] == "")
        frame, bad, _ = parse_numbers(frame, ["closed"], display, integer=True)
        frame = frame[["name", "address", "postcode", "authority", "type", "closed", "uprn"]]
        frame["postcode"] = frame["postcode"].str.upper()
        spec = {"name": Col("str"), "address": Col("str", nullable=True), "postcode": Col("str", nullable=True),
                "authority": Col("str"), "type": Col("str", nullable=True),
                "closed": Col("int", nullable=True, ge=1850, le=2100), "uprn": Col("str", nullable=True)}
        frame = validate(frame, spec, display, extra_problems=bad)
        parts.append((display, frame))
        exclusions += excl
    return attach_exclusions(combine(parts, None), exclusions)
