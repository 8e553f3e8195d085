"""The asset map: layers, escaping, legend, no dependency on tiles, offline inlining."""
from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from ccdata.present import mapkey, maps, palette
from helpers.maps import SCRIPT, X0, Y0, render


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


def test_text_from_input_files_is_never_read_as_a_template(layers):
    # branca renders each script it writes a second time, as a Jinja template
    lsoas, boundary, wards, assets = layers
    assets = assets.copy()
    assets.loc[0, "name"] = "Club {{ 7*7 }}"
    assets.loc[1, "name"] = "{% if true %}Hall{% endif %} {{ lipsum.__globals__ }}"
    assets.loc[2, "address"] = "{# gone #}{{ self }}"
    assets.loc[3, "name"] = "School {{ 8*8 }} 100%"  # three schools: drawn from the compact list below
    wards = wards.assign(ward24_name="Ward {{ 6*7 }}")
    lsoas = lsoas.assign(lsoa21_name=["Close {{ 5*5 }}", "B"])
    for threshold in (150, 2):  # single markers, and the compact list drawn in the browser
        page = render(maps.map_assets(lsoas, boundary, wards, assets, tiles=None,
                                      compact_threshold=threshold))
        evaluated = ("Club 49", "Ward 42", "Close 25", "School 64", "jinja2", "TemplateReference")
        assert not [e for e in evaluated if e in page]
        assert "{{" not in page.split("<script", 1)[0]  # and none reached the head as a template
        assert "Hall{% endif %}" not in page  # braces travel escaped, so no template can form
    # what a reader sees is the name as typed: HTML entities, JavaScript escapes or percent-encoding
    single = render(maps.map_assets(lsoas, boundary, wards, assets, tiles=None))
    assert "Club &#123;&#123; 7*7 &#125;&#125;" in single  # marker tooltip and popup (HTML)
    assert "Club \\u007b\\u007b 7*7 \\u007d\\u007d" in single  # marker name (JavaScript string)
    for name in ("Ward", "Close"):  # area names in the shapes' data, whose "&" JSON writes \u0026
        assert re.search(name + r" (\\u0026|&)#123;(\\u0026|&)#123; \d\*\d (\\u0026|&)#125;", single), name
    compact = render(maps.map_assets(lsoas, boundary, wards, assets, tiles=None, compact_threshold=2))
    assert "School %7B%7B 8*8 %7D%7D 100%25" in compact and "decodeURIComponent(row[2])" in compact


def test_map_layers_and_legend(layers):
    m = maps.map_assets(*layers, tiles=None, cluster_threshold=2)
    page = render(m)
    names = [child.layer_name for child in m._children.values() if hasattr(child, "layer_name")]
    assert "Place boundary" in names and "Ward boundaries (inside the place)" in names
    assert any(n.startswith("LSOAs:") for n in names)
    assert "School (3)" in names and "Youth club or centre (1)" in names and "Community centre or group (1)" in names
    assert "L.control.layers" in page
    # three schools exceed the threshold of two: clustered; the others are not
    assert page.count("L.markerClusterGroup") == 1
    # legend: ten viridis colours, decile 1 most deprived, and a no-data swatch
    assert "(most deprived)" in page and all(c in page for c in palette.DECILE_COLOURS)
    assert palette.NO_DATA_COLOUR in page
    # the layer list starts folded; the key is a Leaflet control in its own corner
    assert re.search(r'"collapsed":\s*true', page) and "position: 'bottomright'" in page
    # the list of assets lives on the page, not inside the map's frame
    assert "List of assets" not in page
    listing = mapkey.asset_list_html(layers[3])
    assert "List of assets on the map (5)" in listing and "&lt;script&gt;alert(1)" in listing
    assert SCRIPT not in listing


def test_map_needs_no_tiles_and_loads_only_leaflet(layers):
    page = render(maps.map_assets(*layers, tiles=None))
    assert "tileLayer" not in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    with_tiles = render(maps.map_assets(*layers, tiles="default"))
    # the street layer is drawn by the map's own script (tiles come through the page: see test_tiles.py)
    assert "L.TileLayer.extend" in with_tiles and '"name": "Street map"' in with_tiles


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


