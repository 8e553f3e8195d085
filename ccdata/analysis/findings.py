"""Key findings: a few plain-English sentences from a place's figures, and what stands out.

The sentences come from templates here, filled from the indicator table
(:func:`ccdata.analysis.indicators.compute`) and the deprivation summary
(:func:`ccdata.analysis.deprivation.summary`), in the order declared in :data:`ORDER`:
children first (child poverty, then income deprivation affecting children, then how
many children and young people live there), then family circumstances, then
deprivation, then adults.

- A comparison with England reads the indicator table's one verdict (``band``:
  England's value outside the place's 95% Wilson interval), never a second test.
  The child-first sentences are said also when the place is "about the same as
  England"; the others only when the difference is clear.
- Deprivation deciles and ranks are not samples: they are compared in plain words
  with no claim of significance. A place of one to three neighbourhoods is described
  neighbourhood by neighbourhood ("its one neighbourhood is in the most deprived
  10%"), never as a share ("0% of 1").
- Nothing is said when a figure is missing, except for child poverty, whose absence
  is said.

Each sentence is a :class:`Sentence`: a plain ``str`` that also keeps its computed
figures (:class:`Figure`, with the figure's id in the page's tables), so a page can
mark them and a check can compare them with the tables.

"What stands out" lists the indicators with a declared direction that are clearly
worse than England by the same verdict, largest gap in percentage points first,
children's indicators first on equal gaps, at most five.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ccdata.analysis import child_poverty, deprivation, indicators, stats
from ccdata.errors import MissingDataError
from ccdata.schemas import check_frame

#: Columns of the indicator table the findings read.
INDICATOR_COLUMNS = ("indicator", "title", "area", "area_name", "numerator", "denominator", "value", "lower",
                     "upper", "band", "polarity", "status")
#: Columns of the deprivation summary the findings read.
DEPRIVATION_COLUMNS = ("edition", "area", "area_name", "lsoas", "pct_lsoas_most_deprived_10")
#: The order of the key findings, first to last: (group, indicator ids it reads).
#: ``idaci`` and ``deprivation`` read the deprivation summary; ``adults`` takes every
#: other indicator not about children, largest clear difference first.
ORDER = (
    ("child_poverty", ("children_low_income",)),
    ("idaci", ()),
    ("children", ("children_0_19",)),
    ("family", ("lone_parent_households", "lone_parent_families")),
    ("deprivation", ()),
    ("adults", ()),
)
#: Groups said also when the place is about the same as England.
ALWAYS_SAID = ("child_poverty", "children")
MAX_SENTENCES = 7
MAX_STANDS_OUT = 8  # every clearly worse indicator, as a rule: 15 are declared, few are worse
STANDS_OUT_LIMITS = ("This list shows only the indicators where the place is clearly worse than England, "
                     "largest gap first. It cannot say which issue matters most locally, and it covers only "
                     "the indicators on this page.")
STANDS_OUT_METHOD = (
    "What stands out: indicators with a declared direction (lower is better, or higher is better) where "
    "the place is 'worse' than England in the indicator table, that is where England's value lies outside "
    "the place's 95% Wilson score interval. They are ordered by the gap in percentage points between the "
    "place's and England's values as shown (rounded to one decimal place); equal gaps put the indicator "
    "counted over children or their families first. Child poverty figures shared out from wards are "
    "treated as counts for the interval. At most {n} are listed.")
#: Verdict words of :mod:`ccdata.analysis.stats` that claim a difference from England.
CLEAR = (stats.BETTER, stats.WORSE, stats.HIGHER, stats.LOWER)
_WORDS = {1: "one", 2: "two", 3: "three"}


@dataclass(frozen=True)
class Figure:
    """One computed figure printed in a sentence.

    ``id`` is ``<figure>/<area>/<measure>`` as in the page's tables (for example
    ``children_low_income/place/value``); ``kind`` is ``count``, ``percent``,
    ``verdict`` or ``difference``; ``text`` is how it is printed.
    """

    id: str
    kind: str
    text: str


class Sentence(str):
    """A finding: plain text that also keeps which of its parts are computed figures."""

    parts: tuple

    def __new__(cls, *parts):
        for p in parts:
            if not isinstance(p, (str, Figure)):
                raise TypeError(f"a sentence is made of text and figures, not {type(p).__name__}")
        obj = super().__new__(cls, "".join(p.text if isinstance(p, Figure) else p for p in parts))
        obj.parts = tuple(parts)
        return obj


@dataclass
class Findings:
    """Sentences for the top of a page, the "what stands out" table, and how it was made."""

    sentences: list[str] = field(default_factory=list)
    stands_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    limits: str = STANDS_OUT_LIMITS
    method: str = STANDS_OUT_METHOD.format(n=MAX_STANDS_OUT)


def _pct(x: float) -> str:
    return f"{x:.1f}%"


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and not pd.isna(x)


def _check(frame: pd.DataFrame, columns, what: str) -> pd.DataFrame:
    return check_frame(frame, what, columns)


def _by_area(frame: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """indicator id -> area -> row, only rows with a value."""
    out: dict[str, dict[str, dict]] = {}
    for rec in frame.to_dict("records"):
        if rec["status"] == "ok" and _ok(rec["value"]):
            out.setdefault(rec["indicator"], {})[rec["area"]] = rec
    return out


def _value(rec: dict, area: str | None = None) -> Figure:
    return Figure(f"{rec['indicator']}/{area or rec['area']}/value", "percent", _pct(float(rec["value"])))


def _england_part(la: dict | None, england: dict) -> list:
    parts: list = ["England (", _value(england)]
    if la is not None and _ok(la.get("value")):
        parts += [f"; {la['area_name']} ", _value(la)]
    return parts + [")"]


def indicator_sentence(place: dict, la: dict | None, england: dict) -> Sentence | None:
    """One sentence comparing a place's share with England's, or ``None`` if not clear.

    Each argument is a row of the indicator table (``title``, ``area_name``, ``value``,
    ``band`` ...). The verdict is the table's ``band``; the local authority's value is
    quoted when known.
    """
    if not _ok(place.get("value")) or not _ok(england.get("value")) or place.get("band") not in CLEAR:
        return None
    word = "higher" if float(place["value"]) > float(england["value"]) else "lower"
    return Sentence(f"{place['title']}: ", _value(place), f" in {place['area_name']}, {word} than ",
                    *_england_part(la, england), ".")


def _compared(place: dict, kind: str) -> str:
    """"higher than" / "about the same as" / "lower than" from the table's verdict."""
    band = place.get("band")
    if band not in CLEAR:
        return "about the same as" if kind == "rate" else "about the same share as"
    higher = band in (stats.HIGHER, stats.WORSE) if place["polarity"] != stats.HIGHER_IS_BETTER \
        else band == stats.BETTER
    if kind == "rate":
        return "higher than" if higher else "lower than"
    return "a larger share than" if higher else "a smaller share than"


