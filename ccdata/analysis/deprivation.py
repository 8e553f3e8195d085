"""Deprivation summaries for a place, its local authority and England.

Ranks and deciles are national (1 = most deprived) and are never averaged: an area
is described by the *distribution* of its LSOAs and residents across deciles, by the
share of LSOAs in the most deprived 10%, and by the MHCLG "extent" measure.
The place is made of LSOA 2021, so IoD2019 is shown for it through the crosswalk in
:mod:`ccdata.geo.crosswalk`; the local authority and England rows are computed on each
edition's own LSOAs (:func:`comparator_rows`, the processed table ``iod_comparators``)
so that they equal the published local authority summaries.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ccdata.errors import MissingDataError
from ccdata.geo import build
from ccdata.geo.geography import imd_extent, share_most_deprived
from ccdata.schemas import check_frame

EDITIONS = {"iod2019": "IoD 2019", "iod2025": "IoD 2025"}
#: LSOAs ranked nationally in each edition (England).
N_NATIONAL = {"iod2019": 32_844, "iod2025": 33_755}
#: Domain columns (``<domain>_rank``/``_decile``) with the labels readers see.
DOMAINS = {"imd": "Index of Multiple Deprivation", "income": "Income", "employment": "Employment",
           "education": "Education, skills and training", "health": "Health and disability",
           "crime": "Crime", "barriers": "Barriers to housing and services",
           "living_env": "Living environment",
           "idaci": "Income deprivation affecting children (IDACI)",
           "idaopi": "Income deprivation affecting older people (IDAOPI)"}
#: England's code, for the country row of the comparator table.
ENGLAND_CODE = "E92000001"
#: What each edition's local authority and England rows are computed on.
COMPARATOR_BASIS = {
    "iod2019": ("The local authority and England figures for IoD 2019 are computed on the 2011 "
                "neighbourhoods the index was published for, so they match the official local "
                "authority summaries; the place itself is made of 2021 neighbourhoods, so its IoD 2019 "
                "figures come through the ONS lookup between the two (see Data and methods)."),
    "iod2025": ("IoD 2025 was published for 2021 neighbourhoods, the same ones the place is made of, "
                "so the place, local authority and England figures are all computed on them."),
}
#: Columns of :func:`comparator_rows` (and of the processed table ``iod_comparators``).
DECILES = tuple(range(1, 11))
COMPARATOR_COLUMNS = (
    ["edition", "area_type", "area_code", "area_name", "lad24_code", "for_lad24", "lsoas",
     "lsoas_most_deprived_10", "pct_lsoas_most_deprived_10", "extent", "lsoas_idaci_most_deprived_10",
     "pct_lsoas_idaci_most_deprived_10", "median_imd_rank", "average_imd_rank", "population",
     "lsoas_missing_population"]
    + [f"lsoas_decile_{d}" for d in DECILES] + [f"residents_decile_{d}" for d in DECILES]
    + ["population_source", "note"])
#: Integer count columns of the comparator table (kept as nullable integers, never floats).
COMPARATOR_COUNTS = (["lsoas", "lsoas_most_deprived_10", "lsoas_idaci_most_deprived_10", "population",
                      "lsoas_missing_population"]
                     + [f"lsoas_decile_{d}" for d in DECILES] + [f"residents_decile_{d}" for d in DECILES])
POPULATION_NOTE = ("Residents of the place are its Census 2021 usual residents, for both editions. "
                   "The local authority and England are counted as in the official summaries: for "
                   "IoD 2019 on 2011 neighbourhoods with the index's own mid-2015 population, for "
                   "IoD 2025 on 2021 neighbourhoods.")


def population_note(editions) -> str:
    """Which residents the decile chart counts, for the editions shown."""
    editions = [_check_edition(e) for e in editions]
    if editions == ["iod2025"]:
        return ("Residents are Census 2021 usual residents of each 2021 neighbourhood, for the place, "
                "the local authority and England.")
    return POPULATION_NOTE


def _check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {list(EDITIONS)}, not {edition!r}")
    return edition


def lsoa_population(place) -> pd.Series | None:
    """Census 2021 usual residents per LSOA 2021 (whole country), or ``None`` if not fetched."""
    try:
        ts = place.table("census21_ts007a")
    except MissingDataError:
        return None
    return ts.set_index("lsoa21_code")["total"].astype("Float64")


def comparators(place, edition: str) -> dict[str, pd.Series]:
    """The published-geography comparator rows (``la``, ``england``) of the place's LA.

    Read from the processed table ``iod_comparators`` (built once by ``ccdata build``).
    """
    _check_edition(edition)
    return comparator(build.table(COMPARATORS_STEP, place.collection), edition, place.lad_code)


def _place_frame(place, edition: str) -> pd.DataFrame:
    return place.deprivation(edition, area="place")


def decile_distribution(place, edition: str, column: str = "imd_decile") -> pd.DataFrame:
    """Share of LSOAs and of residents in each national decile, per area.

    The place is counted on its 2021 LSOAs; the local authority and England on the
    edition's own LSOAs, as published (:func:`comparator_rows`; for IMD deciles only,
    other columns are counted on 2021 LSOAs for every area).

    Returns
    -------
    DataFrame
        ``edition, area, area_name, decile, lsoas, residents, pct_lsoas, pct_residents``
        (ten rows per area; ``residents`` missing when no population is available).
    """
    _check_edition(edition)
    pop = lsoa_population(place)
    names = {a.id: a.name for a in place.areas()}
    published = comparators(place, edition) if column == "imd_decile" else {}
    rows = []
    for area in names:
        if area in published:
            rec = published[area]
            n = int(rec["lsoas"])
            counts = [(int(rec[f"lsoas_decile_{d}"]), rec[f"residents_decile_{d}"]) for d in DECILES]
            total_pop = rec["population"]
        else:
            frame = place.deprivation(edition, area=area)
            if column not in frame:
                raise MissingDataError(f"{EDITIONS[edition]} has no column {column!r} for this place")
            data = frame[["lsoa21_code", column]].copy()
            data["residents"] = data["lsoa21_code"].map(pop) if pop is not None else pd.NA
            n = len(data)
            total_pop = data["residents"].sum(min_count=1) if pop is not None else pd.NA
            counts = []
            for decile in DECILES:
                sel = data[data[column] == decile]
                # a decile with no LSOAs has no residents (0%, not missing); min_count=1 keeps a
                # decile whose LSOAs all lack a population missing rather than zero
                residents = (sel["residents"].sum(min_count=1 if len(sel) else 0)
                             if pop is not None else pd.NA)
                counts.append((len(sel), residents))
        for decile, (lsoas, residents) in zip(DECILES, counts):
            known = not pd.isna(residents) and not pd.isna(total_pop) and total_pop
            rows.append({"edition": EDITIONS[edition], "area": area, "area_name": names[area],
                         "decile": decile, "lsoas": lsoas,
                         "residents": pd.NA if pd.isna(residents) else int(residents),
                         "pct_lsoas": 100 * lsoas / n if n else float("nan"),
                         "pct_residents": 100 * residents / total_pop if known else float("nan")})
    out = pd.DataFrame(rows)
    out["lsoas"] = out["lsoas"].astype("Int64")
    out["residents"] = out["residents"].astype("Int64")
    return out


#: Columns of :func:`summary`.
SUMMARY_COLUMNS = ["edition", "area", "area_name", "lsoas", "lsoas_most_deprived_10",
                   "pct_lsoas_most_deprived_10", "extent", "pct_lsoas_idaci_most_deprived_10",
                   "median_imd_rank", "basis", "note"]


def summary(place, edition: str) -> pd.DataFrame:
    """Headline deprivation measures per area.

    Columns :data:`SUMMARY_COLUMNS`. ``extent`` is the MHCLG measure (share of
    residents in the most deprived 30% of LSOAs, weighted from 1 at the 10% line to 0
    at 30%). The place is measured on its 2021 LSOAs with Census 2021 residents; the
    local authority and England rows come from ``iod_comparators``, computed on the
    edition's own LSOAs and population, so they equal the published summaries.
    ``basis`` says which; ``note`` says where an authority changed since the edition.
    """
    _check_edition(edition)  # the key findings, the deprivation section and the summaries each ask:
    return place.remembered(f"deprivation.summary:{edition}", lambda: _summary(place, edition))


def _summary(place, edition: str) -> pd.DataFrame:
    pop = lsoa_population(place)
    names = {a.id: a.name for a in place.areas()}
    published = comparators(place, edition)
    rows = []
    for area in names:
        if area in published:
            rec = published[area]
            rows.append({"edition": EDITIONS[edition], "area": area, "area_name": names[area],
                         **{c: rec[c] for c in ("lsoas", "lsoas_most_deprived_10", "pct_lsoas_most_deprived_10",
                                                "extent", "pct_lsoas_idaci_most_deprived_10", "median_imd_rank")},
                         "basis": (f"{'2011' if edition == 'iod2019' else '2021'} neighbourhoods, as published; "
                                   f"{rec['population_source'] or 'no population'}"),
                         "note": rec["note"] or ""})
            continue
        if area != "place":
            rows.append({"edition": EDITIONS[edition], "area": area, "area_name": names[area],
                         "basis": "", "note": f"{EDITIONS[edition]} has no summary for this authority"})
            continue
        frame = _place_frame(place, edition)
        n = len(frame)
        row = {"edition": EDITIONS[edition], "area": area, "area_name": names[area], "lsoas": n,
               "lsoas_most_deprived_10": int((frame["imd_decile"] == 1).sum()),
               "pct_lsoas_most_deprived_10": 100 * share_most_deprived(frame["imd_decile"], 1)
               if n else float("nan"),
               "median_imd_rank": float(frame["imd_rank"].median()) if n else float("nan"),
               "basis": ("2021 neighbourhoods" + (" (IoD 2019 through the ONS lookup)" if edition == "iod2019"
                                                  else "") + "; Census 2021 usual residents"),
               "note": ""}
        if pop is not None and n:
            weights = frame["lsoa21_code"].map(pop)
            row["extent"] = 100 * imd_extent(frame["imd_rank"], weights, N_NATIONAL[edition])
        if "idaci_decile" in frame and n and frame["idaci_decile"].notna().all():
            row["pct_lsoas_idaci_most_deprived_10"] = 100 * share_most_deprived(frame["idaci_decile"], 1)
        rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=SUMMARY_COLUMNS)
    for col in ("lsoas", "lsoas_most_deprived_10"):
        out[col] = out[col].astype("Int64")
    for col in ("pct_lsoas_most_deprived_10", "extent", "pct_lsoas_idaci_most_deprived_10", "median_imd_rank"):
        out[col] = pd.to_numeric(out[col]).astype("Float64")
    return out


def national_rank(ranks: pd.DataFrame, edition: str, code: str, name: str, domain: str = "imd",
                  measure: str = "average_score") -> str | None:
    """The authority's national rank in the published summaries, in plain words.

    Parameters
    ----------
    ranks : DataFrame
        A loaded ``iod2019_lad_summary`` / ``iod2025_lad_summary`` table.
    code, name : str
        The authority's code in the edition's vintage, and the name to print.
    measure : {"average_score", "average_rank", "proportion_most_deprived_10"}

    Returns
    -------
    str or None
        e.g. ``"Tameside is 44th most deprived of 296 local authorities on average
        score (IoD 2025)."``; ``None`` when the authority is not in the table.

    Examples
    --------
    >>> t = pd.DataFrame({"lad24_code": ["E1", "E2"], "domain": ["imd", "imd"],
    ...                   "rank_average_score": [2, 1]})
    >>> national_rank(t, "iod2025", "E1", "Town")
    'Town is 2nd most deprived of 2 local authorities on average score (IoD 2025).'
    """
    _check_edition(edition)
    words = {"average_score": "average score", "average_rank": "average rank",
             "proportion_most_deprived_10": "the share of its neighbourhoods in the most deprived 10%"}
    if measure not in words:
        raise ValueError(f"measure must be one of {list(words)}, not {measure!r}")
    code_col = next((c for c in ranks.columns if c.startswith("lad") and c.endswith("_code")), None)
    if code_col is None or "domain" not in ranks or f"rank_{measure}" not in ranks:
        raise ValueError("expected a loaded IoD local authority summary table")
    table = ranks[ranks["domain"] == domain]
    row = table[table[code_col] == code]
    if row.empty or pd.isna(row[f"rank_{measure}"].iloc[0]):
        return None
    rank = int(row[f"rank_{measure}"].iloc[0])
    return (f"{name} is {_ordinal(rank)} most deprived of {len(table):,} local authorities on "
            f"{words[measure]} ({EDITIONS[edition]}).")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def lsoa_table(place, edition: str) -> pd.DataFrame:
    """One row per place LSOA: ward, IMD rank and decile, and every domain decile published."""
    _check_edition(edition)
    frame = place.deprivation(edition)
    geo = place.table("lsoa21_geography")[["lsoa21_code", "lsoa21_name", "ward24_name"]]
    out = geo[geo["lsoa21_code"].isin(place.lsoa21)].merge(frame, on="lsoa21_code", how="left",
                                                            suffixes=("", "_iod"))
    cols = {"lsoa21_code": "LSOA 2021", "lsoa21_name": "LSOA name", "ward24_name": "Ward (2024)",
            "imd_rank": "IMD rank"}
    for key, label in DOMAINS.items():
        if f"{key}_decile" in out:
            cols[f"{key}_decile"] = f"{label} decile" if key != "imd" else "IMD decile"
    if "method" in out:
        cols["method"] = "How derived"
    return out[list(cols)].rename(columns=cols).sort_values("IMD rank").reset_index(drop=True)


def compare_editions(place) -> pd.DataFrame:
    """Each place LSOA's IMD decile in 2019 (on LSOA 2021) and 2025, and the change."""
    a = place.deprivation("iod2019")[["lsoa21_code", "imd_decile"]].rename(
        columns={"imd_decile": "IMD decile 2019"})
    b = place.deprivation("iod2025")[["lsoa21_code", "imd_decile"]].rename(
        columns={"imd_decile": "IMD decile 2025"})
    out = a.merge(b, on="lsoa21_code", how="outer").rename(columns={"lsoa21_code": "LSOA 2021"})
    out["Change (deciles; negative = more deprived)"] = out["IMD decile 2025"] - out["IMD decile 2019"]
    return out.sort_values("LSOA 2021").reset_index(drop=True)


