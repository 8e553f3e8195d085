"""Map keys: marker shapes by category, the legend drawn inside a map, and its text on the page.

Colour is never the only cue: each asset category has its own marker shape as well
as its own colour (:data:`CATEGORY_SHAPES`), and every key drawn inside a map has a
text version (:func:`key_text`) that the page shows outside the map's frame, so a
reader who cannot see the map, or a page that cannot reach into the map's frame,
loses nothing.
"""
from __future__ import annotations

import math
import re

from ccdata import present
from ccdata.vocabulary import CATEGORIES
from ccdata.present.escape import html_text, name_html
from ccdata.present.palette import (
    CATEGORY_COLOURS,
    DECILE_COLOURS,
    NO_DATA_COLOUR,
    SECTOR_COLOURS,
)
from ccdata.schemas import check_frame

#: One marker shape per asset category (drawn in an 18 x 18 box).
CATEGORY_SHAPES = {
    "school": "square", "early_years": "circle", "gp_practice": "cross", "library": "diamond",
    "youth": "triangle", "family_hub": "hexagon", "food_bank": "triangle-down", "faith": "pentagon",
    "community": "star", "leisure": "ring", "health_other": "x", "other": "triangle-left",
}
#: Plain names of the palette's colours, for the text version of a key.
COLOUR_NAMES = {
    "#0072B2": "blue", "#56B4E9": "sky blue", "#009E73": "bluish green", "#E69F00": "orange",
    "#D55E00": "vermilion", "#CC79A7": "pink", "#F0E442": "yellow", "#7F3C8D": "purple",
    "#000000": "black", "#3C8D2F": "leaf green", "#999999": "grey", "#666666": "dark grey",
}
DECILE_TEXT = ("Neighbourhoods (LSOAs) are shaded by decile, from dark purple (decile 1, the most "
               "deprived 10% in England) through blue and green to yellow (decile 10, the least deprived); "
               "light grey means no figure.")


def _polygon(n: int, r: float = 7.5, start: float = -90.0, cx: float = 9.0, cy: float = 9.0) -> str:
    pts = [(cx + r * math.cos(math.radians(start + 360 * i / n)), cy + r * math.sin(math.radians(start + 360 * i / n)))
           for i in range(n)]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def _star() -> str:
    pts = []
    for i in range(10):
        r = 8.0 if i % 2 == 0 else 3.4
        a = math.radians(-90 + 36 * i)
        pts.append(f"{9 + r * math.cos(a):.1f},{9 + r * math.sin(a):.1f}")
    return " ".join(pts)


_SHAPES = {
    "circle": '<circle cx="9" cy="9" r="7"{a}/>',
    "ring": '<circle cx="9" cy="9" r="6" stroke-width="4" fill="#fff" stroke="{c}"/>'
            '<circle cx="9" cy="9" r="8.2" fill="none" stroke="#222" stroke-width="1"/>',
    "square": '<rect x="2.5" y="2.5" width="13" height="13"{a}/>',
    "diamond": '<polygon points="9,0.8 17.2,9 9,17.2 0.8,9"{a}/>',
    "triangle": '<polygon points="9,1 17,16.5 1,16.5"{a}/>',
    "triangle-down": '<polygon points="1,1.5 17,1.5 9,17"{a}/>',
    "triangle-left": '<polygon points="1,9 16.5,1 16.5,17"{a}/>',
    "pentagon": f'<polygon points="{_polygon(5, 8.2)}"{{a}}/>',
    "hexagon": f'<polygon points="{_polygon(6, 8, -90)}"{{a}}/>',
    "star": f'<polygon points="{_star()}"{{a}}/>',
    "cross": '<polygon points="6,1 12,1 12,6 17,6 17,12 12,12 12,17 6,17 6,12 1,12 1,6 6,6"{a}/>',
    "x": '<polygon points="3,1 9,6.5 15,1 17,3 11.5,9 17,15 15,17 9,11.5 3,17 1,15 6.5,9 1,3"{a}/>',
}

_SHAPE_WORDS = {"triangle-down": "triangle pointing down", "triangle-left": "triangle pointing left",
                "x": "diagonal cross", "cross": "plus sign", "triangle": "triangle pointing up"}


def marker_svg(category: str, size: int = 18) -> str:
    """The marker of an asset category: an inline SVG of its shape in its colour (decorative)."""
    if category not in CATEGORY_SHAPES:
        raise ValueError(f"unknown asset category {category!r}; use ccdata.vocabulary.CATEGORIES")
    colour = CATEGORY_COLOURS[category]
    body = _SHAPES[CATEGORY_SHAPES[category]].format(a=f' fill="{colour}" stroke="#222" stroke-width="1.2"', c=colour)
    return (f'<svg width="{int(size)}" height="{int(size)}" viewBox="0 0 18 18" aria-hidden="true" '
            f'focusable="false">{body}</svg>')