def child_poverty_sentence(areas: dict[str, dict] | None, place_name: str, one_ward: str = "") -> Sentence:
    """Children in low income families: the place against England and its authority, always said.

    ``one_ward`` names the ward a place lies inside (its figure is that ward's published
    rate); otherwise a figure shared out from wards is said to be an estimate.
    """
    p = (areas or {}).get("place")
    e = (areas or {}).get("england")
    if p is None or e is None:
        return Sentence(f"There is no figure for children in low income families in {place_name} in this "
                        "edition's data.")
    how = ""
    if p.get("method") == indicators.ESTIMATE:
        how = f" (the published figure of its ward, {one_ward})" if one_ward else " (an estimate from its wards)"
    return Sentence(_value(p), f" of children under 16 in {p['area_name']} live in relative low income "
                    f"families{how}: "
                    f"{_compared(p, 'rate')} ", *_england_part(areas.get("la"), e), ".")


def children_sentence(areas: dict[str, dict] | None) -> Sentence | None:
    """How many children and young people aged 0-19 live in the place, and their share."""
    p = (areas or {}).get("place")
    e = (areas or {}).get("england")
    if p is None or e is None or not _ok(p.get("numerator")):
        return None
    count = Figure(f"{p['indicator']}/place/count", "count", f"{int(p['numerator']):,}")
    return Sentence(count, f" children and young people aged 0-19 live in {p['area_name']} (Census 2021), ",
                    _value(p), f" of its residents: {_compared(p, 'share')} ", *_england_part(areas.get("la"), e),
                    ".")