# --------------------------------------------------------------------------- comparators as published
def _area_row(frame: pd.DataFrame, code_col: str, population: pd.Series | None, n_national: int) -> dict:
    """Summary measures of one area from its LSOA rows on the edition's own geography."""

    n = len(frame)
    deciles = frame["imd_decile"].astype("int64")
    row: dict = {"lsoas": n, "lsoas_most_deprived_10": int((deciles == 1).sum())}
    row["pct_lsoas_most_deprived_10"] = 100 * row["lsoas_most_deprived_10"] / n
    row["median_imd_rank"] = float(frame["imd_rank"].median())
    if "idaci_decile" in frame and frame["idaci_decile"].notna().all():
        row["lsoas_idaci_most_deprived_10"] = int((frame["idaci_decile"] == 1).sum())
        row["pct_lsoas_idaci_most_deprived_10"] = 100 * row["lsoas_idaci_most_deprived_10"] / n
    for d in DECILES:
        row[f"lsoas_decile_{d}"] = int((deciles == d).sum())
    if population is not None:
        pop = frame[code_col].map(population)
        missing = int(pop.isna().sum())
        row["lsoas_missing_population"] = missing
        if missing == 0:
            weights = pop.astype("int64")
            row["population"] = int(weights.sum())
            row["extent"] = 100 * imd_extent(frame["imd_rank"], weights, n_national)
            # File 10's "average rank" counts ranks from the least deprived (n + 1 - rank),
            # so a higher average means more deprived; kept on the published scale
            row["average_imd_rank"] = float(np.average(n_national + 1 - frame["imd_rank"].astype("float64"),
                                                       weights=weights))
            for d in DECILES:
                row[f"residents_decile_{d}"] = int(weights[deciles.to_numpy() == d].sum())
    return row


