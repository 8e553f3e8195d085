"""Local authority and England deprivation rows computed on each edition's own LSOAs.

Hand-built tables whose answers are known, the published local authority summaries
(loader), and a real-data check of every English authority against MHCLG's File 10
as reshaped in the mirror (read with the csv module, not with ccdata's loader).
"""
from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from ccdata.analysis import deprivation
from ccdata.io import read

HACKNEY, TAMESIDE, NORTH_TYNESIDE = "E09000012", "E08000008", "E08000022"


def _iod(rows):
    return pd.DataFrame(rows, columns=["lsoa11_code", "lad", "name", "imd_rank", "imd_decile"])


# A country of 5 LSOAs in two 2019 authorities (N_NATIONAL is 32,844 in 2019): ranks
# chosen so that percentiles are known: rank 1 -> 1st (weight 1), rank 3285 ->
# ceil(100 * 3285 / 32844) = 11th (weight 0.95), rank 20000 -> 61st (weight 0).
IOD = _iod([("E01000001", "E07000001", "Oldtown", 1, 1),
            ("E01000002", "E07000001", "Oldtown", 3285, 2),
            ("E01000003", "E07000002", "Newby", 20000, 7),
            ("E01000004", "E07000002", "Newby", 32844, 10),
            ("E01000005", "E07000002", "Newby", 2, 1)])
POP = pd.Series({"E01000001": 100, "E01000002": 300, "E01000003": 200, "E01000004": 100, "E01000005": 700})


def test_comparator_rows_counts_deciles_extent_and_average_rank_by_hand():
    out = deprivation.comparator_rows(IOD, "iod2019", code_col="lsoa11_code", area_code="lad", area_name="name",
                                      population=POP, population_source="test").set_index("area_code")
    old = out.loc["E07000001"]
    assert old["lsoas"] == 2 and old["lsoas_most_deprived_10"] == 1
    assert old["pct_lsoas_most_deprived_10"] == pytest.approx(50.0)
    # extent: (100 * 1 + 300 * 0.95) / 400
    assert old["extent"] == pytest.approx(100 * (100 + 285) / 400)
    # File 10 average rank: population-weighted mean of 32845 - rank
    assert old["average_imd_rank"] == pytest.approx((100 * 32844 + 300 * (32845 - 3285)) / 400)
    assert old["population"] == 400
    assert old["residents_decile_1"] == 100 and old["residents_decile_2"] == 300
    assert old["lsoas_decile_10"] == 0
    eng = out.loc[deprivation.ENGLAND_CODE]
    assert eng["area_type"] == "country" and eng["lsoas"] == 5 and eng["lsoas_most_deprived_10"] == 2
    assert eng["residents_decile_1"] == 800 and eng["population"] == 1400
    assert eng["median_imd_rank"] == 3285


def test_comparator_counts_are_integers_not_floats():
    out = deprivation.comparator_rows(IOD, "iod2019", code_col="lsoa11_code", area_code="lad", area_name="name",
                                      population=POP)
    for col in deprivation.COMPARATOR_COUNTS:
        assert not pd.api.types.is_float_dtype(out[col]), col
        assert pd.api.types.is_integer_dtype(out[col]), col


def test_an_lsoa_without_population_leaves_the_population_measures_unknown():
    out = deprivation.comparator_rows(IOD, "iod2019", code_col="lsoa11_code", area_code="lad", area_name="name",
                                      population=POP.drop("E01000003")).set_index("area_code")
    assert out.loc["E07000002", "lsoas_missing_population"] == 1
    assert pd.isna(out.loc["E07000002", "extent"]) and pd.isna(out.loc["E07000002", "population"])
    assert out.loc["E07000001", "population"] == 400  # the other authority is unaffected


@pytest.mark.parametrize("bad, match", [
    (IOD.drop(columns=["imd_decile"]), "lacks column"),
    (pd.concat([IOD, IOD.iloc[[0]]]), "listed twice"),
    (IOD.assign(imd_decile=[1, 2, 7, 11, 1]), "out-of-range"),
    (IOD.assign(imd_rank=[0, 3285, 20000, 32844, 2]), "out-of-range"),
])
def test_comparator_rows_rejects_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        deprivation.comparator_rows(bad, "iod2019", code_col="lsoa11_code", area_code="lad", area_name="name")


