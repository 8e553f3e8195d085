"""Views of the relationship network: an offline interactive diagram and a map.

:func:`network_view` draws the network as inline SVG with a few lines of inline
script to switch between survey waves. It makes no request to the internet, so
the exported report works offline and from a USB stick, and every name is
escaped. :func:`map_network` places organisations and their ties on the place's
deprivation map (folium).

Both take data and return objects; neither reads files. Residents are never shown
one by one: the diagram draws them as one "Residents" group whose ties pass
disclosure control (:func:`ccdata.analysis.residents.group_residents`), and the map
never places them.
"""
from __future__ import annotations

import hashlib
import json
import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ccdata.analysis import network as net
from ccdata.analysis.residents import RESIDENTS_GROUP, group_residents, residents_note
from ccdata.present import escape
from ccdata.present.mapkey import legend_html
from ccdata.present.maps import FILL_OPACITY, base_map, finish_map
from ccdata.present.palette import NO_DATA_COLOUR, SECTOR_COLOURS, decile_colour
from ccdata.schemas import check_frame
from ccdata.vocabulary import RELATIONSHIP_TYPES, RESIDENTS, SECTORS

#: Measures a node's size may show.
SIZE_MEASURES = ("betweenness", "degree", "weighted_degree")

_SCRIPT = """
(function(){
  var root = document.getElementById(%(id)s);
  if (!root) return;
  var picks = root.querySelectorAll('select');
  function value(name){ var p = root.querySelector('select[data-pick="' + name + '"]'); return p ? p.value : null; }
  function show(){
    var w = value('wave'), t = value('type');
    var groups = root.querySelectorAll('[data-wave]');
    for (var i = 0; i < groups.length; i++) {
      var g = groups[i];
      var ok = g.getAttribute('data-wave') === w && (t === null || g.getAttribute('data-type') === t);
      g.style.display = ok ? '' : 'none';
    }
  }
  for (var j = 0; j < picks.length; j++) { picks[j].addEventListener('change', show); }
  show();
  // focus shows what hover shows: the details of a circle or line, in words
  var out = root.querySelector('.ccnet-detail');
  function tell(e){ var t = e.target.getAttribute && e.target.getAttribute('data-tip'); if (t && out) out.textContent = t; }
  root.addEventListener('focusin', tell); root.addEventListener('mouseover', tell);
})();
"""

#: The menu value that shows every kind of relationship together.
ALL_TYPES = "all"


class NetworkView:
    """An HTML fragment (``.html``) that notebooks display and reports embed."""

    def __init__(self, html_text: str):
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _esc(value) -> str:
    # HTML text that also stays inert inside the JavaScript template literals folium
    # writes tooltips into (backticks and ``${`` escaped)
    return escape.html_text(value)


def _name(value) -> str:
    # a name from input in a title, tooltip or attribute: escaped and isolated (FSI ... PDI)
    return escape.name_attr(value)


def _layout(data: net.NetworkData, seed: int, rules=None) -> dict:
    """One layout for every wave, so an organisation stays put when the wave changes.

    The largest connected group fills the drawing; smaller groups and organisations
    with no ties in any wave sit in a strip along the bottom (a force layout would
    fling them to the corners and shrink the main group to a blot).
    Positions are in the unit square, y downwards.
    """
    union = nx.Graph()
    for w in data.waves:
        g = group_residents(net.graph(data, w), rules)
        union.add_nodes_from(g.nodes)
        union.add_edges_from(g.edges)
    if union.number_of_nodes() == 0:
        return {}
    comps = sorted(nx.connected_components(union), key=lambda c: (-len(c), sorted(c)))
    main, rest = comps[0], comps[1:]
    strip = 0.12 if rest else 0.0
    pos = {}
    core = union.subgraph(main)
    raw = nx.spring_layout(core, seed=seed, k=1.6 / math.sqrt(len(main)), iterations=200) \
        if len(main) > 1 else {next(iter(main)): np.array([0.0, 0.0])}
    xs = np.array([p[0] for p in raw.values()])
    ys = np.array([p[1] for p in raw.values()])
    for n, (x, y) in raw.items():
        pos[n] = ((x - xs.min()) / max(np.ptp(xs), 1e-9) if len(main) > 1 else 0.5,
                  ((y - ys.min()) / max(np.ptp(ys), 1e-9) if len(main) > 1 else 0.5) * (1 - strip - 0.04))
    slots = sum(len(c) for c in rest)
    i = 0
    for comp in rest:
        for n in sorted(comp):  # small groups side by side, their members next to each other
            pos[n] = ((i + 0.5) / slots, 1 - strip / 2)
            i += 1
    return pos


