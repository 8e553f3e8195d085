"""Web maps of a place: deprivation by LSOA, boundaries and assets (folium / Leaflet).

:func:`map_assets` takes data and returns a ``folium.Map``; it never reads a file.

Design choices, and why:

* **No tiles needed.** The map starts with no background tiles, so areas, outlines
  and markers show even where tiles cannot load (an exported report opened
  offline). A street-map tile layer is added as an option the reader can switch.
* **Only Leaflet is loaded.** folium's default page also pulls jQuery, Bootstrap
  and Font Awesome from CDNs; none is needed here (popups are bound with plain
  Leaflet), so they are dropped. Leaflet itself (and Leaflet.markercluster when
  markers are clustered) is inlined by :func:`embed` from the XStatic-Leaflet and
  XStatic-Leaflet-MarkerCluster packages (the same Leaflet version folium
  uses), so an exported report draws its maps with no network at all.
* **Everything from input files is escaped** (asset names, addresses, notes, area
  names), in popups, tooltips and the asset list, so a name typed as
  ``<script>`` shows as text.
* **Geometry is simplified** (default 15 m tolerance, in British National Grid)
  before conversion to WGS84, which keeps the page small with no visible loss at
  neighbourhood zoom.
* **Colour-blind-safe colours**: deprivation deciles use the viridis palette
  (decile 1, most deprived, darkest); asset categories use the Okabe-Ito palette
  plus greys, and every colour is also named in the layer control and legend.
"""
from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ccdata import present
from ccdata.errors import CcdataError
from ccdata.io.local.assets import CATEGORIES
from ccdata.present import escape
from ccdata.present.palette import CATEGORY_COLOURS, DECILE_COLOURS, NO_DATA_COLOUR  # noqa: F401

#: Simplification tolerance in metres (British National Grid) for web display.
SIMPLIFY_M = 15
#: Above this many assets in a category, its markers are clustered.
CLUSTER_THRESHOLD = 25
LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")


def esc(value) -> str:
    """Escape text for HTML (and for a JavaScript template string): ``None``/NaN -> ``""``."""
    return escape.html_text(value)


def _js_string(text: str) -> str:
    return escape.js_string(text)


def _safe_url(value) -> str | None:
    # the bare URL (callers escape it for their context) or None
    if not isinstance(value, str) or escape.safe_url(value) is None:
        return None
    return value.strip()


def popup_html(row: pd.Series) -> str:
    """The popup of one asset: name, category, address, postcode, details and website, all escaped."""
    lines = [f"<strong>{esc(row.get('name'))}</strong>"]
    label = row.get("category_label") if isinstance(row.get("category_label"), str) else row.get("category")
    lines.append(esc(label))
    for field in ("address", "postcode", "details"):
        text = esc(row.get(field))
        if text:
            lines.append(text)
    url = _safe_url(row.get("website"))
    if url:
        lines.append(f'<a href="{esc(url)}" target="_blank" rel="noopener">{esc(url)}</a>')
    source = esc(row.get("source"))
    if source:
        lines.append(f"<small>Source: {source}</small>")
    return "<br>".join(lines)


def _check_gdf(gdf, name: str, columns=()):

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"{name} must be a GeoDataFrame, not {type(gdf).__name__}")
    if gdf.crs is None:
        raise ValueError(f"{name} has no CRS; set it (EPSG:27700 for British National Grid)")
    lacking = [c for c in columns if c not in gdf.columns]
    if lacking:
        raise KeyError(f"{name} lacks column(s) {lacking}")


def _web(gdf, simplify_m: float, keep: list[str]):
    """Simplify in metres, convert to WGS84 and escape the text columns kept."""
    out = gdf[keep + [gdf.geometry.name]].copy()
    metric = out.to_crs(27700)
    if simplify_m:
        metric = metric.set_geometry(metric.geometry.simplify(simplify_m, preserve_topology=True))
    out = metric.to_crs(4326)
    for col in keep:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(esc)
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


class _BoundPopup:
    """Marker popup bound with plain Leaflet (folium's Popup needs jQuery)."""

    @staticmethod
    def add(marker, html_text: str, max_width: int = 320):
        from branca.element import (
            MacroElement,  # folium's toolkit: loaded only when a map is drawn
        )
        from jinja2 import Template

        element = MacroElement()
        element._name = "BoundPopup"
        element._template = Template(
            "{% macro script(this, kwargs) %}"
            "{{ this._parent.get_name() }}.bindPopup(" + _js_string(html_text)
            + ", {maxWidth: " + str(int(max_width)) + "});"
            "{% endmacro %}")
        marker.add_child(element)
        return marker


