"""IoD 2025 domains: the public copy and the official File 7 readers, comparators, the dashboard section."""
from __future__ import annotations

import csv
import gzip
import io
import warnings

import pandas as pd
import pytest

from ccdata.errors import DataQualityWarning, ValidationError
from ccdata.io import read

# ----------------------------------------------------------------------------- official File 7
# Column names as the IoD 2025 release documents File 7 (the 2019 layout, with 2021 LSOAs and
# 2024 authorities): IMD, seven domains, IDACI, IDAOPI, six sub-domains, then the denominators.
_DOMAINS = ["Index of Multiple Deprivation (IMD)", "Income", "Employment", "Education, Skills and Training",
            "Health Deprivation and Disability", "Crime", "Barriers to Housing and Services", "Living Environment",
            "Income Deprivation Affecting Children Index (IDACI)",
            "Income Deprivation Affecting Older People (IDAOPI)"]
_SUBDOMAINS = ["Children and Young People Sub-domain", "Adult Skills Sub-domain",
               "Geographical Barriers Sub-domain", "Wider Barriers Sub-domain", "Indoors Sub-domain",
               "Outdoors Sub-domain"]
_POPULATION = ["Total population: mid 2022", "Dependent Children aged 0-15: mid 2022",
               "Population aged 16-59: mid 2022", "Older population aged 60 and over: mid 2022",
               "Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022"]


def _file7(tmp_path, rows=2):
    header = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
              "Local Authority District name (2024)"]
    for d in _DOMAINS:
        score = f"{d} Score (rate)" if d in ("Income", "Employment") or "(ID" in d else f"{d} Score"
        header += [score, f"{d} Rank (where 1 is most deprived)",
                   f"{d} Decile (where 1 is most deprived 10% of LSOAs)"]
    for d in _SUBDOMAINS:
        header += [f"{d} Score", f"{d} Rank (where 1 is most deprived)",
                   f"{d} Decile (where 1 is most deprived 10% of LSOAs)"]
    header += _POPULATION
    lines = [header]
    for r in range(rows):
        values = [f"E0100000{r + 1}", f"City of London 001{'AB'[r]}", "E09000001", "City of London"]
        for i in range(len(_DOMAINS) + len(_SUBDOMAINS)):
            values += [f"{i}.25", str(1000 * (r + 1) + i), str(1 + (i + r) % 10)]
        values += ["1,500", "300", "900", "200", "950"]
        lines.append(values)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(lines)
    path = tmp_path / "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, len(header)


def test_file7_2025_reads_domains_subdomains_and_denominators(tmp_path):
    path, width = _file7(tmp_path)
    assert width == 4 + 3 * 16 + 5  # 57 columns: the documented File 7
    df = read("iod2025_file7", path)
    row = df.set_index("lsoa21_code").loc["E01000002"]
    # domain i has score i.25, rank 2000 + i, decile 1 + (i + 1) % 10 in the second row
    assert row["imd_score"] == 0.25 and row["imd_rank"] == 2000 and row["imd_decile"] == 2
    assert row["living_env_rank"] == 2007 and row["idaopi_score"] == 9.25
    assert row["cyp_score"] == 10.25 and row["cyp_rank"] == 2010 and row["cyp_decile"] == 2
    assert row["outdoors_rank"] == 2015 and row["outdoors_decile"] == 7
    assert row["pop_total"] == 1500 and row["lad24_code"] == "E09000001"


