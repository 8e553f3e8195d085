"""The numbers behind the place dashboard, checked against the raw demo files.

Every expected value here is computed from the generated raw files (IoD XLSX, Census
CSV, DWP CSV, the LSOA-to-ward lookup) with the standard library and openpyxl, not
with ccdata's loaders, so a loader or summary bug cannot agree with itself.
"""
from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import math
import statistics

import openpyxl
import pytest

import ccdata
from ccdata import config
from ccdata.views import dashboard
from ccdata.analysis import deprivation, indicators, profile
from ccdata.io.fetch import raw_files

from helpers.census import census_published_rows, census_raw_rows

PLACE_WARDS = {"E05900001", "E05900002", "E05900003", "E05900004"}  # places.yaml, demo footprint
DEMO_LAD = "E06900001"
N_2025 = 33_755  # LSOAs ranked in England, IoD2025
Z95 = 1.959963984540054


# --------------------------------------------------------------------------- raw readers
def _lookup() -> list[dict]:
    data = gzip.decompress(raw_files("lookup_lsoa21_ward24", config.DEMO)[0].read_bytes())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def areas(demo_data_dir):
    """LSOA 2021 codes of the place (its four wards), its LA and the whole country."""
    from helpers.folders import data_dir_env

    with data_dir_env(demo_data_dir):
        rows = _lookup()
    place = {r["LSOA21CD"] for r in rows if r["WD24CD"] in PLACE_WARDS}
    la = {r["LSOA21CD"] for r in rows if r["LAD24CD"] == DEMO_LAD}
    england = {r["LSOA21CD"] for r in rows if r["LSOA21CD"].startswith("E")}
    return {"place": place, "la": la, "england": england}


def _xlsx_rows(dataset_id: str) -> list[dict]:
    wb = openpyxl.load_workbook(raw_files(dataset_id, config.DEMO)[0], read_only=True)
    ws = wb[wb.sheetnames[1]]  # the Notes sheet comes first
    it = ws.iter_rows(values_only=True)
    header = next(it)
    return [dict(zip(header, r)) for r in it if r and r[0]]


def _iod2025() -> dict[str, dict]:
    """LSOA 2021 code -> imd rank/decile and idaci decile from IoD2025 File 3."""
    out = {}
    for r in _xlsx_rows("iod2025_file3"):
        cols = list(r)
        out[r["LSOA code (2021)"]] = {
            "imd_rank": int(r[next(c for c in cols if c.startswith("Index of Multiple Deprivation (IMD) Rank"))]),
            "imd_decile": int(r[next(c for c in cols if c.startswith("Index of Multiple Deprivation (IMD) Decile"))]),
            "idaci_decile": int(r[next(c for c in cols if c.startswith("Income Deprivation Affecting Children Index (IDACI) Decile"))]),
        }
    return out


def _residents() -> dict[str, int]:
    rows = census_raw_rows("census21_ts007a", config.DEMO)
    total = next(c for c in rows[0] if c.startswith("Age: Total"))
    return {r["geography code"]: int(r[total].replace(",", "")) for r in rows}


def _wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 / (1 + Z95 ** 2 / n) * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n))
    return centre - half, centre + half


def _band(lo: float, hi: float, benchmark: float, polarity: str) -> str:
    # Fingertips convention, written out independently of ccdata.stats.compare
    if lo <= benchmark <= hi:
        return "similar"
    above = lo > benchmark
    if polarity == "no_judgement":
        return "higher" if above else "lower"
    return "better" if above == (polarity == "higher_is_better") else "worse"


@pytest.fixture
def place(demo_data):
    return ccdata.place("demo")


# --------------------------------------------------------------------------- footprint
def test_place_lsoas_are_those_of_its_wards(place, areas):
    assert set(place.lsoa21) == areas["place"] and len(areas["place"]) > 0
    comp = {a.id: set(a.lsoa21) for a in place.areas()}
    assert comp["la"] == areas["la"] and comp["england"] == areas["england"]


# --------------------------------------------------------------------------- deprivation
def test_demo_deciles_follow_the_national_rank(demo_data):
    # the decile the file publishes is ceil(10 * rank / N): a check on the raw data the
    # tests below rely on (deciles are taken from the file, not recomputed by ccdata)
    for code, r in _iod2025().items():
        assert r["imd_decile"] == math.ceil(10 * r["imd_rank"] / N_2025), code