def comparator_rows(iod: pd.DataFrame, edition: str, *, code_col: str, area_code: str, area_name: str,
                    population: pd.Series | None = None, population_source: str = "") -> pd.DataFrame:
    """Local authority and England deprivation summaries on an edition's own LSOAs.

    Each area is summarised from the LSOAs the edition was published for (IoD 2019:
    LSOA 2011 and LAD 2019; IoD 2025: LSOA 2021 and LAD 2024), so the figures are the
    ones MHCLG publishes in its local authority summaries (File 10).

    Parameters
    ----------
    iod : DataFrame
        One row per LSOA of the edition: ``code_col``, ``area_code``, ``area_name``,
        ``imd_rank``, ``imd_decile`` and optionally ``idaci_decile``.
    edition : {"iod2019", "iod2025"}
    code_col : str
        LSOA code column (``lsoa11_code`` or ``lsoa21_code``).
    area_code, area_name : str
        Columns naming each LSOA's local authority in the edition.
    population : Series, optional
        Whole-number residents per LSOA code (the edition's denominators, or Census
        2021 residents), used for extent, the population-weighted average rank and
        residents per decile. An area with an LSOA lacking a population gets none of
        these (``lsoas_missing_population`` says how many). ``average_imd_rank`` is
        File 10's average rank: the population-weighted mean of ``n_national + 1 -
        rank``, so higher means more deprived.
    population_source : str
        Plain words naming the population, stored with each row.

    Returns
    -------
    DataFrame
        :data:`COMPARATOR_COLUMNS`, one row per authority (``area_type`` ``"lad"``)
        and one for England (``"country"``: every LSOA whose code starts with E).
        Counts are nullable integers; percentages are 0-100. ``lad24_code`` and
        ``for_lad24`` are left for :func:`comparator_table` to fill.

    Raises
    ------
    ValueError
        Unknown edition, missing columns, a repeated LSOA, ranks or deciles missing
        or out of range.

    Examples
    --------
    Two authorities of two LSOAs each; one LSOA in decile 1:

    >>> iod = pd.DataFrame({"lsoa21_code": ["E01000001", "E01000002", "E01000003", "E01000004"],
    ...                     "lad": ["E09000001", "E09000001", "E09000002", "E09000002"],
    ...                     "name": ["A", "A", "B", "B"], "imd_rank": [1, 30000, 20000, 33000],
    ...                     "imd_decile": [1, 9, 6, 10]})
    >>> rows = comparator_rows(iod, "iod2025", code_col="lsoa21_code", area_code="lad", area_name="name")
    >>> rows[["area_code", "lsoas", "lsoas_most_deprived_10"]].values.tolist()
    [['E09000001', 2, 1], ['E09000002', 2, 0], ['E92000001', 4, 1]]
    """
    _check_edition(edition)
    check_frame(iod, "iod", [code_col, area_code, area_name, "imd_rank", "imd_decile"])
    repeated = iod[code_col][iod[code_col].duplicated()]
    if len(repeated):
        raise ValueError(f"LSOA(s) listed twice in the IoD table: {sorted(repeated)[:10]}")
    bad = iod[iod["imd_rank"].isna() | iod["imd_decile"].isna() | ~iod["imd_decile"].isin(DECILES)
              | (iod["imd_rank"] < 1) | (iod["imd_rank"] > N_NATIONAL[edition])]
    if len(bad):
        raise ValueError(f"{len(bad)} LSOA(s) with a missing or out-of-range IMD rank or decile, "
                         f"e.g. {bad[code_col].head(5).tolist()}")
    if population is not None:
        population = pd.Series(population)
        if population.index.duplicated().any():
            raise ValueError("population is given twice for some LSOAs")
        values = population.dropna().astype("float64")
        if (values < 0).any() or (values != values.round()).any():
            raise ValueError("population must be whole numbers, not negative")
    n_national = N_NATIONAL[edition]
    rows = []
    for (code, name), frame in iod.groupby([area_code, area_name], sort=True):
        rows.append({"area_type": "lad", "area_code": code, "area_name": name,
                     **_area_row(frame, code_col, population, n_national)})
    england = iod[iod[code_col].astype(str).str.startswith("E")]
    if len(england):
        rows.append({"area_type": "country", "area_code": ENGLAND_CODE, "area_name": "England",
                     **_area_row(england, code_col, population, n_national)})
    out = pd.DataFrame(rows)
    out.insert(0, "edition", edition)
    out["population_source"] = population_source if population is not None else ""
    out["note"] = ""
    for col in COMPARATOR_COLUMNS:
        if col not in out:
            out[col] = pd.NA
    for col in COMPARATOR_COUNTS:
        out[col] = out[col].astype("Int64")
    for col in ("pct_lsoas_most_deprived_10", "extent", "pct_lsoas_idaci_most_deprived_10",
                "median_imd_rank", "average_imd_rank"):
        out[col] = out[col].astype("Float64")
    out["for_lad24"] = out["for_lad24"].astype("boolean")
    return out[COMPARATOR_COLUMNS].reset_index(drop=True)


