"""Listening surveys: respondents located, answers summarised by wave and area, protected.

The questions and responses files are read by :mod:`ccdata.io.local.survey`.
:func:`load_responses` then reduces postcodes to LSOA 2021 and ward and **discards**
them; free-text answers never leave the reader (they can name people) and respondent
ids are used to find duplicates and then dropped. Every summary goes through
:mod:`ccdata.analysis.disclosure` before anything is shown.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ccdata.analysis import disclosure, labels, stats
from ccdata.errors import MissingDataError, Problem
from ccdata.geo import geocode as gc
from ccdata.geo.build import table
from ccdata.io.codes import LSOA21, check_codes
from ccdata.io.local.survey import (  # noqa: F401
    ANSWER_SEP,
    FREE_TEXT,
    LIKERT,
    META_COLUMNS,
    MULTIPLE,
    OPTION_SEP,
    QUESTION_COLUMNS,
    QUESTION_TYPES,
    SINGLE,
    check_questions,
    load_questions,
    parse_wave,
    read_responses,
    warn_summary,
    wave_order,
)

#: Breakdowns :func:`summarise` accepts.
BREAKDOWNS = ("wave", "ward24_code", "lsoa21_code", "school", "year_group")
NOT_KNOWN = "Not known"

#: ``geocoder(postcodes) -> DataFrame(lsoa21_code, ward24_code, located)`` on the same index.
Geocoder = Callable[[pd.Series], pd.DataFrame]


# --------------------------------------------------------------------------- reading













def default_geocoder(collection: str) -> Geocoder:
    """Postcode -> LSOA 2021 and ward, through :mod:`ccdata.geo.geocode` (OS Code-Point Open)."""
    def geocode(postcodes: pd.Series) -> pd.DataFrame:

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
        LSOA 2021 boundaries, via :mod:`ccdata.geo.geocode`).
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
    questions = check_questions(questions)
    out, exclusions, file = read_responses(path, questions)
    dropped = out.attrs.get("free_text_dropped", [])
    out, located_excl = locate_respondents(out, file, collection=collection, geocoder=geocoder,
                                           geography=geography)
    exclusions = list(exclusions) + located_excl
    meta = ["wave", "wave_date", "school", "year_group", "lsoa21_code", "ward24_code", "located"]
    out = out[meta + [c for c in out.columns if c not in meta]]
    order = wave_order(out)
    out.attrs.update({"personal": True, "file": file, "exclusions": [asdict(p) for p in exclusions],
                      "free_text_dropped": dropped, "waves": order})
    if exclusions:
        warn_summary(exclusions, file)
    return out








def load_place_survey(place) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Questions and responses configured for a :class:`ccdata.geo.places.Place`.

    Raises
    ------
    MissingDataError
        When the place names no survey files, or they do not exist.
    """

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
    questions = check_questions(questions)
    keys = _by(by)
    for k in keys:  # a postcode or respondent id in a label column must never become a heading
        labels.check(responses[k], k)
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
    return disclosure.mark(_from_published(safe), rules)  # sealed with the recomputed figures


def _from_published(safe: pd.DataFrame) -> pd.DataFrame:
    """Percentages, intervals and comparisons recomputed from the published (rounded) counts.

    A figure printed beside a rounded count must not be more exact than the count, or
    the true count can be solved from it ("n 20, 33.3%" leaves 6/18 or 7/21 only).
    """
    shown = ~safe["suppressed"].to_numpy(dtype=bool)
    pct, lo, hi = stats.published_rates(safe, "positive", "n")
    for col, values in (("pct_positive", pct), ("ci_lower", lo), ("ci_upper", hi)):
        safe[col] = pd.array(values, dtype="Float64")
    safe["compared"] = [stats.compare(p, a, b, m, stats.HIGHER_IS_BETTER) if ok else stats.NOT_COMPARED
                        for p, a, b, m, ok in zip(pct, lo, hi, safe["benchmark"], shown)]
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
    questions = check_questions(questions)
    rules = disclosure._check_rules(rules)
    waves = responses.attrs.get("waves") or wave_order(responses)
    # the change is worked out from the by-wave table as published (rounded, protected),
    # so it can never show a wave that table hides, nor be more exact than it
    by_wave = summarise(responses, questions, by="wave", rules=rules, question_ids=question_ids)
    if first is None and second is None:
        # a wave nobody answered (blank answers, a header-only export) never replaces a real one
        answered = [w for w in waves if (by_wave["wave"] == w).any()]
        if len(answered) < 2:
            raise ValueError(f"need two waves with answers to compare; the responses have {waves}"
                             + (f", with answers in {answered}" if answered != list(waves) else ""))
        first, second = answered[-2], answered[-1]
    for w in (first, second):
        if w not in set(responses["wave"]):
            raise ValueError(f"wave {w!r} not in the responses (waves: {waves})")
    rows = []
    for qid, group in by_wave.groupby("question_id", sort=False):
        pick = {w: group[group["wave"] == w] for w in (first, second)}
        row = {"question_id": qid, "question_text": group["question_text"].iloc[0], "wave_1": first,
               "wave_2": second, "n_1": pd.NA, "pct_1": np.nan, "n_2": pd.NA, "pct_2": np.nan,
               "change_pts": np.nan, "change_lower": np.nan, "change_upper": np.nan, "p_value": np.nan,
               "significant": pd.NA, "suppressed": True,
               "suppression": "fewer respondents or answers than the rules allow in one of the waves"}
        if all(len(p) == 1 and not bool(p["suppressed"].iloc[0]) for p in pick.values()):
            (c1, n1), (c2, n2) = [(int(pick[w]["positive"].iloc[0]), int(pick[w]["n"].iloc[0]))
                                  for w in (first, second)]
            test = stats.difference_test(c1, n1, c2, n2)
            row.update(pct_1=100 * test["p1"], pct_2=100 * test["p2"], change_pts=100 * test["difference"],
                       change_lower=100 * test["lower"], change_upper=100 * test["upper"],
                       p_value=test["p_value"], significant=test["significant"], n_1=n1, n_2=n2,
                       suppressed=False, suppression="")
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("n_1", "n_2"):
        if col in out:
            out[col] = out[col].astype("Int64")
    return disclosure.mark(out, rules, sources=[by_wave])