def test_frame_bounds_cover_the_place_and_every_asset():
    from pyproj import Transformer

    place = gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 2000, Y0 + 1000)], crs=27700)
    far = gpd.GeoDataFrame({"name": ["Far", "Nowhere"]}, geometry=[Point(X0 + 5000, Y0 + 500), None], crs=27700)
    (s, w), (n, e) = maps.frame_bounds(place, far)
    to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
    to_wgs = Transformer.from_crs(27700, 4326, always_xy=True)
    # extent 5,000 m x 1,000 m; margin 8% of 5,000 m = 400 m on every side
    for x, y in [(X0 - 400, Y0 - 400), (X0 + 5400, Y0 - 400), (X0 - 400, Y0 + 1400), (X0 + 5400, Y0 + 1400)]:
        lon, lat = to_wgs.transform(x, y)
        assert s <= lat + 1e-9 and lat <= n + 1e-9 and w <= lon + 1e-9 and lon <= e + 1e-9
    (x0, y0), (x1, y1) = to_bng.transform(w, s), to_bng.transform(e, n)
    assert 5795 <= x1 - x0 < 5800 + 100 and 1795 <= y1 - y0 < 1800 + 100  # grid convergence: a little more
    # the boundary alone: a tiny place gets at least the 150 m minimum margin
    (s2, w2), (n2, e2) = maps.frame_bounds(place)
    (a0, _), (a1, _) = to_bng.transform(w2, s2), to_bng.transform(e2, n2)
    assert 2315 <= a1 - a0 < 2390
    with pytest.raises(ValueError, match="margin"):
        maps.frame_bounds(place, margin=2)


def test_wards_are_clipped_to_the_place_and_named_in_the_key(layers):
    lsoas, boundary, _, assets = layers
    big = gpd.GeoDataFrame({"ward24_name": ["Harbour"]}, geometry=[box(X0 - 5000, Y0 - 5000, X0 + 9000, Y0 + 9000)],
                           crs=27700)
    m = maps.map_assets(lsoas, boundary, big, assets, tiles=None)
    ward = next(c for c in m._children.values() if getattr(c, "layer_name", "") == "Ward boundaries (inside the place)")
    bounds = gpd.GeoDataFrame.from_features(ward.data["features"], crs=4326).to_crs(27700).total_bounds
    assert bounds[0] >= X0 - 1 and bounds[2] <= X0 + 2001 and bounds[3] <= Y0 + 1001
    assert "drawn inside the place only" in render(m) and "drawn inside the place only" in m.ccdata_key["wards"]


def test_markers_have_a_shape_and_a_name_for_the_keyboard(layers):
    from ccdata.present import mapkey

    page = render(maps.map_assets(*layers, tiles=None))
    # every marker is named by asset name and kind (a JavaScript string, escaped)
    # the name isolated (FSI ... PDI) so a right-to-left name cannot reorder the kind after it
    assert '"\u2068School 1\u2069 (School)"' in page and "aria-label" in page
    assert "\u2068\\u003cscript\\u003ealert(1)\\u003c/script\\u003e Youth Club\u2069 (Youth club or centre)" in page
    shapes = {mapkey.CATEGORY_SHAPES[c] for c in mapkey.CATEGORY_SHAPES}
    assert len(shapes) == len(mapkey.CATEGORY_SHAPES)  # no two kinds share a shape
    assert "square" in mapkey.category_key_text("school") and "blue" in mapkey.category_key_text("school")
    with pytest.raises(ValueError):
        mapkey.marker_svg("spaceport")


def test_embedded_map_document_has_language_title_and_allows_zoom(layers):
    import html as htmllib

    block = maps.embed(maps.map_assets(*layers, tiles=None), title="Map of <5> assets")
    doc = htmllib.unescape(re.search(r'srcdoc="([^"]*)"', block.html).group(1))
    assert '<html lang="en">' in doc and "<title>Map of &lt;5&gt; assets</title>" in doc
    assert "user-scalable=no" not in doc and "maximum-scale" not in doc
    assert "@media print" in doc and ".leaflet-control-container{display:none" in doc


def test_script_lines_are_written_as_they_are_and_refuse_bad_input(layers):
    import folium

    from ccdata.present.mapscript import PARENT, script_line

    m = folium.Map(tiles=None)
    m.add_child(script_line("Probe", f"{PARENT}.probe = '{{{{ 7*7 }}}}';\n"))
    page = render(m)
    assert f"{m.get_name()}.probe = '{{{{ 7*7 }}}}';" in page and "'49'" not in page
    with pytest.raises(ValueError, match="name"):
        script_line("not a name", "x")
    with pytest.raises(TypeError, match="JavaScript text"):
        script_line("Probe", None)


def test_a_popup_names_the_partnership_list_in_words_never_its_file():
    from ccdata.present.maps import popup_html

    own = popup_html(pd.Series({"name": "Hall", "category": "community", "source": "local list (my assets.xlsx)"}))
    official = popup_html(pd.Series({"name": "School", "category": "school",
                                     "source": "DfE Get Information about Schools"}))
    assert "Source: the partnership&#x27;s list" in own and "xlsx" not in own
    assert "Source: DfE Get Information about Schools" in official