def network_view(data: net.NetworkData, *, size_by: str = "betweenness", waves: list[str] | None = None,
                 seed: int = 7, width: int = 760, height: int = 560, labels: int = 8,
                 title: str = "Relationships between organisations", rules=None) -> NetworkView:
    """An interactive network diagram that works offline.

    Residents are one node, "Residents", whose ties to an organisation are drawn only
    when enough residents named it (:func:`ccdata.analysis.residents.group_residents`);
    a sentence per wave says how many ties that leaves out.

    Nodes are coloured by sector (Okabe-Ito palette, with a legend, so colour is
    never the only cue: hovering a node names it and its sector), sized by
    ``size_by``, and outlined when they belong to the core team. A menu switches
    between survey waves; without script the latest wave is shown.

    Parameters
    ----------
    data : NetworkData
        From :func:`ccdata.io.local.network.read_network` / :func:`~ccdata.analysis.network.load_network`.
    size_by : {"betweenness", "degree", "weighted_degree"}
        Measure shown by node area.
    waves : list of str, optional
        Waves offered (default: all).
    seed : int
        Layout seed (the same seed gives the same picture).
    width, height : int
        Drawing size in pixels.
    labels : int
        Number of the largest nodes labelled on the drawing (all are named on hover).
    title : str
        Heading of the figure (escaped).
    rules : ccdata.analysis.disclosure.Rules, optional
        Disclosure rules for the residents' group (default: the standard rules).

    Returns
    -------
    NetworkView
        ``.html``: a ``<figure>`` with inline SVG and a short inline script; no
        external resources.

    Raises
    ------
    TypeError, ValueError
        For data that are not NetworkData, an unknown measure or wave.
    """
    if not isinstance(data, net.NetworkData):
        raise TypeError(f"expected NetworkData, not {type(data).__name__}")
    if size_by not in SIZE_MEASURES:
        raise ValueError(f"size_by must be one of {SIZE_MEASURES}, not {size_by!r}")
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or value < 100:
            raise ValueError(f"{name} must be a whole number of pixels of at least 100, not {value!r}")
    all_waves = data.waves
    waves = all_waves if waves is None else [str(w) for w in waves]
    unknown = [w for w in waves if w not in all_waves]
    if unknown:
        raise ValueError(f"unknown wave(s) {unknown}; the survey has waves {all_waves}")
    # the id is made from what the page shows: organisations, never residents one by one
    shown = data.organisations.loc[data.organisations["sector"] != RESIDENTS, "org_id"]
    digest = hashlib.sha1(json.dumps([list(shown), waves, size_by, seed]).encode())
    uid = f"ccnet-{digest.hexdigest()[:10]}"
    pos = _layout(data, seed, rules)
    margin = 30

    def xy(n):
        x, y = pos[n]
        return margin + x * (width - 2 * margin), margin + y * (height - 2 * margin)

    types = [t for t in RELATIONSHIP_TYPES if t in set(data.ties["relationship"])]
    kinds = [ALL_TYPES] + (types if len(types) > 1 else [])
    groups, notes = [], []
    for w in waves:
        for kind in kinds:
            g = net.published_graph(data, w, rules=rules,
                                    relationships=None if kind == ALL_TYPES else (kind,))
            visible = w == waves[-1] and kind == ALL_TYPES
            attrs_text = f'data-wave="{_esc(w)}" data-type="{_esc(kind)}"' + ('' if visible else ' style="display:none"')
            groups.append(_wave_group(g, w, kind, attrs_text, xy, size_by, labels, width))
            said = residents_note(g, rules)
            if said:
                notes.append(f'<p {attrs_text} class="ccnet-residents">{_esc(said)}</p>')
    options = "".join(f'<option value="{_esc(w)}"{" selected" if w == waves[-1] else ""}>'
                      f'Wave {_esc(w)}</option>' for w in waves)
    type_menu = ""
    if len(kinds) > 1:
        type_options = "".join(f'<option value="{_esc(k)}"{" selected" if k == ALL_TYPES else ""}>'
                               f'{"Every kind" if k == ALL_TYPES else _esc(k[0].upper() + k[1:])}</option>'
                               for k in kinds)
        type_menu = (f' <label>Kind of relationship <select data-pick="type" aria-controls="{uid}-svg">'
                     f'{type_options}</select></label>')
    present = [s for s in SECTORS if s in set(data.organisations["sector"])]
    legend = "".join(f'<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" '
                     f'fill="{SECTOR_COLOURS[s]}"/></svg> {_esc(s)}</li>' for s in present)
    legend += ('<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="4" fill="#fff" '
               'stroke="#000" stroke-width="3"/></svg> core team</li>')
    size_text = {"betweenness": "betweenness (how often an organisation lies on the shortest path between two others)",
                 "degree": "number of ties", "weighted_degree": "number and strength of ties"}[size_by]
    n_orgs = int((data.organisations["sector"] != RESIDENTS).sum())
    alt = (f"Network diagram of {n_orgs} organisations"
           + (" and residents as one group" if n_orgs < len(data.organisations) else "")
           + f"; circles are coloured by sector and sized by {size_by.replace('_', ' ')}, "
           "lines are relationships.")
    html_text = (
        f'<figure id="{uid}" class="ccdata-network">'
        f'<figcaption><strong>{_esc(title)}</strong>. Circle size shows {_esc(size_text)}; '
        f'a black outline marks the core team. Hover over a circle, or move to it with the Tab key, '
        f'for its details; the list below the drawing and the tables name every organisation.</figcaption>'
        f'<style>#{uid} .ccnet-node:focus{{outline:none;stroke:#000;stroke-width:4}}'
        f'#{uid} .ccnet-scroll{{overflow-x:auto}}'
        f'@media (max-width:600px){{#{uid}{{margin:0}}#{uid} .ccnet-scroll svg{{min-width:{width}px}}}}'
        f'@media print{{#{uid} label,#{uid} .ccnet-detail{{display:none}}}}</style>'
        f'<label>Survey wave <select data-pick="wave" aria-controls="{uid}-svg">{options}</select></label>'
        f'{type_menu}'
        f'<p class="ccnet-detail" aria-live="polite" style="min-height:1.4em;margin:4px 0">'
        f'Details of the organisation in focus show here.</p>'
        f'<div class="ccnet-scroll" tabindex="0" role="region" aria-label="Network drawing (scrolls sideways on a '
        f'narrow screen)">'
        f'<svg id="{uid}-svg" role="group" aria-label="{_esc(alt)}" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px;height:auto;background:#fff">'
        + "".join(groups) +
        f'</svg></div>{"".join(notes)}<ul style="list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:0 1em">'
        f'{legend}</ul>'
        + _as_list(net.published_graph(data, waves[-1], rules=rules), waves[-1]) +
        f'<script>{_SCRIPT % {"id": json.dumps(uid)}}</script></figure>')
    return NetworkView(html_text)