def _legend(title: str, note: str) -> str:
    items = "".join(
        f'<li><span style="background:{c}"></span>{i}{" (most deprived)" if i == 1 else ""}'
        f'{" (least deprived)" if i == 10 else ""}</li>' for i, c in enumerate(DECILE_COLOURS, 1))
    items += f'<li><span style="background:{NO_DATA_COLOUR}"></span>no data</li>'
    return (
        '<div class="ccdata-legend" role="region" aria-label="Map legend" style="position:absolute;'
        'bottom:24px;left:10px;z-index:1000;background:#fff;padding:6px 8px;border:1px solid #888;'
        'font:12px/1.3 sans-serif;max-width:220px">'
        f"<strong>{esc(title)}</strong><ul style=\"list-style:none;margin:4px 0;padding:0\">{items}</ul>"
        f"<small>{esc(note)}</small>"
        "<style>.ccdata-legend li span{display:inline-block;width:14px;height:10px;margin-right:6px;"
        "border:1px solid #555}</style></div>")


def _asset_list(assets: pd.DataFrame) -> str:
    groups = []
    for cat, sub in assets.groupby("category", sort=True):
        label = sub["category_label"].iloc[0] if "category_label" in sub else cat
        names = "".join(f"<li>{esc(n)}{(' (' + esc(p) + ')') if isinstance(p, str) and p else ''}</li>"
                        for n, p in sorted(zip(sub["name"].fillna("(no name)").astype(str),
                                               sub["postcode"] if "postcode" in sub else [None] * len(sub))))
        groups.append(f"<details><summary>{esc(label)} ({len(sub)})</summary><ul>{names}</ul></details>")
    body = "".join(groups) or "<p>No assets to show.</p>"
    return (
        '<div class="ccdata-asset-list" style="position:absolute;top:10px;left:54px;z-index:1000;'
        'background:#fff;padding:4px 8px;border:1px solid #888;font:12px/1.3 sans-serif;'
        'max-height:60%;overflow:auto;max-width:280px">'
        f"<details><summary><strong>List of assets ({len(assets)})</strong></summary>{body}</details></div>")


