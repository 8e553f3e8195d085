"""Declared table schemas and the machinery that checks them.

A loader describes each column it returns with :class:`Col`; :func:`validate`
turns the declaration into a pandera ``DataFrameSchema`` (``strict``, ``coerce``,
``lazy=True``) and reports **every** problem at once as a
:class:`~ccdata.errors.ValidationError` whose lines name the file, row and
column. Row numbers are the line numbers of the input file: loaders index their
frames by file line before validating, so pandera's failure cases point straight
at the line an adviser would open in a spreadsheet.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ccdata.errors import Problem, ValidationError

# Code patterns (ONS GSS codes). A pattern says "looks like an LSOA code"; whether
# the code exists in a given vintage is checked against the lookups in ccdata.io.codes.
LSOA_CODE = r"^[EW]01\d{6}$"
OA_CODE = r"^[EW]00\d{6}$"
MSOA_CODE = r"^[EW]02\d{6}$"
WARD_CODE = r"^[EWSN]\d{8}$"
LAD_CODE = r"^[EWSN]\d{8}$"
POSTCODE = r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"


@dataclass(frozen=True)
class Col:
    """One declared column.

    ``dtype`` is one of ``"str"``, ``"int"``, ``"float"``, ``"bool"``,
    ``"datetime"``. ``pattern`` is a regular expression the values must match;
    ``isin`` a closed set; ``ge``/``le`` bounds; ``unique`` forbids duplicates.
    """

    dtype: str = "str"
    nullable: bool = False
    pattern: str | None = None
    isin: tuple | None = None
    ge: float | None = None
    le: float | None = None
    unique: bool = False


_DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean",
           "datetime": "datetime64[ns]"}


def schema(columns: dict[str, Col], *, strict: bool = True, name: str | None = None) -> pa.DataFrameSchema:
    """Build a pandera schema from column declarations."""
    cols = {}
    for col_name, spec in columns.items():
        checks = []
        if spec.pattern:
            checks.append(pa.Check.str_matches(spec.pattern, error=f"does not match {spec.pattern}"))
        if spec.isin is not None:
            checks.append(pa.Check.isin(list(spec.isin), error=f"not one of {list(spec.isin)}"))
        if spec.ge is not None:
            checks.append(pa.Check.ge(spec.ge, error=f"below {spec.ge}"))
        if spec.le is not None:
            checks.append(pa.Check.le(spec.le, error=f"above {spec.le}"))
        cols[col_name] = pa.Column(_DTYPES[spec.dtype], checks=checks, nullable=spec.nullable,
                                   unique=spec.unique, coerce=True)
    return pa.DataFrameSchema(cols, strict=strict, coerce=True, name=name)


def _problems_from(exc: SchemaErrors, file: str) -> list[Problem]:
    problems = []
    cases = exc.failure_cases
    for case in cases.itertuples(index=False):
        column = getattr(case, "column", None)
        check = str(getattr(case, "check", ""))
        index = getattr(case, "index", None)
        value = getattr(case, "failure_case", None)
        row = None if index is None or pd.isna(index) else int(index)
        if check.startswith("column_in_dataframe"):
            problems.append(Problem(file, None, str(value), "required column is missing"))
        elif check.startswith("column_in_schema"):
            problems.append(Problem(file, None, str(value), "unexpected column"))
        elif check == "field_uniqueness":
            problems.append(Problem(file, row, column, "duplicate value", value))
        elif check.startswith("not_nullable"):
            problems.append(Problem(file, row, column, "missing value"))
        elif check.startswith("coerce_dtype") or check.startswith("dtype"):
            problems.append(Problem(file, row, column, f"cannot be read as {check.split('(')[-1].rstrip(')')}", value))
        else:
            problems.append(Problem(file, row, column, check, value))
    return problems


def validate(df: pd.DataFrame, columns: dict[str, Col], file: str, *, strict: bool = True,
             key: list[str] | None = None, extra_problems: list[Problem] | None = None) -> pd.DataFrame:
    """Validate ``df`` against the declaration; raise with every problem found.

    Parameters
    ----------
    df : DataFrame
        Indexed by the file line number of each row.
    columns : dict of Col
        The declared schema.
    file : str
        File name used in messages.
    key : list of str, optional
        Columns that identify a row; rows repeating a key are reported as
        duplicates (every occurrence after the first, with the line of the first).
    extra_problems : list of Problem
        Problems the loader already found (they are reported together).

    Returns
    -------
    DataFrame
        Coerced to the declared dtypes.
    """
    problems = list(extra_problems or [])
    result = df
    try:
        result = schema(columns, strict=strict).validate(df, lazy=True)
    except SchemaErrors as exc:
        problems.extend(_problems_from(exc, file))
    if key and all(k in df.columns for k in key):
        dup = df.duplicated(subset=key, keep="first")
        if dup.any():
            line_col = df.index.name or "index"  # loaders name the line-number index "row"
            first = df.reset_index().drop_duplicates(subset=key, keep="first").set_index(key)[line_col]
            for line, row in df[dup].iterrows():
                k = tuple(row[c] for c in key)
                first_line = first.loc[k if len(key) > 1 else k[0]]
                problems.append(Problem(file, int(line), ", ".join(key),
                                        f"duplicate row (same {', '.join(key)} as row {int(first_line)})",
                                        k if len(key) > 1 else k[0]))
    if problems:
        problems.sort(key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
        raise ValidationError(file, problems)
    return result


def require_columns(found: list[str], required: list[str] | tuple[str, ...], file: str) -> list[Problem]:
    """Problems for required columns that are missing, with the closest match as a hint."""

    problems = []
    for name in required:
        if name not in found:
            close = difflib.get_close_matches(name, [str(f) for f in found], n=1, cutoff=0.6)
            hint = f"; found {close[0]!r} (renamed?)" if close else ""
            problems.append(Problem(file, None, name, f"required column is missing{hint}"))
    return problems


def check_frame(obj, name: str, columns=(), *, made_by: str | None = None) -> pd.DataFrame:
    """The one check that an argument is a table with the columns a function reads.

    Parameters
    ----------
    obj : object
        The argument to check.
    name : str
        The argument's name as the caller's documentation gives it (``"assets"``).
    columns : iterable of str
        Columns the function reads; all must be present.
    made_by : str, optional
        The function whose result is expected (``"brokerage()"``): named in the message so
        the adviser knows which table to pass.

    Returns
    -------
    DataFrame
        ``obj`` itself, for chaining.

    Raises
    ------
    TypeError
        ``obj`` is not a pandas DataFrame.
    ValueError
        Columns are missing: the message lists them, with the closest column found as a hint
        and the columns the table has.
    """
    expected = f" (the table returned by {made_by})" if made_by else ""
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame{expected}, not {type(obj).__name__}")
    found = [str(c) for c in obj.columns]
    missing = [c for c in columns if c not in obj.columns]
    if missing:
        hints = []
        for col in missing:
            close = difflib.get_close_matches(str(col), found, n=1, cutoff=0.6)
            hints.append(f"{col!r} (found {close[0]!r}: renamed?)" if close else repr(col))
        raise ValueError(f"{name}{expected} has no column {', '.join(hints)}; it has {found[:30]}")
    return obj


def slug(label: str) -> str:
    """``'Aged 4 years and under'`` -> ``'aged_4_years_and_under'``."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", label.strip().lower())
    return text.strip("_")


