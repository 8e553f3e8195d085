"""Asset lists, place assets with the unplaced list, and coverage (hand-computed)."""
from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from ccdata import config
from ccdata.analysis import assets, coverage
from ccdata.errors import DataQualityWarning, MissingDataError, ValidationError
from ccdata.io.local.assets import CATEGORY_SYNONYMS, finish_asset_table, load_asset_list, normalise_category
from ccdata.vocabulary import CATEGORIES
from helpers.geocoding import X0, Y0, make_codepoint_zip

HEADER = "Name,Category,Address,Postcode,Latitude,Longitude,Website,Opening notes\n"


def write(tmp_path, text: str, name: str = "assets.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ----------------------------------------------------------------------------- categories
@pytest.mark.parametrize("typed, expected", [
    ("Youth Club", "youth"), ("YOUTH CLUBS", "youth"), ("Foodbank", "food_bank"), ("Food Banks", "food_bank"),
    ("Children's Centre", "family_hub"), ("childrens centre", "family_hub"), ("family_hub", "family_hub"),
    ("Tenants & Residents Association", "community"), ("Place of worship", "faith"), ("GP surgery", "gp_practice"),
    ("Pre-school", "early_years"), ("other", "other"), ("Spaceport", None), ("", None), (None, None),
])
def test_normalise_category(typed, expected):
    assert normalise_category(typed) == expected


def test_every_synonym_maps_to_a_category():
    assert set(CATEGORY_SYNONYMS.values()) <= set(CATEGORIES)
    assert len(CATEGORIES) == 12


# ----------------------------------------------------------------------------- asset list
def test_load_asset_list_reports_every_problem(tmp_path):
    path = write(tmp_path, HEADER
                 + "Youth Hub,Youth Club,1 High St,dm11aa,,,https://example.org,Mon 4-9pm\n"      # line 2
                 + "Bad Postcode Club,Youth,,DM1 XYZ,,,,\n"                                        # line 3
                 + "Pinned Group,community,,,52.5,1.5,,\n"                                         # line 4
                 + "Nowhere Group,Community group,,,,,,\n"                                         # line 5
                 + "Youth Hub,youth club,1 High St,DM1 1AA,,,,\n"                                  # line 6 dup of 2
                 + "Moon Base,Spaceport,,DM1 1AB,,,,\n"                                            # line 7
                 + ",Church,,DM1 1AB,,,,\n"                                                        # line 8 no name
                 + "Swapped,Church,,,1.5,52.5,,\n")                                                # line 9
    with pytest.warns(DataQualityWarning):
        out = load_asset_list(path)
    assert list(out["row"]) == [2, 3, 4, 5, 7, 9]
    assert list(out["category"]) == ["youth", "youth", "community", "community", "other", "faith"]
    assert out.loc[0, "postcode"] == "DM1 1AA" and out.loc[0, "postcode_status"] == "ok"
    assert out.loc[1, "postcode_status"] == "malformed"
    assert out.loc[2, "location"] == "coordinates" and 600_000 < out.loc[2, "easting"] < 700_000
    assert out.loc[3, "location"] == "none"
    assert out.loc[0, "notes"] == "Mon 4-9pm" and out.loc[0, "website"] == "https://example.org"
    problems = {(p["row"], p["column"], p["message"].split(";")[0].split(" (")[0]) for p in out.attrs["exclusions"]}
    assert (3, "Postcode", "malformed postcode") in problems
    assert (5, "Postcode", "no usable location") in problems
    assert (6, "Name", "duplicate of row 2") in problems
    assert (7, "Category", "unknown category") in problems
    assert (8, "Name", "missing name") in problems
    assert (9, "Latitude", "lat/lon incomplete or outside Great Britain") in problems
    skipped = out.attrs["skipped"]
    assert list(skipped["row"]) == [6, 8]
    assert list(skipped["reason"]) == ["duplicate of row 2", "missing name"]


def test_load_asset_list_cp1252_and_missing_columns(tmp_path):
    path = write(tmp_path, "Name,Category,Postcode\nCaf\u00e9 Caf\u00e9,Community centre,DM1 1AA\n",
                 encoding="cp1252")
    with pytest.warns(DataQualityWarning, match="cp1252"):
        out = load_asset_list(path)
    assert out.loc[0, "name"] == "Caf\u00e9 Caf\u00e9"
    bad = write(tmp_path, "Title,Kind\nx,y\n", "bad.csv")
    with pytest.raises(ValidationError) as info:
        load_asset_list(bad)
    assert {p.column for p in info.value.problems} >= {"name", "postcode"}
    with pytest.raises(MissingDataError):
        load_asset_list(tmp_path / "absent.csv")
    with pytest.raises(TypeError):
        load_asset_list(42)


def test_load_asset_list_xlsx(tmp_path):
    path = tmp_path / "assets.xlsx"
    pd.DataFrame({"Name": ["Hall"], "Category": ["Community Centre"], "Easting": [X0 + 10],
                  "Northing": [Y0 + 10]}).to_excel(path, index=False)
    out = load_asset_list(path)
    assert out.loc[0, "category"] == "community" and out.loc[0, "easting"] == X0 + 10
    assert out.loc[0, "row"] == 2


# ----------------------------------------------------------------------------- combine
@pytest.fixture
def world(tmp_path):
    """Two place LSOAs (A, B) side by side, a third (C) above A; one ward for A and B."""
    zip_path = make_codepoint_zip(tmp_path / "codepo_gb.zip", {
        "dm": [("DM1 1AA", 10, X0 + 500, Y0 + 500, "E06900001", "E05900001"),
               ("DM1 1AB", 10, X0 + 1500, Y0 + 900, "E06900001", "E05900001"),
               ("DM1 1FF", 10, X0 + 9000, Y0 + 9000, "E06900001", "E05900009")]})
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001", "E01900002", "E01900003"],
                              "lsoa21_name": ["A", "B", "C"]},
                             geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
                                       box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000)], crs=27700)
    geo = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002", "E01900003"],
                        "ward24_code": ["E05900001", "E05900001", "E05900002"],
                        "ward24_name": ["Harbour", "Harbour", "Hill"],
                        "lad24_code": ["E06900001"] * 3})
    place = lsoas.iloc[:2]
    return {"zip": zip_path, "lsoas": lsoas, "geo": geo, "place": place, "boundary": place.union_all()}


