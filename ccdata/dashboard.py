"""The sections of the place dashboard, each returned as a list of display blocks.

The notebook ``notebooks/place_dashboard.ipynb`` calls one function per section.
A section whose data are missing says so plainly (which dataset, and how to get
it) instead of showing an empty chart.
"""
from __future__ import annotations

import pandas as pd

from . import charts, deprivation, indicators, present, profile, sources
from .errors import MissingDataError

Blocks = list  # list[present.Block]

#: Datasets each section needs, to say up front which sections lack data.
SECTION_SOURCES = {
    "Who lives here": ["census21_ts007a", *[t for t in profile.TOPICS if t != "census21_ts007a"]],
    "Deprivation": ["iod2025_file1", "iod2025_file3", "iod2019_file1", "iod2019_file2", "lookup_lsoa11_lsoa21"],
    "Children in low income families": ["dwp_cilif_ward", "dwp_cilif_la"],
}


def _available(place, dataset_id: str) -> bool:
    from .fetch import is_available

    return is_available(dataset_id, place.collection)


def _reason_missing(place, dataset_id: str) -> str:
    d = sources.get(dataset_id)
    if place.collection == "demo":
        return f"{d.title} is not generated for the demo place"
    where = "it is not in the official-file mirror" if not d.mirror_paths else "it has not been fetched"
    return f"{d.title}: {where}; official source {d.official_source}"


def missing_data(place) -> dict[str, str]:
    """Sections (or parts) without data, with the reason, for the top of the dashboard."""
    out = {}
    for section, ids in SECTION_SOURCES.items():
        absent = [i for i in ids if not _available(place, i)]
        if absent:
            out[section] = "; ".join(_reason_missing(place, i) for i in absent)
    vintages = set(place.wards["vintage"]) if not place.wards.empty else set()
    if vintages != {"2024"}:
        out.setdefault("Children in low income families (place)",
                       "DWP publishes May 2024 wards; this place is not defined by May 2024 wards")
    return out


def overview(place) -> Blocks:
    """Headline figures, the footprint and the list of sections lacking data."""
    blocks: Blocks = []
    blocks.append(present.metrics(profile.headline(place),
                                  caption=f"{place.name}, in {place.lad_name} ({place.lad_code})."))
    if place.description:
        blocks.append(present.notice(place.description))
    blocks.append(present.notice(f"How the place is drawn: {place.footprint_method}"))
    blocks.append(present.section_missing_list(missing_data(place)))
    return blocks


def who_lives_here(place) -> Blocks:
    """Children and young people by age band, then each Census topic."""
    blocks: Blocks = []
    try:
        kids = profile.children(place)
    except MissingDataError as exc:
        blocks.append(present.missing("children and young people by age", str(exc)))
    else:
        table = kids.pivot_table(index="age band", columns="area_name", values="pct", sort=False)
        counts = kids[kids["area"] == "place"].set_index("age band")["children"].rename("Children in the place")
        table = pd.concat([counts, table], axis=1).reset_index()
        blocks.append(present.figure(
            charts.age_chart(kids),
            alt=("Bar chart of the share of residents in each child age band (0-4, 5-9, 10-14, 15-19) "
                 f"for {place.name}, {place.lad_name} and England."),
            caption="Children and young people as a share of all residents, Census 2021 (TS007A).",
            data=table))
        blocks.append(present.notice(profile.CHILD_BANDS_NOTE))
    try:
        single = profile.children_single_year(place)
    except MissingDataError as exc:
        blocks.append(present.missing("children by single year of age (local authority and England)", str(exc)))
    else:
        table = single.pivot_table(index="age band", columns="area_name", values=["children", "pct"], sort=False)
        table.columns = [f"{a}: {'children' if m == 'children' else '% of residents'}" for m, a in table.columns]
        blocks.append(present.table(table.reset_index(), formats={c: ",.0f" for c in table.columns if "children" in c},
                                    caption=("Children's Communities age bands (0-4, 5-10, 11-15, 16-19) for the "
                                             "local authority and England, from single years of age (Census 2021 "
                                             "TS007); not published for neighbourhoods, so not for the place.")))
    for dataset, title in profile.TOPICS.items():
        if dataset == "census21_ts007a":
            continue
        if not _available(place, dataset):
            blocks.append(present.missing(title, _reason_missing(place, dataset)))
            continue
        try:
            comp = profile.composition(place, dataset)
        except MissingDataError as exc:
            blocks.append(present.missing(title, str(exc)))
            continue
        wide = comp.pivot_table(index="label", columns="area_name", values="pct", sort=False).reset_index()
        wide = wide.rename(columns={"label": title})
        blocks.append(present.figure(
            charts.composition_chart(comp, title),
            alt=f"Horizontal bar chart of {title.lower()} shares for {place.name}, its local authority and England.",
            caption=f"{title}: share of the total in each category, Census 2021 ({dataset.split('_')[1].upper()}).",
            data=wide))
        how = " ".join([*dict.fromkeys(n for n in comp.loc[comp["area"] != "place", "note"] if n),
                        comp.attrs.get("total_note", "")]).strip()
        if how:
            blocks.append(present.notice(how))
    blocks.append(present.notice(profile.PERTURBATION_NOTE))
    return blocks


