"""Low-level readers shared by the loaders: encodings, compression, title lines.

Every reader returns a DataFrame of strings indexed by the **file line number**
(1-based, as a spreadsheet shows it), so later checks can name the exact row.
"""
from __future__ import annotations

import contextlib
import csv
import gc
import gzip
import io
import numbers
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from ccdata.errors import DataQualityWarning, Problem, ValidationError
from ccdata.schemas import check_frame

SUPPRESSION_MARKERS = {"c", "x", ":", "[c]", "[x]", "[z]", "z", "..", "-", "*", "~", "[low]"}


@contextlib.contextmanager
def gc_paused():
    """Hold off Python's cyclic garbage collector for a block that builds a list per record.

    Every list made counts towards the collector's next pass, and the records already read
    survive into the older generations, which each of its fuller passes walks again: reading
    the OA to LSOA lookup (about 228,000 rows) set off passes that found nothing to free, as
    record lists hold only strings and make no reference cycle. With the passes held off,
    that lookup and a Census table view read in 1.9 s instead of 3.3 s. The collector runs
    again after the block (if it was running before), and finds then any garbage it would
    have found during it. Also a decorator: ``@gc_paused()``.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def read_bytes(path: Path, member_suffix: str | None = None) -> tuple[bytes, str]:
    """Raw bytes of a (possibly gzipped or zipped) file, and a display name.

    For a zip, the member ending in ``member_suffix`` is read (or the only member).
    """
    path = Path(path)
    name = path.name
    if name.endswith(".gz"):
        return gzip.decompress(path.read_bytes()), name
    if zipfile.is_zipfile(path) and not name.endswith((".xlsx", ".xlsm")):
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            if member_suffix:
                matches = [m for m in members if m.lower().endswith(member_suffix.lower())]
            else:
                matches = members if len(members) == 1 else []
            if len(matches) != 1:
                wanted = f"one file ending {member_suffix!r}" if member_suffix else "exactly one file"
                raise ValidationError(name, [Problem(name, None, None,
                    f"this is a zip archive; expected {wanted} in it, found {matches or members[:10]}"
                    + ("" if name.lower().endswith(".zip") else "; if it is a spreadsheet, save it as .xlsx"))])
            return zf.read(matches[0]), f"{name}:{matches[0]}"
    return path.read_bytes(), name


def decode(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark;
    fall back to Windows-1252.

    Excel's "Unicode text" is UTF-16 with a byte-order mark (tab-separated). Spreadsheets
    saved on Windows are often cp1252. That is not an error, but it is
    reported as a :class:`DataQualityWarning` naming the first line that is not
    UTF-8, so an adviser knows the file was re-read.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")  # the mark says which byte order, and is dropped
        except UnicodeDecodeError as exc:
            raise ValidationError(file, [Problem(file, None, None, "the file starts as UTF-16 text but byte "
                                                 f"{exc.start:,} is not UTF-16; save it again as CSV (UTF-8)")]) from None
    if b"\x00" in data[:65536]:
        kind = ("an Excel workbook or zip archive" if data[:2] == b"PK" else
                "an old-style Excel (.xls) or Office file" if data[:4] == b"\xd0\xcf\x11\xe0" else "binary data")
        raise ValidationError(file, [Problem(file, None, None,
                                             f"this is {kind}, not a text CSV file; save it as CSV (or .xlsx)")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark before Windows-1252 text
            data = data[3:]
        warnings.warn(f"{file}: not UTF-8 (first at row {line}); read as Windows-1252 (cp1252)",
                      DataQualityWarning, stacklevel=3)
        return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


@gc_paused()
def read_csv_lines(path: Path, *, header: bool = True, required: tuple[str, ...] = (),
                   member_suffix: str | None = None, names: list[str] | None = None,
                   max_title_lines: int = 30) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read a CSV into strings, finding the header below any title lines.

    Parameters
    ----------
    header : bool
        ``False`` for headerless files (``names`` then gives the columns).
    required : tuple of str
        Column names that identify the header line. The first line (within
        ``max_title_lines``) containing all of them is the header; if none does,
        the first line is taken and the missing names are reported by the caller.

    Returns
    -------
    frame, exclusions, display_name
        ``frame`` indexed by file line number; ``exclusions`` lists blank lines
        and lines after the table (notes) that were skipped, each with its row.
    """
    data, display = read_bytes(path, member_suffix)
    text = decode(data, display)
    exclusions: list[Problem] = []
    delimiter = _delimiter(text)
    if delimiter != ",":
        exclusions.append(Problem(display, None, None, f"columns are separated by {_DELIMITERS[delimiter]}, "
                                  "not commas; read that way (save as CSV with commas to silence this)"))
    rows, starts = read_records(text, delimiter)
    if header:
        head_at = 0
        if required:
            wanted = [_norm(r) for r in required]
            for i, row in enumerate(rows[:max_title_lines]):
                cells = [_norm(c) for c in row]
                if all(w in cells for w in wanted):
                    head_at = i
                    break
        columns = [_clean_header(c) for c in rows[head_at]] if rows else []
        body = rows[head_at + 1:]
        body_starts = starts[head_at + 1:]
    else:
        columns = list(names or [])
        body = rows
        body_starts = starts
    records, index = [], []
    width = len(columns)
    blank: list[int] = []
    for line, row in zip(body_starts, body):
        if not "".join(row).strip():  # every cell empty or spaces
            blank.append(line)
            continue
        if header and width and len(row) > width and any(c.strip() for c in row[width:]):
            exclusions.append(Problem(display, line, None, f"row has {len(row):,} cells, header has {width:,}"))
        elif not header and width and len(row) != width:
            # a headerless file (epraccur) is read by position: a short or long row is misaligned
            exclusions.append(Problem(display, line, None, f"row has {len(row)} cells, the published "
                                      f"layout has {width}; cells read by position may be misaligned"))
        row = (row + [""] * width)[:width] if width else row
        records.append(row)
        index.append(line)
    exclusions.extend(blank_rows(display, list(blank), last_line=body_starts[-1] if body_starts else 0))
    # every physical line after the header is a record, part of one, or blank: compare the counts
    # lines as the csv reader counts them: a lone carriage return ends a line too
    physical = len(io.StringIO(text, newline="").readlines())
    first_data = (starts[head_at + 1] if header and len(starts) > head_at + 1 else
                  (starts[0] if not header and starts else physical + 1))
    data_lines = max(physical - first_data + 1, 0)
    ends = body_starts[1:] + [physical + 1]
    continuation = 0
    for line, end in zip(body_starts, ends):
        if end - line <= 1:  # the next record starts on the next line: nothing swallowed
            continue
        # lines after a record's start that the record swallowed (a quoted cell over several lines)
        blank_after = sum(1 for b in blank if line < b < end)
        extra = end - line - 1 - blank_after
        if extra > 0 and line not in blank:
            continuation += extra
            exclusions.append(Problem(display, line, None,
                                      f"row runs over lines {line}-{line + extra}: a quoted cell holds line breaks"
                                      + (" (if it should not, a quotation mark is unbalanced: check this row)"
                                         if extra > 1 else "")))
    if not width and records:  # no header cells: pad short rows so every record has the same cells
        longest = max(len(r) for r in records)
        records = [r + [""] * (longest - len(r)) for r in records]
    frame_lines = {"data_lines": data_lines, "rows": len(records), "blank_lines": len(blank),
                   "continuation_lines": continuation}
    frame = pd.DataFrame(records, columns=columns if width else None, index=pd.Index(index, name="row"),
                         dtype="string")
    # drop wholly empty trailing columns (",,,," padding in sheets saved as CSV)
    # positional: several padding columns share the empty name ""
    keep = [i for i, c in enumerate(frame.columns)
            if not ((c == "" or str(c).startswith("Unnamed"))
                    and frame.iloc[:, i].fillna("").str.strip().eq("").all())]
    frame = frame.iloc[:, keep]
    frame.attrs["lines"] = frame_lines
    return frame, exclusions, display


