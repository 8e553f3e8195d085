"""IoD 2025 Files 2, 5, 10 and 11: registry rows and loaders, on workbooks made here.

The workbooks carry the published layout: a 'Notes' sheet first, official column
names (File 10/11 headers "IMD - Average score " with the published trailing space),
one sheet per index for Files 10 and 11. Expected values are the cells written.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ccdata import sources
from ccdata.dataset import IOD2025_LANDING
from ccdata.errors import ValidationError
from ccdata.io import read
from ccdata.io.iod import classify_la_summary

AREA25 = {"LSOA code (2021)": ["E01000001", "E01000002"],
          "LSOA name (2021)": ["City of London 001A", "City of London 001B"],
          "Local Authority District code (2024)": ["E09000001", "E09000001"],
          "Local Authority District name (2024)": ["City of London", "City of London"]}


def workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"Notes": ["English Indices of Deprivation 2025"]}).to_excel(xl, sheet_name="Notes", index=False)
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False)
    return path


def la_sheet(prefix: str, codes: list[str], names: list[str], area: str, values: list[list]) -> pd.DataFrame:
    columns = [f"{prefix} - Average rank ", f"{prefix} - Rank of average rank ", f"{prefix} - Average score ",
               f"{prefix} - Rank of average score ",
               f"{prefix} - Proportion of LSOAs in most deprived 10% nationally ",
               f"{prefix} - Rank of proportion of LSOAs in most deprived 10% nationally "]
    frame = pd.DataFrame(values, columns=columns)
    frame.insert(0, f"{area} name (2024)", names)
    frame.insert(0, f"{area} code (2024)", codes)
    return frame


def test_registry_rows_for_the_new_files():
    for file in ("file2", "file5", "file10", "file11"):
        d = sources.get(f"iod2025_{file}")
        assert d.landing_page == IOD2025_LANDING and d.route_kind == "govuk"
    assert sources.get("iod2025_file5").sheet == "IoD2025 Scores"
    assert sources.get("iod2025_file10").loader == sources.get("iod2025_file11").loader == "iod_la_summary"
    # File 10/11 have no recorded URL: the note says what to save by hand if the content API fails
    assert "File_10_IoD2025_Local_Authority_District_Summaries.xlsx" in sources.get("iod2025_file10").manual


def test_file2_domains(tmp_path):
    domains = ["Index of Multiple Deprivation (IMD)", "Income", "Employment", "Education, Skills and Training",
               "Health Deprivation and Disability", "Crime", "Barriers to Housing and Services",
               "Living Environment"]
    data = dict(AREA25)
    for i, d in enumerate(domains):
        data[f"{d} Rank (where 1 is most deprived)"] = [100 + i, 200 + i]
        data[f"{d} Decile (where 1 is most deprived 10% of LSOAs)"] = [1, 2]
    path = workbook(tmp_path / "File_2_IoD2025_Domains_of_Deprivation.xlsx", {"IoD2025 Domains": pd.DataFrame(data)})
    with pytest.warns(Warning):  # LSOA codes checked for pattern only (no lookup fetched here)
        frame = read("iod2025_file2", [path])
    assert frame["crime_rank"].tolist() == [105, 205]
    assert frame["living_env_decile"].tolist() == [1, 2]
    assert list(frame.columns[:4]) == ["lsoa21_code", "lsoa21_name", "lad24_code", "lad24_name"]


def test_file5_scores(tmp_path):
    data = dict(AREA25)
    data["Index of Multiple Deprivation (IMD) Score"] = [12.5, 40.25]
    for d in ["Income", "Employment", "Education, Skills and Training", "Health Deprivation and Disability",
              "Crime", "Barriers to Housing and Services", "Living Environment"]:
        data[f"{d} Score (rate)" if d in ("Income", "Employment") else f"{d} Score"] = [0.1, 0.2]
    path = workbook(tmp_path / "File_5_IoD2025_Scores_for_the_Indices_of_Deprivation.xlsx",
                    {"IoD2025 Scores": pd.DataFrame(data)})
    with pytest.warns(Warning):
        frame = read("iod2025_file5", [path])
    assert frame["imd_score"].tolist() == [12.5, 40.25]
    assert frame["income_score"].tolist() == [0.1, 0.2]


def test_file10_local_authority_summaries_long_form(tmp_path):
    codes, names = ["E06000001", "E09000012"], ["Hartlepool", "Hackney"]
    imd = la_sheet("IMD", codes, names, "Local Authority District",
                   [[23075.98, 30, 37.58, 6, 0.4211, 3], [20123.5, 45, 30.1, 20, 0.1, 60]])
    income = la_sheet("Income", codes, names, "Local Authority District",
                      [[22621.74, 32, 0.357, 18, 0.4035, 3], [21000.0, 40, 0.2, 50, 0.05, 90]])
    path = workbook(tmp_path / "File_10_IoD2025_Local_Authority_District_Summaries.xlsx",
                    {"IMD": imd, "Income": income})
    frame = read("iod2025_file10", [path])
    assert list(frame.columns[:3]) == ["lad24_code", "lad24_name", "domain"]
    assert len(frame) == 4
    hartlepool_imd = frame[(frame.lad24_code == "E06000001") & (frame.domain == "imd")].iloc[0]
    assert hartlepool_imd["average_score"] == pytest.approx(37.58)
    assert hartlepool_imd["rank_average_score"] == 6
    assert hartlepool_imd["prop_lsoas_10pc"] == pytest.approx(0.4211)
    assert pd.isna(hartlepool_imd["extent"])            # not published in this layout: left empty
    hackney_income = frame[(frame.lad24_code == "E09000012") & (frame.domain == "income")].iloc[0]
    assert hackney_income["rank_prop_lsoas_10pc"] == 90


def test_file11_upper_tier(tmp_path):
    sheet = la_sheet("IMD", ["E10000002"], ["Buckinghamshire"], "Upper Tier Local Authority District",
                     [[5000.5, 140, 11.2, 150, 0.0, 120]])
    frame = read("iod2025_file11", [workbook(tmp_path / "File_11_IoD2025.xlsx", {"IMD": sheet})])
    assert frame.columns[0] == "utla24_code" and frame["utla24_name"].tolist() == ["Buckinghamshire"]
    assert frame["rank_average_rank"].tolist() == [140]


def test_file10_missing_measure_is_named(tmp_path):
    imd = la_sheet("IMD", ["E06000001"], ["Hartlepool"], "Local Authority District",
                   [[23075.98, 30, 37.58, 6, 0.4211, 3]]).drop(columns=["IMD - Average score "])
    path = workbook(tmp_path / "File_10.xlsx", {"IMD": imd})
    with pytest.raises(ValidationError, match="average score"):
        read("iod2025_file10", [path])


def test_classify_la_summary_headers():
    assert classify_la_summary("IMD 2025 - Rank of extent") == ("imd", "rank_extent")
    assert classify_la_summary("IDACI - Average score") == ("idaci", "average_score")
    assert classify_la_summary("Living Environment - Rank of average rank") == ("living_env", "rank_average_rank")
    assert classify_la_summary("Local Authority District code (2024)") is None
