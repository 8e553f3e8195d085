"""Listening survey files: the questions file and the responses exported by a survey tool.

**Questions** (CSV or XLSX), one row per question:

``question_id``      the column name used in the responses file
``question_text``    the wording shown to respondents
``type``             ``single``, ``multiple``, ``likert`` or ``free_text``
``options``          the answers in response order, separated by ``|``
``positive``         the answers that count as positive, separated by ``|``
``benchmark``        optional: a comparison value in percent
``benchmark_source`` optional: where the benchmark comes from

**Responses** (CSV or XLSX; Windows-1252 tolerated), one row per respondent:
``respondent_id``, ``wave`` (a label such as ``Spring 2024`` or the date the wave
opened, in any common format), optionally ``postcode`` (or ``lsoa21_code``),
``school`` and ``year_group``, then one column per question id. Multiple-choice
answers are separated by ``;``.

:func:`read_responses` checks the file and cleans the answers; free-text answers are
dropped here (they can name people). Locating respondents (postcode -> LSOA and ward,
then the postcode discarded) is :func:`ccdata.analysis.survey.load_responses`.
"""
from __future__ import annotations

import difflib
import re
import warnings
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ccdata.errors import DataQualityWarning, Problem, ValidationError
from ccdata.io.tables import duplicate_columns
from ccdata.io.local import read_table
from ccdata.schemas import check_frame, require_columns

SINGLE, MULTIPLE, LIKERT, FREE_TEXT = "single", "multiple", "likert", "free_text"
QUESTION_TYPES = (SINGLE, MULTIPLE, LIKERT, FREE_TEXT)
OPTION_SEP = "|"
ANSWER_SEP = ";"
#: Respondent columns that are not questions.
META_COLUMNS = ("respondent_id", "wave", "postcode", "lsoa21_code", "school", "year_group")
QUESTION_COLUMNS = ("question_id", "question_text", "type", "options", "positive")


def load_questions(path: str | Path) -> pd.DataFrame:
    """Read question metadata.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX with the columns described in the module docstring.

    Returns
    -------
    DataFrame
        ``question_id, question_text, type, options (tuple), positive (tuple),
        benchmark (float, percent), benchmark_source``, one row per question, in file order.

    Raises
    ------
    ValidationError
        Listing every problem: missing columns, duplicate or blank question ids,
        unknown types, positive answers that are not options, benchmarks outside 0-100.
    """
    frame, _, file = read_table(path, what="survey questions", required=("question_id",))

    problems = duplicate_columns(frame.columns, file) + require_columns(list(frame.columns), QUESTION_COLUMNS, file)
    if problems:
        raise ValidationError(file, problems)
    for col in ("benchmark", "benchmark_source"):
        if col not in frame.columns:
            frame[col] = pd.NA
    # blank cells of a workbook are missing values, not "" as in a CSV
    text_cols = ["question_id", "question_text", "type", "options", "positive"]
    frame[text_cols] = frame[text_cols].astype("string").fillna("")
    rows, seen = [], {}
    for line, rec in frame.iterrows():
        qid = (rec["question_id"] or "").strip()
        qtype = (rec["type"] or "").strip().lower()
        options = tuple(o.strip() for o in (rec["options"] or "").split(OPTION_SEP) if o.strip())
        positive = tuple(o.strip() for o in (rec["positive"] or "").split(OPTION_SEP) if o.strip())
        if not qid:
            problems.append(Problem(file, int(line), "question_id", "missing question id"))
        elif qid in seen:
            problems.append(Problem(file, int(line), "question_id",
                                    f"duplicate question id (first on row {seen[qid]})", qid))
        seen.setdefault(qid, int(line))
        if qtype not in QUESTION_TYPES:
            problems.append(Problem(file, int(line), "type", f"type must be one of {QUESTION_TYPES}", rec["type"]))
        if qtype != FREE_TEXT and qtype in QUESTION_TYPES:
            if not options:
                problems.append(Problem(file, int(line), "options", "no answer options declared"))
            if len(set(options)) != len(options):
                problems.append(Problem(file, int(line), "options", "an option is listed twice", rec["options"]))
            for p in positive:
                if p not in options:
                    problems.append(Problem(file, int(line), "positive", "positive answer is not one of the options", p))
        bench = rec["benchmark"]
        value = np.nan
        if bench is not None and not pd.isna(bench) and str(bench).strip():
            try:
                value = float(str(bench).strip().rstrip("%"))
            except ValueError:
                problems.append(Problem(file, int(line), "benchmark", "not a number", bench))
            else:
                if not 0 <= value <= 100:
                    problems.append(Problem(file, int(line), "benchmark", "benchmark must be a percentage 0-100", bench))
        rows.append({"question_id": qid, "question_text": (rec["question_text"] or "").strip(), "type": qtype,
                     "options": options, "positive": positive, "benchmark": value,
                     "benchmark_source": None if pd.isna(rec["benchmark_source"]) else str(rec["benchmark_source"])})
    if problems:
        raise ValidationError(file, problems)
    out = pd.DataFrame(rows)
    out.attrs["file"] = file
    return out


