"""Bad input gives a specific error (or a listed exclusion) naming file, row and column."""
from __future__ import annotations

import warnings

import pytest

from ccdata import config
from ccdata.errors import DataQualityWarning, MissingDataError, ValidationError
from ccdata.io.fetch import store_generated
from ccdata.io import exclusions, read

IOD19 = ("LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
         "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
         "Index of Multiple Deprivation (IMD) Decile\n")
IOD25 = IOD19.replace("2011", "2021").replace("(2019)", "(2024)")

# A tiny exact-fit lookup: E01900001 unchanged; E01900002 (2011) split into
# E01900003 and E01900004 (2021).
LOOKUP = ("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n"
          "E01900001,Demoton 001A,E01900001,Demoton 001A,U,E06900001,Demoton,,1\n"
          "E01900002,Demoton 001B,E01900003,Demoton 001C,S,E06900001,Demoton,,2\n"
          "E01900002,Demoton 001B,E01900004,Demoton 001D,S,E06900001,Demoton,,3\n")


def _problems(exc_info):
    return [str(p) for p in exc_info.value.problems]


def test_renamed_column_names_the_close_match(tmp_path):
    path = tmp_path / "file1.csv"
    path.write_text(IOD19.replace("LSOA name (2011)", "LSOA name 2011") + "E01900001,A,E06900001,D,5,1\n")
    with pytest.raises(ValidationError) as exc:
        read("iod2019_file1", path)
    (problem,) = exc.value.problems
    assert problem.file == "file1.csv" and problem.column == "LSOA name (2011)"
    assert "'LSOA name 2011' (renamed?)" in problem.message


def test_missing_measure_column(tmp_path):
    path = tmp_path / "file1.csv"
    path.write_text(IOD19.replace(",Index of Multiple Deprivation (IMD) Decile", "") + "E01900001,A,E06900001,D,5\n")
    with pytest.raises(ValidationError) as exc:
        read("iod2019_file1", path)
    assert [p.column for p in exc.value.problems] == [
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"]


def test_lsoa11_code_where_2021_expected(with_lookup):
    path = with_lookup / "iod25.csv"
    path.write_text(IOD25 + "E01900001,A,E06900001,D,1,1\nE01900002,B,E06900001,D,2,1\nE01900099,C,E06900001,D,3,1\n")
    with pytest.raises(ValidationError) as exc:
        read("iod2025_file1", path)
    rows = {(p.row, p.column): p.message for p in exc.value.problems}
    assert set(rows) == {(3, "LSOA code (2021)"), (4, "LSOA code (2021)")}
    assert "LSOA 2011 code where LSOA 2021 is expected" in rows[(3, "LSOA code (2021)")]
    assert "does not exist in LSOA 2021" in rows[(4, "LSOA code (2021)")]


def test_lsoa21_code_where_2011_expected(with_lookup):
    path = with_lookup / "iod19.csv"
    path.write_text(IOD19 + "E01900001,A,E06900001,D,1,1\nE01900003,B,E06900001,D,2,1\n")
    with pytest.raises(ValidationError) as exc:
        read("iod2019_file1", path)
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.value) == ("iod19.csv", 3, "E01900003")
    assert "LSOA 2021 code where LSOA 2011 is expected" in problem.message


def test_census_codes_checked_against_lookup(with_lookup):
    path = with_lookup / "census2021-ts037-lsoa.csv"
    path.write_text("date,geography,geography code,General health: Total: All usual residents,"
                    "General health: Very good health,General health: Good health,General health: Bad health,"
                    "General health: Very bad health\n2021,A,E01900002,5,5,0,0,0\n2021,B,E01900003,4,4,0,0,0\n")
    with pytest.raises(ValidationError) as exc:
        read("census21_ts037", path)
    (problem,) = exc.value.problems
    assert problem.row == 2 and problem.column == "geography code" and "LSOA 2011 code" in problem.message