def test_merged_authorities_get_one_combined_row_for_their_2024_authority():
    # both 2019 authorities now form E06000099; a third keeps its code
    iod = pd.concat([IOD, _iod([("E01000006", "E07000003", "Samesby", 10000, 4)])], ignore_index=True)
    lad24 = pd.DataFrame({"lsoa11_code": iod["lsoa11_code"],
                          "lad24_code": ["E06000099"] * 5 + ["E07000003"]})
    current = deprivation.current_authorities(iod, lad24, code_col="lsoa11_code", area_code="lad")
    assert current.set_index("area_code")["lad24_code"].to_dict() == {
        "E07000001": "E06000099", "E07000002": "E06000099", "E07000003": "E07000003"}
    assert current["whole"].all()
    table = deprivation.comparator_table(iod, "iod2019", code_col="lsoa11_code", area_code="lad", area_name="name",
                                         population=POP, current=current, lad24_names={"E06000099": "Unity"})
    rows = deprivation.comparator(table, "iod2019", "E06000099")
    la = rows["la"]
    assert la["area_type"] == "combined" and la["area_name"] == "Unity"
    assert la["lsoas"] == 5 and la["lsoas_most_deprived_10"] == 2
    assert "Oldtown" in la["note"] and "Newby" in la["note"]
    assert rows["england"]["lsoas"] == 6
    same = deprivation.comparator(table, "iod2019", "E07000003")["la"]
    assert same["area_type"] == "lad" and same["note"] == ""
    assert deprivation.comparator(table, "iod2019", "E09999999").get("la") is None


def test_an_authority_partly_in_another_is_noted():
    lad24 = pd.DataFrame({"lsoa11_code": IOD["lsoa11_code"],
                          "lad24_code": ["E07000001", "E07000002", "E07000002", "E07000002", "E07000002"]})
    current = deprivation.current_authorities(IOD, lad24, code_col="lsoa11_code", area_code="lad")
    rec = current.set_index("area_code").loc["E07000001"]
    # a tie (one LSOA each way) goes to the lower code, and the authority is not whole
    assert rec["lad24_code"] == "E07000001" and not rec["whole"]


def test_national_rank_in_plain_words():
    ranks = pd.DataFrame({"lad24_code": ["E1", "E2", "E3", "E1"], "domain": ["imd", "imd", "imd", "income"],
                          "rank_average_score": [3, 1, 2, 1], "rank_average_rank": [1, 2, 3, 1]})
    assert deprivation.national_rank(ranks, "iod2025", "E1", "Town") == (
        "Town is 3rd most deprived of 3 local authorities on average score (IoD 2025).")
    assert deprivation.national_rank(ranks, "iod2025", "E1", "Town", measure="average_rank").startswith(
        "Town is 1st most deprived of 3")
    assert deprivation.national_rank(ranks, "iod2025", "E9", "Nowhere") is None
    with pytest.raises(ValueError, match="measure"):
        deprivation.national_rank(ranks, "iod2025", "E1", "Town", measure="median")


# --------------------------------------------------------------------------- the summary loader
SUMMARY_2019 = ("lad19cd,lad19nm,index_domain,average_rank,rank_average_rank,average_score,rank_average_score,"
                "proportion_bottom_decile,rank_proportion_bottom_decile,year\n"
                "E08000008,Tameside,Index of Multiple Deprivation,22774.3,23,31.373999999999999,28,"
                "0.20569999999999999,40,2019\n"
                "E08000008,Tameside,\"Education, Skills and Training\",20000.5,50,-0.25,60,"
                "9.1600000000000001E-2,85,2019\n")


def test_lad_summary_loader_reads_the_long_form(tmp_path):
    path = tmp_path / "IoD2019.csv"
    path.write_text(SUMMARY_2019, encoding="utf-8")
    out = read("iod2019_lad_summary", [path])
    assert list(out.columns) == ["lad19_code", "lad19_name", "domain", "domain_label", "average_rank",
                                 "rank_average_rank", "average_score", "rank_average_score",
                                 "proportion_most_deprived_10", "rank_proportion_most_deprived_10"]
    assert out["domain"].tolist() == ["imd", "education"]
    assert out.loc[0, "rank_average_score"] == 28 and out.loc[1, "average_score"] == pytest.approx(-0.25)
    assert out.loc[1, "proportion_most_deprived_10"] == pytest.approx(0.0916)
    assert pd.api.types.is_integer_dtype(out["rank_average_rank"])


def test_lad_summary_loader_lists_every_problem(tmp_path):
    from ccdata.errors import ValidationError

    bad = SUMMARY_2019.replace("Index of Multiple Deprivation", "Index of Happiness").replace(",23,", ",x,")
    bad += bad.splitlines()[2] + "\n"  # a repeated authority and domain
    path = tmp_path / "IoD2019.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read("iod2019_lad_summary", [path])
    text = str(err.value)
    assert "Index of Happiness" in text and "not a number" in text and "duplicate" in text.lower()


# --------------------------------------------------------------------------- real data
def _published(path, code_col):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return {r[code_col]: r for r in csv.DictReader(fh) if r["index_domain"] == "Index of Multiple Deprivation"}


