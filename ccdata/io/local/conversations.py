"""Listening conversations: one row per conversation, a few structured fields and a free-text note.

A listening campaign records door-knocking, school-gate and youth-group
conversations in a spreadsheet (CSV or XLSX). The columns (headers matched as in the
other local files, ignoring case, spacing, underscores and hyphens):

``conversation_id``  a short code of letters, digits and hyphens (required; unique)
``wave``             a label such as ``Spring 2025``; or ``date``, the day of the
                     conversation (then the wave is its quarter, e.g. ``Jan-Mar 2025``)
``setting``          where it happened (door-knocking, school gate, youth group ...)
``who``              parent or carer, young person, resident, professional ...
``age_band``         optional
``ward``             a ward code or name; or ``postcode`` / ``lsoa21_code`` (reduced to
                     LSOA and ward on loading, then dropped, as for surveys)
``people``           optional number of people in the conversation (default 1)
``note``             what mattered to the person, in the listener's words (required)
``themes``           optional theme codes the listeners already assigned, separated by
                     ``;``, ``,`` or ``|``

**The note is never quoted**: no :class:`~ccdata.errors.Problem`, warning or
exception raised here carries its text, and it leaves this package only in the
frame :func:`read_conversations` returns, for coding by
:mod:`ccdata.analysis.conversations`.
"""
from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pandas as pd

from ccdata.errors import Problem, ValidationError
from ccdata.io.tables import duplicate_columns
from ccdata.io.local import match_columns, norm_key, read_table
from ccdata.io.local.survey import parse_wave

#: Accepted headers per field (the field name itself is always accepted).
COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("id", "conversation", "conversation ref", "reference", "ref"),
    "wave": ("round", "listening wave", "campaign wave"),
    "date": ("conversation date", "date of conversation", "when"),
    "setting": ("where", "venue", "location type", "place of conversation"),
    "who": ("respondent", "respondent type", "person type", "who we spoke to", "group"),
    "age_band": ("age", "age group", "age range"),
    "ward": ("ward code", "ward name", "home ward"),
    "postcode": ("post code", "home postcode"),
    "lsoa21_code": ("lsoa", "lsoa code", "lsoa21"),
    "people": ("number of people", "people", "how many people", "n people", "headcount"),
    "note": ("notes", "what mattered", "what they said", "conversation note", "comments", "text"),
    "themes": ("theme codes", "theme", "codes", "coded themes"),
}
REQUIRED = ("conversation_id", "note")
#: A conversation id: a short code (letters, digits and hyphens, at most this many characters).
ID_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,29})")
THEME_SEP = re.compile(r"[;,|]")
NOT_KNOWN = "Not known"
_QUARTERS = ("Jan-Mar", "Apr-Jun", "Jul-Sep", "Oct-Dec")


def quarter(day: date) -> str:
    """The wave of a dated conversation: its calendar quarter (``"Jan-Mar 2025"``)."""
    return f"{_QUARTERS[(day.month - 1) // 3]} {day.year}"


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())


def _read(path):
    """The table under the header row that names the conversation id (as any accepted header: a
    spreadsheet may have title lines above it, and "Conversation ID" is as good as ``conversation_id``)."""
    first = None
    for name in ("conversation_id", *(" ".join(a.split()) for a in ("conversation id", *COLUMNS["conversation_id"]))):
        try:
            frame, exclusions, file = read_table(path, what="conversations", required=(name,), columns=COLUMNS)
        except ValidationError as exc:
            first = first or exc
            continue
        if "conversation_id" in match_columns(frame.columns, {"conversation_id": COLUMNS["conversation_id"]}):
            return frame, exclusions, file
        first = first or (frame, exclusions, file)
    if isinstance(first, tuple):
        return first  # no id column at all: the checks below say so
    raise first