def check_questions(questions: pd.DataFrame) -> pd.DataFrame:
    """The questions table, checked to be one :func:`load_questions` returned.

    Parameters
    ----------
    questions : DataFrame
        From :func:`load_questions`.

    Returns
    -------
    DataFrame
        ``questions`` itself.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, or without a column of :data:`QUESTION_COLUMNS`.
    """
    return check_frame(questions, "questions", QUESTION_COLUMNS, made_by="load_questions()")


_DATE_FORMATS = (("%Y-%m-%d", "ISO (2024-03-01)"), ("%d/%m/%Y", "day/month/year (01/03/2024)"),
                 ("%d-%m-%Y", "day-month-year (01-03-2024)"), ("%d.%m.%Y", "day.month.year"),
                 ("%d/%m/%y", "day/month/2-digit year"), ("%d %B %Y", "day month-name year (1 March 2024)"),
                 ("%d %b %Y", "day short-month year (1 Mar 2024)"), ("%Y/%m/%d", "year/month/day"))


def parse_wave(value: str) -> tuple[date | None, str | None]:
    """A wave value as a date, if it is one: ``(date, format description)`` or ``(None, None)``.

    Dates written with slashes are read day first (the UK convention).
    """
    text = " ".join(str(value).split())
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2})?$", "", text)  # survey tools append a time
    for fmt, label in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date(), label
        except ValueError:
            continue
    return None, None


def _normalise_year_group(value) -> str | None:
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    text = str(value).strip()
    m = re.fullmatch(r"(?i)(?:year|yr|y)?\s*(\d{1,2})", text)
    return f"Year {int(m.group(1))}" if m else text


def warn_summary(exclusions: list[Problem], file: str) -> None:
    """One DataQualityWarning counting exclusions by column and reason.

    Unlike the loaders' warning it quotes no cell values: in personal files a value
    typed into the wrong column may identify someone, and warnings reach report notes.
    """
    if not exclusions:
        return
    kinds: dict[str, int] = {}
    for p in exclusions:
        reason = re.sub(r"\(.*?\)", "", p.message.split(";")[0]).strip()
        label = f"{p.column}: {reason}" if p.column else reason
        kinds[label] = kinds.get(label, 0) + 1
    summary = "; ".join(f"{n:,} x {k}" for k, n in kinds.items())
    warnings.warn(f"{file}: {len(exclusions):,} cell(s)/row(s) excluded or adjusted ({summary}); rows are listed "
                  "in the table's attrs['exclusions']", DataQualityWarning, stacklevel=3)


def _clean_answers(column: pd.Series, q) -> tuple[pd.Series, list]:
    options = {o.casefold(): o for o in q.options}
    values, bad = [], []
    for line, raw in column.items():
        if raw is None or pd.isna(raw) or not str(raw).strip():
            values.append(pd.NA)
            continue
        parts = [p.strip() for p in str(raw).split(ANSWER_SEP)] if q.type == MULTIPLE else [str(raw).strip()]
        parts = [p for p in parts if p]
        if len(parts) != 1 and q.type != MULTIPLE or any(" ".join(p.split()).casefold() not in options for p in parts):
            values.append(pd.NA)
            bad.append(line)
            continue
        chosen = {options[" ".join(p.split()).casefold()] for p in parts}
        values.append(ANSWER_SEP.join(o for o in q.options if o in chosen))
    return pd.Series(values, index=column.index, dtype="object"), bad


def wave_order(responses: pd.DataFrame) -> list[str]:
    """The waves of a responses table in time order.

    A wave is placed by its earliest ``wave_date``; waves without a date follow, in the
    order they first appear.

    Parameters
    ----------
    responses : DataFrame
        With ``wave`` and ``wave_date`` columns (survey responses or coded conversations).

    Returns
    -------
    list of str
        Each wave once.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, or without ``wave``/``wave_date``.
    """
    check_frame(responses, "responses", ("wave", "wave_date"))
    first = responses.groupby("wave", sort=False)["wave_date"].min()
    seen = list(dict.fromkeys(responses["wave"]))
    return sorted(seen, key=lambda w: (pd.isna(first.get(w)), first.get(w) if not pd.isna(first.get(w)) else 0,
                                       seen.index(w)))


