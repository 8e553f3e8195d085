"""Pupil extracts from partner schools: one CSV per school, one row per pupil.

``pupil_id``             the school's identifier (used only to find duplicates)
``home_postcode``        or ``lsoa21_code``: where the pupil lives
``persistent_absence``   Y/N (or 1/0, true/false); or give ``sessions_possible`` and
                         ``sessions_missed`` and it is derived (missing 10% or more of
                         possible sessions, the DfE definition)
``fsm``                  Y/N: eligible for free school meals
``exclusions``           number of suspensions and permanent exclusions this year
``academic_year``        optional: the year the row describes (``2023/24``), for extracts
                         holding several years (a folder per year works too:
                         :mod:`ccdata.analysis.pupil_years`)

:func:`read_school` checks one file; :func:`ccdata.analysis.pupils.load_pupils`
reads a folder, locates pupils and drops ids and postcodes.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccdata.errors import Problem, ValidationError
from ccdata.io.tables import duplicate_columns, parse_numbers
from ccdata.io.local import match_columns, read_table, yes_no

#: Share of possible sessions missed at or above which a pupil is persistently absent (DfE).
PERSISTENT_ABSENCE_THRESHOLD = 0.10
KNOWN_COLUMNS = ("pupil_id", "home_postcode", "lsoa21_code", "school", "persistent_absence", "sessions_possible",
                 "sessions_missed", "fsm", "exclusions", "academic_year")


def _flag(series: pd.Series, file: str, column: str, exclusions: list[Problem]) -> pd.Series:
    out = []
    for line, raw in series.items():
        text = "" if raw is None or pd.isna(raw) else str(raw).strip()
        flag = yes_no(text)
        if flag is not None:
            out.append(flag)
        else:
            out.append(pd.NA)
            exclusions.append(Problem(file, int(line), column, "not Y/N; pupil not counted for this measure",
                                      None if not text else raw))
    return pd.Series(out, index=series.index, dtype="boolean")


def read_school(path: str | Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one school's extract into a checked frame (still holding ids and postcodes).

    Internal step of :func:`load_pupils`; returned frames must not be exported.

    Raises
    ------
    ValidationError
        Missing ``pupil_id``, no home area column, no absence column, missing or
        duplicate pupil ids, counts that are not whole numbers >= 0.
    """

    path = Path(path)
    frame, exclusions, file = read_table(path, what="pupil extract", required=("pupil_id",),
                                         columns={c: () for c in KNOWN_COLUMNS})
    frame = _school_columns(frame, file, exclusions)
    problems: list[Problem] = []
    years = None
    if "academic_year" in frame.columns:
        from ccdata.io.local.outcomes import ACADEMIC, parse_period

        years = pd.Series(pd.NA, index=frame.index, dtype="string")
        for line, raw in frame["academic_year"].items():
            parsed = parse_period("" if pd.isna(raw) else str(raw), ACADEMIC)
            if parsed is None:
                problems.append(Problem(file, int(line), "academic_year", "not an academic year like 2023/24", raw))
            else:
                years[line] = parsed[0]
    ids = _pupil_ids(frame, years, file, problems)
    numeric = [c for c in ("sessions_possible", "sessions_missed", "exclusions") if c in frame.columns]
    frame, num_problems, _ = parse_numbers(frame, numeric, file, integer=True)
    problems.extend(num_problems)
    for c in numeric:
        for line in frame.index[(frame[c] < 0).fillna(False)]:
            problems.append(Problem(file, int(line), c, "must be 0 or more", frame.at[line, c]))
    if {"sessions_possible", "sessions_missed"} <= set(frame.columns):
        over = (frame["sessions_missed"] > frame["sessions_possible"]).fillna(False)
        for line in frame.index[over]:
            problems.append(Problem(file, int(line), "sessions_missed", "more sessions missed than possible",
                                    frame.at[line, "sessions_missed"]))
    if problems:
        raise ValidationError(file, problems)

    out = pd.DataFrame(index=frame.index)
    out["pupil_id"] = ids
    out["school"] = (frame["school"].astype("string").str.strip() if "school" in frame.columns
                     else pd.Series(path.stem.replace("_", " "), index=frame.index, dtype="string"))
    if "home_postcode" in frame.columns:
        out["postcode"] = frame["home_postcode"].astype("string").str.strip().replace("", pd.NA)
    if "lsoa21_code" in frame.columns:
        out["lsoa21_code"] = frame["lsoa21_code"].astype("string").str.strip().replace("", pd.NA)
    if "persistent_absence" in frame.columns:
        out["persistent_absence"] = _flag(frame["persistent_absence"], file, "persistent_absence", exclusions)
    else:
        possible = frame["sessions_possible"].astype("Float64")
        missed = frame["sessions_missed"].astype("Float64")
        pa = (missed / possible.where(possible > 0)) >= PERSISTENT_ABSENCE_THRESHOLD
        for line in frame.index[pa.isna()]:
            exclusions.append(Problem(file, int(line), "sessions_possible",
                                      "no sessions recorded; pupil not counted for persistent absence"))
        out["persistent_absence"] = pa.astype("boolean")
    out["fsm"] = (_flag(frame["fsm"], file, "fsm", exclusions) if "fsm" in frame.columns
                  else pd.Series(pd.NA, index=frame.index, dtype="boolean"))
    if "exclusions" in frame.columns:
        out["excluded"] = (frame["exclusions"] > 0).astype("boolean")
        for line in frame.index[frame["exclusions"].isna()]:
            exclusions.append(Problem(file, int(line), "exclusions", "missing; pupil not counted for exclusions"))
    else:
        out["excluded"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    if years is not None:
        out["academic_year"] = years
    out.attrs["file"] = file
    return out, exclusions


def _school_columns(frame: pd.DataFrame, file: str, exclusions: list[Problem]) -> pd.DataFrame:
    """``frame`` with its headers as the known column names; every column problem at once."""
    # schools export "FSM", "Pupil ID", "home postcode": match the known columns as the
    # asset-list reader does, ignoring case, underscores and spacing
    matched = match_columns(list(frame.columns), {c: () for c in KNOWN_COLUMNS})
    frame = frame.rename(columns={header: field for field, header in matched.items()})
    problems: list[Problem] = duplicate_columns(frame.columns, file, used=KNOWN_COLUMNS)
    if "pupil_id" not in frame.columns:
        problems.append(Problem(file, None, "pupil_id", "required column is missing"))
    if "home_postcode" not in frame.columns and "lsoa21_code" not in frame.columns:
        problems.append(Problem(file, None, "home_postcode", "need home_postcode or lsoa21_code"))
    if "persistent_absence" not in frame.columns and not {"sessions_possible", "sessions_missed"} <= set(frame.columns):
        problems.append(Problem(file, None, "persistent_absence",
                                "need persistent_absence, or sessions_possible and sessions_missed"))
    for col in frame.columns:
        if col not in KNOWN_COLUMNS:
            exclusions.append(Problem(file, None, col, "column not used (ignored)"))
    if problems:
        raise ValidationError(file, problems)
    return frame


def _pupil_ids(frame: pd.DataFrame, years, file: str, problems: list[Problem]) -> pd.Series:
    """The pupil ids, trimmed; a missing id, or one repeated (within a year when the extract
    has years), is a problem."""
    ids = frame["pupil_id"].astype("string").str.strip()
    for line in frame.index[ids.isna() | ids.eq("")]:
        problems.append(Problem(file, int(line), "pupil_id", "missing pupil id"))
    # a pupil appears once a year: with a year column, the same id in two years is not a duplicate
    key = ids if years is None else ids + "|" + years.fillna("")
    dup = key.duplicated(keep="first") & ids.notna() & ids.ne("")
    first_row = {}
    for line, v in key.items():
        first_row.setdefault(v, line)
    for line in frame.index[dup]:
        # the id itself is not repeated in the message: the row number is enough to find it
        problems.append(Problem(file, int(line), "pupil_id", f"duplicate pupil id (first on row {first_row[key[line]]})"))
    return ids