def read_conversations(path: str | Path) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read and check a conversations file.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8 or Windows-1252) or XLSX with the columns in the module docstring.

    Returns
    -------
    frame, exclusions, file
        ``frame`` is indexed by file row: ``conversation_id, wave, wave_date, setting,
        who, age_band, ward, postcode, lsoa21_code, people, note, themes`` (a tuple of
        lower-case codes). It still holds notes and postcodes: it is an internal step
        of :func:`ccdata.analysis.conversations.load_conversations` and must never be
        exported. ``exclusions`` lists cells adjusted on reading (never quoting a note).
        ``frame.attrs["people_given"]`` is True when the file has a people column with
        a number in it.

    Raises
    ------
    ValidationError
        Missing id or note column, neither a wave nor a date column, missing,
        malformed or duplicate conversation ids, two columns meaning one field.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, not {type(path).__name__}")
    frame, exclusions, file = _read(path)
    exclusions = list(exclusions)
    raw = _fields(frame, file, exclusions)
    out = pd.DataFrame({"conversation_id": _ids(raw["conversation_id"], file)}, index=frame.index)
    waves, wave_dates = _waves(raw, frame.index, file, exclusions)
    out["wave"] = waves
    out["wave_date"] = pd.to_datetime(pd.Series(wave_dates, index=frame.index, dtype="object"))
    for col in ("setting", "who", "age_band"):
        values = [_text(v) for v in raw[col]] if col in raw else [""] * len(frame)
        out[col] = [v if v else NOT_KNOWN for v in values]
    for col in ("ward", "postcode", "lsoa21_code"):
        values = [_text(v) for v in raw[col]] if col in raw else [""] * len(frame)
        out[col] = pd.Series([v if v else pd.NA for v in values], index=frame.index, dtype="object")
    people, given = _people(raw, frame.index, file, exclusions)
    out["people"] = pd.Series(people, index=frame.index, dtype="int64")
    out["note"] = [_text(v) for v in raw["note"]]
    for line in out.index[out["note"].eq("")]:
        exclusions.append(Problem(file, int(line), "note", "no note; only theme codes given in the file can "
                                  "code this conversation"))
    themes = []
    for line in frame.index:
        text = _text(raw["themes"][line]) if "themes" in raw else ""
        themes.append(tuple(dict.fromkeys(norm_key(t) for t in THEME_SEP.split(text) if t.strip())))
    out["themes"] = themes
    out.attrs.update({"file": file, "people_given": given})
    return out, exclusions, file


def _fields(frame: pd.DataFrame, file: str, exclusions: list[Problem]) -> dict[str, pd.Series]:
    """Each field's column, by field; every column problem at once, unknown columns listed."""
    problems = duplicate_columns(frame.columns, file)
    found = match_columns(frame.columns, COLUMNS, file=file)
    for col in REQUIRED:
        if col not in found:
            problems.append(Problem(file, None, col, "required column is missing"))
    if "wave" not in found and "date" not in found:
        problems.append(Problem(file, None, "wave", "give a wave or a date column (when the conversation was)"))
    unknown = [c for c in frame.columns if c not in found.values()]
    if problems:
        raise ValidationError(file, problems)
    for col in unknown:  # listed, not silently ignored (its cells are never quoted: it may hold notes)
        exclusions.append(Problem(file, None, str(col), "column not recognised; not read"))
    return {field: frame[header] for field, header in found.items()}


def _ids(column: pd.Series, file: str) -> list[str]:
    """The conversation ids: present, short codes, each once (case aside), or a ValidationError."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    ids = []
    for line, value in column.items():
        text = _text(value)
        if not text:
            problems.append(Problem(file, int(line), "conversation_id", "missing conversation id"))
        elif not ID_PATTERN.fullmatch(text):
            # the cell is not quoted: a note pasted into the wrong column must not be repeated here
            problems.append(Problem(file, int(line), "conversation_id",
                                    "a conversation id must be a short code of letters, digits and hyphens "
                                    "(at most 30 characters)"))
        elif text.upper() in seen:
            problems.append(Problem(file, int(line), "conversation_id",
                                    f"duplicate conversation id (first on row {seen[text.upper()]})", text))
        seen.setdefault(text.upper(), int(line))
        ids.append(text)
    if problems:
        raise ValidationError(file, problems)
    return ids


def _waves(raw: dict, index: pd.Index, file: str, exclusions: list[Problem]):
    """Each conversation's wave and the date it is placed by: the wave as given (a date in it
    read as one), else the quarter of its date, else 'Not known'."""
    waves, wave_dates = [], []
    for line in index:
        label = _text(raw["wave"][line]) if "wave" in raw else ""
        day_text = _text(raw["date"][line]) if "date" in raw else ""
        day, _ = parse_wave(day_text) if day_text else (None, None)
        if day_text and day is None:
            exclusions.append(Problem(file, int(line), "date", "not a date; the conversation's date is not known"))
        if not label and day is None:
            exclusions.append(Problem(file, int(line), "wave" if "wave" in raw else "date",
                                      "no wave or date; counted under 'Not known'"))
            waves.append(NOT_KNOWN)
            wave_dates.append(None)
            continue
        if label:
            as_date, _ = parse_wave(label)
            waves.append(as_date.isoformat() if as_date else label)
            wave_dates.append(as_date or day)
        else:
            waves.append(quarter(day))
            wave_dates.append(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))
    return waves, wave_dates


def _people(raw: dict, index: pd.Index, file: str, exclusions: list[Problem]) -> tuple[list[int], bool]:
    """People in each conversation (1 when not given or not a whole number), and whether the file
    gave any number."""
    people, given = [], False
    for line in index:
        text = _text(raw["people"][line]) if "people" in raw else ""
        if not text:
            people.append(1)
            continue
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if math.isnan(number) or number < 1 or number % 1:
            exclusions.append(Problem(file, int(line), "people", "not a whole number of at least 1; counted as 1",
                                      text))
            people.append(1)
        else:
            people.append(int(number))
            given = True
    return people, given
