"""The spine chart: the spread of authorities summed by hand, and where each value is drawn."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import indicators, spread
from ccdata.errors import MissingDataError
from ccdata.present import spine

IND = indicators.Indicator(id="no_car", title="Households without a car", workstream="place_context",
                           source="census21_ts045", numerator=("none",), denominator=("total",),
                           polarity="no_judgement")
GEO = pd.DataFrame({"lsoa21_code": ["E01000001", "E01000002", "E01000003", "W01000001"],
                    "lad24_code": ["E06000001", "E06000001", "E06000002", "W06000001"],
                    "lad24_name": ["Ayton", "Ayton", "Beeton", "Wales"]})
TABLE = pd.DataFrame({"lsoa21_code": ["E01000001", "E01000002", "E01000003", "W01000001"],
                      "none": [10, 30, 5, 99], "total": [100, 100, 50, 100]})


def test_census_tables_are_summed_over_each_2024_authoritys_neighbourhoods():
    out = spread.census_values(TABLE, GEO, IND).set_index("lad24_code")
    # Ayton: (10 + 30) / (100 + 100) = 20%; Beeton 5 / 50 = 10%; Wales is not England
    assert out.loc["E06000001", ["numerator", "denominator"]].tolist() == [40, 200]
    assert out.loc["E06000001", "value"] == pytest.approx(20.0)
    assert out.loc["E06000002", "value"] == pytest.approx(10.0)
    assert "W06000001" not in out.index


def test_a_table_covering_too_little_of_england_is_left_out_with_the_reason():
    with pytest.raises(MissingDataError, match="covers 67%"):
        spread.census_values(TABLE[TABLE["lsoa21_code"] != "E01000003"], GEO, IND)
    with pytest.raises(MissingDataError, match="lacks column"):
        spread.census_values(TABLE.drop(columns="none"), GEO, IND)


def test_dwp_authorities_are_read_as_published():
    la = pd.DataFrame({"lad24_code": ["E06000001", "E06000002", "S12000001"],
                       "lad24_name": ["Ayton", "Beeton", "Scotland"],
                       "children_fye2025": pd.array([30, None, 7], dtype="Int64"),
                       "pct_fye2025": pd.array([25.0, 10.0, 7.0], dtype="Float64")})
    ind = indicators.Indicator(id="children_low_income", title="Child poverty", workstream="early_years",
                               source="dwp_cilif_ward", numerator=("children_fye2025",),
                               denominator=("population_under16_fye2025",), polarity="lower_is_better")
    out = spread.dwp_values(la, ind)
    # Beeton is suppressed, Scotland is not England: only Ayton, 30 of 120
    assert out["lad24_code"].tolist() == ["E06000001"]
    assert out[["numerator", "denominator"]].iloc[0].tolist() == [30, 120]


def _frame(polarity="lower_is_better", band="worse"):
    rows = []
    for area, v in (("place", 30.0), ("la", 24.0), ("england", 20.0)):
        rows.append({"indicator": "x", "title": "X", "area": area, "value": v, "lower": v - 2, "upper": v + 2,
                     "band": band if area == "place" else "not compared", "polarity": polarity, "status": "ok"})
    return pd.DataFrame(rows)


def test_spine_sets_the_place_against_the_spread_in_words():
    values = pd.DataFrame({"indicator": "x", "lad24_code": [f"E0{i}" for i in range(5)], "lad24_name": "a",
                           "numerator": 1, "denominator": 1, "value": [10.0, 15.0, 20.0, 25.0, 40.0]})
    row = spread.spine(_frame(), values).iloc[0]
    # numpy's linear percentiles of 10, 15, 20, 25, 40: 25th = 15, 75th = 25
    assert (row["lowest"], row["q1"], row["q3"], row["highest"], row["authorities"]) == (10, 15, 25, 40, 5)
    assert (row["place"], row["la"], row["england"], row["band"]) == (30, 24, 20, "worse")
    assert (row["left_word"], row["right_word"]) == ("worse", "better")
    plain = spread.spine(_frame("no_judgement", "higher"), values).iloc[0]
    assert (plain["left_word"], plain["right_word"]) == ("lower", "higher")
    assert spread.spine(_frame(), values[values["indicator"] == "y"]).empty  # no spread, no row
    with pytest.raises(ValueError, match="indicator table"):
        spread.spine(pd.DataFrame({"a": [1]}), values)


def test_england_is_the_centre_and_the_worse_side_is_on_the_left():
    values = pd.DataFrame({"indicator": "x", "lad24_code": ["E01", "E02"], "lad24_name": "a", "numerator": 1,
                           "denominator": 1, "value": [10.0, 40.0]})
    row = spread.spine(_frame(), values).iloc[0].to_dict()
    x = spine.positions(row)
    assert x["england"] == pytest.approx(0.5)
    # lower is better: the place's 30% (worse) is drawn left of England, the lowest authority right
    assert x["place"] < 0.5 < x["lowest"]
    assert 0 <= min(x.values()) and max(x.values()) <= 1
    row["polarity"] = "higher_is_better"
    x = spine.positions(row)
    assert x["place"] > 0.5 > x["lowest"]


def test_the_chart_and_its_data_table():
    values = pd.DataFrame({"indicator": "x", "lad24_code": ["E01", "E02"], "lad24_name": "a", "numerator": 1,
                           "denominator": 1, "value": [10.0, 40.0]})
    table = spread.spine(_frame(), values)
    fig = spine.spine_chart(table)
    assert fig.get_figwidth() == pytest.approx(5.6)
    data = spine.chart_data(table)
    assert data.loc[0, "95% interval"] == "28.0 to 32.0" and data.loc[0, "Compared with England"] == "worse"
    with pytest.raises(ValueError, match="no indicator"):
        spine.spine_chart(table.iloc[0:0])
    with pytest.raises(ValueError, match="lacks"):
        spine.spine_chart(table.drop(columns="q1"))