def current_authorities(lsoa_area: pd.DataFrame, lsoa_lad24: pd.DataFrame, *, code_col: str,
                        area_code: str) -> pd.DataFrame:
    """Which current (2024) local authority each of an edition's authorities lies in.

    Parameters
    ----------
    lsoa_area : DataFrame
        ``code_col`` and ``area_code``: each LSOA's authority in the edition.
    lsoa_lad24 : DataFrame
        ``code_col`` and ``lad24_code``: the 2024 authority of each LSOA (an LSOA
        2011 split between two authorities may appear twice).

    Returns
    -------
    DataFrame
        ``area_code, lad24_code, lsoas, lsoas_in_lad24, whole`` (``whole``: all of the
        authority's LSOAs lie in that 2024 authority). Authorities whose LSOAs have no
        2024 authority are listed with a missing ``lad24_code``.
    """
    for frame, cols, name in ((lsoa_area, [code_col, area_code], "lsoa_area"),
                              (lsoa_lad24, [code_col, "lad24_code"], "lsoa_lad24")):
        check_frame(frame, name, cols)
    pairs = lsoa_area[[code_col, area_code]].merge(
        lsoa_lad24[[code_col, "lad24_code"]].drop_duplicates(), on=code_col, how="left")
    counts = (pairs.groupby([area_code, "lad24_code"], dropna=False)[code_col].nunique()
              .rename("lsoas_in_lad24").reset_index())
    totals = lsoa_area.groupby(area_code)[code_col].nunique().rename("lsoas")
    counts = counts.sort_values([area_code, "lsoas_in_lad24", "lad24_code"], ascending=[True, False, True])
    best = counts.drop_duplicates(area_code).set_index(area_code)
    out = pd.DataFrame({"area_code": totals.index, "lad24_code": best["lad24_code"].reindex(totals.index).values,
                        "lsoas": totals.values.astype("int64"),
                        "lsoas_in_lad24": best["lsoas_in_lad24"].reindex(totals.index).values.astype("int64")})
    out["whole"] = out["lsoas"] == out["lsoas_in_lad24"]
    return out.reset_index(drop=True)