def _pair(g: nx.Graph, u, v) -> str:
    """Two organisations' names, each in quotes (so that a name containing "and" stays whole),
    escaped and isolated (a right-to-left name cannot reorder the words around it)."""
    return f'\u201c{_name(g.nodes[u]["label"])}\u201d and \u201c{_name(g.nodes[v]["label"])}\u201d'


def _wave_group(g: nx.Graph, w: str, kind: str, attrs_text: str, xy, size_by: str, labels: int,
                width: int) -> str:
    """The SVG group of one wave and kind of relationship."""
    cent = net.centrality(g).set_index("org_id")
    measure = cent[size_by].astype(float).fillna(0.0) if len(cent) else pd.Series(dtype=float)
    top_value = float(measure.max()) if len(measure) and measure.max() > 0 else 1.0
    summary = net.summarise(g)
    what = "every kind of relationship" if kind == ALL_TYPES else kind
    parts = [f'<g {attrs_text}>',
             f'<title>Wave {_esc(w)}, {_esc(what)}: {summary["organisations"]:,} organisations '
             f'(residents as one group), {summary["ties"]:,} tie{"" if summary["ties"] == 1 else "s"}</title>']
    for u, v, attrs in g.edges(data=True):
        (x1, y1), (x2, y2) = xy(u), xy(v)
        stroke = 0.6 + 0.5 * float(attrs.get("weight", 1.0))
        types = ", ".join(attrs.get("types", ()))
        if "residents" in attrs:  # the residents' group: a rounded count of people, no one by name
            other = v if u == RESIDENTS_GROUP else u
            k = attrs["residents"]
            said = (f'Residents and {_name(g.nodes[other]["label"])}: about {k} '
                    f'{"resident" if k == 1 else "residents"} named it ({_esc(types)})')
        else:
            said = f'{_pair(g, u, v)}: {_esc(types)}'
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="#7a7a7a" stroke-opacity="0.55" stroke-width="{stroke:.1f}">'
                     f'<title>{said}</title></line>')
    labelled = set(measure.sort_values(ascending=False).index[:labels]) if labels else set()
    for n in sorted(g.nodes, key=lambda n: measure.get(n, 0.0)):
        x, y = xy(n)
        node = g.nodes[n]
        r = 4 + 14 * math.sqrt(measure.get(n, 0.0) / top_value)
        core = node["core_team"]
        row = cent.loc[n]
        who = ("Residents who took part, as one group" if n == RESIDENTS_GROUP else
               f'{_name(node["label"])} ({_esc(node["sector"])}{", core team" if core else ""})')
        degree = int(row["degree"])
        tip = f'{who}: {degree} tie{"" if degree == 1 else "s"}, betweenness {row["betweenness"]:.2f}'
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" tabindex="0" role="img" '
                     f'aria-label="{tip}" data-tip="{tip}" class="ccnet-node" '
                     f'fill="{SECTOR_COLOURS[node["sector"]]}" stroke="{"#000" if core else "#555"}" '
                     f'stroke-width="{3 if core else 0.6}"><title>{tip}</title></circle>')
        if n in labelled and measure.get(n, 0.0) > 0:
            # a label on the right half runs leftwards, so that no name is cut off at the edge
            left = x > width / 2
            tx = x - r - 2 if left else x + r + 2
            parts.append(f'<text x="{tx:.1f}" y="{y + 4:.1f}" font-size="11" '
                         f'text-anchor="{"end" if left else "start"}" '
                         f'paint-order="stroke" stroke="#fff" stroke-width="3">{_esc(node["label"])}</text>')
    parts.append("</g>")
    return "".join(parts)


