"""Per-process caches (postcode areas, processed tables, per-place results): a cached read
gives what an uncached read gives, whatever was read before it, and a replaced file is
read again."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from ccdata.geo import build, geocode
from ccdata.io import postcodes
from helpers.geocoding import X0, Y0, make_codepoint_zip

A = [("DM1 1AA", 10, X0 + 500, Y0 + 500, "E06900001", "E05900001"),
     ("DM1 1AB", 10, X0 + 1500, Y0 + 500, "E06900001", "E05900001")]
B = [("ZZ9 9ZZ", 10, 100, 200, "E06900002", "E05900009")]


@pytest.fixture
def zip_path(tmp_path):
    postcodes.clear_cache()
    yield make_codepoint_zip(tmp_path / "codepo_gb.zip", {"dm": A, "zz": B})
    postcodes.clear_cache()


def _uncached(path, areas):
    postcodes.clear_cache()
    frame = postcodes.read_areas(path, areas)
    postcodes.clear_cache()
    return frame


def test_areas_read_a_b_a_equal_uncached_reads(zip_path):
    expected = {a: _uncached(zip_path, {a}) for a in ("DM", "ZZ")}
    assert list(expected["DM"]["postcode"]) == ["DM1 1AA", "DM1 1AB"]  # from the rows written above
    assert list(expected["ZZ"]["easting"]) == [100]
    for area in ("DM", "ZZ", "DM"):
        got = postcodes.read_areas(zip_path, {area})
        pd.testing.assert_frame_equal(got, expected[area])
        assert got.attrs["areas_read"] == [area]
    both = postcodes.read_areas(zip_path, {"DM", "ZZ"})  # both from the cache, in area order
    assert list(both["postcode"]) == ["DM1 1AA", "DM1 1AB", "ZZ9 9ZZ"]
    got = postcodes.read_areas(zip_path, {"DM"})
    got.loc[0, "easting"] = -1  # a caller's change never reaches the next reader
    assert postcodes.read_areas(zip_path, {"DM"}).loc[0, "easting"] == X0 + 500


def test_a_replaced_file_is_read_again(zip_path):
    first = geocode.postcode_points(pd.Series(["DM1 1AA"]), "demo", source=zip_path)
    assert first.at[0, "easting"] == X0 + 500
    stat = os.stat(zip_path)
    make_codepoint_zip(zip_path, {"dm": [("DM1 1AA", 10, X0 + 7, Y0 + 7, "E06900001", "E05900001")]})
    os.utime(zip_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later file time
    again = geocode.postcode_points(pd.Series(["DM1 1AA"]), "demo", source=zip_path)
    assert again.at[0, "easting"] == X0 + 7


def test_postcode_points_by_hash_lookup_match_by_hand(zip_path):
    typed = pd.Series(["zz99zz", "DM1 1AB", "DM1 1AC", "nonsense", None], index=[5, 3, 9, 1, 0])
    out = geocode.postcode_points(typed, "demo", source=zip_path)
    assert list(out.index) == [5, 3, 9, 1, 0]
    assert list(out["status"]) == ["ok", "ok", "not found", "malformed", "malformed"]
    assert out.at[5, "easting"] == 100 and out.at[5, "northing"] == 200
    assert out.at[3, "easting"] == X0 + 1500 and out.at[3, "northing"] == Y0 + 500
    assert out[["easting", "northing"]].loc[[9, 1, 0]].isna().all().all()


def test_area_cache_is_bounded_by_rows(zip_path, monkeypatch):
    monkeypatch.setattr(postcodes, "CACHE_ROWS", 2)
    postcodes.read_areas(zip_path, {"DM"})
    postcodes.read_areas(zip_path, {"ZZ"})  # 2 + 1 rows > 2: the older area is dropped
    assert [k[2] for k in postcodes._MEMBERS] == ["Data/CSV/zz.csv"]


def test_processed_table_copy_is_the_callers_own(demo_data):
    first = build.table("lsoa21_geography", "demo")
    code = first.loc[0, "lsoa21_code"]
    first.loc[0, "lsoa21_code"] = "changed"
    first.attrs["table"] = "changed"
    again = build.table("lsoa21_geography", "demo")
    assert again.loc[0, "lsoa21_code"] == code and again.attrs["table"] == "lsoa21_geography"


def test_place_remembers_per_object_and_recomputes_a_changed_place(demo_data):
    import pickle

    import ccdata
    from ccdata.analysis import child_poverty, indicators

    place = ccdata.place("demo")
    calls = []

    def make():
        calls.append(1)
        return pd.DataFrame({"x": [len(place.lsoa21)]})

    first = place.remembered("k", make)
    first.loc[0, "x"] = -1  # the caller's copy
    assert place.remembered("k", make).loc[0, "x"] == len(place.lsoa21) and len(calls) == 1
    place.lsoa21 = place.lsoa21[:-1]  # a changed footprint is computed again
    assert place.remembered("k", make).loc[0, "x"] == len(place.lsoa21) and len(calls) == 2
    assert "_remembered" not in pickle.loads(pickle.dumps(place)).__dict__  # never travels

    # the remembered indicators equal a fresh computation, and another place gets its own
    a, b = ccdata.place("demo"), ccdata.place("demo-estate")
    once = indicators.compute(a)
    pd.testing.assert_frame_equal(indicators.compute(b), indicators._compute(b, indicators.definitions()))
    pd.testing.assert_frame_equal(indicators.compute(a), once)
    pd.testing.assert_frame_equal(once, indicators._compute(ccdata.place("demo"), indicators.definitions()))
    fresh = child_poverty._for_place(ccdata.place("demo-estate"))
    for key, value in child_poverty.for_place(b).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, fresh[key])
        else:
            assert value == fresh[key]


def test_derived_is_made_once_per_table_state_and_again_for_a_rewritten_table(demo_data_dir, tmp_path,
                                                                             use_data_dir):
    import shutil

    use_data_dir(shutil.copytree(demo_data_dir, tmp_path / "data"))
    calls = []

    def first_code(geo):
        calls.append(1)
        return geo["lsoa21_code"].iloc[0]

    code = build.table("lsoa21_geography", "demo")["lsoa21_code"].iloc[0]
    assert build.derived("first code", ["lsoa21_geography"], "demo", first_code) == code
    assert build.derived("first code", ("lsoa21_geography",), "demo", first_code) == code
    assert len(calls) == 1
    path = build._paths("lsoa21_geography", "demo")[0]
    frame = pd.read_parquet(path)
    frame.loc[0, "lsoa21_code"] = "E01999999"
    stat = os.stat(path)
    frame.to_parquet(path, index=False)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later file time
    assert build.derived("first code", "lsoa21_geography", "demo", first_code) == "E01999999"
    assert len(calls) == 2
    with pytest.raises(ValueError, match="non-empty"):
        build.derived("", ["lsoa21_geography"], "demo", first_code)
    with pytest.raises(ValueError, match="names of the processed tables"):
        build.derived("x", [], "demo", first_code)
    with pytest.raises(TypeError, match="callable"):
        build.derived("x", ["lsoa21_geography"], "demo", "not a function")


def test_names_for_codes_are_the_callers_own(demo_data):
    import ccdata
    from ccdata.views import common

    place = ccdata.place("demo")
    geo = build.table("lsoa21_geography", "demo")
    names = common.lsoa21_names(place)
    assert names == dict(zip(geo["lsoa21_code"], geo["lsoa21_name"]))
    names.clear()
    assert len(common.lsoa21_names(place)) == geo["lsoa21_code"].nunique()


def test_remembered_values_are_copies_that_callers_may_change():
    from ccdata.geo.places import _copied

    frame = pd.DataFrame({"x": [1, 2]})
    frame.attrs["notes"] = {"a": [1]}
    value = {"frame": frame, "rows": [frame["x"], "text"], "pair": (1, {"k": [2]})}
    out = _copied(value)
    out["frame"].loc[0, "x"] = 9
    out["frame"].attrs["notes"]["a"].append(2)
    out["rows"][0].iloc[1] = 7
    out["pair"][1]["k"].append(3)
    assert frame["x"].tolist() == [1, 2] and frame.attrs["notes"] == {"a": [1]}
    assert value["pair"] == (1, {"k": [2]}) and value["rows"][1] == "text"


def test_indicator_totals_of_plain_values_match_column_sums():
    import numpy as np

    from ccdata.analysis.indicators import _plain_total

    assert _plain_total([1, 2, 3]) == 6.0
    assert _plain_total([2**53, 1]) == float(2**53 + 1)  # whole numbers are added exactly first
    assert np.isnan(_plain_total([1, pd.NA])) and np.isnan(_plain_total([1.5, float("nan")]))
    floats = [0.1, 0.2, 0.3, 1e16, -1e16, 0.7, 1 / 3, 2 / 3, 5.5]
    assert _plain_total(floats) == float(pd.Series(floats, dtype="float64").sum())
    assert _plain_total([1, 0.5]) == 1.5


def test_comparator_codes_sorted_per_authority_and_england_only():
    from ccdata.geo.places import _comparator_codes

    geo = pd.DataFrame({"lsoa21_code": ["E01000003", "W01000001", "E01000001", "E01000002", "E01000009"],
                        "lad24_code": ["E08000001", "W06000001", "E08000001", "E08000002", None]})
    by_lad, england = _comparator_codes(geo)
    assert by_lad == {"E08000001": ("E01000001", "E01000003"), "W06000001": ("W01000001",),
                      "E08000002": ("E01000002",)}
    assert england == ("E01000001", "E01000002", "E01000003", "E01000009")


def test_postcode_area_of_a_typed_postcode():
    from ccdata.analysis.assets import _postcode_area_of

    assert _postcode_area_of(" ne286ab ") == "NE" and _postcode_area_of("b1 1aa") == "B"
    assert _postcode_area_of("nonsense") is None and _postcode_area_of("") is None
