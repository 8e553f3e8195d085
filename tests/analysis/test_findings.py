"""Key findings on hand-made figures: clear and unclear differences, missing data, ranking."""
import math
import re

import pandas as pd
import pytest

import ccdata
from ccdata.analysis import findings


def rows(ind, title, polarity, place, la, eng, n_place=1000, n_eng=1_000_000, status="ok", band=None):
    """Indicator rows; each area is (value, lower, upper) in percent or None.

    The place's verdict (``band``) is given by hand, as the indicator table would have it."""
    out = []
    for area, name, fig, n in (("place", "Smallshaw", place, n_place), ("la", "Tameside", la, n_place * 10),
                               ("england", "England", eng, n_eng)):
        v, lo, hi = fig if fig is not None else (math.nan, math.nan, math.nan)
        out.append({"indicator": ind, "title": title, "area": area, "area_name": name, "denominator": n,
                    "numerator": round(n * v / 100) if fig is not None else None,
                    "value": v, "lower": lo, "upper": hi, "polarity": polarity,
                    "band": (band if area == "place" else "not compared") or "not compared",
                    "status": status if fig is not None else "not available"})
    return out


def test_clear_difference_is_said_with_both_values():
    frame = pd.DataFrame(rows("a", "Social renting", "no_judgement",
                              (20.0, 18.0, 22.0), (15.0, 14.5, 15.5), (11.0, 10.9, 11.1), band="higher"))
    f = findings.findings(frame)
    assert f.sentences[-1] == ("Social renting: 20.0% in Smallshaw, higher than England "
                               "(11.0%; Tameside 15.0%).")


def test_no_clear_difference_says_nothing_beyond_the_child_first_lines():
    frame = pd.DataFrame(rows("a", "Social renting", "no_judgement",
                              (12.0, 9.0, 13.0), (15.0, 14.5, 15.5), (11.0, 10.9, 11.1), band="similar"))
    # only the child poverty line, which is always said (here: that there is no figure)
    assert findings.findings(frame, place_name="Smallshaw").sentences == [
        "There is no figure for children in low income families in Smallshaw in this edition's data."]


def test_the_sentence_reads_the_tables_verdict_not_a_second_test():
    # the interval excludes England, but the table's verdict says similar: nothing is claimed
    frame = pd.DataFrame(rows("a", "Good health", "higher_is_better", (40.0, 38.0, 42.0), None,
                              (48.0, 47.9, 48.1), band="similar"))
    assert findings.findings(frame).sentences[1:] == []
    frame = pd.DataFrame(rows("a", "Good health", "higher_is_better", (40.0, 38.0, 42.0), None,
                              (48.0, 47.9, 48.1), band="worse"))
    assert findings.findings(frame).sentences[-1] == "Good health: 40.0% in Smallshaw, lower than England (48.0%)."


def test_no_data_says_nothing():
    frame = pd.DataFrame(rows("a", "Good health", "higher_is_better", None, None, (48.0, 47.9, 48.1)))
    f = findings.findings(frame)
    assert f.sentences[1:] == [] and f.stands_out.empty
    assert findings.findings(None).sentences == []


def test_child_poverty_is_said_also_when_about_the_same_as_england():
    frame = pd.DataFrame(rows("children_low_income", "Children in low income families", "lower_is_better",
                              (27.5, 25.0, 30.0), (33.0, 32.5, 33.5), (27.1, 27.0, 27.2), band="similar"))
    s = findings.findings(frame).sentences[0]
    assert s == ("27.5% of children under 16 in Smallshaw live in relative low income families: "
                 "about the same as England (27.1%; Tameside 33.0%).")
    # the figures are kept with their ids, as the page's tables carry them
    ids = [p.id for p in s.parts if isinstance(p, findings.Figure)]
    assert ids == ["children_low_income/place/value", "children_low_income/england/value",
                   "children_low_income/la/value"]
    frame["method"] = ["estimate", "published", "published"]
    # inside one ward, the figure is that ward's published rate, and said so
    assert "(the published figure of its ward, Hackney Downs)" in findings.findings(
        frame, one_ward="Hackney Downs").sentences[0]
    frame.loc[0, "band"] = "worse"
    assert findings.findings(frame).sentences[0] == (
        "27.5% of children under 16 in Smallshaw live in relative low income families (an estimate from its "
        "wards): higher than England (27.1%; Tameside 33.0%).")


def summary(n, idaci_pct, imd_pct):
    return pd.DataFrame([
        {"edition": "IoD 2025", "area": "place", "area_name": "Pembury", "lsoas": n,
         "pct_lsoas_most_deprived_10": imd_pct, "pct_lsoas_idaci_most_deprived_10": idaci_pct},
        {"edition": "IoD 2025", "area": "la", "area_name": "Hackney", "lsoas": 144,
         "pct_lsoas_most_deprived_10": 12.0, "pct_lsoas_idaci_most_deprived_10": 20.0}])