_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _delimiter(text: str) -> str:
    """The delimiter of the first non-blank line: commas unless another separator clearly wins."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in _DELIMITERS}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] > counts[","] else ","
    return ","


def duplicate_columns(columns, file: str, used=None) -> list[Problem]:
    """One problem per header name that appears more than once.

    Selecting such a column yields two columns, so without this check a repeated
    header fails later with an error that names neither the file nor the column.
    ``used`` limits the check to the columns a reader uses (by name).
    """
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(columns, start=1):
        positions.setdefault(str(name), []).append(i)
    return [Problem(file, None, name, f"column appears {len(at)} times (columns {', '.join(map(str, at))}); "
                    "keep one")
            for name, at in positions.items()
            if len(at) > 1 and name.strip() and (used is None or name in used)]


def blank_rows(display: str, lines: list[int], last_line: int) -> list[Problem]:
    """One exclusion per blank row, except that the run of blank rows ending the file
    (sheets saved as CSV often carry hundreds) is listed once, with its line range.

    Parameters
    ----------
    display : str
        The file name used in the problems.
    lines : list of int
        The (1-based, ascending) file lines that are blank. The list is consumed.
    last_line : int
        The file's last line: a run of blank lines ending there is listed once.

    Returns
    -------
    list of Problem
        One exclusion per blank row, the trailing run as one.

    Raises
    ------
    TypeError
        ``lines`` holds something other than whole numbers.
    """
    if not lines:
        return []
    if not all(isinstance(n, numbers.Integral) for n in [*lines, last_line]):
        raise TypeError(f"{display}: blank_rows needs whole line numbers, got {lines[:5]} and {last_line!r}")
    tail = []
    while lines and lines[-1] == (tail[0] - 1 if tail else last_line):
        tail.insert(0, lines.pop())
    out = [Problem(display, line, None, "blank row skipped") for line in lines]
    if len(tail) == 1:
        out.append(Problem(display, tail[0], None, "blank row skipped"))
    elif tail:
        out.append(Problem(display, tail[0], None,
                           f"{len(tail):,} blank rows at the end of the file skipped (rows {tail[0]:,}-{tail[-1]:,})"))
    return out


@gc_paused()
def read_records(text: str, delimiter: str = ",") -> tuple[list[list[str]], list[int]]:
    """Every CSV record of ``text`` and the physical (1-based) line on which each starts.

    csv.reader joins a quoted cell's line breaks into one record, so record *n* need not
    start on line *n*; one pass gives both.

    Raises
    ------
    TypeError
        ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"read_records needs the decoded text, not {type(text).__name__}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    if '"' not in text:  # no quoted cell, so no record runs over a line break: record n is line n
        rows = list(reader)
        return rows, list(range(1, len(rows) + 1))
    rows, starts = [], []
    before = 0
    for row in reader:
        rows.append(row)
        starts.append(before + 1)
        before = reader.line_num
    return rows, starts