def test_decile_distribution_equals_hand_counts(place, areas):
    iod, pop = _iod2025(), _residents()
    dist = deprivation.decile_distribution(place, "iod2025").set_index(["area", "decile"])
    assert len(dist) == 30  # ten deciles for each of place, LA, England
    for area, codes in areas.items():
        total_pop = sum(pop[c] for c in codes)
        for decile in range(1, 11):
            in_decile = [c for c in codes if iod[c]["imd_decile"] == decile]
            got = dist.loc[(area, decile)]
            assert got["lsoas"] == len(in_decile), (area, decile)
            assert got["pct_lsoas"] == pytest.approx(100 * len(in_decile) / len(codes))
            expected_res = sum(pop[c] for c in in_decile)
            # a decile with no LSOAs has no residents: 0%, not a blank
            assert got["residents"] == expected_res, (area, decile)
            assert got["pct_residents"] == pytest.approx(100 * expected_res / total_pop), (area, decile)
        shares = dist.loc[area]
        assert shares["pct_residents"].sum() == pytest.approx(100)
        assert shares["pct_lsoas"].sum() == pytest.approx(100)


def test_place_is_in_the_most_deprived_deciles(place):
    # the demo generator draws the place's LSOAs from the most deprived 30% (deciles 1-3)
    dist = deprivation.decile_distribution(place, "iod2025")
    p = dist[dist["area"] == "place"].set_index("decile")
    assert p.loc[1:3, "pct_residents"].sum() == pytest.approx(100)
    assert (p.loc[4:10, "pct_residents"] == 0).all()


def _extent_by_hand(ranks: list[int], pops: list[int], n: int) -> float:
    # IoD technical report, Appendix N: percentile = ceil(100 * rank / n); weight 1 up to
    # the 10th percentile, then 0.95 at the 11th falling by 0.9/19 a percentile to 0.05 at
    # the 30th, 0 beyond.
    weighted = 0.0
    for rank, p in zip(ranks, pops):
        pct = math.ceil(100 * rank / n)
        w = 1.0 if pct <= 10 else (0.95 - (pct - 11) * 0.9 / 19 if pct <= 30 else 0.0)
        weighted += w * p
    return weighted / sum(pops)


def test_summary_equals_hand_computation(place, areas):
    iod, pop = _iod2025(), _residents()
    got = deprivation.summary(place, "iod2025").set_index("area")
    for area, codes in areas.items():
        codes = sorted(codes)
        row = got.loc[area]
        assert row["lsoas"] == len(codes)
        most = sum(1 for c in codes if iod[c]["imd_decile"] == 1)
        assert row["pct_lsoas_most_deprived_10"] == pytest.approx(100 * most / len(codes))
        idaci = sum(1 for c in codes if iod[c]["idaci_decile"] == 1)
        assert row["pct_lsoas_idaci_most_deprived_10"] == pytest.approx(100 * idaci / len(codes))
        assert row["median_imd_rank"] == statistics.median(iod[c]["imd_rank"] for c in codes)
        expected = _extent_by_hand([iod[c]["imd_rank"] for c in codes], [pop[c] for c in codes], N_2025)
        assert row["extent"] == pytest.approx(100 * expected)
    # the place sits in deciles 1-3 but not all in decile 1: the extent lies strictly
    # between the % in the most deprived 10% and 100
    p = got.loc["place"]
    assert p["pct_lsoas_most_deprived_10"] < p["extent"] < 100


def test_lsoa_table_lists_each_place_lsoa_once_sorted_by_rank(place, areas):
    iod = _iod2025()
    table = deprivation.lsoa_table(place, "iod2025")
    assert set(table["LSOA 2021"]) == areas["place"] and table["LSOA 2021"].is_unique
    assert table["IMD rank"].tolist() == sorted(iod[c]["imd_rank"] for c in areas["place"])
    for rec in table.itertuples(index=False):
        assert rec[table.columns.get_loc("IMD decile")] == iod[rec[0]]["imd_decile"]


