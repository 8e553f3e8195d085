"""The sections of the place dashboard, each returned as a list of display blocks.

The notebook ``notebooks/place_dashboard.ipynb`` calls one function per section.
A section whose data are missing says so plainly (which dataset, and how to get
it) instead of showing an empty chart.
"""
from __future__ import annotations

import pandas as pd

from ccdata import present, sources
from ccdata._version import __version__
from ccdata.analysis import child_poverty, deprivation, findings, indicators, profile
from ccdata.errors import MissingDataError
from ccdata.geo import build
from ccdata.geo.crosswalk import IOD2019_ON_LSOA21_METHOD
from ccdata.present import charts
from ccdata.present import figures as marks
from ccdata.present import labels as words
from ccdata.provenance import git_hash
from ccdata.views import spine_section
from ccdata.views.common import lsoa21_names

Blocks = list  # list[present.Block]

#: Datasets each section needs, to say up front which sections lack data.
SECTION_SOURCES = {
    "Who lives here": ["census21_ts007a", *[t for t in profile.TOPICS if t != "census21_ts007a"]],
    "Deprivation": ["iod2025_file1", "iod2025_file3", "iod2019_file1", "iod2019_file2", "lookup_lsoa11_lsoa21",
                    "iod2019_lad_summary", "iod2025_lad_summary"],
    "Children in low income families": ["dwp_cilif_ward", "dwp_cilif_la", "lookup_lsoa21_ward24",
                                        "census21_ts007a"],
}


def _available(place, dataset_id: str) -> bool:

    return place.has(dataset_id)


def _reason_missing(place, dataset_id: str) -> str:
    """Why a dataset is missing, for the adviser (dataset id, what to run, where it comes from)."""
    d = sources.get(dataset_id)
    if place.collection == "demo":
        return f"{d.title} ({dataset_id}) is not generated for the demo place."
    where = "it is not in the official-file mirror" if not d.mirror_paths else "it has not been fetched"
    return (f"{d.title} ({dataset_id}): {where}. Run `ccdata fetch {dataset_id}` then `ccdata build`. "
            f"Official source: {d.official_source}")


def _missing(place, what: str, detail: str) -> Blocks:
    """A one-sentence note for partners, and the detail for the adviser."""
    return [present.missing(what, "These figures are not in this edition's data."),
            present.adviser_note(f"Why there is no data for {what}", detail)]


def missing_data(place) -> dict[str, str]:
    """Sections (or parts) without data, with the reason, for the top of the dashboard.

    A section with some of its data is not listed as without data: the missing part is,
    by name ("Who lives here: economic activity"), so the list never contradicts a
    section shown below it.
    """
    out = {}
    for section, ids in SECTION_SOURCES.items():
        absent = [i for i in ids if not _available(place, i)]
        if not absent:
            continue
        if len(absent) < len(ids):
            parts = [profile.TOPICS.get(i) or sources.get(i).title for i in absent]
            key = f"{section}: {', '.join(dict.fromkeys(p[0].lower() + p[1:] for p in parts))}"
        else:
            key = section
        out[key] = "; ".join(_reason_missing(place, i) for i in absent)
    return out


def descriptions(place) -> tuple[str, str]:
    """The place's description for partners, and the adviser's (``adviser_description`` in the
    place's entry): how the footprint was chosen and how to change it."""
    adviser = " ".join(str(place.definition.get("adviser_description", "") or "").split())
    return place.description, adviser


#: Terms of the dashboard explained under its headline figures (:data:`ccdata.present.labels.GLOSSARY`).
DASHBOARD_TERMS = ["LSOA", "ward", "IMD", "decile", "domains", "IDACI"]


#: Headline figures -> the indicator figure each one shows (the same numbers as the indicator table).
HEADLINE_MARKS = {"Residents (Census 2021)": ("children_0_19/place/denominator", "count"),
                  "Children and young people 0-19": ("children_0_19/place/count", "count"),
                  "Share aged 0-19": ("children_0_19/place/value", "percent")}


