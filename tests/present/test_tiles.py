"""The street map under the web maps: the tile source as a setting, the layer's configuration
(read by structure), the page relay a sandboxed map needs for its tiles to carry a referrer,
the note a page opened from a file shows, and fills that look like their key's swatches.

Whether OpenStreetMap serves a tile cannot be tested offline; a tile server on this computer
stands in for it (the tile source is a setting), so the browser tests check what the page
asks for, with which referrer, and what the reader sees.
"""
from __future__ import annotations

import http.server
import json
import re
import struct
import threading
import zlib
from pathlib import Path

import pytest
from helpers.maps import render

from ccdata.present import mapkey, maps, tiles
from ccdata.present.palette import DECILE_COLOURS

# --------------------------------------------------------------------------- the setting

def test_default_source_is_openstreetmap_with_its_credit_and_a_cautious_referrer(monkeypatch):
    for var in (tiles.ENV_URL, tiles.ENV_ATTRIBUTION, tiles.ENV_ATTRIBUTION_URL, tiles.ENV_REFERRER_POLICY):
        monkeypatch.delenv(var, raising=False)
    source = tiles.tile_source()
    assert source.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert source.referrer_policy == "strict-origin-when-cross-origin"
    assert "OpenStreetMap contributors" in source.attribution_html()
    assert 'href="https://www.openstreetmap.org/copyright"' in source.attribution_html()


def test_source_is_set_in_the_environment_and_checked(monkeypatch):
    monkeypatch.setenv(tiles.ENV_URL, "https://tiles.example.org/{z}/{x}/{y}.png")
    with pytest.raises(ValueError, match=tiles.ENV_ATTRIBUTION):  # a map must credit its tiles
        tiles.tile_source()
    monkeypatch.setenv(tiles.ENV_ATTRIBUTION, "Example <tiles>")
    monkeypatch.setenv(tiles.ENV_REFERRER_POLICY, "origin")
    source = tiles.tile_source()
    assert (source.url, source.referrer_policy) == ("https://tiles.example.org/{z}/{x}/{y}.png", "origin")
    assert source.attribution_html() == "Example &lt;tiles&gt;"
    monkeypatch.setenv(tiles.ENV_REFERRER_POLICY, "everything")
    with pytest.raises(ValueError, match="referrer policy"):
        tiles.tile_source()


@pytest.mark.parametrize("url", [
    "http://tiles.example.org/{z}/{x}/{y}.png",        # not https (a page on https would refuse it)
    "https://tiles.example.org/{z}/{x}.png",           # no {y}
    "https://tiles.example.org/{z}/{x}/{y}.png?k={key}",  # an unknown placeholder
    "https://tiles.example.org/{z}/{x}/{y}.png\"><script>",
    "javascript:alert(1)//{z}/{x}/{y}",
])
def test_bad_tile_addresses_are_refused(url):
    with pytest.raises(ValueError):
        tiles.TileSource(url=url)


def test_the_page_fetches_only_addresses_of_the_template():
    source = tiles.TileSource(url="https://{s}.tiles.example.org/{z}/{x}/{y}{r}.png", subdomains="abc")
    pattern = re.compile(source.pattern())
    assert pattern.match("https://a.tiles.example.org/14/8123/5230.png")
    assert pattern.match("https://b.tiles.example.org/3/1/2@2x.png")
    for other in ("https://a.tiles.example.org/14/8123/5230.png/../../secret",
                  "https://evil.example/a.tiles.example.org/1/2/3.png",
                  "https://a.tiles.example.org.evil.example/1/2/3.png",
                  "https://a.tiles.example.org/1/2/x.png"):
        assert not pattern.match(other), other


# --------------------------------------------------------------------------- the layer, by structure

def _conf(page: str) -> dict:
    found = re.findall(r"var map = [\w.]+, conf = (\{.*?\});\n", page)
    assert len(found) == 1, "one street layer per map"
    return json.loads(found[0])


def test_street_layer_configuration(layers):
    source = tiles.TileSource(url="https://tiles.example.org/{z}/{x}/{y}.png", attribution="Example tiles",
                              attribution_url="https://example.org/credit")
    m = maps.map_assets(*layers, tiles=source)
    page = render(m)
    conf = _conf(page)
    assert conf["url"] == source.url and conf["referrerPolicy"] == "strict-origin-when-cross-origin"
    assert conf["attribution"] == '<a href="https://example.org/credit" target="_blank" rel="noopener">Example tiles</a>'
    assert conf["name"] == "Street map" and conf["fileNote"] == tiles.FILE_NOTE
    # offered in the map's layer list, which exists in the page under the name the script uses
    control = re.search(r"(layer_control_\w+)\.addOverlay\(layer, conf\.name\)", page).group(1)
    assert f"let {control} = L.control.layers(" in page
    # the layer is on from the start when served; the page relays the tiles; the frame stays sandboxed
    assert "layer.addTo(map);" in page and "page === 'http:' || page === 'https:'" in page
    block = maps.embed(m, title="Map").html
    assert 'sandbox="allow-scripts" data-tiles="' in block and "allow-same-origin" not in block
    assert 'data-tiles-referrer="strict-origin-when-cross-origin"' in block
    assert block.count("if (window.ccdataTileRelay) return;") == 1
    assert "tileLayer" not in render(maps.map_assets(*layers, tiles=None))
    assert "data-tiles" not in maps.embed(maps.map_assets(*layers, tiles=None), title="Map").html
    with pytest.raises(ValueError, match="tiles"):
        maps.map_assets(*layers, tiles="Stamen Toner")


