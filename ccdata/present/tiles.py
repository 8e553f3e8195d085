"""The street map under a web map: where its tiles come from, and how they reach a sandboxed map.

The tile source is a setting (:class:`TileSource`, read by :func:`tile_source` from the
environment): its address template, the attribution shown on the map, and the referrer
policy of each tile request (``strict-origin-when-cross-origin``: a tile server is told
the site a map is on, never the page).

Why tiles travel through the page: every map is drawn in an ``<iframe sandbox=
"allow-scripts">`` (its scripts can never reach the report around it), and a sandboxed
frame has no origin of its own, so a browser sends no ``Referer`` with anything it
loads. OpenStreetMap's tile servers answer such requests with "Access blocked" tiles.
The map therefore asks the page for each tile (``postMessage``); the page, which has an
origin when it is served from a website, fetches the tile with the referrer policy
above and hands the image back. The page fetches only addresses that fit the map's
tile template.

A page opened from a file has no website to name, so the street layer is left off
there, and the map says so in one line.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from ccdata.present.escape import html_text
from ccdata.present.mapscript import PARENT, script_line

#: Environment variables that set the tile source (see :func:`tile_source`).
ENV_URL = "CCDATA_TILES_URL"
ENV_ATTRIBUTION = "CCDATA_TILES_ATTRIBUTION"
ENV_ATTRIBUTION_URL = "CCDATA_TILES_ATTRIBUTION_URL"
ENV_REFERRER_POLICY = "CCDATA_TILES_REFERRER_POLICY"
#: Referrer policies a tile request may use (the Referrer Policy standard's names).
REFERRER_POLICIES = ("no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
                     "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url")
LAYER_NAME = "Street map"
#: The line a map opened from a file shows instead of streets.
FILE_NOTE = "No street map: this page was opened from a file. On the partnership's website it shows streets."
_PLACEHOLDERS = re.compile(r"\{([a-z]+)\}")
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9.{}-]+(?::\d+)?/[A-Za-z0-9._~/{}@%+=&?-]*$|"
                       r"^http://(?:127\.0\.0\.1|localhost)(?::\d+)?/[A-Za-z0-9._~/{}@%+=&?-]*$")


@dataclass(frozen=True)
class TileSource:
    """Where the street map's tiles come from.

    Parameters
    ----------
    url : str
        Tile address template with ``{z}``, ``{x}`` and ``{y}`` (optionally ``{s}``, ``{r}``);
        ``https://`` (plain ``http://`` only for this computer, for testing).
    attribution : str
        Plain text credited on the map ("© OpenStreetMap contributors").
    attribution_url : str
        Where the credit links to (``https://``), or "".
    referrer_policy : str
        One of :data:`REFERRER_POLICIES`.
    max_zoom : int
        The deepest zoom the server offers.
    subdomains : str
        Letters for ``{s}`` ("abc"), or "".
    """

    url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = "© OpenStreetMap contributors"
    attribution_url: str = "https://www.openstreetmap.org/copyright"
    referrer_policy: str = "strict-origin-when-cross-origin"
    max_zoom: int = 19
    subdomains: str = ""

    def __post_init__(self):
        if not isinstance(self.url, str) or not _SAFE_URL.match(self.url):
            raise ValueError(f"the tile address must be an https:// template without quotes or spaces, not "
                             f"{self.url!r} (set {ENV_URL})")
        found = set(_PLACEHOLDERS.findall(self.url))
        if not {"z", "x", "y"} <= found or found - {"z", "x", "y", "s", "r"}:
            raise ValueError(f"the tile address {self.url!r} needs {{z}}, {{x}} and {{y}} and may also hold "
                             "{s} and {r} only")
        if "s" in found and not re.fullmatch(r"[a-z0-9]+", self.subdomains or ""):
            raise ValueError("a tile address with {s} needs subdomains, e.g. 'abc'")
        if not isinstance(self.attribution, str) or not self.attribution.strip():
            raise ValueError(f"a tile source needs its attribution, the credit the map shows (set {ENV_ATTRIBUTION})")
        if self.attribution_url and not re.match(r"^https://[^\s\"'<>]+$", self.attribution_url):
            raise ValueError(f"the attribution link must be an https:// address, not {self.attribution_url!r}")
        if self.referrer_policy not in REFERRER_POLICIES:
            raise ValueError(f"referrer policy {self.referrer_policy!r} is not one of {', '.join(REFERRER_POLICIES)} "
                             f"(set {ENV_REFERRER_POLICY})")
        if isinstance(self.max_zoom, bool) or not isinstance(self.max_zoom, int) or not 1 <= self.max_zoom <= 22:
            raise ValueError(f"max_zoom must be a whole number from 1 to 22, not {self.max_zoom!r}")

    def pattern(self) -> str:
        """A regular expression (JavaScript and Python) matching exactly the tile addresses of
        this template: the page fetches nothing else for a map."""
        parts = _PLACEHOLDERS.split(self.url)
        out = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(re.escape(part).replace("/", r"\/"))
            else:
                out.append(r"\d+" if part in "zxy" else "[a-z0-9]+" if part == "s" else "(?:@2x)?")
        return "^" + "".join(out) + "$"

    def attribution_html(self) -> str:
        """The credit as HTML (escaped text; a link when there is one)."""
        text = html_text(self.attribution)
        if not self.attribution_url:
            return text
        return f'<a href="{html_text(self.attribution_url)}" target="_blank" rel="noopener">{text}</a>'


def tile_source() -> TileSource:
    """The tile source set in the environment, or OpenStreetMap's standard tiles.

    ``CCDATA_TILES_URL``, ``CCDATA_TILES_ATTRIBUTION``, ``CCDATA_TILES_ATTRIBUTION_URL`` and
    ``CCDATA_TILES_REFERRER_POLICY`` override the defaults of :class:`TileSource`; a tile
    address set without its attribution is refused (a map must credit its tiles).

    Raises
    ------
    ValueError
        A setting that is not valid, naming the variable to fix.
    """
    url = os.environ.get(ENV_URL, "").strip()
    kwargs = {}
    if url:
        kwargs["url"] = url
        kwargs["attribution"] = os.environ.get(ENV_ATTRIBUTION, "").strip()
        kwargs["attribution_url"] = os.environ.get(ENV_ATTRIBUTION_URL, "").strip()
    policy = os.environ.get(ENV_REFERRER_POLICY, "").strip()
    if policy:
        kwargs["referrer_policy"] = policy
    return TileSource(**kwargs)


#: The map's side: a tile layer whose images come from the page (see the module notes), on
#: from the start when the page is on a website, and a one-line note when it is a file.
_LAYER_SCRIPT = """
(function(){
  var map = %(map)s, conf = %(conf)s;
  var page = '';
  try { page = new URL(document.referrer).protocol; } catch (e) { page = ''; }
  window.ccdataStreets = {conf: conf, served: page === 'http:' || page === 'https:'};
  if (!window.ccdataStreets.served) {
    var note = L.control({position: 'bottomleft'});
    note.onAdd = function(){
      var box = L.DomUtil.create('div', 'ccdata-street-note');
      box.textContent = conf.fileNote;
      return box;
    };
    note.addTo(map);
    return;
  }
  var waiting = {}, next = 0;
  window.addEventListener('message', function(e){
    if (e.source !== window.parent || !e.data || typeof e.data.ccdataTile !== 'number') return;
    var done = waiting[e.data.ccdataTile];
    delete waiting[e.data.ccdataTile];
    if (done) done(e.data.image);
  });
  var Streets = L.TileLayer.extend({
    createTile: function(coords, done){
      var img = document.createElement('img');
      img.alt = ''; img.setAttribute('role', 'presentation');
      var id = ++next;
      waiting[id] = function(image){
        if (!image) { done(new Error('tile not loaded'), img); return; }
        img.onload = function(){ URL.revokeObjectURL(img.src); done(null, img); };
        img.onerror = function(){ done(new Error('tile not shown'), img); };
        img.src = URL.createObjectURL(image);
      };
      window.parent.postMessage({ccdataTileRequest: id, url: this.getTileUrl(coords)}, '*');
      return img;
    }
  });
  var layer = new Streets(conf.url, {attribution: conf.attribution, maxZoom: conf.maxZoom,
                                     subdomains: conf.subdomains || 'abc', className: 'ccdata-streets'});
  layer.addTo(map);
  layer.bringToBack();
  if (typeof %(control)s !== 'undefined') { %(control)s.addOverlay(layer, conf.name); }
  window.ccdataStreets.layer = layer;
})();
"""

#: The page's side: fetch a tile a map asks for (only an address fitting that map's
#: template, only from a page on a website), with the tile source's referrer policy.
PAGE_RELAY = """<script>
(function(){
  if (window.ccdataTileRelay) return;
  window.ccdataTileRelay = true;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  window.addEventListener('message', function(e){
    var d = e.data;
    if (!d || typeof d.ccdataTileRequest !== 'number' || typeof d.url !== 'string') return;
    var frames = document.querySelectorAll('iframe.ccdata-map[data-tiles]'), frame = null;
    for (var i = 0; i < frames.length; i++) { if (frames[i].contentWindow === e.source) frame = frames[i]; }
    if (!frame || !new RegExp(frame.getAttribute('data-tiles')).test(d.url)) return;
    fetch(d.url, {mode: 'cors', credentials: 'omit',
                  referrerPolicy: frame.getAttribute('data-tiles-referrer') || 'strict-origin-when-cross-origin'})
      .then(function(r){ return r.ok ? r.blob() : null; })
      .catch(function(){ return null; })
      .then(function(image){ e.source.postMessage({ccdataTile: d.ccdataTileRequest, image: image}, '*'); });
  });
})();
</script>"""

#: CSS of the map's document for the note shown instead of streets.
NOTE_CSS = ".ccdata-street-note{background:rgba(255,255,255,.9);padding:2px 6px;font:12px/1.3 sans-serif;" \
           "max-width:60vw}"


def layer_config(source: TileSource) -> dict:
    """What the map's script is given about the street layer (tests read it by structure)."""
    if not isinstance(source, TileSource):
        raise TypeError(f"source must be a TileSource, not {type(source).__name__}")
    return {"url": source.url, "attribution": source.attribution_html(), "maxZoom": source.max_zoom,
            "subdomains": source.subdomains, "referrerPolicy": source.referrer_policy,
            "name": LAYER_NAME, "fileNote": FILE_NOTE}


def add_street_layer(m, source: TileSource, control=None) -> None:
    """Add the street layer (and the note for a page opened from a file) to a folium map.

    Parameters
    ----------
    m : folium.Map
    source : TileSource
    control : folium.LayerControl, optional
        The map's layer list, which then offers the street map as a background the reader
        can switch off. Add the layer after the control.
    """
    from branca.element import (
        Element,  # folium's toolkit: loaded only when a map is drawn
    )

    conf = layer_config(source)
    name = control.get_name() if control is not None else "ccdataNoControl"
    # the configuration is JSON with '<' escaped, so no text in it can close the script
    text = json.dumps(conf).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    m.add_child(script_line("CcdataStreets", _LAYER_SCRIPT % {"map": PARENT, "conf": text, "control": name}))
    m.get_root().header.add_child(Element(f"<style>{NOTE_CSS}</style>"))
    m.ccdata_tiles = source


def frame_attributes(source: TileSource | None) -> str:
    """The attributes a map's ``<iframe>`` carries for the page's tile relay ("" without tiles)."""
    if source is None:
        return ""
    return (f' data-tiles="{html_text(source.pattern())}" '
            f'data-tiles-referrer="{html_text(source.referrer_policy)}"')