def category_key_text(category: str) -> str:
    """"Schools: blue square" (the text version of one marker)."""
    if category not in CATEGORY_SHAPES:
        raise ValueError(f"unknown asset category {category!r}")
    shape = _SHAPE_WORDS.get(CATEGORY_SHAPES[category], CATEGORY_SHAPES[category])
    return f"{CATEGORIES[category]}: {COLOUR_NAMES.get(CATEGORY_COLOURS[category], 'coloured')} {shape}"


def on_white(colour: str, opacity: float) -> str:
    """The colour a fill of ``colour`` at ``opacity`` shows on white, as ``#rrggbb``.

    The map's background is white, so a key swatch in this colour looks like the area it
    stands for (a swatch in the full colour would be darker than every fill).

    Examples
    --------
    >>> on_white("#000000", 0.6)
    '#666666'
    """
    if not isinstance(colour, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        raise ValueError(f"colour must be '#rrggbb', not {colour!r}")
    if isinstance(opacity, bool) or not isinstance(opacity, (int, float)) or not 0 <= opacity <= 1:
        raise ValueError(f"opacity must be from 0 to 1, not {opacity!r}")
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * opacity):02x}" for c in channels)


def legend_html(title: str, *, categories=(), sectors=(), wards: str = "", boundary: bool = True,
                deciles: bool = True, fill_opacity: float = 1.0) -> str:
    """The key drawn inside a map: deciles, outlines, asset markers or network sectors.

    It is a ``<details>`` element (open on wide screens, folded on narrow ones by
    the map's script), placed by Leaflet in the bottom-right corner so it never
    overlaps the zoom buttons, the layer list or the scale bar. All text is escaped.
    ``fill_opacity`` is that of the map's area fills: each swatch shows its colour as
    such a fill looks on the map's white background (:func:`on_white`).
    """
    sw = ('data-fill="{}" style="display:inline-block;width:14px;height:10px;margin-right:6px;'
          'border:1px solid #555;background:{}"')
    rows = [f'<li><span {sw.format(c, on_white(c, fill_opacity))}></span>{i}{" (most deprived)" if i == 1 else ""}'
            f'{" (least deprived)" if i == 10 else ""}</li>' for i, c in enumerate(DECILE_COLOURS, 1)] if deciles else []
    if deciles:
        rows.append(f'<li><span {sw.format(NO_DATA_COLOUR, on_white(NO_DATA_COLOUR, fill_opacity))}></span>'
                    'no data</li>')
    lines = []
    if boundary:
        lines.append('<li><svg width="22" height="10" aria-hidden="true"><line x1="0" y1="5" x2="22" y2="5" '
                     'stroke="#000" stroke-width="4"/></svg> place boundary</li>')
    if wards:
        lines.append('<li><svg width="22" height="10" aria-hidden="true"><line x1="0" y1="5" x2="22" y2="5" '
                     f'stroke="#333" stroke-width="2" stroke-dasharray="6 4"/></svg> {html_text(wards)}</li>')
    for cat in categories:
        lines.append(f'<li>{marker_svg(cat, 14)} {html_text(CATEGORIES[cat])}</li>')
    for sector in sectors:
        lines.append(f'<li><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5" '
                     f'fill="{SECTOR_COLOURS.get(sector, "#999999")}" stroke="#fff"/></svg> {html_text(sector)}</li>')
    if sectors:
        lines.append('<li><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5" fill="#fff" '
                     'stroke="#000" stroke-width="2"/></svg> black outline: core team</li>')
    ul = 'style="list-style:none;margin:2px 0 6px;padding:0"'
    return ('<details class="ccdata-legend" open><summary><strong>Key</strong></summary>'
            + (f'<div>{html_text(title)}</div><ul {ul}>{"".join(rows)}</ul>' if rows else "")
            + (f'<ul {ul}>{"".join(lines)}</ul>' if lines else "") + '</details>')


def key_text(*, categories=(), sectors=(), wards: str = "", deprivation_label: str = "", deciles: bool = True,
             boundary: bool = True) -> str:
    """The text version of a map's key, for the page around the map (plain sentences, escaped)."""
    parts = [f"{deprivation_label}: {DECILE_TEXT}" if deprivation_label else DECILE_TEXT] if deciles else []
    if boundary:
        parts.append("The place boundary is a thick black line.")
    if wards:
        parts.append(f"{wards}: dashed dark grey lines.")
    if categories:
        parts.append("Asset markers: " + "; ".join(category_key_text(c) for c in categories) + ".")
    if sectors:
        parts.append("Organisations are circles coloured by sector: " + "; ".join(
            f"{s}: {COLOUR_NAMES.get(SECTOR_COLOURS.get(s, ''), 'grey')}" for s in sectors)
            + "; a black outline marks the core team. Lines are ties between organisations.")
    return html_text(" ".join(parts))