def test_swatches_are_the_fill_on_white():
    # by hand: #440154 at 0.6 on white -> 255 - (255 - c) * 0.6 per channel = 143, 103, 152
    assert mapkey.on_white("#440154", 0.6) == "#8f6798"
    assert mapkey.on_white("#fde725", 1.0) == "#fde725"
    key = mapkey.legend_html("Deciles", fill_opacity=maps.FILL_OPACITY)
    for colour in DECILE_COLOURS:
        assert f'data-fill="{colour}" style="' in key
        assert f"background:{mapkey.on_white(colour, maps.FILL_OPACITY)}" in key
    with pytest.raises(ValueError):
        mapkey.on_white("purple", 0.6)


# --------------------------------------------------------------------------- in Chromium

def _png(size: int = 256, rgb=(200, 220, 240)) -> bytes:
    """A plain PNG tile, written by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def servers(tmp_path):
    """A site serving ``tmp_path`` and a tile server recording each request's Referer."""
    seen: list[tuple[str, str | None]] = []
    tile = _png()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Referer")))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    class Site(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    started = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), h) for h in (Site, Tiles)]
    for s in started:  # polled often, so shutting down at the end takes no half second each
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield {"site": f"http://127.0.0.1:{started[0].server_port}", "tiles": f"http://127.0.0.1:{started[1].server_port}",
           "seen": seen, "dir": tmp_path}
    for s in started:
        s.shutdown()
        s.server_close()


def _page(layers, folder: Path, source) -> Path:
    block = maps.embed(maps.map_assets(*layers, tiles=source), title="Map of the place")
    path = folder / "map.html"
    path.write_text(f"<!DOCTYPE html><html lang=en><head><title>t</title></head><body style='margin:0'>"
                    f"{block.html}</body></html>", encoding="utf-8")
    return path


def _map_frame(page):
    """The map's frame once the map has drawn its areas (``goto`` returns when the page and its
    frame have loaded; no fixed wait)."""
    frame = page.wait_for_selector("iframe.ccdata-map", state="attached").content_frame()
    frame.wait_for_selector("path.leaflet-interactive", state="attached")
    assert frame.url == "about:srcdoc"
    return frame


@pytest.mark.slow(reason="Chromium with a tile server on this computer")
@pytest.mark.browser
def test_served_page_shows_streets_with_the_sites_name_as_referrer(layers, servers, browser):
    source = tiles.TileSource(url=servers["tiles"] + "/{z}/{x}/{y}.png", attribution="Local test tiles")
    _page(layers, servers["dir"], source)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(servers["site"] + "/map.html")
    frame = _map_frame(page)
    # tiles come through the page's relay, after the map has drawn: wait until one is shown
    frame.wait_for_selector("img.leaflet-tile-loaded", state="attached", timeout=15000)
    assert servers["seen"], "the served page asked for no tile"
    # strict-origin-when-cross-origin: the tile server learns the site, never the page's path
    assert {ref for _, ref in servers["seen"]} == {servers["site"] + "/"}
    assert all(re.fullmatch(r"/\d+/\d+/\d+\.png", path) for path, _ in servers["seen"])
    shown = frame.evaluate("document.querySelectorAll('img.leaflet-tile-loaded').length")
    assert shown > 0
    assert "Local test tiles" in frame.evaluate("document.querySelector('.leaflet-control-attribution').textContent")
    assert frame.evaluate("document.querySelector('.ccdata-street-note')") is None
    page.close()


@pytest.mark.slow(reason="Chromium with a tile server on this computer")
@pytest.mark.browser
def test_file_page_says_why_there_are_no_streets_and_fills_match_the_key(layers, servers, browser):
    source = tiles.TileSource(url=servers["tiles"] + "/{z}/{x}/{y}.png", attribution="Local test tiles")
    path = _page(layers, servers["dir"], source)
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.goto(path.as_uri())
    frame = _map_frame(page)
    frame.wait_for_selector(".ccdata-street-note", state="attached")  # the map's script has run to its end
    assert servers["seen"] == []  # nothing is asked for: the server would refuse a page with no referrer
    assert frame.evaluate("document.querySelector('.ccdata-street-note').textContent") == tiles.FILE_NOTE
    assert frame.evaluate("document.querySelectorAll('.leaflet-tile').length") == 0
    # as rendered: a pixel inside the decile-1 area and the middle of its swatch in the key (opened:
    # the key starts folded when the frame is laid out narrow)
    frame.evaluate("document.querySelector('.ccdata-legend-box details').open = true")
    fill = frame.evaluate("""() => {
      const p = [...document.querySelectorAll('path.leaflet-interactive')]
        .find(e => e.getAttribute('fill') === '%s');
      const r = p.getBoundingClientRect();
      return {x: r.left + r.width * 0.3, y: r.top + r.height * 0.2}; }""" % DECILE_COLOURS[0])
    swatch = frame.evaluate("""() => { const s = document.querySelector('.ccdata-legend-box [data-fill="%s"]');
      const r = s.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; }"""
                            % DECILE_COLOURS[0])
    box = page.query_selector("iframe.ccdata-map").bounding_box()
    shot = page.screenshot()
    import io

    from PIL import Image
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    at = [image.getpixel((int(box["x"] + p["x"]), int(box["y"] + p["y"]))) for p in (fill, swatch)]
    assert all(abs(a - b) <= 3 for a, b in zip(*at)), at
    expected = mapkey.on_white(DECILE_COLOURS[0], maps.FILL_OPACITY)
    assert all(abs(a - int(expected[i:i + 2], 16)) <= 3 for a, i in zip(at[0], (1, 3, 5))), (at, expected)
    page.close()
