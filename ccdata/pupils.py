"""Pupil extracts from partner schools: attendance, free school meals, exclusions by home area.

Each school sends one CSV (the file name is the school, unless a ``school`` column
says otherwise), one row per pupil:

``pupil_id``             the school's identifier (used only to find duplicates)
``home_postcode``        or ``lsoa21_code``: where the pupil lives
``persistent_absence``   Y/N (or 1/0, true/false); or give ``sessions_possible`` and
                         ``sessions_missed`` and it is derived (missing 10% or more of
                         possible sessions, the DfE definition)
``fsm``                  Y/N: eligible for free school meals
``exclusions``           number of suspensions and permanent exclusions this year

On load, postcodes become LSOA 2021 and ward and are discarded; pupil ids are
checked and discarded. Nothing this module returns holds either. Rates are
per pupil with Wilson 95% intervals, and go through :mod:`ccdata.disclosure`.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from . import disclosure, stats
from .errors import MissingDataError, Problem, ValidationError
from .survey import Geocoder, NOT_KNOWN, locate_respondents, warn_summary

#: Pupil-level measures and what they count.
MEASURES = {"persistent_absence": "pupils persistently absent (missing 10% or more of sessions)",
            "fsm": "pupils eligible for free school meals",
            "excluded": "pupils with at least one suspension or exclusion"}
#: Share of possible sessions missed at or above which a pupil is persistently absent (DfE).
PERSISTENT_ABSENCE_THRESHOLD = 0.10
BREAKDOWNS = ("ward24_code", "lsoa21_code", "school", "imd_decile")
_TRUE = {"y", "yes", "1", "true", "t"}
_FALSE = {"n", "no", "0", "false", "f"}
KNOWN_COLUMNS = ("pupil_id", "home_postcode", "lsoa21_code", "school", "persistent_absence", "sessions_possible",
                 "sessions_missed", "fsm", "exclusions")


def _flag(series: pd.Series, file: str, column: str, exclusions: list[Problem]) -> pd.Series:
    out = []
    for line, raw in series.items():
        text = "" if raw is None or pd.isna(raw) else str(raw).strip().lower()
        if text in _TRUE:
            out.append(True)
        elif text in _FALSE:
            out.append(False)
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
    from .io._read import duplicate_columns, parse_numbers, read_csv_lines

    path = Path(path)
    frame, exclusions, file = read_csv_lines(path, required=("pupil_id",))
    # schools export "FSM", "Pupil ID", "home postcode": match the known columns as the
    # asset-list reader does, ignoring case, underscores and spacing
    from .assets import _match_columns

    matched = _match_columns(list(frame.columns), {c: (c.replace("_", " "),) for c in KNOWN_COLUMNS})
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
    ids = frame["pupil_id"].astype("string").str.strip()
    for line in frame.index[ids.isna() | ids.eq("")]:
        problems.append(Problem(file, int(line), "pupil_id", "missing pupil id"))
    dup = ids.duplicated(keep="first") & ids.notna() & ids.ne("")
    first_row = {}
    for line, v in ids.items():
        first_row.setdefault(v, line)
    for line in frame.index[dup]:
        # the id itself is not repeated in the message: the row number is enough to find it
        problems.append(Problem(file, int(line), "pupil_id", f"duplicate pupil id (first on row {first_row[ids[line]]})"))
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
    out.attrs["file"] = file
    return out, exclusions


def load_pupils(folder: str | Path, *, collection: str = "official", geocoder: Geocoder | None = None,
                geography: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read every school's extract in ``folder`` and de-identify the pupils.

    Parameters
    ----------
    folder : str or Path
        A folder of per-school CSV files (``*.csv``).
    collection : {"official", "demo"}
        Which postcode and lookup files to geocode with.
    geocoder, geography : optional
        As in :func:`ccdata.survey.load_responses`.

    Returns
    -------
    DataFrame
        One row per pupil record: ``school, lsoa21_code, ward24_code, located,
        persistent_absence, fsm, excluded`` (nullable booleans). No pupil id, no
        postcode. ``attrs``: ``personal=True`` (not presentable), ``exclusions``,
        ``schools``, ``dual_registered`` (records whose id appears in another school).

    Raises
    ------
    MissingDataError
        The folder does not exist or holds no CSV files.
    ValidationError
        From :func:`read_school`, naming the file, row and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingDataError(f"pupil extracts folder {folder} does not exist")
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise MissingDataError(f"no per-school CSV files in {folder}")
    frames, exclusions = [], []
    for path in files:
        frame, excl = read_school(path)
        if frame.empty:
            # a header-only extract would otherwise vanish from attrs["schools"] unnoticed
            excl.append(Problem(frame.attrs["file"], None, None, "no pupil rows; the file contributes no pupils"))
        frame, located = locate_respondents(frame, frame.attrs["file"], collection=collection, geocoder=geocoder,
                                            geography=geography)
        for p in located:
            # rows placed from a typed LSOA code keep that column (and the code, which is not personal)
            exclusions.append(p if p.column == "lsoa21_code" else Problem(p.file, p.row, "home_postcode", p.message))
        exclusions.extend(excl)
        frame["file"] = frame.attrs["file"]
        frames.append(frame.reset_index())
    pupils = pd.concat(frames, ignore_index=True)
    # the same pupil on two rolls (dual registration) is counted in each school but only
    # once by home area: keep the first record for area figures and list the rest
    dual = pupils.duplicated("pupil_id", keep="first")
    for r in pupils[dual].itertuples(index=False):
        exclusions.append(Problem(r.file, int(r.row), "pupil_id",
                                  "pupil also on another school's roll; counted once in area figures"))
    pupils["counted_in_areas"] = ~dual
    pupils = pupils.drop(columns=["pupil_id", "row", "file"])
    pupils.attrs.update({"personal": True, "exclusions": [asdict(p) for p in exclusions],
                         "schools": sorted(pupils["school"].dropna().unique().tolist()),
                         "dual_registered": int(dual.sum())})
    if exclusions:
        warn_summary(exclusions, str(folder))
    return pupils


def _check_pupils(pupils) -> None:
    if not isinstance(pupils, pd.DataFrame):
        raise TypeError(f"pupils must be a DataFrame from load_pupils, not {type(pupils).__name__}")
    if "pupil_id" in pupils.columns:
        raise ValueError("pupils still carry pupil_id: read them with ccdata.pupils.load_pupils")
    missing = [c for c in ("school", "lsoa21_code", "ward24_code", *MEASURES) if c not in pupils.columns]
    if missing:
        raise ValueError(f"pupils lack columns {missing}: read them with ccdata.pupils.load_pupils")


def rates(pupils: pd.DataFrame, measure: str, by: str = "ward24_code", *, deprivation: pd.DataFrame | None = None,
          rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Rate of a pupil measure by home area (or school), with Wilson 95% intervals.

    Parameters
    ----------
    pupils : DataFrame
        From :func:`load_pupils`.
    measure : str
        One of :data:`MEASURES`.
    by : str
        ``ward24_code``, ``lsoa21_code``, ``school`` or ``imd_decile`` (the IoD decile of
        the pupil's home LSOA; needs ``deprivation``).
    deprivation : DataFrame, optional
        ``lsoa21_code, imd_decile`` (e.g. ``Place.deprivation()``). Joined to LSOA rows;
        deciles are never averaged, so ward rows get none.
    rules : disclosure.Rules, optional

    Returns
    -------
    DataFrame
        ``<by>, [imd_decile], pupils, cases, rate, ci_lower, ci_upper, share_of_cases``,
        rates and shares in percent, one row per group including "Not known" (pupils
        whose area or decile is not known). Groups add up to all pupils, so hidden
        groups are protected by secondary suppression. Marked personal with its note.
    """
    _check_pupils(pupils)
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, not {measure!r}")
    if by not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {by!r}; choose from {BREAKDOWNS}")
    frame = pupils if by == "school" else pupils[pupils.get("counted_in_areas", True) == True]  # noqa: E712
    frame = frame[frame[measure].notna()].copy()
    if deprivation is not None:
        if not {"lsoa21_code", "imd_decile"} <= set(deprivation.columns):
            raise ValueError("deprivation must have columns lsoa21_code and imd_decile")
        deciles = deprivation.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["imd_decile"]
        frame["imd_decile"] = frame["lsoa21_code"].map(deciles)
    elif by == "imd_decile":
        raise ValueError("by='imd_decile' needs the deprivation table (lsoa21_code, imd_decile)")
    frame[by] = frame[by].astype("object").where(frame[by].notna(), NOT_KNOWN)
    grouped = frame.groupby(by, sort=True)[measure].agg(["size", "sum"]).reset_index()
    grouped.columns = [by, "pupils", "cases"]
    grouped["pupils"] = grouped["pupils"].astype("Int64")
    grouped["cases"] = grouped["cases"].astype("Int64")
    num, den = grouped["cases"].astype(float).to_numpy(), grouped["pupils"].astype(float).to_numpy()
    lo, hi = stats.wilson_ci(num, den)
    grouped["rate"] = 100 * num / den
    grouped["ci_lower"] = 100 * lo
    grouped["ci_upper"] = 100 * hi
    total = num.sum()
    grouped["share_of_cases"] = 100 * num / total if total else np.nan
    if by == "lsoa21_code" and deprivation is not None:
        grouped.insert(1, "imd_decile", grouped["lsoa21_code"].map(deciles).astype("Int64"))
    safe = disclosure.apply(grouped, rules, count="cases", denominator="pupils", within=[[]],
                            derived=["rate", "ci_lower", "ci_upper", "share_of_cases"])
    safe.attrs["measure"] = MEASURES[measure]
    return safe


