"""The maps in Chromium: framing, controls, a phone-width screen, keyboard, screen readers, paper.

Runs the demo place's asset and network pages (and, with the official-file mirror, the
asset maps of Pembury, Smallshaw-Hurst and Wallsend) in headless Chromium. Screenshots
and the printed PDF go to test-artifacts/.
"""
from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest
from helpers.paths import REPO
from helpers.folders import data_dir_env

pytestmark = [pytest.mark.slow(reason="Chromium on the demo's maps and the real places' asset maps"), pytest.mark.browser]

FIND_MAP = """() => { for (const k of Object.keys(window)) { let v = null;
  try { v = window[k]; } catch (e) { continue; }  // a sandboxed frame refuses localStorage
  if (v && window.L && v instanceof L.Map) { const b = v.getBounds();
    return {s: b.getSouth(), w: b.getWest(), n: b.getNorth(), e: b.getEast()}; } } return null; }"""


def _artifacts() -> Path:
    folder = REPO / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder




def _located(place_id: str):
    """Names and WGS84 positions of the place's located assets, and its boundary's extent."""
    from ccdata.analysis.assets import place_assets
    from ccdata.geo.places import place

    located, _ = place_assets(place_id)
    pts = located[located.geometry.notna() & ~located.geometry.is_empty].to_crs(4326)
    w, s, e, n = place(place_id).boundary().to_crs(4326).total_bounds
    return located, list(zip(pts["name"], pts.geometry.y, pts.geometry.x)), (s, w, n, e)


@pytest.fixture(scope="module")
def demo(demo_data_dir, demo_site):
    with data_dir_env(demo_data_dir):
        located, points, extent = _located("demo")
    return {"dir": demo_site.place_dir, "located": located, "points": points, "extent": extent}


@pytest.fixture(scope="module", params=["pembury", "smallshaw-hurst", "wallsend"])
def pembury(request, tmp_path_factory, official_data_dir):
    """A real place's asset map (Pembury and the other two) from the official files (the mirror,
    fetched once per session; tables built as they are first needed)."""
    from ccdata import present
    from ccdata.analysis import assets
    from ccdata.errors import MissingDataError
    from ccdata.geo.places import place
    from ccdata.views import assets as view

    with data_dir_env(official_data_dir):
        try:
            p = place(request.param)
            layers = assets.map_layers(p)
            located, points, extent = _located(request.param)
        except MissingDataError as exc:
            pytest.fail(f"the mirror lacks a file the {request.param} asset map needs: {exc}")
        blocks = view.map_section(*layers, located)
    page = tmp_path_factory.mktemp(request.param) / "assets.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Pembury assets</title>'
                    '</head><body><main><h1>Pembury</h1>' + "".join(b._repr_html_() for b in blocks)
                    + "</main></body></html>", encoding="utf-8")
    assert present  # the blocks are present.Block objects
    return {"page": page, "located": located, "points": points, "extent": extent, "id": request.param}


def _open(browser, path: Path, width: int = 1200, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())  # returns on "load": the page and the map's frame have loaded
    # ... and the map has drawn (its frame found from the iframe: it may still report its first URL)
    page.wait_for_selector("iframe.ccdata-map", state="attached").content_frame().wait_for_selector(
        ".leaflet-marker-icon, path.leaflet-interactive", state="attached")
    page.ccdata_errors = errors
    return page


def _map_frame(page):
    frames = [f for f in page.frames if f.locator(".leaflet-container").count()]
    assert len(frames) == 1, "one Leaflet map expected"
    return frames[0]