def _as_list(g: nx.Graph, wave: str) -> str:
    """The latest wave as a list: each organisation and whom it is tied to (readable at any width)."""
    items = []
    for n in sorted(g.nodes, key=lambda n: str(g.nodes[n]["label"]).casefold()):
        partners = sorted((str(g.nodes[m]["label"]) for m in g[n]), key=str.casefold)
        partners = [escape.name_html(m) for m in partners]
        name = "Residents, as one group" if n == RESIDENTS_GROUP else g.nodes[n]["label"]
        tied = "; ".join(partners) if partners else "no ties"
        items.append(f'<li><strong>{escape.name_html(name)}</strong> ({_esc(g.nodes[n]["sector"])}): {tied}</li>')
    return (f'<details class="ccnet-list"><summary>The network as a list (wave {_esc(wave)}, every kind of '
            f'relationship): each organisation and the organisations it is tied to</summary>'
            f'<ul>{"".join(items)}</ul></details>')


def map_network(data: net.NetworkData, points: pd.DataFrame, lsoas=None, *, wave: str | None = None,
                decile_column: str = "imd_decile", tiles: str | None = None,
                deprivation_label: str = "Index of Multiple Deprivation, decile"):
    """Organisations and their ties on the deprivation map.

    Parameters
    ----------
    data : NetworkData
    points : DataFrame
        From :func:`ccdata.analysis.network.organisation_points` (EPSG:27700 ``easting``,
        ``northing``; residents have none and are not drawn).
    lsoas : GeoDataFrame, optional
        LSOA polygons with ``lsoa21_code``, ``lsoa21_name`` and ``decile_column``
        (1 = most deprived) for the choropleth.
    wave : str, optional
        Wave whose ties are drawn (default: latest).
    decile_column : str
        Column of ``lsoas`` holding the deprivation decile.
    tiles : str or None
        Optional background tiles, added as a layer the reader can switch off
        (default ``None``: the map draws offline without them).
    deprivation_label : str
        Title of the deprivation key (the same key and colours as the asset map).

    Returns
    -------
    folium.Map
        With a collapsed layer control and a key (deprivation deciles and sectors);
        ``ccdata_key`` says what the key holds, for its text version on the page.

    Raises
    ------
    TypeError, ValueError
        For inputs of the wrong type or missing columns.
    """
    import folium  # heavy (about 1 s): loaded only when a map is drawn

    net.check_data(data)
    check_frame(points, "points", ("org_id", "label", "sector", "easting", "northing"),
                made_by="ccdata.analysis.network.organisation_points()")
    g = net.graph(data, wave)
    pts = points[points["easting"].notna() & points["northing"].notna()
                 & (points["sector"] != RESIDENTS)]
    geo = gpd.GeoDataFrame(pts.copy(), geometry=gpd.points_from_xy(pts["easting"].astype(float),
                                                                   pts["northing"].astype(float)),
                           crs=27700).to_crs(4326)
    where = {r.org_id: (r.geometry.y, r.geometry.x) for r in geo.itertuples()}

    fmap = base_map()
    if tiles:
        folium.TileLayer(tiles, name="Street map (needs internet)", control=True, show=False).add_to(fmap)
    bounds = []
    if lsoas is not None:
        if not isinstance(lsoas, gpd.GeoDataFrame) or decile_column not in lsoas.columns:
            raise ValueError(f"lsoas must be a GeoDataFrame with a {decile_column!r} column")
        shapes = lsoas.to_crs(4326)[["lsoa21_code", "lsoa21_name", decile_column, "geometry"]].copy()
        shapes["tip"] = [f"{_esc(n)} ({_esc(c)}): decile {d if pd.notna(d) else 'not available'}"
                         for c, n, d in zip(shapes["lsoa21_code"], shapes["lsoa21_name"], shapes[decile_column])]
        shapes[decile_column] = shapes[decile_column].astype("Float64")
        shapes = shapes.drop(columns=["lsoa21_name"])

        def style(feature):
            d = feature["properties"].get(decile_column)
            colour = decile_colour(d) if d is not None else NO_DATA_COLOUR
            return {"fillColor": colour, "color": "#555", "weight": 0.6, "fillOpacity": FILL_OPACITY}

        layer = folium.FeatureGroup(name="Deprivation decile (1 = most deprived 10%)")
        folium.GeoJson(shapes.to_json(), style_function=style,
                       tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False)).add_to(layer)
        layer.add_to(fmap)
        minx, miny, maxx, maxy = shapes.total_bounds
        bounds += [[miny, minx], [maxy, maxx]]
    ties = folium.FeatureGroup(name=f"Ties (wave {_esc(g.graph['wave'])})")
    for u, v, attrs in g.edges(data=True):
        if u in where and v in where:
            folium.PolyLine([where[u], where[v]], color="#444", weight=1 + 0.5 * attrs.get("weight", 1.0),
                            opacity=0.6, tooltip=_pair(g, u, v)
                            ).add_to(ties)
    ties.add_to(fmap)
    orgs = folium.FeatureGroup(name="Organisations")
    for r in geo.itertuples():
        core = bool(getattr(r, "core_team", False))
        text = f"{_name(r.label)} ({_esc(r.sector)}{', core team' if core else ''})"
        folium.CircleMarker([r.geometry.y, r.geometry.x], radius=7 if core else 5,
                            color="#000" if core else "#fff", weight=2 if core else 1, fill=True,
                            fill_color=SECTOR_COLOURS.get(r.sector, "#999999"), fill_opacity=0.95,
                            tooltip=text).add_to(orgs)
        bounds.append([r.geometry.y, r.geometry.x])
    orgs.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    sectors = [s for s in SECTORS if s in set(geo["sector"])]
    frame = None
    if bounds:
        arr = np.array(bounds)
        frame = [arr.min(axis=0).tolist(), arr.max(axis=0).tolist()]
        fmap.fit_bounds(frame)
    finish_map(fmap, frame or [[50.0, -5.0], [55.0, 1.0]],
                legend_html(deprivation_label, sectors=sectors, boundary=False, fill_opacity=FILL_OPACITY)
                if lsoas is not None
                else legend_html("", sectors=sectors, boundary=False, deciles=False))
    fmap.ccdata_key = {"sectors": sectors, "deprivation_label": deprivation_label if lsoas is not None else ""}
    return fmap


# ---------------------------------------------------------------------------- report sections