def overview(place) -> Blocks:
    """Headline figures, the footprint and the list of sections lacking data."""
    blocks: Blocks = []
    blocks.append(present.metrics(profile.headline(place),
                                  caption=f"{place.name}, in {place.lad_name} ({place.lad_code}).",
                                  figures=HEADLINE_MARKS))
    blocks.append(present.glossary(DASHBOARD_TERMS))  # the terms explained where they first appear
    partner, adviser = descriptions(place)
    if partner:
        blocks.append(present.notice(partner))
    if adviser:
        blocks.append(present.adviser_note("How the place was drawn", adviser))
    blocks.append(present.notice(f"How the place is drawn: {place.footprint_method}"))
    absent = missing_data(place)
    blocks.append(present.section_missing_list({k: "not in this edition's data" for k in absent},
                                               whole=[k for k in absent if k in SECTION_SOURCES]))
    if absent:
        blocks.append(present.adviser_note("Sections without data, and how to get it", "\n\n".join(
            f"{k}: {v}" for k, v in absent.items())))
    return blocks


def key_findings(place) -> Blocks:
    """Three to six sentences on what the figures say, and what stands out."""
    f = findings.for_place(place)
    blocks: Blocks = [present.key_findings(f.sentences, f.stands_out, limits=f.limits)]
    if len(f.stands_out):
        blocks.append(present.adviser_note("How 'What stands out' is made", f.method))
    return blocks


#: Age bands of the "who lives here" table that are also indicators (``indicators.yaml``).
AGE_INDICATORS = {"0-4": "children_0_4", "15-19": "young_people_15_19", "0-19": "children_0_19"}


