"""The partnership's outcomes file: declared vocabulary, periods in the outcome's form, suppressed
cells read as suppressed (never zero), hostile rows named by file, row and column."""
from __future__ import annotations

import pytest

from ccdata.errors import ValidationError
from ccdata.io.local import outcomes as oc

HEADER = "outcome,period,area_type,area,numerator,denominator,mean,sd,count,source\n"


def _write(tmp_path, body, name="outcomes.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_vocabulary_declares_the_cradle_to_career_stages():
    vocab = oc.load_vocabulary()
    assert {"eyfs_gld", "phonics_y1", "ks2_rwm", "persistent_absence_primary", "persistent_absence_secondary",
            "suspensions", "attainment8", "neet_16_17"} <= set(vocab)
    assert vocab["attainment8"].measure == oc.MEAN and vocab["eyfs_gld"].measure == oc.PROPORTION
    assert vocab["persistent_absence_primary"].polarity == "lower_is_better"
    assert vocab["neet_16_17"].period == oc.CALENDAR


def test_vocabulary_with_undeclared_values_is_refused(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("- {id: a, title: A, stage: infancy, measure: proportion, period: academic, "
                    "polarity: higher_is_better}\n- {id: b, title: B}\n")
    with pytest.raises(ValidationError) as err:
        oc.load_vocabulary(path)
    text = str(err.value)
    assert "entry 1 stage" in text and "infancy" in text and "entry 2" in text and "lacks" in text


def test_reads_proportions_means_and_suppressed_cells(tmp_path):
    path = _write(tmp_path,
                  "eyfs_gld,2022/23,place,,120,200,,,,EYFSP return\n"
                  "eyfs_gld,2023-24,ward,E05900001,c,c,,,,\n"
                  "eyfs_gld,2023/2024,place,,low,210,,,,\n"
                  "attainment8,2023/24,school,Demoton Academy,,,41.5,18.2,150,KS4\n"
                  "neet_16_17,2024,england,,5,100,,,,\n"
                  "\n")
    frame, exclusions = oc.read_outcomes(path)
    assert list(frame["period"]) == ["2022/23", "2023/24", "2023/24", "2023/24", "2024"]
    assert list(frame["area_type"]) == ["place", "ward", "place", "school", "england"]
    first = frame.iloc[0]
    assert (first["numerator"], first["denominator"], bool(first["suppressed"])) == (120, 200, False)
    # suppressed: kept, marked, no figure at all (not zero; and not its denominator either)
    for i in (1, 2):
        row = frame.iloc[i]
        assert bool(row["suppressed"]) and row["numerator"] is not None
        assert frame[["numerator", "denominator"]].iloc[i].isna().all()
    a8 = frame.iloc[3]
    assert (a8["mean"], a8["sd"], a8["count"], a8["area"]) == (41.5, 18.2, 150, "Demoton Academy")
    assert frame.iloc[4]["area"] == "england"
    assert list(frame["row"]) == [2, 3, 4, 5, 6]
    assert any("blank row" in p.message for p in exclusions)


def test_hostile_rows_are_named_by_file_row_and_column(tmp_path):
    path = _write(tmp_path,
                  "eyfs_gld,2023/24,place,,250,200,,,,\n"          # 2: numerator above denominator
                  "made_up,2023/24,place,,1,2,,,,\n"               # 3: unknown outcome
                  "eyfs_gld,FYE 2024,place,,1,2,,,,\n"             # 4: wrong period form
                  "eyfs_gld,2023/25,place,,1,2,,,,\n"              # 5: not an academic year
                  "eyfs_gld,2022/23,galaxy,,1,2,,,,\n"             # 6: unknown area type
                  "eyfs_gld,2022/23,ward,,1,2,,,,\n"               # 7: ward without code
                  "eyfs_gld,2021/22,place,,ten,20,,,,\n"           # 8: not a number
                  "eyfs_gld,2020/21,place,,-1,20,,,,\n"            # 9: negative
                  "eyfs_gld,2019/20,place,,1.5,20,,,,\n"           # 10: not whole
                  "attainment8,2023/24,place,,3,4,,,,\n"           # 11: a mean given as counts
                  "eyfs_gld,2018/19,place,,5,20,,,,\n"
                  "eyfs_gld,2018-19,place,,6,20,,,,\n")            # 13: repeats row 12
    with pytest.raises(ValidationError) as err:
        oc.read_outcomes(path)
    text = str(err.value)
    for expected in ("row 2, column 'numerator'", "row 3, column 'outcome'", "row 4, column 'period'",
                     "row 5, column 'period'", "row 6, column 'area_type'", "row 7, column 'area'",
                     "row 8, column 'numerator'", "row 9, column 'numerator'", "row 10, column 'numerator'",
                     "row 11, column 'numerator'", "row 11, column 'mean'", "row 13, column 'outcome'"):
        assert expected in text, expected
    assert "outcomes.csv" in text and "repeats the row on line 12" in text


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("outcome,period\neyfs_gld,2023/24\n")
    with pytest.raises(ValidationError, match="area_type"):
        oc.read_outcomes(path)


@pytest.mark.parametrize("text,form,expected", [
    ("2023/24", "academic", ("2023/24", 2024)), ("1999/00", "academic", ("1999/00", 2000)),
    ("2023/22", "academic", None), ("FYE2025", "financial", ("FYE 2025", 2025)),
    ("2025", "financial", None), ("2024", "calendar", ("2024", 2024)), ("24", "calendar", None),
])
def test_period_forms(text, form, expected):
    assert oc.parse_period(text, form) == expected
