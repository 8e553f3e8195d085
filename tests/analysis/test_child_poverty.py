"""Children in low income families for any footprint: hand-built wards whose answers are known."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import child_poverty as cp

# Census TS007A bands of four LSOAs. Children under 16 = 0-14 + 15-19 / 5:
# L1: 10 + 10 + 10 + 10/5 = 32; L2: 20 + 20 + 20 + 20/5 = 64; L3: 5 + 5 + 5 + 25/5 = 20; L4: 40
CENSUS = pd.DataFrame({
    "lsoa21_code": ["E01000001", "E01000002", "E01000003", "E01000004"],
    "aged_4_years_and_under": [10, 20, 5, 10], "aged_5_to_9_years": [10, 20, 5, 10],
    "aged_10_to_14_years": [10, 20, 5, 15], "aged_15_to_19_years": [10, 20, 25, 25]})
LOOKUP = pd.DataFrame({"lsoa21_code": ["E01000001", "E01000002", "E01000003", "E01000004"],
                       "ward24_code": ["E05000001", "E05000001", "E05000002", "E05000002"]})
# W1: 31 children, 32.2916...% -> implied population 31 / 0.3229166 = 96.0
# W2: FYE 2024 12 of 60 (20.0%); FYE 2025 suppressed ([x] read as missing)
WARDS = pd.DataFrame({"ward24_code": ["E05000001", "E05000002"], "ward24_name": ["Northside", "Southside"],
                      "children_fye2024": pd.array([31, 12], dtype="Int64"),
                      "children_fye2025": pd.array([30, None], dtype="Int64"),
                      "pct_fye2024": pd.array([100 * 31 / 96, 20.0], dtype="Float64"),
                      "pct_fye2025": pd.array([31.25, 25.0], dtype="Float64")})


def test_children_under16_from_bands():
    got = cp.children_under16(CENSUS)
    assert got.to_dict() == {"E01000001": 32.0, "E01000002": 64.0, "E01000003": 20.0, "E01000004": 40.0}


def test_children_under16_prefers_single_years():
    single = pd.DataFrame({"lsoa21_code": ["E01000001"], "aged_under_1_year": [1],
                           **{f"aged_{a}_years": [1] for a in range(1, 20)}})
    assert cp.children_under16(single).tolist() == [16.0]


def test_children_under16_rejects_a_table_without_ages():
    with pytest.raises(ValueError, match="neither single years"):
        cp.children_under16(CENSUS[["lsoa21_code", "aged_5_to_9_years"]])


def test_implied_population_and_suppression_on_both_sides():
    out = cp.implied_population(WARDS).set_index("ward24_code")
    assert out.loc["E05000001", "population_under16_fye2024"] == 96
    assert out.loc["E05000001", "population_under16_fye2025"] == 96  # 30 / 0.3125
    assert out.loc["E05000002", "population_under16_fye2024"] == 60
    # a suppressed count leaves the population missing too
    assert pd.isna(out.loc["E05000002", "children_fye2025"])
    assert pd.isna(out.loc["E05000002", "population_under16_fye2025"])


def test_shares_are_whole_numbers_by_largest_remainder_and_re_add_to_each_ward():
    shares = cp.share_to_lsoas(WARDS, LOOKUP, cp.children_under16(CENSUS)).set_index("lsoa21_code")
    # W1 count 31 shared 32:64 -> 10.33, 20.67 -> 10 + 20 and the spare unit to the larger remainder (L2)
    assert shares.loc["E01000001", "children_fye2024"] == 10
    assert shares.loc["E01000002", "children_fye2024"] == 21
    assert shares.loc["E01000001", "population_under16_fye2024"] == 32
    assert shares.loc["E01000002", "population_under16_fye2024"] == 64
    # W2 FYE 2024: 12 shared 20:40 -> 4, 8; population 60 -> 20, 40
    assert shares.loc["E01000003", "children_fye2024"] == 4 and shares.loc["E01000004", "children_fye2024"] == 8
    assert shares.loc["E01000003", "population_under16_fye2024"] == 20
    # W2 FYE 2025 is suppressed: no shares for either side
    assert shares.loc[["E01000003", "E01000004"], "children_fye2025"].isna().all()
    assert shares.loc[["E01000003", "E01000004"], "population_under16_fye2025"].isna().all()
    for col in [c for c in shares.columns if c.startswith(("children_", "population_"))]:
        assert pd.api.types.is_integer_dtype(shares[col]), col
    sums = shares.groupby("ward24_code")[["children_fye2024", "population_under16_fye2024"]].sum()
    assert sums.loc["E05000001"].tolist() == [31, 96] and sums.loc["E05000002"].tolist() == [12, 60]


def test_idaci_weighting_shares_the_count_but_not_the_population():
    idaci = pd.Series({"E01000001": 0.5, "E01000002": 0.125, "E01000003": 0.2, "E01000004": 0.2})
    shares = cp.share_to_lsoas(WARDS, LOOKUP, cp.children_under16(CENSUS), idaci).set_index("lsoa21_code")
    # W1 weights 32 * 0.5 = 16 and 64 * 0.125 = 8: 31 -> 20.67, 10.33 -> 21, 10
    assert shares.loc["E01000001", "children_fye2024"] == 21 and shares.loc["E01000002", "children_fye2024"] == 10
    assert shares.loc["E01000001", "population_under16_fye2024"] == 32
    assert set(shares["weighting"]) == {"children_idaci"}


def test_a_place_of_whole_wards_gets_the_published_figures():
    place, by_ward = cp.place_figures(WARDS, LOOKUP, ["E01000001", "E01000002"], cp.children_under16(CENSUS))
    p = place.set_index("year")
    assert p.loc["fye2024", "method"] == cp.PUBLISHED
    assert (p.loc["fye2024", "children"], p.loc["fye2024", "population_under16"]) == (31, 96)
    assert (p.loc["fye2025", "children"], p.loc["fye2025", "population_under16"]) == (30, 96)
    assert p.loc["fye2025", "pct"] == pytest.approx(31.25)
    assert by_ward["whole"].all() and by_ward["ward24_name"].tolist() == ["Northside"]


def test_a_part_ward_place_is_an_estimate_and_a_suppressed_ward_makes_it_unknown():
    place, by_ward = cp.place_figures(WARDS, LOOKUP, ["E01000002", "E01000003"], cp.children_under16(CENSUS))
    p = place.set_index("year")
    assert (p.loc["fye2024", "method"], p.loc["fye2024", "weighting"]) == (cp.ESTIMATE, "children")
    # L2's 21 of 64 plus L3's 4 of 20
    assert (p.loc["fye2024", "children"], p.loc["fye2024", "population_under16"]) == (25, 84)
    assert pd.isna(p.loc["fye2025", "children"]) and pd.isna(p.loc["fye2025", "population_under16"])
    assert "Southside" in p.loc["fye2025", "status"]
    w = by_ward.set_index("ward24_code")
    assert w.loc["E05000001", "lsoas_in_place"] == 1 and w.loc["E05000001", "lsoas_in_ward"] == 2
    assert w.loc["E05000001", "children_fye2024"] == 31  # the ward's own published figure
    assert w.loc["E05000001", "place_children_fye2024"] == 21
    assert not w["whole"].any()


def test_place_figures_reject_an_lsoa_without_a_ward():
    with pytest.raises(ValueError, match="no May 2024 ward"):
        cp.place_figures(WARDS, LOOKUP, ["E01009999"], cp.children_under16(CENSUS))


def test_share_rejects_missing_children_and_double_wards():
    with pytest.raises(ValueError, match="no children under 16"):
        cp.share_to_lsoas(WARDS, LOOKUP, cp.children_under16(CENSUS).drop("E01000004"))
    with pytest.raises(ValueError, match="more than one ward"):
        cp.share_to_lsoas(WARDS, pd.concat([LOOKUP, LOOKUP.iloc[[0]].assign(ward24_code="E05000002")]),
                          cp.children_under16(CENSUS))


def test_area_figures_leave_suppressed_authorities_out_of_both_sides_for_england():
    la = pd.DataFrame({"lad24_code": ["E09000001", "E09000002", "W06000001"],
                       "children_fye2024": pd.array([100, None, 50], dtype="Int64"),
                       "children_fye2025": pd.array([110, 40, 50], dtype="Int64"),
                       "pct_fye2024": pd.array([25.0, 20.0, 10.0], dtype="Float64"),
                       "pct_fye2025": pd.array([27.5, 20.0, 10.0], dtype="Float64")})
    one, england = cp.area_figures(la, "E09000002")
    one, england = one.set_index("year"), england.set_index("year")
    assert one.loc["fye2024", "status"] != "ok" and pd.isna(one.loc["fye2024", "children"])
    assert (one.loc["fye2025", "children"], one.loc["fye2025", "population_under16"]) == (40, 200)
    # 2024: only E09000001 (Wales left out): 100 of 400; 2025: 150 of 600
    assert (england.loc["fye2024", "children"], england.loc["fye2024", "population_under16"]) == (100, 400)
    assert "1 authority" in england.loc["fye2024", "note"]
    assert (england.loc["fye2025", "children"], england.loc["fye2025", "population_under16"]) == (150, 600)


# --------------------------------------------------------------------------- real data
HACKNEY, TAMESIDE, NORTH_TYNESIDE = "E09000012", "E08000008", "E08000022"


def _raw_wards(mirror_dir) -> dict[str, dict]:
    """The DWP ward table read with the csv module: code -> counts and percentages (None if suppressed)."""
    import csv

    path = mirror_dir / "low_income_families/dwp_cilif_fye2025/4_AHC_Relative_Ward.csv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    head = next(i for i, r in enumerate(rows) if "Area Code" in r)

    def num(text, pct=False):
        text = text.strip().rstrip("%").replace(",", "")
        try:
            return float(text) if pct else int(text)
        except ValueError:
            return None
    out = {}
    for r in rows[head + 1:]:
        if len(r) > 7 and r[3].startswith("E05"):
            out[r[3]] = {"lad": r[1], "name": r[2], "fye2024": num(r[4]), "fye2025": num(r[5]),
                         "pct_fye2024": num(r[6], True), "pct_fye2025": num(r[7], True)}
    return out


@pytest.mark.realdata
def test_estimates_for_every_lsoa_of_three_authorities_re_add_to_each_ward(official, mirror_dir):
    from ccdata.geo import build

    raw = _raw_wards(mirror_dir)
    geo = build.table("lsoa21_geography")
    children = cp.children_under16(build.table("census21_ts007a"))
    wards = build.table("dwp_cilif_ward")
    for lad in (HACKNEY, TAMESIDE, NORTH_TYNESIDE):
        lookup = geo.loc[geo["lad24_code"] == lad, ["lsoa21_code", "ward24_code"]]
        shares = cp.share_to_lsoas(wards[wards["lad24_code"] == lad], lookup, children)
        assert set(shares["lsoa21_code"]) == set(lookup["lsoa21_code"])
        ward_codes = {c for c, r in raw.items() if r["lad"] == lad}
        assert set(shares["ward24_code"]) == ward_codes, lad  # every ward has LSOAs
        for year in ("fye2024", "fye2025"):
            assert pd.api.types.is_integer_dtype(shares[f"children_{year}"])
            assert shares[f"children_{year}"].notna().all() and (shares[f"children_{year}"] >= 0).all()
            sums = shares.groupby("ward24_code")[[f"children_{year}", f"population_under16_{year}"]].sum()
            for code in ward_codes:
                published = raw[code][year]
                assert sums.loc[code, f"children_{year}"] == published, (code, year)
                # the implied population, rounded to a whole child, re-adds too
                implied = round(published / (raw[code][f"pct_{year}"] / 100))
                assert sums.loc[code, f"population_under16_{year}"] == implied, (code, year)


@pytest.mark.realdata
def test_a_place_of_whole_may_2024_wards_gets_the_published_figures(official, mirror_dir, tmp_path, monkeypatch):
    import ccdata

    raw = _raw_wards(mirror_dir)
    chosen = [c for c, r in raw.items() if r["lad"] == NORTH_TYNESIDE and r["name"].startswith("Wallsend")]
    assert len(chosen) == 2  # Wallsend Central, Wallsend North
    places = tmp_path / "places.yaml"
    places.write_text(
        "wards-test:\n  name: Two Wallsend wards\n  collection: official\n"
        "  local_authority: {code: E08000022, name: North Tyneside, vintage: 2024}\n"
        f"  footprint:\n    wards:\n      vintage: 2024\n      codes: [{', '.join(chosen)}]\n", encoding="utf-8")
    monkeypatch.setenv("CCDATA_PLACES", str(places))
    result = cp.for_place(ccdata.place("wards-test"))
    figures = result["place"].set_index("year")
    for year in ("fye2024", "fye2025"):
        assert figures.loc[year, "method"] == cp.PUBLISHED
        assert figures.loc[year, "children"] == sum(raw[c][year] for c in chosen)
        implied = sum(round(raw[c][year] / (raw[c][f"pct_{year}"] / 100)) for c in chosen)
        assert figures.loc[year, "population_under16"] == implied
    assert result["weighting"] == ""
    assert set(result["by_ward"]["ward24_code"]) == set(chosen) and result["by_ward"]["whole"].all()


# --------------------------------------------------------------------------- the demo's estimate path
def test_demo_estate_is_an_estimate_named_with_its_wards(demo_data):
    import csv
    import io

    import ccdata
    from ccdata import config
    from ccdata.views import dashboard
    from ccdata.io.fetch import raw_files

    place = ccdata.place("demo-estate")
    text = raw_files("dwp_cilif_ward", config.DEMO)[0].read_bytes().decode("utf-8-sig")
    raw = {r[3]: r for r in csv.reader(io.StringIO(text)) if len(r) > 7 and r[3].startswith("E05")}
    result = cp.for_place(place)
    by_ward = result["by_ward"].set_index("ward24_code")
    assert set(by_ward.index) == {"E05900001", "E05900005"} and not by_ward["whole"].any()
    figures = result["place"].set_index("year")
    assert (figures["method"] == cp.ESTIMATE).all()
    for year, col in (("fye2024", 4), ("fye2025", 5)):
        # the place's figure is the sum of its parts of each ward, and each part is within its ward
        assert figures.loc[year, "children"] == by_ward[f"place_children_{year}"].sum()
        for code, rec in by_ward.iterrows():
            published = int(raw[code][col].replace(",", ""))
            assert rec[f"children_{year}"] == published
            assert 0 < rec[f"place_children_{year}"] < published
    html = "".join(b.html for b in dashboard.low_income_section(place))
    assert "This is an estimate" in html and "Harbour" in html and "Westfield" in html
    assert f">{figures.loc['fye2025', 'children']:,}</td>" in html


def test_the_indicator_table_carries_the_estimate_for_a_part_ward_place(demo_data):
    # the dashboard's indicator table and the low-income section must give one figure
    import ccdata
    from ccdata.analysis import indicators

    place = ccdata.place("demo-estate")
    figures = cp.for_place(place)["place"].set_index("year")
    table = indicators.compute(place)
    row = table[(table["indicator"] == "children_low_income") & (table["area"] == "place")].iloc[0]
    assert row["status"] == "ok"
    assert row["numerator"] == figures.loc["fye2025", "children"]
    assert row["denominator"] == figures.loc["fye2025", "population_under16"]
    assert "estimate" in row["note"]


def test_a_ward_dwp_does_not_publish_keeps_its_ons_name():
    # City of London: a ward of the ONS lookup with no row in the DWP table
    lookup = LOOKUP.assign(ward24_name=["Northside", "Northside", "Southside", "Southside"])
    place, by_ward = cp.place_figures(WARDS.iloc[:1], lookup, ["E01000002", "E01000003"],
                                      cp.children_under16(CENSUS))
    assert by_ward.set_index("ward24_code")["ward24_name"].to_dict() == {"E05000001": "Northside",
                                                                        "E05000002": "Southside"}
    # without names in the lookup the ward's name is missing (the page then shows its code)
    _, bare = cp.place_figures(WARDS.iloc[:1], LOOKUP, ["E01000002", "E01000003"], cp.children_under16(CENSUS))
    assert pd.isna(bare.set_index("ward24_code").loc["E05000002", "ward24_name"])


def test_a_ward_without_children_is_shared_equally_and_a_ward_without_figures_stays_missing():
    children = pd.Series({"E01000001": 0.0, "E01000002": 0.0, "E01000003": 20.0, "E01000004": 40.0})
    wards = WARDS[WARDS["ward24_code"] == "E05000001"]  # W2 has no published row
    shares = cp.share_to_lsoas(wards, LOOKUP, children)
    # W1: no children in either LSOA -> 31 shared 1:1 -> 15.5 each; the tie goes to the first code
    assert shares["lsoa21_code"].tolist() == ["E01000001", "E01000002", "E01000003", "E01000004"]
    assert shares["children_fye2024"].tolist()[:2] == [16, 15]
    assert shares["weighting"].tolist() == ["equal", "equal", "children", "children"]
    assert shares.loc[2:, ["children_fye2024", "population_under16_fye2025"]].isna().all().all()
    assert shares.attrs["unshared"] == ["E05000002"]
    assert [str(shares[c].dtype) for c in shares.columns[2:-1]] == ["Int64"] * 4


def test_an_estimates_percentage_is_computed_before_its_counts_are_rounded():
    place, _ = cp.place_figures(WARDS, LOOKUP, ["E01000002", "E01000003"], cp.children_under16(CENSUS))
    p = place.set_index("year")
    # by hand, FYE 2024: Northside 31 children of 96 shared 32:64, so L2 takes 31 x 2/3 = 20.667 of 64;
    # Southside 12 of 60 shared 20:40, so L3 takes 4 of 20. (20.667 + 4) / (64 + 20) = 29.37%, not the
    # 25 / 84 = 29.76% of the rounded counts shown beside it
    assert (p.loc["fye2024", "children"], p.loc["fye2024", "population_under16"]) == (25, 84)
    assert p.loc["fye2024", "pct"] == pytest.approx(100 * (31 * 2 / 3 + 4) / 84)
    assert round(p.loc["fye2024", "pct"], 1) == 29.4


def test_a_place_inside_one_ward_takes_the_wards_published_percentage():
    idaci = pd.Series({"E01000001": 0.5, "E01000002": 0.125, "E01000003": 0.2, "E01000004": 0.2})
    place, by_ward = cp.place_figures(WARDS, LOOKUP, ["E01000001"], cp.children_under16(CENSUS), idaci)
    p = place.set_index("year")
    assert p.loc["fye2025", "method"] == cp.ESTIMATE and len(by_ward) == 1
    # the published 31.25%, not 10 of 32 rounded children; shared by children alone, not by IDACI
    assert p.loc["fye2025", "pct"] == 31.25
    assert p.loc["fye2025", "weighting"] == "children"
    assert p.loc["fye2024", "pct"] == pytest.approx(100 * 31 / 96)
