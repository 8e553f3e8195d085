"""Key findings: a few plain-English sentences from a place's figures, and what stands out.

The sentences come from templates here, filled from the indicator table
(:func:`ccdata.analysis.indicators.compute`) and the deprivation summary
(:func:`ccdata.analysis.deprivation.summary`):

- an indicator is said to be "higher" or "lower than England" only when England's
  value lies outside the place's 95% Wilson interval (as Fingertips treats
  Census-based shares); an indicator with no clear difference gets no sentence;
- deprivation deciles and ranks are not samples, so they are compared in plain words
  with no claim of significance;
- nothing is said when a figure is missing.

"What stands out" ranks the indicators with a declared polarity by the standardised
gap from England (difference divided by its standard error, signed so that positive
is worse), at most five, as candidates for a partnership's focal issue.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ccdata.analysis import deprivation, indicators, stats
from ccdata.errors import MissingDataError

#: Columns of the indicator table the findings read.
INDICATOR_COLUMNS = ("indicator", "title", "area", "area_name", "denominator", "value", "lower",
                     "upper", "polarity", "status")
#: Columns of the deprivation summary the findings read.
DEPRIVATION_COLUMNS = ("edition", "area", "area_name", "lsoas", "pct_lsoas_most_deprived_10")
MAX_SENTENCES = 6
MAX_STANDS_OUT = 5
STANDS_OUT_LIMITS = ("This ranking shows where the place differs most from England for its size; "
                     "it cannot say which issue matters most locally, and it covers only the "
                     "indicators listed here.")


@dataclass
class Findings:
    """Sentences for the top of a page, and the "what stands out" table."""

    sentences: list[str] = field(default_factory=list)
    stands_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    limits: str = STANDS_OUT_LIMITS


def _pct(x: float) -> str:
    return f"{x:.1f}%"


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and not pd.isna(x)


def _check(frame: pd.DataFrame, columns, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, not {type(frame).__name__}")
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ValueError(f"{what} lacks column(s) {', '.join(absent)}")
    return frame


def _by_area(frame: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """indicator id -> area -> row, only rows with a value."""
    out: dict[str, dict[str, dict]] = {}
    for rec in frame.to_dict("records"):
        if rec["status"] == "ok" and _ok(rec["value"]):
            out.setdefault(rec["indicator"], {})[rec["area"]] = rec
    return out


def indicator_sentence(place: dict, la: dict | None, england: dict) -> str | None:
    """One sentence comparing a place's share with England's, or ``None`` if not clear.

    Each argument is a row of the indicator table (``title``, ``area_name``, ``value``,
    ``lower``, ``upper`` in percent). The local authority's value is quoted when known.
    """
    if not all(_ok(place.get(k)) for k in ("value", "lower", "upper")) or not _ok(england.get("value")):
        return None
    e = float(england["value"])
    if place["lower"] <= e <= place["upper"]:
        return None  # no clear difference: nothing is claimed
    word = "higher" if place["lower"] > e else "lower"
    la_part = (f", {la['area_name']} {_pct(la['value'])}" if la is not None and _ok(la.get("value")) else "")
    return (f"{place['title']}: {_pct(place['value'])} in {place['area_name']}, {word} than England "
            f"({_pct(e)}{la_part}).")


def deprivation_sentence(summary: pd.DataFrame) -> str | None:
    """The share of the place's neighbourhoods among the most deprived 10% in England.

    Uses the latest edition in ``summary`` (rows for ``place`` and ``la``). Deciles are
    not samples: the comparison with the local authority is in plain words only.
    """
    _check(summary, DEPRIVATION_COLUMNS, "the deprivation summary")
    if summary.empty:
        return None
    latest = summary[summary["edition"] == summary["edition"].iloc[-1]]
    rows = {r["area"]: r for r in latest.to_dict("records")}
    place = rows.get("place")
    if place is None or not _ok(place["pct_lsoas_most_deprived_10"]) or not place["lsoas"]:
        return None
    share = float(place["pct_lsoas_most_deprived_10"])
    text = (f"{share:.0f}% of {place['area_name']}'s {int(place['lsoas']):,} neighbourhoods are among the "
            f"most deprived 10% in England ({place['edition']}")
    la = rows.get("la")
    if la is not None and _ok(la["pct_lsoas_most_deprived_10"]):
        la_share = float(la["pct_lsoas_most_deprived_10"])
        if round(share) == round(la_share):
            how = "the same share as"
        else:
            how = "a larger share than" if share > la_share else "a smaller share than"
        text += f"; {how} {la['area_name']}, {la_share:.0f}%"
    return text + ")."


def stands_out(frame: pd.DataFrame, limit: int = MAX_STANDS_OUT) -> pd.DataFrame:
    """Indicators with a declared polarity where the place is worse than England, ranked.

    The gap is ``(p - e) / se`` with ``se = sqrt(p(1-p)/n + e(1-e)/N)`` (proportions,
    ``n``/``N`` the denominators), signed so that positive means worse than England.
    Only positive gaps are kept, largest first, at most ``limit``.

    Returns
    -------
    DataFrame
        ``indicator, Indicator, Place %, England %, Gap (standard errors)``.
    """
    _check(frame, INDICATOR_COLUMNS, "the indicator table")
    cols = ["indicator", "Indicator", "Place %", "England %", "Gap (standard errors)"]
    rows = []
    for ind, areas in _by_area(frame).items():
        p, e = areas.get("place"), areas.get("england")
        if p is None or e is None or p["polarity"] not in (stats.HIGHER_IS_BETTER, stats.LOWER_IS_BETTER):
            continue
        if not (_ok(p["denominator"]) and _ok(e["denominator"])) or p["denominator"] <= 0 or e["denominator"] <= 0:
            continue
        pp, ep = p["value"] / 100, e["value"] / 100
        se = math.sqrt(pp * (1 - pp) / p["denominator"] + ep * (1 - ep) / e["denominator"])
        if se == 0:
            continue
        z = (pp - ep) / se
        if p["polarity"] == stats.HIGHER_IS_BETTER:
            z = -z
        if z > 0:
            rows.append({"indicator": ind, "Indicator": p["title"], "Place %": round(p["value"], 1),
                         "England %": round(e["value"], 1), "Gap (standard errors)": round(z, 1)})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("Gap (standard errors)", ascending=False, kind="stable").head(limit) \
        .reset_index(drop=True)


def findings(indicator_frame: pd.DataFrame | None, deprivation_summary: pd.DataFrame | None = None,
             max_sentences: int = MAX_SENTENCES) -> Findings:
    """Key findings from a place's indicator table and deprivation summary.

    Parameters
    ----------
    indicator_frame : DataFrame or None
        Output of :func:`ccdata.analysis.indicators.compute` (``None``: no indicators).
    deprivation_summary : DataFrame, optional
        Output of :func:`ccdata.analysis.deprivation.summary` for one or more editions.
    max_sentences : int
        At most this many sentences (the deprivation sentence first, then the
        indicators with the largest clear differences from England).
    """
    if not isinstance(max_sentences, int) or max_sentences < 1:
        raise ValueError(f"max_sentences must be a positive whole number, not {max_sentences!r}")
    sentences = []
    if deprivation_summary is not None:
        s = deprivation_sentence(deprivation_summary)
        if s:
            sentences.append(s)
    ranked = pd.DataFrame()
    if indicator_frame is not None:
        _check(indicator_frame, INDICATOR_COLUMNS, "the indicator table")
        scored = []
        for areas in _by_area(indicator_frame).values():
            p, e = areas.get("place"), areas.get("england")
            if p is None or e is None:
                continue
            s = indicator_sentence(p, areas.get("la"), e)
            if s:
                width = max(float(p["upper"]) - float(p["lower"]), 1e-9)
                scored.append((abs(float(p["value"]) - float(e["value"])) / width, s))
        scored.sort(key=lambda t: -t[0])
        sentences += [s for _, s in scored]
        ranked = stands_out(indicator_frame)
    return Findings(sentences[:max_sentences], ranked)


def for_place(place) -> Findings:
    """Key findings for a place: its indicators and its latest deprivation edition.

    Missing data leave their sentences out (never an error); a place with no data
    at all gets no sentences.
    """
    try:
        frame = indicators.compute(place)
    except MissingDataError:
        frame = None
    summaries = []
    for edition in ("iod2019", "iod2025"):  # oldest first: the sentence uses the last
        try:
            summaries.append(deprivation.summary(place, edition))
        except MissingDataError:
            continue
    summary = pd.concat(summaries, ignore_index=True) if summaries else None
    return findings(frame, summary)
