"""Empty and degenerate inputs: the page says what is missing in one plain sentence."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from ccdata.analysis import disclosure
from ccdata.errors import DataQualityWarning
from ccdata.io.local import network as net_io
from ccdata.views import listening
from ccdata.views import network as net_view

QUESTIONS = pd.DataFrame({"question_id": ["Q1"], "question_text": ["Do you feel safe in your area?"],
                          "type": ["single"], "options": [("Yes", "No")], "positive": [("Yes",)],
                          "benchmark": [float("nan")]})
RULES = disclosure.Rules()


def _responses(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["wave", "ward24_code", "Q1"])
    frame["lsoa21_code"] = "E01000001"
    frame.attrs["waves"] = list(dict.fromkeys(frame["wave"]))
    return frame


class _Place:
    name = "Testham"
    wards = pd.DataFrame(columns=["ward_code", "vintage"])

    def table(self, name):
        raise AssertionError("no map without answers")


def _sections(data) -> dict[str, str]:
    return {"headlines": listening.headlines_section(data, RULES)[0].html,
            "questions": listening.questions_section(data, RULES)[0].html,
            "change": listening.change_section(data, RULES)[0].html,
            "wards": listening.wards_section(_Place(), data, RULES)[0].html}


def test_header_only_responses_say_there_are_no_answers_yet():
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses([]))
    for name, html in _sections(data).items():
        assert "ccdata-missing" in html, name
        assert "has no answers yet (its responses file has only the column headings)" in html, name
        assert "positive answers" not in html and "only one wave" not in html, name


def test_a_survey_of_five_blank_answers_says_so():
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses([("2025", "W1", None)] * 5))
    for name, html in _sections(data).items():
        assert "the 5 responses in its file leave every question blank" in html, name


def test_an_empty_wave_never_replaces_the_real_one_and_is_named():
    rows = [("2024", "W1", "Yes")] * 30 + [("2024", "W1", "No")] * 20 \
        + [("2025", "W1", "Yes")] * 25 + [("2025", "W1", "No")] * 25 + [("2026", "W1", None)] * 5
    data = listening.ListeningData(questions=QUESTIONS, responses=_responses(rows))
    blocks = listening.change_section(data, RULES)
    html = "".join(b.html for b in blocks)
    assert "Change from Wave 1, 2024 to Wave 2, 2025" in html  # waves numbered in date order
    assert "Nobody has answered in Wave 3, 2026 yet, so it is not compared." in html
    # 2024: 30 of 50 = 60.0%; 2025: 25 of 50 = 50.0% (counts already multiples of 5)
    assert "60.0" in html and "50.0" in html


ORGS = "id,name,sector\nA,Alpha,school\nB,Beta,health\n"


def _network(tmp_path, rels: str):
    (tmp_path / "orgs.csv").write_text(ORGS)
    (tmp_path / "rels.csv").write_text(rels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return net_io.read_network(tmp_path / "orgs.csv", tmp_path / "rels.csv")


def _network_sections(data) -> list[str]:
    points = pd.DataFrame({"org_id": ["A", "B"], "easting": [None, None]})
    blocks = (net_view.overview(None, data) + net_view.diagram_section(data) + net_view.brokers_section(data)
              + net_view.sectors_section(data) + net_view.core_team_section(data)
              + net_view.change_section(data) + net_view.map_section(data, points))
    return [b.html for b in blocks]


@pytest.mark.parametrize("rels,reason", [
    ("", "the relationship survey has no answers yet (its file is empty)"),
    ("respondent,partner,relationship,strength,wave\n",
     "the relationship survey has no answers yet (its file has only the column headings)"),
])
def test_an_empty_relationships_file_says_there_are_no_answers(tmp_path, rels, reason):
    data = _network(tmp_path, rels)
    assert data.waves == [] and len(data.ties) == 0
    sections = _network_sections(data)
    assert len(sections) == 7                     # no section is left blank
    for html in sections:
        assert "ccdata-missing" in html and reason in html
        assert "postcode" not in html and "only one wave" not in html   # never the wrong reason


def test_relationships_that_are_all_unusable_say_so(tmp_path):
    data = _network(tmp_path, "respondent,partner,relationship,strength,wave\nX,Y,referrals,3,1\n")
    html = _network_sections(data)[0]
    assert "none of the relationship survey&#x27;s answers could be used" in html


def test_the_library_change_skips_a_wave_nobody_answered():
    from ccdata.analysis import survey
    rows = [("2024", "W1", "Yes")] * 30 + [("2024", "W1", "No")] * 20 \
        + [("2025", "W1", "Yes")] * 25 + [("2025", "W1", "No")] * 25 + [("2026", "W1", None)] * 5
    change = survey.wave_change(_responses(rows), QUESTIONS, rules=RULES)
    assert change[["wave_1", "wave_2"]].iloc[0].tolist() == ["2024", "2025"]
    assert change["pct_1"].iloc[0] == pytest.approx(60.0) and change["pct_2"].iloc[0] == pytest.approx(50.0)
    with pytest.raises(ValueError, match="two waves with answers"):
        survey.wave_change(_responses(rows[50:]), QUESTIONS, rules=RULES)
