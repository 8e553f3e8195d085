"""DWP/HMRC Children in low income families: local area statistics.

Published as an ODS workbook, one table per sheet (``2_AHC_Relative_LA``,
``4_AHC_Relative_Ward``, ...), each with title and note lines above the header. The
workbook is read as published (the sheet by name), and so are sheets saved as CSV
or XLSX. Those keep the title lines, the line breaks inside header cells ("Number
of children \\nFYE 2024") and "[note N]" markers, so columns are recognised by
their words, not their exact text.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from ccdata import cilif, sources
from ccdata.errors import Problem, UnknownDatasetError, ValidationError
from ccdata.io import attach_exclusions, loader
from ccdata.io.tables import blank_rows, excel_book, parse_numbers, read_csv_lines, read_excel_sheet
from ccdata.io.lookups import check_paths, combine, norm, raise_if
from ccdata.schemas import Col, validate

WARD_CODE_UK = r"^(E05|W05|S13|N08)\d{6}$"
LAD_CODE_UK = r"^(E06|E07|E08|E09|W06|S12|N09)\d{6}$"
_NOTE = re.compile(r"\[note \d+\]")
SHEETS = {"ward24": "4_AHC_Relative_Ward", "lad24": "2_AHC_Relative_LA"}

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# empty cells and rows repeat to the edge of the sheet (16,384 columns, a million rows);
# only repeats followed by content are expanded
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def _paragraph(p: ElementTree.Element) -> str:
    out = [p.text or ""]
    for child in p:
        if child.tag == f"{_TEXT}s":
            out.append(" " * int(child.get(f"{_TEXT}c", "1")))
        elif child.tag == f"{_TEXT}tab":
            out.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            out.append("\n")
        else:  # spans, links
            out.append(_paragraph(child))
        out.append(child.tail or "")
    return "".join(out)


def _row_cells(row: ElementTree.Element) -> list[str]:
    """The text of each cell as the spreadsheet shows it ("1,234", "26.3%", "[x]")."""
    cells: list[str] = []
    pending = 0  # empty cells not yet known to precede content
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
        # direct text:p children only: a comment (office:annotation) holds paragraphs too
        text = "\n".join(_paragraph(p) for p in cell if p.tag == f"{_TEXT}p")
        if not text.strip():
            pending += repeat
            continue
        cells += [""] * pending + [text] * min(repeat, 1000)
        pending = 0
    return cells


def read_ods_sheet(path: Path, *, sheet: str | re.Pattern, required: tuple[str, ...] = (),
                   max_title_lines: int = 30) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read one worksheet of an OpenDocument spreadsheet as strings.

    ``sheet`` is the worksheet's name, or a compiled pattern its name must match in full
    (the first such sheet is read).

    Cells are read as displayed (thousands separators, ``%``, suppression markers
    such as ``[x]``), like a sheet saved as CSV; rows are indexed by spreadsheet row
    number, and the header is the first row (within ``max_title_lines``) holding
    every ``required`` column. The XML is streamed, so a large workbook is never
    held in memory whole.

    Raises
    ------
    ValidationError
        Not an ODS file, no sheet of that name (the sheets present are listed), or
        no header row with the required columns.
    """
    path = Path(path)
    if not isinstance(sheet, (str, re.Pattern)):
        raise TypeError(f"sheet must be a name or a compiled pattern, not {type(sheet).__name__}")
    wanted_sheet = sheet.pattern if isinstance(sheet, re.Pattern) else sheet
    display = f"{path.name}[{wanted_sheet}]"
    rows: list[tuple[int, list[str]]] = []
    names: list[str] = []
    found = None
    try:
        with zipfile.ZipFile(path) as book, book.open("content.xml") as content:
            # "end" events only (half the work): the rows of each sheet are collected and
            # the sheet's name, known when it ends, says whether to keep them
            line = 0
            for _, elem in ElementTree.iterparse(content, events=("end",)):
                if elem.tag == f"{_TABLE}table-row":
                    repeat = int(elem.get(f"{_TABLE}number-rows-repeated", "1"))
                    cells = _row_cells(elem)
                    if any(c.strip() for c in cells):
                        rows.extend((line + k + 1, cells) for k in range(min(repeat, 1000)))
                    line += repeat
                    elem.clear()
                elif elem.tag == f"{_TABLE}table":
                    names.append(elem.get(f"{_TABLE}name"))
                    if (names[-1] == sheet if isinstance(sheet, str) else bool(sheet.fullmatch(names[-1] or ""))):
                        found = names[-1]
                        break
                    rows, line = [], 0
                    elem.clear()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise ValidationError(path.name, [Problem(path.name, None, None,
                                                  f"cannot be read as an ODS workbook: {exc}")]) from exc
    if found is None:
        what = f"named {wanted_sheet!r}" if isinstance(sheet, str) else f"whose name matches {wanted_sheet!r}"
        raise ValidationError(path.name, [Problem(path.name, None, None,
                                                  f"no sheet {what}; the workbook has: {', '.join(names)}")])
    display = f"{path.name}[{found}]"
    wanted = [" ".join(r.split()).lower() for r in required]
    head_at = None
    for i, (_, cells) in enumerate(rows[:max_title_lines]):
        normed = [" ".join(c.split()).lower() for c in cells]
        if all(w in normed for w in wanted):
            head_at = i
            break
    if head_at is None:
        raise ValidationError(display, [Problem(display, None, c, "required column is missing "
                                                f"(no header row in the first {max_title_lines} rows)")
                                        for c in required])
    header_line, header = rows[head_at]
    columns = [" ".join(c.split()) for c in header]
    width = len(columns)
    exclusions: list[Problem] = []
    records, index = [], []
    body = rows[head_at + 1:]
    present = {n for n, _ in body}
    last = body[-1][0] if body else header_line
    blank = [n for n in range(header_line + 1, last + 1) if n not in present]
    for line, cells in body:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            exclusions.append(Problem(display, line, None, f"row has {len(cells)} cells, header has {width}"))
        records.append((cells + [""] * width)[:width])
        index.append(line)
    exclusions.extend(blank_rows(display, blank, last_line=last))
    frame = pd.DataFrame(records, columns=columns, index=pd.Index(index, name="row"), dtype="string")
    keep = [i for i, c in enumerate(frame.columns)
            if not (c == "" and frame.iloc[:, i].fillna("").str.strip().eq("").all())]
    return frame.iloc[:, keep], exclusions, display


