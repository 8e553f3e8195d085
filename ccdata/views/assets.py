"""The asset map page: the map, the lists used, coverage and the assets that could not be placed.

Each section returns a list of display blocks; the notebook ``asset_map.ipynb``
displays them in order. The map itself is drawn by :mod:`ccdata.present.maps`;
the assets and coverage come from :mod:`ccdata.analysis.assets`.
"""
from __future__ import annotations

import pandas as pd

from ccdata import present
from ccdata.present.maps import embed, map_assets


def map_section(lsoas, boundary, wards, assets, *, deprivation_col: str = "imd_decile",
                deprivation_label: str = "Index of Multiple Deprivation 2025, decile", **kwargs) -> list:
    """The map for a report: the ``folium.Map`` and a note on what it shows.

    ``lsoas`` ``None`` (no boundaries for the place) gives a "no data" note instead.
    """

    if lsoas is None or len(lsoas) == 0:
        return [present.missing("the asset map", "there are no LSOA boundaries for this place's data collection")]
    m = map_assets(lsoas, boundary, wards, assets, deprivation_col, deprivation_label=deprivation_label, **kwargs)
    n = 0 if assets is None else len(assets)
    return [embed(m, title=f"Map of {n} assets over {deprivation_label}"), present.notice(
        f"{n} assets within the place or up to the buffer around it. Areas are coloured by "
        f"{deprivation_label} (1 = the most deprived 10% of neighbourhoods in England). Use the layer "
        "control to switch categories on and off; the street map needs an internet connection, the "
        "areas and markers do not.")]


def sources_section(assets) -> list:
    """Which asset lists were used (and why any was not)."""

    table = assets.attrs.get("sources") if assets is not None else None
    if table is None or len(table) == 0:
        return [present.missing("asset sources", "no asset list was available")]
    shown = table.rename(columns={"list": "List", "used": "Used", "note": "Note"})
    shown["Used"] = shown["Used"].map({True: "yes", False: "no"})
    return [present.table(shown, caption="Asset lists used for this map")]


def coverage_section(cov, reason: str = "", incomplete: dict[str, str] | None = None) -> list:
    """Coverage tables (assets per 1,000 children by ward and LSOA; straight-line reach).

    ``incomplete`` (from :func:`ccdata.analysis.coverage.incomplete_categories`) names the
    categories whose official list is missing: their columns are marked
    "(incomplete)" and a note says why, so a missing list never reads as zero.
    """

    if cov is None:
        return [present.missing("coverage", reason or "children's population counts are not available")]
    incomplete = incomplete or {}
    marked = {label: f"{label} (incomplete)" for label in incomplete}
    blocks = [present.notice(cov.method)]
    for label, why in incomplete.items():
        blocks.append(present.missing(f"{label.lower()} coverage", f"{why.rstrip('.')}. Figures marked "
                                      "'(incomplete)' count only the partnership's own list."))
    reach = cov.reach_table()
    reach["Category"] = reach["Category"].map(lambda c: marked.get(c, c))
    blocks += [present.table(cov.table("ward").rename(columns=marked), caption=(
                   "Assets inside the place per ward (place LSOAs only), and per 1,000 children aged 0-19 "
                   "(Census 2021)")),
               present.table(cov.table("lsoa").rename(columns=marked), sortable=True,
                             caption="Assets per LSOA 2021, and per 1,000 children aged 0-19"),
               present.table(reach, caption="Share of the place's children living within a "
                             "straight-line distance of each kind of asset (from LSOA centroids)")]
    return blocks


def unplaced_section(unplaced, problems=None) -> list:
    """Assets that could not be put on the map, with the reason, and the asset list's problems."""

    blocks = []
    if unplaced is None or len(unplaced) == 0:
        blocks.append(present.notice("Every listed asset was placed on the map."))
    else:
        shown = unplaced.rename(columns={"source": "List", "source_ref": "Row or reference", "name": "Name",
                                         "category": "Category", "postcode": "Postcode", "reason": "Reason"})
        blocks.append(present.table(shown, caption=f"{len(unplaced)} assets not on the map, and why"))
    if problems is not None and len(problems):
        shown = problems.rename(columns={"file": "File", "row": "Row", "column": "Column", "message": "Problem",
                                         "value": "Value"})
        shown["Value"] = shown["Value"].map(lambda v: "" if v is None or (not isinstance(v, (str, tuple))
                                                                          and pd.isna(v)) else str(v))
        blocks.append(present.table(shown, caption="Problems found in the local asset list (row = line in "
                                    "the file)"))
    return blocks
