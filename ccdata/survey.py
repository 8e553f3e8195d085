"""Listening surveys: residents' and pupils' answers, repeated in waves.

Two local files describe a survey (their names are set per place in places.yaml,
``local: {survey_questions: ..., survey_responses: ...}``):

**Questions** (CSV or XLSX), one row per question:

``question_id``      the column name used in the responses file
``question_text``    the wording shown to respondents
``type``             ``single``, ``multiple``, ``likert`` or ``free_text``
``options``          the answers in response order, separated by ``|``
``positive``         the answers that count as positive, separated by ``|``
``benchmark``        optional: a comparison value in percent (e.g. 67 for the share
                     of adults nationally who are happy with their neighbourhood)
``benchmark_source`` optional: where the benchmark comes from

**Responses** (CSV or XLSX as exported by a survey tool; Windows-1252 tolerated),
one row per respondent: ``respondent_id``, ``wave`` (a label such as ``Spring 2024``
or the date the wave opened, in any common format), optionally ``postcode`` (or
``lsoa21_code``), ``school`` and ``year_group``, then one column per question id.
Multiple-choice answers are separated by ``;``.

On load, postcodes are reduced to LSOA 2021 and ward and then **discarded**;
free-text answers are **dropped** (they can name people), respondent ids are used to
find duplicates and then dropped. Aggregates go through :mod:`ccdata.disclosure`
before anything is shown.
"""
from __future__ import annotations

import difflib
import re
import warnings
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import disclosure, stats
from .errors import DataQualityWarning, Problem, ValidationError

SINGLE, MULTIPLE, LIKERT, FREE_TEXT = "single", "multiple", "likert", "free_text"
QUESTION_TYPES = (SINGLE, MULTIPLE, LIKERT, FREE_TEXT)
OPTION_SEP = "|"
ANSWER_SEP = ";"
#: Respondent columns that are not questions.
META_COLUMNS = ("respondent_id", "wave", "postcode", "lsoa21_code", "school", "year_group")
#: Breakdowns :func:`summarise` accepts.
BREAKDOWNS = ("wave", "ward24_code", "lsoa21_code", "school", "year_group")
NOT_KNOWN = "Not known"
QUESTION_COLUMNS = ("question_id", "question_text", "type", "options", "positive")

#: ``geocoder(postcodes) -> DataFrame(lsoa21_code, ward24_code, located)`` on the same index.
Geocoder = Callable[[pd.Series], pd.DataFrame]


# --------------------------------------------------------------------------- reading

def _read_table(path: Path, required: tuple[str, ...]) -> tuple[pd.DataFrame, list[Problem], str]:
    from .io._read import read_csv_lines, read_excel_sheet

    path = Path(path)
    if not path.exists():
        from .errors import MissingDataError
        raise MissingDataError(f"{path} does not exist")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_excel_sheet(path, required=required)
    return read_csv_lines(path, required=required)


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
    frame, _, file = _read_table(Path(path), required=("question_id",))
    from .io._read import duplicate_columns
    from .schemas import require_columns

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


