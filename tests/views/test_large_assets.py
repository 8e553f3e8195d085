"""A very long asset list: markers grouped and counted, tables capped, the full lists saved beside the page."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from ccdata.vocabulary import CATEGORIES
from ccdata.views import assets as view

X0, Y0 = 430000, 566000
N = 5000


@pytest.fixture(scope="module")
def big():
    rng = np.random.default_rng(7)
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001", "E01900002"], "lsoa21_name": ["A", "B"],
                              "imd_decile": [1, 2]},
                             geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
                             crs=27700)
    boundary = gpd.GeoDataFrame({"name": ["Place"]}, geometry=[lsoas.union_all()], crs=27700)
    cats = np.where(np.arange(N) % 10 == 0, "youth", "school")   # 500 youth, 4,500 schools
    assets = gpd.GeoDataFrame({"name": [f"Asset {i:05d}" for i in range(N)], "category": cats,
                               "postcode": "DM1 1AA", "source": "test", "placement": "inside",
                               "category_label": np.where(cats == "youth", "Youth", "Schools")},
                              geometry=[Point(X0 + x, Y0 + y) for x, y in rng.uniform(10, 990, (N, 2))], crs=27700)
    unplaced = pd.DataFrame({"source": "local list (assets.csv)", "source_ref": [f"row {i + 2}" for i in range(N)],
                             "name": [f"Lost {i}" for i in range(N)], "category": "youth",
                             "postcode": "", "reason": "no postcode or grid reference"})
    return lsoas, boundary, assets, unplaced


def test_markers_are_grouped_and_the_page_says_how_many(big, tmp_path):
    lsoas, boundary, assets, _ = big
    few = assets.head(600)           # 60 youth, 540 schools (every tenth is youth)
    blocks = view.map_section(lsoas, boundary, None, few, files_dir=tmp_path, max_rows=50, cluster_threshold=100)
    html = "".join(b.html for b in blocks)
    assert "Map of 600 assets" in html
    # schools are more than the threshold of 100, so grouped; the 60 youth clubs are not
    assert "markers of kinds with many assets are grouped: school (540)." in html
    # the printed list holds 50 assets, says so, and links the full list of 600
    assert "Only the first 50 of the 600 assets on the map are listed here." in html
    assert 'href="assets-on-the-map.csv"' in html
    saved = pd.read_csv(tmp_path / "assets-on-the-map.csv")
    assert len(saved) == 600 and set(saved["Name"]) == set(few["name"])
    listed = html.split('id="asset-list"', 1)[1].split("</section>", 1)[0]
    assert listed.count("<li>") == 50


def test_long_unplaced_table_is_capped_with_the_full_list_beside_the_page(big, tmp_path):
    *_, unplaced = big
    html = "".join(b.html for b in view.unplaced_section(unplaced, files_dir=tmp_path, max_rows=200))
    assert html.count("<tr>") == 201            # header + 200 rows
    assert "Only the first 200 of the 5,000 assets that could not be located are listed here." in html
    assert "Download the full list of 5,000 assets that could not be located" in html
    assert "assets.csv" not in html.split("Download")[1].split("</p>")[0].split(">", 1)[1]  # words, not a file name
    saved = pd.read_csv(tmp_path / "assets-not-located.csv")
    assert len(saved) == N and saved["Name"].tolist() == unplaced["name"].tolist()
    assert not list(tmp_path.glob("*.tmp*"))      # written atomically, nothing left over


def test_without_a_folder_the_page_still_says_how_many_are_listed(big):
    *_, unplaced = big
    html = "".join(b.html for b in view.unplaced_section(unplaced.head(300), max_rows=200))
    assert "Only the first 200 of the 300 assets that could not be located are listed here." in html
    assert "href=" not in html


def test_short_lists_are_not_capped(big, tmp_path):
    *_, unplaced = big
    html = "".join(b.html for b in view.unplaced_section(unplaced.head(20), files_dir=tmp_path))
    assert html.count("<tr>") == 21 and "Only the first" not in html and not list(tmp_path.iterdir())


def test_bad_caps_are_refused(big):
    *_, unplaced = big
    with pytest.raises(ValueError, match="max_rows"):
        view.unplaced_section(unplaced, max_rows=0)
    with pytest.raises(ValueError, match="file name"):
        view.full_list(unplaced, ".", "../x.csv")


def test_thousands_of_markers_stay_small_and_draw_in_the_browser(big, browser, tmp_path):
    lsoas, boundary, assets, _ = big
    many = assets.head(3000).copy()      # 2,700 schools (compact above 1,000), 300 youth clubs
    many.loc[1, "name"] = "<img src=x onerror=\"window.parent.pwned=1\"> `${window.pwned=1}` </script>"
    many.loc[2, "name"] = "Club {{ 7*7 }} 100% {% raw %}"  # a school: in the compact list
    blocks = view.map_section(lsoas, boundary, None, many, files_dir=tmp_path)
    html = "".join(b.html for b in blocks)
    # about 2 KB a marker when each is written out; the compact list keeps 3,000 under 1.5 MB
    assert len(html) < 1_500_000
    page_path = tmp_path / "page.html"
    page_path.write_text(f"<!doctype html><html><body>{html}</body></html>", encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_path.as_uri())
        page.wait_for_timeout(1500)
        frame = next(f for f in page.frames if f.locator(".leaflet-container").count())
        # clustered groups and single markers are drawn; nothing from the names ran
        drawn = frame.locator(".marker-cluster, .ccdata-marker").count()
        assert drawn > 0
        assert page.evaluate("window.pwned") is None and frame.evaluate("window.pwned") is None
        # the compact list's names reach the markers as typed (never read as a template)
        titles = frame.evaluate("() => Object.keys(window).filter(k => k.startsWith('fast_marker_cluster_'))"
                                ".flatMap(k => window[k].getLayers().map(m => m.options.title))")
        assert len(titles) == (many["category"] == "school").sum()
        # the name isolated (FSI ... PDI) from the kind after it
        assert "\u2068Club {{ 7*7 }} 100% {% raw %}\u2069 (" + CATEGORIES["school"] + ")" in titles
    finally:
        page.close()


def test_asset_list_problems_are_for_the_adviser_and_the_page_counts_them():
    problems = pd.DataFrame({"file": "assets.csv", "row": [4, 9], "column": ["postcode", "category"],
                             "message": ["not a postcode", "unknown category"], "value": ["ZZ1", "shopx"]})
    blocks = view.unplaced_section(None, problems)
    partner = "".join(b.html for b in blocks if 'data-audience="adviser"' not in b.html)
    adviser = "".join(b.html for b in blocks if 'data-audience="adviser"' in b.html)
    assert "2 problems were found in the partnership&#x27;s list" in partner
    assert "assets.csv" not in partner and "ZZ1" not in partner
    assert "assets.csv" in adviser and ">9</td>" in adviser and "unknown category" in adviser


def test_the_partnership_list_is_named_in_words_not_by_its_file():
    unplaced = pd.DataFrame({"source": ["local list (assets.csv)"], "source_ref": ["row 7"], "name": ["Hall"],
                             "category": ["community"], "postcode": [""], "reason": ["no postcode"]})
    html = "".join(b.html for b in view.unplaced_section(unplaced))
    assert "row 7 of the partnership&#x27;s list" in html
    assert f"<td>{CATEGORIES['community']}</td>" in html and "<td>community</td>" not in html  # kinds in words
    assert "assets.csv" not in html