def test_compare_editions_change_is_2025_minus_2019(place):
    out = deprivation.compare_editions(place)
    assert set(out["LSOA 2021"]) == set(place.lsoa21)
    iod = _iod2025()
    for rec in out.to_dict("records"):
        assert rec["IMD decile 2025"] == iod[rec["LSOA 2021"]]["imd_decile"]
        assert rec["Change (deciles; negative = more deprived)"] == rec["IMD decile 2025"] - rec["IMD decile 2019"]


def test_decile_change_table_names_every_neighbourhood_and_terms_are_explained(place):
    from ccdata import present

    names = {r["LSOA21CD"]: r["LSOA21NM"] for r in _lookup()}  # the raw ONS lookup
    blocks = dashboard.deprivation_section(place, editions="both")
    change = next(b.html for b in blocks if "IMD decile of each neighbourhood in 2019 and 2025" in b.html)
    for code in place.lsoa21:
        assert f"<td>{code}</td><td>{present.esc(names[code])}</td>" in change
    first = "".join(b.html for b in dashboard.overview(place))
    assert first.index("ccdata-metrics") < first.index("ccdata-glossary")
    assert "<strong>Neighbourhood (LSOA, lower layer super output area)</strong>" in first
    assert "<strong>Decile</strong>" in first and "<strong>Domains of deprivation</strong>" in first


def test_deprivation_rejects_unknown_edition(place):
    with pytest.raises(ValueError, match="edition"):
        deprivation.summary(place, "iod2015")
    with pytest.raises(ValueError, match="edition"):
        deprivation.decile_distribution(place, "2025")
    with pytest.raises(ValueError, match="editions"):
        dashboard.deprivation_section(place, editions="2025")


# --------------------------------------------------------------------------- indicators
def _census_sums(table: str, numerator: list[str], areas: dict) -> dict[str, tuple[int, int]]:
    """Place: sums of its LSOAs. LA and England: the published local authority and country
    rows where the demo has them (TS007A, TS045, TS054, TS062), else sums of LSOAs."""
    rows = census_raw_rows(f"census21_{table}", config.DEMO)
    cols = list(rows[0])
    total = next(c for c in cols if ": Total" in c)
    num_cols = [next(c for c in cols if c.endswith(": " + label)) for label in numerator]
    published = {"la": census_published_rows(f"census21_{table}_ltla", config.DEMO) or {},
                 "england": census_published_rows(f"census21_{table}_ctry", config.DEMO) or {}}
    codes_of = {"la": DEMO_LAD, "england": "E92900001"}
    out = {}
    for area, codes in areas.items():
        sel = [r for r in rows if r["geography code"] in codes]
        assert len(sel) == len(codes)
        if area in published and codes_of[area] in published[area]:
            sel = [published[area][codes_of[area]]]
        out[area] = (sum(int(r[c].replace(",", "")) for r in sel for c in num_cols),
                     sum(int(r[total].replace(",", "")) for r in sel))
    return out


@pytest.mark.parametrize("indicator,table,labels,polarity", [
    ("bad_health", "ts037", ["Bad health", "Very bad health"], "lower_is_better"),
    ("good_health", "ts037", ["Very good health", "Good health"], "higher_is_better"),
    ("children_0_4", "ts007a", ["Aged 4 years and under"], "no_judgement"),
    ("social_rented", "ts054", ["Social rented"], None),
])
def test_census_indicator_value_interval_and_band(place, areas, indicator, table, labels, polarity):
    frame = indicators.compute(place).set_index(["indicator", "area"])
    sums = _census_sums(table, labels, areas)
    eng_num, eng_den = sums["england"]
    england = 100 * eng_num / eng_den
    assert frame.loc[(indicator, "england"), "value"] == pytest.approx(england)
    assert frame.loc[(indicator, "england"), "band"] == "not compared"
    polarity = polarity or frame.loc[(indicator, "place"), "polarity"]
    for area in ("place", "la"):
        num, den = sums[area]
        row = frame.loc[(indicator, area)]
        assert row["status"] == "ok"
        assert (row["numerator"], row["denominator"]) == (num, den)
        assert row["value"] == pytest.approx(100 * num / den)
        lo, hi = _wilson(num, den)
        assert row["lower"] == pytest.approx(100 * lo, abs=1e-9)
        assert row["upper"] == pytest.approx(100 * hi, abs=1e-9)
        assert row["band"] == _band(100 * lo, 100 * hi, england, polarity)


