"""Indicators: declared in ``indicators.yaml``, evaluated for a place, its LA and England.

Each indicator is a proportion: numerator and denominator columns of one dataset,
summed over an area's LSOAs (Census) or wards (DWP), the value recomputed from the
sums (never an average of LSOA percentages), a 95% Wilson interval, and a band
comparing the place and its local authority with England, using the polarity
declared for the indicator.

Output: one tidy row per (indicator, area) with a ``status`` that says plainly when
the data are missing and why, so a view never shows an empty chart.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ccdata import cache, config, sources
from ccdata.analysis import child_poverty, stats
from ccdata.errors import CcdataError, MissingDataError
from ccdata.geo.places import NOT_AVAILABLE, Place

DEFINITIONS_FILE = config.resource("indicators.yaml")
WORKSTREAMS = {
    "early_years": "Early years",
    "health_wellbeing": "Health and wellbeing",
    "transitions": "Transitions (school and into adulthood)",
    "place_context": "Place context",
}
AREAS = ("place", "la", "england")
COLUMNS = ["indicator", "title", "workstream", "area", "area_name", "numerator", "denominator",
           "value", "lower", "upper", "band", "polarity", "source", "status", "note", "method"]
#: Count columns of :func:`compute`: whole numbers (``Int64``), never floats.
COUNT_COLUMNS = ("numerator", "denominator")
#: How an LA or England figure was made, in the words of the indicator table's note.
METHOD_WORDS = {"published": "as published by ONS",
                "published, combined": "the published figures of the former authorities it replaced, added up",
                "sum of LSOAs": "the sum of its neighbourhoods"}
OK = "ok"
#: Prefix of a sums column holding an area's exact percentage for a count column (DWP estimates).
EXACT_PCT = "exact_pct:"
#: ``method`` of a place's row whose counts were shared out from wards (shown as "estimate").
ESTIMATE = child_poverty.ESTIMATE


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    workstream: str
    source: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    polarity: str
    note: str = ""
    #: Counted over children or their families (marked in "What stands out", first on ties).
    about_children: bool = False


def _parse(entry: dict, where: str) -> Indicator:
    required = ("id", "title", "workstream", "source", "numerator", "denominator", "polarity")
    missing = [k for k in required if k not in entry]
    if missing:
        raise CcdataError(f"{where}: indicator lacks {', '.join(missing)}")
    if entry["workstream"] not in WORKSTREAMS:
        raise CcdataError(f"{where}: workstream must be one of {list(WORKSTREAMS)}, not {entry['workstream']!r}")
    if entry["polarity"] not in stats.POLARITIES:
        raise CcdataError(f"{where}: polarity must be one of {stats.POLARITIES}, not {entry['polarity']!r}")

    sources.get(entry["source"])  # unknown dataset ids fail here, with the known list
    about = entry.get("about_children", False)
    if not isinstance(about, bool):
        raise CcdataError(f"{where}: about_children must be true or false, not {about!r}")
    return Indicator(id=str(entry["id"]), title=str(entry["title"]), workstream=entry["workstream"],
                     source=entry["source"], numerator=tuple(entry["numerator"]),
                     denominator=tuple(entry["denominator"]), polarity=entry["polarity"],
                     note=" ".join(str(entry.get("note", "")).split()), about_children=about)


def _load_definitions(path: str) -> tuple[Indicator, ...]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or []
    if not isinstance(raw, list):
        raise CcdataError(f"{path}: expected a list of indicators")
    items = tuple(_parse(e, f"{path} entry {i + 1}") for i, e in enumerate(raw))
    ids = [i.id for i in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CcdataError(f"{path}: duplicate indicator ids {dupes}")
    return items


def definitions(path: Path | str | None = None) -> list[Indicator]:
    """The declared indicators (``indicators.yaml`` beside this module by default)."""
    path = str(path or DEFINITIONS_FILE)  # read once per state of the file
    return list(cache.held("files", ("indicator definitions", path), cache.fingerprint(path),
                           lambda: _load_definitions(path)))


# --------------------------------------------------------------------------- sums per area
def _census_sums(place, dataset: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Census counts per area, why an area is missing (if it is), and notes on how each was made."""
    frame = place.census(dataset, area="all")
    sums = frame.set_index("area")
    sums.attrs = dict(frame.attrs)
    reasons, notes = {}, {}
    for area, rec in sums.iterrows():
        parts = [rec["note"]] if rec.get("note") else []
        if rec["n_missing_cells"] and rec["n_missing_cells"] > 0:
            parts.append(f"{int(rec['n_missing_cells']):,} suppressed or missing cell(s) were left out of the sums.")
        if parts:
            notes[area] = " ".join(parts)
        if rec.get("method") == NOT_AVAILABLE:
            reasons[area] = rec["note"]
    return sums, reasons, notes