def _norm(cell: str) -> str:
    return " ".join(str(cell).replace("\ufeff", "").split()).lower()


def _clean_header(cell: str) -> str:
    # published headers carry line breaks inside quoted cells and doubled spaces
    return " ".join(str(cell).replace("\ufeff", "").split())


#: The workbook reader: calamine (``python-calamine``, written in Rust) reads the IoD 2025
#: workbooks about four times faster than openpyxl and gives the same cells as text (a test
#: reads the demo workbooks with both).
EXCEL_ENGINE = "calamine"


def excel_book(path) -> pd.ExcelFile:
    """An open workbook (use it in a ``with``), read with :data:`EXCEL_ENGINE`."""
    return pd.ExcelFile(path, engine=EXCEL_ENGINE)


def read_excel_sheet(path: Path, *, sheet: str | int | None = None, required: tuple[str, ...] = (),
                     max_title_lines: int = 30) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read one worksheet as strings, indexed by spreadsheet row number.

    ``sheet`` may be a name, an index, or ``None`` to take the first sheet whose
    header contains every ``required`` column (workbooks put notes first).
    """
    path = Path(path)
    with excel_book(path) as book:  # opened once for every sheet read
        return _read_excel_book(book, path, sheet, required, max_title_lines)


def _read_excel_book(book, path: Path, sheet, required, max_title_lines):
    candidates = [sheet] if sheet is not None else book.sheet_names
    wanted = [_norm(r) for r in required]
    chosen = None
    for name in candidates:
        raw = pd.read_excel(book, sheet_name=name, header=None, dtype=object, nrows=max_title_lines)
        for i in range(len(raw)):
            cells = [_norm(c) for c in raw.iloc[i].tolist() if not pd.isna(c)]
            if not wanted or all(w in cells for w in wanted):
                chosen = (name, i)
                break
        if chosen:
            break
    if chosen is None:
        raise ValidationError(path.name, [Problem(path.name, None, c, "required column is missing from every sheet")
                                          for c in required])
    name, head = chosen
    frame = pd.read_excel(book, sheet_name=name, header=head, dtype=object)
    frame.columns = [_clean_header(c) for c in frame.columns]
    frame.index = pd.Index(frame.index + head + 2, name="row")  # header is row head+1 in Excel
    exclusions = []
    blank = frame.isna().all(axis=1)
    for line in frame.index[blank]:
        exclusions.append(Problem(f"{path.name}[{name}]", int(line), None, "blank row skipped"))
    frame = frame[~blank]
    frame = frame.map(lambda v: None if pd.isna(v) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
    frame = frame.astype("string")
    frame = frame.drop(columns=[c for c in frame.columns if str(c).startswith("Unnamed")
                                and frame[c].isna().all()])
    return frame, exclusions, f"{path.name}[{name}]"


def parse_numbers(frame: pd.DataFrame, columns: list[str], file: str, *, integer: bool = True,
                  suppression: bool = False) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    """Turn text cells into numbers, accepting thousands separators (``"29,199"``).

    Returns ``(frame, problems, exclusions)``: cells that are not numbers are
    *problems*; statistical suppression markers (``c``, ``x``, ``:``, ``[x]``) are
    set to missing and listed as *exclusions* when ``suppression`` is true. Columns the
    frame lacks are left alone (optional columns of a published file).
    """
    check_frame(frame, "frame")
    out = frame.copy()
    problems: list[Problem] = []
    exclusions: list[Problem] = []
    for col in columns:
        if col not in out.columns:
            continue
        text = out[col].astype("string").str.strip().str.replace(",", "", regex=False)
        marker = text.str.lower().isin(SUPPRESSION_MARKERS)
        if suppression and marker.any():
            for line in out.index[marker.fillna(False)]:
                exclusions.append(Problem(file, int(line), col, "suppressed or unavailable cell set to missing",
                                          frame.at[line, col]))
            text = text.mask(marker.fillna(False), None)
        empty = text.isna() | (text == "")
        values = pd.to_numeric(text.mask(empty, None), errors="coerce")
        bad = values.isna() & ~empty
        for line in out.index[bad]:
            problems.append(Problem(file, int(line), col, "not a number", frame.at[line, col]))
        if integer:
            frac = values.notna() & (values % 1 != 0)
            for line in out.index[frac]:
                problems.append(Problem(file, int(line), col, "expected a whole number", frame.at[line, col]))
            out[col] = values.where(~frac).round().astype("Int64")
        else:
            out[col] = values.astype("Float64")
    return out, problems, exclusions


def warn_exclusions(exclusions: list[Problem], file: str) -> None:
    """One warning summarising what was excluded (the full list is in ``attrs``)."""
    if not exclusions:
        return
    kinds: dict[str, int] = {}
    for p in exclusions:
        kinds[p.message] = kinds.get(p.message, 0) + 1
    summary = "; ".join(f"{n:,} x {m}" for m, n in kinds.items())
    first = exclusions[0]
    warnings.warn(f"{file}: {len(exclusions):,} cell(s)/row(s) excluded ({summary}); first: {first}. "
                  "The full list is in DataFrame.attrs['exclusions'].", DataQualityWarning, stacklevel=3)