def answer_counts(responses: pd.DataFrame, questions: pd.DataFrame, question_id: str, by: str | None = None, *,
                  rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """How many chose each answer (row percentages), protected as a crosstab.

    For ``single`` and ``likert`` questions, a table of groups (``by``; one "All" row when
    ``None``) x options in response order, with a total column, through
    :func:`ccdata.analysis.disclosure.protect_crosstab` (``percent="row"``). For ``multiple``
    questions the options do not add up (people tick several), so each option is a
    separate figure of "respondents who ticked it", protected with
    :func:`ccdata.analysis.disclosure.apply`; the same shape is returned.
    """
    _check_responses(responses)
    q = _closed(check_questions(questions), question_id).iloc[0]
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
    return disclosure.mark(wide, rules, sources=[safe])


#: How a share reads against its benchmark ("similar to the benchmark of 67%").
BENCHMARK_WORDS = {stats.BETTER: "better than", stats.SIMILAR: "similar to", stats.WORSE: "worse than",
                   stats.HIGHER: "higher than", stats.LOWER: "lower than",
                   stats.NOT_COMPARED: "not compared with"}


def headlines(summary: pd.DataFrame, limit: int | None = None) -> list[str]:
    """Plain sentences for the place-level figures of :func:`summarise` (``by=None``).

    Hidden figures give a sentence saying so rather than a number.
    """
    if not isinstance(summary, pd.DataFrame) or "pct_positive" not in summary:
        raise TypeError("summary must be a table from ccdata.analysis.survey.summarise")
    if "disclosure" not in summary.attrs:
        raise ValueError("summary has not been through disclosure control")
    out = []
    for r in summary.head(limit).itertuples(index=False) if limit else summary.itertuples(index=False):
        # a question that ends in its own punctuation is followed by a space, not "?:"
        ends = str(r.question_text).rstrip()[-1:]
        lead = f"{r.question_text} " if ends and ends in "?.!" else f"{r.question_text}: "
        if r.suppressed or pd.isna(r.pct_positive):
            out.append(f"{lead}Too few answers to report.")
            continue
        text = (f"{lead}{r.pct_positive:.0f}% gave a positive answer "
                f"(95% confidence interval {r.ci_lower:.0f}% to {r.ci_upper:.0f}%; about {int(r.n)} people answered)")
        if not pd.isna(r.benchmark):
            text += f", {BENCHMARK_WORDS.get(r.compared, r.compared)} the benchmark of {r.benchmark:.0f}%"
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
        return disclosure.mark(pd.DataFrame(columns=["column", "reason", "rows"]))
    table["reason"] = table["message"].str.replace(r"\(.*?\)", "", regex=True).str.split(";").str[0].str.strip()
    counts = table.groupby(["column", "reason"], dropna=False).size().rename("rows").reset_index()
    # a handful of excluded answers is itself about a few people: small counts hidden, others rounded
    return disclosure.apply(counts, count="rows", denominator=None).drop(columns=["suppressed", "suppression"])


def _check_responses(responses) -> None:
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(f"responses must be a DataFrame from load_responses, not {type(responses).__name__}")
    missing = [c for c in ("wave", "ward24_code", "lsoa21_code") if c not in responses.columns]
    if missing:
        raise ValueError(f"responses lack columns {missing}: read them with ccdata.analysis.survey.load_responses")


# --------------------------------------------------------------------------- charts