def _decile_words(decile: int) -> str:
    d = int(decile)
    if d == 1:
        return "in the most deprived 10%"
    if d == 10:
        return "in the least deprived 10%"
    if d <= 5:
        return f"among the {10 * (d - 1)}-{10 * d}% most deprived"
    return f"among the {10 * (10 - d)}-{10 * (11 - d)}% least deprived"


def _few(name: str, deciles: list[int], what: str, fid: str, edition: str) -> Sentence:
    """One to three neighbourhoods described one by one, by decile, in words."""
    n = len(deciles)
    if n == 1:
        return Sentence(f"{name}'s one neighbourhood is ", Figure(fid, "decile", _decile_words(deciles[0])),
                        f" in England for {what} ({edition}).")
    groups: dict[int, int] = {}
    for d in sorted(int(x) for x in deciles):
        groups[d] = groups.get(d, 0) + 1
    said = [f"{_WORDS[c]} {'is' if c == 1 else 'are'} {_decile_words(d)}" for d, c in groups.items()]
    body = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    if len(groups) == 1:
        body = f"{'both' if n == 2 else 'all three'} are {_decile_words(next(iter(groups)))}"
    return Sentence(f"Of {name}'s {_WORDS[n]} neighbourhoods, {body} in England for {what} ({edition}).")


def _latest(summary: pd.DataFrame) -> dict[str, dict]:
    latest = summary[summary["edition"] == summary["edition"].iloc[-1]]
    return {r["area"]: r for r in latest.to_dict("records")}


def _share_sentence(rows: dict[str, dict], column: str, fid: str, what: str, deciles: list[int] | None,
                    label: str) -> Sentence | None:
    place = rows.get("place")
    if place is None or not place.get("lsoas") or not _ok(place.get(column)):
        return None
    n, name = int(place["lsoas"]), place["area_name"]
    edition = f"{label}, {place['edition']}"
    if n <= 3 and deciles is not None and len(deciles) == n and all(_ok(d) for d in deciles):
        return _few(name, list(deciles), what, f"{fid}/place/deciles", edition)
    share = float(place[column])
    pct = Figure(f"{fid}/place/{column}", "percent", f"{share:.0f}%")
    if n <= 3:  # no deciles to hand: said in words from the count, never "0% of 1"
        k = int(round(share * n / 100))
        tail = f" in the most deprived 10% in England for {what} ({edition})."
        if n == 1:
            return Sentence(f"{name}'s one neighbourhood is ", Figure(f"{fid}/place/deciles", "decile",
                            "in" if k else "not in"), tail.replace(" in the", " the", 1))
        lead = "none is" if k == 0 else "both are" if k == n == 2 else "all three are" if k == n else \
            f"{_WORDS[k]} {'is' if k == 1 else 'are'}"
        return Sentence(f"Of {name}'s {_WORDS[n]} neighbourhoods, {lead}{tail}")
    lead: list = [pct, f" of {name}'s "] if share else [f"None of {name}'s "]
    parts: list = [*lead, Figure(f"{fid}/place/lsoas", "count", f"{n:,}"),
                   f" neighbourhoods {'are' if share else 'is'} in the most deprived 10% in England for {what} "
                   f"({edition}"]
    la = rows.get("la")
    if la is not None and _ok(la.get(column)):
        la_share = float(la[column])
        if round(share) == round(la_share):
            how = "the same share as"
        else:
            how = "a larger share than" if share > la_share else "a smaller share than"
        parts += [f"; {how} {la['area_name']}, ", Figure(f"{fid}/la/{column}", "percent", f"{la_share:.0f}%")]
    return Sentence(*parts, ").")