def _check_framing(page, points, extent):
    frame = _map_frame(page)
    assert points, "the place has located assets"
    # the map frames itself once its frame has a size; on a busy machine that can take longer
    # than the wait after loading, so the first view is read when it is set (up to 15 s)
    deadline = time.monotonic() + 15
    while True:
        view = frame.evaluate(FIND_MAP)
        assert view is not None
        outside = [name for name, lat, lon in points
                   if not (view["s"] <= lat <= view["n"] and view["w"] <= lon <= view["e"])]
        if not outside or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    assert outside == [], f"assets outside the first view: {outside}"
    s, w, n, e = extent
    share = ((n - s) * (e - w)) / ((view["n"] - view["s"]) * (view["e"] - view["w"]))
    # "the boundary covers a quarter of the view": compared by side (a frame of all England fails
    # both); the area share is reported for the record
    side = max((n - s) / (view["n"] - view["s"]), (e - w) / (view["e"] - view["w"]))
    print(f"boundary/view: area share {share:.2f}, larger side share {side:.2f}")
    assert side >= 0.25
    layers = frame.locator(".leaflet-control-layers")
    assert "leaflet-control-layers-expanded" not in (layers.get_attribute("class") or "")
    assert not frame.locator(".leaflet-control-layers-list").is_visible()
    # the key, the scale bar, the zoom buttons and the layer button do not overlap
    boxes = {sel: frame.locator(sel).bounding_box() for sel in
             (".ccdata-legend-box", ".leaflet-control-scale", ".leaflet-control-zoom", ".leaflet-control-layers")}
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            p, q = boxes[a], boxes[b]
            apart = (p["x"] + p["width"] <= q["x"] or q["x"] + q["width"] <= p["x"]
                     or p["y"] + p["height"] <= q["y"] or q["y"] + q["height"] <= p["y"])
            assert apart, f"{a} overlaps {b}"
    return frame


def test_map_draws_in_a_sandboxed_frame(demo, browser, tmp_path):
    # the page never reaches into the map: with sandbox="allow-scripts" (no same-origin) the map
    # still draws, framed the same, and the list of assets is still on the page
    html = (demo["dir"] / "assets.html").read_text(encoding="utf-8")
    assert html.count('<iframe class="ccdata-map"') == 1
    boxed = tmp_path / "assets.html"
    boxed.write_text(html.replace('<iframe class="ccdata-map"', '<iframe sandbox="allow-scripts" class="ccdata-map"'),
                     encoding="utf-8")
    page = _open(browser, boxed)
    try:
        _check_framing(page, demo["points"], demo["extent"])
        assert page.locator("#asset-list li").count() == len(demo["points"])
    finally:
        page.close()


def test_demo_asset_map_frames_every_asset(demo, browser):
    page = _open(browser, demo["dir"] / "assets.html")
    try:
        _check_framing(page, demo["points"], demo["extent"])
        page.locator("iframe.ccdata-map").screenshot(path=str(_artifacts() / "map-desk-demo.png"))
        assert page.ccdata_errors == []
    finally:
        page.close()


def test_pembury_asset_map_frames_every_asset(pembury, browser):
    page = _open(browser, pembury["page"])
    try:
        _check_framing(page, pembury["points"], pembury["extent"])
        page.locator("iframe.ccdata-map").screenshot(path=str(_artifacts() / f"map-desk-{pembury['id']}.png"))
        # the sentence under the map counts inside / buffer / outside, and the list names every asset
        text = page.locator("body").inner_text()
        assert re.search(r"The map shows \d+ assets: \d+ inside the place and \d+ in the 800 m around it", text)
        for name, _, _ in pembury["points"]:
            assert name in text
    finally:
        page.close()


def test_phone_width(demo, browser):
    page = _open(browser, demo["dir"] / "assets.html", width=390, height=844)
    try:
        iframe = page.locator("iframe.ccdata-map")
        iframe.scroll_into_view_if_needed()
        box = iframe.bounding_box()
        assert box["width"] >= 0.9 * 390, box
        # ... and is seen across that width (nothing around it clips or covers it)
        mid = box["y"] + min(box["height"], 844 - box["y"]) / 2
        seen = [page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x, mid])
                for x in (0.04 * 390, 0.96 * 390)]
        assert seen == ["IFRAME", "IFRAME"], seen
        frame = _map_frame(page)
        zoom = frame.locator(".leaflet-control-zoom-in").bounding_box()  # page coordinates
        inner = frame.evaluate("""() => { const r = document.querySelector('.leaflet-control-zoom-in')
            .getBoundingClientRect(); const el = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return !!(el && el.closest('.leaflet-control-zoom-in')); }""")
        assert inner, "the zoom-in button is covered inside the map"
        outer = page.evaluate("([x, y]) => { const el = document.elementFromPoint(x, y); "
                              "return el && el.tagName; }", [zoom["x"] + zoom["width"] / 2, zoom["y"] + zoom["height"] / 2])
        assert outer == "IFRAME", f"something on the page covers the map's zoom button: {outer}"
        # the key starts folded on a narrow screen
        assert frame.evaluate("() => document.querySelector('.ccdata-legend').open") is False
        iframe.screenshot(path=str(_artifacts() / "map-phone-demo.png"))
    finally:
        page.close()