def asset_list_html(assets, *, anchor: str = "asset-list", placement_words: dict | None = None) -> str:
    """The list of assets on a map, for the page (the map's text alternative and its printed list).

    Parameters
    ----------
    assets : DataFrame
        Located assets with ``name`` and ``category``; optional ``postcode`` and
        ``placement`` (``inside`` / ``buffer``).
    anchor : str
        The id the "skip the map" link points at (letters, digits and hyphens).
    placement_words : dict, optional
        Text for each ``placement`` value (default: "inside the place", "just outside the place").

    Returns
    -------
    str
        A ``<section>`` that can take focus, grouped by category with each group's
        marker described in words; every name is escaped.
    """
    check_frame(assets, "assets", ("name", "category"))
    if not re.fullmatch(r"[A-Za-z][\w-]*", anchor):
        raise ValueError(f"anchor must be letters, digits and hyphens, not {anchor!r}")
    words = placement_words or {"inside": "inside the place", "buffer": "just outside the place"}
    groups = []
    for cat in [c for c in CATEGORIES if c in set(assets["category"])]:
        sub = assets[assets["category"] == cat].sort_values("name", key=lambda s: s.astype(str).str.lower())
        items = []
        for _, row in sub.iterrows():
            name = row["name"] if isinstance(row["name"], str) and row["name"].strip() else "(no name)"
            extra = [t for t in (row.get("postcode"), words.get(row.get("placement")))
                     if isinstance(t, str) and t]
            # the name isolated (<bdi>): a right-to-left name cannot pull the brackets after it
            items.append(f"<li>{name_html(name)}{(' (' + html_text(', '.join(extra)) + ')') if extra else ''}</li>")
        groups.append(f'<h4>{marker_svg(cat, 14)} {html_text(CATEGORIES[cat])} ({len(sub):,})</h4>'
                      f'<p class="ccdata-key-text">Marker: {html_text(category_key_text(cat).split(": ", 1)[1])}.</p><ul>{"".join(items)}</ul>')
    body = "".join(groups) or "<p>No assets to show.</p>"
    return (f'<section id="{anchor}" class="ccdata-asset-list" tabindex="-1" aria-labelledby="{anchor}-h">'
            f'<h3 id="{anchor}-h">List of assets on the map ({len(assets):,})</h3>{body}</section>')


#: CSS of the page around a map (skip link, text key, list of assets, paper); map-only rules.
PAGE_MAP_CSS = """
/* ccdata maps: page-side rules for the map block only */
.ccdata-map-skip{position:absolute;left:-9999px}
.ccdata-map-skip:focus{position:static;display:inline-block;padding:4px 8px;background:#fff;outline:3px solid #000}
iframe.ccdata-map{display:block;width:100%;max-width:100%;box-sizing:border-box}
.ccdata-asset-list h4{margin:0.8em 0 0.2em}
.ccdata-asset-list h4 svg{vertical-align:middle}
.ccdata-key-text{font-size:0.9em;margin:0.2em 0}
@media (max-width: 600px){
  /* on a phone the map runs the full width of the screen, past the page's margins */
  iframe.ccdata-map{width:100vw !important;max-width:100vw !important;margin-left:calc(50% - 50vw) !important;
    height:75vh !important}
  /* ... so the notebook output boxes around the map block must not clip it */
  .jp-OutputArea:has(.ccdata-map-block),.jp-OutputArea-child:has(.ccdata-map-block),
  .jp-OutputArea-output:has(.ccdata-map-block){overflow:visible !important}
}
@media print{
  .ccdata-map-skip{display:none}
  iframe.ccdata-map{width:180mm !important;height:130mm !important;break-inside:avoid;page-break-inside:avoid}
  .ccdata-asset-list{break-before:auto}
}
"""


def map_with_text(frame, *, anchor: str, key: str, listing: str = "", what: str = "the list of assets") -> object:
    """A map's frame with what the page needs around it: a "skip the map" link, the key as text and a list.

    Parameters
    ----------
    frame : Block
        From :func:`embed`.
    anchor : str
        Id of the element the skip link moves to (the list, or the key when there is no list).
    key : str
        Escaped text of the map's key (:func:`ccdata.present.mapkey.key_text`).
    listing : str
        HTML of the list (:func:`asset_list_html`), or "" (the key then takes the anchor).
    what : str
        What the skip link goes to, in words.
    """
    if not hasattr(frame, "html") and not hasattr(frame, "_repr_html_"):
        raise TypeError("frame must be the block embed() returns")
    if not re.fullmatch(r"[A-Za-z][\w-]*", anchor):
        raise ValueError(f"anchor must be letters, digits and hyphens, not {anchor!r}")
    inner = frame.html if hasattr(frame, "html") else frame._repr_html_()  # markup only: styles come once
    key_id = f"{anchor}-key" if listing else anchor
    return present.Block(
        f'<div class="ccdata-map-block"><style>{PAGE_MAP_CSS}</style>'
        f'<a class="ccdata-map-skip" href="#{anchor}">Skip the map: go to {html_text(what)}</a>{inner}'
        f'<p id="{key_id}" class="ccdata-key-text" tabindex="-1"><strong>Key to the map.</strong> {key}</p>'
        + (f'<p class="ccdata-key-text"><a href="#{anchor}">The list of assets below is the text version of '
           'this map.</a></p>' if listing else "")
        + f"{listing}</div>")