def test_one_neighbourhood_is_described_by_its_decile_never_as_zero_percent_of_one():
    s = findings.idaci_sentence(summary(1, 100.0, 0.0), deciles=[1])
    assert s == ("Pembury's one neighbourhood is in the most deprived 10% in England for children in "
                 "income-deprived families (IDACI, IoD 2025).")
    d = findings.deprivation_sentence(summary(1, 100.0, 0.0), deciles=[2])
    assert d == ("Pembury's one neighbourhood is among the 10-20% most deprived in England for overall "
                 "deprivation (IMD, IoD 2025).")
    assert not re.search(r"\b0%", findings.deprivation_sentence(summary(1, 100.0, 0.0)))  # words, not "0% of 1"
    assert findings.deprivation_sentence(summary(1, 100.0, 0.0)).startswith("Pembury's one neighbourhood is not")


def test_two_or_three_neighbourhoods_are_counted_in_words():
    s = findings.idaci_sentence(summary(3, 100 / 3, 0.0), deciles=[1, 3, 3])
    assert s == ("Of Pembury's three neighbourhoods, one is in the most deprived 10% and two are among the "
                 "20-30% most deprived in England for children in income-deprived families (IDACI, IoD 2025).")
    s = findings.idaci_sentence(summary(2, 100.0, 0.0), deciles=[1, 1])
    assert s.startswith("Of Pembury's two neighbourhoods, both are in the most deprived 10%")
    assert findings.idaci_sentence(summary(2, 0.0, 0.0), deciles=[7, 9]).startswith(
        "Of Pembury's two neighbourhoods, one is among the 30-40% least deprived and one is among the "
        "10-20% least deprived")


def test_deprivation_plain_words_no_significance():
    summ = pd.DataFrame([
        {"edition": "IoD 2025", "area": "place", "area_name": "Smallshaw", "lsoas": 12,
         "pct_lsoas_most_deprived_10": 100 * 4 / 12},
        {"edition": "IoD 2025", "area": "la", "area_name": "Tameside", "lsoas": 141,
         "pct_lsoas_most_deprived_10": 18.0},
        {"edition": "IoD 2025", "area": "england", "area_name": "England", "lsoas": 33755,
         "pct_lsoas_most_deprived_10": 10.0}])
    s = findings.deprivation_sentence(summ)
    assert s == ("33% of Smallshaw's 12 neighbourhoods are in the most deprived 10% in England for overall "
                 "deprivation (IMD, IoD 2025; a larger share than Tameside, 18%).")
    assert "higher than" not in s and "significant" not in s
    summ.loc[0, "pct_lsoas_most_deprived_10"] = 0.0
    assert findings.deprivation_sentence(summ).startswith("None of Smallshaw's 12 neighbourhoods is in")
    summ.loc[0, "pct_lsoas_most_deprived_10"] = math.nan
    assert findings.deprivation_sentence(summ) is None


def test_order_is_children_first_then_family_deprivation_adults():
    frame = pd.DataFrame(
        rows("no_car", "No car", "no_judgement", (60.0, 58, 62), None, (23.0, 22.9, 23.1), band="higher")
        + rows("lone_parent_households", "Lone parents", "no_judgement", (20.0, 18, 22), None,
               (8.0, 7.9, 8.1), band="higher")
        + rows("children_0_19", "Children 0-19", "no_judgement", (27.0, 25, 29), None, (23.0, 22.9, 23.1),
               band="higher")
        + rows("children_low_income", "Child poverty", "lower_is_better", (36.0, 33, 39), None,
               (27.0, 26.9, 27.1), band="worse"))
    f = findings.findings(frame, summary(1, 100.0, 0.0), imd_deciles=[2], idaci_deciles=[1])
    assert [s.split(" ")[0] for s in f.sentences] == ["36.0%", "Pembury's", "270", "Lone", "Pembury's", "No"]
    assert "for children in income-deprived families" in f.sentences[1]
    assert "overall deprivation" in f.sentences[4]
    assert [g for g, _ in findings.ORDER] == ["child_poverty", "idaci", "children", "family", "deprivation",
                                              "adults"]