def _axe(target, script: str) -> list[dict]:
    target.evaluate(script)
    result = target.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
             "target": v["nodes"][0]["target"] if v["nodes"] else None}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("view", ["assets", "network"])
def test_axe_page_and_map_frames(demo, browser, view):
    """At desk width (1280 px), as tests/browser/test_pages_browser.py scans the other demo pages:
    these two are scanned here only, page and map frames."""
    import axe_playwright_python

    script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page = _open(browser, demo["dir"] / f"{view}.html", width=1280)
    try:
        found = {"page": _axe(page, script)}
        for i, frame in enumerate(f for f in page.frames if f != page.main_frame):
            found[f"frame {i}"] = _axe(frame, script)
        assert all(v == [] for v in found.values()), found
        assert len(found) >= 2  # the map's own document was checked too
        if view == "network":
            page.locator("iframe.ccdata-map").screenshot(path=str(_artifacts() / "map-network-demo.png"))
    finally:
        page.close()


def test_keyboard_skips_or_enters_the_map(demo, browser):
    page = _open(browser, demo["dir"] / "assets.html")
    try:
        is_skip = "() => document.activeElement && document.activeElement.classList.contains('ccdata-map-skip')"
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate(is_skip):
                break
            assert page.evaluate("() => document.activeElement.tagName") != "IFRAME", "map reached before the skip link"
        assert page.evaluate(is_skip), "no 'skip the map' link"
        assert "Skip the map" in page.evaluate("() => document.activeElement.textContent")
        # one press passes the map: focus is on the list of assets, after the map
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "asset-list"
        assert page.evaluate("() => !!(document.querySelector('iframe.ccdata-map').compareDocumentPosition("
                             "document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)")
        # or enter the map from the skip link and reach a marker named by asset name and kind
        page.locator(".ccdata-map-skip").focus()
        frame = _map_frame(page)
        label = None
        for _ in range(30):
            page.keyboard.press("Tab")
            label = frame.evaluate("() => { const a = document.activeElement; return a && a.classList"
                                   ".contains('leaflet-marker-icon') ? a.getAttribute('aria-label') : null; }")
            if label:
                break
        assert label and re.search(r"\(.+\)$", label), label
        names = {name for name, _, _ in demo["points"]}
        assert label.rsplit(" (", 1)[0].strip("\u2068\u2069") in names  # names are isolated (FSI ... PDI)
        # shapes are not tab stops
        assert frame.evaluate("() => [...document.querySelectorAll('path.leaflet-interactive')]"
                              ".every(p => p.tabIndex < 0)")
    finally:
        page.close()


def test_network_diagram_details_by_keyboard(demo, browser):
    page = _open(browser, demo["dir"] / "network.html")
    try:
        node = page.locator("figure.ccdata-network circle.ccnet-node:visible").first
        node.focus()
        tip = node.get_attribute("data-tip")
        assert tip and page.locator(".ccnet-detail").inner_text() == tip
    finally:
        page.close()


def test_print(demo, browser):
    from pypdf import PdfReader

    page = _open(browser, demo["dir"] / "assets.html")
    try:
        page.emulate_media(media="print")
        # the map refits when the media changes, before the next frame is drawn
        _map_frame(page).evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")
        iframe = page.locator("iframe.ccdata-map")
        assert iframe.is_visible() and iframe.bounding_box()["height"] > 300
        frame = _map_frame(page)
        assert frame.evaluate("() => getComputedStyle(document.querySelector('.leaflet-control-container'))"
                              ".display") == "none"
        assert frame.locator(".leaflet-marker-icon").count() > 0
        page.screenshot(path=str(_artifacts() / "map-print-demo.png"), full_page=True)
        pdf = _artifacts() / "map-print-demo.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        page.close()
    def flat(text: str) -> str:  # PDF text has ligatures ("fi") and its own line breaks
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

    text = flat("".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages))
    missing = [name for name in demo["located"]["name"] if flat(str(name)) not in text]
    assert missing == [], missing
