"""LSOA boundaries for every English LSOA: BGC where held, BSC elsewhere, seams and the shift measured."""
from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, box

from ccdata.errors import DataQualityWarning, MissingDataError
from ccdata.geo.boundshift import measure_shift, region_of, shift_sentence
from ccdata.geo.geocode import locate
from ccdata.geo.lsoabounds import generalisation_sentence, merge_boundaries


def _gdf(rows):
    return gpd.GeoDataFrame({"lsoa21_code": [r[0] for r in rows], "lsoa21_name": [r[0] + " name" for r in rows]},
                            geometry=[MultiPolygon([box(*r[1])]) for r in rows], crs=27700)


# detailed: A (0..100) and B (100..200); coarse: A', B' drawn slightly differently and C (190..300),
# which overlaps B by 10 m along B's east edge
DETAILED = _gdf([("E01000001", (0, 0, 100, 100)), ("E01000002", (100, 0, 200, 100))])
COARSE = _gdf([("E01000001", (0, 0, 110, 100)), ("E01000002", (110, 0, 210, 100)),
               ("E01000003", (190, 0, 300, 100))])


def test_detailed_polygons_win_and_the_coarse_overlap_is_cut():
    out = merge_boundaries(DETAILED, COARSE)
    assert list(out["lsoa21_code"]) == ["E01000001", "E01000002", "E01000003"]
    assert list(out["generalisation"]) == ["BGC", "BGC", "BSC"]
    areas = dict(zip(out["lsoa21_code"], out.geometry.area.round(3)))
    # A and B are the detailed squares (100 x 100); C lost the 10 m strip B holds: 100 x 100 left
    assert areas == {"E01000001": 10000.0, "E01000002": 10000.0, "E01000003": 10000.0}
    assert out.attrs["trimmed"] == 1
    assert out.attrs["generalisation"] == {"BGC": 2, "BSC": 1}
    assert out.attrs["notes"]["bsc_polygons_trimmed_where_bgc_overlaps"] == 1


def test_a_coarse_polygon_wholly_inside_detailed_ones_is_excluded_and_listed():
    inside = _gdf([("E01000009", (10, 10, 50, 50))])
    with pytest.warns(DataQualityWarning):
        out = merge_boundaries(DETAILED, inside)
    assert "E01000009" not in set(out["lsoa21_code"])
    assert [e["value"] for e in out.attrs["exclusions"]] == ["E01000009"]


def test_either_set_alone_and_neither():
    only_coarse = merge_boundaries(None, COARSE)
    assert set(only_coarse["generalisation"]) == {"BSC"} and len(only_coarse) == 3
    only_detailed = merge_boundaries(DETAILED, None)
    assert set(only_detailed["generalisation"]) == {"BGC"}
    with pytest.raises(MissingDataError):
        merge_boundaries(None, None)
    with pytest.raises(ValueError, match="different CRSs"):
        merge_boundaries(DETAILED, COARSE.to_crs(4326))


def test_the_key_says_how_generalised_the_boundaries_are():
    assert "super-generalised" in generalisation_sentence(merge_boundaries(None, COARSE))
    assert "super" not in generalisation_sentence(merge_boundaries(DETAILED, None))
    mixed = generalisation_sentence(merge_boundaries(DETAILED, COARSE))
    assert "2 are generalised" in mixed and "1 are super-generalised" in mixed
    assert generalisation_sentence(DETAILED) == ""  # a table without the column says nothing


def _geography(codes):
    return pd.DataFrame({"lsoa21_code": codes, "ward24_code": ["E05000001"] * len(codes),
                         "lad24_code": ["E06000001"] * len(codes)})


