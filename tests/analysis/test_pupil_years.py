"""Pupil extracts over years: a year column or a folder per year; every published table (year by year,
by ward and year, pooled by ward, pooled place) protected as one linked set. A differencing attack across
years, pooled totals and the place total recovers no hidden cell, and does recover one from a protection
that treats each year (and each table) alone."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import pupil_years
from ccdata.analysis.disclosure import Rules
from ccdata.errors import MissingDataError
from ccdata.io.local import pupils as reader

RULES = Rules(round_to=1)  # exact counts: subtraction gives the true figure


def _records(spec):
    """``{(year, ward): (pupils, cases)}`` -> one row per pupil."""
    rows = []
    for (year, ward), (n, k) in spec.items():
        rows += [{"academic_year": year, "ward24_code": ward, "school": "S", "lsoa21_code": "L",
                  "persistent_absence": i < k, "fsm": False, "excluded": False} for i in range(n)]
    return pd.DataFrame(rows)


# by hand: ward A had 3 persistently absent pupils of 20 in 2023/24 (fewer than 5: hidden)
SPEC = {("2023/24", "A"): (20, 3), ("2023/24", "B"): (30, 10),
        ("2024/25", "A"): (20, 8), ("2024/25", "B"): (30, 12)}


def _recover(tables) -> dict:
    """Every hidden (year, ward) count an intruder gets by subtraction from what is shown."""
    by_yw = tables[("academic_year", "ward24_code")].set_index(["academic_year", "ward24_code"])
    pooled_w = tables[("ward24_code",)].set_index("ward24_code")
    by_y = tables[("academic_year",)].set_index("academic_year")
    total = tables[()].iloc[0]
    years, wards = sorted(by_y.index), sorted(pooled_w.index)
    known = {k: int(r["cases"]) for k, r in by_yw.iterrows() if not r["suppressed"]}
    year_tot = {y: int(r["cases"]) for y, r in by_y.iterrows() if not r["suppressed"]}
    if not total["suppressed"]:  # a year's total from the pooled total minus the other years
        for y in years:
            others = [o for o in years if o != y]
            if y not in year_tot and all(o in year_tot for o in others):
                year_tot[y] = int(total["cases"]) - sum(year_tot[o] for o in others)
    changed = True
    while changed:
        changed = False
        for y in years:
            for w in wards:
                if (y, w) in known:
                    continue
                row_others = [(y, o) for o in wards if o != w]
                col_others = [(o, w) for o in years if o != y]
                if y in year_tot and all(k in known for k in row_others):
                    known[(y, w)] = year_tot[y] - sum(known[k] for k in row_others)
                    changed = True
                elif not pooled_w.loc[w, "suppressed"] and all(k in known for k in col_others):
                    known[(y, w)] = int(pooled_w.loc[w, "cases"]) - sum(known[k] for k in col_others)
                    changed = True
    return {k: v for k, v in known.items() if bool(by_yw.loc[k, "suppressed"])}


def test_one_linked_set_leaves_no_hidden_cell_recoverable():
    result = pupil_years.protect_years(_records(SPEC), "persistent_absence", RULES)
    assert result.ok and result.audit["protected"].all()
    yw = result.tables[("academic_year", "ward24_code")].set_index(["academic_year", "ward24_code"])
    assert yw.loc[("2023/24", "A"), "suppressed"]
    assert _recover(result.tables) == {}


def _per_year_only(records):
    """What protecting each year on its own publishes: each year's place and ward table protected
    together (so no subtraction inside a year works), and the pooled tables protected likewise."""
    from ccdata.analysis import linked

    names = ("pupils", "cases", "rate")
    years, yw = [], []
    for year, part in records.groupby("academic_year"):
        one = linked.protect_breakdowns(part, "persistent_absence", [(), ("ward24_code",)], RULES, names=names)
        years.append(one.tables[()].assign(academic_year=year))
        yw.append(one.tables[("ward24_code",)].assign(academic_year=year))
    pooled = linked.protect_breakdowns(records, "persistent_absence", [(), ("ward24_code",)], RULES, names=names)
    return {("academic_year",): pd.concat(years, ignore_index=True),
            ("academic_year", "ward24_code"): pd.concat(yw, ignore_index=True),
            ("ward24_code",): pooled.tables[("ward24_code",)], (): pooled.tables[()]}


def test_protecting_each_year_alone_lets_the_pooled_total_give_the_hidden_year_back():
    tables = _per_year_only(_records(SPEC))
    yw = tables[("academic_year", "ward24_code")].set_index(["academic_year", "ward24_code"])
    assert yw.loc[("2023/24", "A"), "suppressed"] and not yw.loc[("2024/25", "A"), "suppressed"]
    # pooled A (11) minus A in 2024/25 (8): the hidden 3 of 2023/24
    assert _recover(tables)[("2023/24", "A")] == 3


def test_a_folder_per_year_and_a_year_column_are_both_read(tmp_path):
    for year in ("2023-24", "2024-25"):
        (tmp_path / "by_folder" / year).mkdir(parents=True)
        (tmp_path / "by_folder" / year / "school.csv").write_text(
            "pupil_id,lsoa21_code,persistent_absence,fsm\n1,E01900001,Y,N\n2,E01900001,N,N\n")
    assert set(pupil_years.year_folders(tmp_path / "by_folder")) == {"2023/24", "2024/25"}
    path = tmp_path / "school.csv"
    path.write_text("pupil_id,lsoa21_code,persistent_absence,academic_year\n"
                    "1,E01900001,Y,2023/24\n1,E01900001,N,2024-25\n2,E01900001,N,2024/25\n")
    frame, _ = reader.read_school(path)
    # the same pupil in two years is not a duplicate
    assert list(frame["academic_year"]) == ["2023/24", "2024/25", "2024/25"]
    path.write_text("pupil_id,lsoa21_code,persistent_absence,academic_year\n1,E01900001,Y,last year\n"
                    "1,E01900001,N,2024/25\n1,E01900001,N,2024/25\n")
    with pytest.raises(Exception) as err:
        reader.read_school(path)
    text = str(err.value)
    assert "row 2, column 'academic_year'" in text and "row 4, column 'pupil_id'" in text


def test_extracts_without_years_are_refused_plainly(tmp_path):
    (tmp_path / "school.csv").write_text("pupil_id,lsoa21_code,persistent_absence\n1,E01900001,Y\n")
    with pytest.raises(MissingDataError, match="academic_year column"):
        pupil_years.load_years(tmp_path, collection="demo", geography=pd.DataFrame(
            {"lsoa21_code": ["E01900001"], "ward24_code": ["E05900001"]}))


def test_pupil_years_reach_the_progress_series_with_the_one_rule():
    from ccdata.analysis import trends

    spec = {("2023/24", "A"): (200, 20), ("2023/24", "B"): (300, 30),
            ("2024/25", "A"): (200, 60), ("2024/25", "B"): (300, 33)}
    series, sealed, notes = trends.pupil_series(_records(spec), RULES, {"A": "Harbour", "place": "Demoton"})
    pa = series[series["measure"] == "pupils_persistent_absence"]
    place = pa[pa["area_type"] == "place"].set_index("period")
    # by hand: 50 of 500 (10%) then 93 of 500 (18.6%)
    assert place.loc["2023/24", "value"] == pytest.approx(10.0) and place.loc["2024/25", "value"] == pytest.approx(18.6)
    assert set(pa.loc[pa["area_type"] == "ward", "area_name"]) == {"Harbour", "B"}
    changes = trends.changes(series, {}, {"pupils_persistent_absence": "academic"}).set_index(["measure", "area"])
    assert changes.loc[("pupils_persistent_absence", "place"), "verdict"] == "worsened"
    assert changes.loc[("pupils_persistent_absence", "B"), "verdict"] == "no clear change"  # 10% -> 11%
    assert sealed and all(n for n in notes)