def test_combine_assets_unplaced_list(tmp_path, world):
    path = write(tmp_path, HEADER
                 + "<script>alert(1)</script> Club,Youth,,DM1 1AA,,,,\n"   # 2 placed in A
                 + "Far Club,Youth,,DM1 1FF,,,,\n"                          # 3 outside buffer
                 + "Ghost Club,Youth,,DM1 4XX,,,,\n"                        # 4 not found
                 + "Typo Club,Youth,,DM1 XYZ,,,,\n"                         # 5 malformed
                 + "Nowhere Club,Youth,,,,,,\n"                             # 6 no location
                 + "Far Club,Youth,,DM1 1FF,,,,\n")                         # 7 duplicate of 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        local = load_asset_list(path)
    official = finish_asset_table(pd.DataFrame({
        "source": "GP list", "source_ref": ["G1", "G2", "G3"], "name": ["Near GP", "Far GP", "Lost GP"],
        "category": "gp_practice", "subtype": "GP practice", "address": pd.NA,
        "postcode": ["DM1 1AB", "DM1 1FF", "DM1 4XY"], "website": pd.NA, "details": pd.NA,
        "easting": [None, None, None], "northing": [None, None, None]}))
    gdf, unplaced = assets.combine_assets([official], local, world["boundary"], collection="demo",
                                          codepoint=world["zip"], lsoas=world["lsoas"], geography=world["geo"])
    assert sorted(gdf["name"]) == ["<script>alert(1)</script> Club", "Near GP"]
    assert set(gdf["lsoa21_code"]) == {"E01900001", "E01900002"}
    assert gdf["in_place"].all()
    assert sorted(zip(unplaced["name"], unplaced["reason"])) == [
        ("Far Club", "skipped: duplicate of row 3"),
        ("Ghost Club", "postcode DM1 4XX not found in OS Code-Point Open"),
        ("Lost GP", "postcode not found in OS Code-Point Open"),
        ("Nowhere Club", "no postcode or coordinates"),
        ("Typo Club", "malformed postcode 'DM1 XYZ' and no coordinates"),
    ]
    # official rows far away are counted, not listed
    assert gdf.attrs["counts"]["GP list: farther than 800 m from the place"] == 1
    # a located row of the partnership's list beyond the buffer is "outside the area", with its
    # distance: DM1 1FF is 7,000 m east and 8,000 m north of the 2 km x 1 km place's corner
    far = gdf.attrs["outside"]
    assert list(far["name"]) == ["Far Club"]
    assert int(far["distance_m"].iloc[0]) == round((7000 ** 2 + 8000 ** 2) ** 0.5)
    assert assets.display_ref(far["source"].iloc[0], far["source_ref"].iloc[0]) == "row 3 of the partnership's list"
    assert list(gdf["placement"]) == ["inside", "inside"]
    assert assets.placement_counts(gdf) == {"inside": 2, "buffer": 0, "outside": 1}