def deprivation_section(place, editions: str = "both", lsoa_table: bool = True) -> Blocks:
    """IMD deciles 2019 and 2025 side by side, headline measures, IDACI and the LSOA table.

    ``editions`` is ``"both"``, ``"iod2025"`` or ``"iod2019"``.
    """
    choices = {"both": ("iod2019", "iod2025"), "iod2025": ("iod2025",), "iod2019": ("iod2019",)}
    if editions not in choices:
        raise ValueError(f"editions must be one of {list(choices)}, not {editions!r}")
    wanted = choices[editions]
    blocks: Blocks = []
    editions = []
    for edition in wanted:
        try:
            place.deprivation(edition)
            editions.append(edition)
        except MissingDataError as exc:
            blocks.append(present.missing(deprivation.EDITIONS[edition], str(exc)))
    if not editions:
        return blocks
    dist = pd.concat([deprivation.decile_distribution(place, e) for e in editions], ignore_index=True)
    value = "pct_residents" if dist["pct_residents"].notna().any() else "pct_lsoas"
    measures = {"pct_residents": "% residents", "pct_lsoas": "% LSOAs"}
    table = dist.pivot_table(index="decile", columns=["edition", "area_name"],
                             values=[m for m in measures if dist[m].notna().any()], sort=False)
    table.columns = [f"{e}, {a}: {measures[m]}" for m, e, a in table.columns]
    blocks.append(present.figure(
        charts.decile_chart(dist, value),
        alt=("Bar charts of the share of residents in each national deprivation decile, decile 1 being "
             f"the most deprived, for {place.name}, {place.lad_name} and England, "
             + " and ".join(deprivation.EDITIONS[e] for e in editions) + "."),
        caption=("Share of residents living in each national IMD decile (1 = most deprived 10% of "
                 "neighbourhoods in England). " + deprivation.POPULATION_NOTE),
        data=table.reset_index()))
    summary = pd.concat([deprivation.summary(place, e) for e in editions], ignore_index=True)
    summary = summary.rename(columns={
        "edition": "Edition", "area_name": "Area", "lsoas": "LSOAs",
        "pct_lsoas_most_deprived_10": "% of LSOAs in most deprived 10%",
        "extent": "Extent (% of residents)",
        "pct_lsoas_idaci_most_deprived_10": "% of LSOAs in most deprived 10% for IDACI",
        "median_imd_rank": "Median IMD rank"}).drop(columns=["area"])
    blocks.append(present.table(summary, caption=(
        "Headline deprivation measures. Extent: share of residents living in the most deprived 30% "
        "of neighbourhoods, weighted from 1 at the most deprived 10% to 0 at 30% (MHCLG method).")))
    latest = editions[-1]
    if lsoa_table:
        latest_table = deprivation.lsoa_table(place, latest)
        blocks.append(present.table(latest_table, sortable=True, caption=(
            f"Every neighbourhood (LSOA 2021) in the place, {deprivation.EDITIONS[latest]}: rank 1 is the "
            "most deprived in England; click a heading to sort.")))
        domains = deprivation.lsoa_table(place, editions[0]) if len(editions) == 2 else None
        if domains is not None and domains.shape[1] > latest_table.shape[1]:
            # IoD 2025 domain ranks come with File 7; until it is fetched, show 2019's domains
            blocks.append(present.table(domains, sortable=True, caption=(
                f"Domains of deprivation by neighbourhood, {deprivation.EDITIONS[editions[0]]} (on 2021 "
                f"neighbourhoods): deciles, 1 = most deprived 10% in England. The "
                f"{deprivation.EDITIONS[latest]} domains are published in File 7, not available here.")))
    if len(editions) == 2:
        blocks.append(present.table(deprivation.compare_editions(place), caption=(
            "IMD decile of each neighbourhood in 2019 and 2025. IoD 2019 was published on 2011 "
            "neighbourhoods and is shown on 2021 ones (see Data and methods); national ranks are "
            "relative, so a change of decile means a change relative to the rest of England.")))
    return blocks