def who_lives_here(place) -> Blocks:
    """Children and young people by age band, then each Census topic."""
    blocks: Blocks = []
    try:
        kids = profile.children(place)
    except MissingDataError as exc:
        blocks += _missing(place, "children and young people by age", str(exc))
    else:
        table = kids.pivot_table(index="age band", columns="area_name", values="pct", sort=False)
        counts = kids[kids["area"] == "place"].set_index("age band")["children"].rename("Children in the place")
        table = pd.concat([counts, table], axis=1).reset_index()
        # the bands that are also indicators carry the indicator's figure ids
        band_ids = [AGE_INDICATORS.get(b) for b in table["age band"]]
        area_of = dict(zip(kids["area_name"], kids["area"]))
        age_marks = {"Children in the place": [(f"{i}/place/count", "count") if i else None for i in band_ids]}
        age_marks |= {col: [(f"{i}/{area_of[col]}/value", "percent") if i else None for i in band_ids]
                      for col in table.columns if col in area_of}
        blocks.append(present.figure(
            charts.age_chart(kids),
            alt=("Bar chart of the share of residents in each child age band (0-4, 5-9, 10-14, 15-19) "
                 f"for {place.name}, {place.lad_name} and England."),
            caption="Children and young people as a share of all residents, Census 2021 (TS007A).",
            data=table, figures=age_marks))
        blocks.append(present.notice(profile.CHILD_BANDS_NOTE))
    try:
        single = profile.children_single_year(place)
    except MissingDataError as exc:
        blocks += _missing(place, "children by single year of age (local authority and England)", str(exc))
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
            blocks += _missing(place, title, _reason_missing(place, dataset))
            continue
        try:
            comp = profile.composition(place, dataset)
        except MissingDataError as exc:
            blocks += _missing(place, title, str(exc))
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
            blocks += _missing(place, deprivation.EDITIONS[edition], str(exc))
    if not editions:
        return blocks
    dist = pd.concat([deprivation.decile_distribution(place, e) for e in editions], ignore_index=True)
    value = "pct_residents" if dist["pct_residents"].notna().any() else "pct_lsoas"
    measures = {"pct_residents": "% residents", "pct_lsoas": "% LSOAs"}
    # one row per edition, area and measure, one column per decile: short numbers side by
    # side fit a printed page and a phone better than twelve wrapped column headings
    long = dist.melt(id_vars=["edition", "area_name", "decile"],
                     value_vars=[m for m in measures if dist[m].notna().any()], var_name="measure")
    long["Edition, area and measure"] = (long["edition"].astype(str) + ", " + long["area_name"].astype(str)
                                         + ": " + long["measure"].map(measures))
    table = long.pivot_table(index="Edition, area and measure", columns="decile", values="value", sort=False)
    table.columns = [f"Decile {int(d)}" for d in table.columns]
    blocks.append(present.figure(
        charts.decile_chart(dist, value),
        alt=("Bar charts of the share of residents in each national deprivation decile, decile 1 being "
             f"the most deprived, for {place.name}, {place.lad_name} and England, "
             + " and ".join(deprivation.EDITIONS[e] for e in editions) + "."),
        caption=("Share of residents living in each national IMD decile (1 = most deprived 10% of "
                 "neighbourhoods in England). " + deprivation.population_note(editions)),
        data=table.reset_index()))
    summary = pd.concat([deprivation.summary(place, e) for e in editions], ignore_index=True)
    blocks += _national_ranks(place, editions)
    notes = [n for n in summary["note"].dropna().unique() if n]
    change = extent_change_sentence(place.name, summary)
    latest_rows = [a if e == deprivation.EDITIONS[editions[-1]] else None
                   for e, a in zip(summary["edition"], summary["area"])]
    summary_marks = {
        col: [(f"{fid}/{a}/{measure}", kind) if a else None for a in latest_rows]
        for col, (fid, measure, kind) in {
            "% of LSOAs in most deprived 10%": ("imd", "pct_lsoas_most_deprived_10", "percent"),
            "% of LSOAs in most deprived 10% for IDACI": ("idaci", "pct_lsoas_idaci_most_deprived_10", "percent"),
            "Neighbourhoods (LSOAs)": ("imd", "lsoas", "count")}.items()}
    summary = summary.rename(columns={
        "edition": "Edition", "area_name": "Area", "lsoas": "Neighbourhoods (LSOAs)",
        "lsoas_most_deprived_10": "Neighbourhoods in most deprived 10%",
        "pct_lsoas_most_deprived_10": "% of LSOAs in most deprived 10%",
        "extent": "Extent (% of residents)",
        "pct_lsoas_idaci_most_deprived_10": "% of LSOAs in most deprived 10% for IDACI",
        "median_imd_rank": "Median IMD rank"}).drop(columns=["area", "basis", "note"])
    # a median of an even number of ranks falls between two (16,422.5): shown as a whole rank
    blocks.append(present.table(summary, formats={"Median IMD rank": ",.0f"}, figures={
        k: v for k, v in summary_marks.items() if k in summary.columns}, caption=(
        "Headline deprivation measures. Extent: share of residents living in the most deprived 30% "
        "of neighbourhoods, weighted from 1 at the most deprived 10% to 0 at 30% (MHCLG method). "
        + " ".join(deprivation.COMPARATOR_BASIS[e] for e in editions[:1] if e == "iod2019"))))
    for note in notes:
        blocks.append(present.notice(note))
    if change:
        blocks.append(present.notice(change))
    latest = editions[-1]
    if lsoa_table:
        latest_table = deprivation.lsoa_table(place, latest)
        blocks.append(present.table(latest_table, sortable=True, caption=(
            f"Every neighbourhood (LSOA 2021) in the place, {deprivation.EDITIONS[latest]}: rank 1 is the "
            "most deprived in England.")))
        domains = deprivation.lsoa_table(place, editions[0]) if len(editions) == 2 else None
        if domains is not None and domains.shape[1] > latest_table.shape[1]:
            # IoD 2025 domain ranks come with File 7; until it is fetched, show 2019's domains
            blocks.append(present.table(domains, sortable=True, caption=(
                f"Domains of deprivation by neighbourhood, {deprivation.EDITIONS[editions[0]]} (on 2021 "
                f"neighbourhoods): deciles, 1 = most deprived 10% in England. The "
                f"{deprivation.EDITIONS[latest]} domains are published in File 7, not available here.")))
    if len(editions) == 2:
        blocks.append(present.table(words.name_codes(deprivation.compare_editions(place), "LSOA 2021",
                                                     lsoa21_names(place), "LSOA name"), caption=(
            "IMD decile of each neighbourhood in 2019 and 2025. IoD 2019 was published on 2011 "
            "neighbourhoods and is shown on 2021 ones (see Data and methods); national ranks are "
            "relative, so a change of decile means a change relative to the rest of England.")))
    return blocks