@pytest.mark.realdata
@pytest.mark.slow(reason="every authority of both IoD editions from the official files")
def test_every_authority_matches_the_published_summaries_both_editions(official, mirror_dir):
    import warnings

    from ccdata.errors import DataQualityWarning
    from ccdata.io import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        iod19 = load("iod2019_file1").merge(load("iod2019_file6")[["lsoa11_code", "pop_total"]], on="lsoa11_code")
        iod25 = load("iod2025_file1")
    editions = [
        ("iod2019", iod19, "lsoa11_code", "lad19_code", "lad19_name", iod19.set_index("lsoa11_code")["pop_total"],
         mirror_dir / "deprivation/iod2019/trafford_datalab_IoD2019_lad.csv", "lad19cd", 317, (3284, 32844)),
        ("iod2025", iod25, "lsoa21_code", "lad24_code", "lad24_name", None,
         mirror_dir / "deprivation/iod2025/trafford_datalab_indices_of_deprivation_2025_lad.csv", "area_code", 296,
         (3375, 33755)),
    ]
    for edition, iod, code_col, area_code, area_name, pop, path, pub_col, n_las, (d1, n) in editions:
        rows = deprivation.comparator_rows(iod, edition, code_col=code_col, area_code=area_code,
                                           area_name=area_name, population=pop)
        published = _published(path, pub_col)
        las = rows[rows["area_type"] == "lad"].set_index("area_code")
        assert len(las) == n_las == len(published)
        assert set(las.index) == set(published)
        differ = {}
        for code, rec in published.items():
            k, m = int(las.loc[code, "lsoas_most_deprived_10"]), int(las.loc[code, "lsoas"])
            # published to 4 decimals, halves rounded up (2/64 = 0.03125 -> 0.0313): exact integer arithmetic
            got = (2 * k * 10_000 + m) // (2 * m) / 10_000
            if got != pytest.approx(float(rec["proportion_bottom_decile"]), abs=1e-9):
                differ[code] = (k, m, rec["proportion_bottom_decile"])
        # One known difference in the published IoD 2025 summary: File 1 puts 238 LSOAs in West
        # Northamptonshire, 5 of them in decile 1 (0.0210); the summary says 0.0211, which is 5 of 237.
        known = {"iod2019": {}, "iod2025": {"E06000062": (5, 238, "0.0211")}}
        assert differ == known[edition], edition
        england = rows[rows["area_type"] == "country"].iloc[0]
        assert (england["lsoas_most_deprived_10"], england["lsoas"]) == (d1, n)
        if pop is not None:
            # with the edition's own mid-2015 denominators, File 10's average rank is reproduced to
            # within a rank (File 6's published populations are rounded; MHCLG weighted unrounded ones)
            for code, rec in published.items():
                assert las.loc[code, "average_imd_rank"] == pytest.approx(float(rec["average_rank"]), abs=1), code
    # the figures the issue quotes
    t19 = deprivation.comparator_rows(iod19, "iod2019", code_col="lsoa11_code", area_code="lad19_code",
                                      area_name="lad19_name").set_index("area_code")
    assert (t19.loc[TAMESIDE, "lsoas_most_deprived_10"], t19.loc[TAMESIDE, "lsoas"]) == (29, 141)
    assert (t19.loc[HACKNEY, "lsoas_most_deprived_10"], t19.loc[HACKNEY, "lsoas"]) == (16, 144)
    assert (t19.loc[NORTH_TYNESIDE, "lsoas_most_deprived_10"], t19.loc[NORTH_TYNESIDE, "lsoas"]) == (12, 131)


@pytest.mark.realdata
def test_processed_comparators_and_published_ranks(official, mirror_dir):
    from ccdata.geo import build

    table = build.table("iod_comparators")
    for col in deprivation.COMPARATOR_COUNTS:
        assert not pd.api.types.is_float_dtype(table[col]), col
    for edition, lad in (("iod2019", TAMESIDE), ("iod2025", TAMESIDE)):
        rows = deprivation.comparator(table, edition, lad)
        assert rows["la"]["area_type"] == "lad" and rows["la"]["area_code"] == lad
    t = deprivation.comparator(table, "iod2019", TAMESIDE)["la"]
    assert (t["lsoas_most_deprived_10"], t["lsoas"]) == (29, 141)  # 0.2057 published
    # Buckinghamshire (2020) has no IoD 2019 row of its own: its four districts are combined
    bucks = deprivation.comparator(table, "iod2019", "E06000060")["la"]
    assert bucks["area_type"] == "combined" and "Aylesbury Vale" in bucks["note"]
    ranks = build.table("iod2025_lad_summary")
    with open(mirror_dir / "deprivation/iod2025/trafford_datalab_indices_of_deprivation_2025_lad.csv",
              newline="", encoding="utf-8") as fh:
        raw = next(r for r in csv.DictReader(fh)
                   if r["area_code"] == TAMESIDE and r["index_domain"] == "Index of Multiple Deprivation")
    sentence = deprivation.national_rank(ranks, "iod2025", TAMESIDE, "Tameside")
    n = int(raw["rank_average_score"])
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    assert sentence == f"Tameside is {n}{suffix} most deprived of 296 local authorities on average score (IoD 2025)."
    assert not math.isnan(n)