def test_malformed_codes_and_bad_deciles(tmp_path):
    path = tmp_path / "file1.csv"
    path.write_text(IOD19 + "E0100001,A,E06900001,D,1,1\nE01900002,B,E06900001,D,0,11\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError) as exc:
            read("iod2019_file1", path)
    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {(2, "lsoa11_code"), (3, "imd_rank"), (3, "imd_decile")}


def test_duplicate_rows_name_the_first(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM\n"
                    "E01900001,A,E05900001,W,E06900001,D\nE01900002,B,E05900001,W,E06900001,D\n"
                    "E01900001,A,E05900002,X,E06900001,D\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError) as exc:
            read("lookup_lsoa21_ward24", path)
    (problem,) = exc.value.problems
    assert problem.row == 4 and "same lsoa21_code as row 2" in problem.message


def test_overlapping_subsets_reported_as_duplicates(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("lsoa21cd,lsoa21nm,wd22cd,wd22nm,lad22cd,lad22nm\nE01900001,A,E05900001,W,E06900001,D\n")
    b.write_text("lsoa21cd,lsoa21nm,wd22cd,wd22nm,lad22cd,lad22nm\nE01900002,B,E05900001,W,E06900001,D\n"
                 "E01900001,A,E05900001,W,E06900001,D\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError) as exc:
            read("lookup_lsoa21_ward22", [a, b])
    (problem,) = exc.value.problems
    assert (problem.file, problem.row) == ("b.csv", 3) and "a.csv row 2" in problem.message


def test_census_suppression_markers_listed(tmp_path):
    path = tmp_path / "census2021-ts037-lsoa.csv"
    path.write_text("date,geography,geography code,General health: Total: All usual residents,"
                    "General health: Very good health,General health: Bad health,General health: Good health,"
                    "General health: Very bad health\n"
                    "2021,A,E01900001,10,x,:,1,1\n2021,B,E01900002,[c],3,1,1,1\n")
    with pytest.warns(DataQualityWarning, match="3 cell"):
        df = read("census21_ts037", path)
    assert df["very_good_health"].isna().tolist() == [True, False]
    ex = exclusions(df)
    assert sorted(ex[["row", "column", "value"]].values.tolist()) == [
        [2, "bad_health", ":"], [2, "very_good_health", "x"], [3, "total", "[c]"]]


def test_text_in_count_column_is_an_error(tmp_path):
    path = tmp_path / "census2021-ts037-lsoa.csv"
    path.write_text("date,geography,geography code,General health: Total: All usual residents,"
                    "General health: Very good health,General health: Good health,General health: Bad health,"
                    "General health: Very bad health\n2021,A,E01900001,ten,1,1,1,1\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(ValidationError) as exc:
            read("census21_ts037", path)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "total", "ten")


def test_cp1252_text_decoded_with_warning(tmp_path):
    path = tmp_path / "libraries.csv"
    path.write_bytes("name,address1,authority,postcode,type\nCaf\xe9 Library,1 Rue,Demoton,DE1 1AA,Static Library\n"
                     .encode("cp1252"))
    with pytest.warns(DataQualityWarning, match="row 2.*Windows-1252"):
        df = read("libraries_england", path)
    assert df.loc[0, "name"] == "Café Library"


def test_blank_lines_listed(tmp_path):
    path = tmp_path / "file1.csv"
    path.write_text(IOD19 + "E01900001,A,E06900001,D,1,1\n\n,,,,,\nE01900002,B,E06900001,D,2,1\n")
    with pytest.warns(DataQualityWarning):
        df = read("iod2019_file1", path)
    assert len(df) == 2
    assert exclusions(df)[["row", "message"]].values.tolist() == [[3, "blank row skipped"], [4, "blank row skipped"]]


def test_thousands_separators(tmp_path):
    path = tmp_path / "file6.csv"
    path.write_text("LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
                    "Local Authority District name (2019),Total population: mid 2015 (excluding prisoners),"
                    "Dependent Children aged 0-15: mid 2015 (excluding prisoners),"
                    "Population aged 16-59: mid 2015 (excluding prisoners),"
                    "Older population aged 60 and over: mid 2015 (excluding prisoners),"
                    "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)\n"
                    'E01900001,A,E06900001,D,"1,296",175,656,465,715\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        df = read("iod2019_file6", path)
    assert df.loc[0, "pop_total"] == 1296 and df.loc[0, "pop_working_age"] == 715


def test_bad_change_indicator_and_inconsistent_unchanged(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM\n"
                    "E01900001,A,E01900005,A,U,E06900001,D\nE01900002,B,E01900002,B,Q,E06900001,D\n")
    with pytest.raises(ValidationError) as exc:
        read("lookup_lsoa11_lsoa21", path)
    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {(2, "CHGIND"), (3, "change")}


def test_boundary_without_code_property(tmp_path):
    path = tmp_path / "b.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"foo": "E05900001"},'
                    ' "geometry": {"type": "Point", "coordinates": [0, 51]}}]}')
    with pytest.raises(ValidationError) as exc:
        read("boundaries_ward24", path)
    assert exc.value.problems[0].column == "WD24CD" and "foo" in exc.value.problems[0].message


def test_shapefile_without_sidecars(tmp_path):
    path = tmp_path / "lsoa.shp"
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(ValidationError, match=r"\.shx, \.dbf"):
        read("boundaries_lsoa21", path)


def test_missing_file(tmp_path):
    with pytest.raises(MissingDataError, match="nope.csv"):
        read("iod2019_file1", tmp_path / "nope.csv")


def test_epraccur_bad_date(tmp_path):
    fields = ["A81001", "X", "Y63", "QHM", "1 ST", "", "", "T", "", "TS18 1HU", "1974-04-01", "", "ACTIVE", "B", "16C",
              "", "", "", "", "", "", "1", "", "16C", "", "RO76", ""]
    path = tmp_path / "epraccur.csv"
    path.write_text(",".join(f'"{f}"' for f in fields) + "\n")
    with pytest.raises(ValidationError) as exc:
        read("nhs_epraccur", path)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (1, "open_date", "1974-04-01")


def test_demo_collection_checks_against_demo_lookup(tmp_path, use_data_dir):
    """Files under data/raw/demo are checked against the demo lookup, not the official one."""
    use_data_dir(tmp_path / "data")
    store_generated("lookup_lsoa11_lsoa21", {"lookup.csv": LOOKUP.encode()}, collection=config.DEMO, source="test")
    (path,) = store_generated("iod2025_file1", {"f.csv": (IOD25 + "E01900002,B,E06900001,D,2,1\n").encode()},
                              collection=config.DEMO, source="test")
    with pytest.raises(ValidationError, match="LSOA 2011 code where LSOA 2021"):
        read("iod2025_file1", path)


def test_trailing_blank_rows_are_listed_once_and_inner_blanks_each(tmp_path):
    from ccdata.io.tables import read_csv_lines

    path = tmp_path / "padded.csv"
    path.write_text("a,b\n1,2\n\n3,4\n" + "\n" * 200, encoding="utf-8")
    frame, exclusions, _ = read_csv_lines(path, required=("a",))
    assert list(frame.index) == [2, 4]
    assert [(e.row, e.message) for e in exclusions] == [
        (3, "blank row skipped"),
        (5, "200 blank rows at the end of the file skipped (rows 5-204)")]


def test_headerless_row_with_wrong_cell_count_is_reported(tmp_path):
    from ccdata.io.tables import read_csv_lines

    path = tmp_path / "epraccur.csv"
    path.write_text('"A1","N","X"\n"A2","N"\n"A3","N","X","extra"\n', encoding="utf-8")
    frame, exclusions, _ = read_csv_lines(path, header=False, names=["code", "name", "group"])
    assert len(frame) == 3  # kept (read by position), but each misfit row is named
    assert [e.row for e in exclusions] == [2, 3]
    assert all("misaligned" in e.message for e in exclusions)
