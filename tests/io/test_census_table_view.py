"""Nomis "table view" downloads: read as a second Census format, every problem listed."""
from __future__ import annotations

import csv
import gzip
import io
import re
import warnings

import pytest

from ccdata import config
from ccdata.errors import ValidationError
from ccdata.io.fetch import store_generated
from ccdata.io import exclusions, read

FOOTNOTE = (",,,,,\n,,,,,\n"
            ',"In order to protect against disclosure of personal information, records",,,,\n'
            ",have been swapped between different geographic areas and counts perturbed,,,,\n"
            ",by small amounts. Small counts at the lowest geographies will be most,,,,\n"
            ",affected.,,,,\n")
TITLE = ("TS011 - Households by deprivation dimensions,,,,,\n"
         "ONS Crown Copyright Reserved [from Nomis on 19 December 2024],,,,,\n"
         "Population :,All households,,,,\n"
         "Units      :,Households,,,,\n"
         "Date       :,2021,,,,\n"
         ",,,,,\n")
HEADER = ("2021 super output area - lower layer,Total: All households,%,"
          "Household is not deprived in any dimension,%,Household is deprived in one dimension,%\n"
          ",,,,,,\n")
# line 9 onwards (lines 1-6 title, 7 header, 8 blank)
ROWS = ["E01011954 : Hartlepool 001A,200,100,150,75,50,25\n",
        "E01011969 : Hartlepool 001B,100,100,40,40,60,60\n",
        "W01001898 : Merthyr Tydfil 008F,50,100,10,20,40,80\n"]


