"""Postcode normalisation, Code-Point Open reading and point-in-LSOA location."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from ccdata.geo import geocode
from ccdata.errors import ValidationError
from ccdata.io import postcodes
from helpers.geocoding import X0, Y0, make_codepoint_zip

@pytest.fixture
def tiny_zip(tmp_path) -> Path:
    return make_codepoint_zip(tmp_path / "codepo_gb.zip", {
        "dm": [("DM1 1AA", 10, X0 + 500, Y0 + 500, "E06900001", "E05900001"),
               ("DM1 1AB", 10, X0 + 1500, Y0 + 500, "E06900001", "E05900001"),
               ("DM12 3CD", 10, X0 + 500, Y0 + 1500, "E06900001", "E05900002"),
               ("DM1 9ZZ", 90, 0, 0, "", "")],
        "zz": [("ZZ9 9ZZ", 10, 100, 100, "E06900002", "E05900009")],
    })


@pytest.mark.parametrize("typed, expected", [
    ("dm11aa", "DM1 1AA"), ("  dm1   1aa ", "DM1 1AA"), ("DM121CD", "DM12 1CD"), ("e8 1fa", "E8 1FA"),
    ("ec1a 1bb", "EC1A 1BB"), ("", None), (None, None), (float("nan"), None),
])
def test_normalise_postcode(typed, expected):
    assert postcodes.normalise_postcode(typed) == expected


@pytest.mark.parametrize("value, ok", [
    ("DM1 1AA", True), ("EC1A 1BB", True), ("NE28 6AB", True), ("W1A 0AX", True),
    ("DM1", False), ("1AA DM1", False), ("DMM1 1AA", False), ("DM1 1A", False), ("DM1 AAA", False),
])
def test_is_postcode(value, ok):
    assert postcodes.is_postcode(value) is ok


def test_postcode_points_statuses_and_index(tiny_zip):
    typed = pd.Series(["dm1 1aa", "DM11AB", "not a postcode", "DM1 4XX", None, "DM1 9ZZ"],
                      index=[10, 11, 12, 13, 14, 15])
    out = geocode.postcode_points(typed, "demo", source=tiny_zip)
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    assert list(out["status"]) == ["ok", "ok", "malformed", "not found", "malformed", "not found"]
    assert list(out["postcode"][:2]) == ["DM1 1AA", "DM1 1AB"]
    assert out.at[12, "postcode"] == "NOT A POSTCODE"
    assert (out.at[10, "easting"], out.at[10, "northing"]) == (X0 + 500, Y0 + 500)
    assert (out.at[11, "easting"], out.at[11, "northing"]) == (X0 + 1500, Y0 + 500)
    # listed in Code-Point without coordinates (quality 90): treated as not found, no 0,0 point
    assert pd.isna(out.at[15, "easting"])


def test_postcode_points_reads_only_areas_asked(tiny_zip, monkeypatch):
    asked = []
    real = postcodes.read_areas

    def spy(path, areas=None):
        asked.append(set(areas) if areas is not None else None)
        return real(path, areas)

    monkeypatch.setattr(postcodes, "read_areas", spy)
    geocode.postcode_points(pd.Series(["DM1 1AA", "dm12 3cd", "bad"]), "demo", source=tiny_zip)
    assert asked == [{"DM"}]


def test_read_areas_marks_missing_coordinates(tiny_zip):
    with pytest.warns(Warning, match="no coordinates"):
        frame = postcodes.read_areas(tiny_zip, {"dm"})
    assert frame.attrs["areas_read"] == ["DM"]
    assert len(frame) == 4
    row = frame[frame["postcode"] == "DM1 9ZZ"].iloc[0]
    assert pd.isna(row["easting"]) and pd.isna(row["northing"])
    ex = frame.attrs["exclusions"]
    assert len(ex) == 1 and ex[0]["row"] == 4 and ex[0]["file"].endswith("Data/CSV/dm.csv")


def test_read_areas_reports_bad_rows(tmp_path):
    bad = make_codepoint_zip(tmp_path / "bad.zip", {"dm": [("DM1 1AA", 10, "east", Y0, "E1", "W1")]})
    with pytest.raises(ValidationError) as info:
        postcodes.read_areas(bad, {"DM"})
    assert any(p.row == 1 and p.column == "easting" for p in info.value.problems)


def test_postcode_points_rejects_single_string(tiny_zip):
    with pytest.raises(TypeError):
        geocode.postcode_points("DM1 1AA", "demo", source=tiny_zip)


def test_area_bounds(tiny_zip):
    b = postcodes.area_bounds(tiny_zip).set_index("area")
    assert b.loc["DM", "min_easting"] == X0 + 500 and b.loc["DM", "max_easting"] == X0 + 1500
    assert b.loc["DM", "postcodes"] == 3  # the quality-90 postcode has no point


# ----------------------------------------------------------------------------- locate
@pytest.fixture
def tiny_lsoas():
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001", "E01900002", "E01900003"]},
                             geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
                                       box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000)], crs=27700)
    geo = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002"], "ward24_code": ["E05900001", "E05900001"],
                        "lad24_code": ["E06900001", "E06900001"]})
    return lsoas, geo


def test_locate_places_points_and_gives_reasons(tiny_lsoas):
    lsoas, geo = tiny_lsoas
    frame = pd.DataFrame({"name": list("abcde"),
                          "easting": [X0 + 10, X0 + 1990, X0 + 5000, None, X0 + 500],
                          "northing": [Y0 + 10, Y0 + 990, Y0 + 5000, Y0, Y0 + 1500]}, index=list("vwxyz"))
    out = geocode.locate(frame, "demo", lsoas=lsoas, geography=geo)
    assert list(out.index) == list("vwxyz") and list(out["name"]) == list("abcde")
    assert out.at["v", "lsoa21_code"] == "E01900001" and out.at["v", "ward24_code"] == "E05900001"
    assert out.at["w", "lsoa21_code"] == "E01900002" and out.at["w", "lad24_code"] == "E06900001"
    assert out.at["v", "located"] == "ok"
    assert pd.isna(out.at["x", "lsoa21_code"]) and "outside" in out.at["x", "located"]
    assert out.at["y", "located"] == "no coordinates"
    # in an LSOA that the lookup does not know: LSOA kept, ward missing, reason given
    assert out.at["z", "lsoa21_code"] == "E01900003" and pd.isna(out.at["z", "ward24_code"])
    assert "not in the LSOA-ward lookup" in out.at["z", "located"]


def test_locate_converts_lon_lat(tiny_lsoas):
    from pyproj import Transformer

    lsoas, geo = tiny_lsoas
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(X0 + 1500, Y0 + 500)
    out = geocode.locate(pd.DataFrame({"lon": [lon], "lat": [lat]}), "demo", x="lon", y="lat", crs=4326,
                         lsoas=lsoas, geography=geo)
    assert out.at[0, "lsoa21_code"] == "E01900002"


def test_locate_validates_input(tiny_lsoas):
    lsoas, geo = tiny_lsoas
    with pytest.raises(ValueError, match=r"frame has no column 'easting', 'northing'; it has \['x'\]"):
        geocode.locate(pd.DataFrame({"x": [1]}), "demo", lsoas=lsoas, geography=geo)
    with pytest.raises(ValueError, match=r"geography \(the lsoa21_geography table\) has no column 'ward24_code'"):
        geocode.locate(pd.DataFrame({"easting": [1], "northing": [1]}), "demo", lsoas=lsoas,
                       geography=geo.drop(columns="ward24_code"))
    with pytest.raises(ValueError, match="not numeric"):
        geocode.locate(pd.DataFrame({"easting": ["abc"], "northing": [1]}), "demo", lsoas=lsoas, geography=geo)
    with pytest.raises(TypeError):
        geocode.locate([1, 2], "demo")


# ----------------------------------------------------------------------------- real file
@pytest.mark.realdata
def test_real_codepoint_e8_1fa(mirror_dir):
    zip_path = mirror_dir / "postcodes" / "codepo_gb.zip"
    out = geocode.postcode_points(pd.Series(["e8 1fa", "OL6 9HX", "NE28 6AB", "E8 9ZZ"]), "official",
                                  source=zip_path)
    assert list(out["status"]) == ["ok", "ok", "ok", "not found"]
    # E8 1FA, the Pembury community centre, is at 534733, 185230 in the April 2025 release
    assert (out.at[0, "easting"], out.at[0, "northing"]) == (534733, 185230)


@pytest.mark.realdata
def test_real_geocode_pembury_lsoa(official):
    points = geocode.postcode_points(pd.Series(["E8 1FA"]), "official")
    assert points.at[0, "status"] == "ok"
    located = geocode.locate(points, "official")
    assert located.at[0, "lsoa21_code"] == "E01001758"
    assert located.at[0, "lad24_code"] == "E09000012"
    assert located.at[0, "located"] == "ok"


def test_locate_keeps_rows_apart_when_the_index_repeats(tiny_lsoas):
    lsoas, geo = tiny_lsoas
    # two rows labelled 7 (e.g. frames concatenated without ignore_index), in different LSOAs
    frame = pd.DataFrame({"easting": [X0 + 10, X0 + 1500, None], "northing": [Y0 + 10, Y0 + 500, Y0]},
                         index=[7, 7, 3])
    out = geocode.locate(frame, "demo", lsoas=lsoas, geography=geo)
    assert list(out.index) == [7, 7, 3]
    assert out["lsoa21_code"].tolist()[:2] == ["E01900001", "E01900002"]
    assert out["located"].tolist() == ["ok", "ok", "no coordinates"]
    assert frame.index.tolist() == [7, 7, 3] and "lsoa21_code" not in frame  # the caller's frame is untouched