def test_combine_assets_buffer_keeps_nearby(world):
    near = finish_asset_table(pd.DataFrame({
        "source": "List", "source_ref": ["1", "2"], "name": ["Just outside", "Too far"], "category": "school",
        "subtype": pd.NA, "address": pd.NA, "postcode": pd.NA, "website": pd.NA, "details": pd.NA,
        "easting": [X0 + 2700, X0 + 2900], "northing": [Y0 + 500, Y0 + 500]}))
    gdf, unplaced = assets.combine_assets([near], None, world["boundary"], collection="demo",
                                          codepoint=world["zip"], lsoas=world["lsoas"], geography=world["geo"])
    # 700 m beyond the boundary is inside the 800 m buffer; 900 m is not
    assert list(gdf["name"]) == ["Just outside"]
    assert not gdf["in_place"].iloc[0] and gdf["distance_to_place_m"].iloc[0] == 700
    assert unplaced.empty
    # official rows beyond the buffer are not the place's: counted, never in the outside list
    assert list(gdf["placement"]) == ["buffer"] and gdf.attrs["outside"].empty
    assert assets.placement_counts(gdf) == {"inside": 0, "buffer": 1, "outside": 0}
    with pytest.raises(ValueError):
        assets.combine_assets([near], None, world["boundary"], buffer_m=-1)


def test_placement_classifies_by_place_then_buffer():
    got = assets.placement(pd.Series([True, False, False, False, True]),
                           pd.Series([0.0, 800.0, 800.5, 5000.0, 3.0]), 800)
    # on the buffer's edge counts as in the buffer; in_place wins over a small distance (boundary line)
    assert list(got) == ["inside", "buffer", "outside", "outside", "inside"]
    assert list(assets.placement(pd.Series([False]), pd.Series([10.0]), 0)) == ["outside"]
    with pytest.raises(ValueError, match="distance"):
        assets.placement(pd.Series([False]), pd.Series([None]), 800)
    with pytest.raises(ValueError, match="buffer_m"):
        assets.placement(pd.Series([False]), pd.Series([1.0]), -5)
    with pytest.raises(ValueError, match="placement"):
        assets.placement_counts(pd.DataFrame({"name": ["x"]}))


