"""Loaders on the real published files (realdata) and on tiny hand-written files.

Expected values in the realdata tests are read from the raw files independently,
with the csv module, never from the loader's own output.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import warnings
import zipfile

import pandas as pd
import pytest

from ccdata.errors import DataQualityWarning
from ccdata.io import exclusions, load, read

HACKNEY, TAMESIDE, NORTH_TYNESIDE = "E09000012", "E08000008", "E08000022"


def _raw_rows(path, header_line=0):
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[header_line], rows[header_line + 1:]


def _quiet_load(dataset_id):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load(dataset_id)


# --------------------------------------------------------------------------- real files
@pytest.mark.realdata
def test_iod2019_files_load_every_lsoa(official, mirror_dir):
    f1 = _quiet_load("iod2019_file1")
    assert len(f1) == 32844 and f1["lsoa11_code"].is_unique
    assert list(f1.columns) == ["lsoa11_code", "lsoa11_name", "lad19_code", "lad19_name", "imd_rank", "imd_decile"]
    head, rows = _raw_rows(mirror_dir / "deprivation/iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    raw = {r[0]: r for r in rows}
    # the raw rank keeps Excel's thousands separator ("29,199")
    sample = ["E01000001", rows[-1][0], next(r[0] for r in rows if r[2] == HACKNEY)]
    for code in sample:
        got = f1.set_index("lsoa11_code").loc[code]
        assert got["imd_rank"] == int(raw[code][4].replace(",", ""))
        assert got["imd_decile"] == int(raw[code][5])
    assert f1["imd_rank"].min() == 1 and f1["imd_rank"].max() == 32844
    assert set(f1["imd_decile"]) == set(range(1, 11))
    f2 = _quiet_load("iod2019_file2")
    assert len(f2) == 32844
    assert (f2["imd_rank"].values == f1["imd_rank"].values).all()
    f6 = _quiet_load("iod2019_file6")
    _, rows6 = _raw_rows(mirror_dir / "deprivation/iod2019/File_6_-_IoD2019_Population_Denominators.csv.gz")
    assert f6["pop_total"].sum() == sum(int(r[4].replace(",", "")) for r in rows6)


@pytest.mark.realdata
def test_iod2025_xlsx_files(official):
    from ccdata.geo.build import table

    # the processed tables are these loaders' output on the same files (``load``, saved as Parquet),
    # made once per run for every official-data test: reading them does not parse both workbooks
    # again (8 s of CPU)
    f1 = table("iod2025_file1")
    assert len(f1) == 33755 and f1["lsoa21_code"].is_unique
    assert list(f1.columns[:4]) == ["lsoa21_code", "lsoa21_name", "lad24_code", "lad24_name"]
    assert f1["imd_rank"].min() == 1 and f1["imd_rank"].max() == 33755
    assert (f1.loc[f1["lad24_code"] == HACKNEY, "lsoa21_code"].size) == 149
    f3 = table("iod2025_file3")
    assert len(f3) == 33755
    merged = f1.merge(f3, on="lsoa21_code", suffixes=("", "_3"))
    assert (merged["imd_rank"] == merged["imd_rank_3"]).all()
    assert set(f3["idaci_decile"]) == set(range(1, 11))


@pytest.mark.realdata
def test_lookups(official, mirror_dir):
    w24 = _quiet_load("lookup_lsoa21_ward24")
    counts = w24["lad24_code"].value_counts()
    assert counts[HACKNEY] == 149 and counts[TAMESIDE] == 142 and counts[NORTH_TYNESIDE] == 133
    assert w24.loc[w24["lad24_code"] == NORTH_TYNESIDE, "ward24_code"].nunique() == 20
    ex = _quiet_load("lookup_lsoa11_lsoa21")
    head, rows = _raw_rows(mirror_dir / "lookups/national/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District"
                           "_(2022)_Exact_Fit_Lookup_for_EW_(V3).csv.gz")
    assert len(ex) == len(rows) == 35796
    assert ex["change"].value_counts().to_dict() == {"U": 33647, "S": 1900, "M": 239, "X": 10}
    assert ex.loc[ex["lad22_code"] == HACKNEY, "lsoa11_code"].nunique() == 144
    bf = _quiet_load("lookup_lsoa11_lsoa21_best_fit")
    assert len(bf) == 34753 and bf["lsoa11_code"].is_unique
    gm = _quiet_load("lookup_lsoa21_ward22")
    assert (gm["lad22_code"] == TAMESIDE).sum() == 142
    oa = _quiet_load("lookup_oa11_lsoa11")
    assert len(oa) == 227759


@pytest.mark.realdata
def test_census_tables(official, mirror_dir):
    ts007a = _quiet_load("census21_ts007a")
    head, rows = _raw_rows(mirror_dir / "census/census2021_lsoa/census2021-ts007a-lsoa.csv.gz")
    assert len(ts007a) == len(rows)
    first = ts007a.iloc[0]
    assert first["lsoa21_code"] == rows[0][2] and first["total"] == int(rows[0][3])
    assert first["aged_4_years_and_under"] == int(rows[0][4])
    assert ts007a.attrs["labels"]["aged_85_years_and_over"] == "Aged 85 years and over"
    age_cols = [c for c in ts007a.columns if c.startswith("aged_")]
    assert len(age_cols) == 18
    # five-year bands add up to the total in every LSOA (Nomis publishes them consistent)
    assert (ts007a[age_cols].sum(axis=1) == ts007a["total"]).all()
    ts037 = _quiet_load("census21_ts037")
    assert list(ts037.columns) == ["lsoa21_code", "lsoa21_name", "total", "very_good_health", "good_health",
                                   "fair_health", "bad_health", "very_bad_health"]
    ltla = _quiet_load("census21_ts007_ltla")
    assert list(ltla.columns[:3]) == ["ltla21_code", "ltla21_name", "total"]
    assert ltla.loc[ltla["ltla21_code"] == "E06000001", "total"].item() == 92334
    # E+W total as stated in the mirror's manifest
    assert ltla["total"].sum() == 59597608


@pytest.mark.realdata
def test_boundaries(official):
    lsoa = _quiet_load("boundaries_lsoa21")
    assert lsoa.crs.to_epsg() == 27700
    assert set(lsoa.geom_type) == {"MultiPolygon"} and lsoa.is_valid.all()
    assert lsoa["lsoa21_code"].is_unique
    # London shapefile 4,994 + Greater Manchester 1,702 + North Tyneside 133
    assert len(lsoa) == 4994 + 1702 + 133
    wards = _quiet_load("boundaries_ward23")
    assert len(wards) == 215 + 20
    nt = wards[wards["ward23_code"].between("E05001115", "E05001134")]
    assert len(nt) == 20 and nt["lad_code"].isna().all()
    assert (wards.loc[wards["ward23_name"] == "Ashton Hurst", "lad_code"] == TAMESIDE).all()
    # North Tyneside's area is about 81.6 km2 (manifest), in BNG metres
    assert 80e6 < nt.area.sum() < 83e6
    w24 = _quiet_load("boundaries_ward24")
    assert len(w24) == 20 and (w24["lad_code"] == NORTH_TYNESIDE).all()
    lad = _quiet_load("boundaries_lad22")
    assert len(lad) == 374 and lad.crs.to_epsg() == 27700
    london = _quiet_load("boundaries_ward18_london")
    assert len(london) == 633


@pytest.mark.realdata
def test_dwp_tables(official, mirror_dir):
    ward = _quiet_load("dwp_cilif_ward")
    assert list(ward.columns) == ["ward24_code", "ward24_name", "lad24_code", "lad24_name", "children_fye2024",
                                  "children_fye2025", "pct_fye2024", "pct_fye2025"]
    # raw line 4277: Hackney,E09000012,Cazenove,E05009368,"3,387","3,465",80.8%,82.0%
    _, rows = _raw_rows(mirror_dir / "low_income_families/dwp_cilif_fye2025/4_AHC_Relative_Ward.csv")
    cazenove = next(r for r in rows if len(r) > 3 and r[3] == "E05009368")
    got = ward.set_index("ward24_code").loc["E05009368"]
    assert got["children_fye2024"] == int(cazenove[4].replace(",", ""))
    assert got["pct_fye2025"] == pytest.approx(float(cazenove[7].rstrip("%")))
    assert (ward["lad24_code"] == HACKNEY).sum() == 21
    assert (ward["lad24_code"] == NORTH_TYNESIDE).sum() == 20
    assert ward.attrs["national"]["code"] == "K02000001"
    ex = exclusions(ward)
    assert (ex["message"] == "suppressed or unavailable cell set to missing").sum() > 0
    la = _quiet_load("dwp_cilif_la")
    nt = la.set_index("lad24_code").loc[NORTH_TYNESIDE]
    # raw line 27: North Tyneside,E08000022,"8,478","8,548",22.6%,22.9%,,,,
    _, la_rows = _raw_rows(mirror_dir / "low_income_families/dwp_cilif_fye2025/2_AHC_Relative_LA.csv")
    nt_raw = next(r for r in la_rows if len(r) > 5 and r[1] == NORTH_TYNESIDE)
    assert nt["children_fye2024"] == int(nt_raw[2].replace(",", "")) == 8478
    assert nt["children_fye2025"] == int(nt_raw[3].replace(",", ""))
    assert nt["pct_fye2024"] == pytest.approx(float(nt_raw[4].rstrip("%")))
    assert nt["pct_fye2025"] == pytest.approx(float(nt_raw[5].rstrip("%")))
    assert "K02000001" not in set(la["lad24_code"])


@pytest.mark.realdata
def test_services(official, mirror_dir):
    gp = _quiet_load("nhs_epraccur")
    rows = list(csv.reader(open(mirror_dir / "services/nhs_ods/epraccur.csv", encoding="utf-8", newline="")))
    assert len(gp) == len(rows)
    a81003 = gp.set_index("org_code").loc["A81003"]
    assert a81003["close_date"] == pd.Timestamp(2017, 10, 31) and a81003["status"] == "INACTIVE"
    assert a81003["role_code"] == "RO76" and pd.isna(a81003["prescribing_setting"])
    libs = _quiet_load("libraries_england")
    assert len(libs) == 3487
    first = libs.iloc[0]
    assert first["address"] == "2 Town Square, Barking, Essex" and first["postcode"] == "IG11 7NB"
    assert libs.loc[1, "closed"] == 2013


# --------------------------------------------------------------------------- tiny files
IOD19_HEADER = ("LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
                "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
                "Index of Multiple Deprivation (IMD) Decile\n")


def test_iod_csv_with_bom_and_thousands(tmp_path):
    path = tmp_path / "file1.csv"
    path.write_bytes(("\ufeff" + IOD19_HEADER + 'E01000001,City of London 001A,E09000001,City of London,"29,199",9\n'
                      "E01000002,City of London 001B,E09000001,City of London,3,1\n").encode("utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        df = read("iod2019_file1", path)
    assert df["imd_rank"].tolist() == [29199, 3]
    assert df["imd_decile"].tolist() == [9, 1]
    assert df.index.equals(pd.RangeIndex(2))


def test_iod_xlsx_sheet_chosen_by_columns(tmp_path):
    path = tmp_path / "File_3.xlsx"
    notes = pd.DataFrame({"Notes": ["About these data", "LSOA code (2011) is ..."]})
    cols = ["LSOA code (2021)", "LSOA name (2021)", "Local Authority District code (2024)",
            "Local Authority District name (2024)",
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
            "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
            "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)",
            "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)",
            "Income Deprivation Affecting Older People (IDAOPI) Rank (where 1 is most deprived)",
            "Income Deprivation Affecting Older People (IDAOPI) Decile (where 1 is most deprived 10% of LSOAs)"]
    data = pd.DataFrame([["E01000001", "A 001A", "E09000001", "A", 10, 1, 20, 1, 30, 1],
                         ["E01000002", "A 001B", "E09000001", "A", 40000, 10, 5, 1, 6, 1]], columns=cols)
    with pd.ExcelWriter(path) as xl:
        notes.to_excel(xl, sheet_name="Notes", index=False)
        data.to_excel(xl, sheet_name="IoD2025 IDACI & IDAOPI", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        df = read("iod2025_file3", path)
    assert list(df.columns) == ["lsoa21_code", "lsoa21_name", "lad24_code", "lad24_name", "imd_rank", "imd_decile",
                                "idaci_rank", "idaci_decile", "idaopi_rank", "idaopi_decile"]
    assert df["idaopi_rank"].tolist() == [30, 6]


def test_iod_file7_official_csv_layout(tmp_path):
    domains = ["Index of Multiple Deprivation (IMD)", "Income", "Employment", "Education, Skills and Training",
               "Health Deprivation and Disability", "Crime", "Barriers to Housing and Services",
               "Living Environment", "Income Deprivation Affecting Children Index (IDACI)",
               "Income Deprivation Affecting Older People (IDAOPI)"]
    header = ["LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
              "Local Authority District name (2019)"]
    values = ["E01000001", "City of London 001A", "E09000001", "City of London"]
    for i, d in enumerate(domains):
        header += [f"{d} Score", f"{d} Rank (where 1 is most deprived)",
                   f"{d} Decile (where 1 is most deprived 10% of LSOAs)"]
        values += [f"{i}.5", str(100 + i), str(1 + i % 10)]
    header += ["Children and Young People Sub-domain Score", "Total population: mid 2015 (excluding prisoners)",
               "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"]
    values += ["0.1", "1296", "175"]
    path = tmp_path / "File_7.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, values])
    path.write_text(buf.getvalue(), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        df = read("iod2019_file7", path)
    row = df.iloc[0]
    assert row["imd_score"] == 0.5 and row["imd_rank"] == 100
    assert row["living_env_decile"] == 8 and row["idaci_rank"] == 108 and row["idaopi_score"] == 9.5
    assert row["pop_total"] == 1296 and row["pop_0_15"] == 175 and pd.isna(row["pop_60_plus"])
    # sub-domains are read when present: this file has the children and young people score only
    assert row["cyp_score"] == 0.1 and pd.isna(row["cyp_rank"]) and pd.isna(row["outdoors_decile"])


def _nomis_zip(tmp_path, table="ts007a", level="lsoa"):
    body = ("date,geography,geography code,Age: Total,Age: Aged 4 years and under,Age: Aged 5 to 9 years,"
            "Age: Aged 10 to 14 years,Age: Aged 15 to 19 years\n"
            "2021,Demoton 001A,E01900001,30,10,20,0,0\n"
            "2021,Demoton 001B,E01900002,7,c,4,0,3\n")
    path = tmp_path / f"census2021-{table}.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"census2021-{table}-ctry.csv", "date,geography,geography code\n")
        zf.writestr(f"census2021-{table}-{level}.csv", body)
    return path


def test_census_reads_member_from_nomis_zip(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = read("census21_ts007a", _nomis_zip(tmp_path))
    assert list(df.columns) == ["lsoa21_code", "lsoa21_name", "total", "aged_4_years_and_under", "aged_5_to_9_years",
                                "aged_10_to_14_years", "aged_15_to_19_years"]
    assert df.attrs["labels"] == {"total": "Total", "aged_4_years_and_under": "Aged 4 years and under",
                                  "aged_5_to_9_years": "Aged 5 to 9 years", "aged_10_to_14_years": "Aged 10 to 14 years",
                                  "aged_15_to_19_years": "Aged 15 to 19 years"}
    assert df["total"].tolist() == [30, 7]
    assert pd.isna(df.loc[1, "aged_4_years_and_under"])
    ex = exclusions(df)
    assert ex[["row", "column", "value"]].values.tolist() == [[3, "aged_4_years_and_under", "c"]]
    assert any(issubclass(w.category, DataQualityWarning) for w in caught)


def test_census_ltla_measures_suffix(tmp_path):
    path = tmp_path / "census2021-ts007-ltla.csv"
    path.write_text('"date","geography","geography code","Age: Total; measures: Value",'
                    '"Age: Aged under 1 year; measures: Value"\n"2021","Hartlepool","E06000001",92334,918\n')
    df = read("census21_ts007_ltla", path)
    assert list(df.columns) == ["ltla21_code", "ltla21_name", "total", "aged_under_1_year"]
    assert df.attrs["labels"]["aged_under_1_year"] == "Aged under 1 year"


def test_lookup_from_arcgis_csv_lower_and_upper_case(tmp_path):
    # fetch.fetch_arcgis_layer writes the layer's fields in order, ObjectId included
    upper = tmp_path / "lookup_lsoa21_ward24.csv"
    upper.write_text("LSOA21CD,LSOA21NM,LSOA21NMW,WD24CD,WD24NM,WD24NMW,LAD24CD,LAD24NM,LAD24NMW,ObjectId\n"
                     "E01900001,Demoton 001A,,E05900001,Mill,,E06900001,Demoton,,1\n")
    lower = tmp_path / "gm.csv"
    lower.write_text("lsoa21cd,lsoa21nm,wd22cd,wd22nm,lad22cd,lad22nm\nE01900001,Demoton 001A,E05900001,Mill,"
                     "E06900001,Demoton\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        a = read("lookup_lsoa21_ward24", upper)
        b = read("lookup_lsoa21_ward22", lower)
    assert a.iloc[0].tolist() == ["E01900001", "Demoton 001A", "E05900001", "Mill", "E06900001", "Demoton"]
    assert list(b.columns) == ["lsoa21_code", "lsoa21_name", "ward22_code", "ward22_name", "lad22_code", "lad22_name"]


def _square(x0, y0, size=0.001):
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


def test_boundaries_geojson_subsets_concatenated(tmp_path):
    arcgis = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"WD23CD": "E05900001", "WD23NM": "Mill", "LAD22CD": "E06900001"},
         "geometry": {"type": "Polygon", "coordinates": _square(-1.5, 55.0)}}]}
    renamed = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_code": "E05900002", "area_name": "Quay"},
         # two squares whose ring touches itself at one corner: invalid as published, and
         # make_valid splits it there without changing the area (a harmless repair, recorded)
         "geometry": {"type": "Polygon", "coordinates": [[[-1.5, 55.01], [-1.495, 55.01], [-1.495, 55.015],
                                                          [-1.49, 55.015], [-1.49, 55.02], [-1.495, 55.02],
                                                          [-1.495, 55.015], [-1.5, 55.015], [-1.5, 55.01]]]}}]}
    a, b = tmp_path / "a.geojson", tmp_path / "b.geojson.gz"
    a.write_text(json.dumps(arcgis))
    b.write_bytes(gzip.compress(json.dumps(renamed).encode()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        gdf = read("boundaries_ward23", [a, b])
    assert gdf.crs.to_epsg() == 27700
    assert gdf["ward23_code"].tolist() == ["E05900001", "E05900002"]
    assert gdf["lad_code"].tolist()[0] == "E06900001" and pd.isna(gdf["lad_code"].tolist()[1])
    assert set(gdf.geom_type) == {"MultiPolygon"} and gdf.is_valid.all()
    assert gdf.attrs["repaired"] == 1
    (repair,) = gdf.attrs["repairs"]
    assert (repair["file"], repair["feature"], repair["code"]) == ("b.geojson.gz", 1, "E05900002")
    assert repair["change"] < 1e-6 and gdf.geometry.iloc[1].geom_type == "MultiPolygon"
    assert len(gdf.geometry.iloc[1].geoms) == 2
    assert exclusions(gdf).empty
    # a 0.001 degree square near 55N is about 64 m x 111 m
    assert 5000 < gdf.area.iloc[0] < 9000


def test_dwp_title_lines_and_percent(tmp_path):
    path = tmp_path / "2_AHC_Relative_LA.csv"
    path.write_text('"Table 2: Number and Percentage of Children",,,,,,\nBack to Contents,,,,,,\n'
                    'Local Authority [note 2],Area Code,"Number of children \nFYE 2024","Number of children \nFYE 2025",'
                    '"Percentage of children \nFYE 2024\n(%)\n[note 3]","Percentage of children \nFYE 2025\n(%)\n[note 3]",\n'
                    'United Kingdom [note 4],K02000001,"3,296,672","3,269,339",26.3%,26.0%,\n'
                    'Demoton,E06900001,"1,234",[low],40.5%,[x],\n,,,,,,\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        df = read("dwp_cilif_la", path)
    assert df.loc[0, "children_fye2024"] == 1234 and df.loc[0, "pct_fye2024"] == 40.5
    assert list(df.columns) == ["lad24_code", "lad24_name", "children_fye2024", "children_fye2025",
                                "pct_fye2024", "pct_fye2025"]
    assert pd.isna(df.loc[0, "children_fye2025"]) and pd.isna(df.loc[0, "pct_fye2025"])
    ex = exclusions(df)
    # the header holds 8 line breaks inside quotes, so it spans lines 3-11:
    # UK row on line 12, Demoton on 13 (two suppressed cells), blank line 14
    assert sorted(ex["row"].tolist()) == [12, 13, 13, 14]
    assert df.attrs["national"]["children_fye2024"] == 3296672


def test_gias_cp1252(tmp_path):
    header = ('"URN","LA (code)","LA (name)","EstablishmentName","TypeOfEstablishment (name)",'
              '"EstablishmentTypeGroup (name)","EstablishmentStatus (name)","PhaseOfEducation (name)",'
              '"NumberOfPupils","PercentageFSM","OfstedRating (name)","Postcode","Easting","Northing",'
              '"LSOA (code)","AdministrativeWard (code)"\n')
    row = ('"100001","900","Demoton","St Mary\x92s C of E Primary School","Voluntary aided school",'
           '"Local authority maintained schools","Open","Primary","210","SUPP","Good","de1 1aa","430000","560000",'
           '"E01900001","E05900001"\n')
    path = tmp_path / "edubasealldata20250101.csv"
    path.write_bytes((header + row).encode("latin-1"))
    with pytest.warns(DataQualityWarning, match="Windows-1252"):
        df = read("dfe_gias", path)
    assert df.loc[0, "name"] == "St Mary\u2019s C of E Primary School"
    assert df.loc[0, "postcode"] == "DE1 1AA" and df.loc[0, "pupils"] == 210
    assert pd.isna(df.loc[0, "pct_fsm"]) and df.loc[0, "easting"] == 430000


def test_epraccur_old_layout_prescribing_setting(tmp_path):
    fields = ["A81001", "THE SURGERY", "Y63", "QHM", "1 HIGH ST", "", "", "TOWN", "", "ts18 1hu", "19740401", "",
              "A", "B", "16C", "20200401", "", "01642 000000", "", "", "", "0", "", "16C", "", "4", ""]
    path = tmp_path / "epraccur.csv"
    path.write_text(",".join(f'"{f}"' for f in fields) + "\n")
    df = read("nhs_epraccur", path)
    assert df.loc[0, "status"] == "ACTIVE" and df.loc[0, "prescribing_setting"] == "4"
    assert pd.isna(df.loc[0, "role_code"]) and df.loc[0, "postcode"] == "TS18 1HU"
    assert df.loc[0, "open_date"] == pd.Timestamp(1974, 4, 1)