def _write(tmp_path, text: str, name: str = "view.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _good(rows=ROWS, footnote=FOOTNOTE, header=HEADER):
    return TITLE + header + "".join(rows) + footnote


def _problems(exc_info):
    return {(p.file, p.row, p.column): p.message for p in exc_info.value.problems}


def test_reads_counts_labels_and_lists_skipped_lines(tmp_path):
    path = _write(tmp_path, _good())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = read("census21_ts011", path)
    assert list(df.columns) == ["lsoa21_code", "lsoa21_name", "total", "household_is_not_deprived_in_any_dimension",
                                "household_is_deprived_in_one_dimension"]
    assert df["lsoa21_code"].tolist() == ["E01011954", "E01011969", "W01001898"]
    assert df["lsoa21_name"].tolist() == ["Hartlepool 001A", "Hartlepool 001B", "Merthyr Tydfil 008F"]
    assert df["total"].tolist() == [200, 100, 50] and str(df["total"].dtype) == "Int64"
    assert df.attrs["labels"]["household_is_deprived_in_one_dimension"] == "Household is deprived in one dimension"
    assert df.attrs["census_format"] == "table view"
    skipped = exclusions(df)
    assert 8 in skipped["row"].tolist()  # the blank line under the header
    assert (skipped["message"] == "footnote skipped").sum() == 4


def test_category_named_on_a_title_line_and_no_total(tmp_path):
    text = ("TS003 - Household composition,,\n"
            "ONS Crown Copyright Reserved [from Nomis on 25 June 2024],,\n"
            "Population :,All households,\nUnits      :,Households,\n"
            "Household composition:,Single family household: Lone parent family,\n,,\n"
            "2021 super output area - lower layer,2021,%\n,,\n"
            "E01011954 : Hartlepool 001A,188,19.5\nE01011969 : Hartlepool 001B,56,9.3\n" + FOOTNOTE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = read("census21_ts003", _write(tmp_path, text))
    assert list(df.columns) == ["lsoa21_code", "lsoa21_name", "single_family_household_lone_parent_family"]
    assert df["single_family_household_lone_parent_family"].tolist() == [188, 56]
    assert df.attrs["labels"] == {
        "single_family_household_lone_parent_family": "Single family household: Lone parent family"}


def test_footnote_missing(tmp_path):
    path = _write(tmp_path, _good(footnote=""))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    problems = _problems(exc)
    # named at the last data row (line 11), whole-file problem
    assert list(problems) == [("view.csv", 11, None)]
    assert "footnote" in problems[("view.csv", 11, None)] and "cut short" in problems[("view.csv", 11, None)]


def test_percent_column_missing(tmp_path):
    header = HEADER.replace("Household is not deprived in any dimension,%,", "Household is not deprived in any dimension,")
    rows = [re.sub(r"^([^,]+,[^,]+,[^,]+,[^,]+),[^,]+,", r"\1,", r) for r in ROWS]  # drop that % cell
    path = _write(tmp_path, _good(rows=rows, header=header))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    problems = _problems(exc)
    key = ("view.csv", 7, "Household is not deprived in any dimension")
    assert key in problems and "no '%' column" in problems[key]


def test_code_that_is_not_an_lsoa_2021(tmp_path):
    rows = ROWS[:2] + ["E02002483 : Hartlepool 001,50,100,10,20,40,80\n"]  # an MSOA code
    path = _write(tmp_path, _good(rows=rows))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    problems = [p for p in exc.value.problems]
    assert [(p.row, p.column, p.value) for p in problems] == [(11, "lsoa21_code", "E02002483")]


def test_lsoa_2011_code_named_as_such(tmp_path, use_data_dir):
    use_data_dir(tmp_path / "data")
    lookup = ("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n"
              "E01011954,Hartlepool 001A,E01011954,Hartlepool 001A,U,E06000001,Hartlepool,,1\n"
              "E01011969,Hartlepool 001B,E01011969,Hartlepool 001B,U,E06000001,Hartlepool,,2\n"
              "E01000500,Old 001A,E01033000,New 001A,S,E06000001,Hartlepool,,3\n")
    store_generated("lookup_lsoa11_lsoa21", {"lookup.csv": lookup.encode()}, collection=config.OFFICIAL,
                    source="test")
    rows = ROWS[:2] + ["E01000500 : Old 001A,50,100,10,20,40,80\n"]
    path = _write(tmp_path, _good(rows=rows))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    (problem,) = exc.value.problems
    assert problem.row == 11 and "LSOA 2011 code" in problem.message


def test_repeated_row(tmp_path):
    path = _write(tmp_path, _good(rows=ROWS + [ROWS[0]]))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (12, "lsoa21_code") and "duplicate row" in problem.message
    assert "row 9" in problem.message


def test_every_problem_listed_at_once(tmp_path):
    rows = [ROWS[0], "E01011969 : Hartlepool 001B,100,100,40,55,60,60\n",  # % disagrees with count/total
            "Hartlepool 001C,5,100,5,100,0,0\n", ROWS[0]]  # geography without a code; repeat
    path = _write(tmp_path, _good(rows=rows, footnote=""))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    problems = _problems(exc)
    assert ("view.csv", 10, "% after 'Household is not deprived in any dimension'") in problems
    assert "40.0% expected" in problems[("view.csv", 10, "% after 'Household is not deprived in any dimension'")]
    assert ("view.csv", 11, "2021 super output area - lower layer") in problems
    assert any("footnote" in m for m in problems.values())


def test_title_naming_another_table(tmp_path):
    path = _write(tmp_path, _good())
    with pytest.raises(ValidationError) as exc:
        read("census21_ts021", path)
    problems = _problems(exc)
    assert "names table TS011" in problems[("view.csv", 1, None)]


def test_count_text_and_suppression(tmp_path):
    rows = [ROWS[0], "E01011969 : Hartlepool 001B,100,100,forty,40,60,60\n"]
    path = _write(tmp_path, _good(rows=rows))
    with pytest.raises(ValidationError) as exc:
        read("census21_ts011", path)
    problems = _problems(exc)
    assert problems[("view.csv", 10, "household_is_not_deprived_in_any_dimension")] == "not a number"


# --------------------------------------------------------------------------- real files
TABLE_VIEWS = {
    "census21_ts011": ("nomis_ts011_lsoa_table_view.csv.gz", 6),
    "census21_ts021": ("nomis_ts021_lsoa_table_view.csv.gz", 6),
    "census21_ts003": ("nomis_ts003_lsoa_lone_parent_table_view.csv.gz", 1),
}


def _raw_table_view(path):
    """Data rows of a table view read with the standard library: {code: [counts]}."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    out = {}
    for row in csv.reader(io.StringIO(text)):
        if row and re.match(r"^[EW]01\d{6} : ", row[0]):
            out[row[0].split(" : ")[0]] = [int(row[i]) for i in range(1, len(row), 2) if row[i] != ""]
    return out


@pytest.mark.parametrize("dataset_id", list(TABLE_VIEWS))
def test_mirrored_table_views_read_every_lsoa(mirror_dir, dataset_id):
    name, n_counts = TABLE_VIEWS[dataset_id]
    path = mirror_dir / "census" / "nomis_table_view" / name
    raw = _raw_table_view(path)
    assert len(raw) == 35_672
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = read(dataset_id, path)
    assert len(df) == 35_672 and df["lsoa21_code"].is_unique
    counts = [c for c in df.columns if c not in ("lsoa21_code", "lsoa21_name")]
    assert len(counts) == n_counts
    assert all(str(df[c].dtype) == "Int64" for c in counts)
    loaded = dict(zip(df["lsoa21_code"], df[counts].astype(int).values.tolist()))
    assert loaded == raw
    assert df["lsoa21_code"].str.startswith("E").sum() == 33_755
