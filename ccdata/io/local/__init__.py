"""The partnership's own files: one table reader, one column matcher, one yes/no vocabulary.

Asset lists, survey questions and answers, pupil extracts and relationship surveys
are typed by people in spreadsheets, so their readers share the same forgiving but
honest rules: CSV (UTF-8 or Windows-1252) or XLSX, rows indexed by the line or row
number a person sees in the file, headers matched ignoring case, spacing,
underscores and hyphens, and every cell or row that is not used listed with file,
row and column. The readers live in :mod:`.assets`, :mod:`.survey`, :mod:`.pupils`
and :mod:`.network`; each declares its columns (field -> accepted headers) as data.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ccdata.errors import MissingDataError, Problem, ValidationError
from ccdata.io.tables import read_csv_lines, read_excel_sheet

#: File endings the readers accept (compared in lower case: ``.CSV`` is a CSV).
TABLE_SUFFIXES = (".csv", ".txt", ".gz", ".xlsx", ".xlsm")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Answers read as yes / no in flag columns (compared after :func:`norm_key`).
YES = frozenset({"yes", "y", "true", "t", "1", "x"})
NO = frozenset({"no", "n", "false", "f", "0"})


def norm_header(text) -> str:
    """A header as compared with the known names: lower case, ``_``/``-`` as spaces, one space."""
    return " ".join(re.sub(r"[_\-]+", " ", str(text)).replace("\ufeff", "").lower().split())


def norm_key(text) -> str:
    """A cell value as compared with a vocabulary: case-folded, one space."""
    return " ".join(str(text).casefold().split())


def match_columns(columns, aliases: dict[str, tuple[str, ...]], *, file: str | None = None) -> dict[str, str]:
    """``{field: header}`` for the headers that match a field's name or one of its aliases.

    Parameters
    ----------
    columns : iterable of str
        The headers as typed in the file.
    aliases : dict
        ``field -> accepted headers`` (compared through :func:`norm_header`); the field
        name itself (underscores as spaces) is always accepted. Aliases are tried in
        order, so the first listed wins when a file has two candidates.
    file : str, optional
        When given, two headers that both match one field are a
        :class:`ValidationError` naming both (the reader could not know which to use).

    Examples
    --------
    >>> match_columns(["Post Code", "NAME"], {"name": (), "postcode": ("post code",)})
    {'name': 'NAME', 'postcode': 'Post Code'}
    """
    if not isinstance(aliases, dict):
        raise TypeError(f"aliases must be a dict of field -> headers, not {type(aliases).__name__}")
    lowered: dict[str, list[str]] = {}
    for col in columns:
        lowered.setdefault(norm_header(col), []).append(col)
    found: dict[str, str] = {}
    for field, names in aliases.items():
        candidates = [norm_header(field)] + [norm_header(a) for a in names]
        hits = [lowered[c][0] for c in dict.fromkeys(candidates) if c in lowered]
        if not hits:
            continue
        if file is not None and len(hits) > 1:
            raise ValidationError(file, [Problem(file, None, str(hits[1]),
                                  f"two columns mean {field!r} ({hits[0]!r} and {hits[1]!r}); keep one")])
        found[field] = hits[0]
    return found


def best_sheet(path, required: tuple[str, ...], columns: dict[str, tuple[str, ...]],
               max_title_lines: int = 30) -> tuple[str, Problem | None] | None:
    """The sheet of a workbook whose header row matches most of ``columns``.

    Only sheets with every ``required`` header in one of their first
    ``max_title_lines`` rows count; ties go to the earlier sheet. Returns ``(sheet,
    note)`` -- ``note`` a :class:`Problem` naming the sheet read and the others
    considered, when there was a choice -- or ``None`` when no sheet qualifies.
    """
    wanted = {norm_header(r) for r in required}
    known = {norm_header(n): field for field, names in columns.items() for n in (field, *names)}
    scores = []
    with pd.ExcelFile(path, engine="openpyxl") as book:
        for name in book.sheet_names:
            raw = pd.read_excel(book, sheet_name=name, header=None, dtype=object, nrows=max_title_lines)
            best = None
            for i in range(len(raw)):
                cells = {norm_header(c) for c in raw.iloc[i].tolist() if not pd.isna(c)}
                if wanted <= cells:
                    best = len({known[c] for c in cells if c in known})
                    break
            if best is not None:
                scores.append((name, best))
    if not scores:
        return None
    name, score = max(scores, key=lambda s: s[1])  # max keeps the first of equals
    note = None
    if len(scores) > 1:
        others = "; ".join(f"{n!r} matches {s}" for n, s in scores if n != name)
        note = Problem(Path(path).name, None, None,
                       f"several sheets have the required columns: read sheet {name!r}, whose headings match "
                       f"{score} of the expected columns ({others})")
    return name, note


def yes_no(value, *, yes=(), no=()) -> bool | None:
    """``True``/``False`` for a yes/no answer (``Y``, ``yes``, ``1``, ``true`` ...), else ``None``.

    ``yes`` and ``no`` add words a particular file uses (e.g. ``"core team"``).
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        key = ""
    else:
        key = norm_key(value)
    if key in YES or key in {norm_key(w) for w in yes}:
        return True
    if key in NO or key in {norm_key(w) for w in no}:
        return False
    return None


def read_table(path, *, what: str, required: tuple[str, ...] = (),
               columns: dict[str, tuple[str, ...]] | None = None) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read one CSV or XLSX file as text cells indexed by file row.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for messages ("asset list", "organisations").
    required : tuple of str
        Headers that identify the header row below any title lines (and, in a
        workbook, the sheets that may be read: those whose header has them all).
    columns : dict, optional
        Every column the file may have (``{field: aliases}``, as for
        :func:`match_columns`). In a workbook where several sheets have the required
        headers, the sheet whose header matches most of these is read, and the choice
        is listed among the returned problems (a notes sheet with a "Name" column is
        not taken for the list).

    Returns
    -------
    frame, problems, display
        ``problems`` lists rows and cells not read (blank rows, ...); ``display`` is
        the file name used in messages.

    Raises
    ------
    MissingDataError
        The file does not exist.
    ValidationError
        The file is not a CSV or XLSX file.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, not {type(path).__name__}")
    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"{what} file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        if columns:
            choice = best_sheet(path, required, columns)
            if choice is not None:
                sheet, note = choice
                frame, problems, display = read_excel_sheet(path, sheet=sheet, required=required)
                return frame, ([note] if note else []) + list(problems), display
        try:
            return read_excel_sheet(path, required=required)
        except ValidationError:
            if not required:
                raise
            return read_excel_sheet(path, sheet=0)
    if suffix in TABLE_SUFFIXES:
        return read_csv_lines(path, required=required)
    raise ValidationError(path.name, [Problem(path.name, None, None,
                                              f"{what} must be a .csv or .xlsx file, not {path.suffix!r}")])