#: A change of extent between editions this large (points) is explained on the page.
EXTENT_CHANGE_SAID = 5.0


def extent_change_sentence(name: str, summary: pd.DataFrame) -> str | None:
    """One plain sentence on why the place's extent moved between two editions, or ``None``.

    Extent weighs each neighbourhood by how deep it lies in England's most deprived 30%
    (its national rank), so it can move a long way while the deciles stay the same
    (Pembury: 76.1 in 2019, 52.4 in 2025, decile 2 in both).
    """
    rows = summary[summary["area"] == "place"] if "area" in summary else summary.iloc[0:0]
    values = [(r["edition"], r["extent"]) for r in rows.to_dict("records") if pd.notna(r.get("extent"))]
    if len(values) < 2 or abs(float(values[-1][1]) - float(values[0][1])) < EXTENT_CHANGE_SAID:
        return None
    (e1, a), (e2, b) = values[0], values[-1]
    return (f"{name}'s extent moved from {float(a):.1f} in {e1} to {float(b):.1f} in {e2}. Extent counts how deep "
            "each neighbourhood lies within England's most deprived 30% by its national rank, not only its "
            "decile, so it can change while the deciles stay the same; and IoD 2019 was published for the "
            "older 2011 neighbourhoods, shown here on the 2021 ones.")


def _national_ranks(place, editions) -> Blocks:
    """The LA's national rank in each edition's published summaries, in plain words."""
    sentences = []
    for edition in editions:
        dataset = f"{edition}_lad_summary"
        if not _available(place, dataset):
            continue
        try:
            ranks = place.table(dataset)
            rows = deprivation.comparators(place, edition)
        except MissingDataError:
            continue
        la = rows.get("la")
        if la is None or la["area_type"] != "lad":
            # an authority formed after the edition has no published rank
            continue
        sentence = deprivation.national_rank(ranks, edition, la["area_code"], place.lad_name)
        if sentence:
            sentences.append(sentence)
    if not sentences:
        return []
    return [present.notice(" ".join(sentences) + " Ranks are as published by MHCLG; 1 is the most deprived.")]


def _fye(year: str) -> str:
    """``fye2025`` -> "the year to March 2025" (financial year ending)."""
    return f"the year to March {year[3:]}"


#: The year of the children-in-low-income-families indicator (``children_fye2025`` in indicators.yaml).
LOW_INCOME_YEAR = 2025