def concentration(pupils: pd.DataFrame, measure: str, *, by: str = "ward24_code",
                  rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Where is it concentrated: areas ranked by rate and by share of all cases.

    A ward can have a high rate but few pupils, or a middling rate but most of the
    cases; both rankings are given (1 = highest). Areas with hidden figures and the
    "Not known" group are not ranked.
    """
    table = rates(pupils, measure, by=by, rules=rules)
    rankable = ~table["suppressed"] & (table[by] != NOT_KNOWN)
    table["rank_by_rate"] = table["rate"].where(rankable).rank(ascending=False, method="min").astype("Int64")
    table["rank_by_share"] = table["share_of_cases"].where(rankable).rank(ascending=False, method="min").astype("Int64")
    return table.sort_values(["rank_by_rate", by], na_position="last").reset_index(drop=True)


def load_place_pupils(place) -> pd.DataFrame:
    """The pupil extracts configured for a place (``local: {pupils: <folder>}``)."""
    folder = place.local_path("pupils")
    if folder is None:
        raise MissingDataError(f"place {place.id!r} names no pupils folder under local: in places.yaml")
    return load_pupils(folder, collection=place.collection)


def summary(pupils: pd.DataFrame, *, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Whole-place rate for every measure (one row each), after disclosure control."""
    _check_pupils(pupils)
    rows = []
    frame = pupils[pupils.get("counted_in_areas", True) == True]  # noqa: E712
    for m, label in MEASURES.items():
        known = frame[m].dropna()
        rows.append({"measure": label, "pupils": len(known), "cases": int(known.sum())})
    table = pd.DataFrame(rows)
    lo, hi = stats.wilson_ci(table["cases"], table["pupils"])
    with np.errstate(invalid="ignore", divide="ignore"):
        table["rate"] = 100 * table["cases"] / table["pupils"].where(table["pupils"] > 0)
    table["ci_lower"], table["ci_upper"] = 100 * lo, 100 * hi
    return disclosure.apply(table, rules, count="cases", denominator="pupils")


def exclusions(pupils: pd.DataFrame) -> pd.DataFrame:
    """Counts of rows excluded or adjusted on load, by file, column and reason (no values)."""
    table = pd.DataFrame(pupils.attrs.get("exclusions", []), columns=["file", "row", "column", "message", "value"])
    if table.empty:
        return pd.DataFrame(columns=["file", "column", "reason", "rows"])
    table["reason"] = table["message"].str.split(";").str[0].str.replace(r"\(.*?\)", "", regex=True).str.strip()
    return table.groupby(["file", "column", "reason"], dropna=False).size().rename("rows").reset_index()
