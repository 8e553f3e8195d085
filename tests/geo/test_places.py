"""Places: resolving footprints, comparators, accessors and bad definitions."""
from __future__ import annotations

import csv
import gzip
import io
import warnings

import pytest

import ccdata
from ccdata import config
from ccdata.errors import PlaceError
from ccdata.io.fetch import raw_files


def _read_raw_csv(dataset_id: str, collection: str) -> list[dict]:
    """Read a raw CSV with the standard library only (independent of ccdata's loaders)."""
    path = raw_files(dataset_id, collection)[0]
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_demo_place_is_the_lsoas_of_its_wards(demo_data):
    from ccdata.geo.places import definitions

    wards = set(definitions()["demo"]["footprint"]["wards"]["codes"])
    rows = _read_raw_csv("lookup_lsoa21_ward24", config.DEMO)
    expected = sorted(r["LSOA21CD"] for r in rows if r["WD24CD"] in wards)
    p = ccdata.place("demo")
    assert p.lsoa21 == expected
    assert set(p.wards["ward_code"]) == wards
    assert p.fictional and p.collection == config.DEMO
    la_expected = sorted(r["LSOA21CD"] for r in rows if r["LAD24CD"] == p.lad_code)
    la = next(a for a in p.comparators if a.id == "la")
    assert list(la.lsoa21) == la_expected


def test_census_sums_for_place_la_and_england_match_hand_sums(demo_data):
    from helpers.census import census_raw_rows

    p = ccdata.place("demo")
    rows = census_raw_rows("census21_ts007a", config.DEMO)
    total_col = next(c for c in rows[0] if c.startswith("Age: Total"))
    place_total = sum(int(r[total_col]) for r in rows if r["geography code"] in set(p.lsoa21))
    england_sum = sum(int(r[total_col]) for r in rows if r["geography code"].startswith("E"))
    sums = p.census("ts007a", area="all").set_index("area")
    assert sums.loc["place", "total"] == place_total
    assert sums.loc["place", "n_lsoas"] == len(p.lsoa21)
    # ts037 has no published country file in the demo: England is the sum of its LSOAs
    rows37 = census_raw_rows("census21_ts037", config.DEMO)
    total37 = next(c for c in rows37[0] if ": Total" in c)
    sums37 = p.census("ts037", area="all").set_index("area")
    assert sums37.loc["england", "total"] == sum(int(r[total37]) for r in rows37 if r["geography code"].startswith("E"))
    assert sums37.loc["england", "method"] == "sum of LSOAs"
    # ts007a has: England is the published row, which (perturbed) differs from the LSOA sum
    from helpers.census import census_published_rows

    published = census_published_rows("census21_ts007a_ctry", config.DEMO)["E92900001"]
    assert sums.loc["england", "total"] == int(published["Age: Total"]) != england_sum
    assert sums.loc["england", "method"] == "published"


def test_deprivation_rows_are_the_place_lsoas(demo_data):
    p = ccdata.place("demo")
    d25 = p.deprivation("iod2025")
    assert sorted(d25["lsoa21_code"]) == p.lsoa21
    d19 = p.deprivation("iod2019")
    assert set(d19["lsoa21_code"]) == set(p.lsoa21)
    assert d19["method"].notna().all()


def test_boundary_is_union_of_lsoas(demo_data):
    p = ccdata.place("demo")
    lsoas = p.lsoa_boundaries()
    outline = p.boundary()
    assert outline.crs.to_epsg() == 27700
    assert outline.geometry.iloc[0].area == pytest.approx(lsoas.geometry.area.sum(), rel=1e-6)


def _write_places(tmp_path, monkeypatch, text: str):
    path = tmp_path / "places.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(path))


def test_unknown_place_lists_defined_places():
    with pytest.raises(PlaceError, match="unknown place 'atlantis'.*demo"):
        ccdata.place("atlantis")


def test_wards_that_do_not_exist_are_named(demo_data, tmp_path, monkeypatch):
    _write_places(tmp_path, monkeypatch, """
bad:
  name: Bad
  collection: demo
  local_authority: {code: E06900001}
  footprint: {wards: {vintage: 2024, codes: [E05900001, E05999999]}}
""")
    with pytest.raises(PlaceError, match="E05999999"):
        ccdata.place("bad")


def test_lsoa_2011_vintage_is_refused(demo_data, tmp_path, monkeypatch):
    _write_places(tmp_path, monkeypatch, """
old:
  name: Old
  collection: demo
  local_authority: {code: E06900001}
  footprint: {lsoas: {vintage: 2011, codes: [E01900001]}}
""")
    with pytest.raises(PlaceError, match="2021"):
        ccdata.place("old")