def _dwp_population(frame: pd.DataFrame) -> pd.DataFrame:
    # The ward table publishes a count and a percentage; the denominator is implied.
    # Where either is suppressed ([x], [low]) both are set missing, so a row never adds
    # to the numerator without adding to the denominator.
    out = frame.copy()
    # the years are the table's own (one home: child_poverty.years), never a list kept here
    for year in child_poverty.years(out):
        count, pct = f"children_{year}", f"pct_{year}"
        pop = f"population_under16_{year}"
        out[pop] = (out[count] / (out[pct] / 100)).where(out[pct] > 0)
        out[count] = out[count].where(out[pop].notna())
    return out


def _dwp_sums(place) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """DWP sums per area, why an area is missing (if it is), and notes on what was left out."""
    reasons: dict[str, str] = {}
    notes: dict[str, str] = {}
    methods: dict[str, str] = {}
    rows = {}
    la = _dwp_population(place.table("dwp_cilif_la"))
    la_row = la[la["lad24_code"] == place.lad_code]
    if la_row.empty:
        reasons["la"] = f"{place.lad_code} has no row in the DWP local authority table"
    else:
        rows["la"] = la_row.select_dtypes("number").sum(skipna=False)
    england = la[la["lad24_code"].astype(str).str.startswith("E")]
    # England: authorities with suppressed figures are left out of both sides, and counted
    rows["england"] = england.select_dtypes("number").sum(min_count=1)
    gaps = {c: int(england[c].isna().sum()) for c in england.select_dtypes("number").columns
            if england[c].isna().any()}
    if gaps:
        notes["england"] = ("England sums leave out authorities with suppressed figures ("
                            + ", ".join(f"{n} in {c}" for c, n in gaps.items()) + ").")
    # The place's figure has one home, the child poverty section's: whole May 2024 wards summed
    # as published, or else the estimate shared out from its wards, so a figure reads the same
    # in the section's table and in every sentence.
    try:
        figures = child_poverty.for_place(place)
    except MissingDataError as exc:
        reasons["place"] = f"the figure for this place cannot be made: {str(exc).split(';')[0]}"
    else:
        est = figures["place"].set_index("year")
        row = {}
        for year, rec in est.iterrows():
            known = rec["status"] == "ok"
            row[f"children_{year}"] = rec["children"] if known else float("nan")
            row[f"population_under16_{year}"] = rec["population_under16"] if known else float("nan")
            # the estimate's percentage comes from the unrounded shares (or its one ward's
            # published figure), not from the whole-number counts shown beside it
            row[f"{EXACT_PCT}children_{year}"] = rec["pct"] if known else float("nan")
        rows["place"] = pd.Series(row, dtype="float64")
        estimated = (est["method"] == child_poverty.ESTIMATE).any()
        methods["place"] = child_poverty.ESTIMATE if estimated else child_poverty.PUBLISHED
        if estimated:
            notes["place"] = ("The place's figure is an estimate: each ward's published count is shared "
                              f"out to its neighbourhoods by {figures['weighting'] or 'children under 16'}.")
    out = pd.DataFrame(rows)
    for col in ("Numerator", "Denominator"):
        if col in out:
            out[col] = pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    out = out.T
    out["method"] = [methods.get(a, child_poverty.PUBLISHED) for a in out.index]
    return out, reasons, notes


def _area_values(sums: pd.DataFrame) -> dict[str, dict]:
    """Each area's row of ``sums`` as plain values (whole numbers, floats, ``pd.NA``).

    Read once per source: picking two or three cells out of the frame for each
    indicator and area cost more than the indicators themselves.
    """
    return {area: dict(zip(sums.columns, row)) for area, row in zip(sums.index, sums.astype(object).itertuples(
        index=False, name=None))}


