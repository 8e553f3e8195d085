"""Web maps of a place: deprivation by LSOA, boundaries and assets (folium / Leaflet).

:func:`map_assets` takes data and returns a ``folium.Map``; it never reads a file.

Design choices, and why:

* **No tiles needed, streets where they can load.** Areas, outlines and markers draw
  without any background, so a report opened offline still shows them. The street
  map (its source a setting, :mod:`ccdata.present.tiles`) is on from the start on a
  page served from a website, reached through the page because the map's sandboxed
  frame sends no referrer itself; a page opened from a file says in one line why it
  shows no streets.
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
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ccdata import present
from ccdata.analysis.assets import source_words
from ccdata.errors import CcdataError
from ccdata.vocabulary import CATEGORIES
from ccdata.present import escape
from ccdata.present.mapscript import PARENT, script_line
from ccdata.present.tiles import PAGE_RELAY, TileSource, add_street_layer, frame_attributes, tile_source
from ccdata.present.mapkey import legend_html, marker_svg
from ccdata.present.palette import DECILE_COLOURS, NO_DATA_COLOUR

#: How opaque the deprivation fills are: the streets show through, and the key's swatches are
#: drawn at the same opacity on the same white, so a fill and its swatch look alike.
FILL_OPACITY = 0.6
#: Simplification tolerance in metres (British National Grid) for web display.
SIMPLIFY_M = 15
#: Above this many assets in a category, its markers are clustered. Set high: a place and its
#: buffer rarely hold this many of one kind, and unclustered markers each stay visible, in print
#: too, and reachable by keyboard (Leaflet 1.9's tooltip focus handling also fails on clusters).
CLUSTER_THRESHOLD = 150
#: Above this many assets in a category, its markers are made in the browser from a compact
#: list (name and position only; no pop-up): a page with thousands of markers stays small.
COMPACT_THRESHOLD = 1000
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
    lines = [f"<strong>{escape.name_html(row.get('name'))}</strong>"]  # isolated: a right-to-left name
    label = row.get("category_label") if isinstance(row.get("category_label"), str) else row.get("category")
    lines.append(esc(label))
    for field in ("address", "postcode", "details"):
        text = esc(row.get(field))
        if text:
            lines.append(text)
    url = _safe_url(row.get("website"))
    if url:
        lines.append(f'<a href="{esc(url)}" target="_blank" rel="noopener">{esc(url)}</a>')
    source = esc(source_words(row.get("source")))
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
        marker.add_child(script_line("BoundPopup", f"{PARENT}.bindPopup({_js_string(html_text)}, "
                                               f"{{maxWidth: {int(max_width)}}});"))
        return marker


def frame_bounds(boundary_gdf, assets_gdf=None, *, margin: float = 0.08, min_margin_m: float = 150.0):
    """The initial view of a map: the place boundary and every located asset, with a margin.

    Parameters
    ----------
    boundary_gdf : GeoDataFrame
        The place outline (any CRS).
    assets_gdf : GeoDataFrame, optional
        Located points (rows with no or empty geometry are ignored).
    margin : float
        Share of the larger side added on every side (default 8%).
    min_margin_m : float
        Smallest margin in metres, so a single point or a tiny place still shows its surroundings.

    Returns
    -------
    list
        ``[[south, west], [north, east]]`` in WGS84 degrees (Leaflet's order).
    """
    _check_gdf(boundary_gdf, "boundary_gdf")
    if not isinstance(margin, (int, float)) or isinstance(margin, bool) or not 0 <= margin <= 1:
        raise ValueError(f"margin must be a share between 0 and 1, not {margin!r}")
    shapes = [boundary_gdf.to_crs(27700).geometry]
    if assets_gdf is not None:
        _check_gdf(assets_gdf, "assets_gdf")
        pts = assets_gdf[assets_gdf.geometry.notna() & ~assets_gdf.geometry.is_empty]
        if len(pts):
            shapes.append(pts.to_crs(27700).geometry)
    together = gpd.GeoSeries(pd.concat(shapes, ignore_index=True), crs=27700)
    together = together[together.notna() & ~together.is_empty]
    if together.empty:
        raise ValueError("nothing to frame: the boundary is empty and no asset is located")
    x0, y0, x1, y1 = together.total_bounds
    pad = max(margin * max(x1 - x0, y1 - y0), float(min_margin_m))
    corners = gpd.GeoSeries(gpd.points_from_xy([x0 - pad, x1 + pad, x0 - pad, x1 + pad],
                                               [y0 - pad, y0 - pad, y1 + pad, y1 + pad]), crs=27700).to_crs(4326)
    return [[float(corners.y.min()), float(corners.x.min())], [float(corners.y.max()), float(corners.x.max())]]


_MAP_SCRIPT = """
(function(){
  var map = %(map)s, frame = %(bounds)s;
  var legend = L.control({position: 'bottomright'});
  legend.onAdd = function(){
    var box = L.DomUtil.create('div', 'ccdata-legend-box leaflet-bar');
    box.innerHTML = %(legend)s;
    L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
    if (window.innerWidth < 600) { box.querySelector('details').open = false; }
    return box;
  };
  legend.addTo(map);
  // fit once the map has a size (a frame can be laid out after its script runs), and again for paper
  var fitted = false;
  function fit(){
    map.invalidateSize(false);
    var size = map.getSize();
    if (!size.x || !size.y) return;
    map.fitBounds(frame, {animate: false}); fitted = true;
  }
  fit();
  window.addEventListener('load', function(){ if (!fitted) fit(); });
  map.on('resize', function(){ if (!fitted) fit(); });
  // shapes are drawn for the eye; their names are in the list of assets on the page
  function quiet(){
    var shapes = document.querySelectorAll('path.leaflet-interactive');
    for (var i = 0; i < shapes.length; i++) { shapes[i].setAttribute('tabindex', '-1'); shapes[i].setAttribute('aria-hidden', 'true'); }
  }
  quiet(); map.on('layeradd zoomend', quiet);
  window.addEventListener('beforeprint', fit);
  if (window.matchMedia) { var q = window.matchMedia('print'); if (q.addEventListener) q.addEventListener('change', fit); }
  window.ccdataFrame = frame;
})();
"""

#: CSS of the map's own document: controls that stay out of the way, a readable key, and paper.
MAP_CSS = """
body .leaflet-container{background:#fff}
.ccdata-legend-box{background:#fff;padding:4px 8px;font:12px/1.35 sans-serif;max-width:230px;
  max-height:calc(100vh - 90px);overflow:auto}
.ccdata-legend-box summary{cursor:pointer}
.ccdata-legend-box svg{vertical-align:middle}
.ccdata-marker{background:none;border:none}
.ccdata-marker:focus{outline:3px solid #000;outline-offset:2px;border-radius:2px}
.leaflet-control-layers-toggle{width:36px;height:36px}
@media (max-width: 600px){ .ccdata-legend-box{max-width:60vw} }
@media print{
  .leaflet-control-container{display:none !important}
  html,body{width:100%;height:100%;margin:0}
}
"""


def finish_map(m, bounds, legend: str) -> None:
    """Add the key (a Leaflet control), the initial frame, the print refit and the map CSS (every map).

    Parameters
    ----------
    m : folium.Map
        From :func:`base_map`.
    bounds : list
        ``[[south, west], [north, east]]`` in degrees: the frame the map opens on.
    legend : str
        The key's HTML (:func:`ccdata.present.mapkey.legend_html`), already escaped.

    Raises
    ------
    TypeError, ValueError
        ``legend`` is not text; ``bounds`` is not two (latitude, longitude) corners.
    """
    if not isinstance(legend, str):
        raise TypeError(f"legend must be the key's HTML text, not {type(legend).__name__}")
    if len(bounds) != 2 or any(len(corner) != 2 for corner in bounds):  # a number has no len(): TypeError
        raise ValueError(f"bounds must be [[south, west], [north, east]] in degrees, not {bounds!r}")
    from branca.element import (
        Element,  # folium's toolkit: loaded only when a map is drawn
    )

    script = _MAP_SCRIPT % {"map": PARENT, "bounds": json.dumps(bounds), "legend": _js_string(legend)}
    m.add_child(script_line("CcdataMapKey", script))
    m.get_root().header.add_child(Element(f"<style>{MAP_CSS}</style>"))


def _marker(folium, row, category: str):
    """A keyboard-reachable marker: shape and colour of its category, named by asset name and kind."""
    name = row["name"] if isinstance(row["name"], str) and row["name"].strip() else "(no name)"
    kind = f" ({CATEGORIES[category]})"
    # the name isolated (FSI ... PDI): a right-to-left name cannot reorder the kind after it
    marker = folium.Marker(location=[row.geometry.y, row.geometry.x], tooltip=escape.name_attr(name) + esc(kind),
                           icon=folium.DivIcon(html=marker_svg(category), icon_size=(18, 18), icon_anchor=(9, 9),
                                               class_name="ccdata-marker"))
    _BoundPopup.add(marker, popup_html(row))
    marker.add_child(script_line(
        "MarkerName", "(function(mk, t){mk.options.title = t; mk.options.alt = t;"
        "function name(){ if (mk._icon) { mk._icon.title = t; mk._icon.setAttribute('aria-label', t); } }"
        f"name(); mk.on('add', name);}})({PARENT}, {escape.name_js(name, kind)});"))
    return marker


def _compact_markers(points, category: str):
    """One category's markers as a compact list turned into clustered markers in the browser.

    Each row is ``[lat, lon, label]``; folium writes the list as JSON (``<``, ``>``, ``&``
    and quotes escaped), and the label reaches the page only as text (``textContent``,
    ``title``), never as HTML.
    """
    from folium.plugins import FastMarkerCluster  # with folium: loaded only when a map is drawn

    # names isolated (FSI ... PDI): the label reaches the page as text (title, textContent)
    labels = [f"{escape.isolated(n) if isinstance(n, str) and n.strip() else '(no name)'} "
              f"({CATEGORIES[category]})" for n in points["name"]]
    # "%", "{" and "}" travel percent-encoded: folium writes the list as JSON into a script
    # that branca renders again as a template (see ccdata.present.escape), where "{{"
    # would be evaluated; the browser decodes them before the label is used
    data = [[float(p.y), float(p.x), label.replace("%", "%25").replace("{", "%7B").replace("}", "%7D")]
            for p, label in zip(points.geometry, labels)]
    callback = ("function (row) {"  # folium writes "var callback = " before it
                f"var icon = L.divIcon({{html: {_js_string(marker_svg(category))}, iconSize: [18, 18], "
                "iconAnchor: [9, 9], className: 'ccdata-marker'});"
                "var t = decodeURIComponent(row[2]);"
                "var mk = L.marker(new L.LatLng(row[0], row[1]), {icon: icon, title: t, alt: t});"
                "var tip = document.createElement('span'); tip.textContent = t; mk.bindTooltip(tip);"
                "mk.on('add', function(){ if (mk._icon) { mk._icon.setAttribute('aria-label', t); } });"
                "return mk;}")
    return FastMarkerCluster(data, callback=callback, name=None, control=False)


def _check_map_inputs(lsoas_gdf, boundary_gdf, wards_gdf, assets_gdf, deprivation_col: str,
                      cluster_threshold, compact_threshold) -> pd.Series:
    """The checks of :func:`map_assets`' arguments; returns the deciles as numbers."""
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
            raise ValueError(f"unknown asset categories {unknown}; use ccdata.vocabulary.CATEGORIES")
    for what, value in (("cluster_threshold", cluster_threshold), ("compact_threshold", compact_threshold)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{what} must be a whole number >= 0")
    return deciles


def map_assets(lsoas_gdf, boundary_gdf, wards_gdf, assets_gdf, deprivation_col: str = "imd_decile", *,
               deprivation_label: str = "Index of Multiple Deprivation decile",
               ward_name_col: str | None = None, tiles: TileSource | str | None = "default",
               simplify_m: float = SIMPLIFY_M, cluster_threshold: int = CLUSTER_THRESHOLD,
               compact_threshold: int = COMPACT_THRESHOLD, height: str = "100%"):
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
        ending ``_name``. They are clipped to the place boundary (a ward's parts
        outside the place are not drawn), and the key says so.
    assets_gdf : GeoDataFrame or None
        Point assets with ``name`` and ``category`` (see :mod:`ccdata.analysis.assets`),
        optional ``category_label``, ``address``, ``postcode``, ``details``,
        ``website``, ``source``.
    deprivation_col : str
        Decile column to colour (``imd_decile``, ``idaci_decile`` ...).
    deprivation_label : str
        Legend title.
    tiles : TileSource, "default" or None
        The street map under the areas: a :class:`ccdata.present.tiles.TileSource`,
        ``"default"`` for the one set in the environment
        (:func:`ccdata.present.tiles.tile_source`), or ``None`` for none. The map never
        depends on it.
    simplify_m : float
        Simplification tolerance in metres.
    cluster_threshold : int
        Categories with more assets than this are clustered (Leaflet.markercluster).
    compact_threshold : int
        Categories with more assets than this are clustered from a compact list made
        into markers in the browser (name as tooltip and title, no pop-up), so a very
        long asset list does not make a page of many megabytes.

    Returns
    -------
    folium.Map
        Framed on the boundary and every located asset (:func:`frame_bounds`).
        Layers: the deprivation choropleth, the place boundary, wards, one
        toggleable layer per asset category (markers with the category's shape
        and colour, reachable by keyboard and named by asset name and kind), a
        collapsed layer control, and a key in the bottom-right corner. The list
        of assets is not inside the map: the page shows it (:func:`asset_list_html`).

    Raises
    ------
    TypeError, KeyError, ValueError
        On inputs that are not GeoDataFrames with a CRS, lack columns, or hold
        deciles outside 1-10 or unknown categories.
    """
    import folium  # heavy (about 1 s): loaded only when a map is drawn
    from folium.plugins import MarkerCluster

    deciles = _check_map_inputs(lsoas_gdf, boundary_gdf, wards_gdf, assets_gdf, deprivation_col,
                                cluster_threshold, compact_threshold)
    boundary = _web(boundary_gdf, simplify_m, [])
    bounds = frame_bounds(boundary_gdf, assets_gdf)
    (south, west), (north, east) = bounds
    m = base_map(location=[(south + north) / 2, (west + east) / 2], zoom_start=14, height=height)
    source = _tiles(tiles)

    name_cols = ["lsoa21_code"] + (["lsoa21_name"] if "lsoa21_name" in lsoas_gdf else [])
    lsoas = _web(lsoas_gdf.assign(_decile=deciles.astype("Int64")), simplify_m, name_cols + ["_decile"])
    lsoas["decile_text"] = [str(int(d)) if d is not None and not pd.isna(d) else "no data"
                            for d in lsoas["_decile"]]

    def style(feature):
        d = feature["properties"].get("_decile")
        colour = DECILE_COLOURS[int(d) - 1] if d is not None else NO_DATA_COLOUR
        return {"fillColor": colour, "fillOpacity": FILL_OPACITY, "color": "#ffffff", "weight": 1}

    folium.GeoJson(
        lsoas, name=f"LSOAs: {esc(deprivation_label)}", style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=name_cols + ["decile_text"],
                                      aliases=["LSOA 2021", "Name"][:len(name_cols)] + ["Decile"]),
    ).add_to(m)

    ward_key = ""
    if wards_gdf is not None and len(wards_gdf):
        ward_name_col = ward_name_col or next((c for c in wards_gdf.columns if str(c).endswith("_name")), None)
        ward_cols = [ward_name_col] if ward_name_col else []
        inside = gpd.clip(wards_gdf.to_crs(27700), boundary_gdf.to_crs(27700).union_all())
        # clipping can leave lines and points along the edge: keep the areas (Leaflet cannot name
        # a collection's parts for the keyboard)
        inside = inside.explode(index_parts=False)
        inside = inside[inside.geom_type.eq("Polygon") & (inside.geometry.area > 1)]
        if len(inside):
            ward_key = "Ward boundaries (May 2024), drawn inside the place only"
            wards = _web(inside, simplify_m, ward_cols)
            folium.GeoJson(wards, name="Ward boundaries (inside the place)",
                           style_function=lambda f: {"fill": False, "color": "#333333", "weight": 2,
                                                     "dashArray": "6 4"},
                           tooltip=folium.GeoJsonTooltip(fields=ward_cols, aliases=["Ward"]) if ward_cols else None,
                           ).add_to(m)

    folium.GeoJson(boundary, name="Place boundary",
                   style_function=lambda f: {"fill": False, "color": "#000000", "weight": 4}).add_to(m)

    shown, clustered = [], {}
    if assets_gdf is not None and len(assets_gdf):
        points = assets_gdf[assets_gdf.geometry.notna() & ~assets_gdf.geometry.is_empty].to_crs(4326)
        if "category_label" not in points:
            points = points.assign(category_label=points["category"].map(CATEGORIES))
        for cat in [c for c in CATEGORIES if c in set(points["category"])]:
            sub = points[points["category"] == cat]
            shown.append(cat)
            group = folium.FeatureGroup(name=f"{esc(CATEGORIES[cat])} ({len(sub):,})", show=True)
            if len(sub) > cluster_threshold:
                clustered[cat] = len(sub)
            if len(sub) > compact_threshold:
                _compact_markers(sub, cat).add_to(group)
                group.add_to(m)
                continue
            target = MarkerCluster(name=None, control=False).add_to(group) \
                if len(sub) > cluster_threshold else group
            for _, row in sub.iterrows():
                _marker(folium, row, cat).add_to(target)
            group.add_to(m)

    if clustered:  # Leaflet.markercluster needs the map's deepest zoom (the street map is off at first)
        m.options["max_zoom"] = 19
    control = folium.LayerControl(collapsed=True).add_to(m)
    if source is not None:
        add_street_layer(m, source, control)
    finish_map(m, bounds, legend_html(deprivation_label, categories=shown, wards=ward_key,
                                       fill_opacity=FILL_OPACITY))
    m.ccdata_key = {"categories": shown, "wards": ward_key, "deprivation_label": deprivation_label,
                    "clustered": clustered}
    return m


def _tiles(tiles) -> TileSource | None:
    if tiles is None or isinstance(tiles, TileSource):
        return tiles
    if tiles in ("default", "OpenStreetMap"):
        return tile_source()
    raise ValueError(f"tiles must be a TileSource, 'default' or None, not {tiles!r}")


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
    kwargs.setdefault("zoom_snap", 0.25)  # quarter zoom steps: the first view fits its frame closely
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
    page, remaining = inline_web_assets(_page_basics(m.get_root().render(), title), web_asset_dirs())
    if remaining:
        raise CcdataError("these map scripts would load from the internet: " + ", ".join(remaining)
                          + "; install XStatic-Leaflet and XStatic-Leaflet-MarkerCluster")
    source = getattr(m, "ccdata_tiles", None)
    return present.Block(
        f'<iframe class="ccdata-map" title="{html.escape(title)}" srcdoc="{html.escape(page, quote=True)}" '
        f'sandbox="allow-scripts"{frame_attributes(source)} '
        f'style="width:100%;height:{int(height)}px;border:1px solid #d0d0d0" loading="eager"></iframe>'
        + (PAGE_RELAY if source is not None else ""))


def _page_basics(page: str, title: str) -> str:
    # the map's own document: a language, a title, and zoom allowed (folium forbids pinch zoom)
    page = re.sub(r"<html(\s[^>]*)?>", '<html lang="en">', page, count=1)
    page = re.sub(r'<meta name="viewport"[^>]*>', '<meta name="viewport" content="width=device-width, '
                  'initial-scale=1.0">', page, count=1, flags=re.S)
    return re.sub(r"<head>", f"<head><title>{escape.html_text(title)}</title>", page, count=1)


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
