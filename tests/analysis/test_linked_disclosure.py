"""Disclosure over the whole listening page: linked tables, the audit, and the seal.

The scenario is the attack of issue 15: an older wave of four respondents (three
positive) beside two large waves. Hidden in the by-wave table, it could be recovered
as "all waves minus 2024 minus 2025" from the other tables. Expected counts are
worked out by hand below.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from ccdata.analysis import audit, disclosure, linked
from ccdata.errors import MissingDataError
from ccdata.views import listening

QUESTIONS = pd.DataFrame({"question_id": ["Q1"], "question_text": ["Do you feel safe in your area?"],
                          "type": ["single"], "options": [("Yes", "No")], "positive": [("Yes",)],
                          "benchmark": [float("nan")]})


def _responses() -> pd.DataFrame:
    rows = []
    # 2023: 4 respondents, 3 positive, all in ward W1
    rows += [("2023", "W1", "Yes")] * 3 + [("2023", "W1", "No")]
    # 2024: 120 respondents: W1 40 (25 yes), W2 50 (30 yes), W3 30 (20 yes) -> 75 yes
    for ward, n, yes in (("W1", 40, 25), ("W2", 50, 30), ("W3", 30, 20)):
        rows += [("2024", ward, "Yes")] * yes + [("2024", ward, "No")] * (n - yes)
    # 2025: 130 respondents: W1 45 (30 yes), W2 45 (20 yes), W3 40 (25 yes) -> 75 yes
    for ward, n, yes in (("W1", 45, 30), ("W2", 45, 20), ("W3", 40, 25)):
        rows += [("2025", ward, "Yes")] * yes + [("2025", ward, "No")] * (n - yes)
    frame = pd.DataFrame(rows, columns=["wave", "ward24_code", "Q1"])
    frame["lsoa21_code"] = "E01000001"
    frame.attrs["waves"] = ["2023", "2024", "2025"]
    return frame


RULES = disclosure.Rules()
UNPROTECTED = disclosure.Rules(secondary=False, round_to=1)


def test_per_table_protection_leaks_and_the_audit_finds_it():
    responses = _responses()
    tables = [linked.survey.summarise(responses, QUESTIONS, by=by, rules=UNPROTECTED)
              for by in (None, "wave", linked.WARD)]
    result = linked.audit_tables(responses, QUESTIONS, UNPROTECTED, *tables)
    old = result.set_index("figure").loc["Q1: wave 2023, respondents"]
    # all waves 254 - 2024 120 - 2025 130 = 4, exactly
    assert (old["lower"], old["upper"]) == (4, 4) and not old["protected"]
    pos = result.set_index("figure").loc["Q1: wave 2023, positive answers"]
    assert (pos["lower"], pos["upper"]) == (3, 3)         # 153 - 75 - 75
    assert not audit.passed(result)


def test_linked_page_hides_enough_and_passes_the_audit():
    page = linked.survey_page(_responses(), QUESTIONS, RULES)
    assert page.ok and page.rounds == 1
    waves = page.by_wave.set_index("wave")
    assert bool(waves.loc["2023", "suppressed"]) and bool(waves.loc["2024", "suppressed"])  # 2024 its complement
    assert not bool(waves.loc["2025", "suppressed"])
    # the change table cannot show 2024 because the by-wave table hides it
    assert bool(page.change["suppressed"].iloc[0]) and pd.isna(page.change["n_1"].iloc[0])
    hidden = page.audit
    assert len(hidden) and (hidden["width"] >= hidden["threshold"]).all()
    assert set(hidden["figure"]) >= {"Q1: wave 2023, respondents", "Q1: wave 2024, respondents"}
    # percentages come from the published rounded counts: 2025 is 75/130 -> 57.7%
    assert waves.loc["2025", "n"] == 130 and waves.loc["2025", "positive"] == 75
    assert waves.loc["2025", "pct_positive"] == pytest.approx(100 * 75 / 130)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


class _Place:
    name = "Testham"

    def table(self, name):
        raise MissingDataError("ward boundaries not built")

    wards = pd.DataFrame(columns=["ward_code", "vintage"])


def _fmt(v) -> set[str]:
    """The ways a published figure is printed: whole numbers as such, others to 1 dp."""
    out = set()
    if pd.isna(v):
        return out
    v = float(v)
    out.add(f"{v:,.1f}")
    out.add(f"{v:,.0f}")                      # key-findings sentences print whole percentages
    if v.is_integer():
        out.add(f"{int(v):,}")
    return out


def test_every_number_on_the_rendered_page_is_published_or_recomputable():
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses())
    blocks = (listening.headlines_section(data, RULES) + listening.questions_section(data, RULES)
              + listening.change_section(data, RULES) + listening.wards_section(_Place(), data, RULES))
    html = "".join(b.html for b in blocks)
    # the charts' own text (axis scales, the benchmark line) is not a figure of the page
    html = re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"\bWave \d+, ", "", text)  # wave names ("Wave 1, 2024"): the number counts waves
    page = listening._page(data, RULES)
    allowed = {"2023", "2024", "2025", "95", "1"}       # wave labels; "95% interval"; "Q1"
    for table in (page.overall, page.by_wave, page.by_ward):
        shown = table[~table["suppressed"]]
        for col in ("n", "positive", "pct_positive", "ci_lower", "ci_upper"):
            for v in shown[col]:
                allowed |= _fmt(v)
        # every shown percentage and interval is recomputable from the shown counts
        for r in shown.itertuples():
            assert r.pct_positive == pytest.approx(100 * r.positive / r.n)
            lo, hi = (float(pd.Series(x).iloc[0]) for x in linked.survey.stats.wilson_ci([r.positive], [r.n]))
            assert (r.ci_lower, r.ci_upper) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    allowed |= {s for v in page.change.select_dtypes("number").to_numpy().ravel() for s in _fmt(v)}
    # numbers standing alone (not inside column names such as n_1 or ward24_code)
    numbers = re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])", text)
    assert numbers
    stray = sorted({n for n in numbers if n not in allowed})
    assert stray == []
    # the exact old wave never appears: 4 respondents, 3 positive (75.0%)
    assert "75.0" not in text
    # and every count published is in the audit's constraints, none hidden pinned
    assert audit.passed(page.audit)


def test_stubbing_out_disclosure_makes_the_view_refuse(monkeypatch):
    def no_control(table, rules=None, **kwargs):   # looks right, but was never protected
        return table.assign(suppressed=False, suppression="")

    monkeypatch.setattr(disclosure, "apply", no_control)
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses())
    with pytest.raises(disclosure.DisclosureError, match="not been through disclosure control"):
        listening.questions_section(data, RULES)
    with pytest.raises(disclosure.DisclosureError):
        listening.headlines_section(data, RULES)


def test_a_forged_or_changed_table_is_refused_by_the_presentation_layer(monkeypatch):
    from ccdata import present
    assert present.DisclosureError is disclosure.DisclosureError   # one error class for both layers
    page = linked.survey_page(_responses(), QUESTIONS, RULES)
    real = page.by_wave
    # the seal travels with pandas' attrs, but a recomputed figure no longer matches it
    exact = real.assign(pct_positive=[75.0, 62.5, 57.7])
    with pytest.raises(disclosure.DisclosureError, match="changed after it"):
        present.table(exact, caption="by wave")
    # a table rebuilt from the raw answers, with the seal copied onto it
    forged = _responses().groupby("wave").size().rename("n").reset_index()
    forged.attrs.update(real.attrs)
    with pytest.raises(disclosure.DisclosureError):
        present.table(forged, caption="by wave")
    # a table that lost every mark is refused inside a personal section
    plain = _responses().groupby("wave").size().rename("n").reset_index()
    assert plain.attrs == {}
    assert "2023" in present.table(plain, caption="waves").html     # outside: nothing says it is personal
    with present.personal("the listening page"), pytest.raises(disclosure.DisclosureError):
        present.table(plain, caption="waves")
    # selecting rows and columns of a sealed table, or adding names, keeps it publishable
    shown = real[real["wave"] == "2025"][["wave", "n", "pct_positive"]].assign(name="Latest")
    with present.personal("the listening page"):
        assert "Latest" in present.table(shown, caption="latest").html
    # only a table worked out from protected tables can be sealed
    with pytest.raises(disclosure.DisclosureError):
        disclosure.mark(_responses().groupby("wave").size().reset_index())


def test_exclusion_counts_that_lost_their_seal_are_not_published(monkeypatch):
    from ccdata.analysis import survey
    responses = _responses()
    responses.attrs["exclusions"] = [{"file": "r.csv", "row": i, "column": "Q1", "message": "not an option",
                                      "value": None} for i in range(2, 5)]
    data = listening.ListeningData(questions=QUESTIONS, responses=responses)
    html = "".join(b.html for b in listening.privacy_section(data, RULES))
    assert "excluded or adjusted" in html
    # exclusion counts built without disclosure control (3 rows: a small count, shown exactly)
    monkeypatch.setattr(survey, "exclusions", lambda r: pd.DataFrame(r.attrs["exclusions"])
                        .groupby("column").size().rename("rows").reset_index())
    with pytest.raises(disclosure.DisclosureError):
        listening.privacy_section(data, RULES)


def test_audit_note_goes_to_the_adviser():
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses())
    blocks = listening.audit_section(data, RULES)
    html = blocks[0]._repr_html_()
    assert 'data-audience="adviser"' in html and "disclosure audit" in html.lower()



# ------------------------------------------------------------------ labels
from ccdata.analysis import labels  # noqa: E402


@pytest.mark.parametrize("values,problem", [
    (["2024", "2025", "DE1 2AB"], "postcodes"),
    (["2024", "jo@example.org"], "e-mail"),
    (["2024", "I moved here last year and the park is not safe at night for children"], "free text"),
    ([f"R{i:04d}" for i in range(310)], "identifiers"),
    ([f"School {i % 80}" for i in range(400)], "80 different labels"),
])
def test_labels_that_identify_people_are_refused(values, problem):
    assert any(problem in p for p in labels.problems(values, "wave"))
    with pytest.raises(labels.LabelError, match="wave column cannot be shown"):
        labels.check(values, "wave")


def test_ordinary_labels_pass():
    assert labels.problems(["2024", "2025"] * 100, "wave") == []
    assert labels.problems(["Year 7", "Year 8", "Year 9"] * 30, "year group") == []
    assert labels.problems(["E05000001", "E05000002"] * 30, "ward") == []


def test_a_postcode_in_the_wave_column_stops_the_survey_tables():
    responses = _responses()
    responses.loc[5, "wave"] = "DE1 2AB"
    with pytest.raises(labels.LabelError) as info:
        linked.survey_page(responses, QUESTIONS, RULES)
    assert "DE1 2AB" not in str(info.value) and "postcodes" in str(info.value)


def test_the_listening_view_withholds_and_tells_the_adviser():
    responses = _responses()
    responses.loc[5, "wave"] = "DE1 2AB"
    data = listening.ListeningData(questions=QUESTIONS, responses=responses)
    html = "".join(b._repr_html_() for b in listening.questions_section(data, RULES)
                   + listening.audit_section(data, RULES))
    assert "DE1 2AB" not in html and "withheld to protect privacy" in html
    assert 'data-audience="adviser"' in html and "postcodes" in html


def test_an_empty_wave_never_replaces_the_real_change():
    responses = _responses()
    blank = pd.DataFrame({"wave": ["2026"] * 5, "ward24_code": ["W1"] * 5, "Q1": [None] * 5,
                          "lsoa21_code": ["E01000001"] * 5})
    responses = pd.concat([responses, blank], ignore_index=True)
    responses.attrs["waves"] = ["2023", "2024", "2025", "2026"]
    page = linked.survey_page(responses, QUESTIONS, RULES)
    # 2026 has no answers, so the change is still 2024 -> 2025 (hidden here because 2024 is)
    assert page.change[["wave_1", "wave_2"]].iloc[0].tolist() == ["2024", "2025"]
    data = listening.ListeningData(questions=QUESTIONS, responses=responses)
    html = listening.change_section(data, RULES)[0]._repr_html_()
    assert "Change from Wave 2, 2024 to Wave 3, 2025" in html  # numbered over all four waves; years kept
