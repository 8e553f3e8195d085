"""Asset coverage: assets per 1,000 children by ward and LSOA, and how near children live to each kind.

Takes the located assets of :func:`ccdata.analysis.assets.place_assets` and the
children counted by Census 2021 (TS007A five-year bands). Distances are straight
lines from LSOA centroids; the method text on :class:`Coverage` says so. A category
whose official list is missing is reported as incomplete, never as zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ccdata.analysis.assets import UNPLACEABLE
from ccdata.errors import MissingDataError
from ccdata.geo.places import Place
from ccdata.vocabulary import CATEGORIES

#: Straight-line distances (metres) for the share of children near each category.
REACH_DISTANCES_M = (400, 800, 1200)
#: Census 2021 TS007A age bands (slugs) summed to count children aged 0 to 19.
CHILD_AGE_BANDS = ("aged_4_years_and_under", "aged_5_to_9_years", "aged_10_to_14_years",
                   "aged_15_to_19_years")


@dataclass
class Coverage:
    """Assets relative to the children of a place.

    Attributes
    ----------
    by_area : DataFrame
        level (``lsoa``, ``ward``, ``place``), area_code, area_name, category,
        category_label, assets, children_0_19, per_1000_children. Counts only
        assets inside the place; a ward row covers the place's LSOAs in that ward.
    reach : DataFrame
        category, category_label, n_assets, straight_line_m, children_within,
        children_total, share_within_pct: the share of the place's children
        whose LSOA centroid lies within that straight-line distance of an asset of
        the category (assets in the buffer count).
    method : str
        Plain-language method note for readers.
    """

    by_area: pd.DataFrame
    reach: pd.DataFrame
    method: str

    def table(self, level: str = "ward") -> pd.DataFrame:
        """A wide table for readers: one row per area, assets per category and per 1,000 children."""
        if level not in ("lsoa", "ward", "place"):
            raise ValueError(f"level must be lsoa, ward or place, not {level!r}")
        sub = self.by_area[self.by_area["level"] == level]
        wide = sub.pivot_table(index=["area_code", "area_name", "children_0_19"], columns="category_label",
                               values="assets", aggfunc="sum", sort=False, observed=True).reset_index()
        allrow = sub[sub["category"] == "all"].set_index("area_code")["per_1000_children"]
        wide["Assets per 1,000 children"] = wide["area_code"].map(allrow).round(1)
        wide = wide.rename(columns={"area_code": "Code", "area_name": "Area", "children_0_19": "Children 0-19",
                                    "All categories": "All assets"})
        wide.columns.name = None
        return wide

    def reach_table(self) -> pd.DataFrame:
        """Share of children within each straight-line distance, one row per category."""
        wide = self.reach.pivot_table(index=["category_label", "n_assets"], columns="straight_line_m",
                                      values="share_within_pct", sort=False).round(1).reset_index()
        wide.columns = ["Category", "Assets"] + [f"% of children within {int(d):,} m (straight line)"
                                                  for d in wide.columns[2:]]
        return wide


def _children_series(children) -> pd.Series:
    if isinstance(children, pd.Series):
        s = children
    elif isinstance(children, pd.DataFrame):
        if "lsoa21_code" not in children or "children_0_19" not in children:
            raise KeyError("children must have columns lsoa21_code and children_0_19")
        s = children.set_index("lsoa21_code")["children_0_19"]
    else:
        raise TypeError("children must be a Series indexed by lsoa21_code or a DataFrame")
    s = pd.to_numeric(s, errors="coerce")
    if s.isna().any():
        raise ValueError(f"children counts missing for LSOA(s) {list(s.index[s.isna()])[:10]}")
    if (s < 0).any():
        raise ValueError("children counts must not be negative")
    if s.index.duplicated().any():
        raise ValueError(f"children counts repeat LSOA(s) {list(s.index[s.index.duplicated()])[:10]}")
    return s.astype("float64")


def calculate_coverage(lsoas, children, assets, geography: pd.DataFrame | None = None, *,
                       distances=REACH_DISTANCES_M, place_name: str = "Place") -> Coverage:
    """Assets per 1,000 children by LSOA, ward and place, and children's straight-line reach.

    Parameters
    ----------
    lsoas : GeoDataFrame
        The place's LSOA 2021 polygons (``lsoa21_code``, optional ``lsoa21_name``),
        in a projected CRS in metres (EPSG:27700).
    children : Series or DataFrame
        Children aged 0-19 per LSOA (``lsoa21_code`` -> count).
    assets : GeoDataFrame
        Located assets (``category``, ``lsoa21_code``, point geometry), e.g. from
        :func:`place_assets`. Assets outside the place's LSOAs count for reach only.
    geography : DataFrame, optional
        ``lsoa21_code, ward24_code, ward24_name``: adds ward rows.
    distances : tuple of float
        Straight-line distances in metres (default 400, 800, 1,200).

    Returns
    -------
    Coverage

    Notes
    -----
    Each LSOA's children are placed at the LSOA's **centroid** (the geometric
    centre of its polygon): an LSOA counts as within ``d`` metres of a category
    when its centroid is. Distances are straight lines, not walking routes, so
    they understate real journeys (rivers, railways and main roads are not
    considered).
    """
    if not isinstance(lsoas, gpd.GeoDataFrame) or "lsoa21_code" not in lsoas:
        raise TypeError("lsoas must be a GeoDataFrame with column lsoa21_code")
    if not isinstance(assets, gpd.GeoDataFrame) or "category" not in assets:
        raise TypeError("assets must be a GeoDataFrame with column category")
    if lsoas.crs is None or not lsoas.crs.is_projected:
        raise ValueError("lsoas must be in a projected CRS in metres (EPSG:27700)")
    dist = tuple(float(d) for d in distances)
    if not dist or any(d <= 0 for d in dist):
        raise ValueError(f"distances must be positive metres, not {distances!r}")
    kids = _children_series(children)
    lacking = sorted(set(lsoas["lsoa21_code"]) - set(kids.index))
    if lacking:
        raise ValueError(f"no children count for LSOA(s) {', '.join(lacking[:10])}")
    unknown = sorted(set(assets["category"].dropna()) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown asset categories {unknown}; use ccdata.vocabulary.CATEGORIES")
    assets = assets.to_crs(lsoas.crs) if assets.crs is not None else assets.set_crs(lsoas.crs)
    codes = list(lsoas["lsoa21_code"])
    names = dict(zip(lsoas["lsoa21_code"], lsoas["lsoa21_name"] if "lsoa21_name" in lsoas else lsoas["lsoa21_code"]))
    cats = list(CATEGORIES) + ["all"]
    labels = {**CATEGORIES, "all": "All categories"}

    if "lsoa21_code" in assets:
        asset_lsoa = assets["lsoa21_code"]
    else:
        asset_lsoa = gpd.sjoin(assets[["geometry"]], lsoas[["lsoa21_code", "geometry"]], how="left",
                               predicate="intersects").groupby(level=0)["lsoa21_code"].first()
    inside = assets[asset_lsoa.isin(codes).fillna(False).to_numpy()]
    counts = pd.crosstab(inside["lsoa21_code"], inside["category"]).reindex(index=codes, columns=list(CATEGORIES),
                                                                              fill_value=0)
    counts["all"] = counts.sum(axis=1)

    groups = [("lsoa", {c: [c] for c in codes}, names)]
    if geography is not None:
        need = {"lsoa21_code", "ward24_code", "ward24_name"}
        if not need <= set(geography.columns):
            raise KeyError(f"geography must have columns {sorted(need)}")
        geo = geography[geography["lsoa21_code"].isin(codes)].drop_duplicates("lsoa21_code")
        wards = geo.groupby("ward24_code")["lsoa21_code"].apply(list).to_dict()
        groups.append(("ward", wards, dict(zip(geo["ward24_code"], geo["ward24_name"]))))
    groups.append(("place", {"place": codes}, {"place": place_name}))
    rows = []
    # one array look-up per area instead of a frame selection (a place has a hundred or more areas)
    kid_at = {code: i for i, code in enumerate(kids.index)}
    kid_values = np.append(kids.to_numpy(dtype="float64"), np.nan)  # the last: an LSOA without a count
    row_at = {code: i for i, code in enumerate(counts.index)}
    count_values = counts[cats].to_numpy()
    for level, members, area_names in groups:
        for area, lsoa_list in members.items():
            picked = kid_values[[kid_at.get(c, len(kid_values) - 1) for c in lsoa_list]]
            n_children = float(np.where(np.isnan(picked), 0.0, picked).sum())  # as Series.sum skips NaN
            sums = dict(zip(cats, count_values[[row_at[c] for c in lsoa_list]].sum(axis=0)))
            for cat in cats:
                n = int(sums[cat])
                rows.append({"level": level, "area_code": area, "area_name": area_names.get(area, area),
                             "category": cat, "category_label": labels[cat], "assets": n,
                             "children_0_19": int(round(n_children)),
                             "per_1000_children": (1000 * n / n_children) if n_children > 0 else np.nan})
    by_area = pd.DataFrame(rows)

    reach = _reach(lsoas, kids, assets, codes, dist, labels)
    method = ("Children are Census 2021 usual residents aged 0-19 (TS007A age bands summed). Asset counts "
              "include only assets inside the place's LSOAs; ward rows cover the place's LSOAs in each "
              "ward. 'Within' distances are straight lines from each LSOA's centroid (the centre of its "
              "area, where all its children are assumed to live) to the nearest asset of the category, "
              "including assets up to the buffer beyond the boundary; real walking routes are longer.")
    return Coverage(by_area=by_area, reach=reach, method=method)


def _reach(lsoas, kids: pd.Series, assets, codes: list, dist: tuple, labels: dict) -> pd.DataFrame:
    """Children whose LSOA centroid lies within each distance of the nearest asset of each category."""
    cats = list(labels)
    centroids = lsoas.set_index("lsoa21_code").geometry.centroid
    total = float(kids.reindex(codes).sum())
    reach_rows = []
    for cat in cats:
        pts = assets if cat == "all" else assets[assets["category"] == cat]
        pts = pts[pts.geometry.notna() & ~pts.geometry.is_empty]
        if len(pts):
            nearest = pd.Series(_nearest_distance(centroids, pts.geometry), index=centroids.index)
        else:
            nearest = pd.Series(np.inf, index=centroids.index)
        for d in dist:
            within = float(kids.reindex(nearest.index[nearest <= d]).sum())
            reach_rows.append({"category": cat, "category_label": labels[cat], "n_assets": len(pts),
                               "straight_line_m": d, "children_within": int(round(within)),
                               "children_total": int(round(total)),
                               "share_within_pct": (100 * within / total) if total > 0 else np.nan})
    return pd.DataFrame(reach_rows)


def children_by_lsoa(place) -> pd.DataFrame:
    """Children aged 0-19 per LSOA of a place (Census 2021 TS007A age bands summed).

    Returns
    -------
    DataFrame
        lsoa21_code, children_0_19.

    Raises
    ------
    MissingDataError
        If TS007A is not available; ``KeyError`` if an age band is missing.
    """
    ts = place.census("ts007a", area="lsoa")
    lacking = [c for c in CHILD_AGE_BANDS if c not in ts.columns]
    if lacking:
        raise KeyError(f"Census TS007A table lacks age band column(s) {lacking}")
    return pd.DataFrame({"lsoa21_code": ts["lsoa21_code"],
                         "children_0_19": ts[list(CHILD_AGE_BANDS)].sum(axis=1, min_count=len(CHILD_AGE_BANDS))})


def coverage(place, assets, *, distances=REACH_DISTANCES_M) -> Coverage:
    """Coverage of a place's assets: per ward and LSOA, and children's straight-line reach.

    Parameters
    ----------
    place : ccdata.geo.places.Place
    assets : GeoDataFrame
        From :func:`place_assets`.

    Returns
    -------
    Coverage
        See :func:`calculate_coverage` (children at LSOA centroids; straight lines).
    """

    if not isinstance(place, Place):
        raise TypeError(f"place must be a Place, not {type(place).__name__}")
    lsoas = place.lsoa_boundaries()
    kids = children_by_lsoa(place)
    geo = place.table("lsoa21_geography")
    cov = calculate_coverage(lsoas, kids, assets, geo, distances=distances, place_name=place.name)
    used = assets.attrs.get("sources")
    if isinstance(used, pd.DataFrame) and "used" in used and (~used["used"].astype(bool)).any():
        # a category can show no assets because its list was not available, not because there are none
        names = ["the partnership's own list" if str(n).startswith("local list") else f"the official list of {n}"
                 for n in used.loc[~used["used"].astype(bool), "list"]]
        missing = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        cov.method += (f" Not available for this map: {missing}; a kind of asset with no list is left "
                       "out of the tables, and one with another list shows only that list's assets.")
    return cov
#: Which category each official list supplies (for saying when one is missing).
OFFICIAL_LIST_CATEGORY = {"schools (GIAS)": "school", "GP practices (epraccur)": "gp_practice",
                          "libraries": "library"}


def _nearest_distance(origins: gpd.GeoSeries, targets: gpd.GeoSeries) -> np.ndarray:
    """Straight-line distance from each origin to its nearest target.

    Points to points (the usual case) as one array operation, ``sqrt(dx*dx + dy*dy)`` as
    GEOS computes it; any other geometry through shapely, one origin at a time.
    """
    if len(origins) and (origins.geom_type == "Point").all() and (targets.geom_type == "Point").all():
        ox, oy = origins.x.to_numpy()[:, None], origins.y.to_numpy()[:, None]
        dx, dy = ox - targets.x.to_numpy()[None, :], oy - targets.y.to_numpy()[None, :]
        return np.sqrt(dx * dx + dy * dy).min(axis=1)
    return np.array([targets.distance(c).min() for c in origins], dtype=float)


def incomplete_categories(assets) -> dict[str, str]:
    """Categories whose official list was not available, with the reason.

    Counts and reach for these categories come only from the partnership's own
    list (if any), so readers must not take them for the full picture.

    Parameters
    ----------
    assets : GeoDataFrame
        The first result of :func:`place_assets` (its ``attrs["sources"]``).

    Returns
    -------
    dict
        Category label (as shown in tables) -> why its official list is missing.
    """
    sources = assets.attrs.get("sources") if assets is not None else None
    if sources is None or len(sources) == 0:
        return {}
    out = {}
    for rec in sources.to_dict("records"):
        category = OFFICIAL_LIST_CATEGORY.get(rec["list"])
        if category and not rec["used"]:
            out[CATEGORIES[category]] = f"{rec['list']} not available: {rec['note']}"
    return out


def try_coverage(place, assets) -> tuple[Coverage | None, str]:
    """:func:`coverage`, or ``(None, reason)`` when the Census counts are not available or the
    assets could not be placed at all (``assets.attrs[UNPLACEABLE]``)."""
    reason = assets.attrs.get(UNPLACEABLE) if isinstance(assets, pd.DataFrame) else None
    if reason:
        return None, str(reason)
    try:
        return coverage(place, assets), ""
    except MissingDataError as exc:
        return None, str(exc).split(". Run")[0]