def map_assets(lsoas_gdf, boundary_gdf, wards_gdf, assets_gdf, deprivation_col: str = "imd_decile", *,
               deprivation_label: str = "Index of Multiple Deprivation decile",
               ward_name_col: str | None = None, tiles: str | None = "OpenStreetMap",
               simplify_m: float = SIMPLIFY_M, cluster_threshold: int = CLUSTER_THRESHOLD,
               height: str = "600px"):
    """Map a place: LSOA deprivation deciles, boundary, wards and assets by category.

    Parameters
    ----------
    lsoas_gdf : GeoDataFrame
        The place's LSOAs (``lsoa21_code``, optional ``lsoa21_name``) with
        ``deprivation_col`` (deciles 1-10, 1 = most deprived; missing allowed).
    boundary_gdf : GeoDataFrame
        The place outline.
    wards_gdf : GeoDataFrame or None
        Ward polygons; the name column is ``ward_name_col`` or the first column
        ending ``_name``.
    assets_gdf : GeoDataFrame or None
        Point assets with ``name`` and ``category`` (see :mod:`ccdata.analysis.assets`),
        optional ``category_label``, ``address``, ``postcode``, ``details``,
        ``website``, ``source``.
    deprivation_col : str
        Decile column to colour (``imd_decile``, ``idaci_decile`` ...).
    deprivation_label : str
        Legend title.
    tiles : str or None
        Optional background tile layer (folium name); ``None`` for none. The map
        never depends on it.
    simplify_m : float
        Simplification tolerance in metres.
    cluster_threshold : int
        Categories with more assets than this are clustered (Leaflet.markercluster).

    Returns
    -------
    folium.Map
        Layers: the deprivation choropleth, the place boundary, wards, one
        toggleable layer per asset category, a layer control, a legend and a
        collapsible list of assets.

    Raises
    ------
    TypeError, KeyError, ValueError
        On inputs that are not GeoDataFrames with a CRS, lack columns, or hold
        deciles outside 1-10 or unknown categories.
    """
    import folium  # heavy (about 1 s): loaded only when a map is drawn
    from branca.element import Element
    from folium.plugins import MarkerCluster


    _check_gdf(lsoas_gdf, "lsoas_gdf", ["lsoa21_code", deprivation_col])
    _check_gdf(boundary_gdf, "boundary_gdf")
    if wards_gdf is not None:
        _check_gdf(wards_gdf, "wards_gdf")
    if assets_gdf is not None:
        _check_gdf(assets_gdf, "assets_gdf", ["name", "category"])
    deciles = pd.to_numeric(lsoas_gdf[deprivation_col], errors="coerce")
    bad = deciles.notna() & ~deciles.isin(range(1, 11))
    if bad.any() or (deciles.isna() & lsoas_gdf[deprivation_col].notna()).any():
        raise ValueError(f"{deprivation_col} must hold deciles 1-10; found "
                         f"{sorted(map(str, lsoas_gdf.loc[bad, deprivation_col].unique()))[:5]}")
    if assets_gdf is not None:
        unknown = sorted(set(assets_gdf["category"].dropna()) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown asset categories {unknown}; use ccdata.io.local.assets.CATEGORIES")
    if isinstance(cluster_threshold, bool) or not isinstance(cluster_threshold, int) or cluster_threshold < 0:
        raise ValueError("cluster_threshold must be a whole number >= 0")

    boundary = _web(boundary_gdf, simplify_m, [])
    west, south, east, north = boundary.total_bounds
    m = base_map(location=[(south + north) / 2, (west + east) / 2], zoom_start=14, height=height)
    if tiles:
        folium.TileLayer(tiles, name="Street map (needs internet)", control=True, show=False).add_to(m)

    name_cols = ["lsoa21_code"] + (["lsoa21_name"] if "lsoa21_name" in lsoas_gdf else [])
    lsoas = _web(lsoas_gdf.assign(_decile=deciles.astype("Int64")), simplify_m, name_cols + ["_decile"])
    lsoas["decile_text"] = [str(int(d)) if d is not None and not pd.isna(d) else "no data"
                            for d in lsoas["_decile"]]

    def style(feature):
        d = feature["properties"].get("_decile")
        colour = DECILE_COLOURS[int(d) - 1] if d is not None else NO_DATA_COLOUR
        return {"fillColor": colour, "fillOpacity": 0.6, "color": "#ffffff", "weight": 1}

    folium.GeoJson(
        lsoas, name=f"LSOAs: {esc(deprivation_label)}", style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=name_cols + ["decile_text"],
                                      aliases=["LSOA 2021", "Name"][:len(name_cols)] + ["Decile"]),
    ).add_to(m)

    if wards_gdf is not None and len(wards_gdf):
        ward_name_col = ward_name_col or next((c for c in wards_gdf.columns if str(c).endswith("_name")), None)
        ward_cols = [ward_name_col] if ward_name_col else []
        wards = _web(wards_gdf, simplify_m, ward_cols)
        folium.GeoJson(wards, name="Ward boundaries",
                       style_function=lambda f: {"fill": False, "color": "#333333", "weight": 2,
                                                 "dashArray": "6 4"},
                       tooltip=folium.GeoJsonTooltip(fields=ward_cols, aliases=["Ward"]) if ward_cols else None,
                       ).add_to(m)

    folium.GeoJson(boundary, name="Place boundary",
                   style_function=lambda f: {"fill": False, "color": "#000000", "weight": 4}).add_to(m)

    if assets_gdf is not None and len(assets_gdf):
        points = assets_gdf[assets_gdf.geometry.notna() & ~assets_gdf.geometry.is_empty].to_crs(4326)
        if "category_label" not in points:
            points = points.assign(category_label=points["category"].map(CATEGORIES))
        for cat in [c for c in CATEGORIES if c in set(points["category"])]:
            sub = points[points["category"] == cat]
            group = folium.FeatureGroup(name=f"{esc(CATEGORIES[cat])} ({len(sub)})", show=True)
            target = MarkerCluster(name=None, control=False).add_to(group) \
                if len(sub) > cluster_threshold else group
            colour = CATEGORY_COLOURS[cat]
            for _, row in sub.iterrows():
                marker = folium.CircleMarker(location=[row.geometry.y, row.geometry.x], radius=7,
                                             color="#ffffff", weight=1.5, fill=True, fill_color=colour,
                                             fill_opacity=0.95, tooltip=esc(row["name"]))
                _BoundPopup.add(marker, popup_html(row))
                marker.add_to(target)
            group.add_to(m)
        m.get_root().html.add_child(Element(_asset_list(points)))

    folium.LayerControl(collapsed=False).add_to(m)
    m.get_root().html.add_child(Element(_legend(
        deprivation_label, "Decile 1 = the 10% most deprived LSOAs in England.")))
    m.fit_bounds([[south, west], [north, east]])
    return m