def _dwp_csv(dataset_id: str) -> list[list[str]]:
    text = raw_files(dataset_id, config.DEMO)[0].read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_low_income_place_is_the_sum_of_its_may_2024_wards(place):
    # Ward table: LA name, LA code, ward name, ward code, n FYE2024, n FYE2025, % FYE2024, % FYE2025.
    wards = [r for r in _dwp_csv("dwp_cilif_ward") if len(r) > 7 and r[3] in PLACE_WARDS]
    assert {r[3] for r in wards} == PLACE_WARDS and len(wards) == 4
    num = sum(int(r[5].replace(",", "")) for r in wards)
    # the published table gives a count and a rounded %, so children under 16 = count / %, a
    # whole number of children in each ward (the child poverty section's figures, read by the
    # indicator too, so the section's table and every sentence show one value)
    den = sum(round(int(r[5].replace(",", "")) / (float(r[7].rstrip("%")) / 100)) for r in wards)
    # LA table: LA name, LA code, n FYE2024, n FYE2025, % FYE2024, % FYE2025; England is
    # the sum of the English authorities (the K-coded country total row is not one).
    las = [r for r in _dwp_csv("dwp_cilif_la") if len(r) > 5 and r[1].startswith("E0")]
    eng_num = sum(int(r[3].replace(",", "")) for r in las)
    eng_den = sum(int(r[3].replace(",", "")) / (float(r[5].rstrip("%")) / 100) for r in las)
    la = next(r for r in las if r[1] == DEMO_LAD)
    la_pct = float(la[5].rstrip("%"))

    frame = indicators.compute(place, [i for i in indicators.definitions() if i.id == "children_low_income"])
    got = frame.set_index("area")
    assert (got["status"] == "ok").all(), got["status"].tolist()
    assert got.loc["place", "numerator"] == num
    # the derived denominator is shown as a whole number of children; the value keeps the ratio
    assert got.loc["place", "denominator"] == round(den)
    assert got.loc["place", "value"] == pytest.approx(100 * num / den)
    lo, hi = _wilson(num, round(den))
    assert got.loc["place", "lower"] == pytest.approx(100 * lo, abs=1e-9)
    assert got.loc["place", "upper"] == pytest.approx(100 * hi, abs=1e-9)
    # one authority: its value is the published percentage
    assert got.loc["la", "value"] == pytest.approx(la_pct)
    assert got.loc["england", "numerator"] == eng_num
    assert got.loc["england", "value"] == pytest.approx(100 * eng_num / eng_den)
    assert got.loc["place", "band"] == _band(100 * lo, 100 * hi, 100 * eng_num / eng_den, "lower_is_better")


def test_low_income_for_any_footprint_matches_the_low_income_section(place):
    # a place defined by older wards or by LSOAs still gets a figure: from its LSOAs, the
    # published ward figures when they cover whole May 2024 wards, else the estimate; the
    # indicator table and the dashboard's own section give the same number
    from ccdata.analysis import child_poverty

    ind = [i for i in indicators.definitions() if i.source == "dwp_cilif_ward"]
    older = dataclasses.replace(place, wards=place.wards.assign(vintage="2022"))
    lsoa_only = dataclasses.replace(place, wards=place.wards.iloc[0:0])
    for variant in (older, lsoa_only):
        got = indicators.compute(variant, ind).set_index("area")
        figures = child_poverty.for_place(variant)["place"].set_index("year")
        assert got.loc["place", "status"] == "ok"
        assert got.loc["place", "numerator"] == figures.loc["fye2025", "children"]
        assert got.loc["place", "denominator"] == figures.loc["fye2025", "population_under16"]
        assert got.loc["la", "status"] == "ok"  # the LA and England do not depend on wards
    assert "Children in low income families (place)" not in dashboard.missing_data(older)
    html = "".join(b.html for b in dashboard.low_income_section(older))
    assert "ccdata-missing" not in html and "as published for its wards" in html


