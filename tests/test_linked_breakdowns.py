"""Disclosure across tables of one population: by school, by year group, a cross-tab, and pupils.

The scenario is the second attack of issue 15: four respondents from a pupil referral
unit, all in Year 9 and all positive. Hidden in the by-school table, the unit could be
recovered from the by-year-group table ("the years minus the other schools"). The
expected figures are worked out by hand in the comments.
"""
from __future__ import annotations

import pandas as pd
import pytest

from ccdata.analysis import audit, disclosure, linked, pupils, stats
from ccdata.views import listening

QUESTIONS = pd.DataFrame({"question_id": ["Q1"], "question_text": ["Do you feel safe?"], "type": ["single"],
                          "options": [("Yes", "No")], "positive": [("Yes",)], "benchmark": [float("nan")]})


def _responses(cells: dict) -> pd.DataFrame:
    rows = []
    for (school, year), (n, yes) in cells.items():
        rows += [(school, year, "Yes")] * yes + [(school, year, "No")] * (n - yes)
    frame = pd.DataFrame(rows, columns=["school", "year_group", "Q1"])
    frame["wave"], frame["ward24_code"], frame["lsoa21_code"] = "2025", "W1", "E01000001"
    return frame


#: (school, year): (respondents, positive). The unit: 4 in Year 9, all positive.
ISSUE = {("Hillside PRU", "Year 9"): (4, 4),
         ("Oak Academy", "Year 7"): (30, 20), ("Oak Academy", "Year 8"): (25, 15), ("Oak Academy", "Year 9"): (28, 18),
         ("Elm School", "Year 7"): (22, 12), ("Elm School", "Year 8"): (20, 14), ("Elm School", "Year 9"): (24, 16)}
UNIT = "Q1: by school Hillside PRU"


def test_per_table_suppression_leaks_the_unit_and_the_audit_finds_it():
    # protection switched off: small cells hidden table by table, nothing else
    off = disclosure.Rules(secondary=False, round_to=1)
    result = linked.survey_breakdowns(_responses(ISSUE), QUESTIONS, rules=off, protect=False)["Q1"]
    assert not result.ok
    bounds = result.audit.set_index("figure")
    # years 52 + 45 + 56 = 153 - Oak 83 - Elm 66 = 4; positive 99 - 53 - 42 = 4
    assert tuple(bounds.loc[f"{UNIT}, respondents", ["lower", "upper"]]) == (4, 4)
    assert tuple(bounds.loc[f"{UNIT}, positive answers", ["lower", "upper"]]) == (4, 4)
    assert not audit.passed(result.audit)


def test_linked_protection_keeps_the_unit_wider_than_the_threshold():
    rules = disclosure.Rules()
    result = linked.survey_breakdowns(_responses(ISSUE), QUESTIONS, rules=rules)["Q1"]
    assert result.ok
    schools = result.tables[("school",)].set_index("school")
    assert bool(schools.loc["Hillside PRU", "suppressed"]) and pd.isna(schools.loc["Hillside PRU", "n"])
    bounds = result.audit.set_index("figure")
    assert bounds.loc[f"{UNIT}, respondents", "width"] >= rules.min_respondents
    assert bounds.loc[f"{UNIT}, positive answers", "width"] >= rules.min_cases
    assert (result.audit["width"] >= result.audit["threshold"]).all()


#: With a cross-tab, per-table suppression (secondary included) is not enough: the
#: published Year 9 (30, i.e. 28..32) minus Elm's Year 9 (25, i.e. 23..27) leaves the
#: unit's Year 9 plus Oak's Year 9 between 1 and 9, narrower than 10 respondents.
CROSSTAB = {("Elm", "Y7"): (24, 23), ("Elm", "Y8"): (7, 2), ("Elm", "Y9"): (26, 11), ("Oak", "Y7"): (14, 7),
            ("Oak", "Y8"): (22, 21), ("Oak", "Y9"): (1, 0), ("PRU", "Y9"): (4, 4)}


def test_a_crosstab_needs_the_linked_step():
    rules = disclosure.Rules()
    alone = linked.survey_breakdowns(_responses(CROSSTAB), QUESTIONS, rules=rules, crosstab=True,
                                     protect=False)["Q1"]
    assert not alone.ok
    pinned = alone.audit.set_index("figure").loc["Q1: by school x year_group PRU | Y9, respondents"]
    assert pinned["upper"] - pinned["lower"] <= 9 and not pinned["protected"]
    linked_set = linked.survey_breakdowns(_responses(CROSSTAB), QUESTIONS, rules=rules, crosstab=True)["Q1"]
    assert linked_set.ok and linked_set.rounds >= 2
    assert (linked_set.audit["width"] >= linked_set.audit["threshold"]).all()
    # some figure was hidden only because another table would expose a hidden one
    reasons = pd.concat([t["suppression"] for t in linked_set.tables.values()])
    assert (reasons == disclosure.LINKED).any()
    assert "repeated" in linked_set.note


