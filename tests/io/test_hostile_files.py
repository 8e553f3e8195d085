"""Messy and hostile input files: nothing is lost without a word.

Every physical line after the header is either a row read, part of a row (a quoted
cell over several lines, listed), or a blank line (listed); the counts always add up.
"""
from __future__ import annotations

import csv
import io
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccdata.errors import DataQualityWarning, ValidationError
from ccdata.io.tables import read_csv_lines
from ccdata.io.local import read_table

HEADER = "name,postcode,notes\n"
ROWS = [f"Club {i},DE{i} 1AB,open daily\n" for i in range(1, 11)]


def _write(tmp_path, text, name="assets.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def _accounted(frame) -> bool:
    lines = frame.attrs["lines"]
    return lines["rows"] + lines["continuation_lines"] + lines["blank_lines"] == lines["data_lines"]


def test_a_stray_quote_is_reported_with_file_line_and_reason(tmp_path):
    rows = list(ROWS)
    rows[4] = '"Club 5,DE5 1AB,open daily\n'          # line 6: a quote that is never closed
    frame, problems, display = read_csv_lines(_write(tmp_path, HEADER + "".join(rows)))
    # lines 2-5 are read, line 6 swallows lines 6-11 into one row
    assert list(frame.index) == [2, 3, 4, 5, 6]
    assert frame.loc[2, "name"] == "Club 1" and frame.loc[5, "name"] == "Club 4"
    [p] = [p for p in problems if p.row == 6]
    assert p.file == "assets.csv" and "lines 6-11" in p.message and "unbalanced" in p.message
    assert _accounted(frame) and frame.attrs["lines"]["data_lines"] == 10


def test_a_quoted_address_over_two_lines_is_one_row(tmp_path):
    text = HEADER + 'Club A,"DE1 1AB","Hall\nBack door"\nClub B,DE2 2AB,x\n'
    frame, problems, _ = read_csv_lines(_write(tmp_path, text))
    assert list(frame.index) == [2, 4] and frame.loc[2, "notes"] == "Hall\nBack door"
    assert [p.row for p in problems] == [2] and "unbalanced" not in problems[0].message
    assert _accounted(frame)


def test_semicolons_are_detected_with_a_hint(tmp_path):
    text = HEADER.replace(",", ";") + "".join(r.replace(",", ";") for r in ROWS[:3])
    frame, problems, _ = read_csv_lines(_write(tmp_path, text))
    assert list(frame.columns) == ["name", "postcode", "notes"] and len(frame) == 3
    assert any("semicolons" in p.message for p in problems)


def test_bom_before_windows_1252_text(tmp_path):
    data = b"\xef\xbb\xbf" + (HEADER + "Caf\xe9 Kids,DE1 1AB,x\n").encode("cp1252")
    with pytest.warns(DataQualityWarning, match="Windows-1252"):
        frame, _, _ = read_csv_lines(_write(tmp_path, data), required=("name",))
    assert list(frame.columns) == ["name", "postcode", "notes"]
    assert frame.loc[2, "name"] == "Café Kids"


@pytest.mark.parametrize("data,kind", [(b"PK\x03\x04" + b"\x00" * 40, "zip archive"),
                                       (b"\xd0\xcf\x11\xe0" + b"\x00" * 40, "Excel (.xls)"),
                                       (bytes(range(256)) * 4, "binary")])
def test_binary_content_named_csv(tmp_path, data, kind):
    with pytest.raises(ValidationError) as info:
        read_table(_write(tmp_path, data), what="asset list")
    assert "assets.csv" in str(info.value) and "not a text CSV" in str(info.value) or "zip archive" in str(info.value)
    assert "None" not in str(info.value)


def test_workbook_whose_matching_sheet_is_not_the_first(tmp_path):
    path = tmp_path / "assets.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"About": ["This workbook lists assets"]}).to_excel(xl, sheet_name="Notes", index=False)
        pd.DataFrame({"name": ["Club A", "Club B"], "postcode": ["DE1 1AB", "DE2 2AB"]}).to_excel(
            xl, sheet_name="Assets", index=False)
    frame, _, display = read_table(path, what="asset list", required=("name", "postcode"))
    assert display == "assets.xlsx[Assets]" and frame["name"].tolist() == ["Club A", "Club B"]
    assert list(frame.index) == [2, 3]


def test_pupil_folder_reads_any_case_and_lists_others(tmp_path):
    from ccdata.analysis import pupils as pupils_mod

    folder = tmp_path / "pupils"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"x")
    (folder / "A.CSV").write_text("pupil_id\n")
    with pytest.raises(Exception) as info:   # header-only extract and nothing else readable
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pupils_mod.load_pupils(folder, geocoder=lambda s: pd.DataFrame())
    # whatever else fails, the .CSV was found (not "no per-school extracts")
    assert "no per-school extracts" not in str(info.value)
    (folder / "A.CSV").unlink()
    with pytest.raises(Exception, match="ignored: notes.docx"):
        pupils_mod.load_pupils(folder)


# ------------------------------------------------------------------ fuzz: nothing lost silently
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 30), st.sampled_from(['"', ";", "\n", "\r\n", "\t", "é"])),
                max_size=4),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_fuzz_rows_read_plus_rows_listed_equal_data_lines(tmp_path_factory, damage, encoding):
    lines = [HEADER] + [r.replace("Club", "Café") if encoding == "cp1252" else r for r in ROWS]
    for line_no, pos, char in damage:
        line = lines[line_no]
        lines[line_no] = line[:pos] + char + line[pos:]
    text = "".join(lines)
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        frame, problems, _ = read_csv_lines(path)
    assert _accounted(frame)
    # and the rows read are what a strict CSV parser returns after the header
    decoded = path.read_bytes().decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="replace")
    assert frame.attrs["lines"]["data_lines"] >= len(frame)
    assert len(frame) + frame.attrs["lines"]["blank_lines"] <= len(list(csv.reader(io.StringIO(decoded, newline=""),
                                                                             delimiter=_delim(decoded))))


def _delim(text):
    from ccdata.io.tables import _delimiter
    return _delimiter(text)


def test_a_lone_carriage_return_counts_as_a_line_break(tmp_path):
    # found by the fuzz test: "notes\r;\n\n" is three lines to the csv reader, so the count of
    # data lines must treat the lone \r as a line end too
    text = "name,postcode,notes\r;\n\n" + "".join(ROWS)
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    frame, problems, _ = read_csv_lines(path)
    assert _accounted(frame)
    assert frame.attrs["lines"] == {"data_lines": 12, "rows": 11, "blank_lines": 1, "continuation_lines": 0}
    assert frame["name"].tolist()[1:] == [f"Club {i}" for i in range(1, 11)]
