"""Words for partners: column headers, p-values, survey waves, names beside codes, and jargon explained.

Tables from the analysis layer keep short machine names for their columns; every
table shown on a page passes its headers through :func:`column_label`, so a header
reads as a phrase ("Share positive, %"), never as ``pct_positive``.
"""
from __future__ import annotations

import math
import re

#: Known column names and the phrase a partner reads.
COLUMN_LABELS = {
    "area": "Area", "area_name": "Area", "title": "Indicator", "indicator": "Indicator",
    "value": "%", "lower": "95% interval from", "upper": "95% interval to",
    "ci_lower": "95% interval from", "ci_upper": "95% interval to",
    "numerator": "Count", "denominator": "Out of", "band": "Compared with England",
    "question_id": "Question number", "question_text": "Question", "question": "Question",
    "pct_positive": "Share positive, %", "n": "People answering", "n_1": "People answering, first wave",
    "n_2": "People answering, latest wave", "pct_1": "Share positive, first wave %",
    "pct_2": "Share positive, latest wave %", "change_pts": "Change (percentage points)",
    "change_lower": "Change, 95% interval from", "change_upper": "Change, 95% interval to",
    "p_value": "p-value (chance of a change this big if nothing changed)",
    "wave_1": "First wave", "wave_2": "Latest wave",
    "imd_decile": "Deprivation decile (1 = most deprived 10%)",
    "rank_by_rate": "Rank by rate", "rank_by_share": "Rank by share", "share_of_cases": "Share of cases, %",
    "ward24_code": "Ward code", "ward_code": "Ward code", "ward_name": "Ward", "ward24_name": "Ward",
    "lsoa21_code": "Neighbourhood code", "lsoa21_name": "Neighbourhood", "lsoa_name": "Neighbourhood",
    "organisation_a": "Organisation", "organisation_b": "Connected with", "sector_a": "Sector",
    "sector_b": "Sector of the other", "cross_sector": "Across sectors",
    "largest_component_share": "Share in the largest connected group, %",
    "cross_sector_share": "Share of connections across sectors, %",
    "core_tie_share": "Share of connections involving the core team, %",
    "core_path_share": "Share of shortest routes through the core team, %",
    "core_cross_only_share": "Cross-sector pairs connected only through the core team, %",
    "weighted_degree": "Weighted connections", "betweenness": "Bridging role (betweenness)",
    "constraint": "Tied into one group (constraint)", "density": "Density (share of possible connections), %",
    "category_label": "Kind", "name": "Name", "sector": "Sector", "located": "Placed on the map",
    "wave": "Wave", "wave_name": "Wave", "wave_1_name": "First wave", "wave_2_name": "Latest wave",
    "label": "Organisation", "how": "How", "broker": "Broker",
    "organisations": "Organisations", "ties": "Ties", "components": "Separate groups",
    "isolates": "Organisations with no ties", "respondents": "Organisations answering",
    "reciprocity": "Ties confirmed by both ends, %",
    "positive": "Positive answers", "benchmark": "Benchmark, %", "compared": "Compared with the benchmark",
    "significant": "Clear change", "suppressed": "Hidden to protect privacy",
    "suppression": "Why hidden", "measure": "Measure", "pupils": "Pupils", "cases": "Pupils it applies to",
    "rate": "Rate, %", "rows": "Rows", "reason": "Reason", "column": "Column", "file": "File", "row": "Row",
    "school": "School", "year_group": "Year group", "option": "Answer", "ticked": "People who ticked it",
    "pct_ticked": "Share who ticked it, %",
    "change_interval": "Change, 95% interval",
}
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def column_label(name) -> str:
    """The phrase shown as a column header (known names from :data:`COLUMN_LABELS`;
    any other ``snake_case`` name spelled out in words)."""
    text = str(name)
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if _SNAKE.match(text):
        words = text.replace("pct", "%").replace("_", " ")
        return words[0].upper() + words[1:]
    return text


