"""Pupil extracts: loading, bad input, rates with hand-computed Wilson intervals, no identifiers out."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from ccdata.analysis import disclosure, pupils
from ccdata.analysis.disclosure import Rules
from ccdata.errors import DataQualityWarning, MissingDataError, ValidationError

from helpers.geocoding import POSTCODES, fake_geocoder  # noqa: E402


def wilson(x, n, z=1.959963984540054):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def school_csv(rows, header="pupil_id,home_postcode,persistent_absence,fsm,exclusions"):
    return header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


@pytest.fixture
def extracts(tmp_path):
    """Oak: 40 pupils in ward 1 (DE1 1AA x20, DE1 1AB x20), 12 persistently absent;
    Elm: 20 pupils in ward 2 (DE2 2AA), 3 absent, plus 1 in ward 1 who is also on Oak's roll."""
    folder = tmp_path / "pupils"
    folder.mkdir()
    oak = [[f"OAK{i:03d}", "DE1 1AA" if i < 20 else "DE1 1AB", "Y" if i < 12 else "N",
            "Y" if i % 4 == 0 else "N", 1 if i < 6 else 0] for i in range(40)]
    elm = [[f"ELM{i:03d}", "DE2 2AA", "Y" if i < 3 else "N", "Y" if i < 10 else "N", 0] for i in range(20)]
    elm.append(["OAK000", "DE1 1AA", "Y", "Y", 1])
    (folder / "Oak_Primary.csv").write_text(school_csv(oak))
    (folder / "Elm_Academy.csv").write_text(school_csv(elm))
    return folder


@pytest.fixture
def loaded(extracts):
    with pytest.warns(DataQualityWarning, match="another school"):
        return pupils.load_pupils(extracts, geocoder=fake_geocoder)


def test_load_drops_ids_and_postcodes(loaded):
    assert "pupil_id" not in loaded.columns and "postcode" not in loaded.columns
    assert loaded.attrs["schools"] == ["Elm Academy", "Oak Primary"]
    assert loaded.attrs["dual_registered"] == 1
    assert len(loaded) == 61 and loaded["counted_in_areas"].sum() == 60
    assert loaded.attrs["personal"] is True and "disclosure" not in loaded.attrs


def test_rates_by_ward_match_hand_wilson(loaded):
    out = pupils.rates(loaded, "persistent_absence", rules=Rules(round_to=1)).set_index("ward24_code")
    # ward 1: 12 of 40 (Oak; the dual-registered Elm record is counted once, at Oak)
    # ward 2: 3 of 20 -> hidden (3 < 5). The place total (15 of 60) is published elsewhere,
    # so ward 2 would be total - ward 1: ward 1 is hidden too.
    assert out.loc["E05900002", "suppressed"] and out.loc["E05900001", "suppressed"]
    fsm = pupils.rates(loaded, "fsm", rules=Rules(round_to=1)).set_index("ward24_code")
    # fsm: ward 1: i % 4 == 0 for i < 40 -> 10 of 40; ward 2: 10 of 20
    assert (fsm.loc["E05900001", "cases"], fsm.loc["E05900001", "pupils"]) == (10, 40)
    lo, hi = wilson(10, 40)
    assert fsm.loc["E05900001", "ci_lower"] == pytest.approx(lo, abs=1e-9)
    assert fsm.loc["E05900001", "ci_upper"] == pytest.approx(hi, abs=1e-9)
    assert fsm.loc["E05900001", "share_of_cases"] == pytest.approx(50.0)
    assert fsm.loc["E05900002", "rate"] == pytest.approx(50.0)


def test_rates_joined_to_iod_decile(loaded):
    dep = pd.DataFrame({"lsoa21_code": ["E01900001", "E01900002", "E01900003"], "imd_decile": [1, 1, 4]})
    by_lsoa = pupils.rates(loaded, "fsm", by="lsoa21_code", deprivation=dep, rules=Rules(round_to=1))
    assert dict(zip(by_lsoa["lsoa21_code"], by_lsoa["imd_decile"])) == {"E01900001": 1, "E01900002": 1,
                                                                         "E01900003": 4}
    by_decile = pupils.rates(loaded, "fsm", by="imd_decile", deprivation=dep, rules=Rules(round_to=1))
    t = by_decile.set_index("imd_decile")
    # decile 1 = ward 1's 40 Oak pupils: 10 FSM; decile 4 = Elm's 20: 10 FSM
    assert (t.loc[1, "cases"], t.loc[1, "pupils"], t.loc[4, "cases"]) == (10, 40, 10)


def test_concentration_ranks_by_rate_and_share(loaded):
    out = pupils.concentration(loaded, "fsm", rules=Rules(round_to=1))
    # both wards 10 cases: equal shares; ward 2 has the higher rate (50% v 25%)
    assert out["ward24_code"].tolist()[:2] == ["E05900002", "E05900001"]
    assert out["rank_by_rate"].tolist()[:2] == [1, 2]
    assert out["rank_by_share"].tolist()[:2] == [1, 1]