def _plain_total(values: list) -> float:
    """Sum of an area's values; missing (NaN) if any of them is missing (NaN or ``pd.NA``).

    Whole numbers are added exactly (as a nullable integer column is summed), others
    as float64 by numpy (as a float column is summed).
    """
    if any(pd.isna(v) for v in values):
        return float("nan")
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return float(sum(int(v) for v in values))
    return float(np.asarray(values, dtype="float64").sum())


def _area_names(place) -> dict[str, str]:
    return {a.id: a.name for a in place.areas()}


def compute(place, indicators: list[Indicator] | None = None) -> pd.DataFrame:
    """Evaluate indicators for the place, its local authority and England.

    Parameters
    ----------
    place : ccdata.geo.places.Place
    indicators : list of Indicator, optional
        Default: every indicator in ``indicators.yaml``.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`; ``value``/``lower``/``upper`` in percent; ``band``
        is ``better``/``similar``/``worse`` (or ``higher``/``lower`` for indicators
        with no judgement) against England; ``status`` is ``ok`` or says why the
        row has no value.
    """

    if not isinstance(place, Place):
        raise TypeError(f"compute expects a ccdata Place, not {type(place).__name__}")
    if indicators is None:  # the key findings and the indicator section both ask: computed once
        return place.remembered("indicators.compute", lambda: _compute(place, definitions()))
    return _compute(place, indicators)


def _compute(place, items: list[Indicator]) -> pd.DataFrame:
    names = _area_names(place)
    cache: dict[str, tuple[pd.DataFrame | None, dict[str, str], dict[str, str]]] = {}
    base_notes: dict[str, str] = {}
    plain: dict[str, dict[str, dict]] = {}
    rows = []
    for ind in items:
        if ind.source not in cache:
            try:
                if ind.source.startswith("census21_"):
                    cache[ind.source] = _census_sums(place, ind.source)
                elif ind.source == "dwp_cilif_ward":
                    cache[ind.source] = _dwp_sums(place)
                else:
                    raise CcdataError(f"no area sums defined for source {ind.source!r}")
            except MissingDataError as exc:
                if ind.source.startswith("census21_"):
                    # partner pages get words; the adviser's fix is in the data-quality notes
                    reason = f"not available here: the {_table_words(ind.source)} table is not in this edition's data"
                else:
                    reason = f"{ind.source} is not available: {str(exc).split(';')[0]}"
                cache[ind.source] = (None, {a: reason for a in AREAS}, {})
        sums, reasons, notes = cache[ind.source]
        if sums is not None and ind.source not in plain:
            plain[ind.source] = _area_values(sums)
        if sums is not None and sums.attrs.get("total_note"):
            base_notes[ind.id] = sums.attrs["total_note"]
        for area in AREAS:
            row = {"indicator": ind.id, "title": ind.title, "workstream": ind.workstream,
                   "area": area, "area_name": names.get(area, area), "polarity": ind.polarity,
                   "source": ind.source, "note": " ".join(filter(None, [ind.note, notes.get(area)])),
                   "numerator": float("nan"),
                   "denominator": float("nan"), "value": float("nan"), "lower": float("nan"),
                   "upper": float("nan"), "band": stats.NOT_COMPARED, "status": OK,
                   "method": ""}
            if sums is not None and area in sums.index and "method" in sums.columns:
                row["method"] = str(plain[ind.source][area]["method"])
            if area in reasons or sums is None or area not in sums.index:
                row["status"] = reasons.get(area, f"no {area} figures in {ind.source}")
                rows.append(row)
                continue
            absent = [c for c in ind.numerator + ind.denominator if c not in sums.columns]
            if absent:
                # e.g. a Nomis table view holding only some categories of the table
                row["status"] = (f"not available here: the {_table_words(ind.source)} figures here do not "
                                 f"include '{_and([c.replace('_', ' ') for c in absent])}'")
                rows.append(row)
                continue
            values = plain[ind.source][area]
            num = _plain_total([values[c] for c in ind.numerator])
            den = _plain_total([values[c] for c in ind.denominator])
            if pd.isna(num) or pd.isna(den):
                row["status"] = (f"figures for this area are suppressed or missing in {ind.source} "
                                 f"({', '.join(ind.numerator + ind.denominator)})")
            elif not den > 0:
                row["status"] = f"denominator is zero or missing in {ind.source}"
            elif num > den:
                row["status"] = f"numerator {num:,.0f} exceeds denominator {den:,.0f}: check the definition"
            else:
                # a shared-out estimate is treated as a count (Wilson interval, verdict) whose
                # percentage was computed before its count and denominator were rounded
                exact = values.get(f"{EXACT_PCT}{ind.numerator[0]}") if len(ind.numerator) == 1 else None
                value = float(exact) if exact is not None and not pd.isna(exact) else 100 * num / den
                lo, hi = stats.wilson_ci(round(num), round(den))
                row.update(numerator=num, denominator=den, value=value,
                           lower=100 * lo[0], upper=100 * hi[0])
            rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in COUNT_COLUMNS:
        # sums of counts are whole numbers; a derived denominator (DWP: count / %) is
        # rounded to the nearest whole child, the value keeps the unrounded ratio
        out[col] = pd.array([None if pd.isna(v) else int(round(v)) for v in out[col]], dtype="Int64")
    out = _bands(out)
    out.attrs["base_notes"] = base_notes  # indicator -> where its total came from, for wide()
    out.attrs.update(place=place.id, collection=place.collection, derived="indicators.compute",
                     sources=sorted({ind.source for ind in items}), definitions=DEFINITIONS_FILE.name)
    return out


