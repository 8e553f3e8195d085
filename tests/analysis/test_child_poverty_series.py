"""Child poverty over time on the progress page: each DWP measure its own series (after and before
housing costs are never joined), every year the data folder holds, and the missing years in words."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import trends
from ccdata.io import dwp_releases as rel


def _figures(years, pct=20.0):
    rows = [{"year": f"fye{y}", "children": int(pct * 10), "population_under16": 1000, "pct": pct,
             "status": "ok", "method": "published"} for y in years]
    frame = pd.DataFrame(rows)
    return {"place": frame, "la": frame.assign(children=frame["children"] * 10, population_under16=10000),
            "england": frame.assign(children=frame["children"] * 100, population_under16=100000)}


def test_each_measure_is_its_own_series_and_every_held_year_is_listed():
    ahc = trends.child_poverty_series(_figures([2024, 2025]), "Demoton", "Demoland")
    bhc = trends.child_poverty_series(_figures(range(2015, 2026), 15.0), "Demoton", "Demoland", rel.RELATIVE_BHC)
    series = pd.concat([ahc, bhc], ignore_index=True)
    assert set(bhc["measure"]) == {trends.CHILD_POVERTY_BHC} and "before housing costs" in bhc["title"].iloc[0]
    held = sorted(set(bhc.loc[bhc["area_type"] == "place", "period"]), key=lambda p: int(p[4:]))
    assert held == [f"FYE {y}" for y in range(2015, 2026)]
    table = trends.changes(series, forms={trends.CHILD_POVERTY: "financial", trends.CHILD_POVERTY_BHC: "financial"})
    place = table[table["area_type"] == "place"].set_index("measure")
    # a change per measure, each inside its own series: never from a BHC year to an AHC one
    assert place.loc[trends.CHILD_POVERTY, ["baseline", "latest"]].tolist() == ["FYE 2024", "FYE 2025"]
    assert place.loc[trends.CHILD_POVERTY_BHC, ["baseline", "latest"]].tolist() == ["FYE 2015", "FYE 2025"]
    gaps = " ".join(trends.dwp_gaps(series))
    assert "before housing costs, which DWP publishes" not in gaps  # held: nothing said missing
    assert "FYE 2015 to FYE 2023 count income before housing costs" in gaps


def test_the_missing_years_are_said_in_plain_words():
    held_ahc = trends.child_poverty_series(_figures([2024, 2025]), "Demoton", "Demoland")
    gaps = trends.dwp_gaps(held_ahc)
    assert gaps[0] == ("Child poverty after housing costs: the data folder holds FYE 2024 and FYE 2025 only "
                       "(FYE 2025 is the financial year April 2024 to March 2025).")
    assert any("is not in the data folder, so it is not followed here" in g and "FYE 2015 to FYE 2025" in g
               for g in gaps)
    # a before-housing-costs series with a hole: the hole is named
    partial = trends.child_poverty_series(_figures([2015, 2016, 2020, 2025]), "Demoton", "Demoland", rel.RELATIVE_BHC)
    gaps = trends.dwp_gaps(pd.concat([held_ahc, partial], ignore_index=True))
    assert ("Child poverty before housing costs: DWP also publishes FYE 2017 to FYE 2019 and FYE 2021 to "
            "FYE 2024, which are not in the data folder yet.") in gaps


def test_a_measure_that_is_not_declared_is_refused():
    with pytest.raises(ValueError, match="measure must be one of"):
        trends.child_poverty_series(_figures([2024]), "Demoton", "Demoland", "absolute_bhc")


def test_indicator_sums_take_every_dwp_year_the_table_holds():
    from ccdata.analysis import indicators

    table = pd.DataFrame({"lad24_code": ["E06900001"], "children_fye2019": [50], "pct_fye2019": [25.0],
                          "children_fye2026": [30], "pct_fye2026": [0.0]})
    out = indicators._dwp_population(table)
    assert out["population_under16_fye2019"].tolist() == [200.0]  # 50 / 25%: years not in any list kept here
    # a zero percentage implies no population: both sides missing, never one alone
    assert out["population_under16_fye2026"].isna().all() and out["children_fye2026"].isna().all()


def test_years_published_only_before_the_break_are_said_not_joined(monkeypatch):
    from ccdata import cilif

    # the newest series starts at FYE 2022: FYE 2015-2021 exist only in the earlier series
    newer = cilif.Release("n", cilif.BASE + "n", "2026-03-26", cilif.SERIES_2025, 2024, 2024, (
        cilif.Table("n_w", rel.RELATIVE_BHC, "ward", "x", 2022, 2025),
        cilif.Table("n_l", rel.RELATIVE_BHC, "la", "x", 2022, 2025)))
    older = cilif.Release("o", cilif.BASE + "o", "2024-03-21", cilif.SERIES_PRE_2025, 2023, 2023, (
        cilif.Table("o_w", rel.RELATIVE_BHC, "ward", "x", 2015, 2023),
        cilif.Table("o_l", rel.RELATIVE_BHC, "la", "x", 2015, 2023)))
    monkeypatch.setattr(rel, "RELEASES", (newer, older))
    bhc = trends.child_poverty_series(_figures(range(2022, 2026)), "Demoton", "Demoland", rel.RELATIVE_BHC)
    gaps = " ".join(trends.dwp_gaps(bhc))
    assert ("FYE 2015 to FYE 2021 were published only before DWP revised its method in March 2025, so they "
            "cannot be joined to these figures.") in gaps