def _plain(header: object) -> str:
    return " ".join(_NOTE.sub(" ", norm(header)).split())


def _name_columns(columns: list[str], ward: bool, display: str,
                  lad: str = "lad24", wd: str = "ward24") -> tuple[list[str | None], list[Problem]]:
    """Output name per published column (by position: both code columns say 'Area Code')."""
    names: list[str | None] = []
    problems: list[Problem] = []
    last_area = None
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


def _sheet_of(dataset: sources.Dataset) -> str | re.Pattern:
    """The worksheet of a registry table: as declared with its release (a name or a pattern)."""
    try:
        return cilif.sheet_pattern(cilif.table_of(dataset.id)[1].sheet)
    except UnknownDatasetError:  # a table not declared with a release (a test's own row): by its geography
        return SHEETS["ward24"] if dataset.geography.startswith("ward") else SHEETS["lad24"]


def _excel_sheet(path: Path, sheet: str | re.Pattern) -> str | None:
    """The workbook's sheet of that name (or matching that pattern); ``None`` when it has none.

    A workbook holding both measures has sheets with the same columns: without the name the
    first of them would be read, whichever measure it is. A sheet saved on its own under
    another name is still found by its columns (``None``).
    """
    with excel_book(path) as book:
        names = [str(n) for n in book.sheet_names]
    if isinstance(sheet, str):
        return sheet if sheet in names else None
    return next((n for n in names if sheet.fullmatch(n)), None)


@loader("dwp_cilif")
def read_cilif(dataset: sources.Dataset, paths: list[Path]) -> pd.DataFrame:
    """Read a Children in low income families table (local authority or ward).

    Parameters
    ----------
    dataset : Dataset
        ``dwp_cilif_ward`` (Table 4) or ``dwp_cilif_la`` (Table 2).
    paths : list of Path
        The published ODS workbook (sheet ``dataset.sheet``: ``4_AHC_Relative_Ward``
        or ``2_AHC_Relative_LA``), the worksheet saved as CSV (title lines above
        the header are skipped) or an XLSX workbook (the sheet is chosen by its
        columns).

    Returns
    -------
    DataFrame
        ``[ward24_code, ward24_name,] lad24_code, lad24_name`` (an earlier release's tables on
        its own wards and authorities: ``ward23_code``, ``lad23_code`` ...), then
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
    FYE 2024 to FYE 2025 (relative, after housing costs; children under 16), and the
    earlier releases declared in :mod:`ccdata.cilif` (relative, before housing costs).
    """
    ward = dataset.geography.startswith("ward")
    # an earlier release's tables are on its own wards and authorities (ward23_code, lad23_code)
    wd = dataset.geography if ward else "ward24"
    lad = "lad" + wd[4:] if ward else dataset.geography
    paths = check_paths(paths)
    code_col = f"{wd}_code" if ward else f"{lad}_code"
    sheet = dataset.sheet or _sheet_of(dataset)
    parts, exclusions = [], []
    national: dict[str, object] = {}
    for path in paths:
        required = ("Area Code",) + (("Ward [note 2]",) if ward else ())
        if path.name.lower().endswith(".ods"):
            raw, excl, display = read_ods_sheet(path, sheet=sheet,
                                                required=required)
        elif path.name.lower().endswith((".xlsx", ".xlsm")):
            raw, excl, display = read_excel_sheet(path, sheet=_excel_sheet(path, sheet), required=required)
        else:
            raw, excl, display = read_csv_lines(path, required=("Area Code",))
        names, problems = _name_columns(list(raw.columns), ward, display, lad, wd)
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
            spec[f"{wd}_code"] = Col("str", pattern=WARD_CODE_UK)
            spec[f"{wd}_name"] = Col("str")
        spec[f"{lad}_code"] = Col("str", pattern=LAD_CODE_UK)
        spec[f"{lad}_name"] = Col("str")
        spec.update({c: Col("int", ge=0, nullable=True) for c in counts})
        spec.update({c: Col("float", ge=0, le=100, nullable=True) for c in pcts})
        frame = frame[list(spec)]
        frame = validate(frame, spec, display, key=[code_col], extra_problems=bad_n + bad_p)
        parts.append((display, frame))
        exclusions += excl + sup_n + sup_p
    out = combine(parts, [code_col])
    out.attrs["national"] = national
    return attach_exclusions(out, exclusions)
