"""The progress page: baselines and targets from places.yaml, changes by the one rule on hand-made
series, the demo's story in the first section, and the real places' official series."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from ccdata.analysis import stats, trends
from ccdata.io.local import outcomes as reader


# --------------------------------------------------------------------------- baselines and targets
def test_baselines_one_period_or_one_per_form():
    assert trends.baselines({}) == {}
    assert trends.baselines({"baseline": "2021/22"}) == {"academic": "2021/22"}
    assert trends.baselines({"baseline": "FYE 2022"}) == {"financial": "FYE 2022"}
    assert trends.baselines({"baseline": {"academic": "2021-22", "calendar": 2022}}) == {
        "academic": "2021/22", "calendar": "2022"}
    with pytest.raises(trends.BaselineError, match="not a period form"):
        trends.baselines({"baseline": {"school": "2021/22"}})
    with pytest.raises(trends.BaselineError, match="not a period"):
        trends.baselines({"baseline": "last year"})


def test_targets_are_checked_against_the_vocabulary():
    vocab = reader.load_vocabulary()
    t = trends.targets({"targets": {"eyfs_gld": {"value": 70, "period": "2026/27"}}}, vocab)
    assert t.to_dict("records") == [{"measure": "eyfs_gld", "target": 70.0, "period": "2026/27"}]
    for bad, match in (({"nope": {"value": 1, "period": "2026/27"}}, "not a declared outcome"),
                       ({"eyfs_gld": {"value": "high", "period": "2026/27"}}, "not a number"),
                       ({"eyfs_gld": {"value": 70, "period": "FYE 2027"}}, "not a academic year"),
                       ({"eyfs_gld": {"value": 70}}, "needs a value and a period")):
        with pytest.raises(trends.BaselineError, match=match):
            trends.targets({"targets": bad}, vocab)


# --------------------------------------------------------------------------- changes on hand-made series
def _row(measure, area_type, area, period, end, num, den, kind=stats.PROPORTION, polarity="higher_is_better",
         suppressed=False, estimate=False, value=None, sd=np.nan, count=np.nan):
    return {"measure": measure, "title": measure.upper(), "stage": "primary", "kind": kind, "polarity": polarity,
            "unit": "%", "area_type": area_type, "area": area, "area_name": area, "period": period,
            "period_end": end, "value": value if value is not None else (np.nan if suppressed else 100 * num / den),
            "lower": np.nan, "upper": np.nan, "numerator": num, "denominator": den, "sd": sd, "count": count,
            "estimate": estimate, "suppressed": suppressed, "suppression": ""}


def test_changes_run_from_the_baseline_to_the_latest_with_the_one_rule():
    s = pd.DataFrame([
        _row("a", "place", "place", "2020/21", 2021, 48, 80),
        _row("a", "place", "place", "2021/22", 2022, 10, 20),
        _row("a", "place", "place", "2022/23", 2023, 56, 70),
        _row("a", "ward", "W1", "2020/21", 2021, 0, 29, polarity="lower_is_better"),
        _row("a", "ward", "W1", "2022/23", 2023, 5, 56, polarity="lower_is_better"),
        _row("a", "ward", "W2", "2020/21", 2021, 40, 80),
        _row("a", "ward", "W2", "2022/23", 2023, 0, 0, suppressed=True),
        _row("b", "place", "place", "2021/22", 2022, 1, 2),    # one period only: no change row
        _row("m", "place", "place", "2020/21", 2021, np.nan, np.nan, kind=stats.MEAN, value=10.0, sd=2, count=4),
        _row("m", "place", "place", "2022/23", 2023, np.nan, np.nan, kind=stats.MEAN, value=12.0, sd=2, count=4),
    ])
    c = trends.changes(s, {"academic": "2020/21"}, {"a": "academic", "m": "academic"}).set_index(["measure", "area"])
    a = c.loc[("a", "place")]
    # Newcombe (1998) example (a): 48/80 -> 56/70 is +20 points, interval 5.24 to 33.39
    assert (a["baseline"], a["latest"]) == ("2020/21", "2022/23")
    assert a["change"] == pytest.approx(20.0) and a["change_lower"] == pytest.approx(5.24, abs=0.01)
    assert a["verdict"] == stats.IMPROVED
    # example (d): 0/29 -> 5/56 has an interval through zero: no clear change, whatever the polarity
    assert c.loc[("a", "W1"), "verdict"] == stats.NO_CLEAR_CHANGE
    # a hidden latest figure: no verdict, with the reason
    assert c.loc[("a", "W2"), "verdict"] == stats.NO_VERDICT and "hidden" in c.loc[("a", "W2"), "reason"]
    assert ("b", "place") not in c.index
    # the mean: Welch, 6 degrees of freedom, -1.46 to 5.46: no clear change
    m = c.loc[("m", "place")]
    assert m["change_lower"] == pytest.approx(-1.4605, abs=1e-3) and m["verdict"] == stats.NO_CLEAR_CHANGE


def test_a_baseline_missing_from_a_series_falls_back_to_its_earliest_and_says_so():
    s = pd.DataFrame([_row("a", "place", "place", "2021/22", 2022, 10, 20),
                      _row("a", "place", "place", "2022/23", 2023, 11, 20)])
    c = trends.changes(s, {"academic": "2019/20"}, {"a": "academic"}).iloc[0]
    assert c["baseline"] == "2021/22" and "2019/20 is not in this series" in c["reason"]


def test_a_ward_is_diverging_only_when_its_clear_verdict_differs_from_the_place():
    table = pd.DataFrame([
        {"measure": "k", "title": "K", "area_type": "place", "area": "place", "area_name": "P", "verdict": "no clear change"},
        {"measure": "k", "title": "K", "area_type": "ward", "area": "W1", "area_name": "Harbour", "verdict": "worsened"},
        {"measure": "k", "title": "K", "area_type": "ward", "area": "W2", "area_name": "Mill", "verdict": "no clear change"},
        {"measure": "g", "title": "G", "area_type": "place", "area": "place", "area_name": "P", "verdict": "improved"},
        {"measure": "g", "title": "G", "area_type": "ward", "area": "W1", "area_name": "Harbour", "verdict": "improved"},
    ])
    d = trends.diverging(table)
    assert d[["measure", "area_name", "verdict", "place_verdict"]].values.tolist() == [
        ["k", "Harbour", "worsened", "no clear change"]]


def test_missing_dwp_years_are_listed_from_the_start_of_the_series():
    s = pd.DataFrame([_row(trends.CHILD_POVERTY, "place", "place", "FYE 2024", 2024, 1, 2),
                      _row(trends.CHILD_POVERTY, "place", "place", "FYE 2025", 2025, 1, 2)])
    assert trends.missing_dwp_years(s) == [f"FYE {y}" for y in range(2015, 2024)]


# --------------------------------------------------------------------------- the demo's story
def _sections(html: str) -> dict[str, str]:
    parts = re.split(r"<h3[^>]*>", html)
    return {p.split("</h3>")[0]: p.split("</h3>", 1)[1] for p in parts[1:]}


def test_the_demo_first_section_tells_the_story(demo_data):
    from ccdata.geo.places import place
    from ccdata.views import over_time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        progress = over_time.load(place("demo"))
    html = "".join(b.html for b in over_time.summary_section(progress))
    sec = _sections(html)
    vocab = reader.load_vocabulary()
    assert vocab["eyfs_gld"].title in sec["Improved"]
    assert vocab["persistent_absence_primary"].title in sec["Worsened"]
    assert vocab["phonics_y1"].title in sec["No clear change"]
    assert vocab["phonics_y1"].title not in sec["Improved"] + sec["Worsened"]
    # the diverging ward is named; the place-level lists never name a ward
    assert "Harbour" in sec["Wards that moved differently from the place"]
    assert "one comparison in twenty" in sec["Wards that moved differently from the place"]
    assert not any(w in sec[k] for k in ("Improved", "Worsened", "No clear change")
                   for w in ("Harbour", "Mill Lane", "Northgate", "St Aidan"))
    # children first: child poverty leads the list it is in; DWP years the folder lacks are named
    assert sec["No clear change"].index("low income") < sec["No clear change"].index("phonics")
    lacking = sec["What this page does not have yet"]
    assert "Child poverty after housing costs: the data folder holds FYE 2024 and FYE 2025 only" in lacking
    assert "figures for FYE 2015 to FYE 2023 count income before housing costs, a different measure" in lacking
    assert ("Child poverty before housing costs, which DWP publishes for FYE 2015 to FYE 2025, is not in the "
            "data folder") in lacking
    # and the target is beside the latest value, with no verdict on it
    place_html = "".join(b.html for b in over_time.place_section(progress))
    assert "target is 70% by 2026/27" in place_html


@pytest.mark.parametrize("place_id", ["pembury", "smallshaw-hurst", "wallsend"])
def test_real_places_show_iod_and_child_poverty_over_time_and_what_they_lack(official, place_id):
    from ccdata.geo.places import place
    from ccdata.views import over_time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        progress = over_time.load(place(place_id))
    cp = progress.changes[(progress.changes["measure"] == trends.CHILD_POVERTY)]
    assert set(cp["area_type"]) == {"place", "local_authority", "england"}
    assert set(cp["baseline"]) == {"FYE 2024"} and set(cp["latest"]) == {"FYE 2025"}
    assert len(progress.iod) >= 1 and progress.iod["IMD decile 2019"].notna().all()
    html = "".join(b.html for b in over_time.summary_section(progress))
    assert "Deprivation: of the place" in html and "no verdict is given" in html
    lacking = " ".join(progress.lacking)
    assert "no outcomes file" in lacking
    assert "Child poverty after housing costs: the data folder holds FYE 2024 and FYE 2025 only" in lacking
    assert "FYE 2015 to FYE 2023 count income before housing costs" in lacking
    assert "before housing costs, which DWP publishes for FYE 2015 to FYE 2025, is not in the data folder" in lacking


@pytest.mark.slow(reason="reads the demo site (every notebook of the demo, run once per run)")
def test_demo_progress_page_is_exported_with_charts_and_their_data(demo_site):
    from ccdata.present import devtext

    page = (demo_site.place_dir / "progress.html").read_text(encoding="utf-8")
    assert devtext.check(page) == []
    first = page.split("Each measure over time")[0]
    assert "Harbour" in first and "Improved" in first and "Worsened" in first
    # one chart per measure of the place, each an inline SVG with the numbers behind it
    n_charts = page.count('<figure class="ccdata-figure')
    # child poverty, seven outcomes and the four single-answer survey questions with two waves
    # (the fifth, multiple-choice, is told answer by answer on the listening page)
    assert n_charts == 12 and page.count("Data behind this chart") == n_charts
    assert page.count("<svg") >= n_charts
    # ward codes never reach the partner's text: wards are named
    assert "E05900001" not in page


def test_the_progress_page_and_the_listening_page_agree_on_every_survey_change(demo_data):
    from ccdata.analysis import linked, survey
    from ccdata.geo.places import place
    from ccdata.views import over_time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = place("demo")
        progress = over_time.load(p)
        questions, responses = survey.load_place_survey(p)
    from ccdata.analysis import survey_options

    listening = linked.survey_page(responses, questions).change.set_index("question_id")
    mine = progress.changes[progress.changes["measure"].str.startswith("survey:")].copy()
    mine["question_id"] = mine["measure"].str.removeprefix("survey:")
    mine = mine.set_index("question_id")
    shown = listening[~listening["suppressed"]]
    # a multiple-choice question has no "positive answer": the listening page tells it answer by
    # answer, and the progress page leaves it out
    multiple = set(survey_options.multiple_choice(questions))
    assert multiple and not multiple & set(mine.index)
    shown = shown[~shown.index.isin(multiple)]
    assert len(shown) >= 3 and set(shown.index) == set(mine.index)
    for qid, row in shown.iterrows():
        assert mine.loc[qid, "change"] == pytest.approx(row["change_pts"])
        assert mine.loc[qid, "change_lower"] == pytest.approx(row["change_lower"])
        clear = mine.loc[qid, "verdict"] in (stats.INCREASED, stats.DECREASED)
        assert clear == bool(row["significant"]), qid


def test_a_malformed_baseline_or_target_does_not_stop_the_page(demo_data):
    from ccdata.geo.places import place
    from ccdata.views import over_time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = place("demo")
    p.definition = {**p.definition, "baseline": "last year", "targets": {"nope": {"value": 1, "period": "2026/27"}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        progress = over_time.load(p)
    gld = progress.changes[(progress.changes["measure"] == "eyfs_gld") & (progress.changes["area_type"] == "place")]
    assert gld["baseline"].iloc[0] == "2020/21"  # the earliest
    assert progress.targets.empty
    notes = " ".join(progress.notes)
    assert "'last year' is not a period" in notes and "'nope' is not a declared outcome" in notes