def idaci_sentence(summary: pd.DataFrame, deciles: list[int] | None = None) -> Sentence | None:
    """Income deprivation affecting children (IDACI): the share of the place's neighbourhoods in
    England's most deprived 10%, or for one to three neighbourhoods, each one's decile in words.

    Parameters
    ----------
    summary : DataFrame
        :func:`ccdata.analysis.deprivation.summary` (the last edition is used).
    deciles : list of int, optional
        The IDACI decile of each of the place's neighbourhoods in that edition.
    """
    _check(summary, DEPRIVATION_COLUMNS, "the deprivation summary")
    if summary.empty or "pct_lsoas_idaci_most_deprived_10" not in summary:
        return None
    return _share_sentence(_latest(summary), "pct_lsoas_idaci_most_deprived_10", "idaci",
                           "children in income-deprived families", deciles, label="IDACI")


def deprivation_sentence(summary: pd.DataFrame, deciles: list[int] | None = None) -> Sentence | None:
    """The share of the place's neighbourhoods among the most deprived 10% in England (IMD).

    Uses the latest edition in ``summary`` (rows for ``place`` and ``la``). Deciles are
    not samples: the comparison with the local authority is in plain words only. A
    place of one to three neighbourhoods is described by each one's decile.
    """
    _check(summary, DEPRIVATION_COLUMNS, "the deprivation summary")
    if summary.empty:
        return None
    return _share_sentence(_latest(summary), "pct_lsoas_most_deprived_10", "imd",
                           "overall deprivation", deciles, label="IMD")


def stands_out(frame: pd.DataFrame, limit: int = MAX_STANDS_OUT,
               about_children: set[str] | frozenset[str] | None = None) -> pd.DataFrame:
    """Indicators with a declared direction that are clearly worse than England, ranked.

    "Clearly worse" is the indicator table's own verdict (``band == "worse"``). The gap
    is the difference in percentage points between the place's and England's values as
    shown (one decimal place); the largest gap comes first, and on equal gaps an
    indicator about children (``about_children``) comes before the others.

    Returns
    -------
    DataFrame
        ``indicator, Indicator, About children, Place %, England %, Gap (percentage
        points), Compared with England``, at most ``limit`` rows.
    """
    _check(frame, INDICATOR_COLUMNS, "the indicator table")
    if not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive whole number, not {limit!r}")
    kids = set(about_children) if about_children is not None else \
        {i.id for i in indicators.definitions() if i.about_children}
    cols = ["indicator", "Indicator", "About children", "Place %", "England %", "Gap (percentage points)",
            "Compared with England"]
    rows = []
    for ind, areas in _by_area(frame).items():
        p, e = areas.get("place"), areas.get("england")
        if p is None or e is None or p["polarity"] not in (stats.HIGHER_IS_BETTER, stats.LOWER_IS_BETTER):
            continue
        if p["band"] != stats.WORSE:
            continue
        shown_p, shown_e = round(float(p["value"]), 1), round(float(e["value"]), 1)
        rows.append({"indicator": ind, "Indicator": p["title"], "About children": "Yes" if ind in kids else "No",
                     "Place %": shown_p, "England %": shown_e,
                     "Gap (percentage points)": round(abs(shown_p - shown_e), 1),
                     "Compared with England": p["band"]})
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["_kids"] = out["About children"] != "Yes"  # False sorts first: children's indicators first
    out = out.sort_values(["Gap (percentage points)", "_kids", "Indicator"], ascending=[False, True, True],
                          kind="stable")
    return out.drop(columns="_kids").head(limit).reset_index(drop=True)


