"""Hostile organisation names on the network page: no script they carry may run (Chromium)."""
from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
from shapely.geometry import box

from ccdata.analysis import network as net
from ccdata.errors import DataQualityWarning
from ccdata.io.local.network import read_network
from ccdata.present import escape, netviz
from ccdata.views import network as network_view

HOSTILE = [
    "Kingsmead ${(window.__pwned=1,window.parent.__pwned=1)} Academy",
    "Back`${window.parent.__pwned=2}`tick",
    "Close </script><script>window.__pwned=3;parent.__pwned=3</script>",
    "Quote \" onmouseover=\"window.__pwned=4\" ' x='",
    "Image <img src=x onerror=\"window.__pwned=5;parent.__pwned=5\">",
]


BENIGN = ["Alpha Centre", "Beta Clinic", "Gamma Church", "Delta Homes"]


def _data(tmp_path, names):
    orgs = "id,name,sector,core_team,first_wave,easting,northing\n"
    sectors = ["school", "health", "faith", "housing", "local authority"]
    for i, name in enumerate(names):
        quoted = '"' + name.replace('"', '""') + '"'
        orgs += f"O{i},{quoted},{sectors[i]},{'yes' if i == 0 else 'no'},,{530000 + 300 * i},{180000 + 200 * i}\n"
    rels = "respondent,partner,relationship,strength,wave\n"
    rels += "".join(f"O{i},O{(i + 1) % len(names)},referrals,2,1\n" for i in range(len(names)))
    (tmp_path / "o.csv").write_text(orgs, encoding="utf-8")
    (tmp_path / "r.csv").write_text(rels, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return read_network(tmp_path / "o.csv", tmp_path / "r.csv")


def _page(tmp_path, names=HOSTILE):
    data = _data(tmp_path, names)
    assert sorted(data.organisations["name"]) == sorted(names)   # read intact
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001"], "lsoa21_name": [names[0]], "imd_decile": [3]},
                             geometry=[box(529000, 179000, 532000, 181500)], crs=27700)
    pts = net.organisation_points(data)
    blocks = [netviz.network_view(data)] + network_view.map_section(data, pts, lsoas)
    body = "".join(b._repr_html_() for b in blocks)
    page = tmp_path / "network.html"
    page.write_text("<!doctype html><html><head><meta charset='utf-8'><title>"
                    + escape.html_text(names[0]) + "</title></head><body>" + body + "</body></html>",
                    encoding="utf-8")
    return page, body


def test_every_map_iframe_is_sandboxed_without_same_origin(tmp_path):
    _, body = _page(tmp_path)
    assert body.count("<iframe") == 1
    assert 'sandbox="allow-scripts"' in body and "allow-same-origin" not in body
    for name in HOSTILE:
        assert name not in body                 # never raw, in the SVG, the menu or the iframe


#: Hovering, as events: each shape of the frame gets what a pointer moving onto it and off it
#: sends (Leaflet opens a tooltip on mouseover, the drawing shows a circle's details), whether or
#: not another shape covers it. The text of the tooltips open after each shape's hover is kept.
HOVER_JS = """() => { const tips = new Set();
  for (const el of document.querySelectorAll('path.leaflet-interactive, circle')) {
    const r = el.getBoundingClientRect();
    const at = {bubbles: true, cancelable: true, view: window, clientX: r.x + r.width / 2, clientY: r.y + r.height / 2};
    for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'pointermove', 'mousemove'])
      el.dispatchEvent(new MouseEvent(type, at));
    document.querySelectorAll('.leaflet-tooltip').forEach(t => tips.add(t.textContent));
    for (const type of ['pointerout', 'pointerleave', 'mouseout', 'mouseleave']) el.dispatchEvent(new MouseEvent(type, at));
  }
  return [...tips]; }"""
#: Resolves once every image of the document has loaded or failed, and the events that follow
#: (an injected ``<img onerror>`` runs its handler then) have had their turn.
SETTLED_JS = """() => new Promise(done => { const check = () =>
  [...document.images].every(i => i.complete) ? setTimeout(done, 50) : setTimeout(check, 10); check(); })"""


@pytest.mark.browser
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_run_no_script_in_chromium(tmp_path, browser, hostile):
    # one hostile name among ordinary ones (several together could break each other's syntax);
    # one Chromium for the module (the browser fixture), a fresh page for each name
    page_path, _ = _page(tmp_path, [hostile] + BENIGN)
    page = browser.new_page()
    try:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri())       # returns on "load", which waits for the map's frame too
        assert len(page.frames) == 2                 # the page and the map
        page.frames[1].wait_for_selector("path.leaflet-interactive", state="attached")  # the map has drawn
        # hover every marker, area and circle so tooltips render their text as HTML
        tips = [tip for frame in page.frames for tip in frame.evaluate(HOVER_JS)]
        # the hovers opened the map's tooltips, and the area's shows the name as text
        assert any(hostile in tip for tip in tips), tips
        for frame in page.frames:
            frame.evaluate(SETTLED_JS)
        assert page.evaluate("window.__pwned === undefined")
        for frame in page.frames:
            try:
                assert frame.evaluate("window.__pwned === undefined")
            except AssertionError:
                raise
            except Exception:  # a sandboxed frame may refuse evaluation: nothing ran there either
                pass
        assert page.title() == hostile       # the title shows the name as text, unchanged
        assert dialogs == []
        # the names are on the page as text, and the drawing's details show the hovered circle's
        texts = page.evaluate("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
        assert any(hostile in t for t in texts)
        assert page.locator(".ccnet-detail").inner_text() != ""
        assert len(page.frames) == 2
    finally:
        page.close()


def test_names_in_the_drawing_are_isolated_and_lose_direction_overrides(tmp_path):
    """A name typed with a right-to-left override cannot reverse the words around it in the
    drawing's titles, tooltips or list: the override is removed and the name isolated."""
    reversed_name = "Kids \u202eCo"
    data = _data(tmp_path, [reversed_name] + BENIGN)
    html = netviz.network_view(data).html
    assert "\u202e" not in html
    fsi, pdi = "\u2068", "\u2069"
    assert f"<title>{fsi}Kids Co{pdi} (school, core team):" in html      # the node's title
    assert f'data-tip="{fsi}Kids Co{pdi} (school, core team):' in html   # its tooltip
    assert f"\u201c{fsi}Kids Co{pdi}\u201d and \u201c{fsi}" in html or f"and \u201c{fsi}Kids Co{pdi}\u201d" in html
    assert "<bdi>Kids Co</bdi>" in html                                  # the list under the drawing
