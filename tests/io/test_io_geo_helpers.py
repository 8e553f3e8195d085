"""The helpers io, geo and core share with other modules: public, documented, and checking what they get."""
from __future__ import annotations

import csv
import gc
import io

import numpy as np
import pandas as pd
import pytest

from ccdata import config
from ccdata.dataset import census_dataset
from ccdata.errors import PlaceError
from ccdata.geo.boundshift import shift_sentence
from ccdata.geo.geography import is_whole, weights_series
from ccdata.geo.places import read_definitions
from ccdata.io.iod import measure_schema
from ccdata.io.local.assets import ASSET_COLUMNS, finish_asset_table, join_details
from ccdata.io.local.network import check_organisations
from ccdata.io.local.survey import check_questions, wave_order
from ccdata.io.tables import blank_rows, gc_paused, read_csv_lines, read_records
from ccdata.schemas import LSOA_CODE


def test_check_collection_names_the_known_collections():
    assert config.check_collection("demo") == "demo"
    with pytest.raises(ValueError, match=r"unknown data collection 'nope'; expected one of \('official', 'demo'\)"):
        config.check_collection("nope")


def test_blank_rows_lists_inner_blanks_each_and_the_trailing_run_once():
    problems = blank_rows("f.csv", [3, 7, 8, 9], last_line=9)
    assert [(p.row, p.message) for p in problems] == [
        (3, "blank row skipped"),
        (7, "3 blank rows at the end of the file skipped (rows 7-9)"),
    ]
    # one blank line at the very end is an ordinary blank row
    assert [(p.row, p.message) for p in blank_rows("f.csv", [5], last_line=5)] == [(5, "blank row skipped")]
    with pytest.raises(TypeError, match="whole line numbers"):
        blank_rows("f.csv", ["3"], last_line=9)


def test_join_details_keeps_only_parts_that_say_something():
    assert join_details(["Tel. 01", None, float("nan"), "  ", pd.NA, "Open Mon"]) == "Tel. 01; Open Mon"
    assert join_details([None]) == ""
    with pytest.raises(TypeError, match="list of parts"):
        join_details("Tel. 01")


def test_finish_asset_table_makes_ids_and_labels_and_refuses_a_missing_column():
    frame = pd.DataFrame({"source": ["GP list"], "source_ref": [7], "name": ["Surgery"], "category": ["gp_practice"],
                          "subtype": [None], "address": [None], "postcode": ["DM1 1AA"], "website": [None],
                          "details": [""], "easting": ["100"], "northing": [None], "phase": ["x"]})
    out = finish_asset_table(frame, ("phase",))
    assert list(out.columns) == [*ASSET_COLUMNS, "phase"]
    assert out.at[0, "asset_id"] == "GP list:7" and out.at[0, "category_label"] == "GP practice"
    assert str(out["easting"].dtype) == "Float64" and out.at[0, "easting"] == 100.0
    assert pd.isna(out.at[0, "northing"])
    with pytest.raises(ValueError, match="frame has no column 'postcode'"):
        finish_asset_table(frame.drop(columns="postcode"))
    with pytest.raises(TypeError, match="pandas DataFrame"):
        finish_asset_table([frame])


def test_check_questions_and_organisations_name_the_reader_to_use():
    with pytest.raises(ValueError, match=r"questions \(the table returned by load_questions\(\)\) has no column "
                                         r"'positive'"):
        check_questions(pd.DataFrame(columns=["question_id", "question_text", "type", "options"]))
    with pytest.raises(ValueError, match=r"read_organisations\(\)\) has no column 'core_team'"):
        check_organisations(pd.DataFrame(columns=["org_id", "name", "label", "sector"]))
    with pytest.raises(TypeError, match="organisations must be a pandas DataFrame"):
        check_organisations({"org_id": []})


def test_wave_order_is_by_first_date_then_undated_waves_as_they_appear():
    responses = pd.DataFrame({"wave": ["Spring", "Autumn", "Later", "Spring", "Unknown"],
                              "wave_date": pd.to_datetime(["2024-03-01", "2023-10-01", None, "2024-02-01", None])})
    assert wave_order(responses) == ["Autumn", "Spring", "Later", "Unknown"]
    with pytest.raises(ValueError, match="wave_date"):
        wave_order(responses[["wave"]])


def test_weights_series_reads_mappings_and_refuses_bad_weights():
    w = weights_series({"E1": 1, "E2": 3}, "w", "lsoa21_code")
    assert w.to_dict() == {"E1": 1.0, "E2": 3.0} and w.dtype == "float64"
    assert weights_series(None, "w", "lsoa21_code") is None
    two = pd.DataFrame({"lsoa21_code": ["E1"], "pop": [5]})
    assert weights_series(two, "w", "lsoa21_code").to_dict() == {"E1": 5.0}
    with pytest.raises(TypeError, match="not a DataFrame"):
        weights_series(two.assign(extra=1), "w", "lsoa21_code")
    with pytest.raises(ValueError, match="negative weight"):
        weights_series({"E1": -1}, "w", "lsoa21_code")
    with pytest.raises(ValueError, match="repeats lsoa21_code"):
        weights_series(pd.Series([1, 2], index=["E1", "E1"]), "w", "lsoa21_code")