def test_display_ref_names_the_row_and_file_or_the_publishers_id():
    assert assets.display_ref("local list (assets.csv)", "row 12") == "row 12 of the partnership's list"
    assert assets.display_ref(assets.SOURCE_GIAS, "100001") == "100001"
    assert assets.display_ref(assets.SOURCE_LIBRARIES, "row1835") == "no id in the published list"
    assert assets.display_ref(assets.SOURCE_LIBRARIES, "10008245") == "10008245"
    assert assets.display_ref(None, None) == ""


# ----------------------------------------------------------------------------- coverage
def test_calculate_coverage_hand_computed(world):
    """Children: A 100, B 300. School at A's centroid; food bank in B 400 m north of B's
    centroid (1,077 m from A's); youth club 300 m outside B, 800 m from B's centroid."""
    pts = [("school", X0 + 500, Y0 + 500, "E01900001"), ("food_bank", X0 + 1500, Y0 + 900, "E01900002"),
           ("youth", X0 + 2300, Y0 + 500, None)]
    gdf = gpd.GeoDataFrame({"category": [p[0] for p in pts], "lsoa21_code": [p[3] for p in pts]},
                           geometry=[Point(p[1], p[2]) for p in pts], crs=27700)
    children = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002"], "children_0_19": [100, 300]})
    cov = coverage.calculate_coverage(world["place"], children, gdf, world["geo"])

    by = cov.by_area.set_index(["level", "area_code", "category"])
    assert by.loc[("lsoa", "E01900001", "school"), "assets"] == 1
    assert by.loc[("lsoa", "E01900001", "all"), "per_1000_children"] == pytest.approx(10.0)
    assert by.loc[("lsoa", "E01900002", "all"), "per_1000_children"] == pytest.approx(1000 / 300)
    assert by.loc[("lsoa", "E01900002", "youth"), "assets"] == 0  # the youth club is outside the place
    assert by.loc[("ward", "E05900001", "all"), "assets"] == 2
    assert by.loc[("ward", "E05900001", "all"), "children_0_19"] == 400
    assert by.loc[("ward", "E05900001", "all"), "per_1000_children"] == pytest.approx(5.0)
    assert by.loc[("place", "place", "all"), "per_1000_children"] == pytest.approx(5.0)

    reach = cov.reach.set_index(["category", "straight_line_m"])["share_within_pct"]
    assert [reach[("school", d)] for d in (400, 800, 1200)] == pytest.approx([25, 25, 100])
    assert [reach[("youth", d)] for d in (400, 800, 1200)] == pytest.approx([0, 75, 75])
    assert [reach[("food_bank", d)] for d in (400, 800, 1200)] == pytest.approx([75, 75, 100])
    assert [reach[("all", d)] for d in (400, 800, 1200)] == pytest.approx([100, 100, 100])
    assert [reach[("library", d)] for d in (400, 800, 1200)] == [0, 0, 0]
    assert "straight line" in cov.method.lower() and "centroid" in cov.method
    wide = cov.table("ward")
    assert wide.loc[0, "All assets"] == 2 and wide.loc[0, "Assets per 1,000 children"] == 5.0


def test_calculate_coverage_validates(world):
    gdf = gpd.GeoDataFrame({"category": ["spaceport"]}, geometry=[Point(X0, Y0)], crs=27700)
    children = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002"], "children_0_19": [1, 2]})
    with pytest.raises(ValueError, match="unknown asset categories"):
        coverage.calculate_coverage(world["place"], children, gdf)
    ok = gdf.assign(category="school")
    with pytest.raises(ValueError, match="no children count"):
        coverage.calculate_coverage(world["place"], children.iloc[:1], ok)
    with pytest.raises(ValueError, match="projected"):
        coverage.calculate_coverage(world["place"].to_crs(4326), children, ok)
    with pytest.raises(ValueError, match="distances"):
        coverage.calculate_coverage(world["place"], children, ok, distances=(0,))


