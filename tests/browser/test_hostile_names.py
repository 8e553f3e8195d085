"""Hostile organisation names on the network page: no script they carry may run (Chromium)."""
from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
from shapely.geometry import box

from ccdata.analysis import network as net
from ccdata.errors import DataQualityWarning
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
        return net.read_network(tmp_path / "o.csv", tmp_path / "r.csv")


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


@pytest.mark.browser
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_run_no_script_in_chromium(tmp_path, chromium, hostile):
    from playwright.sync_api import sync_playwright

    # one hostile name among ordinary ones (several together could break each other's syntax)
    page_path, _ = _page(tmp_path, [hostile] + BENIGN)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page()
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(800)
            # hover every marker and circle so tooltips render their text as HTML
            for frame in page.frames:
                for el in frame.locator("path.leaflet-interactive, circle").all()[:20]:
                    try:
                        el.hover(timeout=500)
                    except Exception:  # hidden or covered shapes: the others still count
                        pass
            page.wait_for_timeout(300)
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
            # the names are on the page as text
            texts = [el.text_content() or "" for el in page.locator("svg text").all()]
            assert any(hostile in t for t in texts)
            assert len(page.frames) == 2                 # the page and the map
        finally:
            browser.close()


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
