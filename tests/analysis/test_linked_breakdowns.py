"""Disclosure across tables of one population: by school, by year group, a cross-tab, and pupils.

The scenario is the second attack of issue 15: four respondents from a pupil referral
unit, all in Year 9 and all positive. Hidden in the by-school table, the unit could be
recovered from the by-year-group table ("the years minus the other schools"). The
expected figures are worked out by hand in the comments.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from ccdata.analysis import audit, disclosure, linked, pupils, stats
from ccdata.errors import MissingDataError
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
    wards = None

    def deprivation(self):
        return _pupils()[1]

    def table(self, name):             # no lookups built: wards keep their codes
        raise MissingDataError(f"{name} not built")


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


def _numbers(html: str) -> list[str]:
    import re
    from html.parser import HTMLParser

    class Text(HTMLParser):
        parts: list = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.parts = []
    parser.feed(html)
    return re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])", " ".join(parser.parts))


def test_every_number_on_the_pupil_section_is_published_or_recomputable():
    frame, dep = _pupils()
    # a small group: 3 pupils in ward W3 (LSOA L5, decile 5), 1 absent
    small = frame[frame["lsoa21_code"] == "L4"].head(3).assign(lsoa21_code="L5", ward24_code="W3")
    frame = pd.concat([frame, small], ignore_index=True)
    frame.attrs["personal"] = True
    dep = pd.concat([dep, pd.DataFrame({"lsoa21_code": ["L5"], "imd_decile": [5]})], ignore_index=True)

    class Place(_Place):
        def deprivation(self):
            return dep

    data = listening.ListeningData(pupil_records=frame)
    blocks = listening.pupils_section(Place(), data)
    partner = "".join(b.html for b in blocks if 'data-audience="adviser"' not in b.html)
    result = pupils.page(frame, "persistent_absence", deprivation=dep)
    assert result.ok
    ward = result.by_ward.set_index("ward24_code")
    assert bool(ward.loc["W3", "suppressed"])            # 3 pupils: hidden
    allowed = {str(d) for d in range(1, 11)} | {"95"}     # decile labels, "1 = most deprived 10%", 95% interval
    for table in (result.summary, result.by_ward, result.by_decile):
        shown = table[~table["suppressed"]]
        for col in shown.select_dtypes("number").columns:
            for v in shown[col].dropna():
                v = float(v)
                allowed |= {f"{v:,.1f}", f"{v:,.0f}"} | ({f"{int(v):,}"} if v.is_integer() else set())
    stray = sorted({n for n in _numbers(partner) if n not in allowed})
    assert stray == []


def test_the_listening_page_by_school_and_year_group_renders_only_protected_figures():
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses(ISSUE))
    blocks = listening.groups_section(data, disclosure.Rules())
    partner = "".join(b.html for b in blocks if 'data-audience="adviser"' not in b.html)
    adviser = "".join(b.html for b in blocks if 'data-audience="adviser"' in b.html)
    assert "share positive by school" in partner and "share positive by year group" in partner
    assert "disclosure audit" in adviser.lower()
    result = linked.survey_breakdowns(_responses(ISSUE), QUESTIONS, rules=disclosure.Rules())["Q1"]
    allowed = {"7", "8", "9", "95"}                     # year labels; 95% interval
    # a hidden row says why in words ("fewer than 10 respondents"): the published rule, not a figure
    allowed |= {str(disclosure.Rules().min_respondents), str(disclosure.Rules().min_cases)}
    for table in result.tables.values():
        shown = table[~table["suppressed"]]
        for col in ("n", "pct_positive", "ci_lower", "ci_upper"):
            for v in shown[col].dropna():
                v = float(v)
                allowed |= {f"{v:,.1f}", f"{v:,.0f}"} | ({f"{int(v):,}"} if v.is_integer() else set())
    assert sorted({n for n in _numbers(partner) if n not in allowed}) == []
    # the unit's row is there, with no figure: 4 respondents, 100% never appear
    row = partner.split("Hillside PRU", 1)[1].split("</tr>", 1)[0]
    figures = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)
    assert figures and all(f == "" for f in figures), row  # every figure cell empty; only the reason in words
    assert "100.0" not in partner


def test_the_groups_section_withholds_a_question_the_audit_cannot_protect(monkeypatch):
    real = linked.protect_breakdowns

    def pinned(*args, **kwargs):
        result = real(*args, **kwargs)
        result.ok = False
        return result

    monkeypatch.setattr(linked, "protect_breakdowns", pinned)
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses(ISSUE))
    blocks = listening.groups_section(data, disclosure.Rules())
    html = "".join(b.html for b in blocks)
    assert "withheld to protect privacy" in html and "share positive by school" not in html
    assert "not published" in blocks[-1].html and 'data-audience="adviser"' in blocks[-1].html


# ------------------------------------------------------------------ property: random tiny populations
from hypothesis import Phase, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=10, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@example([(5, 0), (2, 4), (4, 4), (14, 1), (6, 10), (2, 5)])
@given(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), min_size=6, max_size=6))
def test_random_school_by_year_sets_publish_true_rounded_counts_and_sound_bounds(cells):
    schools, years = ("A", "B", "C"), ("Y7", "Y8")
    counts = {}
    for (school, year), (n, p) in zip([(s, y) for s in schools for y in years], cells):
        counts[school, year] = (n, min(p, n))
    frame = _responses(counts)
    if frame.empty:
        return
    rules = disclosure.Rules()
    result = linked.survey_breakdowns(frame, QUESTIONS, rules=rules, crosstab=True)["Q1"]
    true = {k: v for k, v in counts.items()}
    for keys, table in result.tables.items():
        assert disclosure.is_protected(table)
        for r in table.itertuples(index=False):
            group = dict(zip(keys, r[:len(keys)]))
            members = [v for (s, y), v in true.items()
                       if group.get("school", s) == s and group.get("year_group", y) == y]
            n, p = sum(m[0] for m in members), sum(m[1] for m in members)
            if r.suppressed:
                assert pd.isna(r.n) and pd.isna(r.positive) and pd.isna(r.pct_positive)
            else:   # a shown figure is the true count rounded to 5 (halves up), never anything else
                assert (r.n, r.positive) == (5 * int(n / 5 + 0.5), 5 * int(p / 5 + 0.5))
                assert n >= rules.min_respondents and p >= rules.min_cases and n - p >= rules.min_cases
    # the true table is one of those consistent with the page, so each bound holds the true value
    for f in result.audit.itertuples():
        name = f.figure.split(": ", 1)[1]
        what = name.rsplit(", ", 1)[1]
        label = name.rsplit(", ", 1)[0]
        if label == "total":
            members = list(true.values())
        else:   # "by school x year_group B | Y8" or "by school B"
            match = re.fullmatch(r"by (\w+(?: x \w+)*) (.*)", label)
            group = dict(zip(match.group(1).split(" x "), match.group(2).split(" | ")))
            members = [v for (s, y), v in true.items()
                       if group.get("school", s) == s and group.get("year_group", y) == y]
        n, p = sum(m[0] for m in members), sum(m[1] for m in members)
        value = {"respondents": n, "positive answers": p, "other answers": n - p}[what]
        assert f.lower <= value <= f.upper, f
    assert result.ok == audit.passed(result.audit)