def low_income_section(place) -> Blocks:
    """DWP children in relative low income families: the place, its LA and England, both years.

    A place made of whole May 2024 wards shows the published ward figures; any other
    place shows an estimate shared out from its wards (:mod:`ccdata.child_poverty`),
    labelled as such, with the wards' own figures beside it.
    """
    try:
        result = child_poverty.for_place(place)
    except MissingDataError as exc:
        return _missing(place, "children in low income families", str(exc))
    figures, by_ward = result["place"], result["by_ward"]
    years = list(figures["year"])
    latest = figures.set_index("year").loc[years[-1]]
    estimate = (figures["method"] == child_poverty.ESTIMATE).any()
    # a ward without a name in either table is shown by its code rather than failing the page
    ward_names = ", ".join(by_ward["ward24_name"].fillna(by_ward["ward24_code"]).astype(str))
    blocks: Blocks = []
    if latest["status"] == "ok":
        kind = "an estimate" if estimate else "as published for its wards"
        marked = years[-1] == f"fye{LOW_INCOME_YEAR}"  # the indicator's year: the same figures as its table
        count, pct = f"{latest['children']:,}", f"{latest['pct']:.1f}%"
        blocks.append(present.notice(findings.Sentence(
            f"In {_fye(years[-1])}, ",
            findings.Figure("children_low_income/place/count", "count", count) if marked else count,
            f" children under 16 in {place.name} lived in relative low income families, ",
            findings.Figure("children_low_income/place/value", "percent", pct) if marked else pct,
            f" of children under 16 ({kind}).")))
    if estimate and len(by_ward) == 1:
        blocks.append(present.notice(
            f"{place.name} lies inside one ward ({ward_names}), so its percentage is the ward's published "
            "figure. DWP publishes these figures only for whole wards (May 2024): the number of children is an "
            "estimate, the ward's count shared out in proportion to each neighbourhood's children under 16 at "
            "the 2021 Census. The ward's own figures are shown below."))
    elif estimate:
        blocks.append(present.notice(
            "This is an estimate. DWP publishes these figures only for whole wards (May 2024), and this place "
            f"does not follow ward boundaries, so the figures of its wards ({ward_names}) were shared out to "
            f"their neighbourhoods in proportion to {result['weighting']}, and the place's neighbourhoods added "
            "up. The wards' own figures are shown below."
            + (" Shared by children alone, each neighbourhood takes its ward's rate, so differences within "
               "a ward are not seen." if result["weighting"] == child_poverty.WEIGHTING["children"] else "")))
    blocks += _low_income_table(place, result, years, estimate)
    return blocks + _low_income_wards(place, by_ward, years, estimate)


def _low_income_table(place, result: dict, years: list, estimate: bool) -> Blocks:
    """The place, its LA and England in both years, with the change, and a note on any missing figure."""
    figures = result["place"]
    blocks: Blocks = []
    rows = []
    names = {a.id: a.name for a in place.areas()}
    notes = []
    for area, frame in (("place", figures), ("la", result["la"]), ("england", result["england"])):
        row = {"Area": names.get(area, area)}
        for rec in frame.itertuples(index=False):
            ok = rec.status == "ok"
            row[f"Children, {_fye(rec.year)}"] = rec.children if ok else pd.NA
            row[f"%, {_fye(rec.year)}"] = rec.pct if ok else float("nan")
            if not ok:
                notes.append(f"{names.get(area, area)}, {_fye(rec.year)}: no figure, because {rec.status}.")
            elif getattr(rec, "note", ""):
                notes.append(f"{names.get(area, area)}, {_fye(rec.year)}: {rec.note}.")
        if len(years) > 1:
            first, last = row[f"%, {_fye(years[0])}"], row[f"%, {_fye(years[-1])}"]
            row["Change (percentage points)"] = last - first
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in [c for c in table.columns if c.startswith("Children")]:
        table[col] = table[col].astype("Int64")
    formats = {c: ",.0f" for c in table.columns if c.startswith("Children")}
    formats.update({c: ".1f" for c in table.columns if c.startswith("%")})
    formats["Change (percentage points)"] = "+.1f"
    indicator_year = f"fye{LOW_INCOME_YEAR}"
    areas = ["place", "la", "england"]
    figure_ids = {}
    if indicator_year in years:
        figure_ids = {f"Children, {_fye(indicator_year)}": [(f"children_low_income/{a}/count", "count")
                                                             for a in areas],
                      f"%, {_fye(indicator_year)}": [(f"children_low_income/{a}/value", "percent") for a in areas]}
    blocks.append(present.table(table, formats=formats, figures=figure_ids, caption=(
        "Children under 16 in relative low income families after housing costs (DWP/HMRC), as a number "
        "and as a % of children under 16"
        + (f"; {place.name}'s figures are estimated from its wards" if estimate else "")
        + ". The change is in percentage points between the two years.")))
    for note in dict.fromkeys(notes):
        blocks.append(present.notice(note))
    return blocks


