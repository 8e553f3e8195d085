"""The asset map: layers, escaping, legend, no dependency on tiles, offline inlining."""
from __future__ import annotations

import re

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from ccdata.present import maps

X0, Y0 = 430000, 566000
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def layers():
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001", "E01900002"], "lsoa21_name": ["A <b>", "B"],
                              "imd_decile": [1, None]},
                             geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
                             crs=27700)
    boundary = gpd.GeoDataFrame({"name": ["Place"]}, geometry=[lsoas.union_all()], crs=27700)
    wards = gpd.GeoDataFrame({"ward24_code": ["E05900001"], "ward24_name": ["Harbour"]},
                             geometry=[lsoas.union_all()], crs=27700)
    names = [f"{SCRIPT} Youth Club", "Hall `${x}`", "School 1", "School 2", "School 3"]
    cats = ["youth", "community", "school", "school", "school"]
    assets = gpd.GeoDataFrame({"name": names, "category": cats,
                               "address": ["1 <i>Street</i>", None, None, None, None],
                               "postcode": ["DM1 1AA"] * 5,
                               "website": ["javascript:alert(2)", "https://example.org/a?b=1&c=2", None, None, None],
                               "source": "test"},
                              geometry=[Point(X0 + 100 * i + 50, Y0 + 500) for i in range(5)], crs=27700)
    return lsoas, boundary, wards, assets


def render(m) -> str:
    return m.get_root().render()


def test_map_escapes_asset_text(layers):
    page = render(maps.map_assets(*layers, tiles=None))
    assert SCRIPT not in page
    assert "alert(1)" in page  # the name is shown ...
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Youth Club" in page  # ... as text, in the asset list
    # popups are JSON strings in the script: "&" is written \u0026, "<" never appears raw
    assert "<i>Street</i>" not in page and "\\u0026lt;i\\u0026gt;Street" in page
    assert "A <b>" not in page  # LSOA names in tooltips too
    # a javascript: URL never becomes a link; an https URL does, escaped
    assert 'href="javascript:' not in page
    assert 'href=\\"https://example.org/a?b=1\\u0026amp;c=2\\"' in page
    # backticks and ${} cannot break out of a JavaScript template string
    assert "`${x}`" not in page


def test_map_layers_and_legend(layers):
    m = maps.map_assets(*layers, tiles=None, cluster_threshold=2)
    page = render(m)
    names = [child.layer_name for child in m._children.values() if hasattr(child, "layer_name")]
    assert "Place boundary" in names and "Ward boundaries" in names
    assert any(n.startswith("LSOAs:") for n in names)
    assert "School (3)" in names and "Youth club or centre (1)" in names and "Community centre or group (1)" in names
    assert "L.control.layers" in page
    # three schools exceed the threshold of two: clustered; the others are not
    assert page.count("L.markerClusterGroup") == 1
    # legend: ten viridis colours, decile 1 most deprived, and a no-data swatch
    assert "(most deprived)" in page and all(c in page for c in maps.DECILE_COLOURS)
    assert maps.NO_DATA_COLOUR in page
    assert "List of assets (5)" in page


def test_map_needs_no_tiles_and_loads_only_leaflet(layers):
    page = render(maps.map_assets(*layers, tiles=None))
    assert "tileLayer" not in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    with_tiles = render(maps.map_assets(*layers, tiles="OpenStreetMap"))
    assert "tileLayer" in with_tiles and "Street map (needs internet)" in with_tiles


def test_map_geometry_is_simplified_and_in_wgs84(layers):
    lsoas, boundary, wards, assets = layers
    # a square with 400 vertices on its edges simplifies to (about) its 4 corners
    dense = lsoas.copy()
    dense["geometry"] = [g.segmentize(10) for g in dense.geometry]
    page = render(maps.map_assets(dense, boundary, wards, assets, tiles=None))
    coords = re.findall(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]", page)
    # GeoJSON is [lon, lat] and markers [lat, lon]: either way, one value is a GB longitude
    pairs = [sorted((float(a), float(b))) for a, b in coords]
    assert pairs and all(-10 < lon < 3 and 49 < lat < 62 for lon, lat in pairs)
    plain = render(maps.map_assets(dense, boundary, wards, assets, tiles=None, simplify_m=0))
    assert len(page) < len(plain) / 2


def test_map_validates_input(layers):
    lsoas, boundary, wards, assets = layers
    with pytest.raises(ValueError, match="deciles"):
        maps.map_assets(lsoas.assign(imd_decile=[0, 11]), boundary, wards, assets)
    with pytest.raises(KeyError):
        maps.map_assets(lsoas, boundary, wards, assets, "idaci_decile")
    with pytest.raises(ValueError, match="unknown asset categories"):
        maps.map_assets(lsoas, boundary, wards, assets.assign(category="spaceport"))
    with pytest.raises(TypeError):
        maps.map_assets(lsoas.drop(columns="geometry"), boundary, wards, assets)
    with pytest.raises(ValueError, match="CRS"):
        maps.map_assets(lsoas.set_crs(None, allow_override=True), boundary, wards, assets)


def test_map_without_assets_or_wards(layers):
    lsoas, boundary, _, _ = layers
    page = render(maps.map_assets(lsoas, boundary, None, None, tiles=None))
    assert "Place boundary" in page and "List of assets" not in page


def test_inline_web_assets(tmp_path, layers):
    page = render(maps.map_assets(*layers, tiles=None))
    (tmp_path / "leaflet.js").write_text("window.L = {}; /* </script> inside */", encoding="utf-8")
    (tmp_path / "leaflet.css").write_text(".leaflet-container{}", encoding="utf-8")
    inlined, remaining = maps.inline_web_assets(page, tmp_path)
    assert maps.LEAFLET_JS[1] not in inlined and maps.LEAFLET_CSS[1] not in inlined
    assert "window.L = {};" in inlined and "<\\/script> inside" in inlined
    assert ".leaflet-container{}" in inlined
    assert all("leaflet@" not in url for url in remaining)
    untouched, still = maps.inline_web_assets(page, None)
    assert untouched == page and maps.LEAFLET_JS[1] in still