def test_stands_out_only_clearly_worse_by_the_table_ranked_by_percentage_points():
    frame = pd.DataFrame(
        rows("a", "A worse (lower is better)", "lower_is_better", (20.0, 18, 22), None, (10.0, 9.9, 10.1),
             band="worse")
        + rows("b", "B worse (higher is better)", "higher_is_better", (40.0, 37, 43), None, (52.0, 51.9, 52.1),
               band="worse")
        + rows("c", "C better", "lower_is_better", (5.0, 4, 6), None, (10.0, 9.9, 10.1), band="better")
        + rows("d", "D no judgement", "no_judgement", (90.0, 88, 92), None, (10.0, 9.9, 10.1), band="higher")
        # above England by 1.2 points but the table calls it similar (Pembury's bad health): not listed
        + rows("e", "E similar", "lower_is_better", (6.6, 5.0, 8.5), None, (5.4, 5.39, 5.41), band="similar"))
    so = findings.stands_out(frame, about_children=set())
    assert list(so["indicator"]) == ["b", "a"]  # 12.0 points before 10.0
    assert so["Gap (percentage points)"].tolist() == [12.0, 10.0]
    assert set(so["Compared with England"]) == {"worse"}
    assert not any("standard error" in c.lower() for c in so.columns)


def test_stands_out_equal_gaps_put_childrens_indicator_first_and_mark_it():
    frame = pd.DataFrame(
        rows("adults", "A adults", "lower_is_better", (20.0, 18, 22), None, (10.0, 9.9, 10.1), band="worse")
        + rows("kids", "Z children", "lower_is_better", (30.0, 28, 32), None, (20.0, 19.9, 20.1), band="worse"))
    so = findings.stands_out(frame, about_children={"kids"})
    assert list(so["indicator"]) == ["kids", "adults"]
    assert so["About children"].tolist() == ["Yes", "No"]
    so = findings.stands_out(frame, about_children=set())
    assert list(so["indicator"]) == ["adults", "kids"]  # then by name


def test_at_most_eight_and_bad_input():
    frame = pd.DataFrame(sum((rows(str(i), f"I{i}", "lower_is_better", (20.0 + i, 18 + i, 22 + i), None,
                                   (10.0, 9.9, 10.1), band="worse") for i in range(10)), []))
    assert len(findings.stands_out(frame)) == findings.MAX_STANDS_OUT == 8
    assert len(findings.stands_out(frame, limit=3)) == 3
    assert len(findings.findings(frame).sentences) == findings.MAX_SENTENCES
    with pytest.raises(ValueError, match="has no column .upper."):
        findings.findings(frame.drop(columns=["upper"]))
    with pytest.raises(TypeError):
        findings.stands_out("table")
    with pytest.raises(ValueError, match="limit"):
        findings.stands_out(frame, limit=0)
    with pytest.raises(TypeError):
        findings.Sentence("text", 3.5)


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
        allowed |= {f"{v:.0f}" for v in summ["pct_lsoas_idaci_most_deprived_10"].dropna()}
        allowed |= {f"{int(n):,}" for n in summ["lsoas"]} | {"10", "2019", "2025", "16", "0", "19", "2021"}
        allowed |= {str(n) for n in range(0, 101, 10)}  # decile words: "among the 10-20% most deprived"
    allowed |= {f"{int(v):,}" for v in ok["numerator"].dropna()}
    assert 3 <= len(f.sentences) <= findings.MAX_SENTENCES, f.sentences
    # child first: child poverty, then IDACI, then the number of children and young people aged 0-19
    first = [{p.id.split("/")[0] for p in s.parts if isinstance(p, findings.Figure)} for s in f.sentences[:3]]
    assert "children_low_income" in first[0] and "idaci" in first[1] and "children_0_19" in first[2], f.sentences
    assert "income-deprived families" in f.sentences[1] and "aged 0-19" in f.sentences[2]
    assert not re.search(r"(?<![\d.,])0% of|(?<![\d.,])1 neighbourhoods", " ".join(f.sentences))
    titles = sorted(set(ok["title"]), key=len, reverse=True)
    for s in f.sentences:
        title = next((t for t in titles if s.startswith(t + ": ")), "")
        for n in NUMBER.findall(s[len(title):]):  # numbers in an indicator's name are not figures
            assert n in allowed, (n, s)
        if ": " in s and s.startswith(title + ": ") and title and " than England (" in s:
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


@pytest.mark.slow(reason="the official tables the real places' findings read (built on first use)")
def test_real_place_findings_match_the_indicator_table(official):
    # the tables are built as the findings first read them (once per run, in the folder the workers
    # share); building every official table first only added the ones no finding reads (the postcode
    # shift, the OA lookup, the crosswalk reconciliation ...: 19 s of CPU when this test runs alone)
    real = ccdata.list_places()
    for pid in real.loc[~real["fictional"], "id"]:
        check_place_findings(ccdata.place(pid))


def test_a_sentence_is_plain_text_that_keeps_its_figures_through_pickling_and_json():
    import json
    import pickle

    s = findings.Sentence(findings.Figure("a/place/value", "percent", "36.2%"), " of children")
    assert s == "36.2% of children" and isinstance(s, str)
    back = pickle.loads(pickle.dumps(s))  # a batch worker hands its sentences back this way
    assert back == s and back.parts == s.parts
    assert json.loads(json.dumps([s])) == ["36.2% of children"]
