"""Outcome figures from pupil records: one linked set across wards and periods, audited; means at the
threshold only. Hand-built files whose hidden cells could be recovered by subtraction if protected
row by row."""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import disclosure
from ccdata.analysis import outcomes as oc
from ccdata.analysis.disclosure import Rules
from ccdata.io.local import outcomes as reader

HEADER = "outcome,period,area_type,area,numerator,denominator,mean,sd,count\n"
RULES = Rules(round_to=1)  # no rounding: subtraction would be exact


def _read(tmp_path, body):
    path = tmp_path / "outcomes.csv"
    path.write_text(HEADER + body)
    return reader.read_outcomes(path)[0]


def _recoverable(local: pd.DataFrame) -> list[tuple]:
    """Hidden ward figures an intruder gets by subtracting the shown wards from the shown place."""
    found = []
    for (outcome, period), g in local.groupby(["outcome", "period"]):
        place = g[g["area_type"] == "place"]
        wards = g[g["area_type"] == "ward"]
        hidden = wards[wards["suppressed"]]
        if len(place) and not place["suppressed"].iloc[0] and len(hidden) == 1:
            found.append((outcome, period, hidden["area"].iloc[0]))
    return found


BODY = ("eyfs_gld,2022/23,place,,100,200,,,\n"
        "eyfs_gld,2022/23,ward,A,40,80,,,\n"
        "eyfs_gld,2022/23,ward,B,30,70,,,\n"
        "eyfs_gld,2022/23,ward,C,c,c,,,\n"          # the supplier hid 30 of 50
        "eyfs_gld,2023/24,place,,110,200,,,\n"
        "eyfs_gld,2023/24,ward,A,50,80,,,\n"
        "eyfs_gld,2023/24,ward,B,57,61,,,\n"        # 4 did not: fewer than 5 -> hidden
        "eyfs_gld,2023/24,ward,C,3,59,,,\n"         # 3 cases: hidden
        "eyfs_gld,2023/24,local_authority,E06900001,1500,2400,,,\n"
        "eyfs_gld,2023/24,england,,400000,600000,,,\n")


def test_a_withheld_cell_cannot_be_recovered_from_the_place_and_the_other_wards(tmp_path):
    frame = _read(tmp_path, BODY)
    res = oc.protect(frame, RULES)
    assert res.ok and disclosure.is_protected(res.local)
    local = res.local.set_index(["period", "area"])
    # the supplier's hidden cell stays hidden and says who hid it; a second ward goes with it
    assert local.loc[("2022/23", "C"), "suppressed"]
    assert "supplied" in local.loc[("2022/23", "C"), "suppression"]
    assert local.loc[("2022/23", ["A", "B"]), "suppressed"].sum() == 1
    assert _recoverable(res.local) == []
    # the audit bounds every hidden figure from everything published, and none is pinned
    assert len(res.audit) and res.audit["protected"].all()
    # authority and England figures are published statistics, shown as given
    pub = res.published.set_index("area_type")
    assert pub.loc["local_authority", "value"] == pytest.approx(62.5)
    assert pub.loc["england", "value"] == pytest.approx(400000 / 6000)


def test_the_differencing_check_catches_row_by_row_protection(tmp_path):
    # what suppression of each row on its own would publish: ward C (withheld) alone is hidden
    frame = _read(tmp_path, BODY)
    naive = frame[frame["area_type"].isin(["place", "ward"])].assign(
        suppressed=lambda f: f["suppressed"] | (f["numerator"].fillna(0) < 5))
    naive = naive[naive["period"] == "2022/23"]
    assert _recoverable(naive) == [("eyfs_gld", "2022/23", "C")]
    # and the recovered value is the true one: 100 - 40 - 30 = 30 of 200 - 80 - 70 = 50
    shown = naive[~naive["suppressed"]]
    place = shown[shown["area_type"] == "place"].iloc[0]
    wards = shown[shown["area_type"] == "ward"]
    assert (place["numerator"] - wards["numerator"].sum(), place["denominator"] - wards["denominator"].sum()) == (30, 50)


def test_wards_adding_to_more_than_the_place_are_refused(tmp_path):
    frame = _read(tmp_path, "eyfs_gld,2022/23,place,,10,100,,,\n"
                            "eyfs_gld,2022/23,ward,A,8,60,,,\n"
                            "eyfs_gld,2022/23,ward,B,8,60,,,\n")
    with pytest.raises(Exception, match="add up to more than the place"):
        oc.protect(frame, RULES)


def test_a_mean_is_shown_only_when_its_count_reaches_the_threshold(tmp_path):
    frame = _read(tmp_path, "attainment8,2023/24,place,,,,41.0,18,130\n"
                            "attainment8,2023/24,ward,A,,,40.0,18,60\n"
                            "attainment8,2023/24,ward,B,,,42.0,18,62\n"
                            "attainment8,2023/24,ward,C,,,45.0,18,8\n")
    res = oc.protect(frame, RULES)
    local = res.local.set_index("area")
    assert local.loc["C", "suppressed"] and pd.isna(local.loc["C", "value"])
    assert "fewer than 10" in local.loc["C", "suppression"]
    # C alone hidden would come back from the place mean: the smaller of A and B goes too
    assert local.loc["A", "suppressed"] and not local.loc["B", "suppressed"]
    assert local.loc["B", "value"] == 42.0 and local.loc["place", "value"] == 41.0
    # interval from the ward's own sd and count: 42 +/- 1.96 * 18 / sqrt(62)
    assert local.loc["B", "upper"] - 42.0 == pytest.approx(1.96 * 18 / 62 ** 0.5)


def test_wards_and_schools_are_two_ways_of_adding_up_the_same_place(tmp_path):
    # by hand: 100 of 200 pupils; wards A 60/120, B 40/80; schools S 3/12 (fewer than 5: hidden), T 97/188
    frame = _read(tmp_path, "ks2_rwm,2023/24,place,,100,200,,,\n"
                            "ks2_rwm,2023/24,ward,A,60,120,,,\n"
                            "ks2_rwm,2023/24,ward,B,40,80,,,\n"
                            "ks2_rwm,2023/24,school,S,3,12,,,\n"
                            "ks2_rwm,2023/24,school,T,97,188,,,\n")
    res = oc.protect(frame, RULES)
    local = res.local.set_index(["area_type", "area"])
    assert local.loc[("school", "S"), "suppressed"]
    # T alone would give S back from the place total: it is hidden too, and the audit agrees
    assert local.loc[("school", "T"), "suppressed"]
    assert not local.loc[("ward", "A"), "suppressed"] and local.loc[("ward", "A"), "numerator"] == 60
    assert res.ok and res.audit["protected"].all()