def _low_income_wards(place, by_ward: pd.DataFrame, years: list, estimate: bool) -> Blocks:
    """The wards the place is drawn from, with their published figures (and the part in the place)."""
    blocks: Blocks = []
    vintages = set(place.wards["vintage"].astype(str)) if not place.wards.empty else set()
    if vintages and vintages != {"2024"}:
        old = " and ".join(f"May {v}" for v in sorted(vintages - {"2024"}))
        blocks.append(present.notice(
            f"{place.name} is drawn from {place.lad_name}'s wards as they stood in {old}. The ward "
            "boundaries changed in May 2024 and DWP publishes these figures for the new wards, so the wards "
            "named below (and on the asset map) are the May 2024 ones."))
    wards = by_ward.copy()
    cols = {"ward24_name": "Ward (May 2024)"}
    if estimate:
        wards["Neighbourhoods in the place"] = [f"{a} of {b}" for a, b in
                                                zip(wards["lsoas_in_place"], wards["lsoas_in_ward"])]
        cols["Neighbourhoods in the place"] = "Neighbourhoods in the place"
    for y in years:
        cols[f"children_{y}"] = f"Children, {_fye(y)}"
        cols[f"pct_{y}"] = f"%, {_fye(y)}"
        if estimate:
            cols[f"place_children_{y}"] = f"Of which in the place (estimate), {_fye(y)}"
    ward_table = wards[list(cols)].rename(columns=cols)
    blocks.append(present.table(
        ward_table, sortable=True,
        formats={c: ",.0f" for c in ward_table.columns if "Children" in c or "Of which" in c}
        | {c: ".1f" for c in ward_table.columns if c.startswith("%")},
        caption=("The wards the place is drawn from, with their own published figures and the part "
                 "estimated to lie in the place." if estimate else
                 "The wards the place is made of, with their published figures.")))
    return blocks


def indicator_section(place) -> Blocks:
    """Every indicator in one picture (the spine chart), then the indicator table by workstream.

    Without the spread of authorities for the spine chart, a chart of the place's values
    with England's stands in for it (the two would say the same twice, and a printed
    page has room for one).
    """
    frame = indicators.compute(place)
    wide = indicators.wide(frame)
    ids = list(frame["indicator"].drop_duplicates())  # wide() keeps the indicators' order, one row each
    blocks: Blocks = spine_section.blocks(place)
    has_spine = any("<figure" in b.html for b in blocks)
    for workstream, grp in wide.groupby("Workstream", sort=False):
        shown = grp.drop(columns=["Workstream"])
        blocks.append(present.table(shown, caption=(
            f"{workstream}: values in %, with the range each could take by chance (95% interval); compared "
            "with England (better / similar / worse where a direction is declared, else higher / similar / "
            "lower)."), figures=_indicator_marks([ids[i] for i in grp.index], shown.columns)))
    if has_spine:
        return blocks
    try:
        fig = charts.indicator_chart(frame)
    except ValueError as exc:
        blocks += _missing(place, "the indicator chart", str(exc))
    else:
        data = _indicator_chart_data(frame)
        blocks.append(present.figure(fig, alt=(
            f"Dot chart of each indicator's value for {place.name} with its 95% interval, "
            "and England's value marked."), caption="Indicators for the place, with England for reference.",
            data=data))
    return blocks


#: Columns of the indicator table -> (area, measure, kind) of the figure each cell shows.
INDICATOR_MARKS = {"Numerator": ("place", "count", "count"), "Denominator": ("place", "denominator", "count"),
                   "Place %": ("place", "value", "percent"), "LA %": ("la", "value", "percent"),
                   "England %": ("england", "value", "percent"),
                   "Place vs England": ("place", "verdict", "verdict"), "LA vs England": ("la", "verdict", "verdict")}


def _indicator_marks(ids: list[str], columns) -> dict[str, list]:
    """Figure ids for the cells of the indicator table (:mod:`ccdata.present.figures`)."""
    return {col: marks.column_ids(ids, measure, kind, area=area)
            for col, (area, measure, kind) in INDICATOR_MARKS.items() if col in columns}