def test_unknown_lsoa_and_unknown_la_are_named(demo_data, tmp_path, monkeypatch):
    _write_places(tmp_path, monkeypatch, """
x:
  name: X
  collection: demo
  local_authority: {code: E06900001}
  footprint: {lsoas: {vintage: 2021, codes: [E01999998]}}
y:
  name: Y
  collection: demo
  local_authority: {code: E06000001}
  footprint: {lsoas: {vintage: 2021, codes: [E01999998]}}
""")
    with pytest.raises(PlaceError, match="E01999998"):
        ccdata.place("x")
    with pytest.raises(PlaceError, match="E06000001"):
        ccdata.place("y")


def test_list_places_includes_the_shipped_places():
    table = ccdata.list_places()
    assert {"demo", "pembury", "smallshaw-hurst", "wallsend"} <= set(table["id"])


# ----------------------------------------------------------------------- real places
@pytest.mark.realdata
def test_pembury_is_one_hackney_lsoa(official):
    p = ccdata.place("pembury")
    assert p.lsoa21 == ["E01001758"]
    la = next(a for a in p.comparators if a.id == "la")
    assert len(la.lsoa21) == 149  # Hackney has 149 LSOA 2021 (MANIFEST.md)
    sums = p.census("ts007a", area="place")
    assert 2000 < int(sums["total"].iloc[0]) < 3000  # "about 2,400 residents"


@pytest.mark.realdata
def test_smallshaw_hurst_lsoas_are_in_tameside(official):
    p = ccdata.place("smallshaw-hurst")
    la = next(a for a in p.comparators if a.id == "la")
    assert len(la.lsoa21) == 142  # Tameside has 142 LSOA 2021 (MANIFEST.md)
    assert set(p.lsoa21) <= set(la.lsoa21)


@pytest.mark.realdata
def test_wallsend_pre_2024_wards_by_best_fit(official):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = ccdata.place("wallsend")
    assert set(p.wards["ward_code"]) == {"E05001132", "E05001121", "E05001115", "E05001126"}
    assert set(p.wards["vintage"]) == {"2023"}
    assert "best fit" in p.footprint_method
    la = next(a for a in p.comparators if a.id == "la")
    assert set(p.lsoa21) <= set(la.lsoa21)
    # the assigned LSOAs cover about the same ground as the four wards (best fit, not exact)
    wards = p.table("boundaries_ward23")
    ward_area = wards[wards["ward23_code"].isin(p.wards["ward_code"])].geometry.area.sum()
    lsoa_area = p.lsoa_boundaries().geometry.area.sum()
    assert lsoa_area == pytest.approx(ward_area, rel=0.15)


@pytest.mark.parametrize("footprint, local_authority, message", [
    ("{wards: [E05900001]}", "{code: E06900001}", "footprint wards must be a mapping"),
    ("{lsoas: [E01900001]}", "{code: E06900001}", "footprint lsoas must be a mapping"),
    ("{wards: }", "{code: E06900001}", "footprint wards must be a mapping"),
    ("{polygon: [[0, 0], [1, 0], [1, 1]]}", "{code: E06900001}", "footprint polygon must be a mapping"),
    ("{polygon: {coordinates: [[0, 0], [1], [1, 1]]}}", "{code: E06900001}", r"\[x, y\] pairs of numbers; not \[1\]"),
    ("{wards: {vintage: 2024, codes: E05900001}}", "{code: E06900001}", r"codes must be a list \(\[E05900001\]\)"),
    ("{wards: {vintage: 2024, codes: [E05900001]}}", "E06900001", "local_authority must be a mapping"),
])
def test_malformed_definition_shapes_are_place_errors(demo_data, tmp_path, monkeypatch, footprint,
                                                      local_authority, message):
    # a list or bare value where a mapping belongs used to fail with AttributeError deep inside,
    # and a single ward code without brackets was read character by character
    _write_places(tmp_path, monkeypatch, f"""
odd:
  name: Odd
  collection: demo
  local_authority: {local_authority}
  footprint: {footprint}
""")
    with pytest.raises(PlaceError, match=message):
        ccdata.place("odd")


def test_local_files_given_as_a_list_are_a_place_error(demo_data, tmp_path, monkeypatch):
    _write_places(tmp_path, monkeypatch, """
odd:
  name: Odd
  collection: demo
  local_authority: {code: E06900001}
  footprint: {wards: {vintage: 2024, codes: [E05900001]}}
  local: [raw/demo/local/assets.csv]
""")
    with pytest.raises(PlaceError, match="local must be a mapping"):
        ccdata.place("odd")
