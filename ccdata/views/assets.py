"""The asset map page: the map, the lists used, coverage and the assets that could not be placed.

Each section returns a list of display blocks; the notebook ``asset_map.ipynb``
displays them in order. The map itself is drawn by :mod:`ccdata.present.maps`;
the assets and coverage come from :mod:`ccdata.analysis.assets`.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ccdata import present, publish
from ccdata.analysis.assets import (
    BUFFER,
    BUFFER_M,
    INSIDE,
    OUTSIDE,
    UNPLACEABLE,
    display_ref,
    source_words,
    map_layers,
    place_assets,
    placement_counts,
)
from ccdata.errors import DataQualityWarning, MissingDataError
from ccdata.geo.boundshift import shift_sentence
from ccdata.geo.build import table
from ccdata.geo.lsoabounds import GAP_M, generalisation_sentence
from ccdata.vocabulary import CATEGORIES
from ccdata.present.mapkey import asset_list_html, key_text, map_with_text
from ccdata.present.maps import embed, map_assets
from ccdata.views import asset_words
from ccdata.views.declared import ASSET_FILES


#: The longest table or list printed on the page; a longer one shows its first rows and the
#: full list goes to a spreadsheet file beside the page.
MAX_ROWS = 200


def locate(place, *, buffer_m: float = BUFFER_M):
    """The place's assets (:func:`ccdata.analysis.assets.place_assets`), or empty lists that say why.

    When the assets cannot be placed at all (no neighbourhood boundaries for the place,
    no postcode directory, a configured local list that is missing), both lists are
    empty and carry the reason in plain words (``attrs[UNPLACEABLE]``), so every section
    of the page says what is missing instead of showing zeros, and the page is still
    made. The error itself goes to the adviser notes (as a data-quality warning).

    Returns
    -------
    (GeoDataFrame, DataFrame)
    """
    try:
        return place_assets(place, buffer_m=buffer_m)
    except MissingDataError as exc:
        warnings.warn(f"the asset map could not place any asset: {exc}", DataQualityWarning, stacklevel=2)
        try:
            unbounded = place.lsoa_boundaries().empty
        except MissingDataError:
            unbounded = True
        reason = ("The neighbourhood (LSOA) boundaries for this place are not available, so no asset can be "
                  "placed on it." if unbounded else
                  "The files needed to place the assets (the postcode directory, or the partnership's own "
                  "list) are not available.")
        located = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=27700))
        unplaced = pd.DataFrame()
        located.attrs[UNPLACEABLE] = unplaced.attrs[UNPLACEABLE] = reason
        return located, unplaced


def layers(place, *, deprivation_col: str = "imd_decile"):
    """The map's layers (:func:`ccdata.analysis.assets.map_layers`), or ``(None, None, None)``
    when the place has no neighbourhood boundaries (the map section then says so)."""
    try:
        lsoas, boundary, wards = map_layers(place, deprivation_col=deprivation_col)
    except MissingDataError:
        return None, None, None
    lsoas.attrs["collection"] = place.collection  # the map section reads the boundary measurement from it
    return lsoas, boundary, wards


def boundary_blocks(lsoas, wards) -> tuple[str, list]:
    """What the key says about the boundaries drawn, and the adviser's note on their detail.

    Returns
    -------
    (str, list)
        Plain sentences for the map's key (how generalised the neighbourhood boundaries
        are; that ward outlines are not drawn when no ward boundaries are held), and the
        adviser note: which boundary sets were used and the measured share of postcodes
        that change LSOA between them.
    """
    sentence = generalisation_sentence(lsoas)
    if wards is None or len(wards) == 0:
        sentence += (" Ward outlines are not drawn: no ward boundaries are held for this area, and "
                     "outlines made from neighbourhoods would only be approximate.")
    if "generalisation" not in getattr(lsoas, "columns", ()):
        return sentence.strip(), []
    counts = lsoas["generalisation"].astype("string").value_counts()
    detail = (f"LSOA 2021 boundaries drawn: {int(counts.get('BGC', 0)):,} from the ONS generalised clipped "
              f"set (BGC, 20 m) and {int(counts.get('BSC', 0)):,} from the super generalised clipped set (BSC "
              "V4, boundaries_lsoa21_bsc), used where the data folder holds no BGC polygon. Where the sets meet, "
              "the BGC polygon wins an overlap, and a point in a gap goes to the nearest LSOA within "
              f"{GAP_M:g} m.")
    collection = lsoas.attrs.get("collection", "official")
    try:
        detail += " " + shift_sentence(table("lsoa21_boundary_shift", collection))
    except MissingDataError:
        detail += (" The share of postcodes that change LSOA between the two sets was not measured (it needs "
                   "both sets and Code-Point Open, then `ccdata build`).")
    return sentence.strip(), [present.adviser_note("How detailed the neighbourhood boundaries are", detail)]


def _unplaceable(frame) -> str | None:
    return frame.attrs.get(UNPLACEABLE) if isinstance(frame, pd.DataFrame) else None


def _check_cap(max_rows, files_dir):
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise ValueError(f"max_rows must be a whole number >= 1, not {max_rows!r}")
    if files_dir is not None and not isinstance(files_dir, (str, Path)):
        raise TypeError(f"files_dir must be a folder path, not {type(files_dir).__name__}")
    return Path(files_dir) if files_dir not in (None, "") else None


def full_list(frame: pd.DataFrame, files_dir, name: str) -> Path:
    """Write ``frame`` as a CSV file ``name`` in ``files_dir`` (the page's folder) and return its path.

    The file goes through the publish gate (:func:`ccdata.publish.write`): ``name`` must be
    declared by the asset view (:data:`ccdata.views.declared.ASSET_FILES`), text cells are neutralised for spreadsheets (formulas, direction controls).
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.csv", name):
        raise ValueError(f"file name must be lower-case letters, digits and hyphens ending .csv, not {name!r}")
    folder = Path(files_dir)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder: the full list cannot be written there")
    # through the publish gate: a declared file, inside the pages' output folder, formulas neutralised
    return publish.write(folder.resolve().parent, folder.resolve() / name, frame, declare=ASSET_FILES)


def _capped(shown: pd.DataFrame, caption: str, *, name: str, what: str, files_dir, max_rows: int,
            sortable: bool = False) -> list:
    """A table of at most ``max_rows`` rows; a longer one says how many are shown and links its full list."""
    blocks = [present.table(shown, caption=caption, sortable=sortable, max_rows=max_rows)]
    if len(shown) > max_rows:
        if files_dir is None:
            blocks.append(present.notice(f"Only the first {max_rows:,} of the {len(shown):,} {what} are listed "
                                         "here."))
        else:
            path = full_list(shown, files_dir, name)
            blocks.append(present.Block(
                f'<p class="ccdata-more">Only the first {max_rows:,} of the {len(shown):,} {present.esc(what)} are '
                f'listed here. <a href="{present.esc(path.name)}" download>Download the full list of '
                f"{len(shown):,} {present.esc(what)}</a> (a spreadsheet file saved beside this page).</p>"))
    return blocks


def map_section(lsoas, boundary, wards, assets, *, deprivation_col: str = "imd_decile",
                deprivation_label: str = "Index of Multiple Deprivation 2025, decile", files_dir=None,
                max_rows: int = MAX_ROWS, **kwargs) -> list:
    """The map for a report: a "skip the map" link, the map, its key in words and the list of assets.

    The list and the key are on the page itself, outside the map's frame, so they
    print, are read by screen readers and need nothing from inside the frame.
    ``lsoas`` ``None`` (no boundaries for the place) gives a "no data" note instead.
    Many markers of one kind are grouped (clustered) on the map, and the page says so;
    a list longer than ``max_rows`` shows its first rows, and with ``files_dir`` (the
    folder of the page) the full list is written there as ``assets-on-the-map.csv``
    and linked.
    """

    files_dir = _check_cap(max_rows, files_dir)
    if lsoas is None or len(lsoas) == 0:
        return [present.missing("the asset map", _unplaceable(assets) or
                                "there are no neighbourhood (LSOA) boundaries for this place")]
    m = map_assets(lsoas, boundary, wards, assets, deprivation_col, deprivation_label=deprivation_label, **kwargs)
    n = 0 if assets is None else len(assets)
    frame = embed(m, title=f"Map of {n:,} {'asset' if n == 1 else 'assets'} over {deprivation_label}")
    listed = assets if assets is None or len(assets) <= max_rows else _first(assets, max_rows)
    listing = asset_list_html(listed) if assets is not None else ""
    key = key_text(categories=m.ccdata_key["categories"], wards=m.ccdata_key["wards"],
                   deprivation_label=deprivation_label)
    said, detail = boundary_blocks(lsoas, wards)
    if said:
        key += " " + present.esc(said)
    blocks = [map_with_text(frame, anchor="asset-list", key=key, listing=listing),
              present.notice(placement_sentence(assets) + cluster_sentence(m) + " Use the layer button (top "
                             "right of the map) to switch categories on and off; the street map needs an internet "
                             "connection, the areas and markers do not.")] + detail
    if assets is not None and len(assets) > max_rows:
        cols = [c for c in ("name", "category_label", "postcode", "placement") if c in assets.columns]
        shown = pd.DataFrame(assets[cols]).rename(columns={"name": "Name", "category_label": "Kind",
                                                           "postcode": "Postcode", "placement": "Where"})
        blocks += _capped(shown, "Assets on the map", name="assets-on-the-map.csv", what="assets on the map",
                          files_dir=files_dir, max_rows=max_rows)[1:]
    return blocks


def _first(assets: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """The first ``max_rows`` assets of the list (by kind, then name), for the printed list."""
    order = assets.assign(_k=assets["category"].map({c: i for i, c in enumerate(CATEGORIES)}),
                          _n=assets["name"].astype(str).str.lower())
    return assets.loc[order.sort_values(["_k", "_n"]).index[:max_rows]]


def cluster_sentence(m) -> str:
    """What the page says about grouped markers (empty when no kind is grouped)."""
    grouped = (getattr(m, "ccdata_key", None) or {}).get("clustered") or {}
    if not grouped:
        return ""
    kinds = ", ".join(f"{CATEGORIES.get(c, c).lower()} ({n:,})" for c, n in grouped.items())
    return (f" So that the map stays readable, markers of kinds with many assets are grouped: {kinds}. A "
            "group shows how many assets it holds; zoom in or select it to see them one by one.")


def placement_sentence(assets) -> str:
    """Where the assets are: inside the place, in the buffer around it, and outside both (listed apart)."""

    if assets is None or "placement" not in getattr(assets, "columns", ()):
        return "No assets could be placed for this place."
    c = placement_counts(assets)
    buffer_m = assets.attrs.get("buffer_m")
    ring = f"the {buffer_m:,.0f} m around it" if isinstance(buffer_m, (int, float)) else "the buffer around it"
    shown = c[INSIDE] + c[BUFFER]
    text = (f"The map shows {shown:,} {'asset' if shown == 1 else 'assets'}: {c[INSIDE]:,} inside the place and "
            f"{c[BUFFER]:,} in {ring}, all within the first view.")
    if c[OUTSIDE]:
        text += (f" {c[OUTSIDE]} more on the partnership's list {'lies' if c[OUTSIDE] == 1 else 'lie'} farther away "
                 f"and {'is' if c[OUTSIDE] == 1 else 'are'} listed under "
                 "\"Outside the area\", with the distance.")
    return text


def outside_section(assets, *, files_dir=None, max_rows: int = MAX_ROWS) -> list:
    """Assets of the partnership's list that were located, but beyond the place and its buffer.

    A list longer than ``max_rows`` shows its first rows; with ``files_dir`` the full list is
    written there (``assets-outside-the-area.csv``) and linked.
    """

    files_dir = _check_cap(max_rows, files_dir)
    if _unplaceable(assets):
        return [present.missing("assets outside the area", _unplaceable(assets))]
    far = assets.attrs.get("outside") if assets is not None else None
    if far is None or len(far) == 0:
        if not asset_words.has_own_list(assets):
            return [present.notice("The partnership has no list of its own yet, so no asset lies outside the area.")]
        return [present.notice("Every asset on the partnership's list lies inside the place or just around it.")]
    shown = pd.DataFrame({
        "Name": far["name"], "Kind": far["category"].map(lambda c: CATEGORIES.get(c, c)),
        "Postcode": far["postcode"].fillna(""),
        "Distance from the place": [f"{d / 1000:,.1f} km" if d >= 1000 else f"{d:,.0f} m" for d in far["distance_m"]],
        "Reference": [display_ref(s, r) for s, r in zip(far["source"], far["source_ref"])]})
    return _capped(shown, f"{len(far):,} asset{'' if len(far) == 1 else 's'} outside the area (straight-line distance "
                   "from the place boundary); they are not on the map", name="assets-outside-the-area.csv",
                   what="assets outside the area", files_dir=files_dir, max_rows=max_rows)


def sources_section(assets) -> list:
    """Which asset lists were used (and why any was not)."""

    if _unplaceable(assets):
        return [present.missing("the asset lists", _unplaceable(assets))]
    table = assets.attrs.get("sources") if assets is not None else None
    if table is None or len(table) == 0:
        return [present.missing("asset sources", "no asset list was available")]
    shown = table.rename(columns={"list": "List", "used": "Used", "note": "Note"})
    # the partnership's list by what it is, not by its file; "not made yet" rather than configuration words
    own = shown["List"].astype(str).str.startswith("local list")
    shown.loc[own & ~shown["Used"].astype(bool), "Note"] = "not made yet"
    shown.loc[own, "List"] = "The partnership's own list"
    shown["Used"] = shown["Used"].map({True: "yes", False: "no"})
    return [present.table(shown, caption="Asset lists used for this map")]


def coverage_section(cov, reason: str = "", incomplete: dict[str, str] | None = None, assets=None) -> list:
    """Coverage tables (assets per 1,000 children by ward and LSOA; straight-line reach).

    ``incomplete`` (from :func:`ccdata.analysis.coverage.incomplete_categories`) names the
    categories whose official list is missing: their columns are marked
    "(incomplete)" and a note says why, so a missing list never reads as zero. With
    ``assets`` (the located assets), kinds no list covers at all are left out of the
    tables (:func:`ccdata.views.asset_words.without_lists`), not shown as zeros.
    """

    if cov is None:
        return [present.missing("coverage", reason or "children's population counts are not available")]
    incomplete = incomplete or {}
    marked = {label: f"{label} (incomplete)" for label in incomplete}
    blocks = [present.notice(cov.method)]
    own = assets is None or asset_words.has_own_list(assets)
    for label, why in incomplete.items():
        blocks.append(present.missing(f"{label.lower()} coverage", (
            f"{why.rstrip('.')}. Figures marked '(incomplete)' count only the partnership's own list." if own
            else f"the official list of {asset_words.plural(label)} was not available for this run, and there is no "
                 "other list of them yet, so they are left out of the tables below.")))
    def listed(table, label_column=None):
        return table if assets is None else asset_words.without_lists(table, assets, label_column)
    reach = listed(cov.reach_table(), "Category")
    reach["Category"] = reach["Category"].map(lambda c: marked.get(c, c))
    blocks += [present.table(listed(cov.table("ward")).rename(columns=marked), caption=(
                   "Assets inside the place per ward (place LSOAs only), and per 1,000 children aged 0-19 "
                   "(Census 2021)")),
               present.table(listed(cov.table("lsoa")).rename(columns=marked), sortable=True,
                             caption="Assets per LSOA 2021, and per 1,000 children aged 0-19"),
               present.table(reach, caption="Share of the place's children living within a "
                             "straight-line distance of each kind of asset (from LSOA centroids)")]
    return blocks


def unplaced_section(unplaced, problems=None, *, files_dir=None, max_rows: int = MAX_ROWS) -> list:
    """Assets that could not be put on the map, with the reason, and the asset list's problems.

    Each list longer than ``max_rows`` shows its first rows; with ``files_dir`` the full
    list is written there (``assets-not-located.csv``) and linked. The asset list's problems
    (file, row, column) are for the adviser: the page says how many there are.
    """

    files_dir = _check_cap(max_rows, files_dir)
    if _unplaceable(unplaced):
        return [present.missing("assets that could not be located", _unplaceable(unplaced))]
    blocks = []
    if unplaced is None or len(unplaced) == 0:
        blocks.append(present.notice("Every listed asset could be located."))
    else:
        shown = unplaced.assign(source_ref=[display_ref(s, r) for s, r in zip(unplaced["source"],
                                                                               unplaced["source_ref"])],
                                source=unplaced["source"].map(source_words),
                                category=unplaced["category"].map(lambda c: CATEGORIES.get(c, c)))
        shown = shown.rename(columns={"source": "List", "source_ref": "Reference", "name": "Name",
                                      "category": "Category", "postcode": "Postcode", "reason": "Reason"})
        n_out = len(unplaced)
        blocks += _capped(shown, f"{n_out:,} {'asset' if n_out == 1 else 'assets'} that could not be located, and why",
                          name="assets-not-located.csv", what="assets that could not be located",
                          files_dir=files_dir, max_rows=max_rows)
    if problems is not None and len(problems):
        blocks += _problems_blocks(problems, max_rows)
    return blocks


def _problems_blocks(problems: pd.DataFrame, max_rows: int) -> list:
    """The asset list's problems: a sentence on the page, the table (file, row, column) for the adviser."""
    n = len(problems)
    shown = problems.rename(columns={"file": "File", "row": "Row", "column": "Column", "message": "Problem",
                                     "value": "Value"})
    if "Value" in shown:
        shown["Value"] = shown["Value"].map(lambda v: "" if v is None or (not isinstance(v, (str, tuple))
                                                                          and pd.isna(v)) else str(v))
    more = f" The first {max_rows:,} of {n:,} are listed." if n > max_rows else ""
    found = "1 problem was" if n == 1 else f"{n:,} problems were"
    return [present.notice(f"{found} found in the partnership's list; the data adviser has the details "
                           "to correct it."),
            present.adviser_note("Problems found in the local asset list", shown.head(max_rows),
                                 caption=f"Problems found in the local asset list (row = line in the file).{more}")]