def _indicator_chart_data(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the indicator chart, one row per indicator: the place's value
    and 95% interval, and England's value (blank where England has none)."""
    ok = frame[frame["status"] == "ok"]
    place = ok[ok["area"] == "place"].set_index("indicator")
    england = ok[ok["area"] == "england"].set_index("indicator")["value"]
    return pd.DataFrame({
        "Indicator": place["title"],
        "This place %": place["value"],
        "95% interval from": place["lower"],
        "95% interval to": place["upper"],
        "England %": england.reindex(place.index),
    }).reset_index(drop=True)


def used_sources() -> set[str]:
    """Datasets the dashboard reads: its sections' and indicators' sources, the published local
    authority and country tables of the Census tables it shows (its comparators), single years of
    age for the local authority, and the IoD files behind its derived deprivation tables."""
    used = {d for ids in SECTION_SOURCES.values() for d in ids} | {i.source for i in indicators.definitions()}
    census = {d for d in used if d.startswith("census21_")}
    used |= {f"{d}_{level}" for d in census for level in ("ltla", "ctry")} | {"census21_ts007_ltla"}
    for step in (deprivation.COMPARATORS_STEP, build.STEPS["iod2019_lsoa21"]):
        used |= {d for d in step.optional if d.startswith("iod")}
    used |= {"iod2025_file7", "iod2025_public_domains"}  # the domains section (ccdata.views.domains)
    return used


def methods_section(place, parameters: dict | None = None) -> Blocks:
    """Sources with vintage and licence (only those this page used), methods; parameters for the adviser.

    For a fictional place the sources say the data are generated, naming the real
    formats they imitate, instead of crediting real publishers.
    """

    used = used_sources()
    table = place.sources()
    table = table[table["available"] & table["id"].isin(used)]
    if place.fictional:
        shown = pd.DataFrame({
            "Data": table["title"],
            "Where it comes from": "Fictional: generated by ccdata in the format of " + table["publisher"]
            + "'s published file",
            "Stands in for the release": table["vintage"]})
        caption = ("Data used on this page. Every figure for this demo place is invented; the files "
                   "imitate the real published formats so the same steps run as for a real place.")
    else:
        columns = {"title": "Data", "publisher": "Publisher", "vintage": "Release", "licence": "Licence",
                   "official_source": "Where to find it"}
        licences = table["licence"].dropna().unique()
        if len(licences) == 1 and table["licence"].notna().all():
            # one licence for every row: said once in the caption, not repeated on each
            columns.pop("licence")
            caption = f"Data used on this page, with its release. All of it is published under the {licences[0]}."
        else:
            caption = "Data used on this page, with its release and licence."
        shown = table[list(columns)].rename(columns=columns)
    blocks: Blocks = [present.table(shown, caption=caption)]
    methods = [
        f"Footprint: {place.footprint_method}",
        f"IoD 2019 on 2021 neighbourhoods: {IOD2019_ON_LSOA21_METHOD}",
        "Counts are summed over each area's neighbourhoods and rates recomputed from the sums; "
        "ranks and deciles are never averaged.",
        "Each percentage comes with the range it could take by chance (a 95% interval); a value is "
        "'better' or 'worse' than England only when England's value lies outside that range.",
        profile.PERTURBATION_NOTE,
    ]
    blocks.append(present.bullets(methods))
    blocks.append(present.adviser_note("Intervals and comparisons", (
        "95% intervals are Wilson score intervals on the summed counts. Child poverty figures shared out "
        "from wards are treated as counts (whole children) for the interval; their percentage is computed "
        "from the unrounded shares, and a place inside one ward takes the ward's published percentage.")))
    blocks.append(present.adviser_note("How this page was made", (
        f"ccdata {__version__}, git {git_hash()}. Datasets: {', '.join(sorted(table['id']))}. Parameters: "
        + (", ".join(f"{k}={v!r}" for k, v in (parameters or {}).items()) or "none"))))
    return blocks