def test_is_whole_ignores_missing_values_and_refuses_text():
    assert is_whole(np.array([1.0, 2.0, np.nan]))
    assert not is_whole(np.array([1.0, 2.5]))
    assert is_whole(np.array([3, 4]))
    with pytest.raises(TypeError, match="needs numbers"):
        is_whole(np.array(["1", "2"]))


def test_measure_schema_declares_each_kind_of_iod_column():
    cols = measure_schema({"lsoa21_code": "LSOA code (2021)", "lad24_code": "LAD code", "lad24_name": "LAD name"},
                          ["imd_rank", "imd_decile", "imd_score", "pop_total", "pop_0_15"], optional=("imd_score",))
    assert cols["lsoa21_code"].pattern == LSOA_CODE
    assert cols["lad24_code"].pattern is not None and cols["lad24_name"].pattern is None
    assert (cols["imd_rank"].dtype, cols["imd_rank"].ge, cols["imd_rank"].nullable) == ("int", 1, False)
    assert (cols["imd_decile"].ge, cols["imd_decile"].le) == (1, 10)
    assert cols["imd_score"].dtype == "float" and cols["imd_score"].nullable
    assert not cols["pop_total"].nullable and cols["pop_0_15"].nullable and cols["pop_0_15"].ge == 0
    with pytest.raises(TypeError, match="column names as text"):
        measure_schema({"lsoa21_code": "x"}, [1])


def test_census_dataset_names_its_level_and_refuses_an_unknown_one():
    row = census_dataset("TS999", "test table", ("A: Total",), mirrored=True, level="ltla")
    assert row.id == "census21_ts999_ltla" and row.geography == "ltla21"
    assert row.expected_columns == ("date", "geography", "geography code", "A: Total")
    assert row.mirror_paths == ("census/census2021_ltla/census2021-ts999-ltla.csv.gz",)
    with pytest.raises(ValueError, match="Census level must be one of"):
        census_dataset("TS999", "test table", level="msoa")


def test_read_definitions_reads_one_place_file(tmp_path):
    path = tmp_path / "places.yaml"
    path.write_text("my-place:\n  title: Mine\n", encoding="utf-8")
    assert read_definitions(path) == {"my-place": {"title": "Mine"}}
    with pytest.raises(PlaceError, match="not found"):
        read_definitions(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("My Place:\n  title: Mine\n", encoding="utf-8")
    with pytest.raises(PlaceError, match="not allowed"):
        read_definitions(bad)


def test_shift_sentence_names_the_table_it_needs():
    with pytest.raises(ValueError, match=r"shift \(the lsoa21_boundary_shift table\) has no column 'postcodes'"):
        shift_sentence(pd.DataFrame({"region": ["All"]}))


def test_read_records_gives_each_record_and_the_line_it_starts_on():
    text = 'a,b\n1,"two\nlines"\n\n3;x,4\r\n5,6'
    rows, starts = read_records(text)
    assert rows == [["a", "b"], ["1", "two\nlines"], [], ["3;x", "4"], ["5", "6"]]
    assert starts == [1, 2, 4, 5, 6]
    assert read_records('a,b\n"two\nlines",1\nz,2\n')[1] == [1, 2, 4]
    assert read_records("a;b\n1;2", ";") == ([["a", "b"], ["1", "2"]], [1, 2])
    # without a quotation mark (one record per line): line endings of every kind, a lone carriage
    # return too, and blank lines; the same lines as the counting pass gives the text behind a
    # quoted first line
    for plain, expected in (("a,b\r1,2\r\n\n3,4\n", [1, 2, 3, 4]), ("x\n\n\ny\rz", [1, 2, 3, 4, 5]),
                            ("", []), ("\n", [1])):
        rows, starts = read_records(plain)
        assert rows == list(csv.reader(io.StringIO(plain, newline="")))
        assert starts == expected, plain
        counted_rows, counted = read_records('"q"\n' + plain)
        assert counted_rows[1:] == rows and [n - 1 for n in counted[1:]] == expected, plain
    with pytest.raises(TypeError, match="decoded text"):
        read_records(text.encode())


def test_readers_hold_off_the_garbage_collector_only_while_they_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,n\nA,1\n\nB,2\n", encoding="utf-8")
    seen = []
    with gc_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    frame, exclusions, _ = read_csv_lines(path, required=("code",))
    assert gc.isenabled() and list(frame["code"]) == ["A", "B"] and [p.row for p in exclusions] == [3]
    with pytest.raises(TypeError):
        read_records(b"bytes")
    assert gc.isenabled()  # put back after a failure too
    gc.disable()
    try:
        read_records("a\n")
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()