def test_file7_2025_bad_decile_is_named_by_row_and_column(tmp_path):
    path, _ = _file7(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines()
    cells = next(csv.reader([text[2]]))
    cells[6] = "11"  # IMD decile of the second data row (line 3)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    path.write_text("\n".join(text[:2] + [buf.getvalue().strip()]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read("iod2025_file7", path)
    assert "imd_decile" in str(err.value) and "3" in str(err.value)


# ----------------------------------------------------------------------------- the public copy
_PUBLIC_HEADER = ("lsoa21_code,lsoa21_name,IMD_decile,Income_decile,Employment_decile,Education_decile,"
                  "Health_decile,Crime_decile,Housing_and_Services_decile,Environment_decile,IMD_rank,Income_rank,"
                  "Employment_rank,Education_rank,Health_rank,Crime_rank,Housing_and_Services_rank,Environment_rank,"
                  "IMD_score,Income_score,Employment_score,Education_score,Health_score,Crime_score,"
                  "Housing_and_Services_score,Environment_score,children_and_young_people_score,"
                  "children_and_young_people_rank,children_and_young_people_decile,adult_skills_score,"
                  "adult_skills_rank,adult_skills_decile,geographical_barriers_score,geographical_barriers_rank,"
                  "geographical_barriers_decile,wider_barriers_score,wider_barriers_rank,wider_barriers_decile,"
                  "indoors_score,indoors_rank,indoors_decile,outdoors_score,outdoors_rank,outdoors_decile")
# the public copy's first two rows (City of London 001A and 001B)
_PUBLIC_ROWS = [
    "E01000001,City of London 001A,8,10,10,10,10,10,9,1,26525,33730,33708,33755,33108,33698,29220,244,8.742,"
    "0.013,0.014,0.004,-1.771,-2.22,10.95,69.345,-2.902,33752,10,0.03,33749,10,4.437,33560,10,0.688,12832,4,"
    "1.207,1105,1,1.414,1586,1",
    "E01000002,City of London 001B,10,10,10,10,10,10,10,2,31203,33669,33734,33672,32574,33712,32640,3702,4.722,"
    "0.018,0.01,0.169,-1.549,-2.277,6.703,43.89,-1.83,33266,10,0.032,33747,10,3.589,33632,10,-0.628,18721,6,"
    "0.355,9591,3,1.839,592,1",
]


def _public(tmp_path, rows=_PUBLIC_ROWS):
    path = tmp_path / "humaniverse_imd2025_lsoa21_domains_scores.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([_PUBLIC_HEADER, *rows]) + "\n").encode("utf-8")))
    return path


def test_public_copy_columns_get_the_file7_names(tmp_path):
    df = read("iod2025_public_domains", _public(tmp_path)).set_index("lsoa21_code")
    a = df.loc["E01000001"]
    assert a["barriers_rank"] == 29220 and a["barriers_decile"] == 9  # Housing_and_Services_*
    assert a["living_env_score"] == pytest.approx(69.345) and a["living_env_decile"] == 1  # Environment_*
    assert a["cyp_rank"] == 33752 and a["geo_barriers_decile"] == 10 and a["indoors_rank"] == 1105
    assert df.loc["E01000002", "wider_barriers_decile"] == 6
    # the same names as the official File 7 reader gives
    official = read("iod2025_file7", _file7(tmp_path)[0])
    shared = [c for c in df.columns if c in official.columns]
    assert len(shared) == 2 + 3 * 14 - 1  # every column but the code (the index here)


def test_public_copy_problems_are_named(tmp_path):
    bad = [_PUBLIC_ROWS[0].replace(",8,10,10,", ",0,10,10,", 1), _PUBLIC_ROWS[0]]  # decile 0, then a repeat
    with pytest.raises(ValidationError) as err:
        read("iod2025_public_domains", _public(tmp_path, bad))
    text = str(err.value)
    assert "imd_decile" in text and "E01000001" in text
    missing = tmp_path / "missing.csv"
    missing.write_text(_PUBLIC_HEADER.replace("Crime_rank,", "") + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="Crime_rank"):
        read("iod2025_public_domains", missing)


# ----------------------------------------------------------------------------- which one wins
def test_official_file7_wins_over_the_public_copy(monkeypatch):
    from ccdata.geo import iod2025

    fetched = {"iod2025_file7", "iod2025_public_domains", "iod2025_file1"}
    monkeypatch.setattr(iod2025, "_fetched", lambda d, c: d in fetched)
    monkeypatch.setattr(iod2025.build, "table", lambda name, c: pd.DataFrame({"from": [name]}))
    assert iod2025.domains_source("official") == "iod2025_file7"
    assert iod2025.iod2025_lsoa21("official")["from"].tolist() == ["iod2025_file7"]
    fetched.discard("iod2025_file7")
    assert iod2025.domains_source("official") == "iod2025_public_domains"
    fetched.discard("iod2025_public_domains")
    assert iod2025.domains_source("official") is None
    assert iod2025.iod2025_lsoa21("official")["from"].tolist() == ["iod2025_file1"]


# ----------------------------------------------------------------------------- comparators
def test_authority_shares_by_hand():
    from ccdata.analysis.domains import authority_shares

    frame = pd.DataFrame({"lad": ["A", "A", "A", "B"], "imd_decile": [1, 2, 1, 1], "income_decile": [3, 1, 4, 5],
                          "cyp_decile": pd.array([pd.NA] * 4, dtype="Int64")})
    out = authority_shares(frame, "lad").set_index(["area_code", "domain"])
    assert out.loc[("A", "imd"), "lsoas_most_deprived_10"] == 2 and out.loc[("A", "imd"), "lsoas"] == 3
    assert out.loc[("B", "income"), "pct_most_deprived_10"] == 0
    assert out.loc[("England", "imd"), "pct_most_deprived_10"] == 75
    assert out.loc[("England", "income"), "lsoas_most_deprived_10"] == 1
    assert "cyp" not in set(out.index.get_level_values("domain"))  # an empty optional column is no figure


def test_domains_table_by_hand():
    from ccdata.views.domains import domains_table, england_sentence

    rows = []
    for edition, area, n, first in [("IoD 2019", "place", 4, 1), ("IoD 2019", "la", 10, 2),
                                    ("IoD 2019", "england", 100, 10), ("IoD 2025", "place", 4, 2),
                                    ("IoD 2025", "la", 10, 3), ("IoD 2025", "england", 100, 10)]:
        rows.append({"edition": edition, "domain": "income", "area": area, "lsoas": n,
                     "lsoas_most_deprived_10": first, "pct_most_deprived_10": 100 * first / n})
    rows.append({"edition": "IoD 2025", "domain": "cyp", "area": "place", "lsoas": 4,
                 "lsoas_most_deprived_10": 3, "pct_most_deprived_10": 75.0})
    table = domains_table(pd.DataFrame(rows), "Northside", "Borough").set_index("Domain")
    assert table.loc["Income", "Northside, 2019"] == "25% (1 of 4)"
    assert table.loc["Income", "Northside, 2025"] == "50% (2 of 4)"
    assert table.loc["Income", "Borough, 2025"] == "30% (3 of 10)"
    cyp = table.loc["Children and young people (education sub-domain)"]
    assert cyp["Northside, 2025"] == "75% (3 of 4)" and cyp["Northside, 2019"] == "not held"
    # England holds 10 of 100 in both editions: said once in a sentence, not as two columns
    assert [c for c in table.columns if c.startswith("England")] == []
    assert england_sentence(pd.DataFrame(rows)) == ("In England as a whole, the share is the same for every "
                                                     "domain: 10% in 2019 (10 of 100) and 10% in 2025 (10 of 100).")
    uneven = pd.DataFrame(rows + [{"edition": "IoD 2025", "domain": "cyp", "area": "england", "lsoas": 100,
                                   "lsoas_most_deprived_10": 11, "pct_most_deprived_10": 11.0}])
    assert england_sentence(uneven) is None
    assert domains_table(uneven, "Northside", "Borough").set_index("Domain").loc[
        "Children and young people (education sub-domain)", "England, 2025"] == "11% (11 of 100)"
    with pytest.raises(ValueError, match="different headings"):
        domains_table(pd.DataFrame(rows), "Borough", "Borough")


def _same(k: int, m: int, published: float) -> bool:
    """Whether k/m is the published 4-decimal figure (an exact half, 2/64 = 0.03125, is published
    as 0.0312 for some authorities and 0.0313 for others, so either way is accepted)."""
    return abs(k / m - published) <= 0.00005 + 1e-9


def test_2025_authority_comparators_equal_the_published_summaries(official):
    """Every authority's share of LSOAs in each 2025 domain's most deprived 10% equals MHCLG's
    published ``proportion_bottom_decile`` (File 10, long form), for all 296 authorities, but for
    the one difference the IMD has too: the summaries count one LSOA that File 1 puts in West
    Northamptonshire (238 LSOAs) in Cherwell (237 and 103 instead of 238 and 102)."""
    from ccdata.analysis.domains import authority_shares
    from ccdata.geo import build
    from ccdata.geo.places import iod_lsoa21

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        iod = iod_lsoa21("iod2025", "official")
        published = build.table("iod2025_lad_summary", "official")
    ours = authority_shares(iod, "lad24_code")
    ours = ours[ours["area_code"] != "England"]
    domains = {"imd", "income", "employment", "education", "health", "crime", "barriers", "living_env"}
    merged = ours[ours["domain"].isin(domains)].merge(
        published, left_on=["area_code", "domain"], right_on=["lad24_code", "domain"], how="outer",
        indicator=True, validate="one_to_one")
    merged = merged[merged["domain"].isin(domains)]
    assert (merged["_merge"] == "both").all()
    assert merged["area_code"].nunique() == 296 and set(merged["domain"]) == domains
    differ = merged[[not _same(int(k), int(m), float(p)) for k, m, p in zip(
        merged["lsoas_most_deprived_10"], merged["lsoas"], merged["proportion_most_deprived_10"])]]
    assert set(differ["area_code"]) == {"E06000062", "E07000177"}, differ[["area_code", "domain"]]
    # one LSOA of File 1's West Northamptonshire, moved to Cherwell, explains every difference
    wn = iod[iod["lad24_code"] == "E06000062"]
    pub = published.set_index(["lad24_code", "domain"])["proportion_most_deprived_10"].astype(float)
    counts = ours.set_index(["area_code", "domain"])
    fits = []
    for _, lsoa in wn.iterrows():
        ok = True
        for d in domains:
            first = int(lsoa[f"{d}_decile"] == 1)
            k_wn, k_ch = int(counts.loc[("E06000062", d), "lsoas_most_deprived_10"]), int(
                counts.loc[("E07000177", d), "lsoas_most_deprived_10"])
            ok &= _same(k_wn - first, 237, pub[("E06000062", d)]) and _same(k_ch + first, 103, pub[("E07000177", d)])
        if ok:
            fits.append(lsoa["lsoa21_code"])
    assert fits, "no single LSOA moved from West Northamptonshire to Cherwell explains the published figures"


@pytest.mark.slow(reason="reports on Hartlepool from the official files (notebooks)")
def test_hartlepool_from_the_command_line_draws_every_lsoa_and_shows_the_2025_domains(official, tmp_path):
    """Done when: `ccdata report la:E06000001` (no regional boundary file) draws every Hartlepool
    LSOA, the key says the boundaries are super-generalised, GP practices and libraries are
    placed, and the dashboard shows the 2025 domains with their source named."""
    import ccdata
    from ccdata import cli
    from ccdata.geo import build
    from ccdata.views import assets as asset_view

    assert cli.main(["-q", "report", "la:E06000001", "--out", str(tmp_path / "site"),
                     "--views", "dashboard,assets"]) == 0
    folder = tmp_path / "site" / "la-e06000001"
    geo = build.table("lsoa21_geography", "official")
    expected = set(geo.loc[geo["lad24_code"] == "E06000001", "lsoa21_code"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        lsoas, _, wards = asset_view.layers(ccdata.place("la-e06000001"))
    assert set(lsoas["lsoa21_code"]) == expected and len(expected) == 57
    assert set(lsoas["generalisation"]) == {"BSC"}
    assets = (folder / "assets.html").read_text(encoding="utf-8")
    assert "are super-generalised" in assets and "Ward outlines are not drawn" in assets
    assert "GP practice (" in assets and "Library (" in assets
    dashboard = (folder / "dashboard.html").read_text(encoding="utf-8")
    assert "Domains of deprivation, 2025 beside 2019" in dashboard
    assert "Children and young people (education sub-domain)" in dashboard
    assert "a public copy of the official File 7" in dashboard
    # Hartlepool's published 2025 IMD share: 0.4211 of its 57 LSOAs, that is 24
    assert "42% (24 of 57)" in dashboard
    assert "10% in 2025 (3,375 of 33,755)" in dashboard  # England, computed, said once


def test_without_a_2025_domain_file_the_section_says_so(demo_data):
    """The demo country has IoD 2025 File 1 only: 2019's domains are shown, 2025's IMD alone, and the
    page says why rather than showing blanks as if they were figures."""
    import ccdata
    from ccdata.views import domains

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        blocks = domains.domains_section(ccdata.place("demo"))
    html = "".join(b.html for b in blocks)
    assert "The 2025 domains are not available here" in html
    assert "public copy" not in html.split("ccdata-adviser")[0]  # no source named for figures not shown
    assert "neither the official File 7 (iod2025_file7) nor the public copy" in html  # the adviser's note
