"""The partnership's outcomes file: the figures schools and the local authority share each year.

One row per outcome, period, area and measure:

``outcome``       an id of the vocabulary (``outcomes.yaml``: title, stage of life,
                  polarity, proportion or mean, period form)
``period``        in the outcome's own form: academic year ``2023/24``, financial year
                  ``FYE 2024`` or calendar year ``2024``
``area_type``     ``place``, ``ward``, ``school``, ``local_authority`` or ``england``
``area``          the ward code (``E05...``), the school's name, the authority's code; may
                  be blank for the place and England
``numerator``, ``denominator``            for a proportion (pupils meeting it, pupils)
``mean``, ``sd``, ``count``               for a mean (mean, standard deviation, pupils)
``source``        where the figure came from (optional)

A cell the supplier suppressed (``c``, ``x``, ``low``, ``*``, ``[x]``, ...) is read as
*suppressed*, never as zero: the row is kept with ``suppressed`` true and no figure.
Every other problem (an unknown outcome, a period in another form, a numerator larger
than its denominator, a repeated row ...) is collected with its file, row and column and
raised together as one :class:`ValidationError`; blank rows and unused columns are listed.

:func:`read_outcomes` reads the file; :func:`load_vocabulary` the declared outcomes.
These are figures from pupil records: they reach a page only through
:mod:`ccdata.analysis.outcomes` (disclosure control as one linked set).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ccdata import config
from ccdata.errors import Problem, ValidationError
from ccdata.io import yamlfile
from ccdata.io.local import match_columns, norm_key, read_table

#: Period forms and how a period of each is written.
ACADEMIC, FINANCIAL, CALENDAR = "academic", "financial", "calendar"
PERIOD_FORMS = (ACADEMIC, FINANCIAL, CALENDAR)
PROPORTION, MEAN = "proportion", "mean"
MEASURES = (PROPORTION, MEAN)
STAGES = ("early_years", "primary", "secondary", "young_people")
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")
PLACE, WARD, SCHOOL, LA, ENGLAND = "place", "ward", "school", "local_authority", "england"
AREA_TYPES = (PLACE, WARD, SCHOOL, LA, ENGLAND)
#: Cells a supplier uses for a figure it does not publish (compared in lower case).
SUPPRESSED = frozenset({"c", "x", "low", "*", "[x]", "[c]", "[low]", ":", "..", "~", "[z]", "z"})
COLUMNS = {
    "outcome": ("measure id", "outcome id", "indicator"),
    "period": ("year", "academic year", "time period"),
    "area_type": ("area type", "level", "geography"),
    "area": ("area code", "area name", "code"),
    "numerator": ("count meeting", "number"),
    "denominator": ("cohort", "pupils", "base"),
    "mean": ("average",),
    "sd": ("standard deviation", "std"),
    "count": ("n",),
    "source": ("source note", "notes"),
}
_FIGURES = ("numerator", "denominator", "mean", "sd", "count")
_AREA_WORDS = {"place": PLACE, "ward": WARD, "school": SCHOOL, "local authority": LA, "la": LA,
               "authority": LA, "england": ENGLAND}
_ACADEMIC = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_FINANCIAL = re.compile(r"^fye\s*(\d{4})$")
_CALENDAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Outcome:
    """One declared outcome of the vocabulary."""

    id: str
    title: str
    stage: str
    measure: str
    period: str
    polarity: str
    unit: str = ""
    note: str = ""


def load_vocabulary(path: str | Path | None = None) -> dict[str, Outcome]:
    """The declared outcomes (``outcomes.yaml`` shipped with ccdata, or ``path``).

    Raises
    ------
    ValidationError
        An entry without a field, or with a stage, measure, period form or polarity
        that is not declared (every problem is named with the entry's position).
    """
    path = Path(path) if path is not None else config.resource("outcomes.yaml")
    data = yamlfile.load(path, what="outcome vocabulary")
    if not isinstance(data, list):
        raise ValidationError(path.name, [Problem(path.name, None, None, "must be a list of outcomes")])
    problems, out = [], {}
    allowed = {"stage": STAGES, "measure": MEASURES, "period": PERIOD_FORMS, "polarity": POLARITIES}
    for i, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem(path.name, None, f"entry {i}", "must be a mapping"))
            continue
        missing = [k for k in ("id", "title", *allowed) if not entry.get(k)]
        if missing:
            problems.append(Problem(path.name, None, f"entry {i}", f"lacks {', '.join(missing)}"))
            continue
        for key, values in allowed.items():
            if entry[key] not in values:
                problems.append(Problem(path.name, None, f"entry {i} {key}",
                                        f"must be one of {', '.join(values)}", entry[key]))
        oid = str(entry["id"])
        if oid in out:
            problems.append(Problem(path.name, None, f"entry {i}", f"repeats the id {oid!r}"))
        out[oid] = Outcome(oid, " ".join(str(entry["title"]).split()), entry["stage"], entry["measure"],
                           entry["period"], entry["polarity"], str(entry.get("unit") or ""),
                           " ".join(str(entry.get("note") or "").split()))
    if problems:
        raise ValidationError(path.name, problems)
    return out


def parse_period(text, form: str) -> tuple[str, int] | None:
    """``(label, end year)`` of a period written in ``form``, or ``None`` if it is not one.

    Academic years are written ``2023/24`` (``2023-24`` and ``2023/2024`` are read too,
    when the second year follows the first); financial years ``FYE 2024``; calendar
    years ``2024``.

    Examples
    --------
    >>> parse_period("2023-2024", "academic"), parse_period("fye2024", "financial")
    (('2023/24', 2024), ('FYE 2024', 2024))
    >>> parse_period("2023/25", "academic") is None
    True
    """
    if form not in PERIOD_FORMS:
        raise ValueError(f"period form must be one of {PERIOD_FORMS}, not {form!r}")
    key = norm_key(text)
    if form == ACADEMIC:
        m = _ACADEMIC.match(key)
        if not m:
            return None
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if len(end) == 2 and end_year < start:  # 1999/00
            end_year += 100
        if end_year != start + 1:
            return None
        return f"{start}/{str(end_year)[2:]}", end_year
    if form == FINANCIAL:
        m = _FINANCIAL.match(key)
        return (f"FYE {m.group(1)}", int(m.group(1))) if m else None
    m = _CALENDAR.match(key)
    return (m.group(1), int(m.group(1))) if m else None


def _number(raw, file, line, column, problems) -> tuple[float | None, bool]:
    """The cell as a number, and whether the supplier suppressed it."""
    text = "" if raw is None or pd.isna(raw) else str(raw).strip()
    if text.lower() in SUPPRESSED:
        return None, True
    if not text:
        return None, False
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        problems.append(Problem(file, line, column, "not a number", raw))
        return None, False
    if math.isnan(value) or math.isinf(value):
        problems.append(Problem(file, line, column, "not a finite number", raw))
        return None, False
    if value < 0:
        problems.append(Problem(file, line, column, "must be 0 or more", raw))
        return None, False
    return value, False


def _check_row(values: dict, outcome: Outcome, file: str, line: int, problems: list) -> None:
    """Whole-number counts, numerator within denominator, and the figures the measure needs."""
    if outcome.measure == PROPORTION:
        needed, other = ("numerator", "denominator"), ("mean", "sd", "count")
    else:
        needed, other = ("mean", "sd", "count"), ("numerator", "denominator")
    for col in other:
        if values.get(col) is not None:
            problems.append(Problem(file, line, col, f"{outcome.id} is a {outcome.measure}; "
                                    f"give {', '.join(needed)} only", values[col]))
    for col in needed:
        if values.get(col) is None and not values.get(f"{col}_suppressed"):
            problems.append(Problem(file, line, col, f"missing; {outcome.id} needs {', '.join(needed)} "
                                    "(write c or x for a figure the supplier suppressed)"))
    for col in ("numerator", "denominator", "count"):
        v = values.get(col)
        if v is not None and v % 1:
            problems.append(Problem(file, line, col, "expected a whole number of pupils", v))
    num, den = values.get("numerator"), values.get("denominator")
    if num is not None and den is not None and num > den:
        problems.append(Problem(file, line, "numerator", f"larger than the denominator ({den:g})", num))
    if den is not None and den == 0 and outcome.measure == PROPORTION:
        problems.append(Problem(file, line, "denominator", "must be more than 0", den))


def read_outcomes(path: str | Path, vocabulary: dict[str, Outcome] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check the partnership's outcomes file.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX file.
    vocabulary : dict, optional
        From :func:`load_vocabulary` (default: the shipped ``outcomes.yaml``).

    Returns
    -------
    frame, exclusions
        ``frame``: one row per outcome, period and area: ``outcome, title, stage,
        measure, polarity, period, period_end, area_type, area, numerator,
        denominator, mean, sd, count, suppressed, source, row``; ``suppressed`` is
        true when the supplier withheld a figure of the row (its figures are then
        missing, never zero). ``exclusions``: blank rows and unused columns.

    Raises
    ------
    MissingDataError
        The file does not exist.
    ValidationError
        Missing columns, unknown outcomes or area types, periods not in the outcome's
        form, cells that are not numbers, counts that are not whole, a numerator
        above its denominator, a figure of the wrong measure, repeated rows; every
        problem is listed with file, row and column.
    """
    vocab = load_vocabulary() if vocabulary is None else vocabulary
    if not isinstance(vocab, dict) or not all(isinstance(v, Outcome) for v in vocab.values()):
        raise TypeError("vocabulary must be a dict of id -> Outcome from load_vocabulary()")
    frame, exclusions, file = read_table(path, what="outcomes", required=("outcome", "period"),
                                         columns=COLUMNS)
    frame = _outcome_columns(frame, file, exclusions)
    problems: list[Problem] = []
    rows, seen = [], {}
    for line, rec in frame.iterrows():
        line = int(line)
        cells = {c: rec.get(c) for c in COLUMNS if c in frame.columns}
        text = {c: ("" if v is None or pd.isna(v) else str(v).strip()) for c, v in cells.items()}
        if not any(text.values()):
            exclusions.append(Problem(file, line, None, "blank row (ignored)"))
            continue
        found = _row_identity(cells, text, vocab, file, line, problems)
        if found is None:
            continue
        outcome, period, area_type, area = found
        values, suppressed, before = {}, False, len(problems)
        for col in _FIGURES:
            v, s = _number(cells.get(col), file, line, col, problems)
            values[col], values[f"{col}_suppressed"] = v, s
            suppressed = suppressed or s
        if len(problems) > before:
            continue
        _check_row(values, outcome, file, line, problems)
        if values.get("sd") is not None and values.get("count") is not None and values["count"] < 2:
            problems.append(Problem(file, line, "count", "a mean needs a count of at least 2", values["count"]))
        key = (outcome.id, period[0], area_type, area)
        if key in seen:
            problems.append(Problem(file, line, "outcome", f"repeats the row on line {seen[key]} "
                                    f"({outcome.id}, {period[0]}, {area_type} {area})"))
            continue
        seen[key] = line
        if suppressed:
            # a suppressed row carries no figure at all: the others would let the hidden one be worked out
            for col in _FIGURES:
                values[col] = None
        rows.append({"outcome": outcome.id, "title": outcome.title, "stage": outcome.stage,
                     "measure": outcome.measure, "polarity": outcome.polarity, "period": period[0],
                     "period_end": period[1], "area_type": area_type, "area": area,
                     **{c: values[c] for c in _FIGURES}, "suppressed": suppressed,
                     "source": text.get("source", ""), "row": line})
    if problems:
        raise ValidationError(file, problems)
    out = _outcome_frame(rows)
    forms = out.groupby("outcome")["period"].nunique()
    out.attrs["file"] = file
    out.attrs["periods"] = forms.to_dict()
    return out, exclusions


def _outcome_columns(frame: pd.DataFrame, file: str, exclusions: list[Problem]) -> pd.DataFrame:
    """``frame`` with its headers as field names; a missing required column raises, an unused one is listed."""
    matched = match_columns(list(frame.columns), COLUMNS, file=file)
    frame = frame.rename(columns={header: field for field, header in matched.items()})
    problems: list[Problem] = []
    for col in ("outcome", "period", "area_type"):
        if col not in frame.columns:
            problems.append(Problem(file, None, col, "required column is missing"))
    for col in frame.columns:
        if col not in COLUMNS:
            exclusions.append(Problem(file, None, str(col), "column not used (ignored)"))
    if problems:
        raise ValidationError(file, problems)
    return frame


def _row_identity(cells: dict, text: dict, vocab: dict, file: str, line: int, problems: list[Problem]):
    """What a row is about: ``(outcome, (period, period_end), area_type, area)``, or None with the
    problem recorded (an undeclared outcome, a period not in its form, an unknown area type, no area)."""
    outcome = vocab.get(text["outcome"]) or vocab.get(text["outcome"].lower())
    if outcome is None:
        problems.append(Problem(file, line, "outcome", "not a declared outcome (see outcomes.yaml: "
                                + ", ".join(vocab) + ")", cells["outcome"]))
        return None
    period = parse_period(text["period"], outcome.period)
    if period is None:
        example = {ACADEMIC: "2023/24", FINANCIAL: "FYE 2024", CALENDAR: "2024"}[outcome.period]
        problems.append(Problem(file, line, "period", f"{outcome.id} is reported by {outcome.period} "
                                f"year: write it like {example}", cells["period"]))
        return None
    area_type = _AREA_WORDS.get(norm_key(text["area_type"]).replace("_", " "))
    if area_type is None:
        problems.append(Problem(file, line, "area_type", f"must be one of {', '.join(AREA_TYPES)}",
                                cells["area_type"]))
        return None
    area = text.get("area", "")
    if area_type in (WARD, SCHOOL, LA) and not area:
        problems.append(Problem(file, line, "area", f"a {area_type.replace('_', ' ')} row needs its "
                                "code or name"))
        return None
    if area_type in (PLACE, ENGLAND):
        area = area_type
    return outcome, period, area_type, area


def _outcome_frame(rows: list[dict]) -> pd.DataFrame:
    """The rows read, as the table :func:`read_outcomes` returns (whole counts, missing never zero)."""
    cols = ["outcome", "title", "stage", "measure", "polarity", "period", "period_end", "area_type", "area",
            *_FIGURES, "suppressed", "source", "row"]
    out = pd.DataFrame(rows, columns=cols)
    for col in ("numerator", "denominator", "count"):
        out[col] = pd.array(out[col], dtype="Int64") if len(out) else pd.array([], dtype="Int64")
    for col in ("mean", "sd"):
        out[col] = out[col].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    out["period_end"] = out["period_end"].astype("int64")
    return out
