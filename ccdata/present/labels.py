"""Words for partners: column headers, p-values and counts as a partner reads them.

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
    "weighted_degree": "Weighted connections", "betweenness": "Bridging role (betweenness)",
    "constraint": "Tied into one group (constraint)", "density": "Density (share of possible connections)",
    "category_label": "Kind", "name": "Name", "sector": "Sector", "located": "Placed on the map",
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
