"""Census comparators: published LA and England tables where they exist, else sums; whole numbers."""
from __future__ import annotations

import csv
import gzip
import io
import warnings

import pandas as pd
import pytest
import yaml
from helpers.census import census_published_rows, census_raw_rows

import ccdata
from ccdata import config
from ccdata.analysis import indicators, profile
from ccdata.analysis.profile import comparator_rows

DEMO_LAD = "E06900001"


# --------------------------------------------------------------------------- pure function
def _geo():
    # A: unchanged; M: two 2022 authorities merged; S and T: one 2022 authority split
    rows = [("E01000001", "A", "Alpha"), ("E01000002", "A", "Alpha"), ("E01000003", "M", "Merged"),
            ("E01000004", "M", "Merged"), ("E01000005", "S", "South"), ("E01000006", "T", "Tee")]
    geo = pd.DataFrame(rows, columns=["lsoa21_code", "lad24_code", "lad24_name"])
    lad22 = pd.Series(["A", "A", "M1", "M2", "S22", "S22"], index=geo["lsoa21_code"])
    lsoa = pd.DataFrame({"lsoa21_code": geo["lsoa21_code"], "lsoa21_name": list("abcdef"),
                         "total": pd.array([10, 20, 30, 40, 50, 60], dtype="Int64"),
                         "yes": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64")})
    ltla = pd.DataFrame({"ltla21_code": ["A", "M1", "M2", "S22"], "ltla21_name": ["Alpha", "Em one", "Em two", "Ess"],
                         "total": pd.array([31, 29, 41, 111], dtype="Int64"),
                         "yes": pd.array([4, 2, 5, 12], dtype="Int64")})
    country = pd.DataFrame({"ctry21_code": ["E92000001", "K04000001"], "ctry21_name": ["England", "E and W"],
                            "total": pd.array([209, 999], dtype="Int64"), "yes": pd.array([20, 99], dtype="Int64")})
    return geo, lad22, lsoa, ltla, country


def _rows(frame):
    return {(r.area_code, r.category): r for r in frame.itertuples()}


def test_published_combined_and_summed_by_hand():
    geo, lad22, lsoa, ltla, country = _geo()
    out = comparator_rows("census21_tsx", lsoa, geo, lad22, ltla, country)
    rows = _rows(out)
    # unchanged authority: its published row, not the LSOA sum (30, 3)
    assert (rows[("A", "total")].count, rows[("A", "yes")].count) == (31, 4)
    assert rows[("A", "total")].method == "published" and "as published by ONS" in rows[("A", "total")].note
    # merged: published M1 + M2 = 29 + 41, 2 + 5
    assert (rows[("M", "total")].count, rows[("M", "yes")].count) == (70, 7)
    assert rows[("M", "yes")].method == "published, combined"
    assert "Em one and Em two" in rows[("M", "yes")].note
    # split: each part is the sum of its LSOAs, with the reason
    assert (rows[("S", "total")].count, rows[("T", "yes")].count) == (50, 6)
    assert rows[("S", "total")].method == "sum of LSOAs" and "not made of whole authorities" in rows[("S", "total")].note
    # England: the published country row
    assert (rows[("E92000001", "total")].count, rows[("E92000001", "yes")].count) == (209, 20)
    assert rows[("A", "total")].n_lsoas == 2
    assert str(out["count"].dtype) == "Int64"


def test_without_published_tables_everything_is_summed():
    geo, lad22, lsoa, _, _ = _geo()
    rows = _rows(comparator_rows("census21_tsx", lsoa, geo, lad22))
    assert rows[("A", "total")].count == 30 and rows[("E92000001", "yes")].count == 21
    assert {r.method for r in rows.values()} == {"sum of LSOAs"}
    assert "not available here" in rows[("A", "total")].note


def test_without_the_2022_lookup_codes_are_matched_as_they_are():
    geo, _, lsoa, ltla, country = _geo()
    rows = _rows(comparator_rows("census21_tsx", lsoa, geo, None, ltla, country))
    assert rows[("A", "total")].count == 31
    assert rows[("M", "total")].method == "sum of LSOAs" and rows[("M", "total")].count == 70  # 30 + 40
    assert rows[("A", "total")].method == "published"


def test_bad_input_is_named():
    geo, _, lsoa, _, _ = _geo()
    with pytest.raises(ValueError, match="lsoa21_code"):
        comparator_rows("x", lsoa.drop(columns=["lsoa21_code"]), geo)
    with pytest.raises(ValueError, match="lad24_code"):
        comparator_rows("x", lsoa, geo.drop(columns=["lad24_code"]))


# --------------------------------------------------------------------------- demo place
TS054_LEAVES = ["Owned", "Shared ownership", "Social rented", "Private rented", "Lives rent free"]


def test_demo_la_and_england_are_the_published_files(demo_data):
    p = ccdata.place("demo")
    sums = p.census("ts054", area="all").set_index("area")
    la = census_published_rows("census21_ts054_ltla", config.DEMO)[DEMO_LAD]
    england = census_published_rows("census21_ts054_ctry", config.DEMO)["E92900001"]
    labels = sums.attrs["labels"]
    for col in [c for c in sums.columns if c in labels]:
        head = next(h for h in la if h != "geography code" and h.split(": ", 1)[-1] == labels[col])
        assert sums.loc["la", col] == int(la[head]), col
        assert sums.loc["england", col] == int(england[head]), col
    rows = census_raw_rows("census21_ts054", config.DEMO)
    total = next(c for c in rows[0] if ": Total" in c)
    assert sums.loc["place", "total"] == sum(int(r[total]) for r in rows if r["geography code"] in set(p.lsoa21))
    assert (sums.loc["la", "method"], sums.loc["england", "method"]) == ("published", "published")
    assert "as published by ONS" in sums.loc["la", "note"]


def test_comparator_table_is_built_once_and_read_per_place(demo_data):
    from ccdata.geo import build

    comp = build.table("census_comparators", config.DEMO)
    assert set(comp.columns) == set(profile.COMPARATOR_COLUMNS)
    assert str(comp["count"].dtype) == "Int64"
    # every Census LSOA table of the demo has a row per authority and one for England
    assert set(comp["dataset"]) >= {"census21_ts007a", "census21_ts054", "census21_ts011", "census21_ts045"}
    per = comp.drop_duplicates(["dataset", "area_code"]).groupby("dataset").size()
    assert (per == 5).all()  # four authorities and England


def _float_count_columns(frame: pd.DataFrame, columns) -> list[str]:
    return [c for c in columns if c in frame.columns and pd.api.types.is_float_dtype(frame[c])]


def test_count_columns_are_whole_numbers_never_floats(demo_data):
    p = ccdata.place("demo")
    ind = indicators.compute(p)
    assert _float_count_columns(ind, indicators.COUNT_COLUMNS) == []
    assert all(str(ind[c].dtype) == "Int64" for c in indicators.COUNT_COLUMNS)
    assert _float_count_columns(indicators.wide(ind), ["Numerator", "Denominator"]) == []
    for dataset in profile.TOPICS:
        comp = profile.composition(p, dataset)
        assert _float_count_columns(comp, ["count", "total"]) == [], dataset
        sums = p.census(dataset, area="all")
        counts = [c for c in sums.columns if c not in ("area", "area_name", "method", "note")]
        assert _float_count_columns(sums, counts) == [], dataset
    assert _float_count_columns(profile.children(p), ["children", "residents"]) == []
    assert _float_count_columns(profile.children_single_year(p), ["children", "residents"]) == []
    # the printed form of a count has no ".0"
    assert ".0" not in ind["numerator"].astype(str).str.cat()


def _lone_parent_view(rows: list[dict], label: str) -> str:
    """A Nomis table view holding one TS003 category and no total (like the mirror's)."""
    lines = ["TS003 - Household composition,,", "ONS Crown Copyright Reserved [from Nomis on 25 June 2024],,",
             "Population :,All households,", "Units      :,Households,",
             "Household composition:,Single family household: Lone parent family,", ",,",
             "2021 super output area - lower layer,2021,%", ",,"]
    total = next(c for c in rows[0] if ": Total" in c)
    for r in rows:
        n, t = int(r[label]), int(r[total])
        lines.append(f"{r['geography code']} : {r['geography']},{n},{100 * n / t:.1f}")
    lines += [",,", ',"In order to protect against disclosure of personal information, records",',
              ",have been swapped between different geographic areas and counts perturbed,", ",affected.,"]
    return "\n".join(lines) + "\n"


def test_place_names_a_table_view_without_total(demo_data, tmp_path, monkeypatch):
    # The place names its own TS003 download (Demoton's LSOAs only); the base comes from TS054.
    rows = census_raw_rows("census21_ts003", config.DEMO)
    label = next(c for c in rows[0] if c.replace("; measures: Value", "").endswith(
        "Single family household: Lone parent family"))
    lookup = ccdata.place("demo").table("lsoa21_geography")
    demoton = set(lookup.loc[lookup["lad24_code"] == DEMO_LAD, "lsoa21_code"])
    mine = [r for r in rows if r["geography code"] in demoton]
    path = tmp_path / "lone_parents.csv"
    path.write_text(_lone_parent_view(mine, label))
    with open(config.places_file(), encoding="utf-8") as fh:
        defs = yaml.safe_load(fh)
    defs["demo"]["census"] = {"ts003": str(path)}
    places = tmp_path / "places.yaml"
    places.write_text(yaml.safe_dump(defs))
    monkeypatch.setenv("CCDATA_PLACES", str(places))
    p = ccdata.place("demo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sums = p.census("ts003", area="all").set_index("area")
    assert sums.attrs["total_from"] == "census21_ts054"
    assert "tenure" in sums.attrs["total_note"]
    ts054 = census_raw_rows("census21_ts054", config.DEMO)
    t054 = next(c for c in ts054[0] if ": Total" in c)
    place = set(p.lsoa21)
    assert sums.loc["place", "single_family_household_lone_parent_family"] == sum(
        int(r[label]) for r in mine if r["geography code"] in place)
    assert sums.loc["place", "total"] == sum(int(r[t054]) for r in ts054 if r["geography code"] in place)
    # the LA: the file covers every Demoton LSOA, so its sum; the base is TS054's published LA total
    assert sums.loc["la", "single_family_household_lone_parent_family"] == sum(int(r[label]) for r in mine)
    published = census_published_rows("census21_ts054_ltla", config.DEMO)[DEMO_LAD]
    assert sums.loc["la", "total"] == int(published[t054])
    # England: the file does not cover it, so it is not available, and says why
    assert pd.isna(sums.loc["england", "single_family_household_lone_parent_family"])
    assert "not available" in sums.loc["england", "note"]
    ind = indicators.compute(p, [i for i in indicators.definitions() if i.id == "lone_parent_families"])
    ind = ind.set_index("area")
    assert ind.loc["place", "status"] == "ok"
    assert ind.loc["place", "value"] == pytest.approx(
        100 * sums.loc["place", "single_family_household_lone_parent_family"] / sums.loc["place", "total"])
    assert "not available" in ind.loc["england", "status"]
    assert "tenure" in indicators.wide(ind.reset_index())["Data note"].iloc[0]


# --------------------------------------------------------------------------- real places
def _published(mirror_dir, table: str, level: str) -> dict[str, dict]:
    path = mirror_dir / "census" / f"census2021_{level}" / f"census2021-{table}-{level}.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    return {r["geography code"]: r for r in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def real_places(official_data_dir):
    from helpers.folders import data_dir_env

    with data_dir_env(official_data_dir), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield {pid: ccdata.place(pid) for pid in ("pembury", "smallshaw-hurst", "wallsend")}


def test_hackney_ts054_la_row_equals_published_ltla_cell_for_cell(official, mirror_dir, real_places):
    hackney = _published(mirror_dir, "ts054", "ltla")["E09000012"]
    england = _published(mirror_dir, "ts054", "ctry")["E92000001"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sums = real_places["pembury"].census("ts054", area="all").set_index("area")
    labels = sums.attrs["labels"]
    heads = [h for h in hackney if h.startswith("Tenure of household: ")]
    assert len(heads) == 13
    for head in heads:
        col = next(c for c, lab in labels.items() if "Tenure of household: " + lab == head)
        assert sums.loc["la", col] == int(hackney[head]), head
        assert sums.loc["england", col] == int(england[head]), head
    assert sums.loc["la", "total"] == 106_081 and sums.loc["england", "total"] == 23_436_085
    assert sums.loc["la", "method"] == "published"


def test_authority_formed_in_2023_is_the_sum_of_the_published_former_ones(official, mirror_dir):
    from ccdata.geo import build

    comp = build.table("census_comparators", config.OFFICIAL)
    cumberland = comp[(comp["dataset"] == "census21_ts045") & (comp["area_code"] == "E06000063")]
    ltla = _published(mirror_dir, "ts045", "ltla")
    former = [r for r in ltla.values() if r["geography"] in ("Allerdale", "Carlisle", "Copeland")]
    assert len(former) == 3
    head = "Number of cars or vans: No cars or vans in household"
    got = cumberland.set_index("category").loc["no_cars_or_vans_in_household", "count"]
    assert got == sum(int(r[head]) for r in former)
    assert set(cumberland["method"]) == {"published, combined"}


@pytest.mark.parametrize("place_id", ["pembury", "smallshaw-hurst", "wallsend"])
def test_real_dashboards_show_tenure_car_and_household_deprivation(official, real_places, place_id):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = indicators.compute(real_places[place_id])
    wanted = ["social_rented", "private_rented", "no_car", "households_deprived", "routine_occupations",
              "lone_parent_families"]
    sub = frame[frame["indicator"].isin(wanted)].set_index(["indicator", "area"])
    for ind in wanted:
        for area in ("place", "la", "england"):
            row = sub.loc[(ind, area)]
            assert row["status"] == "ok", (ind, area, row["status"])
            assert 0 < row["numerator"] < row["denominator"]
            assert row["value"] == pytest.approx(100 * row["numerator"] / row["denominator"])
    assert _float_count_columns(frame, indicators.COUNT_COLUMNS) == []
    # tenure, cars and NS-SeC for the LA and England come from the published tables
    assert set(sub.loc[(["social_rented", "no_car"], ["la", "england"]), "method"]) == {"published"}
    england = sub.loc[("social_rented", "england")]
    assert (england["numerator"], england["denominator"]) == (4_005_663, 23_436_085)