def _check_questions(questions: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(questions, pd.DataFrame):
        raise TypeError(f"questions must be a DataFrame from load_questions, not {type(questions).__name__}")
    missing = [c for c in QUESTION_COLUMNS if c not in questions.columns]
    if missing:
        raise ValueError(f"questions table lacks columns {missing}: read it with ccdata.survey.load_questions")
    return questions


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


def default_geocoder(collection: str) -> Geocoder:
    """Postcode -> LSOA 2021 and ward, through :mod:`ccdata.geocode` (OS Code-Point Open)."""
    def geocode(postcodes: pd.Series) -> pd.DataFrame:
        from . import geocode as gc

        points = gc.postcode_points(postcodes.reset_index(drop=True), collection)
        if len(points) != len(postcodes):
            raise ValueError("postcode_points returned a different number of rows than it was given")
        placed = gc.locate(points, collection)
        located = np.where(points["status"].to_numpy() == "ok", placed["located"].astype("object").to_numpy(),
                           points["status"].astype("object").to_numpy())
        return pd.DataFrame({"lsoa21_code": placed["lsoa21_code"].to_numpy(),
                             "ward24_code": placed["ward24_code"].to_numpy(),
                             "located": located}, index=postcodes.index)
    return geocode


def _lsoa_to_ward(lsoa: pd.Series, geography: pd.DataFrame | None, collection: str) -> pd.Series:
    if geography is None:
        from .build import table
        geography = table("lsoa21_geography", collection)
    lookup = geography.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["ward24_code"]
    return lsoa.map(lookup)


def locate_respondents(frame: pd.DataFrame, file: str, *, collection: str, geocoder: Geocoder | None,
                       geography: pd.DataFrame | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Replace ``postcode`` (or add to ``lsoa21_code``) with ``lsoa21_code, ward24_code, located``.

    The postcode column is removed from the returned frame. Rows that cannot be placed
    are kept (their area is "not known") and listed, without the postcode itself.
    """
    exclusions: list[Problem] = []
    out = frame.copy()
    given = pd.Series(False, index=out.index)  # rows whose area is an LSOA code typed in the file
    if "lsoa21_code" in out.columns:
        # ONS codes are upper case; "e01900001" typed by hand is the same area
        out["lsoa21_code"] = out["lsoa21_code"].astype("string").str.strip().str.upper().replace("", pd.NA)
        given = out["lsoa21_code"].notna()
    if "postcode" in out.columns:
        has = out["postcode"].notna() & out["postcode"].astype("string").str.strip().ne("")
        geo = (geocoder or default_geocoder(collection))(out.loc[has, "postcode"].astype("string").str.strip())
        for col in ("lsoa21_code", "ward24_code", "located"):
            if col not in geo.columns:
                raise ValueError(f"geocoder result lacks column {col!r}")
        from_lsoa = out["lsoa21_code"] if "lsoa21_code" in out.columns else pd.Series(pd.NA, index=out.index)
        out["lsoa21_code"] = from_lsoa.astype("object")
        out["ward24_code"] = pd.Series(pd.NA, index=out.index, dtype="object")
        out["located"] = np.where(has, "", "no postcode")
        out.loc[has, "lsoa21_code"] = geo["lsoa21_code"].to_numpy()
        out.loc[has, "ward24_code"] = geo["ward24_code"].to_numpy()
        out.loc[has, "located"] = geo["located"].astype("object").fillna("").to_numpy()
        given = given & ~has
        out = out.drop(columns="postcode")
    elif "lsoa21_code" in out.columns:
        out["located"] = np.where(out["lsoa21_code"].notna(), "", "no area given")
    else:
        out["lsoa21_code"] = pd.NA
        out["ward24_code"] = pd.NA
        out["located"] = "no postcode or area in file"
        return out, exclusions
    needs_ward = out["lsoa21_code"].notna() & (out.get("ward24_code", pd.Series(pd.NA, index=out.index)).isna())
    if needs_ward.any():
        if "ward24_code" not in out.columns:
            out["ward24_code"] = pd.Series(pd.NA, index=out.index, dtype="object")
        out.loc[needs_ward, "ward24_code"] = _lsoa_to_ward(out.loc[needs_ward, "lsoa21_code"], geography,
                                                          collection).to_numpy()
    ok = out["lsoa21_code"].notna() & out["ward24_code"].notna()
    # a typed code that is not in the lookup may be an LSOA 2011 code or not exist at all:
    # say which, so the adviser can fix the file (the checker knows both vintages)
    from .codes import LSOA21, check_codes

    unplaced = given & ~ok
    wrong = ({p.row: p for p in check_codes(out.loc[unplaced, "lsoa21_code"], LSOA21, file, "lsoa21_code",
                                            collection)} if unplaced.any() else {})
    out["located"] = np.where(ok, "ok", np.where(out["located"].astype(str).isin(["", "ok"]),
                                                "area not in the LSOA/ward lookup", out["located"]))
    for line in out.index[~ok]:
        if int(line) in wrong:
            p = wrong[int(line)]
            out.at[line, "located"] = p.message.split(";")[0]
            out.at[line, "lsoa21_code"] = pd.NA  # not an LSOA 2021: never grouped as one
            exclusions.append(Problem(file, int(line), "lsoa21_code", f"{p.message}; home area counted under "
                                      "'Not known'", p.value))
        elif given.get(line, False):
            exclusions.append(Problem(file, int(line), "lsoa21_code", f"home area not known "
                                      f"({out.at[line, 'located']}); counted under 'Not known'",
                                      out.at[line, "lsoa21_code"]))
        else:
            exclusions.append(Problem(file, int(line), "postcode", f"home area not known "
                                      f"({out.at[line, 'located']}); counted under 'Not known'"))
    return out, exclusions


def load_responses(path: str | Path, questions: pd.DataFrame, *, collection: str = "official",
                   geocoder: Geocoder | None = None, geography: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read survey responses, check them against the questions, and de-identify them.

    Parameters
    ----------
    path : str or Path
        Responses exported from a survey tool (CSV, UTF-8 or Windows-1252; or XLSX).
    questions : DataFrame
        From :func:`load_questions`.
    collection : {"official", "demo"}
        Which postcode and lookup files to geocode with.
    geocoder : callable, optional
        ``geocoder(postcodes) -> DataFrame(lsoa21_code, ward24_code, located)`` on the
        postcodes' index. Default: :func:`default_geocoder` (OS Code-Point Open and the
        LSOA 2021 boundaries, via :mod:`ccdata.geocode`).
    geography : DataFrame, optional
        ``lsoa21_code -> ward24_code`` lookup for files that give LSOAs instead of
        postcodes (default: the processed ``lsoa21_geography`` table).

    Returns
    -------
    DataFrame
        One row per response, indexed by file row: ``wave, wave_date, school,
        year_group, lsoa21_code, ward24_code, located``, then one column per closed
        question (multiple-choice answers joined by ``;`` in option order). No
        respondent id, postcode or free text. ``attrs``: ``personal=True`` (no
        ``disclosure``: the frame cannot be presented), ``file``, ``exclusions``,
        ``free_text_dropped``, ``waves`` (in order).

    Raises
    ------
    ValidationError
        Missing ``respondent_id``/``wave`` columns, columns that are neither known
        respondent fields nor question ids, duplicate respondent ids within a wave,
        missing respondent ids or waves, or two different labels for the same wave date.

    Warns
    -----
    DataQualityWarning
        For answers that are not declared options (set to missing and listed), wave
        dates written in mixed formats (normalised and listed), respondents whose home
        area is not known, questions with no column, and Windows-1252 files.
    """
    questions = _check_questions(questions)
    frame, exclusions, file = _read_table(Path(path), required=("respondent_id",))
    from .io._read import duplicate_columns

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
    out, located_excl = locate_respondents(out, file, collection=collection, geocoder=geocoder,
                                           geography=geography)
    exclusions.extend(located_excl)

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
    order = _wave_order(out)
    out.attrs.update({"personal": True, "file": file, "exclusions": [asdict(p) for p in exclusions],
                      "free_text_dropped": dropped, "waves": order})
    if exclusions:
        warn_summary(exclusions, file)
    return out


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
    summary = "; ".join(f"{n} x {k}" for k, n in kinds.items())
    warnings.warn(f"{file}: {len(exclusions)} cell(s)/row(s) excluded or adjusted ({summary}); rows are listed "
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


def _wave_order(responses: pd.DataFrame) -> list[str]:
    first = responses.groupby("wave", sort=False)["wave_date"].min()
    seen = list(dict.fromkeys(responses["wave"]))
    return sorted(seen, key=lambda w: (pd.isna(first.get(w)), first.get(w) if not pd.isna(first.get(w)) else 0,
                                       seen.index(w)))


def load_place_survey(place) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Questions and responses configured for a :class:`ccdata.places.Place`.

    Raises
    ------
    MissingDataError
        When the place names no survey files, or they do not exist.
    """
    from .errors import MissingDataError

    qpath, rpath = place.local_path("survey_questions"), place.local_path("survey_responses")
    if qpath is None or rpath is None:
        raise MissingDataError(f"place {place.id!r} names no survey_questions/survey_responses under local: "
                               "in places.yaml")
    questions = load_questions(qpath)
    responses = load_responses(rpath, questions, collection=place.collection)
    return questions, responses


# --------------------------------------------------------------------------- aggregation

def _closed(questions: pd.DataFrame, question_ids=None) -> pd.DataFrame:
    qs = questions[questions["type"] != FREE_TEXT]
    if question_ids is not None:
        ids = [question_ids] if isinstance(question_ids, str) else list(question_ids)
        unknown = [q for q in ids if q not in set(questions["question_id"])]
        if unknown:
            raise KeyError(f"unknown question id(s) {unknown}")
        free = [q for q in ids if q in set(questions.loc[questions["type"] == FREE_TEXT, "question_id"])]
        if free:
            raise ValueError(f"free-text question(s) {free} are never aggregated or exported")
        qs = qs[qs["question_id"].isin(ids)]
    return qs


def _positive(answers: pd.Series, positive: tuple) -> pd.Series:
    pos = set(positive)
    return answers.map(lambda a: pd.NA if pd.isna(a) else any(p in pos for p in str(a).split(ANSWER_SEP)))


def _by(by) -> list[str]:
    if by is None:
        return []
    by = [by] if isinstance(by, str) else list(by)
    bad = [b for b in by if b not in BREAKDOWNS]
    if bad:
        raise ValueError(f"cannot break down by {bad}; choose from {BREAKDOWNS}")
    return by


def summarise(responses: pd.DataFrame, questions: pd.DataFrame, by=None, *, rules: disclosure.Rules | None = None,
              question_ids=None) -> pd.DataFrame:
    """Share of positive answers per question, with Wilson 95% intervals, after disclosure control.

    Parameters
    ----------
    responses : DataFrame
        From :func:`load_responses`.
    questions : DataFrame
        From :func:`load_questions`. Questions without positive answers are skipped.
    by : str or list of str, optional
        Breakdown(s) among :data:`BREAKDOWNS`; ``None`` for the whole place. Respondents
        whose group is not known are counted under ``"Not known"``.
    rules : disclosure.Rules, optional
    question_ids : str or list of str, optional
        Restrict to these questions.

    Returns
    -------
    DataFrame
        ``question_id, question_text, <by...>, n, positive, pct_positive, ci_lower,
        ci_upper, benchmark, compared, suppressed, suppression``; percentages 0-100;
        ``compared`` is ``better``/``similar``/``worse`` against the benchmark (the
        benchmark outside / inside the interval). Small cells hidden; groups of a
        breakdown protected against subtraction from the total. Marked personal with
        its disclosure note.
    """
    _check_responses(responses)
    questions = _check_questions(questions)
    keys = _by(by)
    frame = responses.copy()
    for k in keys:
        frame[k] = frame[k].astype("object").where(frame[k].notna(), NOT_KNOWN)
    rows = []
    for q in _closed(questions, question_ids).itertuples(index=False):
        if not q.positive:
            continue
        pos = _positive(frame[q.question_id], q.positive)
        answered = pos.notna()
        data = pd.DataFrame({k: frame.loc[answered, k] for k in keys})
        data["positive"] = pos[answered].astype(bool).astype(int)
        if keys:
            grouped = data.groupby(keys, sort=True, dropna=False)["positive"].agg(["size", "sum"]).reset_index()
        else:
            grouped = pd.DataFrame({"size": [len(data)], "sum": [int(data["positive"].sum())]})
        for rec in grouped.to_dict("records"):
            row = {"question_id": q.question_id, "question_text": q.question_text}
            row.update({k: rec[k] for k in keys})
            row.update({"n": int(rec["size"]), "positive": int(rec["sum"]), "benchmark": q.benchmark})
            rows.append(row)
    cols = ["question_id", "question_text", *keys, "n", "positive", "benchmark"]
    table = pd.DataFrame(rows, columns=cols)
    table["n"] = table["n"].astype("Int64")
    table["positive"] = table["positive"].astype("Int64")
    num, den = table["positive"].astype(float).to_numpy(), table["n"].astype(float).to_numpy()
    lo, hi = stats.wilson_ci(num, den) if len(table) else (np.array([]), np.array([]))
    with np.errstate(invalid="ignore", divide="ignore"):
        table["pct_positive"] = 100 * num / den
    table["ci_lower"] = 100 * np.asarray(lo, dtype=float)
    table["ci_upper"] = 100 * np.asarray(hi, dtype=float)
    table = table[["question_id", "question_text", *keys, "n", "positive", "pct_positive", "ci_lower",
                   "ci_upper", "benchmark"]].copy()
    table["compared"] = [stats.compare(p, a, b, m, stats.HIGHER_IS_BETTER)
                         for p, a, b, m in zip(table["pct_positive"], table["ci_lower"], table["ci_upper"],
                                               table["benchmark"])]
    within = [["question_id", *[x for x in keys if x != k]] for k in keys] or None
    safe = disclosure.apply(table, rules, count="positive", denominator="n", within=within,
                            derived=["pct_positive", "ci_lower", "ci_upper"])
    safe.loc[safe["suppressed"], "compared"] = stats.NOT_COMPARED
    return safe


def wave_change(responses: pd.DataFrame, questions: pd.DataFrame, *, first: str | None = None,
                second: str | None = None, rules: disclosure.Rules | None = None,
                question_ids=None) -> pd.DataFrame:
    """Change in the share of positive answers between two waves, with a test.

    Parameters
    ----------
    responses, questions : DataFrame
    first, second : str, optional
        Wave labels (default: the last two waves in date order).
    rules : disclosure.Rules, optional
    question_ids : optional

    Returns
    -------
    DataFrame
        ``question_id, question_text, wave_1, wave_2, n_1, pct_1, n_2, pct_2,
        change_pts, change_lower, change_upper, p_value, significant, suppressed,
        suppression``. ``change_*`` in percentage points (wave 2 minus wave 1) with the
        Newcombe-Wilson 95% interval; ``p_value`` from a two-sample test of proportions.
        Hidden when either wave's figure is hidden.
    """
    _check_responses(responses)
    questions = _check_questions(questions)
    rules = disclosure._check_rules(rules)
    waves = responses.attrs.get("waves") or _wave_order(responses)
    if first is None and second is None:
        if len(waves) < 2:
            raise ValueError(f"need two waves to compare; the responses have {waves}")
        first, second = waves[-2], waves[-1]
    for w in (first, second):
        if w not in set(responses["wave"]):
            raise ValueError(f"wave {w!r} not in the responses (waves: {waves})")
    rows = []
    for q in _closed(questions, question_ids).itertuples(index=False):
        if not q.positive:
            continue
        pos = _positive(responses[q.question_id], q.positive)
        counts = []
        for w in (first, second):
            sel = pos[(responses["wave"] == w) & pos.notna()].astype(bool)
            counts.append((int(sel.sum()), int(sel.size)))
        (c1, n1), (c2, n2) = counts
        hide = bool(disclosure.is_small([c1, c2], [n1, n2], rules).any())
        row = {"question_id": q.question_id, "question_text": q.question_text, "wave_1": first, "wave_2": second,
               "n_1": n1, "pct_1": np.nan, "n_2": n2, "pct_2": np.nan, "change_pts": np.nan,
               "change_lower": np.nan, "change_upper": np.nan, "p_value": np.nan, "significant": pd.NA,
               "suppressed": hide, "suppression": ""}
        if hide:
            row.update(n_1=pd.NA, n_2=pd.NA, suppression="fewer respondents or answers than the rules allow "
                                                          "in one of the waves")
        else:
            test = stats.difference_test(c1, n1, c2, n2)
            row.update(pct_1=100 * test["p1"], pct_2=100 * test["p2"], change_pts=100 * test["difference"],
                       change_lower=100 * test["lower"], change_upper=100 * test["upper"],
                       p_value=test["p_value"], significant=test["significant"],
                       n_1=int(disclosure.round_counts([n1], rules.round_to)[0]),
                       n_2=int(disclosure.round_counts([n2], rules.round_to)[0]))
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("n_1", "n_2"):
        if col in out:
            out[col] = out[col].astype("Int64")
    return disclosure.mark(out, rules)


def answer_counts(responses: pd.DataFrame, questions: pd.DataFrame, question_id: str, by: str | None = None, *,
                  rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """How many chose each answer (row percentages), protected as a crosstab.

    For ``single`` and ``likert`` questions, a table of groups (``by``; one "All" row when
    ``None``) x options in response order, with a total column, through
    :func:`ccdata.disclosure.protect_crosstab` (``percent="row"``). For ``multiple``
    questions the options do not add up (people tick several), so each option is a
    separate figure of "respondents who ticked it", protected with
    :func:`ccdata.disclosure.apply`; the same shape is returned.
    """
    _check_responses(responses)
    q = _closed(_check_questions(questions), question_id).iloc[0]
    key = _by(by)
    frame = responses
    group = (frame[key[0]].astype("object").where(frame[key[0]].notna(), NOT_KNOWN) if key
             else pd.Series("All", index=frame.index))
    answers = frame[q["question_id"]]
    ok = answers.notna()
    rules = disclosure._check_rules(rules)
    if q["type"] != MULTIPLE:
        counts = pd.crosstab(group[ok], answers[ok]).reindex(columns=list(q["options"]), fill_value=0)
        counts.index.name = key[0] if key else None
        counts.columns.name = None
        return disclosure.protect_crosstab(counts, rules, percent="row", total_label="Respondents")
    rows = []
    for g in sorted(group[ok].unique()):
        sel = answers[ok & (group == g)]
        for opt in q["options"]:
            ticked = int(sel.map(lambda a: opt in str(a).split(ANSWER_SEP)).sum())
            rows.append({"group": g, "option": opt, "count": ticked, "n": int(sel.size),
                         "pct": 100 * ticked / sel.size})
    safe = disclosure.apply(pd.DataFrame(rows), rules, count="count", denominator="n", derived=["pct"])
    wide = safe.pivot(index="group", columns="option", values="pct").reindex(columns=list(q["options"]))
    wide["Respondents"] = safe.groupby("group")["n"].first()
    wide.index.name = key[0] if key else None
    wide.columns.name = None
    return disclosure.mark(wide, rules)


def headlines(summary: pd.DataFrame, limit: int | None = None) -> list[str]:
    """Plain sentences for the place-level figures of :func:`summarise` (``by=None``).

    Hidden figures give a sentence saying so rather than a number.
    """
    if not isinstance(summary, pd.DataFrame) or "pct_positive" not in summary:
        raise TypeError("summary must be a table from ccdata.survey.summarise")
    if "disclosure" not in summary.attrs:
        raise ValueError("summary has not been through disclosure control")
    out = []
    for r in summary.head(limit).itertuples(index=False) if limit else summary.itertuples(index=False):
        if r.suppressed or pd.isna(r.pct_positive):
            out.append(f"{r.question_text}: too few answers to report.")
            continue
        text = (f"{r.question_text}: {r.pct_positive:.0f}% gave a positive answer "
                f"(95% confidence interval {r.ci_lower:.0f}% to {r.ci_upper:.0f}%; about {int(r.n)} people answered)")
        if not pd.isna(r.benchmark):
            text += f", {r.compared} compared with the benchmark of {r.benchmark:.0f}%"
        out.append(text + ".")
    return out


def exclusions(responses: pd.DataFrame) -> pd.DataFrame:
    """Counts of what was excluded or normalised on load, by column and reason (no values).

    Values are left out on purpose: an answer typed into the wrong column could be
    personal. The full list, with values, is in ``responses.attrs["exclusions"]`` for
    the adviser.
    """
    table = pd.DataFrame(responses.attrs.get("exclusions", []), columns=["file", "row", "column", "message", "value"])
    if table.empty:
        return pd.DataFrame(columns=["column", "reason", "rows"])
    table["reason"] = table["message"].str.replace(r"\(.*?\)", "", regex=True).str.split(";").str[0].str.strip()
    return (table.groupby(["column", "reason"], dropna=False).size().rename("rows").reset_index())


def _check_responses(responses) -> None:
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(f"responses must be a DataFrame from load_responses, not {type(responses).__name__}")
    missing = [c for c in ("wave", "ward24_code", "lsoa21_code") if c not in responses.columns]
    if missing:
        raise ValueError(f"responses lack columns {missing}: read them with ccdata.survey.load_responses")


# --------------------------------------------------------------------------- charts

def plot_positive(summary: pd.DataFrame, question_id: str, group: str | None = None):
    """Bar chart of % positive with 95% intervals (and the benchmark) for one question.

    Takes the output of :func:`summarise`; hidden figures are labelled "c". Returns a
    matplotlib Figure.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg", force=False)
    if "disclosure" not in summary.attrs:
        raise ValueError("summary has not been through disclosure control")
    rows = summary[summary["question_id"] == question_id]
    if rows.empty:
        raise KeyError(f"question {question_id!r} not in the summary")
    labels = rows[group].astype(str).tolist() if group else ["All respondents"]
    pct = rows["pct_positive"].astype(float).to_numpy()
    lo = rows["ci_lower"].astype(float).to_numpy()
    hi = rows["ci_upper"].astype(float).to_numpy()
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(rows)))
    y = np.arange(len(rows))
    ax.barh(y, np.nan_to_num(pct), color="#4472a8")
    err = np.vstack([pct - lo, hi - pct])
    ax.errorbar(pct, y, xerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3)
    for yi, v in zip(y, pct):
        if np.isnan(v):
            ax.text(1, yi, disclosure.SUPPRESSED_MARK + " (too few answers)", va="center")
    bench = rows["benchmark"].astype(float).dropna()
    if len(bench):
        ax.axvline(bench.iloc[0], color="#c0504d", linestyle="--", label=f"Benchmark {bench.iloc[0]:.0f}%")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% positive (bars: 95% confidence interval)")
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_ward_map(wards, summary: pd.DataFrame, question_id: str, *, code_col: str = "ward24_code",
                  name_col: str | None = None):
    """Choropleth of % positive by ward (wards with hidden figures hatched grey).

    ``wards`` is a GeoDataFrame with ``code_col`` (and optionally ``name_col``) and
    geometry. Returns a matplotlib Figure.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg", force=False)
    if "disclosure" not in summary.attrs:
        raise ValueError("summary has not been through disclosure control")
    if code_col not in wards.columns:
        raise KeyError(f"wards has no column {code_col!r}")
    rows = summary[summary["question_id"] == question_id]
    if rows.empty or "ward24_code" not in rows:
        raise KeyError(f"no by-ward figures for question {question_id!r}")
    values = rows.set_index("ward24_code")["pct_positive"].astype(float)
    gdf = wards.copy()
    gdf["pct_positive"] = gdf[code_col].map(values)
    fig, ax = plt.subplots(figsize=(6, 6))
    gdf.plot(ax=ax, column="pct_positive", cmap="Blues", legend=True, vmin=0, vmax=100, edgecolor="black",
             missing_kwds={"color": "lightgrey", "hatch": "///", "label": "too few answers"},
             legend_kwds={"label": "% positive"})
    if name_col and name_col in gdf:
        for _, r in gdf.iterrows():
            p = r.geometry.representative_point()
            ax.annotate(str(r[name_col]), (p.x, p.y), ha="center", fontsize=8)
    ax.set_axis_off()
    fig.tight_layout()
    plt.close(fig)
    return fig