# ----------------------------------------------------------------------------- demo place
def test_demo_place_assets(demo_data):
    import ccdata

    place = ccdata.place("demo")
    gdf, unplaced = assets.place_assets(place)
    # the demo list's deliberate problems are all listed, with their reasons
    reasons = dict(zip(unplaced["name"], unplaced["reason"]))
    assert reasons["Demoton Toy Library"].startswith("malformed postcode")
    assert "not found" in reasons["Old Mill Youth Theatre"]
    assert reasons["Friends of Demoton Park"] == "no postcode or coordinates"
    assert reasons["Demoton Youth Hub"].startswith("skipped: duplicate of row")
    assert "<script>alert(1)</script> Youth Club" in set(gdf["name"])
    spaceport = gdf[gdf["name"] == "Demoton Spaceport Club"]
    assert list(spaceport["category"]) == ["other"]
    # nothing silently dropped: every data row of the local file is located or unplaced
    local_rows = len(pd.read_csv(place.local_path("assets")))
    from_local = gdf["source"].str.startswith("local list").sum()
    assert from_local + unplaced["source"].str.startswith("local list").sum() == local_rows
    assert (gdf["located"] == "ok").all()
    cov = coverage.coverage(place, gdf)
    place_row = cov.by_area.query("level == 'place' and category == 'all'").iloc[0]
    inside = int(gdf["in_place"].sum())
    assert place_row["assets"] == inside


# ----------------------------------------------------------------------------- notebook
NOTEBOOK = __import__("pathlib").Path(__file__).resolve().parents[2] / "notebooks" / "asset_map.ipynb"


def test_notebook_structure():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and params[0].source.startswith('place_id: str = "demo"  # help')
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def test_notebook_runs_on_demo(demo_site):
    # the session's demo site ran the notebook (papermill) and kept it
    text = (demo_site.place_dir.parent / ".notebooks" / "demo" / "asset_map.ipynb").read_text(encoding="utf-8")
    # the map is embedded as an iframe srcdoc, so the name is escaped twice there; never raw
    assert "<script>alert(1)</script>" not in text
    assert "&amp;lt;script&amp;gt;alert(1)" in text
    assert "assets that could not be located, and why" in text
    assert "Demoton Toy Library" in text and "% of children within 800 m (straight line)" in text


def test_missing_official_list_is_marked_incomplete_not_zero():
    import geopandas as gpd

    from ccdata.views import assets as asset_view
    from ccdata.analysis.coverage import incomplete_categories
    from ccdata.vocabulary import CATEGORIES

    located = gpd.GeoDataFrame({"category": []}, geometry=[], crs=27700)
    located.attrs["sources"] = pd.DataFrame([
        {"list": "schools (GIAS)", "used": False, "note": "input not fetched: dfe_gias"},
        {"list": "GP practices (epraccur)", "used": True, "note": ""},
        {"list": "local list", "used": False, "note": "none configured"}])
    gaps = incomplete_categories(located)
    assert list(gaps) == [CATEGORIES["school"]]
    assert "dfe_gias" in gaps[CATEGORIES["school"]]

    class FakeCoverage:
        method = "method"

        def table(self, level):
            return pd.DataFrame({"Code": ["W1"], CATEGORIES["school"]: [0], CATEGORIES["gp_practice"]: [2]})

        def reach_table(self):
            return pd.DataFrame({"Category": [CATEGORIES["school"], CATEGORIES["gp_practice"]], "Assets": [0, 2]})

    html = "".join(b.html for b in asset_view.coverage_section(FakeCoverage(), "", gaps))
    assert f"{CATEGORIES['school']} (incomplete)" in html
    assert f"{CATEGORIES['gp_practice']} (incomplete)" not in html
    assert "No data for school coverage" in html


