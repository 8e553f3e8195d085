"""A workbook whose first sheet also has a "Name" column: the sheet matching the declared columns is read."""
from __future__ import annotations

import warnings

import pandas as pd

from ccdata.errors import DataQualityWarning
from ccdata.io.local import assets, best_sheet, read_table
from ccdata.io.local.assets import _LOCAL_ALIASES

X0, Y0 = 430000, 566000


def _workbook(path, sheets: dict[str, pd.DataFrame]):
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


CONTACTS = pd.DataFrame({"Name": ["Sam Jones", "Ali Khan"], "Role": ["Chair", "Treasurer"],
                         "Phone": ["0123", "0456"]})
LIST = pd.DataFrame({"Name": ["Hall", "Library", "Park club"], "Category": ["Community Centre", "Library", "youth"],
                     "Postcode": ["DM1 1AA", "DM1 1AB", "DM1 1AC"], "Easting": [X0 + 10, X0 + 20, X0 + 30],
                     "Northing": [Y0 + 10, Y0 + 20, Y0 + 30]})


def test_the_best_matching_sheet_is_read_and_the_choice_reported(tmp_path):
    path = _workbook(tmp_path / "assets.xlsx", {"Contacts": CONTACTS, "Assets": LIST})
    # Contacts matches one known heading (Name), Assets five (name, category, postcode, easting, northing)
    sheet, note = best_sheet(path, ("name",), _LOCAL_ALIASES)
    assert sheet == "Assets"
    assert "read sheet 'Assets'" in note.message and "'Contacts' matches 1" in note.message
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        out = assets.load_asset_list(path)
    assert out["name"].tolist() == ["Hall", "Library", "Park club"]
    assert "Sam Jones" not in set(out["name"])
    assert out["row"].tolist() == [2, 3, 4]      # rows of the Assets sheet


def test_a_single_matching_sheet_needs_no_note(tmp_path):
    path = _workbook(tmp_path / "assets.xlsx", {"Read me": pd.DataFrame({"Notes": ["see next sheet"]}),
                                                "Assets": LIST})
    sheet, note = best_sheet(path, ("name",), _LOCAL_ALIASES)
    assert (sheet, note) == ("Assets", None)
    frame, problems, display = read_table(path, what="asset list", required=("name",), columns=_LOCAL_ALIASES)
    assert display == "assets.xlsx[Assets]" and len(frame) == 3 and problems == []


def test_equal_matches_keep_the_first_sheet(tmp_path):
    path = _workbook(tmp_path / "assets.xlsx", {"First": LIST, "Second": LIST})
    sheet, note = best_sheet(path, ("name",), _LOCAL_ALIASES)
    assert sheet == "First" and "'Second' matches 5" in note.message


def test_calamine_reads_the_iod_workbooks_cell_for_cell_as_openpyxl_does(demo_data_dir, monkeypatch):
    """Workbooks are read with calamine (much faster); every sheet of the demo's IoD 2025
    workbooks (made in the published layout) reads to the same text, rows and notes with openpyxl."""
    from ccdata.io import tables

    books = sorted((demo_data_dir / "raw" / "demo").glob("iod2025_file*/*.xlsx"))
    assert len(books) == 2, books
    assert tables.EXCEL_ENGINE == "calamine"
    compared = 0
    for book in books:
        with tables.excel_book(book) as opened:
            sheets = opened.sheet_names
        for sheet in sheets:
            read = {}
            for engine in ("calamine", "openpyxl"):
                monkeypatch.setattr(tables, "EXCEL_ENGINE", engine)
                frame, exclusions, name = tables.read_excel_sheet(book, sheet=sheet)
                read[engine] = (frame, [str(p) for p in exclusions], name)
            pd.testing.assert_frame_equal(read["calamine"][0], read["openpyxl"][0])
            assert read["calamine"][1:] == read["openpyxl"][1:]
            compared += len(read["calamine"][0])
    assert compared > 300  # the data sheets, not only the notes
