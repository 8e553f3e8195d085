"""Children in low income families for any footprint, from DWP's ward figures on the May 2024 wards.

DWP/HMRC publish the number and percentage of children under 16 in relative low
income families for May 2024 wards (and local authorities) only. A place made of
whole wards gets the published figures. Any other footprint gets an *estimate*:
each ward's published count of children, and its implied population under 16
(count / percentage), are shared out to the ward's LSOAs (ONS best fit) in whole
numbers, in proportion to each LSOA's children under 16 at the 2021 Census
(optionally weighted by its IDACI score), then summed over the place. The shares
of every ward re-add to its published figures exactly.

Earlier releases add earlier years (:func:`release_tables`): each year from the latest
release that holds it, never across DWP's published series break, and an earlier ward
table only for wards unchanged since or through a declared crosswalk; a place touching
any other ward has no figure for that year (its authority and England still do).

Suppressed ward cells (``[x]``, ``[low]``) are never summed on one side only: a ward
year with a missing count or percentage gives its LSOAs no figure for that year, and
a place that touches it has no figure for that year either (with the reason).

Pure functions on DataFrames, except :func:`for_place` and :func:`release_tables`,
which read through the place's accessors.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ccdata import config
from ccdata.errors import MissingDataError
from ccdata.geo import build
from ccdata.geo.geography import largest_remainder
from ccdata.geo.places import iod_lsoa21
from ccdata.io import dwp_releases
from ccdata.io.dwp_releases import RELATIVE_AHC

#: Financial years in the DWP table (``children_fyeYYYY``/``pct_fyeYYYY`` columns).
YEAR = re.compile(r"^children_(fye\d{4})$")
#: How LSOA shares are weighted, in plain words for the page.
WEIGHTING = {
    "children": ("each neighbourhood's share of the ward's children under 16 at the 2021 Census"),
    "children_idaci": ("each neighbourhood's children under 16 at the 2021 Census weighted by its "
                       "IDACI score (income deprivation affecting children)"),
}
#: Census 2021 TS007A five-year bands under 20 (slugs of the published labels).
_BANDS_0_14 = ("aged_4_years_and_under", "aged_5_to_9_years", "aged_10_to_14_years")
_BAND_15_19 = "aged_15_to_19_years"
_SINGLE = re.compile(r"^aged_(\d+)_years?$|^aged_under_1_year$")
PUBLISHED, ESTIMATE = "published", "estimate"


def years(frame: pd.DataFrame) -> list[str]:
    """The financial years (``fye2024``...) with both a count and a percentage column."""
    out = []
    for col in frame.columns:
        m = YEAR.match(str(col))
        if m and f"pct_{m.group(1)}" in frame.columns:
            out.append(m.group(1))
    return sorted(out)


def children_under16(census: pd.DataFrame) -> pd.Series:
    """Children under 16 per LSOA from a Census 2021 age table.

    Single years of age 0-15 are used when the table has them (TS007); otherwise
    the TS007A bands: ages 0-14 plus one fifth of 15-19 (an even spread over the band).

    Parameters
    ----------
    census : DataFrame
        ``lsoa21_code`` and the age columns of ``census21_ts007a`` (or ``ts007``).

    Returns
    -------
    Series
        Float (a fifth of a band is fractional), indexed by ``lsoa21_code``; missing
        where a needed cell is missing.

    Raises
    ------
    ValueError
        When neither single years 0-15 nor the under-20 bands are present, or an
        LSOA is repeated.

    Examples
    --------
    >>> t = pd.DataFrame({"lsoa21_code": ["E01000001"], "aged_4_years_and_under": [10],
    ...                   "aged_5_to_9_years": [10], "aged_10_to_14_years": [10], "aged_15_to_19_years": [10]})
    >>> children_under16(t).tolist()
    [32.0]
    """
    if not isinstance(census, pd.DataFrame) or "lsoa21_code" not in census:
        raise ValueError("children_under16 needs a Census table with an lsoa21_code column")
    if census["lsoa21_code"].duplicated().any():
        raise ValueError(f"LSOA(s) repeated in the Census table: "
                         f"{census.loc[census['lsoa21_code'].duplicated(), 'lsoa21_code'].head(5).tolist()}")
    single = {}
    for col in census.columns:
        m = _SINGLE.match(str(col))
        if m:
            single[0 if m.group(1) is None else int(m.group(1))] = col
    data = census.set_index("lsoa21_code")
    if all(age in single for age in range(16)):
        cols = [single[a] for a in range(16)]
        values = data[cols].astype("Float64")
        return values.sum(axis=1, skipna=False).astype("float64").rename("children_under16")
    absent = [c for c in _BANDS_0_14 + (_BAND_15_19,) if c not in data]
    if absent:
        raise ValueError(f"the Census table has neither single years 0-15 nor the bands {absent}")
    values = data[list(_BANDS_0_14) + [_BAND_15_19]].astype("Float64")
    total = values[list(_BANDS_0_14)].sum(axis=1, skipna=False) + values[_BAND_15_19] / 5
    return total.astype("float64").rename("children_under16")


def implied_population(wards: pd.DataFrame) -> pd.DataFrame:
    """Add ``population_under16_<year>``: the published count over the percentage.

    DWP publishes a count and a percentage; the denominator (children under 16) is
    implied, rounded here to a whole child. Where either is suppressed, or the
    percentage is zero (no denominator can be implied), both the count and the
    population are set missing, so a ward never adds to one side without the other.
    """
    out = wards.copy()
    for year in years(out):
        count, pct = out[f"children_{year}"].astype("Float64"), out[f"pct_{year}"].astype("Float64")
        pop = (count / (pct / 100)).where(pct > 0).round()
        known = pop.notna() & count.notna()
        out[f"population_under16_{year}"] = pop.where(known).astype("Int64")
        out[f"children_{year}"] = count.where(known).round().astype("Int64")
    return out


def _check(frame, name: str, columns) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, not {type(frame).__name__}")
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ValueError(f"{name} lacks column(s) {absent}; it has {list(frame.columns)}")


def share_to_lsoas(wards: pd.DataFrame, lsoa_ward: pd.DataFrame, children: pd.Series,
                   idaci: pd.Series | None = None) -> pd.DataFrame:
    """Share each ward's published figures out to its LSOAs, in whole numbers.

    Parameters
    ----------
    wards : DataFrame
        The DWP ward table: ``ward24_code`` and ``children_<year>``, ``pct_<year>``.
    lsoa_ward : DataFrame
        ``lsoa21_code, ward24_code``: the ward of each LSOA (ONS best fit, May 2024).
        Only wards present here are shared out.
    children : Series
        Children under 16 per LSOA (:func:`children_under16`), indexed by code.
    idaci : Series, optional
        IDACI score per LSOA (a proportion of children in income-deprived
        families). When given, the *count* of children in low income families is
        shared in proportion to children x IDACI score; the population under 16 is
        always shared by children alone.

    Returns
    -------
    DataFrame
        ``lsoa21_code, ward24_code``, then per year ``children_<year>`` and
        ``population_under16_<year>`` (nullable integers: missing when the ward's
        figure is suppressed), and ``weighting`` (a key of :data:`WEIGHTING`, or
        ``"equal"`` where a ward's LSOAs have no children or no weights). For every
        ward and year with published figures, the LSOA values add up to them.
        ``attrs["unshared"]`` lists wards of ``lsoa_ward`` with no row in ``wards``.

    Raises
    ------
    ValueError
        Missing columns, an LSOA in two wards, an LSOA of ``lsoa_ward`` without a
        children figure, negative weights.
    """
    _check(wards, "wards", ["ward24_code"])
    _check(lsoa_ward, "lsoa_ward", ["lsoa21_code", "ward24_code"])
    yrs = years(wards)
    if not yrs:
        raise ValueError("the ward table has no children_<year> and pct_<year> columns")
    if lsoa_ward["lsoa21_code"].duplicated().any():
        dup = lsoa_ward.loc[lsoa_ward["lsoa21_code"].duplicated(), "lsoa21_code"].head(5).tolist()
        raise ValueError(f"LSOA(s) assigned to more than one ward: {dup}")
    if wards["ward24_code"].duplicated().any():
        raise ValueError("a ward is listed twice in the ward table")
    kids = lsoa_ward["lsoa21_code"].map(pd.Series(children, dtype="float64"))
    if kids.isna().any():
        raise ValueError(f"no children under 16 for LSOA(s) "
                         f"{lsoa_ward.loc[kids.isna(), 'lsoa21_code'].head(10).tolist()}")
    if (kids < 0).any():
        raise ValueError("children under 16 must not be negative")
    weights = kids.copy()
    method = "children"
    if idaci is not None:
        score = lsoa_ward["lsoa21_code"].map(pd.Series(idaci, dtype="float64"))
        if score.isna().any():
            raise ValueError(f"no IDACI score for LSOA(s) "
                             f"{lsoa_ward.loc[score.isna(), 'lsoa21_code'].head(10).tolist()}")
        if (score < 0).any():
            raise ValueError("IDACI scores must not be negative")
        weights = kids * score
        method = "children_idaci"
    base = lsoa_ward[["lsoa21_code", "ward24_code"]].reset_index(drop=True).assign(
        _kids=kids.to_numpy(), _w=weights.to_numpy())
    published = implied_population(wards).set_index("ward24_code")
    out_cols: dict[str, list] = {f"{k}_{y}": [] for y in yrs for k in ("children", "population_under16")}
    # plain look-ups and lists, one frame at the end: a column set on a small frame per
    # ward costs more than the sharing itself
    figures = {col: published[col].to_dict() for col in out_cols}
    parts, weighting = [], []
    for ward, group in base.groupby("ward24_code", sort=True):
        group = group.sort_values("lsoa21_code")
        parts.append(group[["lsoa21_code", "ward24_code"]])
        ward_method = method
        codes = group["lsoa21_code"].tolist()
        for y in yrs:
            count = figures[f"children_{y}"].get(ward, pd.NA)
            pop = figures[f"population_under16_{y}"].get(ward, pd.NA)
            if pd.isna(count) or pd.isna(pop):
                out_cols[f"children_{y}"].extend([pd.NA] * len(group))
                out_cols[f"population_under16_{y}"].extend([pd.NA] * len(group))
                continue
            kid_w = group["_kids"].to_numpy()
            w = group["_w"].to_numpy()
            if w.sum() <= 0:
                w = np.ones(len(group))
                ward_method = "equal"
            if kid_w.sum() <= 0:
                kid_w = np.ones(len(group))
                ward_method = "equal"
            out_cols[f"population_under16_{y}"].extend(largest_remainder(int(pop), kid_w, tiebreak=codes))
            out_cols[f"children_{y}"].extend(largest_remainder(int(count), w, tiebreak=codes))
        weighting.extend([ward_method] * len(group))
    if parts:
        out = pd.concat(parts, ignore_index=True)
        for col, values in out_cols.items():
            out[col] = pd.array(values, dtype="Int64")
        out["weighting"] = weighting
    else:
        out = pd.DataFrame(columns=["lsoa21_code", "ward24_code", "weighting"] + list(out_cols))
        for col in out_cols:
            out[col] = pd.array([], dtype="Int64")
    out = out[["lsoa21_code", "ward24_code"] + list(out_cols) + ["weighting"]]
    out.attrs["unshared"] = sorted(set(base["ward24_code"]) - set(published.index))
    out.attrs["years"] = yrs
    return out


def place_figures(wards: pd.DataFrame, lsoa_ward: pd.DataFrame, place_lsoas, children: pd.Series,
                  idaci: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Children in low income families for a place: published if whole wards, else estimated.

    Parameters
    ----------
    wards : DataFrame
        The DWP ward table (``ward24_code, ward24_name`` and year columns).
    lsoa_ward : DataFrame
        ``lsoa21_code, ward24_code`` for (at least) every LSOA of the wards that the
        place touches (ONS best fit, May 2024).
    place_lsoas : iterable of str
        The place's LSOA 2021 codes.
    children, idaci : Series
        As for :func:`share_to_lsoas`. A place inside one ward is shared by children
        alone (``idaci`` is not used), so it takes the ward's published percentage.

    Returns
    -------
    place, by_ward : DataFrame, DataFrame
        ``place``: one row per year: ``year, children, population_under16, pct``
        (an estimate's percentage from the unrounded shares, see :func:`_estimated_pct`),
        ``method`` (``published`` or ``estimate``), ``weighting`` and ``status``
        (``"ok"`` or the reason there is no figure). ``by_ward``: one row per ward
        the place touches: ``ward24_code, ward24_name, lsoas_in_place, lsoas_in_ward,
        whole``, then per year the ward's published ``children_<year>, pct_<year>``
        and the place's part of it ``place_children_<year>``.

    Raises
    ------
    ValueError
        An LSOA of the place without a ward, or the inputs of :func:`share_to_lsoas`.
    """
    _check(wards, "wards", ["ward24_code", "ward24_name"])
    _check(lsoa_ward, "lsoa_ward", ["lsoa21_code", "ward24_code"])
    place = sorted(set(place_lsoas))
    if not place:
        raise ValueError("the place has no LSOAs")
    ward_of = lsoa_ward.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["ward24_code"]
    absent = [c for c in place if c not in ward_of.index]
    if absent:
        raise ValueError(f"LSOA(s) of the place with no May 2024 ward: {absent[:10]}")
    touched = sorted(set(ward_of.loc[place]))
    if len(touched) == 1:
        # inside one ward: shared by children alone, so the place takes its ward's published rate
        idaci = None
    members = lsoa_ward[lsoa_ward["ward24_code"].isin(touched)].drop_duplicates("lsoa21_code")
    yrs = years(wards)
    shares = share_to_lsoas(wards[wards["ward24_code"].isin(touched)], members, children, idaci)
    in_place = shares[shares["lsoa21_code"].isin(place)]
    published = implied_population(wards).set_index("ward24_code")
    names = wards.set_index("ward24_code")["ward24_name"]
    if "ward24_name" in lsoa_ward.columns:  # a ward DWP does not publish (City of London) keeps its ONS name
        names = names.combine_first(lsoa_ward.drop_duplicates("ward24_code").set_index("ward24_code")["ward24_name"])
    sizes = members.groupby("ward24_code")["lsoa21_code"].nunique()
    counts = in_place.groupby("ward24_code")["lsoa21_code"].nunique()
    by_ward = pd.DataFrame({"ward24_code": touched})
    by_ward["ward24_name"] = by_ward["ward24_code"].map(names)
    by_ward["lsoas_in_place"] = by_ward["ward24_code"].map(counts).fillna(0).astype("Int64")
    by_ward["lsoas_in_ward"] = by_ward["ward24_code"].map(sizes).astype("Int64")
    by_ward["whole"] = (by_ward["lsoas_in_place"] == by_ward["lsoas_in_ward"]).astype("boolean")
    whole = bool(by_ward["whole"].all())
    no_row = [w for w in touched if w not in published.index]
    rows = []
    for y in yrs:
        by_ward[f"children_{y}"] = by_ward["ward24_code"].map(wards.set_index("ward24_code")[f"children_{y}"])
        by_ward[f"pct_{y}"] = by_ward["ward24_code"].map(wards.set_index("ward24_code")[f"pct_{y}"])
        part = in_place.groupby("ward24_code")[f"children_{y}"].sum(min_count=1)
        by_ward[f"place_children_{y}"] = by_ward["ward24_code"].map(part).astype("Int64")
        row = {"year": y, "children": pd.NA, "population_under16": pd.NA, "pct": float("nan"),
               "method": PUBLISHED if whole else ESTIMATE,
               "weighting": "" if whole else str(shares["weighting"].iloc[0]) if len(shares) else "",
               "status": "ok"}
        suppressed = [names.get(w, w) for w in touched if w in published.index
                      and (pd.isna(published.at[w, f"children_{y}"])
                           or pd.isna(published.at[w, f"population_under16_{y}"]))]
        if no_row:
            row["status"] = f"ward(s) {', '.join(no_row)} have no row in the DWP ward table"
        elif suppressed:
            row["status"] = (f"the figure for {', '.join(suppressed)} is suppressed or has no percentage, "
                             "so the place's total cannot be given")
        else:
            if whole:
                sel = published.loc[touched]
                n, d = int(sel[f"children_{y}"].sum()), int(sel[f"population_under16_{y}"].sum())
                pct = 100 * n / d if d else float("nan")
            else:
                n = int(in_place[f"children_{y}"].sum())
                d = int(in_place[f"population_under16_{y}"].sum())
                pct = _estimated_pct(published, wards, members, place, children, idaci, touched, y)
            row.update(children=n, population_under16=d, pct=pct if d else float("nan"))
            if not d:
                row["status"] = "no children under 16 in the place's share of its wards"
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("children", "population_under16"):
        out[col] = out[col].astype("Int64")
    out["pct"] = out["pct"].astype("float64")
    for col in [c for c in by_ward.columns if c.startswith("children_")]:
        by_ward[col] = by_ward[col].astype("Int64")
    return out, by_ward


def _estimated_pct(published: pd.DataFrame, wards: pd.DataFrame, members: pd.DataFrame, place: list[str],
                   children: pd.Series, idaci: pd.Series | None, touched: list[str], year: str) -> float:
    """The place's estimated percentage, from the unrounded shares of its wards.

    The whole-number shares a page shows are rounded child by child; dividing them
    would move the percentage (36.3% for a ward published at 36.2%). Here each ward's
    count and population are shared out exactly, in the same proportions as
    :func:`share_to_lsoas`, and divided before anything is rounded. A place inside
    one ward takes that ward's published percentage: sharing out by children alone
    gives every neighbourhood its ward's rate, and the published figure is the one a
    partner can look up.
    """
    if len(touched) == 1:
        return float(wards.set_index("ward24_code").at[touched[0], f"pct_{year}"])
    kids = pd.Series(children, dtype="float64")
    score = pd.Series(idaci, dtype="float64") if idaci is not None else None
    inside = set(place)
    n = d = 0.0
    for ward in touched:
        codes = members.loc[members["ward24_code"] == ward, "lsoa21_code"].tolist()
        mask = np.array([c in inside for c in codes])
        k = kids.reindex(codes).to_numpy()
        w = k * score.reindex(codes).to_numpy() if score is not None else k
        share_k = k[mask].sum() / k.sum() if k.sum() > 0 else mask.mean()
        share_w = w[mask].sum() / w.sum() if w.sum() > 0 else mask.mean()
        n += float(published.at[ward, f"children_{year}"]) * share_w
        d += float(published.at[ward, f"population_under16_{year}"]) * share_k
    return 100 * n / d if d else float("nan")


def area_figures(la_table: pd.DataFrame, lad_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Published figures of one local authority and of England from the DWP LA table.

    England is the sum over English authorities (codes starting E); an authority
    with a suppressed figure is left out of both the count and the population for
    that year, and the number left out is given in ``note``.

    Returns
    -------
    la, england : DataFrame
        One row per year: ``year, children, population_under16, pct, status, note``.
    """
    _check(la_table, "la_table", ["lad24_code"])
    table = implied_population(la_table)
    yrs = years(la_table)
    la_row = table[table["lad24_code"] == lad_code]
    england = table[table["lad24_code"].astype(str).str.startswith("E")]
    la_rows, eng_rows = [], []
    for y in yrs:
        n_col, d_col = f"children_{y}", f"population_under16_{y}"
        rec = {"year": y, "children": pd.NA, "population_under16": pd.NA, "pct": float("nan"),
               "status": "ok", "note": ""}
        if la_row.empty:
            rec["status"] = f"{lad_code} has no row in the DWP local authority table"
        elif pd.isna(la_row[n_col].iloc[0]) or pd.isna(la_row[d_col].iloc[0]):
            rec["status"] = "the local authority's figure is suppressed"
        else:
            n, d = int(la_row[n_col].iloc[0]), int(la_row[d_col].iloc[0])
            rec.update(children=n, population_under16=d, pct=100 * n / d)
        la_rows.append(rec)
        known = england[england[n_col].notna() & england[d_col].notna()]
        n, d = int(known[n_col].sum()), int(known[d_col].sum())
        left = len(england) - len(known)
        eng_rows.append({"year": y, "children": n, "population_under16": d,
                         "pct": 100 * n / d if d else float("nan"), "status": "ok" if d else "no figures",
                         "note": (f"{left} authority(ies) with suppressed figures left out of both the "
                                  "count and the population") if left else ""})
    out = []
    for rows in (la_rows, eng_rows):
        frame = pd.DataFrame(rows)
        for col in ("children", "population_under16"):
            frame[col] = frame[col].astype("Int64")
        out.append(frame)
    return out[0], out[1]


def for_place(place, measure: str = RELATIVE_AHC) -> dict[str, pd.DataFrame | str]:
    """Children in low income families for a place, its local authority and England.

    Reads the processed DWP tables of every release planned for ``measure`` that the data
    folder holds (:func:`release_tables`), the LSOA to ward lookup, Census TS007A and (if
    fetched) IoD 2025 File 7's IDACI scores through the place's accessors, and calls
    :func:`place_figures` and :func:`area_figures`.

    Parameters
    ----------
    place : Place
        A resolved place.
    measure : str
        ``relative_ahc`` (after housing costs, the pages' figure) or ``relative_bhc``.

    Returns
    -------
    dict
        ``place``, ``by_ward``, ``la``, ``england`` (frames as those functions give),
        ``weighting`` (plain words; empty when the place is made of whole wards),
        ``sources`` (``{FYE yyyy: release id}``) and ``plan`` (:func:`ccdata.io.dwp_releases.plan`
        on what the data folder holds: every year, its release or why it is not joined).

    Raises
    ------
    MissingDataError
        When no DWP table of ``measure``, the ward lookup or Census TS007A is available.
    """
    if measure not in dwp_releases.MEASURE_WORDS:
        raise ValueError(f"measure must be one of {sorted(dwp_releases.MEASURE_WORDS)}, not {measure!r}")
    # the dashboard's indicators, key findings and low-income section each ask: computed once
    key = "child_poverty.for_place" if measure == RELATIVE_AHC else f"child_poverty.for_place:{measure}"
    return place.remembered(key, lambda: _for_place(place, measure))


def release_tables(place, measure: str = RELATIVE_AHC) -> dict:
    """The ward and authority tables of ``measure``, each year from the release planned for it.

    Every release is asked for (:data:`ccdata.io.dwp_releases.RELEASES`); those the data
    folder holds are read. Each year comes from the latest held-or-declared release of the
    newest series (:func:`ccdata.io.dwp_releases.plan`); an earlier release's ward table is
    put on the May 2024 wards first (:func:`ccdata.io.dwp_releases.align_wards`: unchanged
    wards, or a declared crosswalk; other wards of it give their authority's figure only).

    Returns
    -------
    dict
        ``wards`` (``ward24_code, ward24_name`` and year columns), ``la`` (``lad24_code`` and
        year columns), ``plan``, ``sources`` (``{FYE yyyy: release id}``), ``covered``
        (``{release id: May 2024 wards it gives figures for}``, ``None`` for the current
        wards), ``left_out`` (``{release id: [(ward, reason)]}``) and ``estimated``
        (``{release id: May 2024 wards shared out through a crosswalk}``).

    Raises
    ------
    MissingDataError
        When the data folder holds no table of ``measure``.
    """
    wards_of, la_of, held = {}, {}, {}
    for release in dwp_releases.RELEASES:
        wt, lt = release.table(measure, "ward"), release.table(measure, "la")
        if wt is None or lt is None:
            continue
        try:
            wards_of[release.id], la_of[release.id] = place.table(wt.dataset_id), place.table(lt.dataset_id)
        except MissingDataError:  # not fetched: its years are listed as missing, never guessed
            continue
        held[release.id] = [int(y[3:]) for y in years(wards_of[release.id])]
    if not wards_of:
        first = dwp_releases.RELEASES[0].table(measure, "ward")
        hint = (f"run `ccdata fetch {first.dataset_id}`" if getattr(place, "collection", "") != config.DEMO
                else "the fictional demo data has none")
        raise MissingDataError(f"no DWP children in low income families table ({measure.replace('_', ' ')}) "
                               f"is in the data folder; {hint}")
    schedule = dwp_releases.plan(dwp_releases.RELEASES, measure, held=held)
    used = [r for r in dict.fromkeys(schedule["release"]) if r in wards_of]
    sources = {rec.year: rec.release for rec in schedule.itertuples() if rec.release in wards_of}
    if used == [dwp_releases.RELEASES[0].id]:  # the current release alone: its tables as read
        only = used[0]
        return {"wards": wards_of[only], "la": la_of[only], "plan": schedule, "sources": sources,
                "covered": {only: None}, "left_out": {}, "estimated": {}}
    current = place.table("lsoa21_geography")[["ward24_code", "ward24_name"]].drop_duplicates("ward24_code")
    crosswalk = dwp_releases.load_crosswalks()
    ward_tables, la_tables, covered, left_out, estimated = {}, {}, {}, {}, {}
    for rid in used:
        table = wards_of[rid]
        code = next(c for c in table.columns if str(c).startswith("ward") and str(c).endswith("_code"))
        aligned = dwp_releases.align_wards(table, code, current["ward24_code"], crosswalk, release=rid)
        ward_tables[rid] = aligned
        covered[rid] = set(aligned["ward24_code"])
        left_out[rid], estimated[rid] = aligned.attrs["left_out"], aligned.attrs["estimated"]
        la = la_of[rid]
        lad = next(c for c in la.columns if str(c).startswith("lad") and str(c).endswith("_code"))
        la_tables[rid] = la.rename(columns={lad: "lad24_code"})
    wards = dwp_releases.combine_years(ward_tables, schedule, "ward24_code")
    wards = wards.merge(current, on="ward24_code", how="left")
    la = dwp_releases.combine_years(la_tables, schedule, "lad24_code")
    return {"wards": wards, "la": la, "plan": schedule, "sources": sources, "covered": covered,
            "left_out": left_out, "estimated": estimated}


def _mark_release_gaps(figures: pd.DataFrame, by_ward: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """Say why a year from an earlier release has no place figure, and mark crosswalked years as estimates."""
    out = figures.copy()
    touched = set(by_ward["ward24_code"])
    for i, rec in out.iterrows():
        rid = tables["sources"].get(f"FYE {str(rec['year'])[3:]}")
        covered = tables["covered"].get(rid)
        if covered is None:
            continue
        absent = sorted(touched - covered)
        if absent:
            out.at[i, "status"] = (f"ward(s) {', '.join(absent)} did not exist when DWP published this year "
                                   "(the wards were redrawn) and no crosswalk is declared, so only the "
                                   "local authority's figure is given")
        elif touched & set(tables["estimated"].get(rid, ())):
            out.at[i, "method"] = ESTIMATE
    return out


def _for_place(place, measure: str) -> dict[str, pd.DataFrame | str]:
    tables = release_tables(place, measure)
    wards = tables["wards"]
    geo = place.table("lsoa21_geography")[["lsoa21_code", "ward24_code", "ward24_name"]]
    # England's LSOAs: the same for every place (made once per process and data state)
    children = build.derived("children under 16", ("census21_ts007a",), place.collection,
                             children_under16).copy(deep=False)
    idaci = None
    try:
        iod = iod_lsoa21("iod2025", place.collection)
        if "idaci_score" in iod and iod["idaci_score"].notna().all():
            idaci = iod.set_index("lsoa21_code")["idaci_score"]
    except MissingDataError:  # IDACI weighting is optional; children alone are used without it
        idaci = None
    figures, by_ward = place_figures(wards, geo, place.lsoa21, children, idaci)
    if any(c is not None for c in tables["covered"].values()):  # earlier releases joined
        figures = _mark_release_gaps(figures, by_ward, tables)
    la, england = area_figures(tables["la"], place.lad_code)
    weighting = "" if (figures["method"] == PUBLISHED).all() else WEIGHTING.get(
        str(figures["weighting"].iloc[0]), "equal shares")
    return {"place": figures, "by_ward": by_ward, "la": la, "england": england, "weighting": weighting,
            "sources": tables["sources"], "plan": tables["plan"]}