def findings(indicator_frame: pd.DataFrame | None, deprivation_summary: pd.DataFrame | None = None,
             max_sentences: int = MAX_SENTENCES, *, place_name: str = "this place",
             imd_deciles: list[int] | None = None, idaci_deciles: list[int] | None = None,
             one_ward: str = "") -> Findings:
    """Key findings from a place's indicator table and deprivation summary, in :data:`ORDER`.

    Parameters
    ----------
    indicator_frame : DataFrame or None
        Output of :func:`ccdata.analysis.indicators.compute` (``None``: no indicators).
    deprivation_summary : DataFrame, optional
        Output of :func:`ccdata.analysis.deprivation.summary` for one or more editions.
    max_sentences : int
        At most this many sentences.
    place_name : str
        Said when the place has no child poverty figure.
    imd_deciles, idaci_deciles : list of int, optional
        The deciles of the place's neighbourhoods in the latest edition (used when
        it has one to three neighbourhoods).
    one_ward : str
        The name of the one ward a place lies inside, if it does.
    """
    if not isinstance(max_sentences, int) or max_sentences < 1:
        raise ValueError(f"max_sentences must be a positive whole number, not {max_sentences!r}")
    if indicator_frame is not None:
        _check(indicator_frame, INDICATOR_COLUMNS, "the indicator table")
    if deprivation_summary is not None:
        _check(deprivation_summary, DEPRIVATION_COLUMNS, "the deprivation summary")
    table = _by_area(indicator_frame) if indicator_frame is not None else {}
    kids = {i.id for i in indicators.definitions() if i.about_children}
    named = {i for _, ids in ORDER for i in ids}
    sentences: list[Sentence] = []
    for group, ids in ORDER:
        if group == "child_poverty":
            if indicator_frame is not None:
                sentences.append(child_poverty_sentence(table.get(ids[0]), place_name, one_ward))
        elif group == "children":
            s = children_sentence(table.get(ids[0]))
            sentences += [s] if s else []
        elif group == "family":
            for ind in ids:  # the first clear difference of the family indicators
                areas = table.get(ind, {})
                s = indicator_sentence(areas["place"], areas.get("la"), areas["england"]) \
                    if "place" in areas and "england" in areas else None
                if s:
                    sentences.append(s)
                    break
        elif group in ("idaci", "deprivation") and deprivation_summary is not None:
            s = (idaci_sentence(deprivation_summary, idaci_deciles) if group == "idaci"
                 else deprivation_sentence(deprivation_summary, imd_deciles))
            sentences += [s] if s else []
        elif group == "adults":
            scored = []
            for ind, areas in table.items():
                p, e = areas.get("place"), areas.get("england")
                if ind in named or ind in kids or p is None or e is None:
                    continue
                s = indicator_sentence(p, areas.get("la"), e)
                if s:
                    width = max(float(p["upper"]) - float(p["lower"]), 1e-9)
                    scored.append((abs(float(p["value"]) - float(e["value"])) / width, s))
            scored.sort(key=lambda t: -t[0])
            sentences += [s for _, s in scored]
    ranked = stands_out(indicator_frame, about_children=kids) if indicator_frame is not None else pd.DataFrame()
    return Findings(sentences[:max_sentences], ranked)


def for_place(place) -> Findings:
    """Key findings for a place: its indicators and its latest deprivation edition.

    Missing data leave their sentences out (never an error), except child poverty,
    whose absence is said; a place with no data at all gets no sentences.
    """
    try:
        frame = indicators.compute(place)
    except MissingDataError:
        frame = None
    summaries, deciles = [], {}
    for edition in ("iod2019", "iod2025"):  # oldest first: the sentences use the last
        try:
            summaries.append(deprivation.summary(place, edition))
            lsoas = place.deprivation(edition, area="place")
        except MissingDataError:
            continue
        deciles = {c: [int(v) for v in lsoas[c]] if c in lsoas and lsoas[c].notna().all() else None
                   for c in ("imd_decile", "idaci_decile")}
    summary = pd.concat(summaries, ignore_index=True) if summaries else None
    one_ward = ""
    try:
        wards = child_poverty.for_place(place)["by_ward"]
        if len(wards) == 1 and not bool(wards["whole"].iloc[0]):
            one_ward = str(wards["ward24_name"].fillna(wards["ward24_code"]).iloc[0])
    except MissingDataError:
        pass
    return findings(frame, summary, place_name=place.name, imd_deciles=deciles.get("imd_decile"),
                    idaci_deciles=deciles.get("idaci_decile"), one_ward=one_ward)