def test_load_asset_list_with_no_category_at_all_shows_other(tmp_path):
    # every category blank: used to fail inside pandas (ArrowInvalid) instead of listing each row
    path = tmp_path / "a.csv"
    path.write_text("Name,Category,Postcode\nHall,,E8 1FA\nPark,,E8 1FB\n")
    with pytest.warns(DataQualityWarning):
        got = load_asset_list(path)
    assert got["category"].tolist() == ["other", "other"]
    listed = [(e["row"], e["message"]) for e in got.attrs["exclusions"]]
    assert listed == [(2, "missing category; shown as other"), (3, "missing category; shown as other")]


def test_load_asset_list_repeated_header_is_named(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Name,Category,Postcode,Name\nHall,library,E8 1FA,Other hall\n")
    with pytest.raises(ValidationError, match=r"a.csv, column 'Name': column appears 2 times \(columns 1, 4\)"):
        load_asset_list(path)


def test_load_asset_list_zero_easting_northing_is_no_location(tmp_path):
    path = write(tmp_path, "name,category,postcode,easting,northing\n"
                           "Zero Club,youth,,0,0\n"                  # line 2: placeholder, no postcode
                           "Zero Hub,youth,DM1 1AA,0,0\n"            # line 3: placeholder, postcode kept
                           "Real Club,youth,,612000,301000\n")       # line 4
    with pytest.warns(DataQualityWarning):
        out = load_asset_list(path).set_index("row")
    assert out.loc[2, "location"] == "none" and pd.isna(out.loc[2, "easting"]) and pd.isna(out.loc[2, "northing"])
    assert out.loc[3, "location"] == "postcode" and pd.isna(out.loc[3, "easting"])
    assert out.loc[4, "location"] == "coordinates" and out.loc[4, "easting"] == 612000
    problems = {(p["row"], p["column"], p["message"].split(";")[0]) for p in out.attrs["exclusions"]}
    placeholder = "easting/northing 0,0 is a 'no location' placeholder"
    assert {(2, "easting", placeholder), (3, "easting", placeholder)} <= problems
    assert (2, "postcode", "no usable location (no valid postcode or coordinates)") in problems


def test_outside_section_and_placement_sentence():
    import geopandas as gpd

    from ccdata.views import assets as asset_view

    located = gpd.GeoDataFrame({"name": ["A", "B", "C"], "category": ["school"] * 3,
                                "placement": ["inside", "inside", "buffer"]},
                               geometry=[Point(0, 0)] * 3, crs=27700)
    located.attrs["buffer_m"] = 800
    located.attrs["outside"] = pd.DataFrame({"source": ["local list (assets.csv)"], "source_ref": ["row 7"],
                                             "name": ["Far <b>Club</b>"], "category": ["youth"],
                                             "postcode": ["DM1 1FF"], "distance_m": [10630]})
    text = asset_view.placement_sentence(located)
    assert "The map shows 3 assets: 2 inside the place and 1 in the 800 m around it" in text
    assert "1 more on the partnership's list lies farther away and is listed under" in text
    html = "".join(b.html for b in asset_view.outside_section(located))
    assert "10.6 km" in html and "row 7 of the partnership&#x27;s list" in html and "Far &lt;b&gt;Club" in html
    assert "Youth" in html and "1 asset outside the area" in html
    # one asset on the map: "1 asset", which the publishing check requires (it refused 91 asset
    # pages of the whole-country run for "1 assets" before)
    one = located.iloc[[0]].copy()
    one.attrs = {"buffer_m": 800}
    text = asset_view.placement_sentence(one)
    assert "The map shows 1 asset: 1 inside the place and 0 in the 800 m around it" in text
    from ccdata.present import devtext
    assert devtext.check(f"<p>{text}</p>") == []


#: The official tables the asset page of a place reads that are not made from LSOA boundaries: the
#: test below links the official folder's own copies (built once per run for every official-data test)
#: instead of building them again from the same raw files (11 s of CPU).
UNBOUNDED_TABLES = ("iod2025_file1", "lookup_lsoa21_ward24", "lsoa21_geography", "nhs_epraccur",
                    "libraries_england", "census21_ts007a")


@pytest.mark.slow(reason="official tables without the BSC boundaries, and the assets notebook")
def test_a_place_without_boundaries_gets_an_asset_page_that_says_so(official_data_dir, use_data_dir, tmp_path,
                                                                    monkeypatch):
    """A data folder whose LSOA boundaries cover some authorities only (the official one without the
    England and Wales BSC file): an authority without any gets a page whose every section says what
    is missing, not a failed view."""
    import os

    import yaml

    from ccdata.geo import build
    from ccdata.geo.lsoabounds import BSC_ID
    from ccdata.run import report, steps
    from ccdata.views import assets as view

    raw = tmp_path / "data" / "raw" / "official"
    raw.mkdir(parents=True)
    for entry in (official_data_dir / "raw" / "official").iterdir():  # links, not copies
        if entry.name != BSC_ID:
            os.symlink(entry, raw / entry.name)
    # tables whose inputs are the same files here as in the official folder are the same tables: linked
    # (a table made from the BSC file is never linked, and a linked one whose inputs differed would be
    # rebuilt here, replacing the link); boundaries_lsoa21 is built afresh below, without the BSC file
    use_data_dir(official_data_dir)
    unbounded = [n for n in UNBOUNDED_TABLES if BSC_ID not in steps.step(n).inputs + steps.step(n).optional]
    steps.build(config.OFFICIAL, names=unbounded, progress=False)
    processed = tmp_path / "data" / "processed" / config.OFFICIAL
    processed.mkdir(parents=True)
    for part in (f"{name}.{ext}" for name in unbounded for ext in ("parquet", "json")):
        os.symlink(official_data_dir / "processed" / config.OFFICIAL / part, processed / part)
    use_data_dir(tmp_path / "data")
    iod = build.table("iod2025_file1", "official")
    drawn = set(build.table("boundaries_lsoa21", "official")["lsoa21_code"].astype(str))
    by_lad = iod.groupby("lad24_code")["lsoa21_code"].apply(lambda s: set(s.astype(str)))
    bare = sorted(lad for lad, codes in by_lad.items() if str(lad).startswith("E") and not codes & drawn)
    assert bare, "without the BSC file, most authorities have no LSOA boundaries"
    lad = bare[0]
    name = str(iod.loc[iod["lad24_code"] == lad, "lad24_name"].iloc[0])
    places = tmp_path / "places.yaml"
    places.write_text(yaml.safe_dump({"bare": {
        "name": f"{name} (all LSOAs)", "collection": "official",
        "local_authority": {"code": lad, "name": name, "vintage": 2024},
        "footprint": {"lsoas": {"vintage": 2021, "codes": sorted(by_lad[lad])}}}}), encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(places))

    from ccdata.geo.placecache import resolve

    place = resolve("bare")
    with pytest.raises(MissingDataError):  # what the page used to fail on
        assets.place_assets(place)
    with pytest.warns(DataQualityWarning, match="could not place any asset"):
        located, unplaced = view.locate(place)
    assert located.empty and unplaced.empty
    assert coverage.try_coverage(place, located) == (None, located.attrs[assets.UNPLACEABLE])

    # the asset page and its notes are what is read here, not the place's index: its key findings
    # would build the Census and deprivation comparators for this folder (25 s of CPU)
    res = report.report("bare", out=tmp_path / "site", views=["assets"], warm=False, index=False)
    assert res.ok, res.summary()
    page = (res.place_dir / "assets.html").read_text(encoding="utf-8")
    for section in ("the asset map", "the asset lists", "coverage", "assets outside the area",
                    "assets that could not be located"):
        assert f"No data for {section}." in page, section
    assert page.count("boundaries for this place are not available") >= 5
    assert "Every listed asset could be located" not in page  # never a reassurance made of nothing
    notes = (res.place_dir / report.NOTES_DIR / "assets.html").read_text(encoding="utf-8")
    assert "could not place any asset" in notes
