"""Words for partners: survey waves named by number and season, names beside codes, jargon explained."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ccdata.present import labels


@pytest.mark.parametrize("month, expected", [
    (3, "spring 2024"), (5, "spring 2024"), (6, "summer 2024"), (8, "summer 2024"),
    (9, "autumn 2024"), (11, "autumn 2024"), (12, "winter 2024-25"), (1, "winter 2023-24"),
    (2, "winter 2023-24")])
def test_season_of_a_month(month, expected):
    assert labels.season(2024, month) == expected


def test_season_refuses_a_month_that_is_not_one():
    with pytest.raises(ValueError, match="1 to 12"):
        labels.season(2024, 13)


def test_waves_are_numbered_in_date_order_not_file_order():
    names = labels.wave_names(["2025-03-03", "2024-03-04", "2025-03-03", "2024-10-14"])
    assert names == {"2024-03-04": "Wave 1, spring 2024", "2024-10-14": "Wave 2, autumn 2024",
                     "2025-03-03": "Wave 3, spring 2025"}


def test_waves_as_dates_years_and_words():
    names = labels.wave_names([dt.date(2025, 1, 10), pd.Timestamp("2024-07-01"), "Autumn term", None])
    assert names == {pd.Timestamp("2024-07-01"): "Wave 1, summer 2024",
                     dt.date(2025, 1, 10): "Wave 2, winter 2024-25", "Autumn term": "Autumn term"}
    assert labels.wave_names(["2025", "2024"]) == {"2024": "Wave 1, 2024", "2025": "Wave 2, 2025"}
    # a label that only looks like a date is left as it is
    assert labels.wave_names(["2024-13-01", "baseline"]) == {"2024-13-01": "2024-13-01", "baseline": "baseline"}


def test_wave_names_wants_a_list():
    with pytest.raises(TypeError):
        labels.wave_names("2024-03-04")


def test_names_go_beside_their_codes():
    frame = pd.DataFrame({"question": ["q1", "q1", "q1"], "ward24_code": ["E05000001", "Not known", "E05000009"],
                          "n": [10, 20, 30]})
    out = labels.name_codes(frame, "ward24_code", {"E05000001": "Harbour"}, "ward_name")
    assert list(out.columns) == ["question", "ward24_code", "ward_name", "n"]
    # a code without a known name is blank (never the code again); a word label names itself
    assert list(out["ward_name"]) == ["Harbour", "Not known", ""]
    assert list(frame.columns) == ["question", "ward24_code", "n"]  # the input is not changed
    with pytest.raises(KeyError, match="lsoa21_code"):
        labels.name_codes(frame, "lsoa21_code", {}, "name")


def test_glossary_explains_terms_in_plain_words():
    lines = labels.glossary(["LSOA", "decile", "betweenness"])
    assert lines[0].startswith("Neighbourhood (LSOA") and "1,500" in lines[0]
    assert "most deprived 10%" in lines[1] and "shortest route" in lines[2]
    with pytest.raises(KeyError, match="no glossary entry"):
        labels.glossary(["eigenvector"])