def p_value(p) -> str:
    """A p-value as ``<0.001`` or to two significant figures; empty when missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, not {p}")
    if p < 0.001:
        return "<0.001"
    return f"{p:.2g}" if p < 0.1 else f"{p:.2f}"


# --------------------------------------------------------------------------- survey waves
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ].*)?$")
_YEAR = re.compile(r"^(\d{4})$")
_SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


def season(year: int, month: int) -> str:
    """The season of a month in words: ``spring 2024``; winter spans the turn of the year
    (December 2024 and January 2025 are both ``winter 2024-25``).

    Raises
    ------
    ValueError
        A month outside 1-12.
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"a month is 1 to 12, not {month!r}")
    name = _SEASONS[int(month)]
    if name != "winter":
        return f"{name} {year}"
    first = int(year) if int(month) == 12 else int(year) - 1
    return f"winter {first}-{str(first + 1)[-2:]}"


def _wave_key(label) -> tuple[int, int, int] | None:
    """``(year, month, day)`` of a wave label that is a date (or a year: month 0), else ``None``."""
    if hasattr(label, "year") and hasattr(label, "month"):  # date, datetime, Timestamp
        return (int(label.year), int(label.month), int(getattr(label, "day", 1)))
    text = str(label).strip()
    m = _ISO_DATE.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    m = _YEAR.match(text)
    if m:
        return (int(m.group(1)), 0, 0)
    return None


def wave_names(waves) -> dict:
    """Names a partner reads for survey waves: ``"2024-03-04"`` -> ``"Wave 1, spring 2024"``.

    Waves that are dates (ISO text, ``date`` or ``Timestamp``) are numbered in date order
    and named by season; waves given as a year (``"2025"``) are numbered and keep the
    year (``"Wave 2, 2025"``). Any other label ("Autumn term", "baseline") is left as
    it is. Missing values are left out of the mapping.

    Parameters
    ----------
    waves : iterable
        The wave labels (repeats are fine).

    Returns
    -------
    dict
        Each distinct label -> its name.
    """
    if isinstance(waves, (str, bytes)):
        raise TypeError("wave_names expects a list of wave labels, not one string")
    distinct = []
    for w in waves:
        if w is None or (isinstance(w, float) and math.isnan(w)) or w in distinct:
            continue
        distinct.append(w)
    dated = sorted(((k, w) for w in distinct if (k := _wave_key(w)) is not None), key=lambda kw: kw[0])
    names = {w: w for w in distinct}
    for number, (key, wave) in enumerate(dated, start=1):
        when = str(key[0]) if key[1] == 0 else season(key[0], key[1])
        names[wave] = f"Wave {number}, {when}"
    return names


# --------------------------------------------------------------------------- names beside codes
_CODE = re.compile(r"^[EWSNK]\d{8}$")


def name_codes(frame, code_col: str, names: dict, name_col: str):
    """A copy of ``frame`` with a name column right after its code column.

    Codes without a known name get an empty name; a label that is not a code (such as
    "Not known") is repeated as its own name.

    Parameters
    ----------
    frame : DataFrame
    code_col : str
        The column of codes (``E05...``).
    names : dict
        Code -> name.
    name_col : str
        The new column's name (replaced if present).

    Raises
    ------
    KeyError
        ``code_col`` is not a column of ``frame``.
    """
    if code_col not in frame.columns:
        raise KeyError(f"name_codes: no column {code_col!r} (columns: {', '.join(map(str, frame.columns))})")
    if not isinstance(names, dict):
        raise TypeError(f"names must be a dict of code -> name, not {type(names).__name__}")
    out = frame.drop(columns=[name_col]) if name_col in frame.columns else frame.copy()

    def name(code):
        if code in names:
            return names[code]
        text = "" if code is None else str(code)
        return "" if _CODE.match(text) or text in ("", "nan", "None") else text

    out.insert(out.columns.get_loc(code_col) + 1, name_col, [name(c) for c in out[code_col]])
    return out


