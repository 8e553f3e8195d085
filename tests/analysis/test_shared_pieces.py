"""The pieces analysis and presentation modules share, public since they are an interface
(disclosure.check_rules, the survey helpers, network.check_data/excluded_rows, the chart and
map helpers): what each returns on a hand-made input, and the error each gives on a bad one."""
from __future__ import annotations

import warnings

import folium
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ccdata.analysis import disclosure, survey  # noqa: E402
from ccdata.analysis import network as net  # noqa: E402
from ccdata.errors import DataQualityWarning  # noqa: E402
from ccdata.io.local.network import read_network  # noqa: E402
from ccdata.present import charts, maps  # noqa: E402

QUESTIONS = pd.DataFrame({
    "question_id": ["safe", "help", "other"],
    "question_text": ["Do you feel safe?", "Where do you go for help?", "Anything else?"],
    "type": ["single", "multiple", "free_text"],
    "options": [("Yes", "No"), ("Family", "School", "Nobody"), ()],
    "positive": [("Yes",), ("Family", "School"), ()],
})


def test_check_rules_gives_the_default_for_none_and_refuses_anything_else():
    assert disclosure.check_rules(None) is disclosure.DEFAULT
    own = disclosure.Rules(min_respondents=20)
    assert disclosure.check_rules(own) is own
    with pytest.raises(TypeError, match="rules must be a ccdata.analysis.disclosure.Rules, not dict"):
        disclosure.check_rules({"min_respondents": 20})


def test_closed_questions_leave_out_free_text_and_name_bad_ids():
    assert list(survey.closed_questions(QUESTIONS)["question_id"]) == ["safe", "help"]
    assert list(survey.closed_questions(QUESTIONS, "help")["question_id"]) == ["help"]
    with pytest.raises(KeyError, match="nope"):
        survey.closed_questions(QUESTIONS, ["safe", "nope"])
    with pytest.raises(ValueError, match="free-text question"):
        survey.closed_questions(QUESTIONS, "other")
    with pytest.raises(ValueError, match="'type'"):  # the questions are checked first
        survey.closed_questions(QUESTIONS.drop(columns="type"))


def test_is_positive_reads_one_ticked_option_as_enough():
    answers = pd.Series(["Family;Nobody", "Nobody", None, "School"])
    got = survey.is_positive(answers, ("Family", "School"))
    assert got.tolist()[:2] == [True, False] and pd.isna(got.iloc[2]) and got.iloc[3] is True
    with pytest.raises(TypeError, match="answers must be a pandas Series"):
        survey.is_positive(["Family"], ("Family",))
    with pytest.raises(TypeError, match="positive must be a tuple"):
        survey.is_positive(answers, "Family")


def test_check_breakdowns_and_check_responses():
    assert survey.check_breakdowns(None) == []
    assert survey.check_breakdowns("wave") == ["wave"]
    assert survey.check_breakdowns(("school", "year_group")) == ["school", "year_group"]
    with pytest.raises(ValueError, match=r"cannot break down by \['postcode'\]"):
        survey.check_breakdowns(["wave", "postcode"])
    survey.check_responses(pd.DataFrame(columns=["wave", "ward24_code", "lsoa21_code", "safe"]))
    with pytest.raises(ValueError, match=r"load_responses\(\)\) has no column 'ward24_code'"):
        survey.check_responses(pd.DataFrame(columns=["wave", "lsoa21_code"]))
    with pytest.raises(TypeError, match="responses must be a pandas DataFrame"):
        survey.check_responses("responses.csv")


def test_excluded_rows_counts_only_the_rows_left_out(tmp_path):
    (tmp_path / "o.csv").write_text("id,name,sector\nA,Alpha,school\nB,Beta,health\n")
    # line 3 names an organisation nobody listed, line 4 is blank: two rows left out; one tie kept
    (tmp_path / "r.csv").write_text("respondent,partner,relationship,strength,wave\nA,B,referrals,3,1\n"
                                    "A,Z,referrals,3,1\n,,,,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        data = read_network(tmp_path / "o.csv", tmp_path / "r.csv")
    assert len(data.ties) == 1
    assert net.excluded_rows(data) == int((data.issues["action"] == "row excluded").sum()) == 2
    assert net.check_data(data) is data
    with pytest.raises(TypeError, match="expected NetworkData"):
        net.excluded_rows(data.ties)


def test_wrap_label_breaks_at_spaces_and_keeps_long_words():
    # "Family hub or" and "or children's" are 13 characters: at width 12 neither fits on one line
    assert charts.wrap_label("Family hub or children's centre", 12) == "Family hub\nor\nchildren's\ncentre"
    assert charts.wrap_label("Family hub or children's centre", 13) == "Family hub or\nchildren's\ncentre"
    assert charts.wrap_label("Supercalifragilistic", 5) == "Supercalifragilistic"
    with pytest.raises(ValueError, match="width"):
        charts.wrap_label("x", 0)


def test_styled_draws_in_the_chart_style_and_leaves_the_callers_settings():
    before = plt.rcParams["font.size"]

    @charts.styled
    def size():
        return plt.rcParams["font.size"]

    assert size() == charts.STYLE["font.size"] == 12
    assert plt.rcParams["font.size"] == before
    with pytest.raises(TypeError, match="styled decorates a function"):
        charts.styled("chart")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        charts.fit("figure")


def test_finish_map_adds_the_key_and_checks_its_arguments():
    m = maps.base_map(location=[55.0, -1.5], zoom_start=12)
    maps.finish_map(m, [[54.9, -1.6], [55.1, -1.4]], "<p>Key &amp; more</p>")
    page = m.get_root().render()
    assert "frame = [[54.9, -1.6], [55.1, -1.4]];" in page and maps.MAP_CSS in page
    # the key reaches the page as a script string: no markup of it is read as the page's own
    assert 'box.innerHTML = "\\u003cp\\u003eKey \\u0026amp; more\\u003c/p\\u003e";' in page
    with pytest.raises(TypeError, match="legend must be the key's HTML text"):
        maps.finish_map(folium.Map(), [[54.9, -1.6], [55.1, -1.4]], None)
    with pytest.raises(ValueError, match="bounds must be"):
        maps.finish_map(folium.Map(), [[54.9, -1.6, 0.0], [55.1, -1.4]], "")