def pd_isna(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def test_indicator_missing_column_is_a_status_not_a_number(place):
    bad = indicators.Indicator(id="x", title="X", workstream="early_years", source="census21_ts037",
                               numerator=("no_such_column",), denominator=("total",), polarity="no_judgement")
    got = indicators.compute(place, [bad])
    assert got["value"].isna().all()
    assert got["status"].str.contains("not available here").all()
    assert got["status"].str.contains("'no such column'").all()  # the category, in words
    assert (got["band"] == "not compared").all()
    with pytest.raises(TypeError, match="Place"):
        indicators.compute("demo")


def test_wide_shows_the_place_interval_and_la_and_england(place, areas):
    frame = indicators.compute(place)
    table = indicators.wide(frame).set_index("Indicator")
    num, den = _census_sums("ts037", ["Bad health", "Very bad health"], areas)["place"]
    la_num, la_den = _census_sums("ts037", ["Bad health", "Very bad health"], areas)["la"]
    title = next(i.title for i in indicators.definitions() if i.id == "bad_health")
    row = table.loc[title]
    lo, hi = _wilson(num, den)
    assert row["Numerator"] == num and row["Denominator"] == den
    assert row["Place %"] == pytest.approx(100 * num / den)
    assert row["95% CI"] == f"{100 * lo:.1f} to {100 * hi:.1f}"
    assert row["LA %"] == pytest.approx(100 * la_num / la_den)
    assert row["Workstream"] == "Health and wellbeing"
    assert len(table) == len(indicators.definitions())
    with pytest.raises(ValueError, match="indicators.compute"):
        indicators.wide(frame.drop(columns=["band"]))


# --------------------------------------------------------------------------- profile
def test_tenure_composition_equals_raw_sums_and_adds_to_100(place, areas):
    comp = profile.composition(place, "ts054")
    labels = ["Owned", "Shared ownership", "Social rented", "Private rented", "Lives rent free"]
    assert comp[comp["area"] == "place"]["label"].tolist() == labels  # top level only
    for area in areas:
        sub = comp[comp["area"] == area].set_index("label")
        for label in labels:
            num, den = _census_sums("ts054", [label], areas)[area]
            assert sub.loc[label, "count"] == num and sub.loc[label, "total"] == den
            assert sub.loc[label, "pct"] == pytest.approx(100 * num / den)


@pytest.mark.parametrize("dataset", list(profile.TOPICS))
def test_every_topic_composition_adds_to_100(place, dataset):
    comp = profile.composition(place, dataset)
    for area, grp in comp.groupby("area"):
        assert grp["count"].sum() == grp["total"].iloc[0], (dataset, area)
        assert grp["pct"].sum() == pytest.approx(100), (dataset, area)


def test_children_bands_and_headline_equal_raw_sums(place, areas):
    rows = census_raw_rows("census21_ts007a", config.DEMO)
    cols = list(rows[0])
    band_cols = {"0-4": "Aged 4 years and under", "5-9": "Aged 5 to 9 years",
                 "10-14": "Aged 10 to 14 years", "15-19": "Aged 15 to 19 years"}
    total = next(c for c in cols if c.startswith("Age: Total"))
    kids = profile.children(place).set_index(["area", "age band"])
    # LA and England: the published local authority and country rows (perturbed on their own)
    published = {"la": census_published_rows("census21_ts007a_ltla", config.DEMO)[DEMO_LAD],
                 "england": census_published_rows("census21_ts007a_ctry", config.DEMO)["E92900001"]}
    for area, codes in areas.items():
        sel = [published[area]] if area in published else [r for r in rows if r["geography code"] in codes]
        residents = sum(int(r[total]) for r in sel)
        by_band = {b: sum(int(r[f"Age: {label}"]) for r in sel) for b, label in band_cols.items()}
        by_band["0-19"] = sum(by_band.values())
        for band, n in by_band.items():
            assert kids.loc[(area, band), "children"] == n, (area, band)
            assert kids.loc[(area, band), "pct"] == pytest.approx(100 * n / residents)
    head = profile.headline(place)
    sel = [r for r in rows if r["geography code"] in areas["place"]]
    residents = sum(int(r[total]) for r in sel)
    children = sum(int(r[f"Age: {label}"]) for r in sel for label in band_cols.values())
    assert head["Residents (Census 2021)"] == residents
    assert head["Children and young people 0-19"] == children
    assert head["Share aged 0-19"] == f"{100 * children / residents:.1f}%"
    assert head["LSOAs (2021)"] == len(areas["place"]) and head["Wards"] == 4


# --------------------------------------------------------------------------- dashboard sections
def test_low_income_section_shows_hand_sums_and_every_ward(place):
    wards = [r for r in _dwp_csv("dwp_cilif_ward") if len(r) > 7 and r[3] in PLACE_WARDS]
    num = sum(int(r[5].replace(",", "")) for r in wards)
    blocks = dashboard.low_income_section(place)
    html = "".join(b.html for b in blocks)
    assert f">{num:,}</td>" in html
    ward_table = blocks[-1].html
    for r in wards:
        assert r[2].replace("'", "&#x27;") in ward_table  # names are escaped
    assert "ccdata-missing" not in html


def test_deprivation_section_single_edition_has_no_comparison(place):
    both = dashboard.deprivation_section(place, editions="both", lsoa_table=False)
    one = dashboard.deprivation_section(place, editions="iod2025", lsoa_table=False)
    captions = lambda blocks: " ".join(b.html for b in blocks)  # noqa: E731
    assert "IMD decile of each neighbourhood in 2019 and 2025" in captions(both)
    assert "IMD decile of each neighbourhood in 2019 and 2025" not in captions(one)
    assert "IoD 2019" not in captions(one)


def test_demo_dashboard_reports_no_missing_sections(place):
    # every dataset the dashboard sections need is generated for the demo
    assert dashboard.missing_data(place) == {}


@pytest.fixture
def forget_patched_figures(monkeypatch):
    """Empty the caches once a test's patches are undone: figures computed from patched tables
    must not reach the next test of this worker (they once made later tests in the worker see
    no child-poverty figure for the demo)."""
    from ccdata import cache

    yield monkeypatch
    monkeypatch.undo()
    cache.clear()


def test_suppressed_dwp_figures_are_reported_not_summed_on_one_side(place, forget_patched_figures):
    """A ward whose percentage is suppressed ([x]) leaves the place's value unknown, with the
    reason; an English authority with a suppressed percentage is left out of England's
    numerator and denominator alike (and the note says so)."""
    from ccdata.geo import build

    monkeypatch = forget_patched_figures

    ind = [i for i in indicators.definitions() if i.source == "dwp_cilif_ward"]
    before = indicators.compute(place, ind).set_index("area")
    original = build.table
    ward = sorted(place.wards["ward_code"])[0]
    la_rows = original("dwp_cilif_la", place.collection)
    other_la = next(c for c in la_rows["lad24_code"] if c.startswith("E") and c != place.lad_code)
    dropped = la_rows.set_index("lad24_code").loc[other_la]

    def patched(name, collection=config.OFFICIAL):
        frame = original(name, collection).copy()  # never the cached table itself
        if name == "dwp_cilif_ward":
            frame.loc[frame["ward24_code"] == ward, "pct_fye2025"] = float("nan")
        if name == "dwp_cilif_la":
            frame.loc[frame["lad24_code"] == other_la, "pct_fye2025"] = float("nan")
        return frame

    monkeypatch.setattr(build, "table", patched)
    # the place's figures were remembered when ``before`` was computed: a fresh place reads
    # the patched tables
    from ccdata import cache
    cache.clear()
    got = indicators.compute(ccdata.place(place.id), ind).set_index("area")
    assert pd_isna(got.loc["place", "value"])
    assert "suppressed or missing" in got.loc["place", "status"]
    # England loses exactly that authority's children from the numerator, and its implied
    # population (count / percentage x 100) from the denominator
    assert got.loc["england", "numerator"] == before.loc["england", "numerator"] - dropped["children_fye2025"]
    assert got.loc["england", "denominator"] == pytest.approx(  # whole numbers: each rounded once
        before.loc["england", "denominator"] - dropped["children_fye2025"] / (dropped["pct_fye2025"] / 100), abs=1)
    assert "leave out authorities with suppressed figures" in got.loc["england", "note"]
    assert got.loc["la", "status"] == "ok"