def test_sessions_derive_persistent_absence(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    rows = [[f"P{i}", "DE1 1AA", 100, 10 if i < 5 else 9, "N", 0] for i in range(10)]
    (folder / "s.csv").write_text(school_csv(rows, "pupil_id,home_postcode,sessions_possible,sessions_missed,fsm,"
                                                   "exclusions"))
    got = pupils.load_pupils(folder, geocoder=fake_geocoder)
    assert got["persistent_absence"].sum() == 5  # exactly 10% counts; 9% does not


def test_bad_extracts_name_file_row_and_column(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    rows = [["P1", "DE1 1AA", "Y", "N", 0], ["P1", "DE1 1AA", "N", "N", "two"], ["", "DE1 1AA", "N", "N", 0]]
    (folder / "bad.csv").write_text(school_csv(rows))
    with pytest.raises(ValidationError) as err:
        pupils.load_pupils(folder, geocoder=fake_geocoder)
    msg = str(err.value)
    assert "bad.csv, row 3, column 'pupil_id': duplicate pupil id (first on row 2)" in msg
    assert "row 3, column 'exclusions': not a number" in msg
    assert "row 4, column 'pupil_id': missing pupil id" in msg
    assert "P1" not in msg.replace("'pupil_id'", "")  # ids are not echoed


def test_unreadable_flags_are_listed_and_missing_folder_errors(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    rows = [[f"P{i}", "DE1 1AA", "maybe" if i == 0 else "N", "N", 0] for i in range(3)]
    (folder / "s.csv").write_text(school_csv(rows))
    with pytest.warns(DataQualityWarning, match="not Y/N"):
        got = pupils.load_pupils(folder, geocoder=fake_geocoder)
    assert got["persistent_absence"].isna().sum() == 1
    with pytest.raises(MissingDataError):
        pupils.load_pupils(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="measure"):
        pupils.rates(got, "attendance")


def test_outputs_carry_no_pupil_ids_postcodes_or_small_cells(loaded, extracts):
    rules = Rules()
    tables = [pupils.rates(loaded, m, by=b, rules=rules) for m in pupils.MEASURES
              for b in ("ward24_code", "lsoa21_code", "school")]
    tables.append(pupils.summary(loaded, rules=rules))
    text = "\n".join(t.to_csv() + t.to_html() for t in tables)
    ids = [f"OAK{i:03d}" for i in range(40)] + [f"ELM{i:03d}" for i in range(20)]
    assert disclosure.scan_for_leaks(text, ids + list(POSTCODES)) == []
    for t in tables:
        shown = t[~t["suppressed"]]
        assert (shown["pupils"] >= 10).all() and (shown["cases"] >= 5).all()
        assert t.attrs["disclosure"]


def test_repeated_column_is_an_error_naming_file_and_columns(tmp_path):
    folder = tmp_path / "pupils"
    folder.mkdir()
    (folder / "Oak.csv").write_text(school_csv([["P1", "DE1 1AA", "Y", "Y", "N"]],
                                               header="pupil_id,home_postcode,persistent_absence,fsm,fsm"))
    with pytest.raises(ValidationError, match=r"Oak.csv, column 'fsm': column appears 2 times \(columns 4, 5\)"):
        pupils.load_pupils(folder, geocoder=fake_geocoder)


def test_typed_lsoa_codes_are_upper_cased_and_2011_codes_named(tmp_path, monkeypatch):
    from ccdata.io import codes

    known = {codes.LSOA21: frozenset({"E01900001"}), codes.LSOA11: frozenset({"E01000001"})}
    monkeypatch.setattr(codes, "known_codes", lambda kind, collection="official": known[kind])
    geography = pd.DataFrame({"lsoa21_code": ["E01900001"], "ward24_code": ["E05900001"]})
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "Oak.csv").write_text(school_csv([["P1", "e01900001", "N", "N", 0], ["P2", "E01000001", "N", "N", 0]],
                                               header="pupil_id,lsoa21_code,persistent_absence,fsm,exclusions"))
    with pytest.warns(DataQualityWarning):
        got = pupils.load_pupils(folder, geography=geography)
    assert got["lsoa21_code"].tolist()[0] == "E01900001" and got["ward24_code"].tolist()[0] == "E05900001"
    assert pd.isna(got["lsoa21_code"].tolist()[1])
    ex = [p for p in got.attrs["exclusions"] if p["column"] == "lsoa21_code"]
    assert [(p["file"], p["row"]) for p in ex] == [("Oak.csv", 3)]
    assert "LSOA 2011 code where LSOA 2021 is expected" in ex[0]["message"]


def test_header_only_extract_is_listed_not_silently_dropped(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "Oak.csv").write_text(school_csv([["P1", "DE1 1AA", "N", "N", 0]]))
    (folder / "Elm.csv").write_text(school_csv([]))
    with pytest.warns(DataQualityWarning, match="no pupil rows"):
        got = pupils.load_pupils(folder, geocoder=fake_geocoder)
    assert len(got) == 1 and got.attrs["schools"] == ["Oak"]
    ex = [p for p in got.attrs["exclusions"] if p["file"] == "Elm.csv"]
    assert [(p["row"], p["message"].split(";")[0]) for p in ex] == [(None, "no pupil rows")]


def test_known_columns_are_matched_ignoring_case_and_spacing(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    rows = [["P1", "DE1 1AA", "Y", "Y", 0], ["P2", "DE1 1AA", "N", "N", 2]]
    (folder / "Oak.csv").write_text(school_csv(rows, header="Pupil ID,Home_Postcode,PERSISTENT_ABSENCE,FSM, Exclusions "))
    got = pupils.load_pupils(folder, geocoder=fake_geocoder)
    assert got["fsm"].tolist() == [True, False]
    assert got["persistent_absence"].tolist() == [True, False]
    assert got["excluded"].tolist() == [False, True]
    assert got["ward24_code"].tolist() == ["E05900001", "E05900001"]
    assert not [p for p in got.attrs["exclusions"] if "not used" in p["message"]]