# --------------------------------------------------------------------------- words explained
#: Plain-English explanations of terms, shown where they first appear on a page.
GLOSSARY = {
    "LSOA": "Neighbourhood (LSOA, lower layer super output area): a small area of about 1,500 "
            "residents drawn by ONS for the Census; each place is made of whole neighbourhoods.",
    "ward": "Ward: the area that elects local councillors; a ward holds several neighbourhoods.",
    "decile": "Decile: all neighbourhoods in England put in order and split into ten equal groups; "
              "decile 1 is the most deprived 10%, decile 10 the least deprived 10%.",
    "IMD": "Index of Multiple Deprivation (IMD), from the English Indices of Deprivation (IoD): the "
           "government's measure of how deprived each neighbourhood is compared with the rest of England.",
    "domains": "Domains of deprivation: the seven parts the IMD is built from: income; employment; "
               "education, skills and training; health and disability; crime; barriers to housing and "
               "services; and living environment.",
    "IDACI": "IDACI (income deprivation affecting children): the share of children living in "
             "low-income families, one of two extra indices published with the IMD.",
    "reciprocity": "Ties confirmed by both ends (reciprocity): of the ties between two organisations that "
                   "both answered the survey, the share that both of them reported.",
    "components": "Separate groups: sets of organisations linked to each other by some chain of ties but not "
                  "to the rest; an organisation with no ties is a group of one. The share in the largest "
                  "connected group is how much of the network one chain of ties reaches.",
    "core routes": "Ties involving the core team: the share of all ties with a core-team member at one end. "
                   "Shortest routes through the core team: for two other organisations that are connected, the "
                   "share of their shortest routes that pass through a core-team member, averaged over all "
                   "such pairs.",
    "cross-sector share": "Ties across sectors: the share of ties that join two organisations of different "
                          "sectors (residents count as one sector, and only their shown ties count).",
    "brokerage": "Brokerage roles: an organisation in touch with two others who are not in touch with each "
                 "other links them. By sector: a coordinator links two of its own sector; an itinerant links "
                 "two of another sector; a gatekeeper or representative links its own sector with another (where "
                 "the survey says which way things flow, a gatekeeper passes from another sector into its own and "
                 "a representative from its own to another); a liaison links two other sectors. 'More often than chance' means at least 2 standard "
                 "deviations above the count expected if sectors were shuffled at random between "
                 "organisations, and at least 1 expected.",
    "bridge": "Bridge: a tie that is the only link between two parts of the network; without it they "
              "would lose touch.",
    "local bridge": "Local bridge: a tie between two organisations with no partner in common; without it "
                    "the route between them is longer (its span, in steps).",
    "core dependence": "Connected only through the core team: of the pairs of organisations outside the core "
                       "team, in different sectors and connected, the share that would have no route to each "
                       "other without the core team.",
    "tie strength": "How often in touch: the survey's frequency answers (yearly or less often, a few times a "
                    "year, monthly, weekly, daily), averaged over the two ends and the kinds of relationship.",
    "response rate": "Answered the survey: organisations in a wave's network (listed and joined by then, or "
                     "named in a tie) that sent answers; a tie is known when either end reported it.",
    "betweenness": "Bridging role (betweenness): how often an organisation lies on the shortest route "
                   "between two others; a high value means it links people who would otherwise not be "
                   "connected.",
    "constraint": "Tied into one group (constraint): how far an organisation's partners all know each "
                  "other; a low value means it reaches into several separate groups.",
    "density": "Density: the share of all possible connections between organisations that exist; 5% "
               "means 5 in every 100 possible pairs are connected.",
}


def glossary(terms) -> list[str]:
    """The explanations of ``terms`` (keys of :data:`GLOSSARY`), in the order given.

    Raises
    ------
    KeyError
        A term the glossary does not explain.
    """
    if isinstance(terms, str):
        terms = [terms]
    unknown = [t for t in terms if t not in GLOSSARY]
    if unknown:
        raise KeyError(f"no glossary entry for {unknown}; known terms: {', '.join(GLOSSARY)}")
    return [GLOSSARY[t] for t in terms]
