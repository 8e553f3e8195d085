"""Pupil extracts over years: persistent absence, free school meals and exclusions by year and ward.

Extracts may carry an academic year, as a column (``academic_year``) or as a folder per
year (``pupils/2022-23/``, ``pupils/2023-24/``, each holding that year's per-school files).
The tables published about several years are, for each measure:

- the place, year by year (``("academic_year",)``);
- each ward, year by year (``("academic_year", "ward24_code")``);
- each ward over all the years together, pooled (``("ward24_code",)``);
- the place over all the years together (``()``).

A change between two years is read from the year-by-year place figures as published, so
it adds nothing an intruder did not have. All four tables count the same pupil records,
so a ward hidden in one year could be recovered from its pooled total minus its other
years. They are therefore protected as **one** linked set and audited together
(:func:`ccdata.analysis.linked.protect_breakdowns`); protecting each year on its own does
not stop that subtraction (the tests show both). A year republished with corrections in a
later run is a new release of the same cells: the publish gate's two-run difference test
covers it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ccdata.analysis import disclosure, linked
from ccdata.analysis.pupils import MEASURES, load_pupils
from ccdata.analysis.survey import NOT_KNOWN
from ccdata.errors import MissingDataError
from ccdata.io.local.outcomes import ACADEMIC, parse_period
from ccdata.schemas import check_frame

YEAR = "academic_year"
WARD = "ward24_code"
#: The tables published for one measure, all protected as one linked set.
BREAKDOWNS = ((YEAR,), (YEAR, WARD), (WARD,), ())
_FOLDER_YEAR = re.compile(r"^(\d{4})[-_ ](\d{2}|\d{4})$")


def year_folders(folder: str | Path) -> dict[str, Path]:
    """``{academic year: subfolder}`` for subfolders named like ``2023-24`` (empty when there are none)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingDataError(f"pupil extracts folder {folder} does not exist")
    out = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        m = _FOLDER_YEAR.match(sub.name)
        parsed = parse_period(f"{m.group(1)}/{m.group(2)}", ACADEMIC) if m else None
        if parsed:
            out[parsed[0]] = sub
    return out


def load_years(folder: str | Path, **kwargs) -> pd.DataFrame:
    """Pupil records of every year: a folder per year, or one folder whose files carry ``academic_year``.

    Keyword arguments go to :func:`ccdata.analysis.pupils.load_pupils`.

    Returns
    -------
    DataFrame
        As :func:`load_pupils`, with ``academic_year``; ``attrs["years"]`` lists the years.

    Raises
    ------
    MissingDataError
        No year can be told: neither year folders nor an ``academic_year`` column.
    """
    years = year_folders(folder)
    if years:
        frames = []
        exclusions = []
        for year, sub in years.items():
            frame = load_pupils(sub, **kwargs)
            frame[YEAR] = year
            exclusions += [dict(e, file=f"{sub.name}/{e['file']}") for e in frame.attrs.get("exclusions", [])]
            frames.append(frame)
        pupils = pd.concat(frames, ignore_index=True)
        pupils.attrs.update({"personal": True, "exclusions": exclusions})
    else:
        pupils = load_pupils(folder, **kwargs)
        if YEAR not in pupils.columns:
            raise MissingDataError(f"the pupil extracts in {folder} say nothing about years: add an academic_year "
                                   "column, or put each year's files in a folder named like 2023-24")
        missing = int(pupils[YEAR].isna().sum())
        if missing:
            raise MissingDataError(f"{missing} pupil record(s) in {folder} have no academic year")
    pupils.attrs["years"] = sorted(pupils[YEAR].dropna().unique().tolist())
    return pupils


def protect_years(pupils: pd.DataFrame, measure: str, rules: disclosure.Rules | None = None, *,
                  link: bool = True) -> linked.LinkedSet:
    """Every table of :data:`BREAKDOWNS` for ``measure``, protected as one linked set and audited.

    Parameters
    ----------
    pupils : DataFrame
        From :func:`load_years` (or any pupil records with ``academic_year`` and ``ward24_code``).
    measure : str
        One of :data:`ccdata.analysis.pupils.MEASURES`.
    rules : disclosure.Rules, optional
    link : bool
        False protects each table on its own and only audits the result: for tests and
        diagnostics, never a page.

    Returns
    -------
    LinkedSet
        ``tables`` keyed by the breakdowns, with ``pupils, cases, rate, ci_lower, ci_upper``.
    """
    check_frame(pupils, "pupils", made_by="load_years()")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, not {measure!r}")
    check_frame(pupils, "pupils", (YEAR, WARD, measure), made_by="load_years()")
    # a pupil on two schools' rolls in one year counts once by area
    frame = (pupils[pupils["counted_in_areas"].astype(bool)] if "counted_in_areas" in pupils else pupils).copy()
    cells = frame[[YEAR, WARD]].astype("object").where(frame[[YEAR, WARD]].notna(), NOT_KNOWN)
    return linked.protect_breakdowns(frame, measure, list(BREAKDOWNS), rules, cells=cells,
                                     names=("pupils", "cases", "rate"), label=f"{MEASURES[measure]}: ", link=link)