def comparator_table(iod: pd.DataFrame, edition: str, *, code_col: str, area_code: str, area_name: str,
                     population: pd.Series | None = None, population_source: str = "",
                     current: pd.DataFrame | None = None, lad24_names: dict | None = None) -> pd.DataFrame:
    """:func:`comparator_rows` plus the link of each authority to its 2024 authority.

    For IoD 2025 the authorities are already those of 2024. For IoD 2019 (LAD 2019),
    ``current`` (from :func:`current_authorities`) gives each 2019 authority's 2024
    authority; a 2024 authority made of several 2019 ones (Buckinghamshire, North
    Yorkshire ...) gets an extra row (``area_type`` ``"combined"``) computed on all
    their LSOAs, with a note naming them. ``for_lad24`` marks the one row to use for
    each 2024 authority.
    """
    rows = comparator_rows(iod, edition, code_col=code_col, area_code=area_code, area_name=area_name,
                           population=population, population_source=population_source)
    lads = rows["area_type"] == "lad"
    rows.loc[rows["area_type"] == "country", ["lad24_code", "for_lad24"]] = [ENGLAND_CODE, True]
    if current is None:
        rows.loc[lads, "lad24_code"] = rows.loc[lads, "area_code"]
        rows.loc[lads, "for_lad24"] = True
        return rows
    link = current.set_index("area_code")
    rows.loc[lads, "lad24_code"] = rows.loc[lads, "area_code"].map(link["lad24_code"])
    names = dict(zip(rows["area_code"], rows["area_name"]))
    extra = []
    for lad24, group in rows[lads & rows["lad24_code"].notna()].groupby("lad24_code"):
        olds = list(group["area_code"])
        now = (lad24_names or {}).get(lad24, lad24)
        if len(olds) == 1:
            rows.loc[group.index, "for_lad24"] = True
            if olds[0] != lad24:
                rows.loc[group.index, "note"] = (
                    f"{EDITIONS[edition]} was published for {names[olds[0]]} under its former code "
                    f"{olds[0]}; it is now {now} ({lad24}).")
            continue
        rows.loc[group.index, "for_lad24"] = False
        lsoas = iod[iod[area_code].isin(olds)].assign(**{area_code: lad24, area_name: now})
        combined = comparator_rows(lsoas, edition, code_col=code_col, area_code=area_code,
                                   area_name=area_name, population=population,
                                   population_source=population_source)
        combined = combined[combined["area_type"] == "lad"].copy()
        combined["area_type"] = "combined"
        combined["lad24_code"] = lad24
        combined["for_lad24"] = True
        combined["note"] = (f"{EDITIONS[edition]} was published for the former authorities "
                            + ", ".join(names[o] for o in olds)
                            + f", which now form {now}; their neighbourhoods are taken together here, so "
                            "there is no published figure or national rank to compare with.")
        extra.append(combined)
    partial = current[~current["whole"] & current["area_code"].isin(rows["area_code"])]
    for rec in partial.itertuples():
        mask = rows["area_code"] == rec.area_code
        rows.loc[mask, "note"] = (rows.loc[mask, "note"] + " " if rows.loc[mask, "note"].any() else "") + (
            f"{rec.lsoas - rec.lsoas_in_lad24} of its {rec.lsoas} neighbourhoods now lie in another authority.")
    out = pd.concat([rows] + extra, ignore_index=True) if extra else rows
    out["for_lad24"] = out["for_lad24"].fillna(False).astype("boolean")
    for col in COMPARATOR_COUNTS:
        out[col] = out[col].astype("Int64")
    return out[COMPARATOR_COLUMNS].reset_index(drop=True)