def base_map(**kwargs):
    """A ``folium.Map`` with no tiles that loads only Leaflet (see the module notes).

    Keyword arguments go to ``folium.Map``; ``tiles`` is refused, because a map that
    needs tiles does not draw offline (add an optional ``folium.TileLayer`` instead).
    """
    import folium  # heavy (about 1 s): loaded only when a map is drawn

    if kwargs.get("tiles"):
        raise ValueError("base_map draws without tiles; add an optional folium.TileLayer instead")
    kwargs["tiles"] = None
    kwargs.setdefault("control_scale", True)
    m = folium.Map(**kwargs)
    # only Leaflet is needed: drop jQuery, Bootstrap and the icon fonts folium adds by default
    m.default_js = [LEAFLET_JS]
    m.default_css = [LEAFLET_CSS]
    return m


def web_asset_dirs() -> list[Path]:
    """Folders holding Leaflet and Leaflet.markercluster JS/CSS (XStatic packages)."""
    dirs = []
    for module in ("xstatic.pkg.leaflet", "xstatic.pkg.leaflet_markercluster"):
        try:
            dirs.append(Path(__import__(module, fromlist=["BASE_DIR"]).BASE_DIR))
        except ImportError:
            continue  # embed() reports the URLs left on the network
    return dirs


def _inline_css_images(css: str, folder: Path) -> str:
    # leaflet.css points at images/*.png relative to itself; inside a standalone page
    # those would be broken requests, so they become data: URIs

    def repl(match):
        path = folder / match.group(1)
        if not path.is_file():
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode('ascii')})"
    return re.sub(r"url\((images/[\w.-]+\.png)\)", repl, css)


def embed(m, *, title: str, height: int = 620):
    """A folium map as a self-contained block for a report page.

    The map page is rendered with Leaflet's JS and CSS inlined (no CDN) and placed
    in an ``<iframe srcdoc>`` with a title, so it draws offline and its scripts
    cannot touch the report around it.

    Raises
    ------
    CcdataError
        If a script or stylesheet would still have to come from the network (the
        XStatic packages are missing); the message names the URLs.
    """
    import folium  # heavy (about 1 s): loaded only when a map is drawn


    if not isinstance(m, folium.Map):
        raise TypeError(f"embed expects a folium.Map, not {type(m).__name__}")
    if not title or not str(title).strip():
        raise ValueError("a map needs a title for screen readers")
    page, remaining = inline_web_assets(m.get_root().render(), web_asset_dirs())
    if remaining:
        raise CcdataError("these map scripts would load from the internet: " + ", ".join(remaining)
                          + "; install XStatic-Leaflet and XStatic-Leaflet-MarkerCluster")
    return present.Block(
        f'<iframe class="ccdata-map" title="{html.escape(title)}" srcdoc="{html.escape(page, quote=True)}" '
        f'sandbox="allow-scripts" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #d0d0d0" loading="eager"></iframe>')


def inline_web_assets(page: str, vendor_dir) -> tuple[str, list[str]]:
    """Replace CDN ``<script src>``/``<link href>`` tags with local copies, inlined.

    Parameters
    ----------
    page : str
        Rendered HTML (``folium.Map.get_root().render()`` or an exported report).
    vendor_dir : Path, list of Path, or None
        Folder(s) holding files named as the last part of each URL (``leaflet.js``,
        ``leaflet.css``, ``leaflet.markercluster.js`` ...); the first match wins.

    Returns
    -------
    (str, list of str)
        The page, and the URLs still loaded from the network (no local copy).
    """
    if not isinstance(page, str):
        raise TypeError("page must be the HTML text")
    if vendor_dir is None:
        folders: list[Path] = []
    elif isinstance(vendor_dir, (str, Path)):
        folders = [Path(vendor_dir)]
    else:
        folders = [Path(f) for f in vendor_dir]
    remaining: list[str] = []

    def local(url: str) -> str | None:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        for folder in folders:
            path = folder / name
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                return _inline_css_images(text, folder) if name.endswith(".css") else text
        return None

    def inline(tag: str):
        def replace(match):
            url = match.group(1)
            text = local(url)
            if text is None:
                remaining.append(url)
                return match.group(0)
            return f"<{tag}>" + text.replace(f"</{tag}", f"<\\/{tag}") + f"</{tag}>"
        return replace

    page = re.sub(r'<script\s+src="(https?://[^"]+)"\s*>\s*</script>', inline("script"), page)
    page = re.sub(r'<link\s+rel="stylesheet"\s+href="(https?://[^"]+)"\s*/?>', inline("style"), page)
    return page, remaining








