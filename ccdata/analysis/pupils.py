"""Pupil extracts from partner schools: attendance, free school meals, exclusions by home area.

Each school sends one file, one row per pupil (columns in :mod:`ccdata.io.local.pupils`).

On load, postcodes become LSOA 2021 and ward and are discarded; pupil ids are
checked and discarded. Nothing this module returns holds either. Rates are
per pupil with Wilson 95% intervals, and go through :mod:`ccdata.analysis.disclosure`.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from ccdata.analysis import disclosure, labels, stats
from ccdata.analysis.survey import NOT_KNOWN, Geocoder, locate_respondents, warn_summary
from ccdata.errors import MissingDataError, Problem
from ccdata.io.local import TABLE_SUFFIXES
from ccdata.io.local.pupils import (  # noqa: F401
    KNOWN_COLUMNS,
    PERSISTENT_ABSENCE_THRESHOLD,
    read_school,
)

#: Pupil-level measures and what they count.
MEASURES = {"persistent_absence": "pupils persistently absent (missing 10% or more of sessions)",
            "fsm": "pupils eligible for free school meals",
            "excluded": "pupils with at least one suspension or exclusion"}
BREAKDOWNS = ("ward24_code", "lsoa21_code", "school", "imd_decile")






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
        As in :func:`ccdata.analysis.survey.load_responses`.

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
    entries = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    # any supported ending in any case (.CSV, .xlsx ...) is an extract; anything else is listed
    files = [p for p in entries if p.suffix.lower() in TABLE_SUFFIXES]
    ignored = [p for p in entries if p not in files]
    if not files:
        raise MissingDataError(f"no per-school extracts (CSV or XLSX files) in {folder}"
                               + (f"; ignored: {', '.join(p.name for p in ignored)}" if ignored else ""))
    frames, exclusions = [], []
    for path in ignored:
        exclusions.append(Problem(path.name, None, None, "not a CSV or XLSX file; ignored"))
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
        raise ValueError("pupils still carry pupil_id: read them with ccdata.analysis.pupils.load_pupils")
    missing = [c for c in ("school", "lsoa21_code", "ward24_code", *MEASURES) if c not in pupils.columns]
    if missing:
        raise ValueError(f"pupils lack columns {missing}: read them with ccdata.analysis.pupils.load_pupils")


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
    if by in pupils.columns:  # a label column must not publish postcodes or identifiers
        labels.check(pupils[by], by)
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
        return disclosure.mark(pd.DataFrame(columns=["file", "column", "reason", "rows"]))
    table["reason"] = table["message"].str.split(";").str[0].str.replace(r"\(.*?\)", "", regex=True).str.strip()
    counts = table.groupby(["file", "column", "reason"], dropna=False).size().rename("rows").reset_index()
    # counts of excluded pupil records are about a few pupils: small counts hidden, others rounded
    return disclosure.apply(counts, count="rows", denominator=None).drop(columns=["suppressed", "suppression"])