def comparator(table: pd.DataFrame, edition: str, lad24_code: str) -> dict[str, pd.Series]:
    """The local authority and England rows of ``iod_comparators`` for a 2024 authority.

    Returns
    -------
    dict
        ``{"la": row, "england": row}``; ``"la"`` is absent when the edition has no
        row for the authority.
    """
    _check_edition(edition)
    out, sel = {}, (table["edition"] == edition) & table["for_lad24"].fillna(False).astype(bool)
    # rows picked by position: filtering the frame of some forty columns three times cost more
    la = np.flatnonzero(((table["lad24_code"] == lad24_code) & (table["area_type"] != "country") & sel)
                        .to_numpy(dtype=bool, na_value=False))
    if len(la) > 1:
        raise ValueError(f"{EDITIONS[edition]}: {len(la)} comparator rows for {lad24_code}")
    if len(la):
        out["la"] = table.iloc[la[0]]
    england = np.flatnonzero(((table["area_type"] == "country") & sel).to_numpy(dtype=bool, na_value=False))
    if len(england):
        out["england"] = table.iloc[england[0]]
    return out


# --------------------------------------------------------------------------- the cached comparator table
def make_comparators(collection: str) -> pd.DataFrame:
    """Local authority and England deprivation summaries on each edition's own LSOAs.

    IoD 2019 on LSOA 2011 (LAD 2019, linked to LAD 2024; population: the IoD's
    mid-2015 denominators when File 6 or 7 is fetched); IoD 2025 on LSOA 2021
    (population: File 7's mid-2022 denominators, else Census 2021 residents).
    Computed once per build so reports over many places read them, not recompute them.
    """
    parts = []
    geo = build.table("lsoa21_geography", collection)
    lad24_names = dict(zip(geo["lad24_code"], geo["lad24_name"]))
    if build.is_fetched("iod2019_file1", collection) or build.is_fetched("iod2019_file7", collection):
        iod11 = build.iod2019_lsoa11(collection)
        pop = iod11.set_index("lsoa11_code")["pop_total"] if "pop_total" in iod11 else None
        lookup = build.table("lookup_lsoa11_lsoa21", collection)
        lsoa_lad24 = lookup[["lsoa11_code", "lsoa21_code"]].merge(
            geo[["lsoa21_code", "lad24_code"]], on="lsoa21_code", how="left")
        current = current_authorities(iod11, lsoa_lad24, code_col="lsoa11_code",
                                                  area_code="lad19_code")
        parts.append(comparator_table(
            iod11, "iod2019", code_col="lsoa11_code", area_code="lad19_code", area_name="lad19_name",
            population=pop, population_source="mid-2015 population (IoD 2019 denominators)",
            current=current, lad24_names=lad24_names))
    if build.is_fetched("iod2025_file1", collection) or build.is_fetched("iod2025_file7", collection):
        if build.is_fetched("iod2025_file7", collection):
            iod21 = build.table("iod2025_file7", collection)
        else:
            iod21 = build.table("iod2025_file1", collection)
            if build.is_fetched("iod2025_file3", collection):
                extra = build.table("iod2025_file3", collection)
                iod21 = iod21.merge(extra[["lsoa21_code", "idaci_rank", "idaci_decile"]], on="lsoa21_code",
                                    how="left", validate="one_to_one")
        pop, source = None, ""
        if "pop_total" in iod21 and iod21["pop_total"].notna().all():
            pop, source = iod21.set_index("lsoa21_code")["pop_total"], "mid-2022 population (IoD 2025 denominators)"
        elif build.is_fetched("census21_ts007a", collection):
            pop = build.table("census21_ts007a", collection).set_index("lsoa21_code")["total"]
            source = "Census 2021 usual residents"
        parts.append(comparator_table(
            iod21, "iod2025", code_col="lsoa21_code", area_code="lad24_code", area_name="lad24_name",
            population=pop, population_source=source))
    if not parts:
        raise MissingDataError("no IoD edition is fetched (File 1 or 7 of 2019 or 2025)")
    return pd.concat(parts, ignore_index=True)


#: The processed table ``iod_comparators``: built by `ccdata build` once per build (the run
#: layer lists it, :mod:`ccdata.run.steps`), read by every place's dashboard through this step.
COMPARATORS_STEP = build.Step(
    "iod_comparators", ("lookup_lsoa21_ward24", "lookup_lsoa11_lsoa21"), make_comparators,
    optional=("iod2019_file1", "iod2019_file2", "iod2019_file6", "iod2019_file7", "iod2025_file1",
              "iod2025_file3", "iod2025_file7", "census21_ts007a"),
    description="deprivation summaries of each local authority and England, on each edition's LSOAs")