def test_shown_percentages_come_from_the_published_rounded_counts():
    result = linked.survey_breakdowns(_responses(ISSUE), QUESTIONS, crosstab=True)["Q1"]
    for table in result.tables.values():
        assert disclosure.is_protected(table)
        shown = table[~table["suppressed"]]
        assert len(shown) == 0 or (shown["n"] % 5 == 0).all()
        for r in shown.itertuples():
            assert r.pct_positive == pytest.approx(100 * r.positive / r.n)
            lo, hi = stats.wilson_ci([r.positive], [r.n])
            assert r.ci_lower == pytest.approx(100 * float(lo[0]))
        assert table.loc[table["suppressed"], ["n", "positive", "pct_positive", "ci_lower"]].isna().all().all()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="breakdowns"):
        linked.protect_breakdowns(pd.DataFrame({"y": [True]}), "y", [])
    with pytest.raises(KeyError, match="school"):
        linked.protect_breakdowns(pd.DataFrame({"y": [True]}), "y", [("school",)])
    with pytest.raises(TypeError):
        linked.protect_breakdowns([1, 2], "y", [()])


# ------------------------------------------------------------------ pupils

def _pupils() -> tuple[pd.DataFrame, pd.DataFrame]:
    """W1: 30 pupils in L1 (decile 1), 12 absent; 10 in L2 (decile 2), 4 absent.
    W2: 4 pupils in L3 (decile 2), 3 absent; 20 in L4 (decile 5), 6 absent."""
    rows = []
    for lsoa, ward, n, absent in (("L1", "W1", 30, 12), ("L2", "W1", 10, 4), ("L3", "W2", 4, 3),
                                  ("L4", "W2", 20, 6)):
        rows += [{"school": "Oak", "lsoa21_code": lsoa, "ward24_code": ward, "located": True,
                  "persistent_absence": i < absent, "fsm": i % 2 == 0, "excluded": False,
                  "counted_in_areas": True} for i in range(n)]
    frame = pd.DataFrame(rows)
    for c in pupils.MEASURES:
        frame[c] = frame[c].astype("boolean")
    frame.attrs["personal"] = True
    dep = pd.DataFrame({"lsoa21_code": ["L1", "L2", "L3", "L4"], "imd_decile": [1, 2, 2, 5]})
    return frame, dep


def test_pupil_tables_are_one_linked_set_with_rates_from_rounded_counts():
    frame, dep = _pupils()
    result = pupils.page(frame, "persistent_absence", deprivation=dep)
    assert result.ok and (result.audit["width"] >= result.audit["threshold"]).all()
    # 64 pupils, 25 absent -> published 65 and 25; rate 25/65
    total = result.summary.set_index("measure").loc[pupils.MEASURES["persistent_absence"]]
    assert (total["pupils"], total["cases"]) == (65, 25)
    assert total["rate"] == pytest.approx(100 * 25 / 65)
    for table in (result.summary, result.by_ward, result.by_decile):
        assert disclosure.is_protected(table)
        shown = table[~table["suppressed"]]
        for r in shown.itertuples():
            assert r.rate == pytest.approx(100 * r.cases / r.pupils)
    # decile 2 = L2 + L3 = 14 pupils, 7 absent (nothing small): shown as 15 and 5, and its
    # share of the published 25 cases is 20%, not the true 7 / 25
    decile = result.by_decile.set_index("imd_decile")
    assert not decile.loc[2, "suppressed"]
    assert (decile.loc[2, "pupils"], decile.loc[2, "cases"]) == (15, 5)
    assert decile.loc[2, "share_of_cases"] == pytest.approx(100 * 5 / 25)


class _Place:
    def deprivation(self):
        return _pupils()[1]


def test_the_listening_view_withholds_pupil_figures_the_audit_cannot_protect(monkeypatch):
    frame, _ = _pupils()
    data = listening.ListeningData(pupil_records=frame)
    shown = "".join(b.html for b in listening.pupils_section(_Place(), data))
    assert "All pupils in the extracts" in shown and "Disclosure audit of the pupil tables" in shown
    real = linked.protect_breakdowns

    def pinned(*args, **kwargs):          # as if a hidden figure could still be worked out
        result = real(*args, **kwargs)
        result.ok = False
        return result

    monkeypatch.setattr(linked, "protect_breakdowns", pinned)
    blocks = listening.pupils_section(_Place(), data)
    html = "".join(b.html for b in blocks)
    assert "withheld to protect privacy" in html and "All pupils in the extracts" not in html
    assert 'data-audience="adviser"' in blocks[-1].html and "not published" in blocks[-1].html
