"""Approved quotes and the adviser's names list (CSV or XLSX).

**Approved quotes**, one row per quote: ``quote`` (the words to show), ``theme`` (a
codebook theme code) and ``consent`` (yes/no: the person agreed to be quoted). Checked
by :func:`ccdata.analysis.quotes.check_quotes` before any is shown.

**Names list**, one row per name the campaign knows: ``name`` and optionally ``kind``
(``person`` or ``organisation``; default person). Used only to refuse quotes that
contain one; never shown.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ccdata.errors import Problem, ValidationError
from ccdata.io.local import match_columns, norm_key, read_table, yes_no

QUOTE_COLUMNS = {"quote": ("approved quote", "words", "text"), "theme": ("theme code", "code"),
                 "consent": ("consent given", "consented", "consent to quote")}
NAME_COLUMNS = {"name": ("names", "known name"), "kind": ("type", "person or organisation")}
KINDS = ("person", "organisation")


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())


def read_quotes(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Read an approved-quotes file.

    Returns
    -------
    frame, file
        ``row, quote, theme, consent`` (``consent`` True, False or missing when the cell
        is neither yes nor no), one row per non-blank quote.

    Raises
    ------
    ValidationError
        A ``quote``, ``theme`` or ``consent`` column is missing.
    """
    frame, _, file = read_table(path, what="approved quotes", required=("quote",), columns=QUOTE_COLUMNS)
    found = match_columns(frame.columns, QUOTE_COLUMNS, file=file)
    missing = [c for c in QUOTE_COLUMNS if c not in found]
    if missing:
        raise ValidationError(file, [Problem(file, None, c, "required column is missing") for c in missing])
    rows = []
    for line in frame.index:
        quote = _text(frame.at[line, found["quote"]])
        if not quote:
            continue
        rows.append({"row": int(line), "quote": quote, "theme": norm_key(_text(frame.at[line, found["theme"]])),
                     "consent": yes_no(frame.at[line, found["consent"]])})
    return pd.DataFrame(rows, columns=["row", "quote", "theme", "consent"]), file


def read_names(path: str | Path) -> pd.DataFrame:
    """Read the adviser's names list: ``name, kind`` (``person`` or ``organisation``).

    Raises
    ------
    ValidationError
        No ``name`` column, or a kind that is neither person nor organisation.
    """
    frame, _, file = read_table(path, what="names list", required=("name",), columns=NAME_COLUMNS)
    found = match_columns(frame.columns, NAME_COLUMNS, file=file)
    if "name" not in found:
        raise ValidationError(file, [Problem(file, None, "name", "required column is missing")])
    rows, problems = [], []
    for line in frame.index:
        name = _text(frame.at[line, found["name"]])
        if not name:
            continue
        kind = norm_key(_text(frame.at[line, found["kind"]])) if "kind" in found else ""
        kind = kind or "person"
        if kind not in KINDS:
            problems.append(Problem(file, int(line), "kind", f"kind must be one of {KINDS}", kind))
        rows.append({"name": name, "kind": kind})
    if problems:
        raise ValidationError(file, problems)
    return pd.DataFrame(rows, columns=["name", "kind"])