def _table_words(dataset_id: str) -> str:
    """``'census21_ts054'`` -> ``'Census 2021 tenure'`` (the registry title, in words)."""
    title = sources.get(dataset_id).title
    if title.startswith("Census 2021 "):
        return "Census 2021 " + title.split(": ", 1)[-1].split(" (")[0]
    return title


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _bands(frame: pd.DataFrame) -> pd.DataFrame:
    england = frame[frame["area"] == "england"].set_index("indicator")["value"]
    bands = []
    for rec in frame.itertuples(index=False):
        if rec.area == "england" or rec.status != OK:
            bands.append(stats.NOT_COMPARED)
            continue
        bands.append(stats.compare(rec.value, rec.lower, rec.upper, england.get(rec.indicator),
                                   rec.polarity))
    frame = frame.copy()
    frame["band"] = bands
    return frame


def wide(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: place value with interval, LA and England values, bands.

    The shape partners read: ``workstream, indicator, numerator, denominator, place %,
    95% CI, LA %, England %, compared with England``.
    """
    if not set(COLUMNS) <= set(frame.columns):
        raise ValueError(f"expected the output of indicators.compute (columns {COLUMNS})")
    rows = []
    for ind, grp in frame.groupby("indicator", sort=False):
        g = grp.set_index("area")
        p = g.loc["place"] if "place" in g.index else None
        def pct(area):
            return g.loc[area, "value"] if area in g.index else float("nan")
        ci = (f"{p['lower']:.1f} to {p['upper']:.1f}" if p is not None and p["status"] == OK else "")
        status = "; ".join(sorted({s for s in g["status"] if s != OK}))
        how = [f"{g.loc[a, 'area_name']}: {METHOD_WORDS[g.loc[a, 'method']]}."
               for a in ("la", "england") if a in g.index and g.loc[a, "status"] == OK
               and g.loc[a, "method"] in METHOD_WORDS]
        base = frame.attrs.get("base_notes", {}).get(ind) if (g["status"] == OK).any() else None
        status = " ".join(filter(None, [status + ("." if status and how else ""), *how, base]))
        rows.append({
            "Workstream": WORKSTREAMS[g["workstream"].iloc[0]],
            "Indicator": g["title"].iloc[0],
            "Numerator": p["numerator"] if p is not None else pd.NA,
            "Denominator": p["denominator"] if p is not None else pd.NA,
            "Place %": pct("place"), "95% CI": ci,
            "LA %": pct("la"), "England %": pct("england"),
            "Place vs England": p["band"] if p is not None else stats.NOT_COMPARED,
            "LA vs England": g.loc["la", "band"] if "la" in g.index else stats.NOT_COMPARED,
            "Data note": status,
        })
    out = pd.DataFrame(rows)
    for col in ("Numerator", "Denominator"):
        if col in out:
            out[col] = pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    return out
