"""Key findings on hand-made figures: clear and unclear differences, missing data, ranking."""
import math
import re

import pandas as pd
import pytest

import ccdata
from ccdata.analysis import findings


def rows(ind, title, polarity, place, la, eng, n_place=1000, n_eng=1_000_000, status="ok"):
    """Indicator rows; each area is (value, lower, upper) in percent or None."""
    out = []
    for area, name, fig, n in (("place", "Smallshaw", place, n_place), ("la", "Tameside", la, n_place * 10),
                               ("england", "England", eng, n_eng)):
        v, lo, hi = fig if fig is not None else (math.nan, math.nan, math.nan)
        out.append({"indicator": ind, "title": title, "area": area, "area_name": name, "denominator": n,
                    "value": v, "lower": lo, "upper": hi, "polarity": polarity,
                    "status": status if fig is not None else "not available"})
    return out


def test_clear_difference_is_said_with_both_values():
    frame = pd.DataFrame(rows("a", "Lone-parent households", "lower_is_better",
                              (20.0, 18.0, 22.0), (15.0, 14.5, 15.5), (11.0, 10.9, 11.1)))
    f = findings.findings(frame)
    assert f.sentences == ["Lone-parent households: 20.0% in Smallshaw, higher than England "
                           "(11.0%, Tameside 15.0%)."]


def test_no_clear_difference_says_nothing():
    # England's 11.0 lies inside the place's interval 9.0-13.0
    frame = pd.DataFrame(rows("a", "Lone-parent households", "lower_is_better",
                              (12.0, 9.0, 13.0), (15.0, 14.5, 15.5), (11.0, 10.9, 11.1)))
    assert findings.findings(frame).sentences == []


def test_lower_than_england_and_no_la():
    frame = pd.DataFrame(rows("a", "Good health", "higher_is_better", (40.0, 38.0, 42.0), None,
                              (48.0, 47.9, 48.1)))
    assert findings.findings(frame).sentences == ["Good health: 40.0% in Smallshaw, lower than England (48.0%)."]


def test_no_data_says_nothing():
    frame = pd.DataFrame(rows("a", "Good health", "higher_is_better", None, None, (48.0, 47.9, 48.1)))
    f = findings.findings(frame)
    assert f.sentences == [] and f.stands_out.empty
    assert findings.findings(None).sentences == []


def test_deprivation_plain_words_no_significance():
    summary = pd.DataFrame([
        {"edition": "IoD 2025", "area": "place", "area_name": "Smallshaw", "lsoas": 12,
         "pct_lsoas_most_deprived_10": 100 * 4 / 12},
        {"edition": "IoD 2025", "area": "la", "area_name": "Tameside", "lsoas": 141,
         "pct_lsoas_most_deprived_10": 18.0},
        {"edition": "IoD 2025", "area": "england", "area_name": "England", "lsoas": 33755,
         "pct_lsoas_most_deprived_10": 10.0}])
    s = findings.deprivation_sentence(summary)
    assert s == ("33% of Smallshaw's 12 neighbourhoods are among the most deprived 10% in England "
                 "(IoD 2025; a larger share than Tameside, 18%).")
    assert "higher than" not in s and "significant" not in s
    summary.loc[0, "pct_lsoas_most_deprived_10"] = math.nan
    assert findings.deprivation_sentence(summary) is None


def test_stands_out_ranked_by_signed_standardised_gap():
    frame = pd.DataFrame(
        rows("a", "A worse (lower is better)", "lower_is_better", (20.0, 18, 22), None, (10.0, 9.9, 10.1))
        + rows("b", "B worse (higher is better)", "higher_is_better", (40.0, 37, 43), None, (50.0, 49.9, 50.1))
        + rows("c", "C better", "lower_is_better", (5.0, 4, 6), None, (10.0, 9.9, 10.1))
        + rows("d", "D no judgement", "no_judgement", (90.0, 88, 92), None, (10.0, 9.9, 10.1)))
    so = findings.stands_out(frame)
    # by hand: a: (0.20-0.10)/sqrt(.2*.8/1000 + .1*.9/1e6) ; b: (0.50-0.40)/sqrt(.4*.6/1000 + .25/1e6)
    za = 0.10 / math.sqrt(0.16 / 1000 + 0.09 / 1e6)
    zb = 0.10 / math.sqrt(0.24 / 1000 + 0.25 / 1e6)
    assert list(so["indicator"]) == ["a", "b"]  # c is better, d has no polarity
    assert so["Gap (standard errors)"].tolist() == [round(za, 1), round(zb, 1)]


def test_at_most_five_and_bad_input():
    frame = pd.DataFrame(sum((rows(str(i), f"I{i}", "lower_is_better", (20.0 + i, 18 + i, 22 + i), None,
                                   (10.0, 9.9, 10.1)) for i in range(8)), []))
    assert len(findings.stands_out(frame)) == 5
    assert len(findings.findings(frame).sentences) == 6
    with pytest.raises(ValueError, match="lacks column"):
        findings.findings(frame.drop(columns=["upper"]))
    with pytest.raises(TypeError):
        findings.stands_out("table")


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def check_place_findings(place):
    """Every number in the sentences equals the indicator table or the deprivation summary."""
    from ccdata.analysis import deprivation, indicators

    f = findings.for_place(place)
    frame = indicators.compute(place)
    ok = frame[frame["status"] == "ok"]
    allowed = {f"{v:.1f}" for v in ok["value"]}
    for edition in ("iod2019", "iod2025"):
        try:
            summ = deprivation.summary(place, edition)
        except ccdata.MissingDataError:
            continue
        allowed |= {f"{v:.0f}" for v in summ["pct_lsoas_most_deprived_10"].dropna()}
        allowed |= {f"{int(n):,}" for n in summ["lsoas"]} | {"10", "2019", "2025"}
    assert 3 <= len(f.sentences) <= 6, f.sentences
    titles = sorted(set(ok["title"]), key=len, reverse=True)
    for s in f.sentences:
        title = next((t for t in titles if s.startswith(t + ": ")), "")
        for n in NUMBER.findall(s[len(title):]):  # numbers in an indicator's name are not figures
            assert n in allowed, (n, s)
        if " than England (" in s:
            rows = ok[ok["title"] == title].set_index("area")
            assert f"{rows.loc['place', 'value']:.1f}%" in s and f"({rows.loc['england', 'value']:.1f}%" in s
            if "la" in rows.index:
                assert f"{place.lad_name} {rows.loc['la', 'value']:.1f}%" in s
            lo, hi, eng = rows.loc["place", "lower"], rows.loc["place", "upper"], rows.loc["england", "value"]
            assert not lo <= eng <= hi  # a difference is claimed only when the interval excludes England
            assert ("higher" in s) == (lo > eng)
    assert any(place.lad_name in s for s in f.sentences)
    return f


def test_demo_findings_match_the_indicator_table(demo_data):
    check_place_findings(ccdata.place("demo"))


def test_real_place_findings_match_the_indicator_table(official):
    from ccdata.geo.build import build

    build(progress=False)
    real = ccdata.list_places()
    for pid in real.loc[~real["fictional"], "id"]:
        check_place_findings(ccdata.place(pid))