def low_income_section(place) -> Blocks:
    """DWP children in relative low income families for the place's wards, LA and England."""
    ind = [i for i in indicators.definitions() if i.source == "dwp_cilif_ward"]
    if not ind:
        return [present.missing("children in low income families", "no indicator is declared for DWP data")]
    frame = indicators.compute(place, ind)
    shown = frame[frame["status"] == "ok"]
    blocks: Blocks = []
    for rec in frame[frame["status"] != "ok"].itertuples():
        blocks.append(present.missing(f"children in low income families ({rec.area_name})", rec.status))
    if shown.empty:
        return blocks
    table = shown[["area_name", "numerator", "denominator", "value", "lower", "upper", "band"]].rename(columns={
        "area_name": "Area", "numerator": "Children in low income families",
        "denominator": "Children under 16 (derived)", "value": "%", "lower": "95% CI lower",
        "upper": "95% CI upper", "band": "Compared with England"})
    blocks.append(present.table(table, formats={"Children in low income families": ",.0f",
                                                 "Children under 16 (derived)": ",.0f"}, caption=(
        "Children under 16 in relative low income families after housing costs, financial year "
        "ending 2025 (DWP/HMRC). " + ind[0].note)))
    if not place.wards.empty and set(place.wards["vintage"]) == {"2024"}:
        wards = place.table("dwp_cilif_ward")
        sel = wards[wards["ward24_code"].isin(place.wards["ward_code"])]
        cols = [c for c in ("ward24_name", "children_fye2024", "children_fye2025", "pct_fye2024", "pct_fye2025")
                if c in sel]
        blocks.append(present.table(sel[cols].rename(columns={
            "ward24_name": "Ward (May 2024)", "children_fye2024": "Children FYE 2024",
            "children_fye2025": "Children FYE 2025", "pct_fye2024": "% FYE 2024", "pct_fye2025": "% FYE 2025"}),
            caption="By ward, as published.", sortable=True))
    return blocks


def indicator_section(place) -> Blocks:
    """The indicator table grouped by workstream, and a chart of the place's values."""
    frame = indicators.compute(place)
    wide = indicators.wide(frame)
    blocks: Blocks = []
    for workstream, grp in wide.groupby("Workstream", sort=False):
        blocks.append(present.table(grp.drop(columns=["Workstream"]), caption=(
            f"{workstream}: values in %, 95% Wilson intervals; compared with England "
            "(better / similar / worse where a direction is declared, else higher / similar / lower).")))
    try:
        fig = charts.indicator_chart(frame)
    except ValueError as exc:
        blocks.append(present.missing("the indicator chart", str(exc)))
    else:
        data = frame[(frame["status"] == "ok") & (frame["area"].isin(["place", "england"]))][
            ["title", "area_name", "value", "lower", "upper"]]
        blocks.append(present.figure(fig, alt=(
            f"Dot chart of each indicator's value for {place.name} with its 95% interval, "
            "and England's value marked."), caption="Indicators for the place, with England for reference.",
            data=data))
    return blocks


def methods_section(place, parameters: dict | None = None) -> Blocks:
    """Sources with vintage and licence, geography methods, version and parameters."""
    from . import __version__
    from .geography import IOD2019_ON_LSOA21_METHOD
    from .report import git_hash

    table = place.sources()
    table = table[table["available"]][["id", "title", "publisher", "vintage", "licence", "official_source"]]
    blocks: Blocks = [present.table(table.rename(columns={
        "id": "Dataset", "title": "Title", "publisher": "Publisher", "vintage": "Vintage",
        "licence": "Licence", "official_source": "Official source"}),
        caption="Data used in this report (as fetched for this place's collection).")]
    methods = [
        f"Footprint: {place.footprint_method}",
        f"IoD 2019 on 2021 neighbourhoods: {IOD2019_ON_LSOA21_METHOD}",
        "Counts are summed over each area's neighbourhoods and rates recomputed from the sums; "
        "ranks and deciles are never averaged.",
        "95% intervals are Wilson score intervals (statsmodels); a value is 'better' or 'worse' than "
        "England when England's value lies outside the place's interval.",
        profile.PERTURBATION_NOTE,
        f"ccdata {__version__}, git {git_hash()}; parameters: "
        + ", ".join(f"{k}={v!r}" for k, v in (parameters or {}).items()),
    ]
    blocks.append(present.bullets(methods))
    return blocks
