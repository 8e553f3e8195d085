"""DWP/HMRC Children in low income families: local area statistics.

Published as an ODS workbook, one table per sheet, each with title and note lines
above the header. Sheets saved as CSV keep those lines, the line breaks inside
header cells ("Number of children \\nFYE 2024") and "[note N]" markers, so columns
are recognised by their words, not their exact text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ccdata import sources
from ccdata.errors import Problem
from ccdata.io import attach_exclusions, loader
from ccdata.io._read import parse_numbers, read_csv_lines, read_excel_sheet
from ccdata.io.lookups import check_paths, combine, norm, raise_if
from ccdata.schemas import Col, validate

WARD_CODE_UK = r"^(E05|W05|S13|N08)\d{6}$"
LAD_CODE_UK = r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$"
_NOTE = re.compile(r"\[note \d+\]")


def _plain(header: object) -> str:
    return " ".join(_NOTE.sub(" ", norm(header)).split())


def _name_columns(columns: list[str], ward: bool, display: str) -> tuple[list[str | None], list[Problem]]:
    """Output name per published column (by position: both code columns say 'Area Code')."""
    names: list[str | None] = []
    problems: list[Problem] = []
    last_area = None
    lad, wd = "lad24", "ward24"
    for col in columns:
        text = _plain(col)
        out = None
        if text == "local authority":
            out, last_area = f"{lad}_name", lad
        elif text == "ward":
            out, last_area = f"{wd}_name", wd
        elif text == "area code" and last_area:
            out = f"{last_area}_code"
        else:
            m = re.match(r"(number|percentage) of children fye (\d{4})", text)
            if m:
                out = f"{'children' if m.group(1) == 'number' else 'pct'}_fye{m.group(2)}"
        names.append(out)
    wanted = [f"{lad}_name", f"{lad}_code"] + ([f"{wd}_name", f"{wd}_code"] if ward else [])
    label = {f"{lad}_name": "Local Authority [note 2]", f"{lad}_code": "Area Code",
             f"{wd}_name": "Ward [note 2]", f"{wd}_code": "Area Code"}
    for w in wanted:
        if w not in names:
            problems.append(Problem(display, None, label[w], "required column is missing"))
    if not any(n and n.startswith("children_fye") for n in names):
        problems.append(Problem(display, None, "Number of children FYE yyyy", "required column is missing"))
    return names, problems


@loader("dwp_cilif")
def read_cilif(dataset: sources.Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read a Children in low income families table (local authority or ward).

    Parameters
    ----------
    dataset : Dataset
        ``dwp_cilif_ward`` (Table 4) or ``dwp_cilif_la`` (Table 2).
    paths : list of Path
        The worksheet saved as CSV (title lines above the header are skipped) or an
        XLSX workbook (the sheet is chosen by its columns).

    Returns
    -------
    DataFrame
        ``[ward24_code, ward24_name,] lad24_code, lad24_name``, then
        ``children_fyeYYYY`` (counts) and ``pct_fyeYYYY`` (percent, 0-100) for each
        financial year in the table. The United Kingdom total row is not an area:
        it is kept in ``attrs["national"]`` and listed as an exclusion. Suppressed
        cells (``[x]``, ``[low]``) become missing and are listed too.

    Raises
    ------
    ValidationError
        Missing columns, malformed codes, duplicate areas, text where numbers are
        expected, percentages outside 0-100.

    Notes
    -----
    Source: DWP / HMRC, Children in low income families: local area statistics,
    FYE 2024 to FYE 2025 (relative, after housing costs; children under 16).
    """
    ward = dataset.geography == "ward24"
    paths = check_paths(paths)
    code_col = "ward24_code" if ward else "lad24_code"
    parts, exclusions = [], []
    national: dict[str, object] = {}
    for path in paths:
        if path.name.lower().endswith((".xlsx", ".xlsm")):
            raw, excl, display = read_excel_sheet(path, required=("Area Code",) + (("Ward [note 2]",) if ward else ()))
        else:
            raw, excl, display = read_csv_lines(path, required=("Area Code",))
        names, problems = _name_columns(list(raw.columns), ward, display)
        raise_if(problems, display)
        frame = raw.copy()
        frame.columns = [n or f"_skip{i}" for i, n in enumerate(names)]
        frame = frame[[n for n in names if n]]
        for col in [c for c in frame.columns if c.endswith(("_code", "_name"))]:
            frame[col] = frame[col].str.strip()
        # the United Kingdom total (K02000001) sits among the areas; keep it aside
        is_total = frame[code_col].fillna("").str.startswith("K")
        for line in frame.index[is_total]:
            excl.append(Problem(display, int(line), code_col, "national total row kept in attrs['national']",
                                frame.at[line, code_col]))
        totals = frame[is_total]
        frame = frame[~is_total]
        counts = [c for c in frame.columns if c.startswith("children_")]
        pcts = [c for c in frame.columns if c.startswith("pct_")]
        for col in pcts:
            frame[col] = frame[col].str.strip().str.rstrip("%")
        frame, bad_n, sup_n = parse_numbers(frame, counts, display, integer=True, suppression=True)
        frame, bad_p, sup_p = parse_numbers(frame, pcts, display, integer=False, suppression=True)
        if len(totals):
            first = totals.iloc[0]
            national = {"code": first[code_col], "name": first.get(code_col.replace("_code", "_name"))}
            for col in counts + pcts:
                text = str(first[col] or "").strip().rstrip("%").replace(",", "")
                value = pd.to_numeric(text, errors="coerce")
                national[col] = None if pd.isna(value) else float(value)
        spec = {}
        if ward:
            spec["ward24_code"] = Col("str", pattern=WARD_CODE_UK)
            spec["ward24_name"] = Col("str")
        spec["lad24_code"] = Col("str", pattern=LAD_CODE_UK)
        spec["lad24_name"] = Col("str")
        spec.update({c: Col("int", ge=0, nullable=True) for c in counts})
        spec.update({c: Col("float", ge=0, le=100, nullable=True) for c in pcts})
        frame = frame[list(spec)]
        frame = validate(frame, spec, display, key=[code_col], extra_problems=bad_n + bad_p)
        parts.append((display, frame))
        exclusions += excl + sup_n + sup_p
    out = combine(parts, [code_col])
    out.attrs["national"] = national
    return attach_exclusions(out, exclusions)