def test_a_point_in_a_seam_goes_to_the_nearest_lsoa_within_50_m():
    # detailed A (0..100), coarse C from 130: a 30 m gap between the sets
    lsoas = merge_boundaries(_gdf([("E01000001", (0, 0, 100, 100))]), _gdf([("E01000003", (130, 0, 230, 100))]))
    points = pd.DataFrame({"easting": [50.0, 110.0, 125.0, 400.0], "northing": [50.0, 50.0, 50.0, 50.0]})
    with pytest.warns(DataQualityWarning, match="2 point"):
        out = locate(points, lsoas=lsoas, geography=_geography(["E01000001", "E01000003"]))
    # 110 is 10 m from A and 20 m from C; 125 is 25 m from A and 5 m from C; 400 is 170 m from C
    assert list(out["lsoa21_code"].fillna("-")) == ["E01000001", "E01000001", "E01000003", "-"]
    assert list(out["located"]) == ["ok", "ok", "ok", "outside the LSOA 2021 boundaries held"]
    assert out.attrs["seam"] == 2


def test_no_seam_rule_within_one_set():
    # one set only: a point just outside stays outside (the sea is not a seam)
    lsoas = merge_boundaries(None, _gdf([("E01000003", (130, 0, 230, 100))]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        out = locate(pd.DataFrame({"easting": [125.0], "northing": [50.0]}), lsoas=lsoas,
                     geography=_geography(["E01000003"]))
    assert out["lsoa21_code"].isna().all() and out.attrs["seam"] == 0


def test_measure_shift_counts_points_whose_lsoa_changes():
    # detailed A (0..100) | B (100..200); coarse puts the edge at 110: points at x 105 move to A
    points = pd.DataFrame({"easting": [50, 105, 108, 150, 250, None], "northing": [50, 50, 50, 50, 50, 50]})
    regions = pd.Series({"E01000001": "North", "E01000002": "South"})
    coarse = _gdf([("E01000001", (0, 0, 110, 100)), ("E01000002", (110, 0, 180, 100))])
    out = measure_shift(points, DETAILED, coarse, regions).set_index("region")
    # inside detailed: 50 (A), 105, 108, 150 (B); 250 is outside both and the blank row has no point
    assert out.loc["North", "postcodes"] == 1 and out.loc["North", "changed"] == 0
    assert out.loc["South", "postcodes"] == 3 and out.loc["South", "changed"] == 2
    assert out.loc["All", "changed"] == 2 and out.loc["All", "share_changed"] == pytest.approx(0.5)
    assert out.loc["All", "outside_bsc"] == 0
    text = shift_sentence(out.reset_index())
    assert "South 2 of 3 (66.7%)" in text and "overall 2 of 4 (50.0%)" in text


def test_region_of():
    assert region_of("E09000012") == "London"
    assert region_of("E08000008", "Tameside") == "Greater Manchester"
    assert region_of("E08000022", "North Tyneside") == "North Tyneside"
    with pytest.raises(TypeError):
        region_of(None)


# ------------------------------------------------------------------------------------------ real data
def test_every_english_lsoa_has_a_boundary_from_the_best_set(official):
    from ccdata.geo import build

    table = build.table("boundaries_lsoa21", "official")
    geo = build.table("lsoa21_geography", "official")
    english = set(geo.loc[geo["lsoa21_code"].str.startswith("E"), "lsoa21_code"])
    assert len(english) == 33755
    assert english <= set(table["lsoa21_code"])
    kinds = table.set_index("lsoa21_code")["generalisation"]
    lad = geo.set_index("lsoa21_code")["lad24_code"]
    assert set(kinds[lad[lad == "E09000012"].index]) == {"BGC"}  # Hackney: London's BGC file
    assert set(kinds[lad[lad == "E06000001"].index]) == {"BSC"}  # Hartlepool: no regional file
    assert build.provenance("boundaries_lsoa21", "official")["notes"]["generalisation"]["BGC"] == int(
        (kinds == "BGC").sum())


def test_the_postcode_shift_is_measured_on_the_three_regions(official):
    from ccdata.geo import build

    shift = build.table("lsoa21_boundary_shift", "official").set_index("region")
    assert {"London", "Greater Manchester", "North Tyneside", "All"} <= set(shift.index)
    assert shift.loc["All", "postcodes"] == shift.drop("All")["postcodes"].sum()
    assert (shift["postcodes"] > 1000).all()
    assert ((shift["share_changed"] > 0) & (shift["share_changed"] < 0.5)).all()