def read_responses(path: str | Path, questions: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read and check survey responses; answers cleaned, free text and respondent ids dropped.

    Parameters
    ----------
    path : str or Path
        Responses exported from a survey tool (CSV, UTF-8 or Windows-1252; or XLSX).
    questions : DataFrame
        From :func:`load_questions`.

    Returns
    -------
    frame, exclusions, file
        ``frame`` is indexed by file row: ``wave, wave_date, school, year_group``, the
        home area as typed (``postcode`` and/or ``lsoa21_code``), then one column per
        closed question. It still holds postcodes: it is an internal step of
        :func:`ccdata.analysis.survey.load_responses` and must never be exported.
        ``frame.attrs["free_text_dropped"]`` lists the free-text questions dropped.

    Raises
    ------
    ValidationError
        Missing ``respondent_id``/``wave`` columns, columns that are neither known
        respondent fields nor question ids, duplicate respondent ids within a wave,
        missing respondent ids or waves.
    """
    questions = check_questions(questions)
    frame, exclusions, file = read_table(path, what="survey responses", required=("respondent_id",))

    problems: list[Problem] = duplicate_columns(frame.columns, file)
    qids = list(questions["question_id"])
    for col in ("respondent_id", "wave"):
        if col not in frame.columns:
            problems.append(Problem(file, None, col, "required column is missing"))
    for col in frame.columns:
        if col not in META_COLUMNS and col not in qids:
            close = difflib.get_close_matches(col, qids + list(META_COLUMNS), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else "; add it to the questions file or remove it"
            problems.append(Problem(file, None, col, f"unknown question id{hint}"))
    if problems:
        raise ValidationError(file, problems)
    absent = [q for q in qids if q not in frame.columns]
    if absent:
        warnings.warn(f"{file}: no column for question(s) {absent}; they have no answers", DataQualityWarning,
                      stacklevel=2)

    rid = frame["respondent_id"].astype("string").str.strip()
    for line in frame.index[rid.isna() | rid.eq("")]:
        problems.append(Problem(file, int(line), "respondent_id", "missing respondent id"))
    wave_raw = frame["wave"].astype("string").str.strip()
    for line in frame.index[wave_raw.isna() | wave_raw.eq("")]:
        problems.append(Problem(file, int(line), "wave", "missing wave"))
    key = pd.DataFrame({"rid": rid, "wave": wave_raw})
    # dates of one wave written differently are still one wave: compare on normalised waves
    parsed = [parse_wave(v) if isinstance(v, str) and v else (None, None) for v in wave_raw.fillna("")]
    wave_dates = [p[0] for p in parsed]
    wave_label = [d.isoformat() if d else v for d, v in zip(wave_dates, wave_raw.fillna(""))]
    key["wave"] = wave_label
    dup = key.duplicated(keep="first") & rid.notna() & rid.ne("")
    if dup.any():
        first = {}
        for line, k in zip(key.index, map(tuple, key.to_numpy())):
            first.setdefault(k, line)
        for line in key.index[dup]:
            k = tuple(key.loc[line])
            problems.append(Problem(file, int(line), "respondent_id",
                                    f"duplicate respondent id in wave {k[1]!r} (first on row {first[k]})", k[0]))
    if problems:
        raise ValidationError(file, problems)

    formats = {p[1] for p in parsed if p[1]}
    if len(formats) > 1:
        main = pd.Series([p[1] for p in parsed if p[1]]).mode().iloc[0]
        for line, (d, fmt), raw in zip(frame.index, parsed, wave_raw):
            if fmt and fmt != main:
                exclusions.append(Problem(file, int(line), "wave", f"date written as {fmt}; normalised to "
                                          f"{d.isoformat()} (the file mostly uses {main})", raw))
    if any(wave_dates) and not all(wave_dates):
        labels = sorted({v for d, v in zip(wave_dates, wave_label) if d is None})
        warnings.warn(f"{file}: column 'wave' mixes dates and labels ({labels[:5]}); waves are ordered by date, "
                      "then labels in order of first appearance", DataQualityWarning, stacklevel=2)

    out = pd.DataFrame(index=frame.index)
    out["wave"] = wave_label
    out["wave_date"] = pd.to_datetime(pd.Series([d for d in wave_dates], index=frame.index, dtype="object"))
    out["school"] = (frame["school"].astype("string").str.strip().replace("", pd.NA)
                     if "school" in frame.columns else pd.NA)
    out["year_group"] = ([_normalise_year_group(v) for v in frame["year_group"]]
                         if "year_group" in frame.columns else None)
    for col in ("postcode", "lsoa21_code"):
        if col in frame.columns:
            out[col] = frame[col].astype("string").str.strip().replace("", pd.NA)

    dropped = []
    for q in questions.itertuples(index=False):
        if q.question_id not in frame.columns:
            out[q.question_id] = pd.Series(pd.NA, index=out.index, dtype="object")
            continue
        if q.type == FREE_TEXT:
            dropped.append(q.question_id)  # can name people: never leaves this function
            continue
        answers, bad = _clean_answers(frame[q.question_id], q)
        for line in bad:
            exclusions.append(Problem(file, int(line), q.question_id,
                                      f"answer is not one of the declared options {list(q.options)}; set to missing",
                                      frame.at[line, q.question_id]))
        out[q.question_id] = answers
    out.attrs["free_text_dropped"] = dropped
    return out, exclusions, file
